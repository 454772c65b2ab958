"""Permanence dates changed from Telegram by a coordinator: a date cancelled, a date added.

The pack's own ``changes:`` stay in its files; these rows apply on top of them. A row
is keyed by the permanence, the *local* date (``YYYY-MM-DD`` in the territory's time)
and the action, so the same change can never be recorded twice.
"""

from __future__ import annotations

import datetime as dt
import sqlite3
from dataclasses import dataclass

import aiosqlite

from bot.storage.database import Database, to_db_time

CANCELLED = "cancelled"
ADDED = "added"
ACTIONS: tuple[str, ...] = (CANCELLED, ADDED)


@dataclass(frozen=True)
class DateChange:
    """One date of a permanence changed from Telegram."""

    id: int
    permanence_id: str
    date: dt.date
    """The local date of the occurrence cancelled, or of the date added."""
    action: str
    opens: dt.time | None = None
    """An added date's hours (``None``: the permanence's own)."""
    closes: dt.time | None = None
    note: str | None = None
    """The reason a coordinator gave for a cancellation, as typed (shown to people)."""


def _time(value: str | None) -> dt.time | None:
    return dt.time.fromisoformat(value) if value else None


def _change(r: aiosqlite.Row) -> DateChange:
    return DateChange(
        id=int(r["id"]), permanence_id=r["permanence_id"], date=dt.date.fromisoformat(r["date"]),
        action=r["action"], opens=_time(r["opens"]), closes=_time(r["closes"]),
        note=r["note"],
    )  # fmt: skip


_COLUMNS = "id, permanence_id, date, action, opens, closes, note"


async def changes_between(db: Database, first: dt.date, last: dt.date) -> list[DateChange]:
    """Every change whose local date is in ``[first, last]``, in date order."""
    rows = await db.all(
        f"SELECT {_COLUMNS} FROM permanence_change"  # noqa: S608 - constant columns
        " WHERE date BETWEEN ? AND ? ORDER BY date, permanence_id, action",
        (first.isoformat(), last.isoformat()),
    )
    return [_change(r) for r in rows]


async def find_change(
    db: Database, permanence_id: str, date: dt.date, action: str
) -> DateChange | None:
    row = await db.one(
        f"SELECT {_COLUMNS} FROM permanence_change"  # noqa: S608 - constant columns
        " WHERE permanence_id = ? AND date = ? AND action = ?",
        (permanence_id, date.isoformat(), action),
    )
    return None if row is None else _change(row)


async def record_change(
    db: Database,
    permanence_id: str,
    date: dt.date,
    action: str,
    now: dt.datetime,
    *,
    opens: dt.time | None = None,
    closes: dt.time | None = None,
    note: str | None = None,
    by: str | None = None,
) -> int | None:
    """Record a change (``note``: a cancellation's reason); its id, or ``None`` if the
    same change is already recorded (a double press, the same command twice)."""
    if action not in ACTIONS:
        raise ValueError(action)
    async with db.transaction() as tx:
        try:
            return await tx.insert(
                "INSERT INTO permanence_change (permanence_id, date, action, opens, closes,"
                " note, created_at, created_by) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                (permanence_id, date.isoformat(), action,
                 opens.strftime("%H:%M") if opens else None,
                 closes.strftime("%H:%M") if closes else None, note, to_db_time(now), by),
            )  # fmt: skip
        except sqlite3.IntegrityError:
            return None


async def remove_change(db: Database, change_id: int) -> bool:
    """Undo a change; whether it was still there."""
    return await db.execute("DELETE FROM permanence_change WHERE id = ?", (change_id,)) > 0


async def count_broadcasts(db: Database, topic_prefix: str) -> int:
    """How many announcements were made whose topic starts with ``topic_prefix``
    (the broadcasts of one permanence date: see :mod:`bot.permanences.changes`)."""
    return int(
        await db.value(
            "SELECT COUNT(*) FROM broadcast WHERE substr(topic, 1, ?) = ?",
            (len(topic_prefix), topic_prefix),
        )
    )
