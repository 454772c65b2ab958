"""Permanences: the schedule and its changes from Telegram."""

from __future__ import annotations

from bot.permanences.change_notes import Outcome, button_target, refusal
from bot.permanences.changes import PermanenceChanges
from bot.permanences.schedule import WINDOW, exists, upcoming

__all__ = [
    "WINDOW",
    "Outcome",
    "PermanenceChanges",
    "button_target",
    "exists",
    "refusal",
    "upcoming",
]
