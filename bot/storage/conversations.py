"""Guided conversations in progress (a request, a sign-up, an event being published): one
per person, kept across restarts."""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from typing import Any

from bot.storage.database import Database, from_db_time, to_db_time
from bot.storage.people import ensure_person


@dataclass(frozen=True)
class ConversationRecord:
    flow: str
    step: str
    data: dict[str, Any]
    updated_at: dt.datetime


async def get_conversation(db: Database, pseudonym: str) -> ConversationRecord | None:
    row = await db.one(
        "SELECT flow, step, data, updated_at FROM conversation WHERE pseudonym = ?", (pseudonym,)
    )
    if row is None:
        return None
    return ConversationRecord(
        row["flow"], row["step"], json.loads(row["data"]), from_db_time(row["updated_at"])
    )


async def save_conversation(
    db: Database, pseudonym: str, flow: str, step: str, data: dict[str, Any], now: dt.datetime
) -> None:
    async with db.transaction() as tx:
        await ensure_person(tx, pseudonym, now)
        await tx.execute(
            "INSERT INTO conversation (pseudonym, flow, step, data, updated_at)"
            " VALUES (?, ?, ?, ?, ?) ON CONFLICT (pseudonym) DO UPDATE SET flow = excluded.flow,"
            " step = excluded.step, data = excluded.data, updated_at = excluded.updated_at",
            (pseudonym, flow, step, json.dumps(data), to_db_time(now)),
        )


async def clear_conversation(db: Database, pseudonym: str) -> None:
    await db.execute("DELETE FROM conversation WHERE pseudonym = ?", (pseudonym,))
