"""The staff group: request cards' buttons, the queue, and staff management."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from dataclasses import replace

from telegram import Update

from bot import actions
from bot.broadcasts import Where
from bot.events import UNDO_MINUTES
from bot.i18n import Translator
from bot.requests import Acted, Relay, pauses, relay
from bot.staff import (
    coordinates,
    coordinators_only,
    staff_group_only_reply,
    staff_only,
    staff_only_reply,
    staffing,
)
from bot.storage import RequestRecord, StaffRecord
from bot.ui import Document, Reply, popup
from handlers import events
from handlers.requests import follow, refresh_card, repost_card
from handlers.runtime import delivery, jobs
from handlers.runtime.context import Context
from handlers.runtime.render import Outcome, keyboard, media_kind, reply, send

log = logging.getLogger(__name__)


def _replied_to(update: Update) -> int | None:
    message = update.effective_message
    return message.reply_to_message.message_id if message and message.reply_to_message else None


async def _elsewhere(update: Update, context: Context) -> bool:
    """A staff command sent in a group that is not the staff group: say so, do nothing."""
    chat = update.effective_chat
    if chat is None or not context.services.staffing.staff_group_only(chat.id):
        return False
    tr = context.services.translator(context.services.default_language)
    await reply(update, context, staff_group_only_reply(tr))
    return True


async def card_button(update: Update, context: Context) -> None:
    """A button of a request card: only registered staff, and only what the state allows."""
    query = update.callback_query
    assert query is not None
    services = context.services
    tr, member = await context.staff(update)
    if member is None:
        await query.answer(staff_only(tr), show_alert=True)
        return
    action = await context.pressed(update, actions.STAFF, answer=False)
    if action is None:
        return
    parts = actions.split(action.argument)
    name, request_id, value = parts[0], parts[1], (parts[2] if len(parts) > 2 else None)
    if not request_id.isdigit():
        await query.answer()
        return
    queue = services.queue
    acted: Acted = await queue.act(member, int(request_id), name, value, tr)
    record = acted.request
    if name == "canned" and value is not None and acted.ok and record is not None:
        await _send_canned(update, context, member, record, value)
        return
    # One answer per press: the outcome's pop-up (who has it, the phone number) or none.
    await query.answer(acted.notice or None, show_alert=bool(acted.notice))
    context.answered = True
    if record is None:
        return
    if name == "repost":
        if acted.ok:
            await repost_card(context, record)
        return
    if name in ("transfer", "close", "canned") and value is None and acted.ok and query.message:
        if name == "canned":
            choices = await services.canned.choices(record, tr)
        elif name == "transfer":
            choices = queue.transfer_choices(record, tr)
        else:
            choices = queue.outcome_choices(record, tr)
        await query.edit_message_reply_markup(reply_markup=keyboard(choices))
        return
    await refresh_card(context, record)
    if acted.ok:
        follow(context, record)
    told = {"claim": "claim", "transfer": "transfer", "closenow": "close"}.get(name)
    if acted.ok and told is not None:
        await _tell_person(context, record.id, told)


async def _send_canned(
    update: Update, context: Context, member: StaffRecord, record: RequestRecord, key: str
) -> None:
    """A canned reply chosen on a card: it goes to the person through the relay, and the
    card shows its usual buttons again."""
    query = update.callback_query
    assert query is not None
    services = context.services
    tr = services.translator(services.default_language)
    words = await services.canned.words(record, member, key)
    if words is None:
        await query.answer(tr._("Cette réponse type n'existe plus."), show_alert=True)
    else:
        relayed = await services.relays.to_person(member, tr, record, words)
        if isinstance(relayed, Reply):
            await query.answer(popup(relayed.text), show_alert=True)
        else:
            sent = await send(context.application, relayed[0])
            delivered = sent.outcome not in (Outcome.BLOCKED, Outcome.UNREACHABLE)
            notice = relayed[1] if delivered else relay.unreachable_notice(tr)
            await query.answer(popup(notice.text), show_alert=not delivered)
    context.answered = True
    fresh = await services.queue.request(record.id)
    if fresh is not None:
        await refresh_card(context, fresh)


async def _tell_person(
    context: Context,
    request_id: int,
    event: str,
    word: str | None = None,
    member: StaffRecord | None = None,
) -> None:
    """The person learns their request was taken, closed (with the mediator's word, if
    any) or passed on."""
    services = context.services
    notice = await services.relays.person_notice(request_id, event, word=word, member=member)
    if notice is not None:
        await send(context.application, notice)


async def queue_command(update: Update, context: Context) -> None:
    """/file: the open requests of one's team (every team for coordinators)."""
    await _staff_list(update, context, context.services.queue.open_list)


