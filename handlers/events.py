"""Events, the person's side: /evenements, an event, signing up, /mes_inscriptions."""

from __future__ import annotations

import logging

from telegram import Update
from telegram.error import BadRequest, Forbidden

from bot import actions
from handlers import jobs
from handlers.context import Context
from handlers.render import keyboard, reply

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
    action = await context.pressed(update, actions.EVENT)
    if action is None:
        return
    name, identifier = actions.split(action.argument)[:2]
    if name not in ("show", "join", "leave") or not identifier.isdigit():
        return
    session = await context.session(update)
    events = context.services.events
    chat = update.effective_chat
    assert chat is not None
    if name == "show":
        await reply(update, context, await events.detail(session.tr, int(identifier)))
    elif name == "join":
        answer = await events.join(session.person, session.tr, int(identifier), chat.id)
        await reply(update, context, answer)
        await jobs.schedule_reminders(context.application, int(identifier))
    else:
        answer, notices = await events.leave(session.person, session.tr, int(identifier))
        await reply(update, context, answer)
        for notice in notices:
            try:
                await context.bot.send_message(
                    notice.chat_id, notice.reply.text, parse_mode="HTML",
                    reply_markup=keyboard(notice.reply.buttons),
                )  # fmt: skip
            except (Forbidden, BadRequest) as exc:
                log.info("promotion notice not delivered (%s)", type(exc).__name__)
