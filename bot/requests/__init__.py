"""The requests domain."""

from __future__ import annotations

from bot.requests.asking import Requests
from bot.requests.request_steps import (
    AVAILABILITY,
    FLOW,
    MAX_DESCRIPTION,
    MESSAGE_FLOW,
    PROFILE_LABELS,
    SIGNUP_FLOW,
    SOURCES,
    Step,
    normalise_phone,
    subject_label,
)

__all__ = [
    "AVAILABILITY",
    "FLOW",
    "MAX_DESCRIPTION",
    "MESSAGE_FLOW",
    "PROFILE_LABELS",
    "SIGNUP_FLOW",
    "SOURCES",
    "Requests",
    "Step",
    "normalise_phone",
    "subject_label",
]
