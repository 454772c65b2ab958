"""The broadcasts domain."""

from __future__ import annotations

from bot.broadcasts.delivery import (
    CAPTION_LIMIT,
    Broadcasts,
    Compose,
    Message,
    Progress,
    Where,
)

__all__ = ["CAPTION_LIMIT", "Broadcasts", "Compose", "Message", "Progress", "Where"]
