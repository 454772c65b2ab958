"""Coordinators publish and edit events in a private chat: /nouvel_evenement,
/modifier_evenement, the steps' buttons, and what is typed or sent during them.
At start, the pack's ``events.yaml`` is brought into the database."""

from __future__ import annotations

import logging
from typing import Any

from telegram import Update
from telegram.error import BadRequest, Forbidden
from telegram.ext import Application

from bot import actions
from bot.events.event_form import Step
from bot.events.listing import Notice
from bot.staff.access import event_in_private
from handlers.runtime import delivery as broadcasts
from handlers.runtime import jobs
from handlers.runtime.context import Context, services_of
from handlers.runtime.render import keyboard, reply

log = logging.getLogger(__name__)

AnyApp = Application[Any, Any, Any, Any, Any, Any]


async def _show(update: Update, context: Context, step: Step) -> None:
    for answer in step.replies:
        await reply(update, context, answer)
    await _follow_up(context.application, step.reschedule, step.broadcasts, step.notices)


async def _follow_up(
    app: AnyApp,
    reschedule: tuple[int, ...],
    launched: tuple[int, ...],
    notices: tuple[Notice, ...],
) -> None:
    """What a publication or an edit sets going: reminders, broadcasts, promoted people."""
    for event_id in reschedule:
        await jobs.schedule_reminders(app, event_id)
    for broadcast_id in launched:
        await broadcasts.launch(app, broadcast_id)
    for notice in notices:
        try:
            await app.bot.send_message(
                notice.chat_id,
                notice.reply.text,
                parse_mode="HTML",
                reply_markup=keyboard(notice.reply.buttons),
            )
        except (Forbidden, BadRequest) as exc:
            log.info("promotion notice not delivered (%s)", type(exc).__name__)


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
        result = await admin.answer_text(session.person, session.tr, message.text)
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
