"""Turn a ``bot.ui.Reply`` into Telegram messages."""

from __future__ import annotations

import logging
from collections.abc import Iterable

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, LinkPreviewOptions, Update
from telegram.constants import ParseMode
from telegram.error import BadRequest, TelegramError

from bot.ui import Button, Reply
from handlers.runtime.context import Context

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
