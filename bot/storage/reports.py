"""Figures for the bilan: counts and delays of callback requests, and the events held
with their registrations and attendance, month by month.

Only aggregates leave this module (counts, medians, percentiles): never a
pseudonym, a reference, a phone number or a description.

Months are the territory's calendar months: a request created at 22:30 UTC on
31 January is a February request in Nouméa (UTC+11) and a January one in Paris.
The month boundaries are computed here in Python, in the territory's timezone
(daylight saving time included), turned into UTC text, and the database groups
the requests between them with a range join on the ``created_at`` index: one query
per kind of figure for any number of months, whose text never changes.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from bot.storage.database import Database, to_db_time

DIMENSIONS: tuple[str, ...] = (
    "team", "theme", "quartier", "profile", "outcome", "rating", "channel", "urgent",
)  # fmt: skip
"""What requests are broken down by, in the order the figures show them. ``rating``
counts only the requests that were rated."""

# The constants below are spelled the same in the queries.
UNKNOWN_QUARTIER = UNKNOWN_PROFILE = "unknown"
"""The value of ``quartier`` when the person did not say where they live, and of
``profile`` when they were not asked (or did not say) who they are."""

URGENT, NOT_URGENT = "urgent", "normal"
"""The values of the ``urgent`` dimension."""

DELAY_KINDS: tuple[str, ...] = ("claim", "close")
"""``claim``: from creation to the first claim; ``close``: from creation to closing."""

_MAX_MONTHS = 1200  # a century: a typo in a year, not a report


@dataclass(frozen=True)
class Month:
    """One calendar month of the territory, cut to the requested range (UTC bounds)."""

    key: str
    """``YYYY-MM`` in the territory's local time."""
    start: dt.datetime
    end: dt.datetime


@dataclass(frozen=True)
class Count:
    """``count`` requests created in ``month`` have ``value`` for ``dimension``."""

    month: str
    dimension: str
    value: str
    count: int


@dataclass(frozen=True)
class DelayStats:
    """Delays of one kind for the requests created in one month (``month=None``: the
    whole range), in minutes. Percentiles are linearly interpolated between the two
    nearest requests, as a spreadsheet's PERCENTILE / PERCENTILE.INC does.

    Requests still waiting are counted with their waiting time so far: the real delay
    is at least that. When one of them falls at or below a percentile, the percentile
    itself is only a lower bound (``…_exact`` is ``False``)."""

    month: str | None
    kind: str
    count: int
    """Requests measured, those still waiting included."""
    waiting: int
    """Of which still waiting (not contacted yet, not closed yet)."""
    median_minutes: float
    p90_minutes: float
    median_exact: bool = True
    p90_exact: bool = True


def months_between(start: dt.datetime, end: dt.datetime, tz: dt.tzinfo) -> list[Month]:
    """The local months that [start, end) touches, each cut to the range."""
    if start.tzinfo is None or end.tzinfo is None:
        raise ValueError("naive datetime: give the range in UTC (or any aware time)")
    months: list[Month] = []
    local = start.astimezone(tz)
    year, month = local.year, local.month
    while True:
        first = dt.datetime(year, month, 1, tzinfo=tz)
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
        following = dt.datetime(year, month, 1, tzinfo=tz)
        lo, hi = max(first, start), min(following, end)
        if lo >= end:
            break
        if lo < hi:
            months.append(Month(f"{first:%Y-%m}", lo.astimezone(dt.UTC), hi.astimezone(dt.UTC)))
        if len(months) > _MAX_MONTHS:
            raise ValueError(f"a report covers at most {_MAX_MONTHS} months")
    return months


def _months_json(months: list[Month]) -> str:
    """The months as one JSON parameter, so the query text never changes."""
    return json.dumps([[m.key, to_db_time(m.start), to_db_time(m.end)] for m in months])


