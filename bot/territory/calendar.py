"""The pack's calendar: permanences (recurring, with their changes) and events declared in
``events.yaml``."""

from __future__ import annotations

import datetime as dt
import re
from typing import Annotated, Any, Literal

from pydantic import (
    BeforeValidator,
    Field,
    field_validator,
    model_validator,
)

from bot.territory.base import LANGUAGES, Identifier, Text, _Model


class PermanenceChange(_Model):
    """One date of a permanence that differs: cancelled, or moved (date and/or hours)."""

    date: dt.date
    cancelled: bool = False
    moved_to: dt.date | None = None
    opens: dt.time | None = None
    closes: dt.time | None = None
    note: Text | None = None


class Permanence(_Model):
    """A recurring office hour, at the office or out in a quartier ("délocalisée")."""

    id: Identifier
    title: Text
    team: Identifier
    theme: Identifier | None = None
    quartier: Identifier | None = None
    place: Text
    """Where, in words ("Point Information Jeunesse", "local de la SIC, bâtiment B")."""
    partner: Identifier | None = None
    """A partner of partners.yaml whose address and coordinates locate the place."""
    rrule: str | None = None
    """When it recurs, as an RFC 5545 rule: ``FREQ=WEEKLY;BYDAY=TU``, every other week
    ``FREQ=WEEKLY;INTERVAL=2;BYDAY=WE``, first Wednesday ``FREQ=MONTHLY;BYDAY=1WE``.
    ``None``: only the one-off ``dates``."""
    start: dt.date
    until: dt.date | None = None
    """The last day it may fall on (``None``: no end)."""
    dates: tuple[dt.date, ...] = ()
    """One-off dates, beside the rule's (or instead of one)."""
    opens: dt.time
    closes: dt.time
    changes: tuple[PermanenceChange, ...] = ()

    @field_validator("rrule")
    @classmethod
    def _valid_rule(cls, value: str | None) -> str | None:
        from dateutil.rrule import rrulestr

        if value is None:
            return None
        if "DTSTART" in value.upper():
            raise ValueError("give the first date in 'start', not in the rule")
        try:
            rrulestr(value, dtstart=dt.datetime(2026, 1, 1))  # noqa: DTZ001 - local dates
        except (ValueError, TypeError) as exc:
            raise ValueError(f"not an RFC 5545 rule ({exc}); e.g. FREQ=WEEKLY;BYDAY=TU") from exc
        return value

    @model_validator(mode="after")
    def _hours(self) -> Permanence:
        if self.closes <= self.opens:
            raise ValueError("'closes' must be after 'opens'")
        if self.rrule is None and not self.dates:
            raise ValueError("give a rule ('rrule') or one-off 'dates'")
        if self.until is not None and self.until < self.start:
            raise ValueError("'until' must not be before 'start'")
        return self


class Permanences(_Model):
    """``permanences.yaml`` (optional)."""

    permanences: tuple[Permanence, ...] = ()


def _local_moment(value: Any) -> dt.datetime:
    """A local date and time as an editor writes it: ``"2026-12-12 14:00"``."""
    moment = value if isinstance(value, dt.datetime) else None
    if isinstance(value, str):
        for pattern in ("%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M:%S"):
            try:
                moment = dt.datetime.strptime(value.strip(), pattern)  # noqa: DTZ007 - local
                break
            except ValueError:
                continue
    if moment is None:
        raise ValueError('write the local date and time in quotes, e.g. "2026-12-12 14:00"')
    if moment.tzinfo is not None:
        raise ValueError("write the local time of the territory, without an offset")
    return moment


def _local_end(value: Any) -> dt.datetime | dt.time:
    """An end: a local date and time, or only a time (the same day as the start)."""
    if isinstance(value, str) and re.fullmatch(r"\s*[0-9]{1,2}:[0-9]{2}\s*", value):
        hours, minutes = (int(part) for part in value.strip().split(":"))
        try:
            return dt.time(hours, minutes)
        except ValueError as exc:
            raise ValueError(f"{value!r} is not a time of day") from exc
    if isinstance(value, int):  # YAML reads an unquoted 17:00 as a number
        raise ValueError('put the time in quotes, e.g. "17:00"')
    return _local_moment(value)


def _local_deadline(value: Any) -> dt.datetime:
    """A deadline: a local date and time, or a date alone (until the end of that day)."""
    if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
        return dt.datetime.combine(value, dt.time(23, 59))
    if isinstance(value, str) and re.fullmatch(r"\s*[0-9]{4}-[0-9]{2}-[0-9]{2}\s*", value):
        return dt.datetime.combine(dt.date.fromisoformat(value.strip()), dt.time(23, 59))
    return _local_moment(value)


LocalMoment = Annotated[dt.datetime, BeforeValidator(_local_moment)]
"""A naive date and time, in the territory's timezone."""


class PackEvent(_Model):
    """An event declared in ``events.yaml``; the bot publishes it at start and keeps it in
    step with the file (a move or a cancellation is told to those registered, once)."""

    id: Identifier
    """Short, unique, never changed once in use: how the bot recognises the event."""
    kind: str
    """One of :data:`bot.territory.kinds.KIND_IDS`."""
    title: Text
    description: Text | None = None
    place: str = Field(min_length=1, max_length=120)
    quartier: Identifier | None = None
    """``None``: the whole territory."""
    starts: LocalMoment
    ends: Annotated[dt.datetime | dt.time, BeforeValidator(_local_end)] | None = None
    capacity: int | None = Field(default=None, ge=1, le=9999)
    unit: str | None = None
    categories: tuple[Annotated[str, Field(min_length=1, max_length=20)], ...] = ()
    deadline: Annotated[dt.datetime, BeforeValidator(_local_deadline)] | None = None
    cancelled: bool = False

    @model_validator(mode="after")
    def _coherent(self) -> PackEvent:
        for language in LANGUAGES:
            if len(self.title.get(language)) > 80:
                raise ValueError(f"the {language} title is longer than 80 characters")
            if self.description and len(self.description.get(language)) > 800:
                raise ValueError(f"the {language} description is longer than 800 characters")
        end = self.end_moment()
        if end is not None and end <= self.starts:
            raise ValueError("'ends' must be after 'starts'")
        if self.deadline is not None and self.deadline >= self.starts:
            raise ValueError("'deadline' must be before 'starts'")
        return self

    def end_moment(self) -> dt.datetime | None:
        """The end as a local date and time (a time alone is on the day of the start)."""
        if isinstance(self.ends, dt.time):
            return dt.datetime.combine(self.starts.date(), self.ends)
        return self.ends


class PackEvents(_Model):
    """``events.yaml`` (optional)."""

    events: tuple[PackEvent, ...] = ()
    minors_consent: Literal["form", "phone"] = "form"
    """How a tournament team with players under 18 gets a parent's authorisation: a
    signed form brought on the day, or a parent's consent by phone (the organisers call)."""
