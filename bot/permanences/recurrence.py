"""Reading how a permanence recurs, as a coordinator types it, in French or English words:
"tous les mercredis de 14h à 17h", "un mercredi sur deux", "tous les 15 jours le mercredi",
"le premier mardi du mois", "le dernier vendredi du mois", "lundi et jeudi 9h-12h",
"à partir du 5 janvier", "jusqu'au 30 juin"; and saying it back in words.

The result is an RFC 5545 rule (the shape of ``permanences.yaml``), hours and dates.
What is not understood is named back to the coordinator, never guessed.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from dataclasses import dataclass

from babel.dates import get_day_names

from bot.events import DateProblem, parse_moment
from bot.i18n import Translator
from bot.ui import esc

_CODES = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")

_WEEKDAY_NAMES = (
    "lundi lundis lun monday mondays mon",
    "mardi mardis mar tuesday tuesdays tue tues",
    "mercredi mercredis mer wednesday wednesdays wed",
    "jeudi jeudis jeu thursday thursdays thu thur thurs",
    "vendredi vendredis ven friday fridays fri",
    "samedi samedis sam saturday saturdays sat",
    "dimanche dimanches dim sunday sundays sun",
)  # fmt: skip

_WEEKDAYS = {name: n for n, names in enumerate(_WEEKDAY_NAMES) for name in names.split()}

_WD = "|".join(sorted(_WEEKDAYS, key=len, reverse=True))

_ORDINALS = {
    "premier": 1, "premiere": 1, "1er": 1, "1re": 1, "1ere": 1, "first": 1, "1st": 1,
    "deuxieme": 2, "2e": 2, "2eme": 2, "second": 2, "seconde": 2, "2nd": 2,
    "troisieme": 3, "3e": 3, "3eme": 3, "third": 3, "3rd": 3,
    "quatrieme": 4, "4e": 4, "4eme": 4, "fourth": 4, "4th": 4,
    "avant-dernier": -2, "avant-derniere": -2, "penultimate": -2,
    "dernier": -1, "derniere": -1, "last": -1,
}  # fmt: skip

_ORD = "|".join(sorted((re.escape(o) for o in _ORDINALS), key=len, reverse=True))

_NUMBERS = {"deux": 2, "trois": 3, "quatre": 4, "two": 2, "three": 3, "four": 4, "other": 2,
            "second": 2, "2": 2, "3": 3, "4": 4, "2nd": 2, "3rd": 3}  # fmt: skip

_NUM = "|".join(sorted((re.escape(n) for n in _NUMBERS), key=len, reverse=True))

_MONTH = (
    "janvier|janv|january|jan|fevrier|fevr|february|feb|fev|mars|march|mar|avril|april|avr|apr"
    "|mai|may|juin|june|jun|juillet|juil|july|jul|aout|august|aug|septembre|september|sept|sep"
    "|octobre|october|oct|novembre|november|nov|decembre|december|dec"
)

_DATE = (
    rf"(?:\d{{4}}-\d{{1,2}}-\d{{1,2}}|\d{{1,2}}[/.]\d{{1,2}}(?:[/.]\d{{2,4}})?"
    rf"|\d{{1,2}}(?:er|st|nd|rd|th)?\s+(?:{_MONTH})\b\.?(?:\s+\d{{4}})?"
    rf"|(?:{_MONTH})\b\.?\s+\d{{1,2}}(?:st|nd|rd|th)?\b(?:\s+\d{{4}})?)"
)

_START = re.compile(
    rf"\b(?:a partir du|a partir de|a partir d'|des le|debut le|from|starting(?: on| from)?"
    rf"|beginning(?: on)?|du|le)\s+(?P<date>{_DATE})"
)

_UNTIL = re.compile(
    rf"(?:\bjusqu'au|\bjusqu'a|\bjusqu au|\bjusqu a|\bau|\buntil|\btill|\bto|\bthrough"
    rf"|\bending(?: on)?|\bfin le)\s+(?P<date>{_DATE})"
)

_T = r"\d{1,2}(?:\s*(?:h|:)\s*(?:\d{2})?)?(?:\s*(?:am|pm))?"

_HOURS = re.compile(
    rf"(?:\b(?:de|from|entre|between)\s+)?\b(?P<a>{_T})\s*(?:-|a|to|et|and|jusqu'a)\s*"
    rf"(?P<b>{_T})(?![\d:])"
)

_ONE_TIME = re.compile(r"^(\d{1,2})(?:\s*(?:h|:)\s*(\d{2})?)?(?:\s*(am|pm))?$")

_MONTHLY = re.compile(
    rf"\b(?P<ords>(?:{_ORD})(?:\s*(?:,|et|and|&)\s*(?:le\s+|the\s+)?(?:{_ORD}))*)\s+"
    rf"(?P<day>{_WD})\b"
)

_RANGE = re.compile(rf"\b(?:du|from)\s+(?P<a>{_WD})\s+(?:au|to|through|until)\s+(?P<b>{_WD})\b")

_INTERVALS: tuple[tuple[re.Pattern[str], int | None], ...] = (
    (re.compile(rf"\b(?:un|une|one)\s+(?P<day>{_WD}|semaine|week)\s+(?:sur|out of)\s+"
                rf"(?P<n>{_NUM})\b"), None),
    (re.compile(rf"\bevery\s+(?P<n>{_NUM})\s+(?P<day>{_WD}|weeks?)\b"), None),
    (re.compile(rf"\b(?:toutes les|tous les)\s+(?P<n>{_NUM})\s+semaines\b"), None),
    (re.compile(r"\b(?:tous les|every)\s+(?:15|quinze|14|fourteen)\s+(?:jours|days)\b"), 2),
    (re.compile(r"\b(?:tous les|every)\s+(?:21|vingt et un)\s+(?:jours|days)\b"), 3),
    (re.compile(r"\b(?:fortnightly|biweekly|bi-weekly|bimensuel|bimensuelle|quinzaine)\b"), 2),
    (re.compile(rf"\b(?:un|one)\s+mois\s+sur\s+(?P<n>{_NUM})\b"), None),
    (re.compile(rf"\b(?:tous les|every)\s+(?P<n>{_NUM})\s+(?:mois|months)\b"), None),
)  # fmt: skip

_EVERY_DAY = re.compile(r"\b(?:tous les jours|chaque jour|every day|daily|quotidien(?:ne)?)\b")

_WEEK_DAYS = re.compile(r"\b(?:en semaine|jours de semaine|weekdays|on weekdays)\b")

_MONTH_WORDS = re.compile(
    r"\b(?:du mois|de chaque mois|de tous les mois|chaque mois|par mois|tous les mois"
    r"|of the month|of each month|of every month|every month|each month|monthly|mensuel(?:le)?)\b"
)

_WEEK_WORDS = re.compile(
    r"\b(?:chaque semaine|toutes les semaines|par semaine|every week|each week|weekly"
    r"|hebdomadaire)\b"
)

_FILLER_WORDS = (
    "le les la l' de d' du des tous toutes tout chaque et a au aux ou the every each on and "
    "of or in at from , ; & + / -"
)

_FILLER = frozenset(_FILLER_WORDS.split())


@dataclass(frozen=True)
class Recurrence:
    """When a permanence recurs, as read from words."""

    weekdays: tuple[int, ...]
    """Monday is 0."""
    interval: int = 1
    ordinals: tuple[int, ...] = ()
    """Monthly: which of the month's weekdays (1 first, -1 last); empty: weekly."""
    hours: tuple[dt.time, dt.time] | None = None
    start: dt.date | None = None
    until: dt.date | None = None

    @property
    def rrule(self) -> str:
        """The RFC 5545 rule (without its first date)."""
        if self.ordinals:
            days = ",".join(f"{o}{_CODES[d]}" for o in self.ordinals for d in self.weekdays)
            freq = "MONTHLY"
        else:
            days = ",".join(_CODES[d] for d in self.weekdays)
            freq = "WEEKLY"
        interval = f";INTERVAL={self.interval}" if self.interval > 1 else ""
        return f"FREQ={freq}{interval};BYDAY={days}"