# The requests of the range, each with its local month. Month bounds are UTC text in
# the same format as created_at, so text comparison is time comparison, and the join
# reads each month's requests from the created_at index.
_COUNTS = """
WITH months (month, lo, hi) AS (
    SELECT json_extract(value, '$[0]'), json_extract(value, '$[1]'),
           json_extract(value, '$[2]')
    FROM json_each(?)
),
per_request AS (
    SELECT m.month AS month, r.theme AS theme, r.team AS team,
           COALESCE(r.quartier, 'unknown') AS quartier, r.channel AS channel,
           COALESCE(r.profile, 'unknown') AS profile, r.rating AS rating,
           CASE WHEN r.urgent = 1 THEN 'urgent' ELSE 'normal' END AS urgent,
           -- an open, claimed or cancelled request has no outcome: its state stands for it
           COALESCE(r.outcome, r.state) AS outcome
    FROM request AS r JOIN months AS m ON r.created_at >= m.lo AND r.created_at < m.hi
)
SELECT month, 'theme' AS dimension, theme AS value, COUNT(*) AS n
    FROM per_request GROUP BY month, value
UNION ALL SELECT month, 'team', team, COUNT(*) FROM per_request GROUP BY month, team
UNION ALL SELECT month, 'quartier', quartier, COUNT(*) FROM per_request GROUP BY month, quartier
UNION ALL SELECT month, 'channel', channel, COUNT(*) FROM per_request GROUP BY month, channel
UNION ALL SELECT month, 'urgent', urgent, COUNT(*) FROM per_request GROUP BY month, urgent
UNION ALL SELECT month, 'outcome', outcome, COUNT(*) FROM per_request GROUP BY month, outcome
UNION ALL SELECT month, 'profile', profile, COUNT(*) FROM per_request GROUP BY month, profile
UNION ALL SELECT month, 'rating', rating, COUNT(*) FROM per_request
    WHERE rating IS NOT NULL GROUP BY month, rating
"""


async def request_counts(
    db: Database, start: dt.datetime, end: dt.datetime, tz: dt.tzinfo
) -> list[Count]:
    """Requests created in [start, end), per local month and per value of each of
    :data:`DIMENSIONS`. Months and values without requests are absent."""
    months = months_between(start, end, tz)
    if not months:
        return []
    rows = await db.all(_COUNTS, (_months_json(months),))
    return [
        Count(row["month"], row["dimension"], str(row["value"]), int(row["n"])) for row in rows
    ]


# The moments each delay is measured between. SQLite's date functions parse text about
# ten times slower than Python's fromisoformat: the subtraction and the ranking are
# done below, in Python, and only their results leave this module.
_DELAYS = """
WITH months (month, lo, hi) AS (
    SELECT json_extract(value, '$[0]'), json_extract(value, '$[1]'),
           json_extract(value, '$[2]')
    FROM json_each(?)
)
SELECT m.month AS month, r.created_at AS created_at, r.first_claimed_at AS claimed_at,
       r.closed_at AS closed_at, r.state AS state
FROM request AS r JOIN months AS m ON r.created_at >= m.lo AND r.created_at < m.hi
-- a request the person cancelled before anyone answered says nothing of the service
WHERE r.state != 'cancelled' OR r.first_claimed_at IS NOT NULL
"""


def _percentile(
    ordered: list[tuple[float, bool]], numerator: int, denominator: int
) -> tuple[float, bool]:
    """The percentile numerator/denominator of ``ordered`` (minutes, still waiting)
    pairs, linearly interpolated between the two nearest (exact rank arithmetic), and
    whether it is exact: no request still waiting ranks at or below the ones it is read
    from (waiting ones sort after measured ones of the same value), so none of them,
    once answered, could move it."""
    rank, remainder = divmod((len(ordered) - 1) * numerator, denominator)
    highest = rank + (1 if remainder else 0)
    exact = not any(waiting for _, waiting in ordered[: highest + 1])
    low = ordered[rank][0]
    if remainder == 0:
        return low, exact
    return low + (ordered[rank + 1][0] - low) * remainder / denominator, exact


