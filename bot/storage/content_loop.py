"""The content loop: 👍 / 👎 counts per entry, and unanswered questions without a person."""

from __future__ import annotations

import datetime as dt

from bot.storage.database import Database


async def count_feedback(db: Database, entry_id: str, day: dt.date, helpful: bool) -> None:
    column = "helpful" if helpful else "unhelpful"
    await db.execute(
        f"INSERT INTO answer_feedback (entry_id, day, {column}) VALUES (?, ?, 1)"  # noqa: S608
        f" ON CONFLICT (entry_id, day) DO UPDATE SET {column} = {column} + 1",
        (entry_id, day.isoformat()),
    )


async def feedback_since(db: Database, since: dt.date) -> dict[str, tuple[int, int]]:
    rows = await db.all(
        "SELECT entry_id, SUM(helpful) AS up, SUM(unhelpful) AS down FROM answer_feedback"
        " WHERE day >= ? GROUP BY entry_id",
        (since.isoformat(),),
    )
    return {str(r["entry_id"]): (int(r["up"]), int(r["down"])) for r in rows}


async def keep_unanswered(db: Database, language: str, text: str, day: dt.date) -> None:
    await db.execute(
        "INSERT INTO unanswered (language, text, day) VALUES (?, ?, ?)",
        (language, text, day.isoformat()),
    )


async def unanswered_since(db: Database, since: dt.date) -> list[tuple[str, str, str]]:
    """(day, language, text), oldest first."""
    rows = await db.all(
        "SELECT day, language, text FROM unanswered WHERE day >= ? ORDER BY day, id",
        (since.isoformat(),),
    )
    return [(str(r["day"]), str(r["language"]), str(r["text"])) for r in rows]


async def forget_unanswered(db: Database, before: dt.date) -> int:
    return await db.execute("DELETE FROM unanswered WHERE day < ?", (before.isoformat(),))
