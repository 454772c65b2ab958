"""Events: the list and each event's page, sign-ups and their questions, publishing and
editing an event, and attendance on the day."""

from __future__ import annotations

import logging
from typing import Any

from telegram import Update
from telegram.ext import Application

from bot import actions, answers
from bot.events import Passed, PublishingStep, SignUpStep
from bot.requests import relay
from bot.staff import event_in_private
from bot.ui import Outgoing, Reply, popup
from handlers.runtime import delivery, jobs
from handlers.runtime.context import Context, services_of
from handlers.runtime.render import Outcome, media_kind, reply, send

log = logging.getLogger(__name__)


async def list_events(update: Update, context: Context) -> None:
    session = await context.session(update)
    if update.callback_query is not None and not context.answered:
        await update.callback_query.answer()
    listing = await context.services.events.listing(session.tr, session.person.quartier)
    await reply(update, context, listing)


async def my_registrations(update: Update, context: Context) -> None:
    session = await context.session(update)
    if update.callback_query is not None and not context.answered:
        await update.callback_query.answer()
    await reply(update, context, await context.services.events.mine(session.person, session.tr))


async def event_button(update: Update, context: Context) -> None:
    action = await context.pressed(update, actions.EVENT, answer=False)
    if action is None:
        return
    name, identifier = actions.split(action.argument)[:2]
    query = update.callback_query
    assert query is not None
    if name == "write" and identifier.isdigit():  # answered with what became of it
        await _open_thread(update, context, int(identifier))
        return
    await query.answer()
    context.answered = True
    if name not in ("show", "join", "leave", "leaveask", "reply") or not identifier.isdigit():
        return
    session = await context.session(update)
    if name == "reply":
        threads = context.services.registration_threads
        await reply(update, context, await threads.begin_reply(session.person, session.tr,
                                                               int(identifier)))  # fmt: skip
        return
    events = context.services.events
    if name == "show":
        await reply(
            update, context, await events.detail(session.tr, int(identifier), session.person)
        )
    elif name == "leaveask":  # giving a place back is confirmed first
        await reply(update, context, await events.ask_leave(session.person, session.tr,
                                                            int(identifier)))  # fmt: skip
    elif name == "join":  # the questions begin; the place is taken at their end
        for answer in (await events.join(session.person, session.tr, int(identifier))).replies:
            await reply(update, context, answer)
    else:
        answer, notices = await events.leave(session.person, session.tr, int(identifier))
        await reply(update, context, answer)
        for notice in notices:
            await send(context.application, notice)


async def _show_signup(update: Update, context: Context, step: SignUpStep) -> None:
    for answer in step.replies:
        await reply(update, context, answer)
    if step.confirmed is not None:
        await jobs.schedule_reminders(context.application, step.confirmed)


async def signup_button(update: Update, context: Context) -> None:
    """A button of a sign-up's questions: ``su:<step>.<value>.<event>``."""
    action = await context.pressed(update, actions.SIGNUP)
    if action is None:
        return
    parts = actions.split(action.argument)
    if len(parts) != 3 or not parts[2].isdigit():
        return
    session = await context.session(update)
    chat = update.effective_chat
    assert chat is not None
    step = await context.services.events.signup.answer_button(
        session.person, session.tr, parts[0], parts[1], int(parts[2]), chat.id
    )
    await _show_signup(update, context, step)


async def signup_input(update: Update, context: Context) -> None:
    """Text (or a photo) sent while a sign-up's questions are asked."""
    message = update.effective_message
    if message is None:
        return
    session = await context.session(update)
    services = context.services
    signal = services.knowledge.detect_crisis(message.text) if message.text else None
    if signal is not None:  # a human resource first; the question stays where it was
        await reply(update, context, answers.crisis(services.pack, session.tr, signal))
        await services.usage.crisis_card(signal.tier)
        return
    chat = update.effective_chat
    step = await services.events.signup.answer_text(
        session.person, session.tr, message.text, chat.id if chat else 0
    )
    await _show_signup(update, context, step)


log = logging.getLogger(__name__)


AnyApp = Application[Any, Any, Any, Any, Any, Any]


