"""The staff: their work in the group, who may do what, and the bilan."""

from __future__ import annotations

from bot.staff.access import event_in_private, event_refusal
from bot.staff.reports import write_report
from bot.staff.staffing import Staffing

__all__ = [
    "Staffing",
    "event_in_private",
    "event_refusal",
    "write_report",
]
