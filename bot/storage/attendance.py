"""Attendance on the day: who was there, ticked by staff from the list of registrations."""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from typing import Any

from bot.storage.database import Database, to_db_time


@dataclass(frozen=True)
class Attendee:
    """An active registration as the staff see it: what the person answered at sign-up."""

    registration_id: int
    event_id: int
    state: str
    """``confirmed`` or ``waitlisted`` (``cancelled``, ``declined``: no longer active)."""
    places: int
    details: dict[str, Any]
    attended: bool | None
    """``None`` until someone marks it on the day."""


def _details(raw: str | None) -> dict[str, Any]:
    value = json.loads(raw) if raw else {}
    return value if isinstance(value, dict) else {}


async def attendees(db: Database, event_id: int) -> list[Attendee]:
    """The confirmed registrations in order of arrival, then the waiting list in order."""
    rows = await db.all(
        "SELECT id, event_id, state, places, details, attended FROM registration"
        " WHERE event_id = ? AND state IN ('confirmed', 'waitlisted')"
        " ORDER BY CASE state WHEN 'confirmed' THEN 0 ELSE 1 END, id",
        (event_id,),
    )
    return [_attendee(row) for row in rows]


def _attendee(row: Any) -> Attendee:
    return Attendee(row["id"], row["event_id"], row["state"], int(row["places"]),
                    _details(row["details"]),
                    None if row["attended"] is None else bool(row["attended"]))  # fmt: skip


async def set_attended(
    db: Database, registration_id: int, attended: bool, now: dt.datetime
) -> int | None:
    """Mark a confirmed registration present or absent; its event, or ``None`` if there is
    no such confirmed registration (nothing is changed then)."""
    async with db.transaction() as tx:
        row = await tx.one(
            "UPDATE registration SET attended = ?, updated_at = ?"
            " WHERE id = ? AND state = 'confirmed' RETURNING event_id",
            (int(attended), to_db_time(now), registration_id),
        )
        return None if row is None else int(row["event_id"])


async def registration_details(db: Database, registration_id: int) -> Attendee | None:
    """One registration: its event, state, places and what was answered at sign-up."""
    row = await db.one(
        "SELECT id, event_id, state, places, details, attended FROM registration WHERE id = ?",
        (registration_id,),
    )
    return None if row is None else _attendee(row)


# --- Writing to one registration (its exchange with the staff group) -----------------------


@dataclass(frozen=True)
class ThreadMessage:
    """A staff-group message of the exchange with one registration."""

    chat_id: int
    message_id: int
    thread_id: int | None
    registration_id: int


async def remember_message(
    db: Database, registration_id: int, chat_id: int, message_id: int, thread_id: int | None,
    now: dt.datetime, *, from_person: bool = False,
) -> None:  # fmt: skip
    """A message of the exchange landed in the staff group: a reply to it reaches them.
    ``from_person``: the person's own words, deleted from the group at their erasure."""
    await db.execute(
        "INSERT INTO registration_message (chat_id, message_id, thread_id, registration_id,"
        " from_person, created_at) VALUES (?, ?, ?, ?, ?, ?)"
        " ON CONFLICT (chat_id, message_id) DO NOTHING",
        (chat_id, message_id, thread_id, registration_id, int(from_person), to_db_time(now)),
    )


async def registration_for_message(db: Database, chat_id: int, message_id: int) -> int | None:
    value = await db.value(
        "SELECT registration_id FROM registration_message WHERE chat_id = ? AND message_id = ?",
        (chat_id, message_id),
    )
    return None if value is None else int(value)


async def latest_message(db: Database, registration_id: int) -> ThreadMessage | None:
    """The newest message of the exchange: where the person's answer goes, under it."""
    row = await db.one(
        "SELECT chat_id, message_id, thread_id, registration_id FROM registration_message"
        " WHERE registration_id = ? ORDER BY created_at DESC, rowid DESC LIMIT 1",
        (registration_id,),
    )
    if row is None:
        return None
    return ThreadMessage(int(row["chat_id"]), int(row["message_id"]),
                         row["thread_id"], int(row["registration_id"]))  # fmt: skip


async def registration_person(db: Database, registration_id: int) -> str | None:
    """The pseudonym behind an active registration (``None``: withdrawn, or gone)."""
    value = await db.value(
        "SELECT pseudonym FROM registration WHERE id = ? AND state IN ('confirmed', 'waitlisted')",
        (registration_id,),
    )
    return None if value is None else str(value)
