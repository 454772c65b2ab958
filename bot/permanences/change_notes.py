"""Changes to a permanence date, in words: reading a typed day and hours, the buttons'
targets, and the announcement sent to subscribers."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from bot import actions
from bot.i18n import Translator
from bot.permanences.schedule import Occurrence
from bot.storage import ADDED, CANCELLED
from bot.territory import Pack
from bot.ui import Button, Reply, esc

HORIZON = dt.timedelta(days=14)
"""How far ahead ``/permanence_annuler`` without arguments offers dates."""

NOTE_LIMIT = 200
"""The longest reason a coordinator may give with a cancellation (it is shown to people)."""

RESTORED = "restored"

_DAY = re.compile(r"^(\d{1,2})[/.](\d{1,2})(?:[/.](\d{2}|\d{4}))?$")

_ISO_DAY = re.compile(r"^\d{4}-\d{2}-\d{2}$")

_HOURS = re.compile(r"^(\d{1,2})(?:[h:](\d{2})?)?[-–à](\d{1,2})(?:[h:](\d{2})?)?$")

_BUTTON = re.compile(r"^(pick|cancel|keep)\.([a-z0-9][a-z0-9_-]{0,39})\.(\d{8})$")


@dataclass(frozen=True)
class Outcome:
    """What the coordinator is shown, and the announcement to start sending (if any)."""

    reply: Reply
    broadcast: int | None = None


def parse_day(text: str, today: dt.date) -> dt.date | None:
    """``24/11``, ``24/11/2026``, ``24.11.26`` or ``2026-11-24``; without a year, the date
    of that day and month closest to ``today`` (so ``05/01`` typed in December is next
    January, and ``17/11`` typed on 23 November is last week's, refused as past)."""
    text = text.strip()
    try:
        if _ISO_DAY.match(text):
            return dt.date.fromisoformat(text)
        match = _DAY.match(text)
        if match is None:
            return None
        day, month, year = int(match[1]), int(match[2]), match[3]
        if year is not None:
            return dt.date(int(year) + (2000 if len(year) == 2 else 0), month, day)
        candidates = []
        for y in (today.year - 1, today.year, today.year + 1):
            try:
                candidates.append(dt.date(y, month, day))
            except ValueError:
                continue  # 29/02 of a year without one
        if not candidates:
            return None
        return min(candidates, key=lambda d: abs((d - today).days))
    except ValueError:
        return None


def parse_hours(text: str) -> tuple[dt.time, dt.time] | None:
    """``14h-17h``, ``14h30-17h``, ``14:00-17:00``, ``9-12`` (spaces ignored)."""
    match = _HOURS.match(re.sub(r"\s+", "", text.lower()))
    if match is None:
        return None
    try:
        opens = dt.time(int(match[1]), int(match[2] or 0))
        closes = dt.time(int(match[3]), int(match[4] or 0))
    except ValueError:
        return None
    return opens, closes


def button_target(argument: str) -> tuple[str, str, dt.date] | None:
    """A ``pm:`` button's ``<step>.<permanence>.<YYYYMMDD>``, or ``None`` if malformed."""
    match = _BUTTON.match(argument)
    if match is None:
        return None
    try:
        day = dt.datetime.strptime(match[3], "%Y%m%d").date()  # noqa: DTZ007 - a date only
    except ValueError:
        return None
    return match[1], match[2], day


def _button(step: str, permanence_id: str, day: dt.date) -> str:
    return actions.permanence(step, permanence_id, day.strftime("%Y%m%d"))


def _typed(day: dt.date) -> str:
    """How a coordinator types the date back (``24/11/2026``)."""
    return day.strftime("%d/%m/%Y")


def refusal(tr: Translator) -> str:
    """What a mediator or a resident is told (as a message or a pop-up)."""
    return tr._("Seule la coordination peut changer les dates des permanences. "
                "Rien n'a été changé.")  # fmt: skip


def announcement(
    pack: Pack, tr: Translator, occurrence: Occurrence, change: str, note: str | None = None
) -> Reply:
    """The message the subscribers get: a date cancelled, added, or restored."""
    p = occurrence.permanence
    title = esc(p.title.get(tr.language))
    # The first line names the change and the permanence: it is also the line the
    # coordinator's progress message shows.
    if change == CANCELLED:
        head = tr._("❌ <b>Annulée : {title}</b>").format(title=title)
    elif change == ADDED:
        head = tr._("➕ <b>Date supplémentaire : {title}</b>").format(title=title)
    else:
        head = tr._("✅ <b>Rétablie : {title}</b> — elle a bien lieu.").format(title=title)
    quartier = pack.quartier(p.quartier) if p.quartier else None
    place = esc(p.place.get(tr.language)) + (f" ({esc(quartier.name)})" if quartier else "")
    lines = [
        head,
        f"📅 {tr.day(occurrence.start)}, {tr.hours(occurrence.start, occurrence.end)}",
        f"📍 {place}",
    ]
    if note:
        lines.append(f"💬 {esc(note)}")
    lines.append(tr._("Toutes les permanences : /permanences"))
    lines.append(tr._("Pour ne plus recevoir ces annonces : /abonnements"))
    buttons = ((Button(tr._("📅 Les permanences"), actions.menu("permanences")),),)
    return Reply("\n".join(lines), buttons)
