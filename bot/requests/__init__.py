"""Callback requests: asking for a human, the staff queue, the relay and notes, escalation."""

from __future__ import annotations

from bot.requests.asking import Requests, closed_notice
from bot.requests.escalation import Escalation
from bot.requests.queue import OUTCOMES, Acted, Queue, age
from bot.requests.relay import Relay, Relays
from bot.requests.request_steps import (
    FLOW,
    MESSAGE_FLOW,
    RequestStep,
    normalise_phone,
    subject_label,
)

__all__ = [
    "FLOW",
    "MESSAGE_FLOW",
    "OUTCOMES",
    "Acted",
    "Escalation",
    "Queue",
    "Relay",
    "Relays",
    "RequestStep",
    "Requests",
    "age",
    "closed_notice",
    "normalise_phone",
    "subject_label",
]