@dataclass(frozen=True)
class RecurrenceProblem:
    """Why the words were not read: ``unknown`` (``words`` were not understood), ``no_day``
    (no day of the week), ``hours`` (the end is not after the start, or an hour that does
    not exist), ``date`` (``words`` is not a date), ``until`` (the end before the start)."""

    reason: str
    words: str = ""


def plain(text: str) -> str:
    """Lower case, without accents, one kind of apostrophe and dash."""
    text = text.lower().replace("’", "'").replace("–", "-").replace("—", "-")
    decomposed = unicodedata.normalize("NFKD", text)
    return " ".join("".join(c for c in decomposed if not unicodedata.combining(c)).split())


def _time(text: str) -> dt.time | None:
    match = _ONE_TIME.match(text.strip())
    if match is None:
        return None
    hour, minute = int(match[1]), int(match[2] or 0)
    if match[3]:
        if not 1 <= hour <= 12:
            return None
        hour = hour % 12 + (12 if match[3] == "pm" else 0)
    try:
        return dt.time(hour, minute)
    except ValueError:
        return None


def parse_times(text: str) -> tuple[dt.time, dt.time] | RecurrenceProblem | None:
    """``14h-17h``, ``de 14h à 17h``, ``9h30 - 12h``, ``14:00-17:00``, ``2pm to 5pm``;
    ``None`` when there are no hours in ``text``."""
    return split_times(text)[0]


