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


# --- permanences created from Telegram ---------------------------------------------------


@dataclass(frozen=True)
class PermanenceRecord:
    """A permanence a coordinator created from Telegram (the fields of permanences.yaml)."""

    id: str
    title_fr: str
    title_en: str | None
    place_fr: str
    place_en: str | None
    team: str
    theme: str | None
    quartier: str | None
    rrule: str | None
    """An RFC 5545 rule, or ``None`` for one-off ``dates`` only."""
    start: dt.date
    until: dt.date | None
    dates: tuple[dt.date, ...]
    opens: dt.time
    closes: dt.time


_PERMANENCE_COLUMNS = (
    "id, title_fr, title_en, place_fr, place_en, team, theme, quartier, rrule, start, until,"
    " dates, opens, closes"
)


def _permanence(r: aiosqlite.Row) -> PermanenceRecord:
    return PermanenceRecord(
        id=r["id"], title_fr=r["title_fr"], title_en=r["title_en"], place_fr=r["place_fr"],
        place_en=r["place_en"], team=r["team"], theme=r["theme"], quartier=r["quartier"],
        rrule=r["rrule"], start=dt.date.fromisoformat(r["start"]),
        until=dt.date.fromisoformat(r["until"]) if r["until"] else None,
        dates=tuple(dt.date.fromisoformat(d) for d in r["dates"].split(",") if d),
        opens=dt.time.fromisoformat(r["opens"]), closes=dt.time.fromisoformat(r["closes"]),
    )  # fmt: skip


def _permanence_values(p: PermanenceRecord) -> tuple[object, ...]:
    return (
        p.title_fr, p.title_en, p.place_fr, p.place_en, p.team, p.theme, p.quartier, p.rrule,
        p.start.isoformat(), p.until.isoformat() if p.until else None,
        ",".join(d.isoformat() for d in sorted(p.dates)),
        p.opens.strftime("%H:%M"), p.closes.strftime("%H:%M"),
    )  # fmt: skip


async def list_permanences(db: Database) -> list[PermanenceRecord]:
    """Every permanence created from Telegram (ended ones too), by id."""
    rows = await db.all(
        f"SELECT {_PERMANENCE_COLUMNS} FROM permanence ORDER BY id"  # noqa: S608 - constant
    )
    return [_permanence(r) for r in rows]


async def create_permanence(
    db: Database, permanence: PermanenceRecord, now: dt.datetime, by: str | None
) -> bool:
    """Store a new permanence; ``False`` if its id is already taken (a double press)."""
    async with db.transaction() as tx:
        try:
            await tx.insert(
                f"INSERT INTO permanence ({_PERMANENCE_COLUMNS}, created_by, created_at,"  # noqa: S608
                " updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (permanence.id, *_permanence_values(permanence), by, to_db_time(now),
                 to_db_time(now)),
            )  # fmt: skip
        except sqlite3.IntegrityError:
            return False
    return True


async def update_permanence(db: Database, permanence: PermanenceRecord, now: dt.datetime) -> bool:
    """Replace a stored permanence's fields (its id stays); whether it was there."""
    return (
        await db.execute(
            "UPDATE permanence SET title_fr = ?, title_en = ?, place_fr = ?, place_en = ?,"
            " team = ?, theme = ?, quartier = ?, rrule = ?, start = ?, until = ?, dates = ?,"
            " opens = ?, closes = ?, updated_at = ? WHERE id = ?",
            (*_permanence_values(permanence), to_db_time(now), permanence.id),
        )
        > 0
    )
