"""How many callback requests one person may have: counted in the transaction that opens
one, so that a burst of taps or a script cannot go over."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from bot.storage.database import Database, Transaction, from_db_time, to_db_time


@dataclass(frozen=True)
class Allowance:
    """How many requests one person may have: open at once (an urgent one apart, one at a
    time), and new ones within ``period``."""

    open: int
    new: int
    now: dt.datetime
    period: dt.timedelta = dt.timedelta(hours=24)
    """The window in which at most ``new`` requests are made."""

    @property
    def since(self) -> dt.datetime:
        return self.now - self.period


OPEN, DAY, URGENT = "open", "day", "urgent"


class TooManyRequests(Exception):
    """The person already has as many requests as allowed: nothing was written."""

    def __init__(self, limit: str, free_at: dt.datetime | None = None) -> None:
        super().__init__(f"request limit reached: {limit}")
        self.limit = limit
        """Which: :data:`OPEN` requests at once, the :data:`DAY`'s new ones, or an
        :data:`URGENT` one already open."""
        self.free_at = free_at
        """When the oldest of the day's new ones leaves the count (the day's limit)."""


async def check_allowance(
    tx: Transaction | Database, pseudonym: str, urgent: bool, allowance: Allowance
) -> None:
    """Raise :class:`TooManyRequests` when one more request would go over ``allowance``."""
    row = await tx.one(
        "SELECT COALESCE(SUM(state IN ('open', 'claimed') AND urgent = 0), 0) AS normal,"
        " COALESCE(SUM(state IN ('open', 'claimed') AND urgent = 1), 0) AS urgent,"
        " COALESCE(SUM(created_at > ? AND urgent = 0), 0) AS recent,"
        " MIN(CASE WHEN created_at > ? AND urgent = 0 THEN created_at END) AS oldest"
        " FROM request WHERE pseudonym = ?",
        (to_db_time(allowance.since), to_db_time(allowance.since), pseudonym),
    )
    assert row is not None
    if urgent:
        if row["urgent"] >= 1:
            raise TooManyRequests(URGENT)
        return
    if row["normal"] >= allowance.open:
        raise TooManyRequests(OPEN)
    if row["recent"] >= allowance.new:
        raise TooManyRequests(DAY, from_db_time(row["oldest"]) + allowance.period)
