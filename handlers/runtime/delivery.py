"""Sending broadcasts within Telegram's limits, resumable after a crash or a restart.

One JobQueue job per broadcast (``broadcast:<id>``), started when it is created and
rebuilt at every start for those not finished. Broadcasts go one at a time (a person
subscribed to two gets them a second apart at least), through a few workers that
keep PTB's ``AIORateLimiter`` busy: it paces sends at Telegram's ~30 messages/s and
waits out a ``RetryAfter``.

Exactly-once delivery to Telegram cannot be promised (no idempotency key), so the
ambiguity is made as small as it can be: a delivery becomes ``sending`` only at the
moment its HTTP request leaves (:class:`DeliveryTrackingRequest`, after the rate
limiter's wait), and ``sent`` as soon as Telegram answers. A graceful stop lets the
requests in flight finish; only a hard kill leaves rows ``sending``, which are then
never resent and are shown to the coordinator as uncertain.
"""

from __future__ import annotations

import asyncio
import contextvars
import logging
import time
from collections.abc import Awaitable, Callable
from typing import Any

from telegram.ext import Application

from bot.broadcasts import Broadcasts
from bot.storage import BroadcastRecord, Recipient
from bot.ui import Outgoing
from handlers.runtime.context import Context, services_of
from handlers.runtime.layers import RequestLayer
from handlers.runtime.render import Outcome, send, transmit, update_message

log = logging.getLogger(__name__)

AnyApp = Application[Any, Any, Any, Any, Any, Any]

WORKERS = 8
"""Sends waiting in the rate limiter at once: enough to keep it at its rate."""
BATCH = 200
MAX_ATTEMPTS = 3
"""Network failures before a delivery is given up as failed."""
PROGRESS_EVERY = 5.0
"""Seconds between two edits of the coordinator's progress message."""
_SEND_METHODS = frozenset({"sendMessage", "sendPhoto"})
_LOCK_KEY = "broadcast_lock"
_ACTIVE_KEY = "broadcasts_active"

_delivery: contextvars.ContextVar[Callable[[], Awaitable[None]] | None] = contextvars.ContextVar(
    "broadcast_delivery", default=None
)
"""Set around one broadcast send: what to record when its request leaves."""


class DeliveryTrackingRequest(RequestLayer):
    """Marks a broadcast delivery ``sending`` at the moment its request is handed to the
    network (after the rate limiter let it through)."""

    async def leaving(self, method: str) -> None:
        on_send = _delivery.get()
        if on_send is not None and method in _SEND_METHODS:
            await on_send()


def job_name(broadcast_id: int) -> str:
    return f"broadcast:{broadcast_id}"


async def launch(app: AnyApp, broadcast_id: int | None, *, delay: float = 0) -> None:
    """Start sending a broadcast just created (``None``: nothing was created), at once or
    after ``delay`` seconds (while it can still be withdrawn)."""
    if broadcast_id is None or app.job_queue is None:
        return
    if app.job_queue.get_jobs_by_name(job_name(broadcast_id)):
        return
    if broadcast_id in app.bot_data.setdefault(_ACTIVE_KEY, set()):
        return
    app.job_queue.run_once(send_broadcast, when=delay, data=broadcast_id,
                           name=job_name(broadcast_id))  # fmt: skip


def hold(app: AnyApp, broadcast_id: int) -> bool:
    """Stop a broadcast's launch that has not run yet; ``False`` if it is already sending
    (or was launched at a restart, without waiting)."""
    if app.job_queue is None or broadcast_id in app.bot_data.setdefault(_ACTIVE_KEY, set()):
        return False
    jobs = app.job_queue.get_jobs_by_name(job_name(broadcast_id))
    for job in jobs:
        job.schedule_removal()
    return bool(jobs)


async def rebuild(app: AnyApp) -> None:
    """At start: every broadcast not finished goes on where it stopped."""
    broadcasts = services_of(app).broadcasts
    for broadcast_id in await broadcasts.running():
        uncertain = await broadcasts.recover(broadcast_id)
        if uncertain:
            log.warning(
                "broadcast %s: %d deliveries were in flight at the last stop; not resent",
                broadcast_id, uncertain,
            )  # fmt: skip
        await launch(app, broadcast_id)


