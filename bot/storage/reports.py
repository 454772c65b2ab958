"""Figures for the bilan: counts and delays of callback requests, month by month.

Only aggregates leave this module (counts, medians, percentiles): never a
pseudonym, a reference, a phone number or a description.

Months are the territory's calendar months: a request created at 22:30 UTC on
31 January is a February request in Nouméa (UTC+11) and a January one in Paris.
The month boundaries are computed here in Python, in the territory's timezone
(daylight saving time included), turned into UTC text, and the database groups
the requests between them with a range join on the ``created_at`` index: two
queries for any number of months, whose text never changes.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass

from bot.storage.database import Database, to_db_time

DIMENSIONS: tuple[str, ...] = ("theme", "team", "quartier", "channel", "urgent", "outcome")
"""What requests are broken down by, in the order the figures show them."""

# The two constants below are spelled the same in the queries.
UNKNOWN_QUARTIER = "unknown"
"""The value of ``quartier`` when the person did not say where they live."""

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
    nearest requests, as a spreadsheet's PERCENTILE / PERCENTILE.INC does."""

    month: str | None
    kind: str
    count: int
    median_minutes: float
    p90_minutes: float


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
       -- a request the person cancelled was not closed by the service: its time does
       -- not say how fast the service answers
       CASE WHEN r.state = 'closed' THEN r.closed_at END AS closed_at
FROM request AS r JOIN months AS m ON r.created_at >= m.lo AND r.created_at < m.hi
WHERE r.first_claimed_at IS NOT NULL OR (r.closed_at IS NOT NULL AND r.state = 'closed')
"""


def _percentile(ordered: list[float], numerator: int, denominator: int) -> float:
    """The percentile numerator/denominator of ``ordered`` values, linearly interpolated
    between the two nearest (exact rank arithmetic, no rounding surprise)."""
    rank, remainder = divmod((len(ordered) - 1) * numerator, denominator)
    low = ordered[rank]
    if remainder == 0:
        return low
    return low + (ordered[rank + 1] - low) * remainder / denominator


async def request_delays(
    db: Database, start: dt.datetime, end: dt.datetime, tz: dt.tzinfo
) -> list[DelayStats]:
    """Median and 90th percentile of the time to claim and to close, per local month of
    creation and for the whole range (``month=None``), for the requests created in
    [start, end) that have been claimed (closed by the service) so far."""
    months = months_between(start, end, tz)
    if not months:
        return []
    rows = await db.all(_DELAYS, (_months_json(months),))
    parse = dt.datetime.fromisoformat  # reads the stored '…Z' text (Python 3.11)
    minutes: dict[tuple[str | None, str], list[float]] = {}
    for row in rows:
        created = parse(row["created_at"])
        for kind, moment in (("claim", row["claimed_at"]), ("close", row["closed_at"])):
            if moment is None:
                continue
            delay = (parse(moment) - created).total_seconds() / 60
            if delay < 0:  # a clock set wrong: not a measure
                continue
            minutes.setdefault((row["month"], kind), []).append(delay)
            # The whole range's median is the real median, not one of the months'.
            minutes.setdefault((None, kind), []).append(delay)
    stats = []
    for (month, kind), values in minutes.items():
        values.sort()
        stats.append(
            DelayStats(
                month=month,
                kind=kind,
                count=len(values),
                median_minutes=_percentile(values, 1, 2),
                p90_minutes=_percentile(values, 9, 10),
            )
        )
    return stats
