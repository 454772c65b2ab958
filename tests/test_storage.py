"""Storage: migrations once each, in a transaction; writes all or nothing."""

from __future__ import annotations

import asyncio
import datetime as dt
from pathlib import Path

import pytest

from bot.storage import Database, DatabaseError, from_db_time, people, to_db_time
from bot.storage import migrations as migrations_module
from bot.storage.migrations import MIGRATIONS, Migration

NOW = dt.datetime(2026, 11, 23, 9, 0, tzinfo=dt.UTC)


async def test_migrations_are_applied_once_and_recorded(tmp_path: Path) -> None:
    path = tmp_path / "db.sqlite3"
    db = Database(path)
    await db.open()
    assert await db.schema_version() == MIGRATIONS[-1].version
    count = await db.value("SELECT COUNT(*) FROM schema_version")
    await db.close()
    again = Database(path)
    await again.open()  # a restart applies nothing twice
    assert await again.value("SELECT COUNT(*) FROM schema_version") == count
    await again.close()


async def test_wal_and_foreign_keys_are_on(tmp_path: Path) -> None:
    db = Database(tmp_path / "db.sqlite3")
    await db.open()
    assert await db.value("PRAGMA journal_mode") == "wal"
    async with db.transaction() as tx:  # writes are where foreign keys matter
        assert await tx.value("PRAGMA foreign_keys") == 1
    await db.close()


async def test_a_failing_migration_leaves_nothing_behind(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    broken = (
        *MIGRATIONS,
        Migration(999, "broken", ("CREATE TABLE half_done (x)", "THIS IS NOT SQL")),
    )
    monkeypatch.setattr(migrations_module, "MIGRATIONS", broken)
    monkeypatch.setattr("bot.storage.database.MIGRATIONS", broken)
    db = Database(tmp_path / "db.sqlite3")
    with pytest.raises(DatabaseError, match="migration 999"):
        await db.open()
    tables = await db.all("SELECT name FROM sqlite_master WHERE name = 'half_done'")
    assert tables == []
    assert await db.schema_version() == MIGRATIONS[-1].version
    await db.close()


async def test_a_transaction_that_fails_writes_nothing(tmp_path: Path) -> None:
    db = Database(tmp_path / "db.sqlite3")
    await db.open()

    async def crash_half_way() -> None:
        async with db.transaction() as tx:
            await people.ensure_person(tx, "p1", NOW)
            raise RuntimeError("crash half-way")

    with pytest.raises(RuntimeError):
        await crash_half_way()
    assert await db.value("SELECT COUNT(*) FROM person") == 0
    await db.close()


async def test_concurrent_writers_are_serialised(tmp_path: Path) -> None:
    db = Database(tmp_path / "db.sqlite3")
    await db.open()
    await asyncio.gather(
        *(people.save_setting(db, f"p{i % 10}", "language", "en", NOW) for i in range(200))
    )
    assert await db.value("SELECT COUNT(*) FROM person") == 10
    await db.close()


async def test_erasing_a_person_cascades(tmp_path: Path) -> None:
    db = Database(tmp_path / "db.sqlite3")
    await db.open()
    await people.remember_chat(db, "p1", 12345, NOW)
    await people.set_consent(db, "p1", "phone", True, NOW)
    assert await people.reach(db, "p1") == (12345, None)
    assert (await people.erase_person(db, "p1")).erased
    for table in ("person", "person_chat", "consent"):
        assert await db.value(f"SELECT COUNT(*) FROM {table}") == 0  # noqa: S608
    await db.close()


async def test_unknown_setting_is_refused(tmp_path: Path) -> None:
    db = Database(tmp_path / "db.sqlite3")
    await db.open()
    with pytest.raises(ValueError, match="unknown person setting"):
        await people.save_setting(db, "p1", "pseudonym; DROP TABLE person", "x", NOW)
    await db.close()


async def test_unopenable_database_is_a_clear_error(tmp_path: Path) -> None:
    db = Database(tmp_path / "missing-folder" / "db.sqlite3")
    with pytest.raises(DatabaseError, match="cannot open database"):
        await db.open()


def test_times_round_trip_in_utc() -> None:
    paris = dt.timezone(dt.timedelta(hours=1))
    moment = dt.datetime(2026, 3, 29, 1, 30, tzinfo=paris)
    assert from_db_time(to_db_time(moment)) == moment
    with pytest.raises(ValueError, match="naive"):
        to_db_time(dt.datetime(2026, 1, 1))  # noqa: DTZ001


async def test_unreadable_database_file_is_a_clear_error(tmp_path: Path) -> None:
    folder = tmp_path / "a-folder-not-a-file"
    folder.mkdir()
    with pytest.raises(DatabaseError, match="cannot open database"):
        await Database(folder).open()
