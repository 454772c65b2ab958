"""Permanences: the recurring office hours of the pack, date by date.

Rules are RFC 5545 (dateutil's rrule) over local dates; each occurrence is then
placed at its local opening hour in the territory's timezone, so a permanence at
14 h stays at 14 h across a daylight-saving change.

Two layers of exceptions: the pack's own ``changes:`` (a date cancelled or moved, in
its files), then the dates a coordinator cancelled or added from Telegram (the
``permanence_change`` table, :mod:`bot.permanences.changes`), keyed by the local date
an occurrence falls on once the pack's changes are applied. The functions here stay
pure: the caller loads those changes and passes them in.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from dateutil.rrule import rrulestr

from bot.storage import ADDED, CANCELLED, DateChange
from bot.territory import Pack, Permanence, Text

_MARGIN = dt.timedelta(days=62)
"""How far around the window original dates are looked at, for dates moved into it."""


@dataclass(frozen=True)
class Occurrence:
    permanence: Permanence
    start: dt.datetime
    end: dt.datetime
    cancelled: bool = False
    moved: bool = False
    note: Text | None = None
    added: bool = False
    """An extra date added from Telegram, at the permanence's usual place."""
    reason: str | None = None
    """Why a coordinator cancelled this date from Telegram, as they typed it (one
    language only: shown as is to everyone)."""


def exists(pack: Pack, permanence_id: str, stored: Iterable[Permanence] = ()) -> bool:
    return any(p.id == permanence_id for p in (*pack.permanences.permanences, *stored))


def _dates(
    permanence: Permanence, local_from: dt.datetime, local_to: dt.datetime
) -> list[dt.date]:
    """The permanence's own dates (its rule's and its one-off dates) in the range, before
    any change; none before ``start`` or after ``until``."""
    days: set[dt.date] = set()
    if permanence.rrule is not None:
        first = dt.datetime.combine(permanence.start, dt.time())
        rule = rrulestr(permanence.rrule, dtstart=first)
        days.update(d.date() for d in rule.between(local_from, local_to, inc=True))
    days.update(d for d in permanence.dates if local_from.date() <= d <= local_to.date())
    last = permanence.until
    return sorted(d for d in days if d >= permanence.start and (last is None or d <= last))


def occurrences(
    pack: Pack,
    start: dt.datetime,
    end: dt.datetime,
    changes: Iterable[DateChange] = (),
    stored: Iterable[Permanence] = (),
) -> list[Occurrence]:
    """Every date of every permanence starting in [start, end), in order, with the pack's
    changes and then ``changes`` (dates cancelled or added from Telegram) applied.
    ``stored``: the permanences created from Telegram, beside the pack's."""
    tz = pack.tz
    changes = tuple(changes)
    permanences = (*pack.permanences.permanences, *stored)
    # (permanence, local date) -> the reason given, if any
    cancelled = {(c.permanence_id, c.date): c.note for c in changes if c.action == CANCELLED}
    found: list[Occurrence] = []
    local_from = (start - _MARGIN).astimezone(tz).replace(tzinfo=None)
    local_to = (end + _MARGIN).astimezone(tz).replace(tzinfo=None)
    for permanence in permanences:
        pack_changes = {c.date: c for c in permanence.changes}
        for original in _dates(permanence, local_from, local_to):
            day = original
            change = pack_changes.get(day)
            opens, closes, moved = permanence.opens, permanence.closes, False
            if change is not None:
                if change.moved_to is not None:
                    day, moved = change.moved_to, True
                if change.opens is not None:
                    opens, moved = change.opens, True
                if change.closes is not None:
                    closes, moved = change.closes, True
            begins = dt.datetime.combine(day, opens, tzinfo=tz).astimezone(dt.UTC)
            if not start <= begins < end:
                continue
            found.append(
                Occurrence(
                    permanence,
                    begins,
                    dt.datetime.combine(day, closes, tzinfo=tz).astimezone(dt.UTC),
                    cancelled=bool(change and change.cancelled)
                    or (permanence.id, day) in cancelled,
                    moved=moved,
                    note=change.note if change else None,
                    reason=cancelled.get((permanence.id, day)),
                )
            )
    # Added dates come after the rule's: one already on the list that day is not doubled
    # (the pack may have been edited since the date was added).
    taken = {(o.permanence.id, o.start.astimezone(tz).date()) for o in found}
    by_id = {p.id: p for p in permanences}
    for c in changes:
        extra = by_id.get(c.permanence_id)
        if c.action != ADDED or extra is None or (c.permanence_id, c.date) in taken:
            continue
        opens, closes = c.opens or extra.opens, c.closes or extra.closes
        begins = dt.datetime.combine(c.date, opens, tzinfo=tz).astimezone(dt.UTC)
        if not start <= begins < end or closes <= opens:
            continue
        taken.add((c.permanence_id, c.date))
        found.append(
            Occurrence(
                extra,
                begins,
                dt.datetime.combine(c.date, closes, tzinfo=tz).astimezone(dt.UTC),
                cancelled=(c.permanence_id, c.date) in cancelled,
                added=True,
                reason=cancelled.get((c.permanence_id, c.date)),
            )
        )
    return sorted(found, key=lambda o: (o.start, o.permanence.id))
