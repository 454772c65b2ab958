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


class TooManyRequests(Exception):
    """The person already has as many requests as allowed: nothing was written."""

    def __init__(self, open_now: bool, free_at: dt.datetime | None = None) -> None:
        super().__init__("too many open requests" if open_now else "too many new requests")
        self.open_now = open_now
        """Whether the open ones are the limit (else the day's new ones)."""
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
            raise TooManyRequests(open_now=True)
        return
    if row["normal"] >= allowance.open:
        raise TooManyRequests(open_now=True)
    if row["recent"] >= allowance.new:
        raise TooManyRequests(False, from_db_time(row["oldest"]) + allowance.period)


async def open_urgent(db: Database, pseudonym: str) -> bool:
    """Whether the person has an urgent request still open."""
    return bool(
        await db.value(
            "SELECT EXISTS (SELECT 1 FROM request WHERE pseudonym = ? AND urgent = 1"
            " AND state IN ('open', 'claimed'))",
            (pseudonym,),
        )
    )
