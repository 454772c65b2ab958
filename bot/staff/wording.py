"""The bilan's words: what each figure is called in the reader's language, small counts
masked, delays as a coordinator says them."""

from __future__ import annotations

from collections.abc import Iterable

from babel.numbers import format_decimal

from bot.i18n import N_, Translator
from bot.staff.figures import Delays
from bot.storage import posters as poster_store
from bot.storage import reports as storage
from bot.storage import usage as usage_store
from bot.territory import PROFILES, SUBJECTS_EXTRA, Pack

SMALL = 5
"""Counts from 1 to ``SMALL - 1`` are shown as ``< 5``: too few to publish without
risking that a reader recognises someone. Delays need as many requests."""
P90_FROM = 10
"""A "9 out of 10" is said only of ten requests or more."""

_CHANNELS: dict[str, str] = {
    "telegram": N_("Par message Telegram"),
    "phone": N_("Rappel par téléphone"),
}
_URGENCY: dict[str, str] = {
    storage.URGENT: N_("Urgente"),
    storage.NOT_URGENT: N_("Non urgente"),
}
# Closed requests have an outcome; the others are counted by their state.
_OUTCOMES: dict[str, str] = {
    "contacted": N_("Personne contactée"),
    "oriented": N_("Orientée vers un partenaire"),
    "no_answer": N_("Personne injoignable"),
    "not_needed": N_("Plus besoin"),
    "open": N_("En attente"),
    "claimed": N_("En cours"),
    "cancelled": N_("Annulée par la personne"),
    "closed": N_("Clôturée sans suite notée"),
}
_PROFILES: dict[str, str] = {
    "young": N_("Jeunes (moins de 26 ans)"),
    "resident": N_("Habitant·es"),
    "parent": N_("Parents"),
}
_RATINGS: dict[str, str] = {
    "good": N_("😊 Bien"),
    "neutral": N_("😐 Moyen"),
    "bad": N_("🙁 Pas bien"),
}
_SUBJECTS: dict[str, str] = {
    "conflit": N_("Conflit de voisinage"),
    "famille": N_("Famille / violences"),
    "autre": N_("Autre demande"),
}
TIERS: dict[str, str] = {
    "urgent": N_("Cartes de crise urgentes"),
    "concern": N_("Cartes de crise de vigilance"),
}
"""The two tiers of crisis cards: danger now, or a check that the person is safe."""
TIER_WORDS: dict[str, str] = {
    "urgent": N_("Urgentes (danger immédiat)"),
    "concern": N_("De vigilance (sécurité demandée)"),
}
"""The same, under the heading "Cartes de crise montrées"."""
GROUPS: dict[str, str] = {
    "team": N_("Par équipe"),
    "theme": N_("Par thème"),
    "quartier": N_("Par quartier"),
    "profile": N_("Par public"),
    "outcome": N_("Suites données"),
    "rating": N_("Avis des personnes"),
    "channel": N_("Par canal"),
    "urgent": N_("Par urgence"),
}
COLUMNS: dict[str, str] = {
    "team": N_("Équipe"),
    "theme": N_("Thème"),
    "quartier": N_("Quartier"),
    "profile": N_("Public"),
    "outcome": N_("Suite"),
    "rating": N_("Avis"),
    "channel": N_("Canal"),
    "urgent": N_("Urgence"),
}
"""What a dimension is called in a CSV column's name ("Thème : Santé")."""


def shown(n: int, tr: Translator) -> str:
    """A count as published: ``< 5`` from 1 to 4, else the number (``2 046``)."""
    if 0 < n < SMALL:
        return f"< {SMALL}"
    return format_decimal(n, locale=tr.locale)


def known_values(pack: Pack, dimension: str) -> tuple[str, ...]:
    """The values a dimension can take, in the order a reader expects them."""
    if dimension == "theme":
        return (*(t.id for t in pack.themes.themes), *SUBJECTS_EXTRA)
    if dimension == "team":
        return tuple(t.id for t in pack.teams.teams)
    if dimension == "quartier":
        return (*(q.id for q in pack.places.quartiers), storage.UNKNOWN_QUARTIER)
    if dimension == "profile":
        return (*PROFILES, storage.UNKNOWN_PROFILE)
    if dimension == "rating":
        return tuple(_RATINGS)
    if dimension == "channel":
        return tuple(_CHANNELS)
    if dimension == "urgent":
        return tuple(_URGENCY)
    if dimension == "outcome":
        # 'closed' without an outcome should not happen: shown only if it does.
        return tuple(o for o in _OUTCOMES if o != "closed")
    raise ValueError(f"unknown dimension {dimension!r}")