async def _deliver(
    context: Context, broadcasts: Broadcasts, record: BroadcastRecord, recipient: Recipient
) -> str:
    """Send one person their message; returns what became of it (the outcomes are
    :func:`render.transmit`'s, recorded per delivery)."""
    bid, pseudonym = record.id, recipient.pseudonym
    if not recipient.chat_id:
        await broadcasts.failed(bid, pseudonym)
        return "failed"

    async def leaving() -> None:
        await broadcasts.sending(bid, pseudonym)

    token = _delivery.set(leaving)
    try:
        sent = await transmit(context.bot, broadcasts.message_for(record, recipient))
    finally:
        _delivery.reset(token)
    match sent.outcome:
        case Outcome.SENT:
            await broadcasts.sent(bid, pseudonym)
            return "sent"
        case Outcome.BLOCKED:
            await broadcasts.blocked(bid, pseudonym)  # the person is marked in the same write
            return "blocked"
        case Outcome.RETRY if (
            sent.retry_after is not None or recipient.attempts + 1 < MAX_ATTEMPTS
        ):
            # A flood wait is not the person's fault: always another pass.
            await broadcasts.retry_later(bid, pseudonym)
            return "retry"
        case Outcome.UNCERTAIN:  # it may have arrived: never send it twice
            await broadcasts.uncertain(bid, pseudonym)
            return "uncertain"
        case _:
            await broadcasts.failed(bid, pseudonym)
            return "failed"


async def send_broadcast(context: Context) -> None:
    """The job: send to everyone still pending, then mark the broadcast done."""
    job = context.job
    if job is None or not isinstance(job.data, int):
        return
    app = context.application
    broadcast_id: int = job.data
    active: set[int] = app.bot_data.setdefault(_ACTIVE_KEY, set())
    lock: asyncio.Lock = app.bot_data.setdefault(_LOCK_KEY, asyncio.Lock())
    active.add(broadcast_id)
    try:
        async with lock:  # one broadcast at a time
            await _run(context, broadcast_id)
    finally:
        active.discard(broadcast_id)


async def _run(context: Context, broadcast_id: int) -> None:
    app = context.application
    broadcasts = context.services.broadcasts
    record = await broadcasts.get(broadcast_id)
    if record is None or record.state != "running":
        return
    progress = _ProgressMessage(context, broadcasts, record)
    await progress.update(force=True)
    queue: asyncio.Queue[Recipient | None] = asyncio.Queue(maxsize=WORKERS * 2)
    retried = 0

    async def worker() -> None:
        nonlocal retried
        while (recipient := await queue.get()) is not None:
            try:
                if await _deliver(context, broadcasts, record, recipient) == "retry":
                    retried += 1
                await progress.update()
            except Exception as exc:  # a worker must never die: the others would wait forever
                log.error("broadcast %s: delivery crashed (%s)", record.id, type(exc).__name__)
                await broadcasts.failed(record.id, recipient.pseudonym)
            finally:
                queue.task_done()
        queue.task_done()

    workers = [asyncio.create_task(worker()) for _ in range(WORKERS)]
    try:
        for attempt in range(MAX_ATTEMPTS):
            # A pass walks the pending deliveries in order, with a cursor, so nothing
            # queued is fetched twice; a later pass takes those put back for a retry.
            retried = 0
            after: str | None = None
            while app.running:
                batch = await broadcasts.next_batch(broadcast_id, BATCH, after=after)
                if not batch:
                    break
                for recipient in batch:
                    if not app.running:
                        break
                    await queue.put(recipient)
                after = batch[-1].pseudonym
            await queue.join()  # every delivery of this pass has its outcome
            if not app.running or not retried:
                break
            await asyncio.sleep(min(2.0 * (attempt + 1), 10.0))
    finally:
        for _ in workers:
            await queue.put(None)  # the requests in flight finish, even when stopping
        await asyncio.gather(*workers, return_exceptions=True)
    if await broadcasts.finish(broadcast_id):
        log.info("broadcast %s done", broadcast_id)
    await progress.update(force=True)


class _ProgressMessage:
    """The coordinator's view of a broadcast, sent once and edited as it goes."""

    def __init__(self, context: Context, broadcasts: Broadcasts, record: BroadcastRecord) -> None:
        self._context = context
        self._broadcasts = broadcasts
        self._record = record
        self._message_id = record.progress_message_id
        self._last = 0.0

    async def update(self, *, force: bool = False) -> None:
        record = self._record
        if record.progress_chat_id is None:
            return
        now = time.monotonic()
        if not force and now - self._last < PROGRESS_EVERY:
            return
        self._last = now
        services = self._context.services
        tr = services.translator(services.default_language)
        shown = self._broadcasts.progress_reply(
            tr, record, await self._broadcasts.progress(record.id)
        )
        if self._message_id is None:
            sent = await send(self._context.application, Outgoing(
                record.progress_chat_id, tr.language, shown, thread_id=record.progress_thread_id,
            ))  # fmt: skip
            if sent.message_id is not None:
                self._message_id = sent.message_id
                await self._broadcasts.set_progress_message(record.id, sent.message_id)
            return
        await update_message(self._context.bot, record.progress_chat_id, self._message_id, shown)
