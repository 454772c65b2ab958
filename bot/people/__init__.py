"""The people domain."""

from __future__ import annotations

from bot.people.service import (
    People,
    Person,
)

__all__ = ["People", "Person"]
