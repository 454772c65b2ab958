"""Callback requests, the conversations that build them, staff and team topics."""

from __future__ import annotations

import datetime as dt
import secrets
import sqlite3
from dataclasses import dataclass

import aiosqlite

from bot.storage.database import Database, Transaction, from_db_time, to_db_time
from bot.storage.people import ensure_person
from bot.storage.request_limits import Allowance, check_allowance

# Letters and digits that cannot be confused when read aloud or on a small screen.
_REFERENCE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"


def new_reference() -> str:
    return "R-" + "".join(secrets.choice(_REFERENCE_ALPHABET) for _ in range(4))


@dataclass(frozen=True)
class RequestRecord:
    id: int
    reference: str
    pseudonym: str | None
    team: str
    theme: str
    profile: str | None
    quartier: str | None
    urgent: bool
    channel: str
    phone: str | None
    availability: str | None
    description: str | None
    source: str
    state: str
    claimed_by: str | None
    created_at: dt.datetime
    first_claimed_at: dt.datetime | None
    claimed_at: dt.datetime | None
    closed_at: dt.datetime | None
    outcome: str | None
    unreachable: bool
    announcements: int
    escalated_at: dt.datetime | None
    card_chat_id: int | None
    card_thread_id: int | None
    card_message_id: int | None
    closing_outcome: str | None = None
    """The outcome chosen for a close still being prepared by the holder."""
    closing_at: dt.datetime | None = None
    rating: str | None = None


_COLUMNS = (
    "id, reference, pseudonym, team, theme, profile, quartier, urgent, channel, phone, "
    "availability, description, source, state, claimed_by, created_at, first_claimed_at, "
    "claimed_at, closed_at, outcome, unreachable, announcements, escalated_at, card_chat_id, "
    "card_thread_id, card_message_id, closing_outcome, closing_at, rating"
)


def _time(value: str | None) -> dt.datetime | None:
    return None if value is None else from_db_time(value)


def _record(row: aiosqlite.Row) -> RequestRecord:
    return RequestRecord(
        id=row["id"],
        reference=row["reference"],
        pseudonym=row["pseudonym"],
        team=row["team"],
        theme=row["theme"],
        profile=row["profile"],
        quartier=row["quartier"],
        urgent=bool(row["urgent"]),
        channel=row["channel"],
        phone=row["phone"],
        availability=row["availability"],
        description=row["description"],
        source=row["source"],
        state=row["state"],
        claimed_by=row["claimed_by"],
        created_at=from_db_time(row["created_at"]),
        first_claimed_at=_time(row["first_claimed_at"]),
        claimed_at=_time(row["claimed_at"]),
        closed_at=_time(row["closed_at"]),
        outcome=row["outcome"],
        unreachable=bool(row["unreachable"]),
        announcements=row["announcements"],
        escalated_at=_time(row["escalated_at"]),
        card_chat_id=row["card_chat_id"],
        card_thread_id=row["card_thread_id"],
        card_message_id=row["card_message_id"],
        closing_outcome=row["closing_outcome"],
        closing_at=_time(row["closing_at"]),
        rating=row["rating"],
    )


async def _event(
    tx: Transaction, request_id: int, kind: str, now: dt.datetime, actor: str | None = None,
    detail: str | None = None,
) -> None:  # fmt: skip
    await tx.execute(
        "INSERT INTO request_event (request_id, at, kind, actor, detail) VALUES (?, ?, ?, ?, ?)",
        (request_id, to_db_time(now), kind, actor, detail),
    )