def split_times(text: str) -> tuple[tuple[dt.time, dt.time] | RecurrenceProblem | None, str]:
    """The hours in ``text`` (as :func:`parse_times`) and the rest of it (in plain form)."""
    rest = plain(text)
    match = _HOURS.search(rest)
    if match is None:
        return None, rest
    hours = _hours(match)
    return hours, (rest if hours is None else _cut(rest, match).strip())


def _hours(match: re.Match[str]) -> tuple[dt.time, dt.time] | RecurrenceProblem | None:
    a, b = match["a"], match["b"]
    if not any(mark in a + b for mark in ("h", ":", "am", "pm")):
        return None  # two bare numbers: not hours
    if b.strip().endswith(("am", "pm")) and not a.strip().endswith(("am", "pm")):
        a += b.strip()[-2:]  # "2-5pm"
    opens, closes = _time(a), _time(b)
    if opens is None or closes is None or closes <= opens:
        return RecurrenceProblem("hours", match[0].strip())
    return opens, closes


def _cut(text: str, match: re.Match[str], keep: str = "") -> str:
    return f"{text[: match.start()]} {keep} {text[match.end() :]}"


def _monthly(rest: str, weekdays: list[int], ordinals: list[int]) -> str:
    """Take "le premier et le troisième mardi" out of ``rest`` into the lists."""
    while match := _MONTHLY.search(rest):
        for word in re.split(r"\s*(?:,|et|and|&)\s*(?:le\s+|the\s+)?", match["ords"]):
            if word and _ORDINALS[word] not in ordinals:
                ordinals.append(_ORDINALS[word])
        weekdays.append(_WEEKDAYS[match["day"]])
        rest = _cut(rest, match)
    return rest


def parse_date(text: str, today: dt.date, tz: dt.tzinfo) -> dt.date | None:
    """A date alone (``5 janvier``, ``05/01``, ``5 January 2027``): without a year, the
    next such date from ``today``."""
    now = dt.datetime.combine(today, dt.time(), tzinfo=tz)
    moment = parse_moment(text, now, tz, day_only=dt.time(12))
    return None if isinstance(moment, DateProblem) else moment.date()


