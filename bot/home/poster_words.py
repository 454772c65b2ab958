"""What a poster says, in its language: the words of an event's, a permanence's and the
callback request's poster.

Posters speak to the young people and residents passing by, so their French is in the
"tu" register whatever the pack's (``"Scanne pour t'inscrire"``). Dates and hours are
the territory's; a permanence's days are said from its rule when it is a simple one
("Chaque mardi", "Un mercredi sur deux", "Le premier mercredi du mois"), and left to the
link otherwise: a poster never guesses a date.
"""

from __future__ import annotations

import datetime as dt

from babel.lists import format_list

from bot.home.poster_drawing import PosterText
from bot.i18n import N_, Translator
from bot.storage import EventRecord
from bot.territory import Pack, Permanence

_WEEKDAYS = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")
_RANKS: dict[str, str] = {
    "1": N_("premier"),
    "2": N_("deuxième"),
    "3": N_("troisième"),
    "4": N_("quatrième"),
    "-1": N_("dernier"),
}


def _capital(text: str) -> str:
    return text[:1].upper() + text[1:]


def _weekday(tr: Translator, code: str) -> str:
    return str(tr.locale.days["format"]["wide"][_WEEKDAYS.index(code)])


def recurrence(tr: Translator, rule: str) -> str | None:
    """A simple RFC 5545 rule in words ("Chaque mardi et jeudi"), ``None`` otherwise."""
    try:
        parts = dict(part.split("=", 1) for part in rule.upper().split(";") if part)
    except ValueError:
        return None
    days = parts.get("BYDAY", "").split(",")
    if set(parts) - {"FREQ", "BYDAY", "INTERVAL", "WKST"} or not days[0]:
        return None
    interval = parts.get("INTERVAL", "1")
    if parts.get("FREQ") == "WEEKLY" and all(d in _WEEKDAYS for d in days):
        names = [_weekday(tr, d) for d in sorted(days, key=_WEEKDAYS.index)]
        if interval == "1":
            return tr._("Chaque {days}").format(days=format_list(names, locale=tr.locale))
        if interval == "2" and len(names) == 1:
            return tr._("Un {day} sur deux").format(day=names[0])
        return None
    if parts.get("FREQ") == "MONTHLY" and interval == "1" and len(days) == 1:
        rank, day = days[0][:-2], days[0][-2:]
        if rank in _RANKS and day in _WEEKDAYS:
            return tr._("Le {rank} {day} du mois").format(
                rank=tr._(_RANKS[rank]), day=_weekday(tr, day)
            )
    return None


def _together(text: str) -> str:
    """Non-breaking spaces: "14 h – 17 h" is never cut across two lines."""
    return text.replace(" ", "\u00a0")


def _when(tr: Translator, starts: dt.datetime, ends: dt.datetime | None) -> str:
    if ends is not None and tr.local(ends).date() == tr.local(starts).date():
        return _capital(f"{tr.day(starts)}, {_together(tr.hours(starts, ends))}")
    return _capital(f"{tr.day(starts)}, {_together(tr.hour(starts))}")


Words = tuple[str, str, tuple[str, ...]]
"""(kicker, title, details): what a poster is, its title, when and where."""


def event_words(tr: Translator, event: EventRecord) -> Words:
    """(kicker, title, details) of an event's poster."""
    return (
        tr._("Événement"),
        event.title(tr.language),
        (_when(tr, event.starts_at, event.ends_at), event.place),
    )


def permanence_words(pack: Pack, tr: Translator, permanence: Permanence) -> Words:
    """(kicker, title, details) of a permanence's poster: its days and hours, its place."""
    hours = _together(tr.hours(permanence.opens, permanence.closes))
    days = recurrence(tr, permanence.rrule) if permanence.rrule else ""
    when = f"{days}, {hours}" if days else hours
    place = permanence.place.get(tr.language)
    quartier = pack.quartier(permanence.quartier) if permanence.quartier else None
    if quartier is not None and quartier.name not in place:
        place = f"{place} ({quartier.name})"
    return (tr._("Permanence"), permanence.title.get(tr.language), (when, place))


def callback_words(tr: Translator) -> Words:
    """(kicker, title, details) of the callback request's poster."""
    return (
        tr._("Médiation"),
        tr._("Besoin d'en parler à quelqu'un ?"),
        (tr._("Un·e médiateur·rice de l'équipe te recontacte, par message ou par téléphone."),),
    )


CALLS: dict[str, str] = {
    "r": N_("Scanne pour être rappelé·e"),
    "e": N_("Scanne pour t'inscrire"),
    "p": N_("Scanne pour voir les prochaines dates"),
}
"""The call to action of each kind of poster."""


def poster_text(
    pack: Pack,
    tr: Translator,
    kind: str,
    words: Words,
    url: str,
    number: int,
) -> PosterText:
    """Every word of poster ``number`` (plain text), in ``tr``'s language."""
    kicker, title, details = words
    return PosterText(
        service=pack.territory.service.get(tr.language),
        kicker=kicker,
        title=title,
        details=details,
        call=tr._(CALLS[kind]),
        link=url.removeprefix("https://"),
        footer=tr._("Affiche n° {number}").format(number=number),
    )
