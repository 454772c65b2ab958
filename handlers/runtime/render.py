"""Turn ``bot.ui`` replies into Telegram messages: :func:`reply` answers the person
acting; :func:`send` is the one way out for everything else (an ``Outgoing``), with one
rule for what a refusal means.
"""

from __future__ import annotations

import datetime as dt
import enum
import logging
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import httpx
from telegram import (
    Bot,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    LinkPreviewOptions,
    Message,
    MessageId,
    ReplyParameters,
    Update,
)
from telegram.constants import ParseMode
from telegram.error import BadRequest, Forbidden, NetworkError, RetryAfter, TelegramError
from telegram.ext import Application

from bot.ui import Button, Outgoing, Reply
from handlers.runtime.context import Context, services_of

log = logging.getLogger(__name__)

_NO_PREVIEW = LinkPreviewOptions(is_disabled=True)


def keyboard(buttons: tuple[tuple[Button, ...], ...]) -> InlineKeyboardMarkup | None:
    if not buttons:
        return None
    return InlineKeyboardMarkup(
        [
            [
                InlineKeyboardButton(b.label, url=b.url)
                if b.url
                else InlineKeyboardButton(b.label, callback_data=b.action)
                for b in row
            ]
            for row in buttons
        ]
    )


async def reply(update: Update, context: Context, answer: Reply) -> None:
    """Show ``answer``: edit the pressed message when asked to, else send a new one."""
    chat = update.effective_chat
    if chat is None:
        return
    markup = keyboard(answer.buttons)
    query = update.callback_query
    edited = False
    if (
        answer.edit
        and query is not None
        and query.message is not None
        and not context.keep_pressed
    ):
        try:
            await query.edit_message_text(
                answer.text,
                parse_mode=ParseMode.HTML,
                reply_markup=markup,
                link_preview_options=_NO_PREVIEW,
            )
            edited = True
        except BadRequest as exc:
            # Pressing the same button twice edits to identical content: nothing to do.
            if "not modified" in str(exc).lower():
                edited = True
            else:
                log.info("could not edit message (%s), sending a new one", type(exc).__name__)
    if not edited:
        await context.bot.send_message(
            chat.id,
            answer.text,
            parse_mode=ParseMode.HTML,
            reply_markup=markup,
            link_preview_options=_NO_PREVIEW,
            message_thread_id=_thread(update),
        )
    for venue in answer.venues:
        await context.bot.send_venue(
            chat.id,
            latitude=venue.latitude,
            longitude=venue.longitude,
            title=venue.title,
            address=venue.address,
            message_thread_id=_thread(update),
        )
    for document in answer.documents:
        await context.bot.send_document(
            chat.id,
            document.content,
            filename=document.filename,
            caption=document.caption or None,
            message_thread_id=_thread(update),
        )
    for picture in answer.photos:
        await context.bot.send_photo(
            chat.id,
            picture.content,
            caption=picture.caption or None,
            message_thread_id=_thread(update),
        )
    for extra in answer.extra:
        await reply(update, context, extra)


def _thread(update: Update) -> int | None:
    message = update.effective_message
    if message is not None and message.is_topic_message:
        return message.message_thread_id
    return None


DELETE_BATCH = 100
"""deleteMessages takes at most 100 message ids at once."""


async def delete_messages(context: Context, messages: Iterable[tuple[int, int]]) -> None:
    """Delete (chat id, message id) pairs, by chat and in batches; Telegram skips those it
    can no longer delete, and a refusal leaves the rest to go on."""
    by_chat: dict[int, list[int]] = {}
    for chat_id, message_id in messages:
        by_chat.setdefault(chat_id, []).append(message_id)
    for chat_id, ids in by_chat.items():
        for start in range(0, len(ids), DELETE_BATCH):
            try:
                await context.bot.delete_messages(chat_id, ids[start : start + DELETE_BATCH])
            except TelegramError as exc:
                log.warning("messages not deleted in a chat (%s)", type(exc).__name__)


# --- Writing to someone else than the person acting ------------------------------------------

AnyApp = Application[Any, Any, Any, Any, Any, Any]


class Outcome(enum.StrEnum):
    """What became of a message sent: the one reading of Telegram's refusals."""

    SENT = "sent"
    BLOCKED = "blocked"
    """403: the person blocked the bot (or the bot left the group). Noted against the
    person; nothing more is sent to them until they write again."""
    UNREACHABLE = "unreachable"
    """400 and the like: the chat is gone or the message was refused. Not resent."""
    RETRY = "retry"
    """It never reached Telegram, or Telegram asked to wait: sent again later."""
    UNCERTAIN = "uncertain"
    """It left but no answer came back: it may have arrived, so it is never resent."""


@dataclass(frozen=True)
class Sent:
    outcome: Outcome
    message_id: int | None = None
    retry_after: float | None = None
    """Seconds Telegram asked to wait (a flood limit), when it did."""

    @property
    def delivered(self) -> bool:
        return self.outcome is Outcome.SENT


MEDIA_KINDS = ("photo", "document", "voice", "audio", "video", "video_note", "animation")
"""What a person and their mediator may pass on to each other (copied, never kept)."""


def media_kind(message: Message | None) -> str | None:
    """Which of :data:`MEDIA_KINDS` a message holds, if any (a sticker is not one)."""
    if message is None:
        return None
    return next((kind for kind in MEDIA_KINDS if getattr(message, kind, None)), None)


