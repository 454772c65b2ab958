"""No update lost across a crash: each is kept before Telegram is told it arrived.

Telegram considers an update delivered once the bot asks for the next ones (polling) or
answers the webhook's request. Between that moment and the end of its handling, a crash
would lose it. The inbox keeps each update's payload in the database from the moment it
arrives until it has been handled; at start, whatever a previous run left is handled
first. Delivery is at least once: an update whose handling was cut short is handled
again, which the flows tolerate (a draft is consumed once, a button pressed twice is
answered once).

Telegram may also send an update again (a crash before polling confirmed it): the id of
every update stays :data:`REMEMBER_IDS`, and one already taken is not handled twice.

The payload holds the person's message: it is cleared as soon as the update is handled
(with ``secure_delete``, its bytes are overwritten), and an update that failed
:data:`MAX_ATTEMPTS` starts in a row is dropped rather than kept.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
from typing import Any

from bot.clock import Clock
from bot.storage import Database
from bot.storage import inbox as store

log = logging.getLogger(__name__)

MAX_ATTEMPTS = 5
"""Starts in a row an update may be replayed at; one that crashed the bot each time is
dropped then, so that it cannot stop the bot for good (deploy/'s unit allows ten starts
in ten minutes). A kill now and then never comes close: a replay takes a second."""


REMEMBER_IDS = dt.timedelta(days=2)
"""Telegram keeps an unconfirmed update for 24 hours; its id is remembered twice as long."""


class Inbox:
    def __init__(self, db: Database, clock: Clock) -> None:
        self._db = db
        self._clock = clock

    async def keep(self, update_id: int, payload: dict[str, Any]) -> bool:
        """Store an update as it arrives, before its arrival is confirmed to Telegram;
        ``False`` if it came before (it is, or was, handled already)."""
        text = json.dumps(payload, ensure_ascii=False, separators=(",", ":"))
        return await store.keep(self._db, update_id, text, self._clock.now())

    async def handled(self, update_id: int) -> None:
        await store.handled(self._db, update_id)

    async def tidy(self) -> None:
        """Forget the ids of updates handled long enough ago (daily, and at start)."""
        await store.forget_handled(self._db, self._clock.now() - REMEMBER_IDS)

    async def unhandled(self) -> list[dict[str, Any]]:
        """What a previous run took from Telegram and did not finish handling."""
        await self.tidy()
        payloads, dropped = await store.take_unhandled(self._db, MAX_ATTEMPTS)
        if dropped:
            log.warning("inbox: %d updates dropped after %d attempts", dropped, MAX_ATTEMPTS)
        if payloads:
            log.info("inbox: %d updates left by the previous run, handled now", len(payloads))
        return [json.loads(payload) for payload in payloads]
