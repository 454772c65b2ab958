"""Events and registrations: capacity is checked inside the transaction that takes the
place, so concurrent sign-ups can never overbook."""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from typing import Any

from bot.storage.database import Database, Transaction, to_db_time
from bot.storage.people import ensure_person


@dataclass(frozen=True)
class SignUp:
    """The outcome of a sign-up or a promotion."""

    registration_id: int
    pseudonym: str
    state: str
    """``confirmed`` or ``waitlisted``; ``closed`` (deadline, cancelled) or ``unknown``."""
    position: int | None = None
    """Rank on the waiting list (1 is next)."""


async def _waiting_rank(tx: Transaction, event_id: int, registration_id: int) -> int:
    value = await tx.value(
        "SELECT COUNT(*) FROM registration WHERE event_id = ? AND state = 'waitlisted'"
        " AND id <= ?",
        (event_id, registration_id),
    )
    return int(value)


async def sign_up(
    db: Database,
    event_id: int,
    pseudonym: str,
    now: dt.datetime,
    *,
    places: int = 1,
    details: dict[str, Any] | None = None,
) -> SignUp:
    """Take ``places`` if they are free, else join the waiting list; once per person."""
    stamp = to_db_time(now)
    async with db.transaction() as tx:
        event = await tx.one(
            "SELECT capacity, deadline, state, starts_at FROM event WHERE id = ?", (event_id,)
        )
        if event is None:
            return SignUp(0, pseudonym, "unknown")
        if event["state"] != "published" or (event["deadline"] and stamp > event["deadline"]):
            return SignUp(0, pseudonym, "closed")
        if stamp >= event["starts_at"]:
            return SignUp(0, pseudonym, "closed")
        existing = await tx.one(
            "SELECT id, state FROM registration WHERE event_id = ? AND pseudonym = ?"
            " AND state IN ('confirmed', 'waitlisted')",
            (event_id, pseudonym),
        )
        if existing is not None:  # pressing twice changes nothing
            rank = (
                await _waiting_rank(tx, event_id, existing["id"])
                if existing["state"] == "waitlisted"
                else None
            )
            return SignUp(existing["id"], pseudonym, existing["state"], rank)
        taken = await tx.value(
            "SELECT COALESCE(SUM(places), 0) FROM registration"
            " WHERE event_id = ? AND state = 'confirmed'",
            (event_id,),
        )
        capacity = event["capacity"]
        state = (
            "confirmed" if capacity is None or int(taken) + places <= capacity else "waitlisted"
        )
        await ensure_person(tx, pseudonym, now)
        registration_id = await tx.insert(
            "INSERT INTO registration (event_id, pseudonym, state, places, details, created_at,"
            " updated_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
            (event_id, pseudonym, state, places, json.dumps(details) if details else None,
             stamp, stamp),
        )  # fmt: skip
        rank = (
            await _waiting_rank(tx, event_id, registration_id) if state == "waitlisted" else None
        )
        return SignUp(registration_id, pseudonym, state, rank)


async def withdraw(
    db: Database, registration_id: int, pseudonym: str, now: dt.datetime, *, declined: bool = False
) -> list[SignUp]:
    """Give a place back (or decline a place offered); the first who fit on the waiting
    list are promoted in the same transaction. Returns those promoted."""
    stamp = to_db_time(now)
    async with db.transaction() as tx:
        row = await tx.one(
            "SELECT event_id, state FROM registration WHERE id = ? AND pseudonym = ?",
            (registration_id, pseudonym),
        )
        if row is None or row["state"] not in ("confirmed", "waitlisted"):
            return []
        # A phone number given at sign-up (a team's contact) is no longer needed.
        await tx.execute(
            "UPDATE registration SET state = ?, updated_at = ?,"
            " details = json_remove(details, '$.phone') WHERE id = ?",
            ("declined" if declined else "cancelled", stamp, registration_id),
        )
        if row["state"] != "confirmed":
            return []
        return await _promote(tx, row["event_id"], stamp)


