"""The staff: who they are, one rule for who may do what, and the bilan."""

from __future__ import annotations

from bot.staff.access import (
    COORDINATOR,
    MEDIATOR,
    ROLES,
    coordinates,
    coordinators_only,
    event_in_private,
    event_refusal,
    may_act_for,
    may_handle,
    staff_group_only_reply,
    staff_only,
    staff_only_reply,
    teams_seen,
)
from bot.staff.reports import write_report
from bot.staff.staffing import Staffing

__all__ = [
    "COORDINATOR",
    "MEDIATOR",
    "ROLES",
    "Staffing",
    "coordinates",
    "coordinators_only",
    "event_in_private",
    "event_refusal",
    "may_act_for",
    "may_handle",
    "staff_group_only_reply",
    "staff_only",
    "staff_only_reply",
    "teams_seen",
    "write_report",
]
