"""The welcome, the menu, help, the emergency numbers, and kind words for what the bot
cannot read."""

from __future__ import annotations

from telegram import Update

from bot import actions
from bot.home import emergency, menu, navigation
from bot.requests import relay
from handlers import permanences as permanence_handlers
from handlers import requests
from handlers.broadcasts import show_subscriptions
from handlers.events import list_events, my_registrations
from handlers.requests import my_requests, start_request
from handlers.runtime.context import Context
from handlers.runtime.render import reply


async def start(update: Update, context: Context) -> None:
    session = await context.session(update)
    if not context.args:
        await reply(update, context, menu.welcome(context.services.pack, session.tr))
        return
    # A poster's link: t.me/<bot>?start=<payload>, signed so it cannot be forged; an
    # arrival through a numbered poster is counted (a number, never who), then followed.
    services = context.services
    found = services.payloads.read_link(context.args[0])
    if found is not None:
        await services.posters.arrived(found)
    target = None if found is None else (found.kind, found.value)
    if target is not None and target[0] == "r":
        await start_request(update, context)
        return
    if (
        target is not None
        and target[0] == "e"
        and await services.events.open_for_sign_up(int(target[1]))
    ):
        await reply(update, context, await services.events.detail(session.tr, int(target[1])))
        return
    if (
        target is not None
        and target[0] == "p"
        and await services.permanence_changes.catalogue.find(target[1]) is not None
    ):  # the pack's permanences and those created from Telegram
        await permanence_handlers.show_permanences(update, context)
        return
    await reply(update, context, menu.broken_link(session.tr))


async def show_menu(update: Update, context: Context) -> None:
    session = await context.session(update)
    await reply(update, context, menu.main_menu(session.tr))


async def show_help(update: Update, context: Context) -> None:
    session = await context.session(update)
    await reply(update, context, menu.help_text(context.services.pack, session.tr))


async def show_numbers(update: Update, context: Context) -> None:
    session = await context.session(update)
    await reply(update, context, emergency.numbers(context.services.pack, session.tr))


async def menu_button(update: Update, context: Context) -> None:
    action = await context.pressed(update, actions.MENU)
    if action is None:
        return
    if action.argument == "callback":
        await start_request(update, context)
        return
    if action.argument == "mine":
        await my_requests(update, context)
        return
    if action.argument == "permanences":
        await permanence_handlers.show_permanences(update, context)
        return
    if action.argument == "events":
        await list_events(update, context)
        return
    if action.argument == "registrations":
        await my_registrations(update, context)
        return
    if action.argument == "subscriptions":
        await show_subscriptions(update, context)
        return
    session = await context.session(update)
    answer = navigation.open_entry(context.services.pack, session.tr, action.argument)
    await reply(update, context, answer)


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
    """Anything but text in a private chat: a photo, a document or a voice note goes to the
    mediator who follows the person's request; otherwise a kind word."""
    session = await context.session(update)
    if await requests.relay_media(update, context):
        return
    if await context.services.relays.relay_open(session.person.pseudonym):
        await reply(update, context, relay.not_relayed(session.tr))
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
