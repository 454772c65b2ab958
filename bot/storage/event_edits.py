"""Creating and editing events: the coordinator's drafts published, edits saved whole, events
from the pack's file kept in step."""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass

from bot.storage.database import Database, Transaction, to_db_time
from bot.storage.events import _EVENT_COLUMNS, EventRecord, SignUp, _event, _promote


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
