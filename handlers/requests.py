"""Callback requests, the person's side: /rappel, the steps, /mes_demandes."""

from __future__ import annotations

import logging
from typing import Any

from telegram import Update
from telegram.ext import Application, ApplicationHandlerStop

from bot import actions, answers
from bot.requests import Relay, RequestStep, due
from bot.storage import RequestRecord
from bot.ui import Outgoing, Reply
from handlers.runtime import jobs
from handlers.runtime.context import Context, services_of
from handlers.runtime.render import AnyApp, media_kind, reply, send, update_message

log = logging.getLogger(__name__)


async def _show(update: Update, context: Context, step: RequestStep) -> None:
    for answer in step.replies:
        await reply(update, context, answer)
    if step.created is not None:
        await post_card(context, step.created)
        follow(context, step.created)


async def start_request(update: Update, context: Context) -> None:
    """/rappel, or the main menu's "be called back"."""
    session = await context.session(update)
    if update.callback_query is not None and not context.answered:
        await update.callback_query.answer()
    await _show(update, context, await context.services.requests.start(session.person, session.tr))


async def mediator_button(update: Update, context: Context) -> None:
    """ "Talk to a mediator" from an answer, a list of suggestions or a crisis message."""
    pack = context.services.pack
    action = await context.pressed(
        update,
        actions.MEDIATOR,
        lambda arg: arg in (actions.ALL, actions.URGENT) or pack.answer(arg) is not None,
    )
    if action is None:
        return
    session = await context.session(update)
    urgent = action.argument == actions.URGENT
    subject = pack.theme_of(action.argument) if not urgent else None
    step = await context.services.requests.start(
        session.person,
        session.tr,
        source="crisis" if urgent else "answer",
        subject=subject,
        urgent=urgent,
    )
    if urgent:
        await reply(update, context, answers.urgent_notice(pack, session.tr))
    await _show(update, context, step)


async def crisis_button(update: Update, context: Context) -> None:
    """A choice on a crisis card: in danger, need to talk, just a question, be contacted."""
    pack = context.services.pack

    def valid(argument: str) -> bool:
        parts = actions.split(argument)
        if parts[0] not in actions.CRISIS_CHOICES or pack.crisis_category(parts[1]) is None:
            return False
        return len(parts) == 2 or (parts[0] == "q" and pack.answer(parts[2]) is not None)

    action = await context.pressed(update, actions.CRISIS, valid)
    if action is None:
        return
    choice, category_id, *entry = actions.split(action.argument)
    category = pack.crisis_category(category_id)
    assert category is not None
    session = await context.session(update)
    tr = session.tr
    if choice in ("d", "o"):
        card = answers.urgent_card(pack, tr, category, about_other=choice == "o")
        await reply(update, context, card)
        await context.services.usage.crisis_card("urgent")
    elif choice == "t":
        await reply(update, context, answers.need_to_talk(pack, tr, category))
    elif choice == "q":
        about = entry[0] if entry else None
        await reply(update, context, answers.just_a_question(pack, tr, category, about))
    else:
        step = await context.services.requests.start(
            session.person, tr, source="crisis", subject=category.subject, urgent=True
        )
        await _show(update, context, step)


async def step_button(update: Update, context: Context) -> None:
    action = await context.pressed(update, actions.REQUEST)
    if action is None:
        return
    step, value = actions.split(action.argument)[:2]
    session = await context.session(update)
    chat = update.effective_chat
    assert chat is not None
    result = await context.services.requests.answer_button(
        session.person, session.tr, step, value, chat.id
    )
    await _show(update, context, result)


async def step_text(update: Update, context: Context) -> None:
    """Text typed while a request is being built goes to it; text written while a mediator
    has the person's request goes to that mediator. The crisis check comes first."""
    message = update.effective_message
    if message is None or not message.text:
        return
    session = await context.session(update)
    services = context.services
    flow, relay = await services.requests.destination(session.person)
    if flow is None and not relay:
        return  # the usual case, in one read: the next group treats it as a question
    building = await services.requests.in_progress(session.person)
    writing_to = None if building else await services.requests.pending_message(session.person)
    talking = (
        not building
        and writing_to is None
        and await services.relays.relay_open(session.person.pseudonym)
    )
    if not building and not talking and writing_to is None:
        return  # not ours: the next group treats it as a question
    signal = services.knowledge.detect_crisis(message.text)
    if signal is not None:
        await reply(update, context, answers.crisis(services.pack, session.tr, signal))
        await services.usage.crisis_card(signal.tier)
    if building:
        result = await services.requests.answer_text(
            session.person, session.tr, message.text,
            urgent=signal is not None and signal.urgent, chat_id=message.chat_id,
        )  # fmt: skip
        if result is not None:
            await _show(update, context, result)
    else:
        relayed = await services.relays.from_person(
            session.person.pseudonym, session.tr, message.text, signal is not None,
            request_id=writing_to,
        )  # fmt: skip
        if relayed is not None:
            await _relayed(update, context, relayed)
    raise ApplicationHandlerStop