async def _promote(tx: Transaction, event_id: int, stamp: str) -> list[SignUp]:
    event = await tx.one("SELECT capacity FROM event WHERE id = ?", (event_id,))
    if event is None or event["capacity"] is None:
        return []
    taken = int(await tx.value(
        "SELECT COALESCE(SUM(places), 0) FROM registration"
        " WHERE event_id = ? AND state = 'confirmed'",
        (event_id,),
    ))  # fmt: skip
    promoted: list[SignUp] = []
    waiting = await tx.all(
        "SELECT id, pseudonym, places FROM registration"
        " WHERE event_id = ? AND state = 'waitlisted' ORDER BY id",
        (event_id,),
    )
    for candidate in waiting:
        if taken + candidate["places"] > event["capacity"]:
            break  # in order: nobody jumps the queue
        await tx.execute(
            "UPDATE registration SET state = 'confirmed', updated_at = ? WHERE id = ?",
            (stamp, candidate["id"]),
        )
        taken += candidate["places"]
        promoted.append(SignUp(candidate["id"], candidate["pseudonym"], "confirmed"))
    return promoted


async def counts(db: Database, event_id: int) -> dict[str, int]:
    rows = await db.all(
        "SELECT state, COALESCE(SUM(places), 0) AS n FROM registration WHERE event_id = ?"
        " GROUP BY state",
        (event_id,),
    )
    return {row["state"]: int(row["n"]) for row in rows}


@dataclass(frozen=True)
class EventRecord:
    id: int
    kind: str
    title_fr: str
    title_en: str | None
    description_fr: str | None
    description_en: str | None
    place: str
    quartier: str | None
    starts_at: dt.datetime
    ends_at: dt.datetime | None
    capacity: int | None
    deadline: dt.datetime | None
    state: str
    photo_file_id: str | None = None
    """A Telegram file id of the event's photo (sent with its announcement)."""
    unit: str | None = None
    """What the capacity counts (see :mod:`bot.territory.kinds`); ``None``: the kind's default."""
    categories: tuple[str, ...] = ()
    """A tournament's age categories."""
    revision: int = 0
    """Bumped each time the event is moved (date, time or place)."""
    pack_key: str | None = None
    """The event's key in the pack's ``events.yaml``, when declared there."""

    def title(self, language: str) -> str:
        return self.title_en if language == "en" and self.title_en else self.title_fr

    def description(self, language: str) -> str | None:
        if language == "en" and self.description_en:
            return self.description_en
        return self.description_fr


_EVENT_COLUMNS = (
    "id, kind, title_fr, title_en, description_fr, description_en, place, quartier, starts_at,"
    " ends_at, capacity, deadline, state, photo_file_id, unit, categories, revision, pack_key"
)


def _event(row: Any) -> EventRecord:
    from bot.storage.database import from_db_time

    return EventRecord(
        id=row["id"], kind=row["kind"], title_fr=row["title_fr"], title_en=row["title_en"],
        description_fr=row["description_fr"], description_en=row["description_en"],
        place=row["place"], quartier=row["quartier"], starts_at=from_db_time(row["starts_at"]),
        ends_at=from_db_time(row["ends_at"]) if row["ends_at"] else None,
        capacity=row["capacity"],
        deadline=from_db_time(row["deadline"]) if row["deadline"] else None, state=row["state"],
        photo_file_id=row["photo_file_id"], unit=row["unit"],
        categories=tuple(json.loads(row["categories"])) if row["categories"] else (),
        revision=int(row["revision"]), pack_key=row["pack_key"],
    )  # fmt: skip


async def get_event(db: Database, event_id: int) -> EventRecord | None:
    row = await db.one(f"SELECT {_EVENT_COLUMNS} FROM event WHERE id = ?", (event_id,))  # noqa: S608
    return None if row is None else _event(row)


async def upcoming_events(db: Database, now: dt.datetime, limit: int = 20) -> list[EventRecord]:
    rows = await db.all(
        f"SELECT {_EVENT_COLUMNS} FROM event WHERE state = 'published' AND starts_at > ?"  # noqa: S608
        " ORDER BY starts_at LIMIT ?",
        (to_db_time(now), limit),
    )
    return [_event(r) for r in rows]


@dataclass(frozen=True)
class MyRegistration:
    registration_id: int
    event: EventRecord
    state: str
    position: int | None


