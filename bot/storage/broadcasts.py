"""Subscriptions and broadcasts: who asked for which announcements, and who got each.

A broadcast's audience is a snapshot taken in the transaction that creates it, one
``broadcast_delivery`` row per person. Each row moves pending → sending → sent (or
blocked, failed); the row is the memory that makes a broadcast resumable after a
crash and that keeps anyone from getting the same announcement twice.
"""

from __future__ import annotations

import datetime as dt
import json
import sqlite3
from dataclasses import dataclass
from typing import Any

from bot.storage.database import Database, from_db_time, to_db_time
from bot.storage.people import ensure_person

# --- subscriptions -----------------------------------------------------------------------


@dataclass(frozen=True)
class SubscriptionRecord:
    quartier: str | None
    """``None``: the whole territory."""
    topics: frozenset[str]


async def get_subscription(db: Database, pseudonym: str) -> SubscriptionRecord | None:
    row = await db.one("SELECT quartier FROM subscriber WHERE pseudonym = ?", (pseudonym,))
    if row is None:
        return None
    topics = await db.all("SELECT topic FROM subscription WHERE pseudonym = ?", (pseudonym,))
    return SubscriptionRecord(row["quartier"], frozenset(r["topic"] for r in topics))


async def save_subscription(
    db: Database,
    pseudonym: str,
    quartier: str | None,
    topics: frozenset[str],
    chat_id: int,
    now: dt.datetime,
) -> None:
    """Subscribe (or change what one is subscribed to); no topic left unsubscribes."""
    stamp = to_db_time(now)
    async with db.transaction() as tx:
        if not topics:
            await tx.execute("DELETE FROM subscriber WHERE pseudonym = ?", (pseudonym,))
            return
        await ensure_person(tx, pseudonym, now)
        await tx.execute(
            "INSERT INTO subscriber (pseudonym, quartier, created_at, updated_at)"
            " VALUES (?, ?, ?, ?) ON CONFLICT (pseudonym) DO UPDATE SET"
            " quartier = excluded.quartier, updated_at = excluded.updated_at",
            (pseudonym, quartier, stamp, stamp),
        )
        await tx.execute("DELETE FROM subscription WHERE pseudonym = ?", (pseudonym,))
        await tx.executemany(
            "INSERT INTO subscription (pseudonym, topic) VALUES (?, ?)",
            [(pseudonym, topic) for topic in sorted(topics)],
        )
        # Where to write: kept apart (person_chat), and writing resumes if it was blocked.
        await tx.execute(
            "INSERT INTO person_chat (pseudonym, chat_id) VALUES (?, ?)"
            " ON CONFLICT (pseudonym) DO UPDATE SET chat_id = excluded.chat_id,"
            " blocked_at = NULL",
            (pseudonym, chat_id),
        )


async def follow_quartier(db: Database, pseudonym: str, quartier: str | None) -> None:
    """The person changed quartier: a subscription to their quartier follows them."""
    await db.execute(
        "UPDATE subscriber SET quartier = ? WHERE pseudonym = ? AND quartier IS NOT NULL",
        (quartier, pseudonym),
    )


async def count_subscribers(db: Database) -> int:
    return int(await db.value("SELECT COUNT(*) FROM subscriber"))


# --- broadcasts --------------------------------------------------------------------------

# Audiences: the SQL that picks who gets a broadcast, with its parameters. Blocked chats
# are left out: someone who blocked the bot is not written to until they come back.
_SUBSCRIBERS = (
    "SELECT s.pseudonym FROM subscriber s"
    " JOIN subscription t ON t.pseudonym = s.pseudonym AND t.topic = :subject"
    " JOIN person_chat c ON c.pseudonym = s.pseudonym AND c.blocked_at IS NULL"
    " WHERE :quartier IS NULL OR s.quartier IS NULL OR s.quartier = :quartier"
)
_REGISTERED = (
    "SELECT r.pseudonym FROM registration r"
    " JOIN person_chat c ON c.pseudonym = r.pseudonym AND c.blocked_at IS NULL"
    " WHERE r.event_id = :event_id AND r.state IN ('confirmed', 'waitlisted')"
    " AND (:state IS NULL OR r.state = :state)"
)
_ANY_SUBSCRIBER = (
    "SELECT s.pseudonym FROM subscriber s"
    " JOIN person_chat c ON c.pseudonym = s.pseudonym AND c.blocked_at IS NULL"
    " WHERE :quartier IS NULL OR s.quartier IS NULL OR s.quartier = :quartier"
)

ANY_TOPIC = "*"
"""An audience's subject meaning: whatever the person subscribed to."""
REGISTRATION_STATES = ("confirmed", "waitlisted")


