"""Versioned schema migrations, applied once each, in order, in a transaction.

Never edit a migration that has shipped: add the next one.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Migration:
    version: int
    name: str
    statements: tuple[str, ...]


MIGRATIONS: tuple[Migration, ...] = (
    Migration(
        1,
        "people",
        (
            # A person is known only by a keyed pseudonym of their Telegram id.
            """CREATE TABLE person (
                pseudonym    TEXT PRIMARY KEY,
                language     TEXT CHECK (language IN ('fr', 'en')),
                quartier     TEXT,
                residence    TEXT,
                created_at   TEXT NOT NULL,
                last_seen_at TEXT NOT NULL
            )""",
            "CREATE INDEX person_last_seen ON person (last_seen_at)",
            # The chat id needed to write back is the Telegram id itself in a private
            # chat: it lives apart, only when a feature needs it, and goes with erasure.
            """CREATE TABLE person_chat (
                pseudonym  TEXT PRIMARY KEY REFERENCES person (pseudonym) ON DELETE CASCADE,
                chat_id    INTEGER NOT NULL,
                blocked_at TEXT
            )""",
            """CREATE TABLE consent (
                pseudonym  TEXT NOT NULL REFERENCES person (pseudonym) ON DELETE CASCADE,
                purpose    TEXT NOT NULL,
                granted    INTEGER NOT NULL CHECK (granted IN (0, 1)),
                decided_at TEXT NOT NULL,
                PRIMARY KEY (pseudonym, purpose)
            )""",
        ),
    ),
)
