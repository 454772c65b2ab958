"""Announcements: resumable deliveries to many people, and who subscribed to what."""

from __future__ import annotations

from bot.broadcasts.delivery import Broadcasts, Compose, Where
from bot.broadcasts.subscriptions import Subscriptions

__all__ = [
    "Broadcasts",
    "Compose",
    "Subscriptions",
    "Where",
]