async def create_request(
    db: Database,
    *,
    pseudonym: str,
    chat_id: int,
    team: str,
    theme: str,
    profile: str | None,
    quartier: str | None,
    urgent: bool,
    channel: str,
    phone: str | None,
    availability: str | None,
    description: str | None,
    source: str,
    now: dt.datetime,
    draft_flow: str | None = None,
    allowance: Allowance | None = None,
) -> RequestRecord | None:
    """Store a request, forget the conversation that built it, keep where to write back.

    With ``draft_flow``, the draft of that flow is consumed in the same transaction:
    when it is already gone (a double tap on "Envoyer"), nothing is created and the
    result is ``None``. Over ``allowance``, :class:`TooManyRequests` is raised and nothing
    is written (the draft stays): the count and the insert are one transaction, so a burst
    of taps or a script cannot open one more than allowed.
    """
    async with db.transaction() as tx:
        if draft_flow is not None and not await tx.execute(
            "DELETE FROM conversation WHERE pseudonym = ? AND flow = ?", (pseudonym, draft_flow)
        ):
            return None
        if allowance is not None:
            await check_allowance(tx, pseudonym, urgent, allowance)
        await ensure_person(tx, pseudonym, now)
        await tx.execute(
            "INSERT INTO person_chat (pseudonym, chat_id) VALUES (?, ?) ON CONFLICT (pseudonym)"
            " DO UPDATE SET chat_id = excluded.chat_id, blocked_at = NULL",
            (pseudonym, chat_id),
        )
        request_id = 0
        for _ in range(20):
            try:
                request_id = await tx.insert(
                    "INSERT INTO request (reference, pseudonym, team, theme, profile, quartier,"
                    " urgent, channel, phone, availability, description, source, state,"
                    " created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'open', ?)",
                    (new_reference(), pseudonym, team, theme, profile, quartier, int(urgent),
                     channel, phone, availability, description, source, to_db_time(now)),
                )  # fmt: skip
                break
            except sqlite3.IntegrityError:  # reference already taken: draw another
                continue
        else:  # pragma: no cover - 32^4 references
            raise RuntimeError("no free request reference")
        await _event(tx, request_id, "created", now, detail=source)
        await tx.execute("DELETE FROM conversation WHERE pseudonym = ?", (pseudonym,))
        row = await tx.one(f"SELECT {_COLUMNS} FROM request WHERE id = ?", (request_id,))  # noqa: S608
    assert row is not None
    return _record(row)


async def get_request(db: Database, request_id: int) -> RequestRecord | None:
    row = await db.one(f"SELECT {_COLUMNS} FROM request WHERE id = ?", (request_id,))  # noqa: S608
    return None if row is None else _record(row)


async def request_by_card(db: Database, chat_id: int, message_id: int) -> RequestRecord | None:
    row = await db.one(
        f"SELECT {_COLUMNS} FROM request WHERE card_chat_id = ? AND card_message_id = ?",  # noqa: S608
        (chat_id, message_id),
    )
    return None if row is None else _record(row)


async def requests_of_person(db: Database, pseudonym: str) -> list[RequestRecord]:
    rows = await db.all(
        f"SELECT {_COLUMNS} FROM request WHERE pseudonym = ? AND state IN ('open', 'claimed')"  # noqa: S608
        " ORDER BY created_at",
        (pseudonym,),
    )
    return [_record(r) for r in rows]


async def open_requests(db: Database, team: str | None) -> list[RequestRecord]:
    """Requests not closed, of one team or (``None``) of every team, oldest first."""
    if team is None:
        rows = await db.all(
            f"SELECT {_COLUMNS} FROM request WHERE state IN ('open', 'claimed')"  # noqa: S608
            " ORDER BY urgent DESC, created_at"
        )
    else:
        rows = await db.all(
            f"SELECT {_COLUMNS} FROM request WHERE state IN ('open', 'claimed') AND team = ?"  # noqa: S608
            " ORDER BY urgent DESC, created_at",
            (team,),
        )
    return [_record(r) for r in rows]


async def claimed_by(db: Database, staff: str) -> list[RequestRecord]:
    rows = await db.all(
        f"SELECT {_COLUMNS} FROM request WHERE state = 'claimed' AND claimed_by = ?"  # noqa: S608
        " ORDER BY claimed_at",
        (staff,),
    )
    return [_record(r) for r in rows]


async def claim(db: Database, request_id: int, staff: str, now: dt.datetime) -> bool:
    """Take an open request; exactly one of concurrent claimers gets ``True``."""
    stamp = to_db_time(now)
    async with db.transaction() as tx:
        changed = await tx.execute(
            "UPDATE request SET state = 'claimed', claimed_by = ?, claimed_at = ?,"
            " first_claimed_at = COALESCE(first_claimed_at, ?) WHERE id = ? AND state = 'open'",
            (staff, stamp, stamp, request_id),
        )
        if changed:
            await _event(tx, request_id, "claimed", now, staff)
        return changed == 1


async def release(db: Database, request_id: int, staff: str, now: dt.datetime) -> bool:
    async with db.transaction() as tx:
        changed = await tx.execute(
            "UPDATE request SET state = 'open', claimed_by = NULL, claimed_at = NULL"
            " WHERE id = ? AND state = 'claimed' AND claimed_by = ?",
            (request_id, staff),
        )
        if changed:
            await _event(tx, request_id, "released", now, staff)
        return changed == 1


