"""Announcements: /abonnements, choosing the ones one receives; /diffusions, what was
broadcast and how far each one went; /annonce and "✉️ Écrire aux inscrits", a
coordinator's own words to subscribers or to those registered for an event."""

from __future__ import annotations

from telegram import Update

from bot import actions
from bot.broadcasts import (
    AnnounceStep,
    Preview,
    announce_in_private,
    continue_privately,
    refusal,
    write_first,
)
from bot.staff import coordinates, coordinators_only
from bot.ui import Outgoing, popup
from handlers.runtime import delivery
from handlers.runtime.context import Context
from handlers.runtime.render import Outcome, reply, send


async def show_subscriptions(update: Update, context: Context) -> None:
    session = await context.session(update)
    if update.callback_query is not None and not context.answered:
        await update.callback_query.answer()
    shown = await context.services.subscriptions.show(
        session.person, session.tr, edit=update.callback_query is not None
    )
    await reply(update, context, shown)


async def subscription_button(update: Update, context: Context) -> None:
    action = await context.pressed(
        update, actions.SUBSCRIPTION, context.services.subscriptions.valid_argument
    )
    if action is None:
        return
    session = await context.session(update)
    chat = update.effective_chat
    assert chat is not None
    changed = await context.services.subscriptions.change(
        session.person, session.tr, action.argument, chat.id
    )
    await reply(update, context, changed)


async def overview_command(update: Update, context: Context) -> None:
    """/diffusions: coordinators see what was broadcast and how far each one went."""
    services = context.services
    tr, member = await context.staff(update)
    if not coordinates(member):
        await reply(update, context, coordinators_only(tr))
        return
    await reply(update, context, await services.broadcasts.overview(tr))


# --- A coordinator's own announcements (/annonce, "✉️ Écrire aux inscrits") --------------


async def _show_announce(update: Update, context: Context, step: AnnounceStep) -> None:
    """The replies in order; the preview with its photo goes the way a broadcast does."""
    chat = update.effective_chat
    assert chat is not None
    session = await context.session(update)
    for shown in step.messages:
        if isinstance(shown, Preview) and shown.photo:
            await send(context.application, Outgoing(
                chat.id, session.tr.language, shown.reply, pseudonym=session.person.pseudonym,
                photo=shown.photo,
            ))  # fmt: skip
        else:
            await reply(update, context, shown.reply if isinstance(shown, Preview) else shown)
    await delivery.launch(context.application, step.broadcast)


async def announce_command(update: Update, context: Context) -> None:
    """/annonce: a coordinator writes to subscribers, privately with the bot."""
    session = await context.session(update)
    step = await context.services.announcements.start(session.person, session.tr)
    await _show_announce(update, context, step)


async def announce_in_group(update: Update, context: Context) -> None:
    """/annonce in the staff group: the conversation happens privately."""
    services = context.services
    tr = services.translator(services.default_language)
    await reply(update, context, announce_in_private(tr))


async def announce_button(update: Update, context: Context) -> None:
    """A button of the conversation (``an:<step>.<value>``); ``an:reg.<event>`` under an
    attendee list, in the staff group, begins one privately."""
    action = await context.pressed(update, actions.ANNOUNCE, answer=False)
    if action is None:
        return
    query = update.callback_query
    chat = update.effective_chat
    assert query is not None
    assert chat is not None
    step, value = actions.split(action.argument)[:2]
    session = await context.session(update)
    announcements = context.services.announcements
    if step == "reg":
        await _from_attendee_list(update, context, value)
        return
    await query.answer()
    context.answered = True
    answered = await announcements.answer_button(session.person, session.tr, step, value, chat.id)
    await _show_announce(update, context, answered)


async def _from_attendee_list(update: Update, context: Context, event: str) -> None:
    query = update.callback_query
    user = update.effective_user
    assert query is not None
    assert user is not None
    session = await context.session(update)
    announcements = context.services.announcements
    tr = context.services.translator(context.services.default_language)
    if not event.isdigit() or not await announcements.may(session.person):
        await query.answer(popup(refusal(tr).text), show_alert=True)
        context.answered = True
        return
    step = await announcements.start_registered(session.person, session.tr, int(event))
    # The questions are asked privately (in a private chat, its id is the user's).
    first = True
    for shown in step.messages:
        words = shown.reply if isinstance(shown, Preview) else shown
        sent = await send(context.application, Outgoing(
            user.id, session.tr.language, words, pseudonym=session.person.pseudonym,
        ))  # fmt: skip
        if first and sent.outcome in (Outcome.BLOCKED, Outcome.UNREACHABLE):
            # Left in place, the draft would take their next private words as its text.
            await announcements.abandon(session.person)
            await query.answer(popup(write_first(tr).text), show_alert=True)
            context.answered = True
            return
        first = False
    await query.answer(popup(continue_privately(tr).text))
    context.answered = True


async def announce_input(update: Update, context: Context) -> None:
    """Text, a photo with its caption, or anything else sent during the conversation."""
    message = update.effective_message
    chat = update.effective_chat
    if message is None or chat is None:
        return
    session = await context.session(update)
    announcements = context.services.announcements
    if message.photo:
        largest = max(message.photo, key=lambda size: size.width * size.height)
        step = await announcements.answer_text(
            session.person, session.tr, message.caption or "", chat.id, photo=largest.file_id
        )
    elif message.text:
        step = await announcements.answer_text(session.person, session.tr, message.text, chat.id)
    else:
        step = await announcements.answer_other(session.person, session.tr)
    await _show_announce(update, context, step)
