"""Registrations: capacity never exceeded, waiting list in order, promotion on withdrawal."""

from __future__ import annotations

import asyncio
import datetime as dt
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.storage import Database
from bot.storage import event_edits as event_edits_store
from bot.storage import events as store

NOW = dt.datetime(2026, 11, 23, 9, 0, tzinfo=dt.UTC)


@pytest.fixture
async def db(tmp_path: Path) -> AsyncIterator[Database]:
    database = Database(tmp_path / "e.sqlite3")
    await database.open()
    try:
        yield database
    finally:
        await database.close()


async def _event(db: Database, capacity: int | None = 10, **changes: object) -> int:
    values: dict[str, object] = {
        "kind": "workshop", "title_fr": "Atelier", "title_en": "Workshop", "place": "Centre",
        "quartier": None, "starts_at": NOW + dt.timedelta(days=7), "ends_at": None,
        "capacity": capacity, "deadline": NOW + dt.timedelta(days=6), "now": NOW,
    }  # fmt: skip
    values.update(changes)
    return await event_edits_store.create_event(db, **values)  # type: ignore[arg-type]


async def test_fifty_people_race_for_ten_places(db: Database) -> None:
    event = await _event(db, capacity=10)
    results = await asyncio.gather(
        *(store.sign_up(db, event, f"person{i:02d}", NOW) for i in range(50))
    )
    confirmed = [r for r in results if r.state == "confirmed"]
    waiting = sorted(
        (r for r in results if r.state == "waitlisted"), key=lambda r: r.position or 0
    )
    assert len(confirmed) == 10
    assert len(waiting) == 40
    assert [r.position for r in waiting] == list(range(1, 41))
    # The waiting list is in order of arrival.
    assert [r.registration_id for r in waiting] == sorted(r.registration_id for r in waiting)
    assert await store.counts(db, event) == {"confirmed": 10, "waitlisted": 40}

    # One confirmed person withdraws: the first on the waiting list gets the place.
    leaver = confirmed[0]
    promoted = await store.withdraw(db, leaver.registration_id, leaver.pseudonym, NOW)
    assert [p.pseudonym for p in promoted] == [waiting[0].pseudonym]
    again = await store.sign_up(db, event, waiting[1].pseudonym, NOW)
    assert (again.state, again.position) == ("waitlisted", 1)
    # The promoted person declines: the next one is promoted.
    declined = await store.withdraw(db, promoted[0].registration_id, promoted[0].pseudonym, NOW,
                                    declined=True)  # fmt: skip
    assert [p.pseudonym for p in declined] == [waiting[1].pseudonym]
    assert (await store.counts(db, event))["confirmed"] == 10


async def test_two_processes_never_overbook(tmp_path: Path) -> None:
    first, second = Database(tmp_path / "p.sqlite3"), Database(tmp_path / "p.sqlite3")
    await first.open()
    await second.open()
    try:
        event = await _event(first, capacity=5)
        results = await asyncio.gather(
            *(store.sign_up(first if i % 2 else second, event, f"p{i}", NOW) for i in range(20))
        )
        assert sum(r.state == "confirmed" for r in results) == 5
    finally:
        await first.close()
        await second.close()


async def test_signing_up_twice_is_once(db: Database) -> None:
    event = await _event(db)
    first = await store.sign_up(db, event, "p1", NOW)
    twice = await asyncio.gather(*(store.sign_up(db, event, "p1", NOW) for _ in range(5)))
    assert {t.registration_id for t in twice} == {first.registration_id}
    assert await store.counts(db, event) == {"confirmed": 1}


async def test_stands_count_by_their_size(db: Database) -> None:
    event = await _event(db, capacity=10, kind="braderie")
    big = await store.sign_up(db, event, "asso", NOW, places=8, details={"metres": 8})
    small = await store.sign_up(db, event, "p2", NOW, places=3)
    fits = await store.sign_up(db, event, "p3", NOW, places=2)
    assert (big.state, small.state, fits.state) == ("confirmed", "waitlisted", "confirmed")


async def test_after_the_deadline_or_for_an_unknown_event_sign_up_is_refused(db: Database) -> None:
    event = await _event(db)
    late = await store.sign_up(db, event, "p1", NOW + dt.timedelta(days=6, hours=1))
    assert late.state == "closed"
    unknown = await store.sign_up(db, 9999, "p1", NOW)
    assert unknown.state == "unknown"
