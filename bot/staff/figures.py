"""The bilan's figures, month by month and for the whole period: callback requests (by
team, theme, quartier, public, outcome, rating), their delays, what the bot itself did
(questions, crisis cards) and the events held.

Figures come from the database alone and are aggregates only: counts, medians and
percentiles, never anything that could single a person out. Months are the territory's
calendar months; delays are counted around the clock (nights and week-ends included),
for the requests created in the month.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from bot.storage import Database
from bot.storage import posters as poster_store
from bot.storage import reports as storage
from bot.storage import usage as usage_store
from bot.territory import Pack

DIMENSIONS = storage.DIMENSIONS
"""``team``, ``theme``, ``quartier``, ``profile``, ``outcome``, ``rating``, ``channel``,
``urgent``."""


@dataclass(frozen=True)
class Delays:
    """A delay in minutes over ``count`` requests, ``waiting`` of them still waiting and
    counted with their waiting time so far; ``None`` when none was measured."""

    count: int = 0
    waiting: int = 0
    median: float | None = None
    p90: float | None = None
    """90 % of the requests took at most this long."""
    median_exact: bool = True
    """``False``: a request still waiting could move it: the real value is at least this."""
    p90_exact: bool = True


@dataclass(frozen=True)
class EventFigures:
    """Events held (cancelled ones left out) and their registrations, as counts of
    registrations (a family that took three places is one sign-up)."""

    held: int = 0
    signups: int = 0
    waitlisted: int = 0
    """Still on the waiting list when the event took place."""
    present: int = 0
    absent: int = 0

    @property
    def unmarked(self) -> int:
        """Confirmed registrations nobody marked present or absent."""
        return self.signups - self.present - self.absent

    def __add__(self, other: EventFigures) -> EventFigures:
        return EventFigures(
            self.held + other.held,
            self.signups + other.signups,
            self.waitlisted + other.waitlisted,
            self.present + other.present,
            self.absent + other.absent,
        )


Breakdown = dict[str, dict[str, int]]
"""dimension (or kind) → value (or key) → count; values without any are absent."""


@dataclass(frozen=True)
class Tally:
    """What happened in a month, or in the whole period."""

    total: int
    """Callback requests created."""
    breakdown: Breakdown
    time_to_claim: Delays
    """From the request to its first contact (the first claim by a mediator)."""
    time_to_close: Delays
    usage: Breakdown = field(default_factory=dict)
    """What the bot did: ``answer``, ``suggestion``, ``unknown``, ``crisis`` → key → n."""
    events: EventFigures = EventFigures()

    def count(self, dimension: str, value: str) -> int:
        return self.breakdown.get(dimension, {}).get(value, 0)

    def used(self, kind: str, key: str | None = None) -> int:
        """How many times the bot did ``kind`` (for ``key``, or for any key)."""
        by_key = self.usage.get(kind, {})
        return sum(by_key.values()) if key is None else by_key.get(key, 0)

    @property
    def empty(self) -> bool:
        """Nothing at all to show: no request, nothing the bot did, no event."""
        return self.total == 0 and not self.usage and self.events == EventFigures()


@dataclass(frozen=True)
class MonthFigures(Tally):
    """One calendar month of the territory."""

    month: str = ""
    """``YYYY-MM``."""

    @property
    def first_day(self) -> dt.date:
        year, month = self.month.split("-")
        return dt.date(int(year), int(month), 1)


@dataclass(frozen=True)
class Figures(Tally):
    """From ``start`` to ``end`` (both days included, local time); the delays are over
    the whole period (the real median, not an average of the months')."""

    start: dt.date = dt.date.min
    end: dt.date = dt.date.min
    months: tuple[MonthFigures, ...] = ()
    """Every month of the period, in order, those with nothing included."""
    posters: dict[str, poster_store.PosterRecord] = field(default_factory=dict)
    """The posters people arrived through in the period (``usage["poster"]``'s keys),
    by their number as text; a number missing here was signed but is no longer known."""


def _utc_midnight(day: dt.date, pack: Pack) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(), pack.tz).astimezone(dt.UTC)


def _delays(stats: storage.DelayStats | None) -> Delays:
    if stats is None:
        return Delays()
    return Delays(stats.count, stats.waiting, stats.median_minutes, stats.p90_minutes,
                  stats.median_exact, stats.p90_exact)  # fmt: skip


def _add(into: Breakdown, group: str, key: str, n: int) -> None:
    by_key = into.setdefault(group, {})
    by_key[key] = by_key.get(key, 0) + n


async def monthly_figures(
    db: Database, pack: Pack, start: dt.date, end: dt.date, *, now: dt.datetime
) -> Figures:
    """The figures from ``start`` to ``end`` included (days in the territory's timezone),
    month by month and for the whole period, as they stand at ``now``: a request still
    waiting counts in the delays with its waiting time so far, an event counts once it
    has started."""
    if end < start:
        raise ValueError("the end of the period is before its start")
    lo, hi = _utc_midnight(start, pack), _utc_midnight(end + dt.timedelta(days=1), pack)
    months = [m.key for m in storage.months_between(lo, hi, pack.tz)]
    counts = await storage.request_counts(db, lo, hi, pack.tz)
    delays = {(d.month, d.kind): d for d in await storage.request_delays(db, lo, hi, pack.tz, now)}
    used = await usage_store.monthly_counts(db, start, end)
    held = {e.month: e for e in await storage.event_counts(db, lo, hi, pack.tz, now)}

    requests: dict[str, Breakdown] = {m: {} for m in months}
    usage: dict[str, Breakdown] = {m: {} for m in months}
    overall: Breakdown = {}
    overall_usage: Breakdown = {}
    for c in counts:
        _add(requests[c.month], c.dimension, c.value, c.count)
        _add(overall, c.dimension, c.value, c.count)
    for u in used:
        if u.day in usage:
            _add(usage[u.day], u.kind, u.key, u.n)
            _add(overall_usage, u.kind, u.key, u.n)
    arrivals = overall_usage.get(poster_store.ARRIVAL, {})
    posters = await poster_store.posters(db, (int(k) for k in arrivals if k.isdigit()))
    events = {
        m: EventFigures(e.events, e.signups, e.waitlisted, e.present, e.absent)
        for m, e in held.items()
    }

    def total(breakdown: Breakdown) -> int:
        # Every request has exactly one team: the team counts add up to the total.
        return sum(breakdown.get("team", {}).values())

    return Figures(
        start=start,
        end=end,
        months=tuple(
            MonthFigures(
                month=key,
                total=total(requests[key]),
                breakdown=requests[key],
                time_to_claim=_delays(delays.get((key, "claim"))),
                time_to_close=_delays(delays.get((key, "close"))),
                usage=usage[key],
                events=events.get(key, EventFigures()),
            )
            for key in months
        ),
        total=total(overall),
        breakdown=overall,
        time_to_claim=_delays(delays.get((None, "claim"))),
        time_to_close=_delays(delays.get((None, "close"))),
        usage=overall_usage,
        events=sum(events.values(), EventFigures()),
        posters={str(number): record for number, record in posters.items()},
    )
