"""The events domain."""

from __future__ import annotations

from bot.events.listing import (
    Events,
    Notice,
    promotion_notices,
)

__all__ = ["Events", "Notice", "promotion_notices"]
