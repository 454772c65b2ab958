"""People: a person known by a pseudonym, their privacy and erasure, their quartier."""

from __future__ import annotations

from bot.people.addressing import Compose, write_to
from bot.people.pace import Pace, Wait, relay_held, slow_down
from bot.people.privacy import Pseudonymiser
from bot.people.screen import Screen, exit_button
from bot.people.service import People, Person

__all__ = [
    "Compose",
    "Pace",
    "People",
    "Person",
    "Pseudonymiser",
    "Screen",
    "Wait",
    "exit_button",
    "relay_held",
    "slow_down",
    "write_to",
]
