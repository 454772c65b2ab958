"""Guided conversations: the one a person is in (a callback request, a message to a request,
a sign-up, an event being published), kept in the database so that a restart or an
afternoon away finds it where it was, and over after a while without activity.

One person has at most one conversation at a time; each flow names its own and reads
only its own. How long an untouched conversation lasts is decided here, for every flow.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from bot.clock import Clock
from bot.storage import ConversationRecord, Database
from bot.storage import conversations as store

__all__ = [
    "ANNOUNCE",
    "EVENT_ADMIN",
    "EVENT_REPLY",
    "IDLE",
    "MESSAGE",
    "PERMANENCE_ADMIN",
    "REQUEST",
    "SIGNUP",
    "ConversationRecord",
    "Conversations",
]

REQUEST = "request"
"""Asking to be called back (``bot.requests``)."""
MESSAGE = "message"
"""Writing to the team about a request already sent (``bot.requests``)."""
SIGNUP = "signup"
"""A sign-up's questions (``bot.events``)."""
EVENT_ADMIN = "event_admin"
"""A coordinator publishing or editing an event (``bot.events``)."""
PERMANENCE_ADMIN = "permanence_admin"
"""A coordinator creating, editing or ending a permanence (``bot.permanences``)."""
EVENT_REPLY = "event_reply"
"""A registered person answering the staff who wrote to their registration (``bot.events``)."""
ANNOUNCE = "announce"
"""A coordinator writing an announcement, or to those registered (``bot.broadcasts``)."""

IDLE: dict[str, dt.timedelta] = {
    REQUEST: dt.timedelta(hours=24),
    MESSAGE: dt.timedelta(hours=24),
    SIGNUP: dt.timedelta(hours=24),
    EVENT_ADMIN: dt.timedelta(days=3),
    PERMANENCE_ADMIN: dt.timedelta(days=3),
    ANNOUNCE: dt.timedelta(days=1),
    EVENT_REPLY: dt.timedelta(hours=24),
}
"""The idle rule: a conversation untouched this long is over. A coordinator's draft lasts
longer: an event is often written over several days."""


class Conversations:
    """Read, save and end the conversation a person is in."""

    def __init__(self, db: Database, clock: Clock) -> None:
        self._db = db
        self._clock = clock

    async def any(self, pseudonym: str) -> ConversationRecord | None:
        """The person's conversation, whatever its flow and age."""
        return await store.get_conversation(self._db, pseudonym)

    async def of(self, pseudonym: str, flow: str) -> ConversationRecord | None:
        """The person's conversation of ``flow``, idle or not."""
        current = await store.get_conversation(self._db, pseudonym)
        return current if current is not None and current.flow == flow else None

    async def current(self, pseudonym: str, flow: str) -> ConversationRecord | None:
        """The person's conversation of ``flow`` still in progress; an idle one is ended."""
        current = await self.of(pseudonym, flow)
        if current is not None and self.expired(current):
            await self.clear(pseudonym)
            return None
        return current

    def expired(self, conversation: ConversationRecord) -> bool:
        idle = IDLE.get(conversation.flow, IDLE[REQUEST])  # a flow of an older version
        return self._clock.now() - conversation.updated_at > idle

    async def save(self, pseudonym: str, flow: str, step: str, data: dict[str, Any]) -> None:
        await store.save_conversation(self._db, pseudonym, flow, step, data, self._clock.now())

    async def clear(self, pseudonym: str) -> None:
        await store.clear_conversation(self._db, pseudonym)
