"""The service's opening hours: is it open, when does it open next, working-time delays."""

from __future__ import annotations

import datetime as dt

from bot.territory.base import WEEKDAYS
from bot.territory.loading import Pack

_MAX_DAYS = 21


def _slots(pack: Pack, day: dt.date) -> list[tuple[dt.datetime, dt.datetime]]:
    """The day's opening periods, as aware local datetimes."""
    weekday = WEEKDAYS[day.weekday()]
    tz = pack.tz
    return sorted(
        (
            dt.datetime.combine(day, slot.opens, tzinfo=tz),
            dt.datetime.combine(day, slot.closes, tzinfo=tz),
        )
        for slot in pack.territory.opening_hours
        if weekday in slot.days
    )


def is_open(pack: Pack, moment: dt.datetime) -> bool:
    """Whether the service is open at ``moment`` (always, if the pack gives no hours)."""
    if not pack.territory.opening_hours:
        return True
    local = moment.astimezone(pack.tz)
    return any(start <= local < end for start, end in _slots(pack, local.date()))


def next_opening(pack: Pack, moment: dt.datetime) -> dt.datetime:
    """The next moment the service opens (``moment`` itself if open)."""
    if is_open(pack, moment):
        return moment
    local = moment.astimezone(pack.tz)
    for offset in range(_MAX_DAYS):
        for start, _ in _slots(pack, local.date() + dt.timedelta(days=offset)):
            if start > local:
                return start.astimezone(dt.UTC)
    return moment


def add_working_minutes(pack: Pack, start: dt.datetime, minutes: int) -> dt.datetime:
    """``start`` plus ``minutes`` counted only while the service is open."""
    if not pack.territory.opening_hours:
        return start + dt.timedelta(minutes=minutes)
    remaining = dt.timedelta(minutes=minutes)
    local = start.astimezone(pack.tz)
    for offset in range(_MAX_DAYS * 4):
        day = local.date() + dt.timedelta(days=offset)
        for opens, closes in _slots(pack, day):
            begin = max(opens, local)
            if begin >= closes:
                continue
            available = closes - begin
            if remaining <= available:
                return (begin + remaining).astimezone(dt.UTC)
            remaining -= available
    return start + dt.timedelta(minutes=minutes)
