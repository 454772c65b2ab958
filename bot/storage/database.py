"""One aiosqlite connection, serialised, with versioned migrations."""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
import sqlite3
from collections.abc import AsyncIterator, Iterable, Sequence
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import aiosqlite

from bot.storage.migrations import MIGRATIONS

log = logging.getLogger(__name__)

Params = Sequence[Any] | dict[str, Any]


class DatabaseError(Exception):
    """The database could not be opened or migrated."""


def to_db_time(moment: dt.datetime) -> str:
    """Timestamps are stored as UTC ISO-8601 text, which sorts and reads well."""
    if moment.tzinfo is None:
        raise ValueError("naive datetime cannot be stored")
    return moment.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def from_db_time(value: str) -> dt.datetime:
    return dt.datetime.strptime(value, "%Y-%m-%dT%H:%M:%S.%fZ").replace(tzinfo=dt.UTC)


class Database:
    """The service's single source of truth.

    Writes go through one connection and one lock: a transaction is never
    interleaved with another coroutine's statements, and ``BEGIN IMMEDIATE``
    makes a concurrent writer (another process) wait rather than fail half-way.
    Plain reads use a second connection: with WAL they neither wait for the
    writer nor see a transaction that has not committed yet.
    """

    def __init__(self, path: Path | str) -> None:
        self.path = str(path)
        self._conn: aiosqlite.Connection | None = None
        self._reader: aiosqlite.Connection | None = None
        self._lock = asyncio.Lock()
        self._in_transaction = False

    async def open(self) -> None:
        """Connect, set pragmas and apply pending migrations."""
        if self.path != ":memory:" and not Path(self.path).parent.is_dir():
            raise DatabaseError(
                f"cannot open database {self.path}: the folder {Path(self.path).parent} is missing"
            )
        try:
            self._conn = await aiosqlite.connect(self.path, isolation_level=None)
        except Exception as exc:  # sqlite3 raises OperationalError with a short text
            # aiosqlite stops its worker thread asynchronously after a failed connect:
            # let it finish while the event loop is still running.
            await asyncio.sleep(0.05)
            raise DatabaseError(f"cannot open database {self.path}: {exc}") from exc
        self._conn.row_factory = aiosqlite.Row
        try:
            await self._configure()
        except sqlite3.DatabaseError as exc:  # "file is not a database", a locked file...
            await self.close()
            raise DatabaseError(
                f"cannot use database {self.path}: {exc} (name another file with "
                "PASSERELLE_DB, or move this one away)"
            ) from exc

    async def _configure(self) -> None:
        """Pragmas, migrations and the reading connection of an opened database."""
        assert self._conn is not None
        await self._conn.execute("PRAGMA foreign_keys = ON")
        await self._conn.execute("PRAGMA busy_timeout = 5000")
        # Deleted rows are overwritten with zeros, not left readable in free pages.
        await self._conn.execute("PRAGMA secure_delete = ON")
        if self.path != ":memory:":
            await self._conn.execute("PRAGMA journal_mode = WAL")
            await self._conn.execute("PRAGMA synchronous = NORMAL")
        await self._migrate()
        if self.path != ":memory:":
            self._reader = await aiosqlite.connect(self.path, isolation_level=None)
            self._reader.row_factory = aiosqlite.Row
            await self._reader.execute("PRAGMA busy_timeout = 5000")
            await self._reader.execute("PRAGMA query_only = ON")

    async def close(self) -> None:
        if self._reader is not None:
            await self._reader.close()
            self._reader = None
        if self._conn is not None:
            await self._conn.close()
            self._conn = None

    @property
    def conn(self) -> aiosqlite.Connection:
        if self._conn is None:
            raise DatabaseError("database is not open")
        return self._conn

    async def _migrate(self) -> None:
        async with self._lock:
            await self.conn.execute(
                "CREATE TABLE IF NOT EXISTS schema_version ("
                " version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)"
            )
            async with self.conn.execute("SELECT version FROM schema_version") as cur:
                applied = {row[0] for row in await cur.fetchall()}
            for migration in MIGRATIONS:
                if migration.version in applied:
                    continue
                await self.conn.execute("BEGIN IMMEDIATE")
                try:
                    for statement in migration.statements:
                        await self.conn.execute(statement)
                    await self.conn.execute(
                        "INSERT INTO schema_version (version, name, applied_at) VALUES (?, ?, ?)",
                        (migration.version, migration.name, to_db_time(dt.datetime.now(dt.UTC))),
                    )
                    await self.conn.execute("COMMIT")
                except Exception as exc:
                    await self.conn.execute("ROLLBACK")
                    raise DatabaseError(
                        f"migration {migration.version} ({migration.name}) failed: {exc}"
                    ) from exc
                log.info("applied migration %s (%s)", migration.version, migration.name)

    async def checkpoint(self) -> None:
        """Copy the write-ahead log into the database and empty it: after an erasure, the
        erased values must not stay readable in the ``-wal`` file until shutdown."""
        if self.path == ":memory:":
            return
        async with self._lock:
            await self.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")

    async def schema_version(self) -> int:
        value = await self.value("SELECT COALESCE(MAX(version), 0) FROM schema_version")
        return int(value)

    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[Transaction]:
        """All writes of one business step, committed together or not at all."""
        async with self._lock:
            await self.conn.execute("BEGIN IMMEDIATE")
            self._in_transaction = True
            try:
                yield Transaction(self.conn)
            except BaseException:
                await self.conn.execute("ROLLBACK")
                raise
            else:
                await self.conn.execute("COMMIT")
            finally:
                self._in_transaction = False

    async def execute(self, sql: str, params: Params = ()) -> int:
        """One write in its own transaction; returns the number of rows changed."""
        async with self.transaction() as tx:
            return await tx.execute(sql, params)

    async def one(self, sql: str, params: Params = ()) -> aiosqlite.Row | None:
        rows = await self.all(sql, params)
        return rows[0] if rows else None

    async def all(self, sql: str, params: Params = ()) -> list[aiosqlite.Row]:
        """A read of committed data (one trip to the database thread)."""
        if self._reader is not None:
            return list(await self._reader.execute_fetchall(sql, params))
        async with self._lock:  # in-memory database: one connection for everything
            return list(await self.conn.execute_fetchall(sql, params))

    async def value(self, sql: str, params: Params = ()) -> Any:
        row = await self.one(sql, params)
        return None if row is None else row[0]


class Transaction:
    """Statements inside :meth:`Database.transaction` (the lock is already held)."""

    def __init__(self, conn: aiosqlite.Connection) -> None:
        self._conn = conn

    async def execute(self, sql: str, params: Params = ()) -> int:
        async with self._conn.execute(sql, params) as cur:
            return cur.rowcount

    async def insert(self, sql: str, params: Params = ()) -> int:
        """Run an INSERT and return the new row id."""
        async with self._conn.execute(sql, params) as cur:
            return int(cur.lastrowid or 0)

    async def executemany(self, sql: str, rows: Iterable[Params]) -> None:
        await self._conn.executemany(sql, rows)

    async def one(self, sql: str, params: Params = ()) -> aiosqlite.Row | None:
        async with self._conn.execute(sql, params) as cur:
            return await cur.fetchone()

    async def all(self, sql: str, params: Params = ()) -> list[aiosqlite.Row]:
        async with self._conn.execute(sql, params) as cur:
            return list(await cur.fetchall())

    async def value(self, sql: str, params: Params = ()) -> Any:
        row = await self.one(sql, params)
        return None if row is None else row[0]
