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
    if details.get("guardian"):
        parts.append(guardian_words(tr, details))
    return ", ".join(parts)


_MINOR = re.compile(
    r"(?i)^\s*u\s?-?(\d{1,2})\b|moins de 1[0-8]|mineur|junior|cadet|minime|"
    r"benjamin|poussin|enfant"
)


def minors(category: str | None) -> bool:
    """Whether an age category holds players under 18 (U11 … U18, "cadets", "moins de 16")."""
    if not category:
        return False
    found = _MINOR.search(category)
    if found is None:
        return False
    return found.group(1) is None or int(found.group(1)) <= 18


def guardian_words(tr: Translator, details: dict[str, Any]) -> str:
    """A team of minors' authorisation, as the attendee list shows it."""
    if details.get("guardian") == "phone":
        return tr._("accord d'un parent : {phone}").format(phone=details.get("guardian_phone", ""))
    if details.get("guardian") == "form":
        return tr._("autorisation parentale à apporter")
    return ""


def guardian_question(tr: Translator, mode: str, example: str) -> str:
    """The step a team of minors goes through, as the pack chose it."""
    if mode == "phone":
        return tr._("Des joueurs ou joueuses ont moins de 18 ans : l'équipe d'organisation "
                    "appellera un parent pour son accord. Son numéro de téléphone (par exemple "
                    "{example}) ? Il ne sert qu'à cela et est effacé après le tournoi.").format(
            example=example)  # fmt: skip
    return tr._("Des joueurs ou joueuses ont moins de 18 ans : chacun·e apporte, le jour du "
                "tournoi, une autorisation parentale signée. L'équipe d'organisation dira où "
                "trouver le formulaire.")  # fmt: skip


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


def button_value(step: str, value: str, event: EventRecord, minors_consent: str) -> Any:
    """The answer a button stands for, or ``None`` if it is not one of this question's."""
    if step == "as":
        return value if value in AS_CHOICES else None
    if step == "contact":
        return value if value in CONTACTS else None
    if step == "guardian":
        return value if value == "form" == minors_consent else None
    if step == "confirm":
        return value if value == "yes" else None
    if not value.isdigit() or len(value) > 3:
        return None
    number = int(value)
    if step == "category":
        categories = _categories(event)
        return categories[number] if number < len(categories) else None
    if step in ("size", "players", "people"):
        low, high = _number_range(step, event)
        return number if low <= number <= high else None
    return None


def consent_words(tr: Translator) -> str:
    return tr._("Ce numéro ne sera vu que par l'équipe de médiation qui organise le "
                "tournoi, pour vous joindre à son sujet. Il est effacé si vous vous "
                "désinscrivez ou si vous effacez vos données (/oublier).")  # fmt: skip
