"""People: pseudonymous settings, consents, and the chat to write back to."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from bot.storage.database import Database, Transaction, from_db_time, to_db_time


@dataclass(frozen=True)
class PersonRecord:
    pseudonym: str
    language: str | None
    quartier: str | None
    residence: str | None
    created_at: dt.datetime
    last_seen_at: dt.datetime
    blocked: bool = False
    """Whether their chat is marked blocked (a message to them was refused)."""


_SETTINGS = ("language", "quartier", "residence")


async def get_person(db: Database, pseudonym: str) -> PersonRecord | None:
    row = await db.one(
        "SELECT pseudonym, language, quartier, residence, created_at, last_seen_at,"
        " EXISTS (SELECT 1 FROM person_chat c WHERE c.pseudonym = person.pseudonym"
        " AND c.blocked_at IS NOT NULL) AS blocked FROM person WHERE pseudonym = ?",
        (pseudonym,),
    )
    if row is None:
        return None
    return PersonRecord(
        pseudonym=row["pseudonym"],
        language=row["language"],
        quartier=row["quartier"],
        residence=row["residence"],
        created_at=from_db_time(row["created_at"]),
        last_seen_at=from_db_time(row["last_seen_at"]),
        blocked=bool(row["blocked"]),
    )


async def ensure_person(tx: Transaction, pseudonym: str, now: dt.datetime) -> None:
    """Create the person's row if needed and mark them as seen now."""
    stamp = to_db_time(now)
    await tx.execute(
        "INSERT INTO person (pseudonym, created_at, last_seen_at) VALUES (?, ?, ?)"
        " ON CONFLICT (pseudonym) DO UPDATE SET last_seen_at = excluded.last_seen_at",
        (pseudonym, stamp, stamp),
    )


async def save_setting(
    db: Database, pseudonym: str, name: str, value: str | None, now: dt.datetime
) -> None:
    """Store one of the person's settings (language, quartier, residence)."""
    if name not in _SETTINGS:
        raise ValueError(f"unknown person setting {name!r}")
    async with db.transaction() as tx:
        await ensure_person(tx, pseudonym, now)
        # The column name comes from the fixed tuple above, never from input.
        await tx.execute(f"UPDATE person SET {name} = ? WHERE pseudonym = ?", (value, pseudonym))  # noqa: S608


async def touch(db: Database, pseudonym: str, now: dt.datetime) -> None:
    """Mark an existing person as seen (retention counts from the last visit)."""
    await db.execute(
        "UPDATE person SET last_seen_at = ? WHERE pseudonym = ?", (to_db_time(now), pseudonym)
    )


async def set_consent(
    db: Database, pseudonym: str, purpose: str, granted: bool, now: dt.datetime
) -> None:
    async with db.transaction() as tx:
        await ensure_person(tx, pseudonym, now)
        await tx.execute(
            "INSERT INTO consent (pseudonym, purpose, granted, decided_at) VALUES (?, ?, ?, ?)"
            " ON CONFLICT (pseudonym, purpose) DO UPDATE"
            " SET granted = excluded.granted, decided_at = excluded.decided_at",
            (pseudonym, purpose, int(granted), to_db_time(now)),
        )


async def get_consents(db: Database, pseudonym: str) -> dict[str, bool]:
    rows = await db.all("SELECT purpose, granted FROM consent WHERE pseudonym = ?", (pseudonym,))
    return {row["purpose"]: bool(row["granted"]) for row in rows}


async def remember_chat(db: Database, pseudonym: str, chat_id: int, now: dt.datetime) -> None:
    """Keep the chat id a feature needs to write back later (a reply, a reminder)."""
    async with db.transaction() as tx:
        await ensure_person(tx, pseudonym, now)
        await tx.execute(
            "INSERT INTO person_chat (pseudonym, chat_id) VALUES (?, ?)"
            " ON CONFLICT (pseudonym) DO UPDATE SET chat_id = excluded.chat_id, blocked_at = NULL",
            (pseudonym, chat_id),
        )


async def reach(db: Database, pseudonym: str) -> tuple[int, str | None] | None:
    """Where to write to a person and the language they chose: ``None`` when the bot
    may not write to them (they blocked it, or were erased)."""
    row = await db.one(
        "SELECT c.chat_id, p.language FROM person_chat c"
        " LEFT JOIN person p ON p.pseudonym = c.pseudonym"
        " WHERE c.pseudonym = ? AND c.blocked_at IS NULL",
        (pseudonym,),
    )
    return None if row is None else (int(row[0]), row[1])


