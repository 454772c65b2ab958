"""The kinds of neighbourhood events, and what signing up for each one asks.

A kind decides what an event's capacity counts and which questions a sign-up
asks before a place is taken:

============  ===========================  ==============================================
kind          capacity counts              a sign-up asks
============  ===========================  ==============================================
braderie      stands, or metres of stall   a name for the list, individual, professional
                                           or association, an address (the exhibitors'
                                           register), how many stands (or metres)
tournament    teams                        team name, number of players, age category,
                                           a parent's authorisation (under 18), a contact
workshop      people                       a name for the list, number of people
cinema        people                       a name for the list, number of people
meeting       people                       a name for the list, number of people
============  ===========================  ==============================================

Labels are interface text (gettext); the kinds themselves are fixed in code so that
subscriptions, buttons and the database share one vocabulary.
"""

from __future__ import annotations

from dataclasses import dataclass

from bot.i18n import N_, Translator

BRADERIE = "braderie"
TOURNAMENT = "tournament"
WORKSHOP = "workshop"
CINEMA = "cinema"
MEETING = "meeting"

UNIT_STANDS = "stands"
UNIT_METRES = "metres"
UNIT_TEAMS = "teams"
UNIT_PEOPLE = "people"

PERMANENCE_TOPIC = "permanence"
"""The subscription topic for permanence changes (a date cancelled or added)."""


@dataclass(frozen=True)
class Kind:
    id: str
    label: str
    """French source text, translated with ``tr._``."""
    emoji: str
    units: tuple[str, ...]
    """What the capacity may count; the first is the default."""
    asks: tuple[str, ...]
    """The sign-up's questions, in order (see :mod:`bot.events.signup`)."""


KINDS: tuple[Kind, ...] = (
    Kind(BRADERIE, N_("Braderie solidaire"), "🛍", (UNIT_STANDS, UNIT_METRES),
         ("name", "as", "address", "size")),
    Kind(TOURNAMENT, N_("Tournoi sportif"), "⚽", (UNIT_TEAMS,),
         ("team_name", "players", "category", "guardian", "contact")),
    Kind(WORKSHOP, N_("Atelier de prévention"), "🧩", (UNIT_PEOPLE,), ("name", "people")),
    Kind(CINEMA, N_("Cinéma plein air"), "🎬", (UNIT_PEOPLE,), ("name", "people")),
    Kind(MEETING, N_("Réunion avec les habitants"), "🗣", (UNIT_PEOPLE,), ("name", "people")),
)  # fmt: skip
KIND_IDS: tuple[str, ...] = tuple(k.id for k in KINDS)

UNIT_LABELS: dict[str, str] = {
    UNIT_STANDS: N_("Des stands"),
    UNIT_METRES: N_("Des mètres linéaires"),
}

CAPACITY_QUESTIONS: dict[str, str] = {
    UNIT_STANDS: N_("Combien de stands au plus ?"),
    UNIT_METRES: N_("Combien de mètres de stands au plus ?"),
    UNIT_TEAMS: N_("Combien d'équipes au plus ?"),
    UNIT_PEOPLE: N_("Combien de personnes au plus ?"),
}
"""How the form of an event names each unit, and asks how many."""

DEFAULT_CATEGORIES: tuple[str, ...] = ("U11", "U13", "U15", "U18", N_("Adultes"))
"""A tournament's age categories when its organiser gives none."""


def kind(kind_id: str) -> Kind | None:
    return next((k for k in KINDS if k.id == kind_id), None)


def label(tr: Translator, kind_id: str) -> str:
    """The kind's name in the reader's language (the id itself for an unknown kind)."""
    found = kind(kind_id)
    return f"{found.emoji} {tr._(found.label)}" if found else kind_id


def unit_of(kind_id: str, unit: str | None) -> str:
    """What an event's capacity counts: its own unit if the kind allows it, else the default."""
    found = kind(kind_id)
    if found is None:
        return UNIT_PEOPLE
    return unit if unit in found.units else found.units[0]


def amount(tr: Translator, unit: str, n: int) -> str:
    """``3 stands``, ``12 mètres``, ``1 équipe``, ``4 personnes``, in the reader's language."""
    if unit == UNIT_STANDS:
        return tr.n_("{n} stand", "{n} stands", n).format(n=n)
    if unit == UNIT_METRES:
        return tr.n_("{n} mètre", "{n} mètres", n).format(n=n)
    if unit == UNIT_TEAMS:
        return tr.n_("{n} équipe", "{n} équipes", n).format(n=n)
    return tr.n_("{n} personne", "{n} personnes", n).format(n=n)


def left(tr: Translator, unit: str, n: int) -> str:
    """What is still free, in the event's own unit: ``3 stands libres``, ``2 équipes
    peuvent encore s'inscrire``, ``12 places libres``."""
    if unit == UNIT_STANDS:
        return tr.n_("{n} stand libre", "{n} stands libres", n).format(n=n)
    if unit == UNIT_METRES:
        return tr.n_("{n} mètre de stand libre", "{n} mètres de stand libres", n).format(n=n)
    if unit == UNIT_TEAMS:
        return tr.n_("{n} équipe peut encore s'inscrire", "{n} équipes peuvent encore s'inscrire",
                     n).format(n=n)  # fmt: skip
    return tr.n_("{n} place libre", "{n} places libres", n).format(n=n)
