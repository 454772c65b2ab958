"""Reading what a coordinator types for an event: a date and time in French or English
words or digits, a capacity, categories; each with its limits."""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from dataclasses import dataclass

MAX_CAPACITY = 9999

MAX_CATEGORIES = 12

MAX_CATEGORY = 20


@dataclass(frozen=True)
class DateProblem:
    """Why a typed date was not understood: ``nonsense``, ``no_time``, ``no_date``,
    ``no_such_date``, ``weekday`` (the day named is not that date's), ``gap`` (the hour
    does not exist that day: the clocks move)."""

    reason: str
    day: dt.date | None = None
    weekday: int | None = None


# Month and weekday names, French and English, without accents, and their abbreviations.
_MONTH_NAMES = (
    "janvier janv jan january", "fevrier fevr fev february feb", "mars march mar",
    "avril avr april apr", "mai may", "juin june jun", "juillet juil july jul",
    "aout august aug", "septembre sept september sep", "octobre october oct",
    "novembre november nov", "decembre december dec",
)  # fmt: skip

_MONTHS = {name: n for n, names in enumerate(_MONTH_NAMES, 1) for name in names.split()}

_WEEKDAY_NAMES = (
    "lundi lun monday mon", "mardi tuesday tue", "mercredi mer wednesday wed",
    "jeudi jeu thursday thu", "vendredi ven friday fri", "samedi sam saturday sat",
    "dimanche dim sunday sun",
)  # fmt: skip

_WEEKDAYS = {name: n for n, names in enumerate(_WEEKDAY_NAMES) for name in names.split()}

_RELATIVE = {"aujourd'hui": 0, "aujourdhui": 0, "today": 0, "demain": 1, "tomorrow": 1,
             "apres-demain": 2}  # fmt: skip

_FILLER = frozenset({"le", "a", "at", "on", "the", "de", "du", "from", "vers", "partir"})

_WORD_MONTHS = "|".join(sorted(_MONTHS, key=len, reverse=True))

_TIME_PM = re.compile(r"\b(\d{1,2})(?::(\d{2}))?\s*(am|pm)\b")

_TIME = re.compile(r"\b(\d{1,2})\s*(?:h|:)\s*(\d{2})?(?!\d)")

_NOON = re.compile(r"\b(midi|noon)\b")

_ISO = re.compile(r"\b(\d{4})-(\d{1,2})-(\d{1,2})\b")

_NUMERIC = re.compile(r"\b(\d{1,2})[/.-](\d{1,2})(?:[/.-](\d{4}|\d{2}))?\b")

_DAY_MONTH = re.compile(
    rf"\b(\d{{1,2}})(?:er|st|nd|rd|th)?\s+({_WORD_MONTHS})\.?(?:\s+(\d{{4}}))?\b"
)

_MONTH_DAY = re.compile(rf"\b({_WORD_MONTHS})\.?\s+(\d{{1,2}})(?:st|nd|rd|th)?(?:\s+(\d{{4}}))?\b")


