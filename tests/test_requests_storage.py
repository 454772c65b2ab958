"""Requests in the database: exactly one claimer, nothing personal left after erasure."""

from __future__ import annotations

import asyncio
import datetime as dt
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.storage import Database, people
from bot.storage import conversations as conversations_store
from bot.storage import requests as store
from bot.storage import staff as staff_store

NOW = dt.datetime(2026, 11, 23, 9, 0, tzinfo=dt.UTC)


async def _db(tmp_path: Path) -> Database:
    db = Database(tmp_path / "r.sqlite3")
    await db.open()
    for name in ("a", "b", *(f"staff{i}" for i in range(20))):
        await staff_store.save_staff(db, name, name, "mediator", "prevention", NOW, None)
    return db


@pytest.fixture
async def db(tmp_path: Path) -> AsyncIterator[Database]:
    database = await _db(tmp_path)
    try:
        yield database
    finally:
        await database.close()


async def _request(db: Database, pseudonym: str = "p1", phone: str | None = None) -> int:
    record = await store.create_request(
        db, pseudonym=pseudonym, chat_id=42, team="prevention", theme="sante", profile=None,
        quartier=None, urgent=False, channel="phone" if phone else "telegram", phone=phone,
        availability="weekday_afternoon", description="mes mots", source="menu", now=NOW,
    )  # fmt: skip
    assert record.reference.startswith("R-")
    return record.id


async def test_exactly_one_of_many_simultaneous_claims_wins(db: Database) -> None:
    request_id = await _request(db)
    results = await asyncio.gather(
        *(store.claim(db, request_id, f"staff{i}", NOW) for i in range(20))
    )
    assert sum(results) == 1
    record = await store.get_request(db, request_id)
    assert record is not None
    assert record.state == "claimed"
    assert record.claimed_by == f"staff{results.index(True)}"


async def test_two_processes_claiming_get_one_winner(tmp_path: Path) -> None:
    first, second = await _db(tmp_path), Database(tmp_path / "r.sqlite3")
    await second.open()
    try:
        request_id = await _request(first)
        results = await asyncio.gather(
            store.claim(first, request_id, "a", NOW), store.claim(second, request_id, "b", NOW)
        )
        assert sorted(results) == [False, True]
    finally:
        await first.close()
        await second.close()


async def test_only_the_claimer_closes_and_the_phone_goes_with_it(db: Database) -> None:
    request_id = await _request(db, phone="06 12 34 56 78")
    assert await store.claim(db, request_id, "a", NOW)
    assert not await store.close(db, request_id, "contacted", "b", NOW)
    assert await store.close(db, request_id, "contacted", "a", NOW + dt.timedelta(hours=1))
    record = await store.get_request(db, request_id)
    assert record is not None
    assert (record.state, record.outcome, record.phone) == ("closed", "contacted", None)


async def test_transfer_puts_the_request_back_in_another_queue(db: Database) -> None:
    request_id = await _request(db)
    await store.claim(db, request_id, "a", NOW)
    assert await store.transfer(db, request_id, "mediation", "a", NOW)
    record = await store.get_request(db, request_id)
    assert record is not None
    assert (record.team, record.state, record.claimed_by) == ("mediation", "open", None)
    assert record.first_claimed_at == NOW  # the figures keep the first claim
    assert not await store.transfer(db, request_id, "mediation", "a", NOW)


async def test_erasing_a_person_leaves_only_anonymous_figures(db: Database) -> None:
    request_id = await _request(db, phone="06 12 34 56 78")
    assert (await people.erase_person(db, "p1", NOW)).erased
    record = await store.get_request(db, request_id)
    assert record is not None
    assert record.pseudonym is None
    assert record.phone is None
    assert record.description is None
    assert record.state == "cancelled"
    assert record.theme == "sante"  # still counted
    assert await db.value("SELECT COUNT(*) FROM person_chat") == 0


async def test_conversation_survives_a_restart(tmp_path: Path) -> None:
    db = await _db(tmp_path)
    await conversations_store.save_conversation(
        db, "p1", "request", "channel", {"subject": "sante"}, NOW
    )
    await db.close()
    again = Database(tmp_path / "r.sqlite3")
    await again.open()
    try:
        conversation = await conversations_store.get_conversation(again, "p1")
        assert conversation is not None
        assert (conversation.step, conversation.data) == ("channel", {"subject": "sante"})
    finally:
        await again.close()
