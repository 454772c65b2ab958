"""Permanences: the schedule and its changes from Telegram."""

from __future__ import annotations

from bot.permanences.admin import PermanenceAdmin, permanence_in_private, permanence_refusal
from bot.permanences.change_notes import Outcome, button_target, refusal
from bot.permanences.changes import PermanenceChanges
from bot.permanences.listing import LOOKAHEAD, WINDOW, upcoming
from bot.permanences.schedule import exists

__all__ = [
    "LOOKAHEAD",
    "WINDOW",
    "Outcome",
    "PermanenceAdmin",
    "PermanenceChanges",
    "button_target",
    "exists",
    "permanence_in_private",
    "permanence_refusal",
    "refusal",
    "upcoming",
]
