"""Announcements: resumable deliveries to many people, and who subscribed to what."""

from __future__ import annotations

from bot.broadcasts.announce_words import (
    AnnounceStep,
    Preview,
    announce_in_private,
    continue_privately,
    refusal,
    write_first,
)
from bot.broadcasts.announcing import Announcements
from bot.broadcasts.delivery import Broadcasts, Compose, Where
from bot.broadcasts.subscriptions import Subscriptions

__all__ = [
    "AnnounceStep",
    "Announcements",
    "Broadcasts",
    "Compose",
    "Preview",
    "Subscriptions",
    "Where",
    "announce_in_private",
    "continue_privately",
    "refusal",
    "write_first",
]