def _moments(row: Any, now: dt.datetime) -> Iterator[tuple[str, dt.datetime, bool]]:
    """(kind, end of the delay, still waiting) for one request: the moment of first
    contact or of closing, or ``now`` for a request still waiting for it."""
    parse = dt.datetime.fromisoformat  # reads the stored '…Z' text (Python 3.11)
    if row["claimed_at"] is not None:
        yield "claim", parse(row["claimed_at"]), False
    elif row["state"] == "open":
        yield "claim", now, True
    if row["state"] == "closed" and row["closed_at"] is not None:
        yield "close", parse(row["closed_at"]), False
    elif row["state"] in ("open", "claimed"):
        yield "close", now, True


async def request_delays(
    db: Database, start: dt.datetime, end: dt.datetime, tz: dt.tzinfo, now: dt.datetime
) -> list[DelayStats]:
    """Median and 90th percentile of the time to first contact (``claim``) and to close,
    per local month of creation and for the whole range (``month=None``), for the
    requests created in [start, end): those still waiting at ``now`` count with their
    waiting time so far; those the person cancelled before any contact do not count."""
    months = months_between(start, end, tz)
    if not months:
        return []
    rows = await db.all(_DELAYS, (_months_json(months),))
    minutes: dict[tuple[str | None, str], list[tuple[float, bool]]] = {}
    for row in rows:
        created = dt.datetime.fromisoformat(row["created_at"])
        for kind, moment, waiting in _moments(row, now):
            delay = (moment - created).total_seconds() / 60
            if delay < 0:  # a clock set wrong, or a report of the past: not a measure
                continue
            minutes.setdefault((row["month"], kind), []).append((delay, waiting))
            # The whole range's median is the real median, not one of the months'.
            minutes.setdefault((None, kind), []).append((delay, waiting))
    stats = []
    for (month, kind), values in minutes.items():
        values.sort()
        median, median_exact = _percentile(values, 1, 2)
        p90, p90_exact = _percentile(values, 9, 10)
        stats.append(
            DelayStats(
                month=month,
                kind=kind,
                count=len(values),
                waiting=sum(waiting for _, waiting in values),
                median_minutes=median,
                p90_minutes=p90,
                median_exact=median_exact,
                p90_exact=p90_exact,
            )
        )
    return stats


@dataclass(frozen=True)
class EventCounts:
    """The events held in one local month (cancelled ones left out) and their
    registrations as they stood: counts of registrations, not of places."""

    month: str
    events: int
    signups: int
    """Registrations that kept their place (confirmed)."""
    waitlisted: int
    """Registrations still on the waiting list when the event took place."""
    present: int
    absent: int
    """Confirmed registrations marked present or absent on the day (the others were not
    marked)."""


_EVENTS = """
WITH months (month, lo, hi) AS (
    SELECT json_extract(value, '$[0]'), json_extract(value, '$[1]'),
           json_extract(value, '$[2]')
    FROM json_each(?)
)
SELECT m.month AS month, COUNT(DISTINCT e.id) AS events,
       COALESCE(SUM(r.state = 'confirmed'), 0) AS signups,
       COALESCE(SUM(r.state = 'waitlisted'), 0) AS waitlisted,
       COALESCE(SUM(r.state = 'confirmed' AND r.attended = 1), 0) AS present,
       COALESCE(SUM(r.state = 'confirmed' AND r.attended = 0), 0) AS absent
FROM event AS e JOIN months AS m ON e.starts_at >= m.lo AND e.starts_at < m.hi
LEFT JOIN registration AS r ON r.event_id = e.id
WHERE e.state = 'published' AND e.starts_at <= ?
GROUP BY m.month
"""


async def event_counts(
    db: Database, start: dt.datetime, end: dt.datetime, tz: dt.tzinfo, now: dt.datetime
) -> list[EventCounts]:
    """Per local month of their start, the events held in [start, end) (started before
    ``now``, not cancelled), their registrations and attendance. Months without an
    event are absent."""
    months = months_between(start, end, tz)
    if not months:
        return []
    rows = await db.all(_EVENTS, (_months_json(months), to_db_time(now)))
    return [
        EventCounts(row["month"], int(row["events"]), int(row["signups"]),
                    int(row["waitlisted"]), int(row["present"]), int(row["absent"]))
        for row in rows
    ]  # fmt: skip
