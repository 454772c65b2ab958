"""The permanences domain."""

from __future__ import annotations

from bot.permanences.schedule import (
    WINDOW,
    Occurrence,
    exists,
    occurrences,
    upcoming,
)

__all__ = ["WINDOW", "Occurrence", "exists", "occurrences", "upcoming"]