async def transfer(db: Database, request_id: int, team: str, staff: str, now: dt.datetime) -> bool:
    """Send a request to another team's queue, unclaimed."""
    async with db.transaction() as tx:
        row = await tx.one("SELECT team FROM request WHERE id = ?", (request_id,))
        if row is None or row["team"] == team:
            return False
        changed = await tx.execute(
            "UPDATE request SET team = ?, state = 'open', claimed_by = NULL, claimed_at = NULL,"
            " announcements = 0, escalated_at = NULL"
            " WHERE id = ? AND state IN ('open', 'claimed')",
            (team, request_id),
        )
        if changed:
            await _event(tx, request_id, "transferred", now, staff, f"{row['team']}>{team}")
        return changed == 1


async def close(db: Database, request_id: int, outcome: str, staff: str, now: dt.datetime) -> bool:
    """Close a claimed request with an outcome; the phone number goes with it."""
    async with db.transaction() as tx:
        changed = await tx.execute(
            "UPDATE request SET state = 'closed', outcome = ?, closed_at = ?, phone = NULL,"
            " closing_outcome = NULL, closing_at = NULL"
            " WHERE id = ? AND state = 'claimed' AND claimed_by = ?",
            (outcome, to_db_time(now), request_id, staff),
        )
        if changed:
            await _event(tx, request_id, "closed", now, staff, outcome)
        return changed == 1


async def prepare_close(
    db: Database, request_id: int, outcome: str | None, staff: str, now: dt.datetime
) -> bool:
    """The holder chose an outcome (``None``: changed their mind); the close waits for a
    word for the person or for "close without a word"."""
    changed = await db.execute(
        "UPDATE request SET closing_outcome = ?, closing_at = ?"
        " WHERE id = ? AND state = 'claimed' AND claimed_by = ?",
        (outcome, None if outcome is None else to_db_time(now), request_id, staff),
    )
    return changed == 1


async def rate(db: Database, request_id: int, pseudonym: str, rating: str) -> bool:
    """The person's one-tap rating of their closed request; the first one counts."""
    changed = await db.execute(
        "UPDATE request SET rating = ? WHERE id = ? AND pseudonym = ? AND state = 'closed'"
        " AND rating IS NULL",
        (rating, request_id, pseudonym),
    )
    return changed == 1


async def cancel(db: Database, request_id: int, pseudonym: str, now: dt.datetime) -> bool:
    """The person withdraws their request."""
    async with db.transaction() as tx:
        changed = await tx.execute(
            "UPDATE request SET state = 'cancelled', closed_at = ?, phone = NULL"
            " WHERE id = ? AND pseudonym = ? AND state IN ('open', 'claimed')",
            (to_db_time(now), request_id, pseudonym),
        )
        if changed:
            await _event(tx, request_id, "cancelled", now, "person")
        return changed == 1


async def add_event(
    db: Database, request_id: int, kind: str, now: dt.datetime, actor: str | None = None,
    detail: str | None = None,
) -> None:  # fmt: skip
    async with db.transaction() as tx:
        await _event(tx, request_id, kind, now, actor, detail)


async def notes(db: Database, request_id: int) -> list[tuple[dt.datetime, str | None, str]]:
    rows = await db.all(
        "SELECT at, actor, detail FROM request_event WHERE request_id = ? AND kind = 'note'"
        " ORDER BY at",
        (request_id,),
    )
    return [(from_db_time(r["at"]), r["actor"], r["detail"] or "") for r in rows]


async def set_card(
    db: Database, request_id: int, chat_id: int, thread_id: int | None, message_id: int
) -> None:
    await db.execute(
        "UPDATE request SET card_chat_id = ?, card_thread_id = ?, card_message_id = ?"
        " WHERE id = ?",
        (chat_id, thread_id, message_id, request_id),
    )


async def mark_unreachable(db: Database, request_id: int, now: dt.datetime) -> None:
    async with db.transaction() as tx:
        changed = await tx.execute(
            "UPDATE request SET unreachable = 1 WHERE id = ? AND unreachable = 0", (request_id,)
        )
        if changed:
            await _event(tx, request_id, "unreachable", now)


async def remember_message(
    db: Database, chat_id: int, message_id: int, request_id: int, sent_at: dt.datetime
) -> None:
    await db.execute(
        "INSERT OR IGNORE INTO relay_message (chat_id, message_id, request_id, sent_at)"
        " VALUES (?, ?, ?, ?)",
        (chat_id, message_id, request_id, to_db_time(sent_at)),
    )