async def _show(update: Update, context: Context, step: PublishingStep) -> None:
    for answer in step.replies:
        await reply(update, context, answer)
    await _follow_up(context.application, step.reschedule, step.broadcasts, step.notices)


async def _follow_up(
    app: AnyApp,
    reschedule: tuple[int, ...],
    launched: tuple[int, ...],
    notices: tuple[Outgoing, ...],
) -> None:
    """What a publication or an edit sets going: reminders, broadcasts, promoted people."""
    for event_id in reschedule:
        await jobs.schedule_reminders(app, event_id)
    for broadcast_id in launched:
        await delivery.launch(app, broadcast_id)
    for notice in notices:
        await send(app, notice)


async def new_event(update: Update, context: Context) -> None:
    """/nouvel_evenement: a coordinator begins (or takes up) an event."""
    session = await context.session(update)
    step = await context.services.event_admin.start_new(session.person, session.tr)
    await _show(update, context, step)


async def edit_event(update: Update, context: Context) -> None:
    """/modifier_evenement <n>: a coordinator changes an event."""
    session = await context.session(update)
    args = context.args or []
    step = await context.services.event_admin.start_edit(
        session.person, session.tr, args[0] if args else None
    )
    await _show(update, context, step)


async def in_the_group(update: Update, context: Context) -> None:
    """The same commands in the staff group: one is asked to write privately."""
    services = context.services
    await reply(
        update,
        context,
        event_in_private(services.translator(services.default_language)),
    )


async def step_button(update: Update, context: Context) -> None:
    action = await context.pressed(update, actions.EVENT_ADMIN)
    if action is None:
        return
    step, value = actions.split(action.argument)[:2]
    session = await context.session(update)
    chat = update.effective_chat
    assert chat is not None
    result = await context.services.event_admin.answer_button(
        session.person, session.tr, step, value, chat.id
    )
    await _show(update, context, result)


async def step_input(update: Update, context: Context) -> None:
    """Text, a photo or anything else sent while an event is being written."""
    message = update.effective_message
    if message is None:
        return
    session = await context.session(update)
    admin = context.services.event_admin
    if message.photo:
        largest = max(
            message.photo, key=lambda size: (size.width * size.height, size.file_size or 0)
        )
        result = await admin.answer_photo(session.person, session.tr, largest.file_id)
    elif message.text:
        chat = update.effective_chat
        result = await admin.answer_text(
            session.person, session.tr, message.text, chat.id if chat else 0
        )
    else:
        result = await admin.answer_other(session.person, session.tr)
    await _show(update, context, result)


async def on_start(app: AnyApp) -> None:
    """At start, before the jobs are rebuilt: the pack's events into the database, and a
    move a crash left untold."""
    services = services_of(app)
    try:
        synced = await services.pack_events.sync()
    except Exception:  # a fault here must not keep the bot (and its queue) from starting
        log.exception("events.yaml: synchronisation failed; the bot starts without it")
        return
    if synced.created or synced.updated or synced.cancelled:
        log.info(
            "events.yaml: %d published, %d updated, %d cancelled",
            synced.created,
            synced.updated,
            synced.cancelled,
        )
    untold = await services.event_changes.tell_untold_moves()
    await _follow_up(app, (), synced.broadcasts + untold, synced.notices)


async def attendees_command(update: Update, context: Context) -> None:
    """/inscrits <n>: the event's confirmed list and waiting list, with a CSV."""
    chat = update.effective_chat
    if chat is None:
        return
    tr, member = await context.staff(update)
    answer = await context.services.attendance.attendee_list(
        member, tr, context.args or [], chat.id
    )
    await reply(update, context, answer)


async def attendance_command(update: Update, context: Context) -> None:
    """/presences <n>: the message on which staff mark who came."""
    chat = update.effective_chat
    if chat is None:
        return
    tr, member = await context.staff(update)
    answer = await context.services.attendance.attendance_sheet(
        member, tr, context.args or [], chat.id
    )
    await reply(update, context, answer)