async def registrations_of(
    db: Database, pseudonym: str, now: dt.datetime, *, with_cancelled: bool = False
) -> list[MyRegistration]:
    """The person's active registrations to events still to come (and, with
    ``with_cancelled``, to those cancelled since)."""
    # Column names come from the fixed list above, never from input.
    columns = ", ".join(f"e.{c.strip()}" for c in _EVENT_COLUMNS.split(","))
    rows = await db.all(
        f"SELECT r.id AS rid, r.state AS rstate, {columns}"  # noqa: S608
        " FROM registration r JOIN event e ON e.id = r.event_id"
        " WHERE r.pseudonym = ? AND r.state IN ('confirmed', 'waitlisted') AND e.starts_at > ?"
        " AND (e.state != 'cancelled' OR ?) ORDER BY e.starts_at",
        (pseudonym, to_db_time(now), int(with_cancelled)),
    )
    out = []
    for row in rows:
        position = None
        if row["rstate"] == "waitlisted":
            position = int(await db.value(
                "SELECT COUNT(*) FROM registration WHERE event_id = ? AND state = 'waitlisted'"
                " AND id <= ?",
                (row["id"], row["rid"]),
            ))  # fmt: skip
        out.append(MyRegistration(row["rid"], _event(row), row["rstate"], position))
    return out


async def to_remind(
    db: Database, event_id: int, reminder: str, now: dt.datetime
) -> list[tuple[str, int]]:
    """The confirmed people of an event not yet given this reminder, marked as reminded
    in the same transaction (at most once, whatever the restarts): (pseudonym, chat)."""
    async with db.transaction() as tx:
        rows = await tx.all(
            "SELECT r.id, r.pseudonym, c.chat_id FROM registration r"
            " JOIN person_chat c ON c.pseudonym = r.pseudonym AND c.blocked_at IS NULL"
            " WHERE r.event_id = ? AND r.state = 'confirmed' AND NOT EXISTS"
            " (SELECT 1 FROM reminder_sent s WHERE s.registration_id = r.id AND s.reminder = ?)",
            (event_id, reminder),
        )
        await tx.executemany(
            "INSERT INTO reminder_sent (registration_id, reminder, sent_at) VALUES (?, ?, ?)",
            [(row["id"], reminder, to_db_time(now)) for row in rows],
        )
        return [(row["pseudonym"], int(row["chat_id"])) for row in rows]


async def cancel_event(db: Database, event_id: int) -> list[tuple[str, int]] | None:
    """Cancel a published event; ``None`` if it was not published (so the people
    registered are told once). Returns whom to tell: (pseudonym, chat)."""
    async with db.transaction() as tx:
        changed = await tx.execute(
            "UPDATE event SET state = 'cancelled' WHERE id = ? AND state = 'published'",
            (event_id,),
        )
        if not changed:
            return None
        rows = await tx.all(
            "SELECT r.pseudonym, c.chat_id FROM registration r"
            " JOIN person_chat c ON c.pseudonym = r.pseudonym AND c.blocked_at IS NULL"
            " WHERE r.event_id = ? AND r.state IN ('confirmed', 'waitlisted')",
            (event_id,),
        )
        return [(row["pseudonym"], int(row["chat_id"])) for row in rows]


async def set_cancel_reason(db: Database, event_id: int, reason: str | None) -> bool:
    """The reason a coordinator gives for cancelling a published event (before they
    confirm); ``None`` clears it."""
    changed = await db.execute(
        "UPDATE event SET cancel_reason = ? WHERE id = ? AND state = 'published'",
        (reason, event_id),
    )
    return changed == 1


async def cancel_reason(db: Database, event_id: int) -> str | None:
    value = await db.value("SELECT cancel_reason FROM event WHERE id = ?", (event_id,))
    return None if value is None else str(value)


async def restore_event(db: Database, event_id: int, now: dt.datetime) -> bool:
    """Undo a cancellation (nobody was told yet): the event is published again."""
    changed = await db.execute(
        "UPDATE event SET state = 'published', cancel_reason = NULL"
        " WHERE id = ? AND state = 'cancelled' AND starts_at > ?",
        (event_id, to_db_time(now)),
    )
    return changed == 1


async def erase_past_contacts(db: Database, ended_before: dt.datetime) -> int:
    """A team's phone number, a parent's and an exhibitor's address are kept for the event
    only: erased once it is over."""
    return await db.execute(
        "UPDATE registration SET details ="
        " json_remove(details, '$.phone', '$.address', '$.guardian_phone')"
        " WHERE details IS NOT NULL AND (json_extract(details, '$.phone') IS NOT NULL"
        " OR json_extract(details, '$.address') IS NOT NULL"
        " OR json_extract(details, '$.guardian_phone') IS NOT NULL)"
        " AND event_id IN (SELECT id FROM event WHERE COALESCE(ends_at, starts_at) < ?)",
        (to_db_time(ended_before),),
    )
