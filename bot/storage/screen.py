"""The message ids of a person's private chat, for a quick exit: ids and times only."""

from __future__ import annotations

import datetime as dt

from bot.storage.database import Database, to_db_time


async def keep(db: Database, seen: list[tuple[str, int, dt.datetime]]) -> None:
    """Note messages of people's chats (theirs or the bot's), in one transaction."""
    async with db.transaction() as tx:
        await tx.executemany(
            "INSERT OR IGNORE INTO screen_message (pseudonym, message_id, seen_at)"
            " VALUES (?, ?, ?)",
            [(pseudonym, message_id, to_db_time(at)) for pseudonym, message_id, at in seen],
        )


async def take(db: Database, pseudonym: str, since: dt.datetime) -> list[int]:
    """The ids of the person's messages seen since ``since``, oldest first; all of their
    ids are forgotten in the same step (those older cannot be deleted any more)."""
    async with db.transaction() as tx:
        rows = await tx.all(
            "SELECT message_id FROM screen_message WHERE pseudonym = ? AND seen_at >= ?"
            " ORDER BY message_id",
            (pseudonym, to_db_time(since)),
        )
        await tx.execute("DELETE FROM screen_message WHERE pseudonym = ?", (pseudonym,))
    return [int(r["message_id"]) for r in rows]


async def forget(db: Database, pseudonym: str) -> None:
    await db.execute("DELETE FROM screen_message WHERE pseudonym = ?", (pseudonym,))


async def tidy(db: Database, before: dt.datetime) -> int:
    """Forget the ids seen before ``before`` (no longer deletable); how many went."""
    return await db.execute("DELETE FROM screen_message WHERE seen_at < ?", (to_db_time(before),))
