"""The last line of defence: log without personal data, answer kindly, keep running."""

from __future__ import annotations

import contextlib
import logging
import traceback

from telegram import Update
from telegram.error import BadRequest, Forbidden, NetworkError, RetryAfter, TimedOut

from bot.home import menu
from handlers.runtime.context import Context
from handlers.runtime.render import reply

log = logging.getLogger(__name__)


def describe(error: BaseException) -> str:
    """Exception type and where it happened; never its message (it may quote user text)."""
    frames = traceback.extract_tb(error.__traceback__)[-4:]
    where = " < ".join(
        f"{f.filename.rsplit('/', 1)[-1]}:{f.lineno} {f.name}" for f in frames[::-1]
    )
    return f"{type(error).__name__} at {where or 'unknown place'}"


async def on_error(update: object, context: Context) -> None:
    error = context.error
    if error is None:
        return
    update_id = update.update_id if isinstance(update, Update) else None
    if isinstance(error, NetworkError | TimedOut | RetryAfter):
        log.warning(
            "Telegram unreachable while handling update %s: %s", update_id, describe(error)
        )
        return
    log.error("update %s failed: %s", update_id, describe(error))
    if not isinstance(update, Update) or update.effective_chat is None:
        return
    try:
        if update.callback_query is not None and not context.answered:
            with contextlib.suppress(BadRequest):  # it may have been answered already
                await update.callback_query.answer()
        tr = context.services.translator(context.services.default_language)
        if update.effective_user is not None:
            tr = (await context.session(update)).tr
        await reply(update, context, menu.something_went_wrong(tr))
    except (Forbidden, NetworkError) as exc:
        log.warning("could not tell the person about the error: %s", type(exc).__name__)
    except Exception as exc:  # the error handler itself must never raise
        log.error("error handler failed: %s", describe(exc))
