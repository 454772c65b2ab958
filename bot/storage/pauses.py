"""Pauses: a person a coordinator paused, until when, why (for staff only), and the
reasons being typed. Every pause row goes with the person's erasure (``ON DELETE
CASCADE``); its anonymous count stays in ``usage_count`` (kind :data:`PAUSE`)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import aiosqlite

from bot.storage.database import Database, from_db_time, to_db_time
from bot.storage.usage import count_in

PAUSE = "pause"
"""The kind counted in ``usage_count`` when a pause starts (key: its duration)."""


@dataclass(frozen=True)
class PauseRecord:
    """A person paused from a request card: no callback request, no message relayed to
    staff, from ``created_at`` until ``until`` (or ``ended_at`` when lifted earlier)."""

    id: int
    pseudonym: str
    request_id: int | None
    """The request whose card it was paused from."""
    reference: str | None
    """That request's reference (``R-…``)."""
    reason: str
    """A key of the reason buttons, or ``other`` with ``reason_text``."""
    reason_text: str | None
    paused_by: str | None
    created_at: dt.datetime
    until: dt.datetime
    ended_at: dt.datetime | None
    lifted_by: str | None


@dataclass(frozen=True)
class PauseDraft:
    """A coordinator who chose "other reason" and has still to type it."""

    request_id: int
    drafted_by: str
    duration: str
    created_at: dt.datetime


_COLUMNS = (
    "p.id, p.pseudonym, p.request_id, r.reference, p.reason, p.reason_text, p.paused_by,"
    " p.created_at, p.until, p.ended_at, p.lifted_by"
)
_FROM = "FROM pause p LEFT JOIN request r ON r.id = p.request_id"
_CURRENT = "p.ended_at IS NULL AND p.until > ?"


def _record(row: aiosqlite.Row) -> PauseRecord:
    return PauseRecord(
        id=int(row["id"]),
        pseudonym=row["pseudonym"],
        request_id=row["request_id"],
        reference=row["reference"],
        reason=row["reason"],
        reason_text=row["reason_text"],
        paused_by=row["paused_by"],
        created_at=from_db_time(row["created_at"]),
        until=from_db_time(row["until"]),
        ended_at=None if row["ended_at"] is None else from_db_time(row["ended_at"]),
        lifted_by=row["lifted_by"],
    )


async def active(db: Database, pseudonym: str, now: dt.datetime) -> PauseRecord | None:
    """The person's pause in force at ``now``, if any."""
    row = await db.one(
        f"SELECT {_COLUMNS} {_FROM} WHERE p.pseudonym = ? AND {_CURRENT}",
        (pseudonym, to_db_time(now)),
    )
    return None if row is None else _record(row)


async def all_active(db: Database, now: dt.datetime) -> list[PauseRecord]:
    """Every pause in force at ``now``, the one ending first first."""
    rows = await db.all(
        f"SELECT {_COLUMNS} {_FROM} WHERE {_CURRENT} ORDER BY p.until, p.id",
        (to_db_time(now),),
    )
    return [_record(r) for r in rows]


async def get(db: Database, pause_id: int) -> PauseRecord | None:
    row = await db.one(f"SELECT {_COLUMNS} {_FROM} WHERE p.id = ?", (pause_id,))
    return None if row is None else _record(row)


async def start(
    db: Database,
    *,
    pseudonym: str,
    request_id: int,
    reason: str,
    reason_text: str | None,
    by: str,
    now: dt.datetime,
    until: dt.datetime,
    day: dt.date,
    duration: str,
) -> tuple[PauseRecord | None, PauseRecord | None]:
    """Pause the person, once: ``(the new pause, None)``, or ``(None, the pause already in
    force)`` when another press got there first. The count of pauses goes up in the same
    transaction, and the request's drafts of a reason are cleared."""
    stamp = to_db_time(now)
    async with db.transaction() as tx:
        # A pause that ran out is ended here, so that the one current pause stays unique.
        await tx.execute(
            "UPDATE pause SET ended_at = until"
            " WHERE pseudonym = ? AND ended_at IS NULL AND until <= ?",
            (pseudonym, stamp),
        )
        current = await tx.value(
            "SELECT id FROM pause WHERE pseudonym = ? AND ended_at IS NULL", (pseudonym,)
        )
        if current is None:
            current = await tx.insert(
                "INSERT INTO pause (pseudonym, request_id, reason, reason_text, paused_by,"
                " created_at, until) VALUES (?, ?, ?, ?, ?, ?, ?)",
                (pseudonym, request_id, reason, reason_text, by, stamp, to_db_time(until)),
            )
            await count_in(tx, day, PAUSE, duration)
            created = True
        else:
            created = False
        await tx.execute("DELETE FROM pause_draft WHERE request_id = ?", (request_id,))
    record = await get(db, int(current))
    return (record, None) if created else (None, record)


async def lift(db: Database, pause_id: int, by: str, now: dt.datetime) -> PauseRecord | None:
    """End a pause in force now; ``None`` if it had already ended (or never was)."""
    stamp = to_db_time(now)
    changed = await db.execute(
        "UPDATE pause SET ended_at = ?, lifted_by = ?"
        " WHERE id = ? AND ended_at IS NULL AND until > ?",
        (stamp, by, pause_id, stamp),
    )
    return await get(db, pause_id) if changed else None


async def save_draft(
    db: Database, request_id: int, by: str, duration: str, now: dt.datetime
) -> None:
    """``by`` will type the reason of a pause of ``duration`` from this request's card."""
    await db.execute(
        "INSERT INTO pause_draft (request_id, drafted_by, duration, created_at)"
        " VALUES (?, ?, ?, ?) ON CONFLICT (request_id, drafted_by) DO UPDATE SET"
        " duration = excluded.duration, created_at = excluded.created_at,"
        " chat_id = NULL, message_id = NULL",
        (request_id, by, duration, to_db_time(now)),
    )


async def draft_prompted(
    db: Database, request_id: int, by: str, chat_id: int, message_id: int
) -> None:
    """The bot's prompt for the reason: a reply to it is the reason."""
    await db.execute(
        "UPDATE pause_draft SET chat_id = ?, message_id = ?"
        " WHERE request_id = ? AND drafted_by = ?",
        (chat_id, message_id, request_id, by),
    )


async def draft_for_reply(
    db: Database, by: str, chat_id: int, message_id: int
) -> PauseDraft | None:
    """``by``'s draft answered by a reply to this message: the bot's prompt, or the card of
    the request (so that a reason never reaches the person by mistake)."""
    row = await db.one(
        "SELECT d.request_id, d.drafted_by, d.duration, d.created_at FROM pause_draft d"
        " JOIN request r ON r.id = d.request_id WHERE d.drafted_by = ? AND ("
        " (d.chat_id = ? AND d.message_id = ?) OR (r.card_chat_id = ? AND r.card_message_id = ?))"
        " ORDER BY d.created_at DESC LIMIT 1",
        (by, chat_id, message_id, chat_id, message_id),
    )
    if row is None:
        return None
    return PauseDraft(int(row["request_id"]), row["drafted_by"], row["duration"],
                      from_db_time(row["created_at"]))  # fmt: skip


async def clear_draft(db: Database, request_id: int, by: str) -> None:
    await db.execute(
        "DELETE FROM pause_draft WHERE request_id = ? AND drafted_by = ?", (request_id, by)
    )
