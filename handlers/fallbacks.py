"""Kind words for everything the bot does not handle elsewhere."""

from __future__ import annotations

from telegram import Update

from bot.home import menu
from bot.staff import staffing
from handlers.context import Context
from handlers.render import reply


def _kind_of(update: Update) -> str:
    message = update.effective_message
    if message is None:
        return "other"
    for kind in ("sticker", "photo", "voice", "video", "document", "location", "contact"):
        if getattr(message, kind, None):
            return kind
    if message.video_note or message.animation:
        return "video"
    if message.audio:
        return "voice"
    return "other"


async def unsupported_content(update: Update, context: Context) -> None:
    session = await context.session(update)
    if await staffing.relay_open(context.services, session.person.pseudonym):
        await reply(update, context, staffing.not_relayed(session.tr))
        return
    await reply(update, context, menu.unsupported_content(session.tr, _kind_of(update)))


async def edited_message(update: Update, context: Context) -> None:
    session = await context.session(update)
    await reply(update, context, menu.edited_message(session.tr))


async def unknown_command(update: Update, context: Context) -> None:
    session = await context.session(update)
    await reply(update, context, menu.unknown_command(session.tr))


async def stale_button(update: Update, context: Context) -> None:
    """A button whose data is not ours (forged, or from an older version of the bot)."""
    query = update.callback_query
    assert query is not None
    session = await context.session(update)
    await query.answer(menu.stale_button(session.tr), show_alert=True)


async def group_message(update: Update, context: Context) -> None:
    """Residents' commands in a group: invite them to a private chat instead."""
    session = await context.session(update)
    await reply(update, context, menu.not_for_groups(session.tr))