async def my_followups(update: Update, context: Context) -> None:
    """/mes_suivis: the requests one has claimed."""
    await _staff_list(update, context, context.services.queue.followups)


async def _staff_list(
    update: Update,
    context: Context,
    listing: Callable[[StaffRecord, Translator], Awaitable[Reply]],
) -> None:
    """A list for staff only, shown in the staff group only."""
    if await _elsewhere(update, context):
        return
    tr, member = await context.staff(update)
    if member is None:
        await reply(update, context, staff_only_reply(tr))
        return
    await reply(update, context, await listing(member, tr))


async def add_staff(update: Update, context: Context) -> None:
    """/staff_ajouter <mediateur|coordinateur> [équipe], in reply to the person to add."""
    services = context.services
    tr, member = await context.staff(update)
    message = update.effective_message
    target = message.reply_to_message.from_user if message and message.reply_to_message else None
    answer = await services.staffing.add(member, tr, context.args or [],
        None if target is None or target.is_bot else (target.id, target.first_name),
    )  # fmt: skip
    await reply(update, context, answer)


async def remove_staff(update: Update, context: Context) -> None:
    """/staff_retirer, in reply to the person to remove."""
    services = context.services
    tr, member = await context.staff(update)
    message = update.effective_message
    target = message.reply_to_message.from_user if message and message.reply_to_message else None
    answer = await services.staffing.remove(member, tr, None if target is None else target.id)
    await reply(update, context, answer)


async def list_staff(update: Update, context: Context) -> None:
    if await _elsewhere(update, context):
        return
    services = context.services
    tr, member = await context.staff(update)
    await reply(update, context, await services.staffing.listing(member, tr))


async def set_topic(update: Update, context: Context) -> None:
    """/topic <équipe>, sent inside a forum topic: this team's cards go there."""
    services = context.services
    tr, member = await context.staff(update)
    message = update.effective_message
    chat = update.effective_chat
    assert message is not None
    assert chat is not None
    thread = message.message_thread_id if message.is_topic_message else None
    answer = await services.staffing.topic(member, tr, context.args or [], chat.id, thread)
    await reply(update, context, answer)


async def stats_command(update: Update, context: Context) -> None:
    """/stats: the bilan's figures for coordinators, with the CSV and the chart attached."""
    services = context.services
    tr, member = await context.staff(update)
    bilan = await services.staffing.stats(member, tr, context.args or [])
    shown = bilan.reply
    if bilan.csv:  # the chart as a photo, seen at once; the table as a file
        csv, png = Document("bilan.csv", bilan.csv), Document("bilan.png", bilan.png)
        shown = replace(shown, documents=(csv,), photos=(png,))
    await reply(update, context, shown)


async def unanswered_command(update: Update, context: Context) -> None:
    """/sans_reponse: what people asked that the bot could not answer, for coordinators."""
    tr, member = await context.staff(update)
    shown, table = await context.services.content_loop.report(member, tr)
    if table:
        shown = replace(shown, documents=(Document("sans_reponse.csv", table),))
    await reply(update, context, shown)


async def reply_to_card(update: Update, context: Context) -> None:
    """A mediator's reply to a card (or to a relayed message) goes to the person."""
    message = update.effective_message
    chat = update.effective_chat
    if message is None or chat is None or message.reply_to_message is None:
        return
    if await events.reply_in_thread(update, context):  # an exchange with a registration
        return
    services = context.services
    tr, member = await context.staff(update)
    if not message.text:
        if not await services.queue.belongs_to_request(
            chat.id, message.reply_to_message.message_id
        ):
            return
        kind = media_kind(message)
        if kind is None:
            await reply(update, context, relay.text_only(tr))
            return
        relayed = await services.relays.from_mediator(
            member, tr, chat.id, message.reply_to_message.message_id, message.caption or "",
            media=message.message_id,
        )  # fmt: skip
        if relayed is not None:
            await _deliver_to_person(update, context, relayed)
        return
    # A coordinator typing the reason of a pause: never relayed to the person.
    paused = await services.pauses.reason_reply(
        member, chat.id, message.reply_to_message.message_id, message.text, tr
    )
    if paused is not None:
        await reply(update, context, Reply(paused.notice))
        await _paused(context, paused)
        return
    if member is not None and await _close_with_word(update, context, member, message.text):
        return
    relayed = await services.relays.from_mediator(
        member, tr, chat.id, message.reply_to_message.message_id, message.text
    )
    if relayed is not None:
        await _deliver_to_person(update, context, relayed)