async def request_for_message(db: Database, chat_id: int, message_id: int) -> RequestRecord | None:
    """The request a staff-group message belongs to: its card or a relayed message."""
    record = await request_by_card(db, chat_id, message_id)
    if record is not None:
        return record
    request_id = await db.value(
        "SELECT request_id FROM relay_message WHERE chat_id = ? AND message_id = ?",
        (chat_id, message_id),
    )
    return None if request_id is None else await get_request(db, int(request_id))


async def open_relay(db: Database, pseudonym: str) -> RequestRecord | None:
    """The person's request a mediator has taken (the latest), through which they talk."""
    row = await db.one(
        f"SELECT {_COLUMNS} FROM request WHERE pseudonym = ? AND state = 'claimed'"  # noqa: S608
        " ORDER BY claimed_at DESC LIMIT 1",
        (pseudonym,),
    )
    return None if row is None else _record(row)


async def count_announcement(db: Database, request_id: int, seen: int, now: dt.datetime) -> bool:
    """Count one more announcement, unless someone already did (``seen`` is stale)."""
    async with db.transaction() as tx:
        changed = await tx.execute(
            "UPDATE request SET announcements = announcements + 1"
            " WHERE id = ? AND state = 'open' AND announcements = ?",
            (request_id, seen),
        )
        if changed:
            await _event(tx, request_id, "announced", now, detail=str(seen + 1))
        return changed == 1


async def mark_escalated(db: Database, request_id: int, now: dt.datetime) -> None:
    async with db.transaction() as tx:
        changed = await tx.execute(
            "UPDATE request SET escalated_at = ? WHERE id = ? AND escalated_at IS NULL",
            (to_db_time(now), request_id),
        )
        if changed:
            await _event(tx, request_id, "escalated", now)


async def text_destination(db: Database, pseudonym: str) -> tuple[str | None, bool]:
    """In one read: the conversation in progress (its flow), and whether a relay is open.

    Every text message asks this before being treated as a question.
    """
    row = await db.one(
        "SELECT (SELECT flow FROM conversation WHERE pseudonym = ?) AS flow,"
        " EXISTS (SELECT 1 FROM request WHERE pseudonym = ? AND state = 'claimed') AS relay",
        (pseudonym, pseudonym),
    )
    if row is None:
        return None, False
    return row["flow"], bool(row["relay"])


@dataclass(frozen=True)
class PastRequest:
    """A request of the past, with its dates: a year's history for the bilan's
    benchmark and demonstrations (``python -m bot`` never creates these by itself)."""

    reference: str
    created_at: dt.datetime
    team: str
    theme: str
    state: str = "open"
    pseudonym: str | None = None
    """``None``: the person's data was erased since (the figures keep the request)."""
    quartier: str | None = None
    urgent: bool = False
    channel: str = "telegram"
    phone: str | None = None
    description: str | None = None
    outcome: str | None = None
    claimed_at: dt.datetime | None = None
    closed_at: dt.datetime | None = None
    source: str = "history"
    profile: str | None = None
    """Who asked: ``young``, ``resident``, ``parent``, or ``None`` (not asked)."""
    rating: str | None = None
    """The one-tap rating given at closing: ``good``, ``neutral``, ``bad`` or ``None``."""


async def insert_past_requests(db: Database, requests: list[PastRequest]) -> None:
    """Store past requests in one transaction, as they were (no conversation, no card)."""

    def stamp(value: dt.datetime | None) -> str | None:
        return None if value is None else to_db_time(value)

    async with db.transaction() as tx:
        for pseudonym in sorted({r.pseudonym for r in requests if r.pseudonym}):
            await ensure_person(tx, pseudonym, min(r.created_at for r in requests))
        await tx.executemany(
            "INSERT INTO request (reference, pseudonym, team, theme, quartier, urgent, channel,"
            " phone, description, source, state, created_at, first_claimed_at, claimed_at,"
            " closed_at, outcome, profile, rating)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [
                (r.reference, r.pseudonym, r.team, r.theme, r.quartier, int(r.urgent), r.channel,
                 r.phone, r.description, r.source, r.state, to_db_time(r.created_at),
                 stamp(r.claimed_at), stamp(r.claimed_at), stamp(r.closed_at), r.outcome,
                 r.profile, r.rating)
                for r in requests
            ],
        )  # fmt: skip
