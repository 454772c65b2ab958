"""People: a person known by a pseudonym, their privacy and erasure, their quartier."""

from __future__ import annotations

from bot.people.addressing import Compose, write_to
from bot.people.privacy import Pseudonymiser
from bot.people.service import People, Person

__all__ = [
    "Compose",
    "People",
    "Person",
    "Pseudonymiser",
    "write_to",
]