RETRY_DELAYS = (10.0, 60.0)
"""Seconds before each new attempt at a message that never reached Telegram; after the
last, it is given up (and logged)."""


def never_left(exc: NetworkError) -> bool:
    """Whether a network failure happened before the request reached Telegram."""
    return isinstance(exc.__cause__, httpx.ConnectError | httpx.ConnectTimeout | httpx.PoolTimeout)


async def transmit(bot: Bot, outgoing: Outgoing) -> Sent:
    """Send one message and read the answer; the only place that catches the errors of a
    send. Logs say what happened, never to whom or what."""
    answer = outgoing.reply
    placing: dict[str, Any] = {
        "parse_mode": ParseMode.HTML,
        "reply_markup": keyboard(answer.buttons),
        "message_thread_id": outgoing.thread_id,
        "reply_parameters": (
            ReplyParameters(outgoing.reply_to, allow_sending_without_reply=True)
            if outgoing.reply_to
            else None
        ),
    }
    try:
        message: Message | MessageId
        if outgoing.copy_of is not None:
            message = await bot.copy_message(
                outgoing.chat_id, outgoing.copy_of[0], outgoing.copy_of[1],
                caption=answer.text or None, **placing,
            )  # fmt: skip
        elif outgoing.photo:
            message = await bot.send_photo(
                outgoing.chat_id, outgoing.photo, caption=answer.text, **placing
            )
        else:
            message = await bot.send_message(
                outgoing.chat_id, answer.text, link_preview_options=_NO_PREVIEW, **placing
            )
    except Forbidden:
        return Sent(Outcome.BLOCKED)
    except BadRequest as exc:
        log.warning("a message was refused (%s)", type(exc).__name__)
        return Sent(Outcome.UNREACHABLE)
    except RetryAfter as exc:  # the rate limiter already waited and retried
        after = exc.retry_after
        seconds = after.total_seconds() if isinstance(after, dt.timedelta) else float(after)
        return Sent(Outcome.RETRY, retry_after=seconds)
    except NetworkError as exc:  # TimedOut included
        return Sent(Outcome.RETRY if never_left(exc) else Outcome.UNCERTAIN)
    except TelegramError as exc:
        log.warning("a message was not sent (%s)", type(exc).__name__)
        return Sent(Outcome.UNREACHABLE)
    return Sent(Outcome.SENT, message.message_id)


async def send(app: AnyApp, outgoing: Outgoing, *, attempt: int = 0) -> Sent:
    """Send a notice, a reminder, a relayed message or a card, and apply the rule:

    - sent: a relayed message landing in the staff group is remembered, so that a
      mediator's reply to it reaches the request;
    - blocked: the person is noted as having blocked the bot, and a request of theirs
      shows that they cannot be written to;
    - unreachable: the same for the request (the chat is gone); the person stays;
    - retry: sent again later, twice at most, by the job queue;
    - uncertain: left as it is (never sent twice).

    Broadcasts read the same outcomes through :func:`transmit`, and record them per
    delivery (their retries are passes over what is left).
    """
    sent = await transmit(app.bot, outgoing)
    services = services_of(app)
    to_person = outgoing.pseudonym is not None
    if sent.outcome is Outcome.SENT:
        if outgoing.request_id is not None and not to_person and sent.message_id is not None:
            await services.relays.remember(outgoing.request_id, outgoing.chat_id,
                                             sent.message_id)  # fmt: skip
    elif sent.outcome in (Outcome.BLOCKED, Outcome.UNREACHABLE):
        if outgoing.pseudonym is not None and sent.outcome is Outcome.BLOCKED:
            await services.people.blocked(outgoing.pseudonym)
        if outgoing.request_id is not None and to_person:
            await services.relays.unreachable(outgoing.request_id)
        if not to_person:
            log.warning("the staff group refused a message (%s)", sent.outcome)
    elif sent.outcome is Outcome.RETRY:
        if attempt < len(RETRY_DELAYS) and app.job_queue is not None:
            delay = max(RETRY_DELAYS[attempt], sent.retry_after or 0.0)
            app.job_queue.run_once(_send_again, when=delay, data=(outgoing, attempt + 1),
                                   name="outgoing:retry")  # fmt: skip
        else:
            log.warning("a message was given up after %d attempts", attempt + 1)
    else:
        log.info("a message may not have arrived; not resent")
    return sent


async def update_message(bot: Bot, chat_id: int, message_id: int, shown: Reply) -> bool:
    """Edit a message the bot sent earlier (a card, a progress report) to show ``shown``;
    whether it now does (an edit to the same content counts as done)."""
    try:
        await bot.edit_message_text(
            shown.text, chat_id=chat_id, message_id=message_id, parse_mode=ParseMode.HTML,
            reply_markup=keyboard(shown.buttons), link_preview_options=_NO_PREVIEW,
        )  # fmt: skip
    except TelegramError as exc:
        if "not modified" in str(exc).lower():
            return True
        log.warning("a message was not updated (%s)", type(exc).__name__)
        return False
    return True


async def _send_again(context: Context) -> None:
    job = context.job
    if job is None or not isinstance(job.data, tuple):
        return
    outgoing, attempt = job.data
    await send(context.application, outgoing, attempt=attempt)