def _plain(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text.lower().replace("’", "'"))
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def parse_moment(
    text: str,
    now: dt.datetime,
    tz: dt.tzinfo,
    *,
    base_day: dt.date | None = None,
    day_only: dt.time | None = None,
) -> dt.datetime | DateProblem:
    """A moment typed the French way (``12/12 14h``, ``12/12/2026 14:30``, ``samedi 12
    décembre 14h``, ``demain 18h``), English too, in the territory's local time.

    Without a year, the next such date. ``base_day``: the day a time alone refers to
    (an end, a deadline); ``day_only``: the time a date alone means (a deadline: the end
    of that day). Whether the moment is to come is for the caller to judge.
    """
    rest = f" {_plain(text)} "
    hour: tuple[int, int] | None = None
    if match := _TIME_PM.search(rest):
        hours, minutes = int(match[1]), int(match[2] or 0)
        if not 1 <= hours <= 12:
            return DateProblem("nonsense")
        hour = (hours % 12 + (12 if match[3] == "pm" else 0), minutes)
        rest = rest[: match.start()] + " " + rest[match.end() :]
    elif match := _TIME.search(rest):
        hour = (int(match[1]), int(match[2] or 0))
        rest = rest[: match.start()] + " " + rest[match.end() :]
    elif match := _NOON.search(rest):
        hour = (12, 0)
        rest = rest[: match.start()] + " " + rest[match.end() :]
    local_today = now.astimezone(tz).date()
    day: tuple[int | None, int, int] | None = None  # (year, month, day)
    offset: int | None = None
    for pattern, order in (
        (_ISO, "ymd"),
        (_NUMERIC, "dmy"),
        (_DAY_MONTH, "dMy"),
        (_MONTH_DAY, "Mdy"),
    ):
        match = pattern.search(rest)
        if match is None:
            continue
        parts = dict(zip(order, match.groups(), strict=True))
        month = _MONTHS[parts["M"]] if "M" in parts else int(parts["m"])
        year = parts.get("y")
        full_year = None if year is None else int(year) + (2000 if len(year) == 2 else 0)
        day = (full_year, month, int(parts["d"]))
        rest = rest[: match.start()] + " " + rest[match.end() :]
        break
    weekday: int | None = None
    for word in rest.split():
        word = word.strip(".,;")
        if word in _RELATIVE and day is None and offset is None:
            offset = _RELATIVE[word]
        elif word in _WEEKDAYS and weekday is None:
            weekday = _WEEKDAYS[word]
        elif word and word not in _FILLER:
            return DateProblem("nonsense")
    named_day = day is not None or offset is not None or weekday is not None
    if hour is None and day_only is not None and named_day:
        hour = (day_only.hour, day_only.minute)
    if hour is None:
        return DateProblem("no_time")
    if not (0 <= hour[0] <= 23 and 0 <= hour[1] <= 59):
        return DateProblem("nonsense")
    if day is not None:
        year, month, number = day
        try:
            date = dt.date(year or local_today.year, month, number)
            if year is None and date < local_today:
                date = dt.date(local_today.year + 1, month, number)
        except ValueError:
            return DateProblem("no_such_date")
        if weekday is not None and date.weekday() != weekday:
            return DateProblem("weekday", date, weekday)
    elif offset is not None:
        date = local_today + dt.timedelta(days=offset)
    elif weekday is not None:
        ahead = (weekday - local_today.weekday()) % 7
        date = local_today + dt.timedelta(days=ahead)
        candidate = dt.datetime.combine(date, dt.time(*hour), tzinfo=tz)
        if candidate <= now:
            date += dt.timedelta(days=7)
    elif base_day is not None:
        date = base_day
    else:
        return DateProblem("no_date")
    naive = dt.datetime.combine(date, dt.time(*hour))
    moment = naive.replace(tzinfo=tz)
    if moment.astimezone(dt.UTC).astimezone(tz).replace(tzinfo=None) != naive:
        return DateProblem("gap", date)
    return moment


def parse_capacity(text: str) -> int | str | None:
    """A number of places, ``None`` for "no limit", or ``"bad"``."""
    words = _plain(text).strip().strip(".!")
    if words in (
        "sans limite",
        "illimite",
        "aucune",
        "pas de limite",
        "no limit",
        "unlimited",
        "none",
        "-",
    ):
        return None
    digits = words.replace(" ", "").replace("\u202f", "")
    if not digits.isdigit() or not 1 <= int(digits) <= MAX_CAPACITY:
        return "bad"
    return int(digits)


def parse_categories(text: str) -> tuple[str, ...] | None:
    """Age categories typed as a list (``U11, U13, Adultes``); ``None`` if it is not one."""
    parts = [p.strip() for p in re.split(r"[,;\n]", text)]
    parts = [p for p in parts if p]
    if not parts or len(parts) > MAX_CATEGORIES or any(len(p) > MAX_CATEGORY for p in parts):
        return None
    return tuple(dict.fromkeys(parts))
