"""Canned replies added from the staff group by coordinators (the pack's own are in its
``replies.yaml``)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from bot.storage.database import Database, to_db_time


@dataclass(frozen=True)
class CannedRecord:
    id: int
    team: str | None
    """``None``: every team."""
    language: str
    title: str
    text: str


async def add_canned(
    db: Database,
    *,
    team: str | None,
    language: str,
    title: str,
    text: str,
    created_by: str,
    now: dt.datetime,
) -> int:
    async with db.transaction() as tx:
        await tx.execute(
            "INSERT INTO canned_reply (team, language, title, text, created_by, created_at)"
            " VALUES (?, ?, ?, ?, ?, ?)",
            (team, language, title, text, created_by, to_db_time(now)),
        )
        return int(await tx.value("SELECT last_insert_rowid()"))


async def list_canned(db: Database, team: str | None = None) -> list[CannedRecord]:
    """Those of ``team`` and those for every team (all of them when ``team`` is None)."""
    rows = await db.all(
        "SELECT id, team, language, title, text FROM canned_reply"
        " WHERE ? IS NULL OR team IS NULL OR team = ? ORDER BY id",
        (team, team),
    )
    return [CannedRecord(int(r[0]), r[1], r[2], r[3], r[4]) for r in rows]


async def get_canned(db: Database, canned_id: int) -> CannedRecord | None:
    row = await db.one(
        "SELECT id, team, language, title, text FROM canned_reply WHERE id = ?", (canned_id,)
    )
    return None if row is None else CannedRecord(int(row[0]), row[1], row[2], row[3], row[4])


async def remove_canned(db: Database, canned_id: int) -> bool:
    return await db.execute("DELETE FROM canned_reply WHERE id = ?", (canned_id,)) > 0
