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


async def create_event(
    db: Database,
    *,
    kind: str,
    title_fr: str,
    title_en: str | None,
    place: str,
    quartier: str | None,
    starts_at: dt.datetime,
    ends_at: dt.datetime | None,
    capacity: int | None,
    deadline: dt.datetime | None,
    now: dt.datetime,
    created_by: str | None = None,
    pack_key: str | None = None,
    description_fr: str | None = None,
    description_en: str | None = None,
    photo_file_id: str | None = None,
    unit: str | None = None,
    categories: tuple[str, ...] = (),
) -> int:
    fields = EventFields(
        kind=kind, title_fr=title_fr, title_en=title_en, description_fr=description_fr,
        description_en=description_en, place=place, quartier=quartier, starts_at=starts_at,
        ends_at=ends_at, capacity=capacity, deadline=deadline, photo_file_id=photo_file_id,
        unit=unit, categories=categories,
    )  # fmt: skip
    async with db.transaction() as tx:
        return await _insert_event(tx, fields, now, created_by=created_by, pack_key=pack_key)


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
    """What the capacity counts (see :mod:`bot.events.kinds`); ``None``: the kind's default."""
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


async def registrations_of(db: Database, pseudonym: str, now: dt.datetime) -> list[MyRegistration]:
    """The person's active registrations to events still to come."""
    # Column names come from the fixed list above, never from input.
    columns = ", ".join(f"e.{c.strip()}" for c in _EVENT_COLUMNS.split(","))
    rows = await db.all(
        f"SELECT r.id AS rid, r.state AS rstate, {columns}"  # noqa: S608
        " FROM registration r JOIN event e ON e.id = r.event_id"
        " WHERE r.pseudonym = ? AND r.state IN ('confirmed', 'waitlisted') AND e.starts_at > ?"
        " ORDER BY e.starts_at",
        (pseudonym, to_db_time(now)),
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


# --- The attendee list and attendance (bot/attendance.py) ----------------------------------


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


# --- Publishing and editing: coordinators in Telegram, and the pack's events.yaml --------


@dataclass(frozen=True)
class EventFields:
    """What is decided about an event when it is published or edited (all but its state)."""

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
    photo_file_id: str | None = None
    unit: str | None = None
    categories: tuple[str, ...] = ()

    @classmethod
    def of(cls, event: EventRecord) -> EventFields:
        """The fields of a stored event (to edit it, or to compare it with the pack's)."""
        return cls(
            kind=event.kind, title_fr=event.title_fr, title_en=event.title_en,
            description_fr=event.description_fr, description_en=event.description_en,
            place=event.place, quartier=event.quartier, starts_at=event.starts_at,
            ends_at=event.ends_at, capacity=event.capacity, deadline=event.deadline,
            photo_file_id=event.photo_file_id, unit=event.unit, categories=event.categories,
        )  # fmt: skip


def _stamp(moment: dt.datetime | None) -> str | None:
    return to_db_time(moment) if moment is not None else None


async def _insert_event(
    tx: Transaction,
    fields: EventFields,
    now: dt.datetime,
    *,
    created_by: str | None,
    pack_key: str | None,
) -> int:
    f = fields
    return await tx.insert(
        "INSERT INTO event (pack_key, kind, title_fr, title_en, description_fr,"
        " description_en, place, quartier, starts_at, ends_at, capacity, deadline,"
        " photo_file_id, unit, categories, created_at, created_by)"
        " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (pack_key, f.kind, f.title_fr, f.title_en, f.description_fr, f.description_en, f.place,
         f.quartier, to_db_time(f.starts_at), _stamp(f.ends_at), f.capacity, _stamp(f.deadline),
         f.photo_file_id, f.unit, json.dumps(list(f.categories)) if f.categories else None,
         to_db_time(now), created_by),
    )  # fmt: skip


async def _consume_draft(tx: Transaction, draft: tuple[str, str, dt.datetime]) -> bool:
    """Delete the very draft that was read (same flow, same version): ``False`` if it is
    gone or changed meanwhile, so one draft is published or saved once at most."""
    pseudonym, flow, version = draft
    deleted = await tx.execute(
        "DELETE FROM conversation WHERE pseudonym = ? AND flow = ? AND updated_at = ?",
        (pseudonym, flow, to_db_time(version)),
    )
    return deleted > 0


async def publish_draft(
    db: Database,
    fields: EventFields,
    now: dt.datetime,
    *,
    draft: tuple[str, str, dt.datetime],
    created_by: str | None,
) -> int | None:
    """Create the event a coordinator drafted and consume the draft (pseudonym, flow,
    version) in the same transaction: pressing "Publish" twice creates one event.
    ``None``: the draft was already published or abandoned."""
    async with db.transaction() as tx:
        if not await _consume_draft(tx, draft):
            return None
        return await _insert_event(tx, fields, now, created_by=created_by, pack_key=None)


@dataclass(frozen=True)
class EventUpdate:
    """The outcome of an edit."""

    outcome: str
    """``saved``; refused: ``gone`` (the draft was already saved), ``unknown``,
    ``cancelled``, ``past``, ``capacity`` (below the places already confirmed)."""
    before: EventRecord | None = None
    moved: bool = False
    """The date, the times or the place changed: the revision was bumped."""
    revision: int = 0
    promoted: tuple[SignUp, ...] = ()
    """People taken off the waiting list because the capacity grew."""
    confirmed: int = 0
    """Places confirmed when the edit was looked at."""