@dataclass(frozen=True)
class Audience:
    """Who a broadcast goes to: the subscribers of ``subject`` (:data:`ANY_TOPIC`: of
    anything) whose area covers ``quartier``, or the people registered for ``event_id``
    (``state``: only the confirmed, or only the waiting list)."""

    subject: str | None = None
    quartier: str | None = None
    event_id: int | None = None
    state: str | None = None

    def query(self) -> tuple[str, dict[str, Any]]:
        if self.event_id is not None:
            if self.state is not None and self.state not in REGISTRATION_STATES:
                raise ValueError(f"no such registration state: {self.state}")
            return _REGISTERED, {"event_id": self.event_id, "state": self.state}
        if self.subject is None:
            raise ValueError("an audience needs a subject or an event")
        if self.subject == ANY_TOPIC:
            return _ANY_SUBSCRIBER, {"quartier": self.quartier}
        return _SUBSCRIBERS, {"subject": self.subject, "quartier": self.quartier}


async def count_audience(db: Database, audience: Audience) -> int:
    """How many people a broadcast to ``audience`` would reach now."""
    query, params = audience.query()
    return int(await db.value(f"SELECT COUNT(*) FROM ({query})", params))  # noqa: S608


async def create_broadcast(
    db: Database,
    topic: str,
    content: dict[str, Any],
    audience: Audience,
    now: dt.datetime,
    *,
    created_by: str | None = None,
    progress: tuple[int, int | None] | None = None,
) -> int | None:
    """Create a broadcast and its audience's snapshot in one transaction.

    ``None`` when a broadcast of this topic already exists: an announcement is made
    once, whatever the double presses or the restarts.
    """
    query, params = audience.query()
    stamp = to_db_time(now)
    async with db.transaction() as tx:
        try:
            broadcast_id = await tx.insert(
                "INSERT INTO broadcast (topic, content, created_at, created_by,"
                " progress_chat_id, progress_thread_id) VALUES (?, ?, ?, ?, ?, ?)",
                (topic, json.dumps(content), stamp, created_by,
                 progress[0] if progress else None, progress[1] if progress else None),
            )  # fmt: skip
        except sqlite3.IntegrityError:
            return None
        await tx.execute(
            "INSERT INTO broadcast_delivery (broadcast_id, pseudonym, updated_at)"  # noqa: S608
            f" SELECT :broadcast_id, pseudonym, :stamp FROM ({query})",
            {**params, "broadcast_id": broadcast_id, "stamp": stamp},
        )
        return broadcast_id


@dataclass(frozen=True)
class BroadcastRecord:
    id: int
    topic: str
    content: dict[str, Any]
    state: str
    created_at: dt.datetime
    finished_at: dt.datetime | None
    progress_chat_id: int | None
    progress_thread_id: int | None
    progress_message_id: int | None


def _broadcast(row: Any) -> BroadcastRecord:
    return BroadcastRecord(
        id=row["id"], topic=row["topic"], content=json.loads(row["content"]), state=row["state"],
        created_at=from_db_time(row["created_at"]),
        finished_at=from_db_time(row["finished_at"]) if row["finished_at"] else None,
        progress_chat_id=row["progress_chat_id"], progress_thread_id=row["progress_thread_id"],
        progress_message_id=row["progress_message_id"],
    )  # fmt: skip


_COLUMNS = (
    "id, topic, content, state, created_at, finished_at, progress_chat_id, progress_thread_id,"
    " progress_message_id"
)


async def get_broadcast(db: Database, broadcast_id: int) -> BroadcastRecord | None:
    row = await db.one(f"SELECT {_COLUMNS} FROM broadcast WHERE id = ?", (broadcast_id,))  # noqa: S608
    return None if row is None else _broadcast(row)


async def recent_broadcasts(db: Database, limit: int = 10) -> list[BroadcastRecord]:
    rows = await db.all(
        f"SELECT {_COLUMNS} FROM broadcast ORDER BY id DESC LIMIT ?",  # noqa: S608
        (limit,),
    )
    return [_broadcast(r) for r in rows]


async def running_broadcasts(db: Database) -> list[int]:
    rows = await db.all("SELECT id FROM broadcast WHERE state = 'running' ORDER BY id")
    return [int(r["id"]) for r in rows]


async def set_progress_message(db: Database, broadcast_id: int, message_id: int) -> None:
    await db.execute(
        "UPDATE broadcast SET progress_message_id = ? WHERE id = ?", (message_id, broadcast_id)
    )


