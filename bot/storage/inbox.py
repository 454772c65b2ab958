"""The durable inbox: updates taken from Telegram, kept until they have been handled."""

from __future__ import annotations

import datetime as dt

from bot.storage.database import Database, to_db_time


async def keep(db: Database, update_id: int, payload: str, now: dt.datetime) -> bool:
    """Store an update; ``False`` when it was already there (sent again by Telegram)."""
    changed = await db.execute(
        "INSERT OR IGNORE INTO inbox (update_id, payload, received_at) VALUES (?, ?, ?)",
        (update_id, payload, to_db_time(now)),
    )
    return changed > 0


async def handled(db: Database, update_id: int) -> None:
    """The payload goes; the id stays, to recognise the update if it comes again."""
    await db.execute("UPDATE inbox SET payload = NULL WHERE update_id = ?", (update_id,))


async def forget_handled(db: Database, before: dt.datetime) -> int:
    return await db.execute(
        "DELETE FROM inbox WHERE payload IS NULL AND received_at < ?", (to_db_time(before),)
    )


async def take_unhandled(db: Database, max_attempts: int) -> tuple[list[str], int]:
    """The payloads left unhandled by a previous run, oldest first, each counted as one more
    attempt; those already tried ``max_attempts`` times are dropped (and counted)."""
    async with db.transaction() as tx:
        dropped = await tx.execute(
            "UPDATE inbox SET payload = NULL WHERE payload IS NOT NULL AND attempts >= ?",
            (max_attempts,),
        )
        await tx.execute("UPDATE inbox SET attempts = attempts + 1 WHERE payload IS NOT NULL")
        rows = await tx.all(
            "SELECT payload FROM inbox WHERE payload IS NOT NULL ORDER BY update_id"
        )
    return [str(row["payload"]) for row in rows], dropped
