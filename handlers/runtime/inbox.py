"""The durable inbox, on python-telegram-bot's side (see ``bot/inbox.py``).

Both the polling updater and the webhook server hand each update to the application's
queue before Telegram learns it arrived (polling confirms with the next ``getUpdates``
offset, the webhook with its HTTP answer). :class:`DurableQueue` keeps the update in the
database inside that hand-over; :class:`DurableApplication` lets it go once handled.
"""

from __future__ import annotations

import asyncio
import logging
from typing import Any

from telegram import Update
from telegram.ext import Application

from bot.inbox import Inbox

log = logging.getLogger(__name__)


class DurableQueue(asyncio.Queue[object]):
    """The application's update queue: an update is stored before ``put`` returns."""

    def __init__(self) -> None:
        super().__init__()
        self.inbox: Inbox | None = None
        """Set once the database is open (``post_init``), before any update comes."""
        self._kept: set[int] = set()

    async def put(self, item: object) -> None:
        if isinstance(item, Update) and self.inbox is not None:
            if not await self.inbox.keep(item.update_id, item.to_dict()):
                return  # sent again: queued, or handled, already
            self._kept.add(item.update_id)
        await super().put(item)

    def replay(self, update: Update) -> None:
        """Queue an update a previous run stored and did not finish."""
        self._kept.add(update.update_id)
        self.put_nowait(update)

    async def handled(self, update: object) -> None:
        if not isinstance(update, Update) or update.update_id not in self._kept:
            return
        if self.inbox is not None:
            await self.inbox.handled(update.update_id)
        self._kept.discard(update.update_id)


class DurableApplication(Application[Any, Any, Any, Any, Any, Any]):
    """An update leaves the inbox when its handling is over: its handlers ran (an error
    in one is the error handler's business). A handling cut short by a crash or a
    shutdown leaves it there, for the next start."""

    async def process_update(self, update: object) -> None:
        await super().process_update(update)
        queue = self.update_queue
        if isinstance(queue, DurableQueue):
            await queue.handled(update)


async def open_inbox(app: Application[Any, Any, Any, Any, Any, Any], inbox: Inbox) -> int:
    """Connect the queue to the (open) database and queue what the last run left."""
    queue = app.update_queue
    if not isinstance(queue, DurableQueue):
        return 0
    queue.inbox = inbox
    left = await inbox.unhandled()
    for payload in left:
        update = Update.de_json(payload, app.bot)
        if update is not None:
            queue.replay(update)
    return len(left)