async def recover(db: Database, broadcast_id: int, now: dt.datetime) -> int:
    """After a crash: rows left 'sending' may have reached the person or not. They are
    never sent again (nobody gets an announcement twice) and are counted apart."""
    return await db.execute(
        "UPDATE broadcast_delivery SET state = 'uncertain', updated_at = ?"
        " WHERE broadcast_id = ? AND state = 'sending'",
        (to_db_time(now), broadcast_id),
    )


@dataclass(frozen=True)
class Recipient:
    pseudonym: str
    chat_id: int
    language: str | None
    attempts: int


async def next_recipients(
    db: Database, broadcast_id: int, limit: int, after: str | None = None
) -> list[Recipient]:
    """The next people still to be sent to, in pseudonym order, after ``after``."""
    rows = await db.all(
        "SELECT d.pseudonym, c.chat_id, p.language, d.attempts FROM broadcast_delivery d"
        " JOIN person p ON p.pseudonym = d.pseudonym"
        " LEFT JOIN person_chat c ON c.pseudonym = d.pseudonym"
        " WHERE d.broadcast_id = ? AND d.state = 'pending' AND d.pseudonym > ?"
        " ORDER BY d.pseudonym LIMIT ?",
        (broadcast_id, after or "", limit),
    )
    return [
        Recipient(r["pseudonym"], int(r["chat_id"]) if r["chat_id"] is not None else 0,
                  r["language"], int(r["attempts"]))
        for r in rows
    ]  # fmt: skip


async def mark(
    db: Database, broadcast_id: int, pseudonym: str, state: str, now: dt.datetime, *,
    attempt: bool = False,
) -> bool:  # fmt: skip
    """Move one delivery on; returns whether it was still pending or sending."""
    changed = await db.execute(
        "UPDATE broadcast_delivery SET state = ?, updated_at = ?, attempts = attempts + ?"
        " WHERE broadcast_id = ? AND pseudonym = ? AND state IN ('pending', 'sending')",
        (state, to_db_time(now), 1 if attempt else 0, broadcast_id, pseudonym),
    )
    return changed > 0


async def mark_blocked(db: Database, broadcast_id: int, pseudonym: str, now: dt.datetime) -> None:
    """The person blocked the bot: this delivery is over, and nothing more is sent to them
    (their chat is marked, so no later broadcast picks them) until they come back."""
    stamp = to_db_time(now)
    async with db.transaction() as tx:
        await tx.execute(
            "UPDATE broadcast_delivery SET state = 'blocked', updated_at = ?"
            " WHERE broadcast_id = ? AND pseudonym = ?",
            (stamp, broadcast_id, pseudonym),
        )
        await tx.execute(
            "UPDATE person_chat SET blocked_at = ? WHERE pseudonym = ?", (stamp, pseudonym)
        )


async def finish(db: Database, broadcast_id: int, now: dt.datetime) -> bool:
    """Mark the broadcast done once nobody is left to send to."""
    changed = await db.execute(
        "UPDATE broadcast SET state = 'done', finished_at = ? WHERE id = ? AND state = 'running'"
        " AND NOT EXISTS (SELECT 1 FROM broadcast_delivery WHERE broadcast_id = ?"
        " AND state IN ('pending', 'sending'))",
        (to_db_time(now), broadcast_id, broadcast_id),
    )
    return changed > 0


async def progress(db: Database, broadcast_id: int) -> dict[str, int]:
    """How many deliveries are in each state."""
    rows = await db.all(
        "SELECT state, COUNT(*) AS n FROM broadcast_delivery WHERE broadcast_id = ?"
        " GROUP BY state",
        (broadcast_id,),
    )
    return {r["state"]: int(r["n"]) for r in rows}


async def withdraw(db: Database, broadcast_id: int) -> bool:
    """Drop a broadcast nobody has been sent yet (an undone cancellation); ``False`` once
    anything left."""
    changed = await db.execute(
        "DELETE FROM broadcast WHERE id = ? AND state = 'running' AND NOT EXISTS ("
        "SELECT 1 FROM broadcast_delivery WHERE broadcast_id = ? AND state != 'pending')",
        (broadcast_id, broadcast_id),
    )
    return changed == 1


async def count_registered(db: Database, event_id: int) -> int:
    """People registered or waiting for an event whom the bot may write to."""
    return int(await db.value(
        "SELECT COUNT(DISTINCT r.pseudonym) FROM registration r"
        " JOIN person_chat c ON c.pseudonym = r.pseudonym AND c.blocked_at IS NULL"
        " WHERE r.event_id = ? AND r.state IN ('confirmed', 'waitlisted')",
        (event_id,),
    ))  # fmt: skip