async def mark_blocked(db: Database, pseudonym: str, now: dt.datetime) -> None:
    """The person blocked the bot: stop writing to them until they come back."""
    await db.execute(
        "UPDATE person_chat SET blocked_at = ? WHERE pseudonym = ?", (to_db_time(now), pseudonym)
    )


async def unblock(db: Database, pseudonym: str) -> None:
    """The person writes again: they unblocked the bot, so it may write to them again."""
    await db.execute("UPDATE person_chat SET blocked_at = NULL WHERE pseudonym = ?", (pseudonym,))


DELETABLE_FOR = dt.timedelta(hours=48)
"""How long Telegram lets a bot delete a message it sent in a group."""


@dataclass(frozen=True)
class Erasure:
    erased: bool
    relayed: tuple[tuple[int, int], ...] = ()
    """(chat id, message id) of the person's words relayed to the staff group that the
    bot can still delete."""


async def erase_person(db: Database, pseudonym: str, now: dt.datetime | None = None) -> Erasure:
    """Delete everything about the person; rows of later features cascade.

    Their callback requests stay as anonymous figures: the link to them, the phone
    number, their words and availability go; requests still open are cancelled. The
    relayed messages still deletable are returned, for the caller to delete them.
    """
    moment = now or dt.datetime.now(dt.UTC)
    async with db.transaction() as tx:
        since = to_db_time(moment - DELETABLE_FOR)
        rows = await tx.all(
            "SELECT m.chat_id, m.message_id FROM relay_message m"
            " JOIN request r ON r.id = m.request_id"
            " WHERE r.pseudonym = ? AND m.sent_at > ?"
            # Their answers to the staff who wrote to one of their registrations, too.
            " UNION SELECT g.chat_id, g.message_id FROM registration_message g"
            " JOIN registration s ON s.id = g.registration_id"
            " WHERE s.pseudonym = ? AND g.from_person = 1 AND g.created_at > ?"
            " ORDER BY 1, 2",
            (pseudonym, since, pseudonym, since),
        )
        erased = await _erase(tx, pseudonym, to_db_time(moment))
    return Erasure(erased, tuple((int(r["chat_id"]), int(r["message_id"])) for r in rows))


async def _erase(tx: Transaction, pseudonym: str, stamp: str) -> bool:
    """What erasure removes, the same whether the person asked or the retention period ran."""
    await tx.execute("DELETE FROM screen_message WHERE pseudonym = ?", (pseudonym,))
    await tx.execute(
        "UPDATE request_event SET detail = NULL WHERE kind = 'note' AND request_id IN"
        " (SELECT id FROM request WHERE pseudonym = ?)",
        (pseudonym,),
    )
    await tx.execute(
        "DELETE FROM relay_message WHERE request_id IN"
        " (SELECT id FROM request WHERE pseudonym = ?)",
        (pseudonym,),
    )
    await tx.execute(
        "UPDATE request SET phone = NULL, description = NULL, availability = NULL,"
        " closed_at = CASE WHEN state IN ('open', 'claimed') THEN ? ELSE closed_at END,"
        " state = CASE WHEN state IN ('open', 'claimed') THEN 'cancelled' ELSE state END"
        " WHERE pseudonym = ?",
        (stamp, pseudonym),
    )
    return await tx.execute("DELETE FROM person WHERE pseudonym = ?", (pseudonym,)) > 0


@dataclass(frozen=True)
class Retention:
    erased: int
    withdrawn: tuple[int, ...] = ()
    """Requests still open that the erasure cancelled: their staff cards must say so."""


async def erase_inactive(
    db: Database, seen_before: dt.datetime, now: dt.datetime | None = None
) -> Retention:
    """Apply the retention period: erase people not seen since ``seen_before``, exactly as
    :func:`erase_person` erases one (their requests' phone, words and notes go too)."""
    stamp = to_db_time(now or dt.datetime.now(dt.UTC))
    async with db.transaction() as tx:
        rows = await tx.all(
            "SELECT pseudonym FROM person WHERE last_seen_at < ?", (to_db_time(seen_before),)
        )
        erased, withdrawn = 0, []
        for row in rows:
            opened = await tx.all(
                "SELECT id FROM request WHERE pseudonym = ? AND state IN ('open', 'claimed')",
                (row["pseudonym"],),
            )
            withdrawn += [int(r["id"]) for r in opened]
            erased += await _erase(tx, row["pseudonym"], stamp)
        return Retention(erased, tuple(withdrawn))