async def update_event(
    db: Database,
    event_id: int,
    fields: EventFields,
    now: dt.datetime,
    *,
    draft: tuple[str, str, dt.datetime] | None = None,
) -> EventUpdate:
    """Save an edit in one transaction (the kind never changes once published).

    A move (date, times, place) bumps the revision and forgets the reminders already
    sent, so that they come again for the new time; a larger capacity promotes from the
    waiting list; a capacity below the places confirmed is refused (nobody loses a
    confirmed place). ``draft`` (pseudonym, flow, version) is consumed with the edit.
    """
    stamp = to_db_time(now)
    async with db.transaction() as tx:
        if draft is not None and not await tx.value(
            "SELECT COUNT(*) FROM conversation WHERE pseudonym = ? AND flow = ?"
            " AND updated_at = ?",
            (draft[0], draft[1], to_db_time(draft[2])),
        ):
            return EventUpdate("gone")
        row = await tx.one(f"SELECT {_EVENT_COLUMNS} FROM event WHERE id = ?", (event_id,))  # noqa: S608
        if row is None:
            return EventUpdate("unknown")
        before = _event(row)
        if before.state != "published":
            return EventUpdate("cancelled", before)
        if before.starts_at <= now:
            return EventUpdate("past", before)
        confirmed = int(await tx.value(
            "SELECT COALESCE(SUM(places), 0) FROM registration"
            " WHERE event_id = ? AND state = 'confirmed'",
            (event_id,),
        ))  # fmt: skip
        if fields.capacity is not None and fields.capacity < confirmed:
            return EventUpdate("capacity", before, confirmed=confirmed)
        if draft is not None:
            await _consume_draft(tx, draft)
        moved = (fields.starts_at, fields.ends_at, fields.place) != (
            before.starts_at, before.ends_at, before.place,
        )  # fmt: skip
        f = fields
        await tx.execute(
            "UPDATE event SET title_fr = ?, title_en = ?, description_fr = ?,"
            " description_en = ?, place = ?, quartier = ?, starts_at = ?, ends_at = ?,"
            " capacity = ?, deadline = ?, photo_file_id = ?, unit = ?, categories = ?,"
            " revision = revision + ?, updated_at = ? WHERE id = ?",
            (f.title_fr, f.title_en, f.description_fr, f.description_en, f.place, f.quartier,
             to_db_time(f.starts_at), _stamp(f.ends_at), f.capacity, _stamp(f.deadline),
             f.photo_file_id, f.unit, json.dumps(list(f.categories)) if f.categories else None,
             int(moved), stamp, event_id),
        )  # fmt: skip
        if moved:
            await tx.execute(
                "DELETE FROM reminder_sent WHERE registration_id IN"
                " (SELECT id FROM registration WHERE event_id = ?)",
                (event_id,),
            )
        if f.capacity is None:  # no limit any more: everyone waiting gets a place
            waiting = await tx.all(
                "SELECT id, pseudonym FROM registration"
                " WHERE event_id = ? AND state = 'waitlisted' ORDER BY id",
                (event_id,),
            )
            await tx.execute(
                "UPDATE registration SET state = 'confirmed', updated_at = ?"
                " WHERE event_id = ? AND state = 'waitlisted'",
                (stamp, event_id),
            )
            promoted = [SignUp(r["id"], r["pseudonym"], "confirmed") for r in waiting]
        else:
            promoted = await _promote(tx, event_id, stamp)
        return EventUpdate(
            "saved", before, moved, before.revision + int(moved), tuple(promoted), confirmed
        )


async def event_by_pack_key(db: Database, pack_key: str) -> EventRecord | None:
    """The event declared in the pack's ``events.yaml`` under this id."""
    row = await db.one(f"SELECT {_EVENT_COLUMNS} FROM event WHERE pack_key = ?", (pack_key,))  # noqa: S608
    return None if row is None else _event(row)


async def moved_events(db: Database, now: dt.datetime) -> list[EventRecord]:
    """Upcoming published events moved at least once (to check their move was told)."""
    rows = await db.all(
        f"SELECT {_EVENT_COLUMNS} FROM event WHERE state = 'published' AND starts_at > ?"  # noqa: S608
        " AND revision > 0 ORDER BY id",
        (to_db_time(now),),
    )
    return [_event(r) for r in rows]


async def pack_event_keys(db: Database) -> list[str]:
    """The ids of the events that came from the pack's ``events.yaml``."""
    rows = await db.all("SELECT pack_key FROM event WHERE pack_key IS NOT NULL ORDER BY id")
    return [str(r["pack_key"]) for r in rows]


async def erase_past_contacts(db: Database, ended_before: dt.datetime) -> int:
    """A team's phone number is kept for the event only: erased once it is over."""
    return await db.execute(
        "UPDATE registration SET details = json_remove(details, '$.phone')"
        " WHERE details IS NOT NULL AND json_extract(details, '$.phone') IS NOT NULL"
        " AND event_id IN (SELECT id FROM event WHERE COALESCE(ends_at, starts_at) < ?)",
        (to_db_time(ended_before),),
    )