async def _deliver_to_person(update: Update, context: Context, relayed: Relay | Reply) -> None:
    """A mediator's message (or photo) for the person: sent, and the mediator told how it
    went; a refusal, or a person gone, shows on the card."""
    services = context.services
    tr = services.translator(services.default_language)
    if isinstance(relayed, Reply):
        await reply(update, context, relayed)
        return
    outgoing, notice = relayed
    sent = await send(context.application, outgoing)
    if sent.outcome in (Outcome.BLOCKED, Outcome.UNREACHABLE):
        await reply(update, context, relay.unreachable_notice(tr))
        record = await services.queue.request(outgoing.request_id or 0)
        if record is not None:
            await refresh_card(context, record)
    elif sent.outcome is Outcome.RETRY:
        await reply(update, context, relay.retrying_notice(tr))
    else:
        await reply(update, context, notice)


async def canned_list_command(update: Update, context: Context) -> None:
    """/reponses_types: the canned replies, the pack's and those added from the group."""
    tr, member = await context.staff(update)
    await reply(update, context, await context.services.canned.listing(member, tr))


async def canned_add_command(update: Update, context: Context) -> None:
    """/reponse_type_ajouter <équipe|toutes> Titre | texte (coordinators)."""
    tr, member = await context.staff(update)
    message = update.effective_message
    text = (message.text or "").partition(" ")[2] if message else ""
    await reply(update, context, await context.services.canned.add(member, tr, text))


async def canned_remove_command(update: Update, context: Context) -> None:
    """/reponse_type_retirer <n°> (coordinators)."""
    tr, member = await context.staff(update)
    answer = await context.services.canned.remove(member, tr, context.args or [])
    await reply(update, context, answer)


async def _close_with_word(
    update: Update, context: Context, member: StaffRecord, word: str
) -> bool:
    """A reply to a card whose close the holder is preparing: the request closes, and the
    reply goes to the person with the close (it is not kept)."""
    message = update.effective_message
    chat = update.effective_chat
    if message is None or chat is None or message.reply_to_message is None:
        return False
    services = context.services
    record = await services.queue.card_request(chat.id, message.reply_to_message.message_id)
    if record is None or record.claimed_by != member.pseudonym:
        return False
    if services.queue.closing(record) is None:
        return False
    tr = services.translator(services.default_language)
    acted = await services.queue.close_prepared(member, record, tr)
    await reply(update, context, Reply(acted.notice))
    if acted.ok and acted.request is not None:
        await refresh_card(context, acted.request)
        follow(context, acted.request)
        await _tell_person(context, record.id, "close", word, member)
    return True


async def note_command(update: Update, context: Context) -> None:
    """/note <text> in reply to a card: an internal note."""
    services = context.services
    tr, member = await context.staff(update)
    message = update.effective_message
    chat = update.effective_chat
    if message is None or chat is None:
        return
    replied = message.reply_to_message.message_id if message.reply_to_message else None
    text = " ".join(context.args or [])
    await reply(
        update, context, await services.relays.add_note(member, tr, chat.id, replied, text)
    )


async def notes_command(update: Update, context: Context) -> None:
    """/notes in reply to a card: its internal notes."""
    services = context.services
    tr, member = await context.staff(update)
    chat = update.effective_chat
    if chat is None:
        return
    notes = await services.relays.list_notes(member, tr, chat.id, _replied_to(update))
    await reply(update, context, notes)


async def show_name_command(update: Update, context: Context) -> None:
    """/prenom oui|non: show one's first name to the people one talks to."""
    services = context.services
    tr, member = await context.staff(update)
    await reply(update, context, await services.staffing.show_name(member, tr, context.args or []))