_NOW = re.compile(
    r"\b(?:des maintenant|des aujourd'hui|maintenant|aujourd'hui|now|today|right away"
    r"|sans fin|sans date de fin|no end|pas de fin)\b"
)


def parse_period(
    text: str, today: dt.date, tz: dt.tzinfo
) -> tuple[dt.date | None, dt.date | None] | RecurrenceProblem:
    """Only a start and an end: "à partir du 5 janvier jusqu'au 30 juin", "du 05/01 au
    30/06", "dès maintenant", "jusqu'au 30 juin"; ``None`` for what is not said."""
    read = parse_recurrence(f"{text} lundi", today, tz)
    if isinstance(read, RecurrenceProblem):
        if read.reason == "unknown":
            rest = _NOW.sub(" ", f" {plain(read.words)} ")
            if not rest.strip() or rest.split() == ["lundi"]:
                return parse_period(_NOW.sub(" ", plain(text)), today, tz)
        return read
    if read.hours is not None or read.weekdays != (0,) or read.interval != 1 or read.ordinals:
        return RecurrenceProblem("unknown", text.strip())
    return read.start, read.until


def parse_recurrence(text: str, today: dt.date, tz: dt.tzinfo) -> Recurrence | RecurrenceProblem:
    """Read a recurrence in French or English words (see the module's examples)."""
    rest = f" {plain(text)} "
    start = until = None
    if match := _START.search(rest):
        start = parse_date(match["date"], today, tz)
        if start is None:
            return RecurrenceProblem("date", match["date"])
        rest = _cut(rest, match)
    if match := _UNTIL.search(rest):
        until = parse_date(match["date"], start or today, tz)
        if until is None:
            return RecurrenceProblem("date", match["date"])
        rest = _cut(rest, match)
    if start is not None and until is not None and until < start:
        return RecurrenceProblem("until")
    hours = None
    if match := _HOURS.search(rest):
        read = _hours(match)
        if isinstance(read, RecurrenceProblem):
            return read
        if read is not None:
            hours = read
            rest = _cut(rest, match)
    weekdays: list[int] = []
    ordinals: list[int] = []
    interval = 1
    # "every second Tuesday of the month" is monthly; "every second Tuesday" a fortnight.
    if _MONTH_WORDS.search(rest):
        rest = _monthly(rest, weekdays, ordinals)
    for pattern, fixed in _INTERVALS:
        if match := pattern.search(rest):
            interval = fixed or _NUMBERS[match["n"]]
            day = match.groupdict().get("day")
            rest = _cut(rest, match, day if day in _WEEKDAYS else "")
            break
    rest = _monthly(rest, weekdays, ordinals)
    if match := _RANGE.search(rest):
        first, last = _WEEKDAYS[match["a"]], _WEEKDAYS[match["b"]]
        weekdays += [d % 7 for d in range(first, last + (1 if last >= first else 8))]
        rest = _cut(rest, match)
    if match := _EVERY_DAY.search(rest):
        weekdays += range(7)
        rest = _cut(rest, match)
    if match := _WEEK_DAYS.search(rest):
        weekdays += range(5)
        rest = _cut(rest, match)
    rest = _MONTH_WORDS.sub(" ", rest) if ordinals or interval > 1 else rest
    rest = _WEEK_WORDS.sub(" ", rest)
    unknown: list[str] = []
    for word in re.findall(r"[a-z0-9'&+/-]+|[,;]", rest):
        if word in _WEEKDAYS:
            weekdays.append(_WEEKDAYS[word])
        elif word not in _FILLER:
            unknown.append(word)
    times = [w for w in unknown if re.fullmatch(r"\d{1,2}(?:h\d{0,2}|:\d{2})", w)]
    if times:  # "à 14h": an opening without a closing
        return RecurrenceProblem("hours", " ".join(times))
    if unknown:
        # Named back as typed, accents included.
        typed = {plain(w).strip(",;."): w.strip(",;.") for w in text.split()}
        return RecurrenceProblem("unknown", " ".join(typed.get(w, w) for w in unknown))
    if not weekdays:
        return RecurrenceProblem("no_day")
    days = tuple(sorted(set(weekdays)))
    return Recurrence(days, interval, tuple(sorted(ordinals, key=lambda o: (o < 0, o))),
                      hours, start, until)  # fmt: skip