def values(pack: Pack, dimension: str, seen: Iterable[str]) -> list[str]:
    """Known values first, then any the pack no longer has (a team that was renamed)."""
    known = known_values(pack, dimension)
    return [*known, *sorted(set(seen) - set(known))]


def label(pack: Pack, tr: Translator, dimension: str, value: str) -> str:
    """What a reader calls ``value`` of ``dimension``, in ``tr``'s language (plain text)."""
    language = tr.language
    if dimension == "theme":
        theme = pack.theme(value)
        if theme is not None:
            return theme.name.get(language)
        return tr._(_SUBJECTS[value]) if value in _SUBJECTS else value
    if dimension == "team":
        team = next((t for t in pack.teams.teams if t.id == value), None)
        return team.name.get(language) if team is not None else value
    if dimension in ("quartier", "profile") and value == storage.UNKNOWN_QUARTIER:
        return tr._("Non précisé")
    if dimension == "quartier":
        quartier = pack.quartier(value)
        return quartier.name if quartier is not None else value
    names = {
        "channel": _CHANNELS, "urgent": _URGENCY, "outcome": _OUTCOMES, "profile": _PROFILES,
        "rating": _RATINGS,
    }.get(dimension, {})  # fmt: skip
    return tr._(names[value]) if value in names else value


def theme_label(pack: Pack, tr: Translator, key: str) -> str:
    """The theme of what the bot answered (``none``: an entry without a theme)."""
    if key == usage_store.NO_KEY:
        return tr._("Sans thème")
    return label(pack, tr, "theme", key)


def duration(minutes: float, tr: Translator) -> str:
    """``moins d'une minute``, ``45 min``, ``2 h 05``, ``3 jours``: a delay as a
    coordinator says it (whole days beyond two days: the hours are noise by then)."""
    whole = round(minutes)
    if minutes < 1:
        return tr._("moins d'une minute")
    if whole < 60:
        return tr._("{minutes} min").format(minutes=whole)
    hours, rest = divmod(whole, 60)
    if hours < 48:
        if rest == 0:
            return tr._("{hours} h").format(hours=hours)
        return tr._("{hours} h {minutes}").format(hours=hours, minutes=f"{rest:02d}")
    return tr._("{days} jours").format(days=round(minutes / (24 * 60)))


def median_words(delays: Delays, tr: Translator) -> str:
    """``médiane 2 h 10``; ``médiane d'au moins 2 h 10`` when requests still waiting
    could raise it; ``pas encore de données``; or, over 1 to 4 requests, no delay at all
    (a percentile of one request is that request's delay)."""
    if delays.count == 0 or delays.median is None:
        return tr._("pas encore de données")
    if delays.count < SMALL:
        return tr._("trop peu de demandes (moins de 5)")
    median = duration(delays.median, tr)
    if delays.median_exact:
        return tr._("médiane {median}").format(median=median)
    return tr._("médiane d'au moins {median}").format(median=median)


def poster_label(
    pack: Pack, tr: Translator, key: str, record: poster_store.PosterRecord | None
) -> str:
    """What a poster is called in the bilan: its number, its kind and its title
    ("Affiche n° 7 — événement « Braderie solidaire »"), plain text."""
    if record is None:
        return tr._("Affiche n° {number}").format(number=key)
    if record.kind == "e":
        title = (record.title_en if tr.language == "en" and record.title_en
                 else record.title_fr) or record.target  # fmt: skip
        return tr._("Affiche n° {number} — événement « {title} »").format(number=key, title=title)
    if record.kind == "p":
        permanence = next((p for p in pack.permanences.permanences if p.id == record.target), None)
        title = permanence.title.get(tr.language) if permanence else record.target
        return tr._("Affiche n° {number} — permanence « {title} »").format(number=key, title=title)
    return tr._("Affiche n° {number} — demande de rappel").format(number=key)


def poster_keys(counts: dict[str, int]) -> list[str]:
    """The posters' keys, the most arrivals first, then by number."""
    return sorted(counts, key=lambda k: (-counts[k], int(k) if k.isdigit() else 0, k))