async def poster_command(update: Update, context: Context) -> None:
    """/affiche: a deep link and a QR code to print, for staff."""
    if await _elsewhere(update, context):
        return
    services = context.services
    tr, member = await context.staff(update)
    answer = await services.posters.poster(member, tr, context.args or [], context.bot.username)
    await reply(update, context, answer)


async def cancel_event_command(update: Update, context: Context) -> None:
    """/annuler_evenement <numéro> <raison>: coordinators cancel an event, after seeing
    whom it will tell and what; it can be undone until the notices go."""
    tr, member = await context.staff(update)
    args = context.args or []
    if not coordinates(member):
        await reply(update, context, coordinators_only(tr))
        return
    if not args or not args[0].isdigit():
        await reply(update, context, staffing.cancel_event_usage(tr))
        return
    message = update.effective_message
    reason = (message.text or "").split(maxsplit=2)[2:] if message else []
    answer = await context.services.event_changes.ask_cancel(
        tr, int(args[0]), reason[0] if reason else ""
    )
    await reply(update, context, answer)


async def event_cancel_button(update: Update, context: Context) -> None:
    """Confirming a cancellation, keeping the event, or undoing the cancellation."""
    tr, member = await context.staff(update)
    query = update.callback_query
    if not coordinates(member):
        if query is not None:
            await query.answer(popup(coordinators_only(tr).text), show_alert=True)
        context.answered = True
        return
    action = await context.pressed(update, actions.EVENT_CANCEL)
    if action is None:
        return
    parts = actions.split(action.argument)
    if not parts[1].isdigit():
        return
    event_id, changes = int(parts[1]), context.services.event_changes
    if parts[0] == "no":
        await reply(update, context, await changes.keep(tr, event_id))
    elif parts[0] == "yes":
        chat, message = update.effective_chat, update.effective_message
        assert chat is not None
        thread = message.message_thread_id if message and message.is_topic_message else None
        # Told through a broadcast: resumable after a restart, and once whatever happens.
        answer, told = await changes.cancel(
            tr, event_id, by=member.pseudonym, progress=Where(chat.id, thread)
        )
        await reply(update, context, answer)
        await delivery.launch(context.application, told, delay=UNDO_MINUTES * 60)
    elif parts[0] == "undo" and len(parts) > 2 and parts[2].isdigit():
        delivery.hold(context.application, int(parts[2]))
        await reply(update, context, await changes.undo(tr, event_id, int(parts[2])))
        await jobs.schedule_reminders(context.application, event_id)


async def pause_button(update: Update, context: Context) -> None:
    """A pause button: on a card (a duration, a reason, the pause), or under /pauses (lift
    one). Coordinators only; anyone else gets a kind refusal and nothing changes."""
    query = update.callback_query
    assert query is not None
    services = context.services
    tr, member = await context.staff(update)
    if not coordinates(member):
        await query.answer(popup(coordinators_only(tr).text), show_alert=True)
        context.answered = True
        return
    action = await context.pressed(update, actions.PAUSE, pauses.valid, answer=False)
    if action is None:
        return
    step = await services.pauses.press(member, action.argument, tr)
    await query.answer(popup(step.notice) if step.notice else None, show_alert=bool(step.notice))
    context.answered = True
    if step.choices is not None and query.message:
        await query.edit_message_reply_markup(reply_markup=keyboard(step.choices))
        return
    if step.prompt is not None and step.request is not None:
        sent = await send(context.application, step.prompt)
        if sent.message_id is not None:
            await services.pauses.prompted(
                step.request.id, member, step.prompt.chat_id, sent.message_id
            )
    if step.listing is not None:
        await reply(update, context, step.listing)
    await _paused(context, step)


async def _paused(context: Context, step: pauses.PauseStep) -> None:
    """After a pause starts or is lifted: the card shows it, the person is told."""
    if step.request is not None:
        await refresh_card(context, step.request)
    if step.told is not None:
        await send(context.application, step.told)


async def pauses_command(update: Update, context: Context) -> None:
    """/pauses: the pauses in force, each with a button to lift it (coordinators)."""
    if await _elsewhere(update, context):
        return
    tr, member = await context.staff(update)
    await reply(update, context, await context.services.pauses.listing(member, tr))