# --- saying it back ---------------------------------------------------------------------


def _day_names(tr: Translator, days: list[int]) -> str:
    names = get_day_names("wide", locale=tr.locale)
    return _joined(tr, [str(names[d]) for d in days])


def _joined(tr: Translator, words: list[str]) -> str:
    if len(words) == 1:
        return words[0]
    return tr._("{first} et {last}").format(first=", ".join(words[:-1]), last=words[-1])


def _ordinal(tr: Translator, n: int) -> str:
    return {
        1: tr._("premier"), 2: tr._("deuxième"), 3: tr._("troisième"), 4: tr._("quatrième"),
        -1: tr._("dernier"), -2: tr._("avant-dernier"),
    }.get(n, str(n))  # fmt: skip


def describe(rrule: str, tr: Translator) -> str:
    """A rule of the shapes read above, in words: "chaque mercredi", "le mercredi, toutes
    les 2 semaines", "le premier mardi du mois"; another rule as it is written."""
    parts = dict(p.split("=", 1) for p in rrule.upper().split(";") if "=" in p)
    interval = int(parts.get("INTERVAL", "1") or 1)
    byday = [d for d in parts.get("BYDAY", "").split(",") if d]
    found = [re.fullmatch(r"([+-]?\d)?(MO|TU|WE|TH|FR|SA|SU)", d) for d in byday]
    if not byday or any(f is None for f in found) or set(parts) - {"FREQ", "INTERVAL", "BYDAY"}:
        return rrule
    if parts.get("FREQ") == "WEEKLY":
        days = _day_names(tr, sorted({_CODES.index(f[2]) for f in found if f}))
        if interval == 1:
            return tr._("chaque {days}").format(days=days)
        return tr._("le {days}, toutes les {n} semaines").format(days=days, n=interval)
    if parts.get("FREQ") == "MONTHLY" and all(f and f[1] for f in found):
        names = get_day_names("wide", locale=tr.locale)
        by_day: dict[int, list[str]] = {}
        for f in found:
            if f:
                by_day.setdefault(_CODES.index(f[2]), []).append(_ordinal(tr, int(f[1])))
        which = [
            tr._("{ordinal} {weekday}").format(ordinal=_joined(tr, o), weekday=names[d])
            for d, o in sorted(by_day.items())
        ]
        words = _joined(tr, which)
        if interval == 1:
            return tr._("le {which} du mois").format(which=words)
        return tr._("le {which} du mois, tous les {n} mois").format(which=words, n=interval)
    return rrule


def problem_text(problem: RecurrenceProblem, tr: Translator) -> str:
    """What the coordinator is told when the words were not read."""
    if problem.reason == "unknown":
        return tr._("Je n'ai pas compris « {words} ».").format(words=esc(problem.words[:60]))
    if problem.reason == "date":
        return tr._("« {words} » n'est pas une date que je reconnais (par exemple 5 janvier "
                    "ou 05/01).").format(words=esc(problem.words[:30]))  # fmt: skip
    if problem.reason == "hours":
        return tr._("Horaires non compris : « {words} ». L'heure de fin doit être après "
                    "l'heure de début (par exemple 14h-17h).").format(
            words=esc(problem.words[:30]))  # fmt: skip
    if problem.reason == "until":
        return tr._("La date de fin est avant la date de début.")
    return tr._("Il manque le jour de la semaine (par exemple « le mercredi »).")