async def presence_button(update: Update, context: Context) -> None:
    """A name pressed on the attendance message (or ◀ ▶).

    The press is answered once, with the reason when it is refused (not staff, before
    the day, a forged button), which is why this does not go through
    ``context.pressed``: Telegram accepts a single answer per press.
    """
    query = update.callback_query
    if query is None:
        return
    tr, member = await context.staff(update)
    pressed = await context.services.attendance.press(member, tr, query.data)
    await query.answer(pressed.notice or None, show_alert=pressed.alert)
    context.answered = True
    if pressed.reply is not None:
        await reply(update, context, pressed.reply)


# --- Writing to one registration, and its answers (bot/events/threads.py) ----------------------


async def _open_thread(update: Update, context: Context, registration_id: int) -> None:
    """ "✉️ Écrire" beside a registration: its thread card, posted where the list is."""
    query = update.callback_query
    chat = update.effective_chat
    assert query is not None
    assert chat is not None
    tr, member = await context.staff(update)
    threads = context.services.registration_threads
    card = await threads.card(member, tr, registration_id)
    if isinstance(card, str):
        await query.answer(popup(card), show_alert=True)
        context.answered = True
        return
    await query.answer()
    context.answered = True
    message = update.effective_message
    thread = message.message_thread_id if message and message.is_topic_message else None
    sent = await send(context.application, Outgoing(chat.id, tr.language, card.reply,
                                                    thread_id=thread))  # fmt: skip
    if sent.message_id is not None:
        await threads.remember(card.registration_id, chat.id, sent.message_id, thread)


async def _pass_on(update: Update, context: Context, passed: Passed | Reply) -> None:
    """Send what was passed on, remember it when it lands in the staff group, and tell its
    sender how it went."""
    if isinstance(passed, Reply):
        await reply(update, context, passed)
        return
    services = context.services
    sent = await send(context.application, passed.outgoing)
    out = passed.outgoing
    if passed.registration_id is not None and sent.message_id is not None:
        await services.registration_threads.remember(
            passed.registration_id, out.chat_id, sent.message_id, out.thread_id, from_person=True
        )
    # Whoever acts reads the outcome: the staff when it went to a person, else the person.
    tr = (services.translator(services.default_language) if out.pseudonym is not None
          else (await context.session(update)).tr)  # fmt: skip
    if sent.outcome in (Outcome.BLOCKED, Outcome.UNREACHABLE) and out.pseudonym is not None:
        await reply(update, context, relay.unreachable_notice(tr))
    elif sent.outcome is Outcome.RETRY:
        await reply(update, context, relay.retrying_notice(tr))
    else:
        await reply(update, context, passed.notice)


async def reply_in_thread(update: Update, context: Context) -> bool:
    """A reply, in the staff group, to a message of a registration's exchange goes to the
    person; whether it was one."""
    message = update.effective_message
    chat = update.effective_chat
    if message is None or chat is None or message.reply_to_message is None:
        return False
    tr, member = await context.staff(update)
    media = None
    if not message.text:
        if media_kind(message) is None:
            return False
        media = message.message_id
    passed = await context.services.registration_threads.from_staff(
        member, tr, chat.id, message.reply_to_message.message_id,
        message.text or message.caption or "", media,
    )  # fmt: skip
    if passed is None:
        return False
    await _pass_on(update, context, passed)
    return True


async def reply_input(update: Update, context: Context) -> None:
    """What a registered person sends after "↩️ Répondre": to the staff's exchange."""
    message = update.effective_message
    chat = update.effective_chat
    if message is None or chat is None:
        return
    session = await context.session(update)
    services = context.services
    words = message.text or message.caption or ""
    kind = media_kind(message)
    if not message.text and kind is None:
        await reply(update, context, relay.not_relayed(session.tr))
        return
    signal = services.knowledge.detect_crisis(words) if words else None
    if signal is not None:  # a human resource first; the words still go to the staff
        await reply(update, context, answers.crisis(services.pack, session.tr, signal))
        await services.usage.crisis_card(signal.tier)
    passed = await services.registration_threads.from_person(
        session.person, session.tr, words, signal is not None,
        media=None if message.text else (chat.id, message.message_id),
    )  # fmt: skip
    await _pass_on(update, context, passed)