async def _relayed(update: Update, context: Context, relayed: Relay | Reply) -> None:
    """The person's message goes to the card and they are told; a paused person is told
    only that nothing went."""
    if isinstance(relayed, Reply):
        await reply(update, context, relayed)
        return
    outgoing, notice = relayed
    await send(context.application, outgoing)
    await reply(update, context, notice)


async def relay_media(update: Update, context: Context) -> bool:
    """A photo, a document or a voice note while a mediator follows the person's request
    (or while they add to a request of theirs): copied to the request's card, never kept.
    Whether it was one of those."""
    message = update.effective_message
    kind = media_kind(message)
    chat = update.effective_chat
    if message is None or kind is None or chat is None:
        return False
    session = await context.session(update)
    services = context.services
    if await services.requests.in_progress(session.person):
        return False  # a request being built asks for words
    writing_to = await services.requests.pending_message(session.person)
    caption = message.caption or ""
    signal = services.knowledge.detect_crisis(caption) if caption else None
    if signal is not None:
        await reply(update, context, answers.crisis(services.pack, session.tr, signal))
        await services.usage.crisis_card(signal.tier)
    relayed = await services.relays.from_person(
        session.person.pseudonym, session.tr, caption, signal is not None,
        request_id=writing_to, media=(kind, chat.id, message.message_id),
    )  # fmt: skip
    if relayed is None:
        return False
    await _relayed(update, context, relayed)
    return True


async def my_requests(update: Update, context: Context) -> None:
    session = await context.session(update)
    await reply(update, context, await context.services.requests.mine(session.person, session.tr))


async def my_request_button(update: Update, context: Context) -> None:
    action = await context.pressed(update, actions.MY_REQUEST)
    if action is None:
        return
    parts = actions.split(action.argument)
    if parts[0] not in ("cancel", "write", "rate") or not parts[1].isdigit():
        return
    session = await context.session(update)
    if parts[0] == "rate":
        rating = parts[2] if len(parts) > 2 else ""
        answer = await context.services.requests.rate(
            session.person, session.tr, int(parts[1]), rating
        )
        await reply(update, context, answer)
        return
    if parts[0] == "write":
        await reply(
            update, context,
            await context.services.requests.begin_message(session.person, session.tr,
                                                          int(parts[1])),
        )  # fmt: skip
        return
    answer, record = await context.services.requests.cancel(
        session.person, session.tr, int(parts[1])
    )
    await reply(update, context, answer)
    if record is not None:
        await refresh_card(context, record)
        follow(context, record)


# --- Cards in the staff group ----------------------------------------------------------------


async def post_card(context: Context, record: RequestRecord) -> None:
    """Announce a new request in its team's topic of the staff group."""
    await _post_card(context.application, record)


async def post_missing_cards(app: Application[Any, Any, Any, Any, Any, Any]) -> int:
    """At start: a card for every open request that has none (the bot was stopped between
    acknowledging the request and posting its card)."""
    services = services_of(app)
    missing = await services.queue.without_card()
    for record in missing:
        await _post_card(app, record)
    if missing:
        log.info("posted the missing cards of %d requests", len(missing))
    return len(missing)


async def _post_card(app: AnyApp, record: RequestRecord) -> None:
    services = services_of(app)
    place = await services.queue.where_cards_go(record.team, services.settings.staff_chat_id)
    if place is None:
        log.warning("request %s: no staff group configured, it waits in /file", record.id)
        return
    chat_id, thread_id = place
    tr = services.translator(services.default_language)
    card = await services.queue.card(record, tr)
    sent = await send(app, Outgoing(chat_id, tr.language, card, thread_id=thread_id))
    if sent.message_id is None:
        log.warning("request %s: card not posted (%s)", record.id, sent.outcome)
        return
    await services.queue.set_card(record, chat_id, thread_id, sent.message_id)


async def repost_card(context: Context, record: RequestRecord) -> None:
    """Post a request's card again at the bottom of its topic; the former message says
    where it went and still leads to the request when someone replies to it."""
    old = (record.card_chat_id, record.card_message_id)
    await _post_card(context.application, record)
    services = context.services
    fresh = await services.queue.request(record.id)
    if old[0] is None or old[1] is None or fresh is None or fresh.card_message_id == old[1]:
        return
    tr = services.translator(services.default_language)
    await services.queue.keep_old_card(record, old[0], old[1])
    await update_message(context.bot, old[0], old[1], services.queue.moved_card(fresh, tr))


def follow(context: Context, record: RequestRecord) -> None:
    """Keep the request's reminder job in step with its state."""
    jobs.schedule_check(context.application, record.id, due(context.services.pack, record))


async def refresh_card(context: Context, record: RequestRecord) -> None:
    """Edit a request's card so that the group shows its current state."""
    if record.card_chat_id is None or record.card_message_id is None:
        return
    services = context.services
    tr = services.translator(services.default_language)
    card = await services.queue.card(record, tr)
    await update_message(context.bot, record.card_chat_id, record.card_message_id, card)
