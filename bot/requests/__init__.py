"""Callback requests: asking for a human, the staff queue, the relay and notes, escalation,
pauses."""

from __future__ import annotations

from bot.requests.asking import Requests, closed_notice
from bot.requests.canned import CannedReplies
from bot.requests.escalation import Escalation
from bot.requests.pauses import Pauses, PauseStep
from bot.requests.queue import OUTCOMES, Acted, Queue
from bot.requests.relay import Relay, Relays
from bot.requests.request_steps import (
    FLOW,
    MESSAGE_FLOW,
    RequestStep,
    normalise_phone,
    subject_label,
)
from bot.requests.timing import age, due, overdue
from bot.storage import PauseRecord

__all__ = [
    "FLOW",
    "MESSAGE_FLOW",
    "OUTCOMES",
    "Acted",
    "CannedReplies",
    "Escalation",
    "PauseRecord",
    "PauseStep",
    "Pauses",
    "Queue",
    "Relay",
    "Relays",
    "RequestStep",
    "Requests",
    "age",
    "closed_notice",
    "due",
    "normalise_phone",
    "overdue",
    "subject_label",
]
