"""A sign-up's steps: what each kind of event asks, with its limits, and the summary shown
before sending."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from bot import conversations
from bot.i18n import N_, Translator
from bot.storage import EventRecord
from bot.storage import attendance as attendance_store
from bot.territory import DEFAULT_CATEGORIES, UNIT_METRES
from bot.territory import kinds as event_kinds
from bot.ui import Reply

if TYPE_CHECKING:
    pass


FLOW = conversations.SIGNUP


MAX_NAME = 60

MAX_TEAM = 40

STANDS = (1, 4)

METRES = (1, 20)

METRE_BUTTONS = (2, 4, 6, 8)

PLAYERS = (3, 20)

PLAYER_BUTTONS = (5, 6, 7, 8, 11)

PEOPLE = (1, 6)

AS_CHOICES: dict[str, str] = {
    "individual": N_("🙋 Un particulier"),
    "professional": N_("🏪 Un·e professionnel·le"),
    "association": N_("🤝 Une association"),
}

MAX_ADDRESS = 150
"""An exhibitor's address, for the register a braderie's organiser must keep."""

CONTACTS = ("telegram", "phone")

TEXT_STEPS = ("name", "team_name", "phone", "address")

CONSENT_PURPOSE = "event_phone"

_DEFAULT_ASKS = ("name", "people")

_NUMBER = re.compile(r"^\d{1,3}$")


@dataclass(frozen=True)
class SignUpStep:
    """What a step produced: the messages to show."""

    replies: tuple[Reply, ...]
    confirmed: int | None = None
    """The event a registration was just made for (its reminders are to be scheduled)."""


def _asks(event: EventRecord) -> tuple[str, ...]:
    found = event_kinds.kind(event.kind)
    return found.asks if found is not None else _DEFAULT_ASKS


def _unit(event: EventRecord) -> str:
    return event_kinds.unit_of(event.kind, event.unit)


def _categories(event: EventRecord) -> tuple[str, ...]:
    return event.categories or DEFAULT_CATEGORIES


def category_label(tr: Translator, category: str) -> str:
    """A default category is interface text (``Adultes``); an organiser's is shown as given."""
    return tr._(category) if category in DEFAULT_CATEGORIES else category


def _number_range(step: str, event: EventRecord) -> tuple[int, int]:
    if step == "size":
        return METRES if _unit(event) == UNIT_METRES else STANDS
    if step == "players":
        return PLAYERS
    return PEOPLE


def list_name(details: dict[str, Any]) -> str:
    """The name the person gave for the list (a team's name for a tournament)."""
    value = details.get("name") or details.get("team") or ""
    return str(value)


def particulars(tr: Translator, details: dict[str, Any]) -> str:
    """What the staff need beyond the name and the places: association, category, players."""
    parts = []
    if details.get("as") == "association":
        parts.append(tr._("association"))
    elif details.get("as") == "individual":
        parts.append(tr._("particulier"))
    elif details.get("as") == "professional":
        parts.append(tr._("professionnel·le"))
    if details.get("category"):
        parts.append(category_label(tr, str(details["category"])))
    players = details.get("players")
    if isinstance(players, int):
        parts.append(tr.n_("{n} joueur", "{n} joueurs", players).format(n=players))
    return ", ".join(parts)


def contact(tr: Translator, details: dict[str, Any]) -> str:
    """How to reach a team: through Telegram, or the phone number given with consent."""
    if details.get("contact") == "phone" and details.get("phone"):
        return str(details["phone"])
    if details.get("contact") == "telegram":
        return tr._("par Telegram")
    return ""


def summary(tr: Translator, event: EventRecord, held: attendance_store.Attendee | None) -> str:
    """One's registration in a few words: ``2 personnes``, ``équipe Les Lions, U15``."""
    places, details = (held.places, held.details) if held is not None else (1, {})
    if event.kind == event_kinds.TOURNAMENT and details.get("team"):
        text = tr._("équipe {team}").format(team=details["team"])
        if details.get("category"):
            text += ", " + category_label(tr, str(details["category"]))
        return text
    return event_kinds.amount(tr, _unit(event), places)
