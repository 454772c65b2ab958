"""Events: listing and notices, sign-ups, publishing and editing, pack sync, attendance,
reminders."""

from __future__ import annotations

from bot.events.attendance import Attendance
from bot.events.dates import DateProblem, parse_moment
from bot.events.edit_notices import UNDO_MINUTES, EventChanges
from bot.events.event_form import PublishingStep
from bot.events.listing import Events, promotion_notices
from bot.events.pack_sync import PackSync
from bot.events.publishing import EventAdmin
from bot.events.reminders import Reminders
from bot.events.signup_steps import SignUpStep
from bot.events.threads import Passed, RegistrationThreads, ThreadCard

__all__ = [
    "UNDO_MINUTES",
    "Attendance",
    "DateProblem",
    "EventAdmin",
    "EventChanges",
    "Events",
    "PackSync",
    "Passed",
    "PublishingStep",
    "RegistrationThreads",
    "Reminders",
    "SignUpStep",
    "ThreadCard",
    "parse_moment",
    "promotion_notices",
]
