"""The staff: members, their roles and teams, and each team's topic in the staff group."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from bot.storage.database import Database, to_db_time


@dataclass(frozen=True)
class StaffRecord:
    pseudonym: str
    display_name: str
    role: str
    team: str | None
    show_name: bool


async def get_staff(db: Database, pseudonym: str) -> StaffRecord | None:
    row = await db.one(
        "SELECT pseudonym, display_name, role, team, show_name FROM staff WHERE pseudonym = ?",
        (pseudonym,),
    )
    if row is None:
        return None
    return StaffRecord(
        row["pseudonym"], row["display_name"], row["role"], row["team"], bool(row["show_name"])
    )


async def list_staff(db: Database) -> list[StaffRecord]:
    rows = await db.all(
        "SELECT pseudonym, display_name, role, team, show_name FROM staff"
        " ORDER BY role, team, display_name"
    )
    return [
        StaffRecord(r["pseudonym"], r["display_name"], r["role"], r["team"], bool(r["show_name"]))
        for r in rows
    ]


async def save_staff(
    db: Database,
    pseudonym: str,
    display_name: str,
    role: str,
    team: str | None,
    now: dt.datetime,
    added_by: str | None,
) -> None:
    await db.execute(
        "INSERT INTO staff (pseudonym, display_name, role, team, added_at, added_by)"
        " VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (pseudonym) DO UPDATE SET"
        " display_name = excluded.display_name, role = excluded.role, team = excluded.team",
        (pseudonym, display_name, role, team, to_db_time(now), added_by),
    )


async def remove_staff(db: Database, pseudonym: str) -> bool:
    """Remove a staff member; their claimed requests go back to their team's queue."""
    async with db.transaction() as tx:
        await tx.execute(
            "UPDATE request SET state = 'open', claimed_by = NULL, claimed_at = NULL"
            " WHERE claimed_by = ? AND state = 'claimed'",
            (pseudonym,),
        )
        return await tx.execute("DELETE FROM staff WHERE pseudonym = ?", (pseudonym,)) > 0


async def set_show_name(db: Database, pseudonym: str, show: bool) -> None:
    await db.execute("UPDATE staff SET show_name = ? WHERE pseudonym = ?", (int(show), pseudonym))


async def set_team_topic(db: Database, team: str, chat_id: int, thread_id: int | None) -> None:
    await db.execute(
        "INSERT INTO team_topic (team, chat_id, thread_id) VALUES (?, ?, ?) ON CONFLICT (team)"
        " DO UPDATE SET chat_id = excluded.chat_id, thread_id = excluded.thread_id",
        (team, chat_id, thread_id),
    )


async def team_topic(db: Database, team: str) -> tuple[int, int | None] | None:
    row = await db.one("SELECT chat_id, thread_id FROM team_topic WHERE team = ?", (team,))
    return None if row is None else (int(row["chat_id"]), row["thread_id"])
