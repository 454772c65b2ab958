"""Posters: each one printed with ``/affiche``, and the arrivals through its link.

A poster row says what the poster opens and in which language; nothing about who made
it or who scanned it. Arrivals are day counts in ``usage_count`` (kind :data:`ARRIVAL`,
key the poster's id), beside what the bot itself did.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from bot.storage.database import Database, from_db_time, to_db_time
from bot.storage.usage import count as count_usage

ARRIVAL = "poster"
"""The ``usage_count`` kind of an arrival through a poster's link (key: the poster id)."""


@dataclass(frozen=True)
class PosterRecord:
    """A poster: ``kind`` ``r`` (the callback request), ``e`` (an event, ``target`` its
    id) or ``p`` (a permanence, ``target`` its pack id); an event's titles when it still
    exists."""

    id: int
    kind: str
    target: str
    language: str
    created_at: dt.datetime
    title_fr: str | None = None
    title_en: str | None = None


async def create_poster(
    db: Database, kind: str, target: str, language: str, now: dt.datetime
) -> int:
    """Record a new poster; returns its id (never reused: it is printed)."""
    async with db.transaction() as tx:
        return await tx.insert(
            "INSERT INTO poster (kind, target, language, created_at) VALUES (?, ?, ?, ?)",
            (kind, target, language, to_db_time(now)),
        )


async def count_arrival(db: Database, day: dt.date, poster_id: int) -> None:
    """One more arrival through poster ``poster_id`` on ``day`` (local): a count only."""
    await count_usage(db, day, ARRIVAL, str(poster_id))


async def posters(db: Database, ids: Iterable[int]) -> dict[int, PosterRecord]:
    """The posters of ``ids`` that exist, with their event's titles for an event."""
    wanted = set(ids)
    if not wanted:
        return {}
    # A service prints tens of posters a year, not thousands: read them all.
    rows = await db.all(
        "SELECT poster.id, poster.kind, poster.target, poster.language, poster.created_at,"
        " event.title_fr, event.title_en FROM poster"
        " LEFT JOIN event ON poster.kind = 'e' AND event.id = CAST(poster.target AS INTEGER)"
    )
    return {
        row["id"]: PosterRecord(
            row["id"], row["kind"], row["target"], row["language"],
            from_db_time(row["created_at"]), row["title_fr"], row["title_en"],
        )
        for row in rows
        if row["id"] in wanted
    }  # fmt: skip
