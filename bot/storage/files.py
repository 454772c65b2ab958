"""The database file as an operator sees it: inspected read-only, and copied for backups.

Plain ``sqlite3`` (the command line runs these, not the bot's event loop); the file is
never migrated nor written here, except the backup's own copy.
"""

from __future__ import annotations

import os
import sqlite3
import stat
from contextlib import closing
from dataclasses import dataclass
from pathlib import Path

from bot.storage.migrations import MIGRATIONS

LATEST = max(m.version for m in MIGRATIONS)


@dataclass(frozen=True)
class FileReport:
    integrity: str
    """``ok``, or SQLite's first complaint."""
    version: int
    """Migrations applied (``LATEST`` is what this code expects)."""
    unhandled: int
    """Updates in the inbox not handled yet."""
    team_topics: dict[str, tuple[int, int | None]]
    """Team id → (chat id, topic id) where its cards go."""
    readable_by_others: bool


def _read_only(path: Path) -> sqlite3.Connection:
    return sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True, timeout=5)


def _tables(conn: sqlite3.Connection) -> set[str]:
    return {row[0] for row in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}


def inspect(path: Path) -> FileReport:
    """Integrity, schema version and what is waiting, without changing the file.

    Raises ``sqlite3.DatabaseError`` for a file that is not a database."""
    with closing(_read_only(path)) as conn:
        integrity = str(conn.execute("PRAGMA integrity_check").fetchone()[0])
        tables = _tables(conn)
        version = 0
        if "schema_version" in tables:
            version = int(conn.execute("SELECT COALESCE(MAX(version), 0) FROM schema_version")
                          .fetchone()[0])  # fmt: skip
        unhandled = 0
        if "inbox" in tables:
            unhandled = int(conn.execute("SELECT COUNT(*) FROM inbox WHERE payload IS NOT NULL")
                            .fetchone()[0])  # fmt: skip
        topics: dict[str, tuple[int, int | None]] = {}
        if "team_topic" in tables:
            for team, chat_id, thread_id in conn.execute(
                "SELECT team, chat_id, thread_id FROM team_topic"
            ):
                topics[str(team)] = (int(chat_id), thread_id)
    mode = path.stat().st_mode
    return FileReport(integrity, version, unhandled, topics, bool(mode & stat.S_IROTH))


@dataclass(frozen=True)
class Backup:
    path: Path
    size: int
    version: int
    counts: dict[str, int]
    """Rows of the main tables in the copy, to say what it holds."""


class BackupError(Exception):
    pass


COUNTED = ("person", "request", "event", "registration", "staff")


def backup(source: Path, target: Path) -> Backup:
    """A consistent copy of a database in use (SQLite's online backup), written next to
    ``target`` and renamed into place once checked: integrity ok, same schema version.

    The bot may keep writing meanwhile: the copy is made in one pass inside one read
    transaction (the write-ahead log lets writers go on), so it is the database as it was
    at one moment. The copy holds personal data: it is readable by its owner only."""
    if not source.exists():
        raise BackupError(f"no database at {source}")
    target = target.resolve()
    if target == source.resolve():
        raise BackupError("the backup must be another file than the database")
    partial = target.with_name(f".{target.name}.partial")
    partial.unlink(missing_ok=True)
    fd = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    os.close(fd)
    try:
        with closing(_read_only(source)) as src, closing(sqlite3.connect(partial)) as dst:
            src.backup(dst)  # every page in one step: one snapshot, always finishing
            dst.execute("PRAGMA journal_mode = DELETE")  # one self-contained file
        with closing(_read_only(partial)) as copy, closing(_read_only(source)) as src:
            integrity = str(copy.execute("PRAGMA integrity_check").fetchone()[0])
            if integrity != "ok":
                raise BackupError(f"the copy failed its integrity check: {integrity}")
            version = int(copy.execute("SELECT COALESCE(MAX(version), 0) FROM schema_version")
                          .fetchone()[0])  # fmt: skip
            source_version = int(src.execute(
                "SELECT COALESCE(MAX(version), 0) FROM schema_version").fetchone()[0])  # fmt: skip
            if version != source_version:
                raise BackupError(f"the copy has schema {version}, the database {source_version}")
            tables = _tables(copy)
            counts = {
                name: int(copy.execute(f"SELECT COUNT(*) FROM {name}").fetchone()[0])  # noqa: S608
                for name in COUNTED
                if name in tables
            }
        os.replace(partial, target)
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    return Backup(target, target.stat().st_size, version, counts)
