"""What the bot itself did, counted per local day: questions answered, suggestions,
"I don't know", crisis cards shown.

Counts only: a day, a kind, a key (a theme, a tier) and a number. Never a message, never
who: a row cannot be traced back to anyone, and nothing here needs erasing.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from bot.storage.database import Database, Transaction

ANSWER, SUGGESTION, UNKNOWN, CRISIS = "answer", "suggestion", "unknown", "crisis"
"""The kinds counted: an answer given (key: its theme), suggestions offered (key: the
first one's theme), "I don't know" (key: :data:`NO_KEY`), a crisis card (key: its tier)."""
KINDS: tuple[str, ...] = (ANSWER, SUGGESTION, UNKNOWN, CRISIS)
NO_KEY = "none"


@dataclass(frozen=True)
class UsageCount:
    """``n`` times ``kind`` (for ``key``) on ``day`` (``YYYY-MM-DD``) or in a month
    (``YYYY-MM``), in the territory's calendar."""

    day: str
    kind: str
    key: str
    n: int


_ADD = (
    "INSERT INTO usage_count (day, kind, key, n) VALUES (?, ?, ?, ?)"
    " ON CONFLICT (day, kind, key) DO UPDATE SET n = n + excluded.n"
)


async def count(db: Database, day: dt.date, kind: str, key: str, n: int = 1) -> None:
    """Add ``n`` to the day's count of ``kind`` for ``key`` (one write, atomic)."""
    await db.execute(_ADD, (day.isoformat(), kind, key or NO_KEY, n))


async def count_in(tx: Transaction, day: dt.date, kind: str, key: str) -> None:
    """Add one to the day's count inside a transaction already open: counted with what it
    counts, or not at all."""
    await tx.execute(_ADD, (day.isoformat(), kind, key or NO_KEY, 1))


async def add_counts(db: Database, counts: list[UsageCount]) -> None:
    """Add many days' counts in one transaction (a history for demonstrations)."""
    async with db.transaction() as tx:
        await tx.executemany(_ADD, [(c.day, c.kind, c.key or NO_KEY, c.n) for c in counts])


async def monthly_counts(db: Database, start: dt.date, end: dt.date) -> list[UsageCount]:
    """The counts of the days from ``start`` to ``end`` included, summed per month
    (``day`` holds ``YYYY-MM``), kind and key."""
    rows = await db.all(
        "SELECT substr(day, 1, 7) AS month, kind, key, SUM(n) AS n FROM usage_count"
        " WHERE day >= ? AND day <= ? GROUP BY month, kind, key",
        (start.isoformat(), end.isoformat()),
    )
    return [UsageCount(row["month"], row["kind"], row["key"], int(row["n"])) for row in rows]
