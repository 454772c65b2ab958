"""Events, the person's side: /evenements, an event, signing up, /mes_inscriptions."""

from __future__ import annotations

import logging

from telegram import Update
from telegram.error import BadRequest, Forbidden

from bot import actions, answers
from bot.events.signup_steps import Step as SignUpStep
from handlers.runtime import jobs
from handlers.runtime.context import Context
from handlers.runtime.render import keyboard, reply

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
    if name == "show":
        await reply(update, context, await events.detail(session.tr, int(identifier)))
    elif name == "join":  # the questions begin; the place is taken at their end
        for answer in (await events.join(session.person, session.tr, int(identifier))).replies:
            await reply(update, context, answer)
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


# --- A sign-up's questions (bot/signup.py) ---------------------------------------------------


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
        return
    step = await services.events.signup.answer_text(session.person, session.tr, message.text)
    await _show_signup(update, context, step)
