"""Territory packs: the editable description of one deployment.

A pack is a folder under ``content/`` holding YAML files a coordinator can edit
in a text editor. It is loaded once at start into frozen, typed models; any
problem is reported with the file, the entry and the field so that the person
who edited the file can find and fix it without reading Python.

Files of a pack (all UTF-8 YAML):

``territory.yaml``  the service: names, description, timezone, languages,
                    opening hours, how to reach the service
``places.yaml``     quartiers with their résidences, and the bailleurs
``teams.yaml``      the teams requests are routed to
``themes.yaml``     the themes answers and requests are filed under
``partners.yaml``   the places to go: institutions, associations, offices
``numbers.yaml``    emergency and listening numbers (only from FACTS.md)
``events.yaml``     optional: events declared in the pack, published at start
"""

from __future__ import annotations

import datetime as dt
import re
import zoneinfo
from dataclasses import dataclass, field
from pathlib import Path
from typing import Annotated, Any, Literal

import yaml
from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    ValidationError,
    field_validator,
    model_validator,
)

LANGUAGES: tuple[str, ...] = ("fr", "en")
"""Interface languages, French first."""

_ID = r"^[a-z0-9][a-z0-9_-]{0,39}$"
Identifier = Annotated[str, Field(pattern=_ID)]
"""A short lowercase id used in files, buttons and the database (``sante``, ``sic``)."""

_PHONE = re.compile(r"^\+?[0-9][0-9 ]{0,18}[0-9]$")


def _check_phone(value: str) -> str:
    if not _PHONE.match(value):
        raise ValueError("a phone number has digits and spaces only, e.g. '05 30 30' or '3114'")
    return value


PhoneNumber = Annotated[str, AfterValidator(_check_phone)]


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True)


class Text(_Model):
    """A piece of text in French (required) and English (expected)."""

    fr: str = Field(min_length=1)
    en: str | None = None

    def get(self, language: str) -> str:
        """The text in ``language``, falling back to French."""
        if language == "en" and self.en:
            return self.en
        return self.fr


Weekday = Literal["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
WEEKDAYS: tuple[Weekday, ...] = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


class OpeningSlot(_Model):
    """The service is open on ``days`` from ``opens`` to ``closes`` (local time)."""

    days: tuple[Weekday, ...] = Field(min_length=1)
    opens: dt.time
    closes: dt.time

    @model_validator(mode="after")
    def _ordered(self) -> OpeningSlot:
        if self.closes <= self.opens:
            raise ValueError("'closes' must be after 'opens'")
        return self


class Territory(_Model):
    """``territory.yaml``: who the service is and when it works."""

    id: Identifier
    name: Text
    service: Text
    description: Text
    timezone: str
    default_language: Literal["fr", "en"] = "fr"
    opening_hours: tuple[OpeningSlot, ...] = ()
    contact: Text
    """How to reach the service in person (where no address is confirmed, who to ask)."""
    phone_prefix: str = Field(pattern=r"^\+[0-9]{1,4}$")
    """International prefix of the territory's phone numbers (+33, +687)."""
    phone_digits: int = Field(ge=5, le=12)
    """How many digits a local phone number has (10 in France, 6 in New Caledonia)."""
    reminders: tuple[Annotated[str, Field(pattern=r"^[1-9][0-9]?[dhm]$")], ...] = ("1d", "2h")
    """When registered people are reminded of an event: "1d" the day before at the same
    local time, "2h" two hours before, "30m"..."""
    retention_days: int = Field(default=365, ge=30, le=1095)
    """After this many days without activity, what we keep about a person is erased."""
    address: Literal["vous", "tu"] = Field(default="vous", alias="register")
    """``register:`` in the file: how the bot speaks French, "tu" (as youth lines do) or
    "vous"."""
    content_loop: bool = False
    """Opt-in: questions the bot could not answer are kept 30 days, without any link to
    the person, for coordinators to see (/sans_reponse); said in /confidentialite."""

    @field_validator("timezone")
    @classmethod
    def _known_timezone(cls, value: str) -> str:
        try:
            zoneinfo.ZoneInfo(value)
        except (zoneinfo.ZoneInfoNotFoundError, ValueError) as exc:
            raise ValueError(f"unknown timezone {value!r} (e.g. 'Europe/Paris')") from exc
        return value


class Residence(_Model):
    id: Identifier
    name: str = Field(min_length=1)
    bailleur: Identifier | None = None


class Quartier(_Model):
    id: Identifier
    name: str = Field(min_length=1)
    residences: tuple[Residence, ...] = ()


class Bailleur(_Model):
    id: Identifier
    name: str = Field(min_length=1)
    description: Text | None = None


class Places(_Model):
    """``places.yaml``: the quartiers, their résidences and the bailleurs."""

    bailleurs: tuple[Bailleur, ...] = ()
    quartiers: tuple[Quartier, ...] = Field(min_length=1)


class Team(_Model):
    id: Identifier
    name: Text
    description: Text


class Teams(_Model):
    """``teams.yaml``."""

    teams: tuple[Team, ...] = Field(min_length=1)


class Theme(_Model):
    id: Identifier
    name: Text
    emoji: str = ""


class Themes(_Model):
    """``themes.yaml``."""

    themes: tuple[Theme, ...] = Field(min_length=1)


class Partner(_Model):
    """A place to go. Unknown facts are left out, never guessed."""

    id: Identifier
    name: Text
    description: Text
    themes: tuple[Identifier, ...] = ()
    quartier: Identifier | None = None
    address: str | None = None
    phone: PhoneNumber | None = None
    hours: Text | None = None
    website: str | None = Field(default=None, pattern=r"^https://")
    latitude: float | None = Field(default=None, ge=-90, le=90)
    longitude: float | None = Field(default=None, ge=-180, le=180)

    @model_validator(mode="after")
    def _coordinates_in_pairs(self) -> Partner:
        if (self.latitude is None) != (self.longitude is None):
            raise ValueError("give both 'latitude' and 'longitude', or neither")
        return self


class Partners(_Model):
    """``partners.yaml``."""

    partners: tuple[Partner, ...] = ()


class HelpNumber(_Model):
    """An emergency or listening number. Every number must come from FACTS.md."""

    id: Identifier
    number: PhoneNumber
    kind: Literal["emergency", "listening"]
    label: Text
    hours: Text | None = None
    note: Text | None = None
    sms: bool = False
    """The number takes text messages (114, silent alerts)."""


class Numbers(_Model):
    """``numbers.yaml``: emergency numbers first, then listening lines."""

    numbers: tuple[HelpNumber, ...] = Field(min_length=1)


class Phrases(_Model):
    """Lists of phrases in French and English."""

    fr: tuple[str, ...] = ()
    en: tuple[str, ...] = ()

    def get(self, language: str) -> tuple[str, ...]:
        return self.en if language == "en" else self.fr


class Answer(_Model):
    """One entry of the knowledge base."""

    id: Identifier
    title: Text
    questions: Phrases
    """How people ask it, in their own words: what free text is matched against."""
    keywords: Phrases = Phrases()
    answer: Text
    partners: tuple[Identifier, ...] = ()
    see_also: tuple[Identifier, ...] = ()

    @model_validator(mode="after")
    def _enough(self) -> Answer:
        if len(self.questions.fr) < 2:
            raise ValueError("give at least 2 French questions")
        for language in LANGUAGES:
            text = self.answer.get(language)
            if len(text) > 1000:
                raise ValueError(f"the {language} answer is {len(text)} characters: keep it "
                                 "under 1000 (a phone screen)")  # fmt: skip
        return self


class AnswerFile(_Model):
    """``answers/<theme>.yaml``."""

    theme: Identifier
    entries: tuple[Answer, ...] = Field(min_length=1)


class CrisisCategory(_Model):
    """A kind of crisis, as this territory answers it: who to call, and what to say."""

    id: Identifier
    emergency: Identifier
    """The one number that fits, called first on the urgent card (an id of numbers.yaml)."""
    listening: tuple[Identifier, ...] = ()
    """The listening and help lines that fit, after it."""
    subject: Identifier = "autre"
    """The subject of the urgent request made from the card: a theme or an extra subject."""
    message: Text
    """A short, calm, reviewed sentence to a person who speaks of themselves."""
    message_other: Text
    """The same, to a person who speaks of someone else ("your friend")."""
    patterns: Phrases = Phrases()
    """Local words that reveal this crisis, added to the shared rules of
    ``content/common/crisis.yaml``: ``*`` ends a word prefix (``suicid*``), ``...``
    stands for up to three words (``mon pere ... frappe``)."""
    combinations: tuple[tuple[tuple[str, ...], ...], ...] = ()
    """Groups of words that together reveal the crisis when each group has a word within
    a few words of the others: ``[[pere, mere, copain], [frapp*, tap*, cogn*]]``. Groups
    may mix French and English words."""
    child: bool = False
    """A disclosure that may concern a child: the staff's safeguarding procedure applies."""

    @property
    def numbers(self) -> tuple[Identifier, ...]:
        """The card's numbers, the emergency one first."""
        return (self.emergency, *(n for n in self.listening if n != self.emergency))


class Crisis(_Model):
    """``crisis.yaml``."""

    categories: tuple[CrisisCategory, ...] = Field(min_length=1)
    figurative: Phrases = Phrases()
    """Expressions that sound dark but are not ("mort de rire"): removed before matching."""


PROFILES: tuple[str, ...] = ("young", "resident", "parent")
"""Who is asking, when a pack routes by it: a young person, a resident, a parent."""
SUBJECTS_EXTRA: tuple[str, ...] = ("conflit", "famille", "autre")
"""Request subjects besides the pack's themes: a neighbour conflict, family and violence
(the subject of urgent requests made from a crisis card), something else."""


class RoutingRule(_Model):
    """Send requests matching every given condition to ``team``; no condition = all."""

    team: Identifier
    subjects: tuple[Identifier, ...] = ()
    profiles: tuple[Literal["young", "resident", "parent"], ...] = ()
    quartiers: tuple[Identifier, ...] = ()
    urgent: bool | None = None


class Delays(_Model):
    """How long a request may wait unclaimed, in the service's opening hours."""

    normal_minutes: int = Field(default=240, ge=5, le=10080)
    urgent_minutes: int = Field(default=15, ge=1, le=240)
    escalate_after: int = Field(default=2, ge=1, le=10)
    """Re-announcements before the coordinators are told."""


class Routing(_Model):
    """``routing.yaml``: which team a callback request goes to. First matching rule wins."""

    ask_profile: bool = False
    ask_quartier: bool = False
    delays: Delays = Delays()
    rules: tuple[RoutingRule, ...] = Field(min_length=1)

    @model_validator(mode="after")
    def _catch_all_last(self) -> Routing:
        last = self.rules[-1]
        if last.subjects or last.profiles or last.quartiers or last.urgent is not None:
            raise ValueError("the last rule must have no condition (it takes every request left)")
        return self

    def route(self, subject: str, profile: str | None, quartier: str | None, urgent: bool) -> str:
        """The team for a request."""
        for rule in self.rules:
            if rule.subjects and subject not in rule.subjects:
                continue
            if rule.profiles and profile not in rule.profiles:
                continue
            if rule.quartiers and quartier not in rule.quartiers:
                continue
            if rule.urgent is not None and rule.urgent != urgent:
                continue
            return rule.team
        return self.rules[-1].team


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
    rrule: str
    """When it recurs, as an RFC 5545 rule: ``FREQ=WEEKLY;BYDAY=TU``, every other week
    ``FREQ=WEEKLY;INTERVAL=2;BYDAY=WE``, first Wednesday ``FREQ=MONTHLY;BYDAY=1WE``."""
    start: dt.date
    opens: dt.time
    closes: dt.time
    changes: tuple[PermanenceChange, ...] = ()

    @field_validator("rrule")
    @classmethod
    def _valid_rule(cls, value: str) -> str:
        from dateutil.rrule import rrulestr

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
    """One of :data:`bot.events.kinds.KIND_IDS`."""
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


class SharedCrisisCategory(_Model):
    id: Identifier
    patterns: Phrases = Phrases()
    combinations: tuple[tuple[tuple[str, ...], ...], ...] = ()


class SharedCrisis(_Model):
    """``content/common/crisis.yaml``: crisis rules every territory inherits."""

    categories: tuple[SharedCrisisCategory, ...] = ()
    figurative: Phrases = Phrases()


def merge_crisis(own: Crisis, shared: SharedCrisis) -> Crisis:
    """The pack's crisis lexicon with the shared rules of the same categories added."""
    by_id = {c.id: c for c in shared.categories}
    categories = []
    for category in own.categories:
        common = by_id.get(category.id)
        if common is not None:
            category = category.model_copy(
                update={
                    "patterns": Phrases(
                        fr=category.patterns.fr + common.patterns.fr,
                        en=category.patterns.en + common.patterns.en,
                    ),
                    "combinations": category.combinations + common.combinations,
                }
            )
        categories.append(category)
    figurative = Phrases(
        fr=own.figurative.fr + shared.figurative.fr, en=own.figurative.en + shared.figurative.en
    )
    return own.model_copy(update={"categories": tuple(categories), "figurative": figurative})


class Synonyms(_Model):
    """``synonyms.yaml``: each word on the left stands for all the words on its right."""

    fr: dict[str, tuple[str, ...]] = Field(default_factory=dict)
    en: dict[str, tuple[str, ...]] = Field(default_factory=dict)

    def get(self, language: str) -> dict[str, tuple[str, ...]]:
        return self.en if language == "en" else self.fr


class LanguageLexicon(_Model):
    expansions: dict[str, str] = Field(default_factory=dict)
    """A word as typed (SMS, youth spelling) → the words it stands for."""
    stopwords: tuple[str, ...] = ()


class Lexicon(_Model):
    """``content/common/lexicon.yaml``: how people write, shared by every pack."""

    fr: LanguageLexicon = LanguageLexicon()
    en: LanguageLexicon = LanguageLexicon()

    def get(self, language: str) -> LanguageLexicon:
        return self.en if language == "en" else self.fr


@dataclass(frozen=True)
class Phrasing:
    """One way of asking: the entry or intent it is for, its language, the text."""

    label: str
    language: str
    text: str


INTENTS: tuple[str, ...] = (
    "greeting", "thanks", "goodbye", "help", "privacy", "callback", "permanences", "events",
    "signup", "my_requests", "erase", "language", "boundary",
)  # fmt: skip
"""What a person can ask of the bot itself, in their own words (``none``: a question)."""
NO_INTENT = "none"


def read_phrasings(file: Path, head: str, labels: set[str], problems: list[str]) -> list[Phrasing]:
    """A tab-separated file ``<head>\tlang\ttext``; each bad line is one problem naming
    the file, the line and the field."""
    try:
        lines = file.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as exc:
        problems.append(f"{file}: cannot be read ({exc})")
        return []
    if not lines or lines[0].strip().split("\t") != [head, "lang", "text"]:
        problems.append(f"{file}: line 1: the header must be {head}<tab>lang<tab>text")
        return []
    found: list[Phrasing] = []
    for number, line in enumerate(lines[1:], start=2):
        if not line.strip() or line.startswith("#"):
            continue
        fields = line.split("\t")
        if len(fields) != 3:
            problems.append(f"{file}: line {number}: 3 fields separated by tabs, not "
                            f"{len(fields)}")  # fmt: skip
            continue
        label, language, text = (f.strip() for f in fields)
        if label not in labels:
            problems.append(f"{file}: line {number}: {head} {label!r} does not exist")
        elif language not in LANGUAGES:
            problems.append(f"{file}: line {number}: lang must be fr or en, not {language!r}")
        elif not text:
            problems.append(f"{file}: line {number}: the text is empty")
        else:
            found.append(Phrasing(label, language, text))
    return found


@dataclass(frozen=True)
class Pack:
    """A loaded, validated territory pack."""

    path: Path
    territory: Territory
    places: Places
    teams: Teams
    themes: Themes
    partners: Partners
    numbers: Numbers
    answers: tuple[tuple[str, Answer], ...] = ()
    """(theme id, entry) for every entry of every ``answers/*.yaml``."""
    crisis: Crisis | None = None
    routing: Routing | None = None
    permanences: Permanences = field(default_factory=Permanences)
    events: PackEvents = field(default_factory=PackEvents)
    synonyms: Synonyms = field(default_factory=Synonyms)
    lexicon: Lexicon = field(default_factory=Lexicon)
    phrasings: tuple[Phrasing, ...] = ()
    """More ways of asking for each entry (``questions/*.tsv``): the matcher learns from
    them and from the entries' own questions."""
    out_of_scope: tuple[Phrasing, ...] = ()
    """What no entry answers (``common/out_of_scope*.tsv``): "I don't know" is honest."""
    intent_phrasings: tuple[Phrasing, ...] = ()
    """Ways of asking for the bot's own functions: ``common/intent_corpus*.tsv``, then the
    pack's own ``intents.tsv``."""

    @property
    def id(self) -> str:
        return self.territory.id

    @property
    def tz(self) -> zoneinfo.ZoneInfo:
        return zoneinfo.ZoneInfo(self.territory.timezone)

    def quartier(self, quartier_id: str) -> Quartier | None:
        return next((q for q in self.places.quartiers if q.id == quartier_id), None)

    def theme(self, theme_id: str) -> Theme | None:
        return next((t for t in self.themes.themes if t.id == theme_id), None)

    def partner(self, partner_id: str) -> Partner | None:
        return next((p for p in self.partners.partners if p.id == partner_id), None)

    def answer(self, answer_id: str) -> Answer | None:
        return next((a for _, a in self.answers if a.id == answer_id), None)

    def theme_of(self, answer_id: str) -> str | None:
        return next((t for t, a in self.answers if a.id == answer_id), None)

    def answers_in(self, theme_id: str) -> tuple[Answer, ...]:
        return tuple(a for t, a in self.answers if t == theme_id)

    def number(self, number_id: str) -> HelpNumber | None:
        return next((n for n in self.numbers.numbers if n.id == number_id), None)

    def crisis_category(self, category_id: str) -> CrisisCategory | None:
        if self.crisis is None:
            return None
        return next((c for c in self.crisis.categories if c.id == category_id), None)

    def emergency_numbers(self) -> tuple[HelpNumber, ...]:
        return tuple(n for n in self.numbers.numbers if n.kind == "emergency")

    def listening_numbers(self) -> tuple[HelpNumber, ...]:
        return tuple(n for n in self.numbers.numbers if n.kind == "listening")


class ContentError(Exception):
    """A pack could not be loaded. ``problems`` are human-readable, one per issue."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("\n".join(problems))
        self.problems = problems


_FILES: dict[str, type[_Model]] = {
    "territory.yaml": Territory,
    "places.yaml": Places,
    "teams.yaml": Teams,
    "themes.yaml": Themes,
    "partners.yaml": Partners,
    "numbers.yaml": Numbers,
}


def _describe_location(data: Any, loc: tuple[int | str, ...]) -> str:
    """Turn a pydantic location into ``partners[3] (id: cafat) → phone``."""
    parts: list[str] = []
    node = data
    for step in loc:
        if isinstance(step, int):
            label = f"[{step + 1}]"
            if isinstance(node, list) and step < len(node):
                node = node[step]
                if isinstance(node, dict) and "id" in node:
                    label += f" (id: {node['id']})"
            else:
                node = None
            parts.append(label)
        else:
            parts.append(f" → {step}" if parts else str(step))
            node = node.get(step) if isinstance(node, dict) else None
    return "".join(parts) or "(whole file)"


def _read_yaml(path: Path, problems: list[str]) -> Any:
    try:
        with path.open(encoding="utf-8") as fh:
            return yaml.safe_load(fh)
    except FileNotFoundError:
        problems.append(f"{path}: file missing")
    except UnicodeDecodeError:
        problems.append(f"{path}: not UTF-8 text (save it as UTF-8)")
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        reason = getattr(exc, "problem", None) or str(exc)
        problems.append(f"{path}:{where}: not valid YAML ({reason})")
    return None


def _validate(path: Path, model: type[_Model], problems: list[str]) -> Any:
    data = _read_yaml(path, problems)
    if data is None:
        if path.exists() and not problems:
            problems.append(f"{path}: file is empty")
        return None
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        for err in exc.errors():
            where = _describe_location(data, tuple(err["loc"]))
            problems.append(f"{path}: {where}: {err['msg']}")
        return None


def _cross_check(pack: Pack) -> list[str]:
    """References between files: every id used must be defined, ids unique."""
    problems: list[str] = []
    base = pack.path

    def unique(file: str, kind: str, ids: list[str]) -> None:
        seen: set[str] = set()
        for item in ids:
            if item in seen:
                problems.append(f"{base / file}: {kind} id {item!r} is used twice")
            seen.add(item)

    unique("places.yaml", "quartier", [q.id for q in pack.places.quartiers])
    unique(
        "places.yaml",
        "résidence",
        [r.id for q in pack.places.quartiers for r in q.residences],
    )
    unique("places.yaml", "bailleur", [b.id for b in pack.places.bailleurs])
    unique("teams.yaml", "team", [t.id for t in pack.teams.teams])
    unique("themes.yaml", "theme", [t.id for t in pack.themes.themes])
    unique("partners.yaml", "partner", [p.id for p in pack.partners.partners])
    unique("numbers.yaml", "number", [n.id for n in pack.numbers.numbers])

    bailleurs = {b.id for b in pack.places.bailleurs}
    for q in pack.places.quartiers:
        for r in q.residences:
            if r.bailleur and r.bailleur not in bailleurs:
                problems.append(
                    f"{base / 'places.yaml'}: quartier {q.id} → résidence {r.id} → bailleur: "
                    f"{r.bailleur!r} is not defined under 'bailleurs'"
                )
    themes = {t.id for t in pack.themes.themes}
    quartiers = {q.id for q in pack.places.quartiers}
    for p in pack.partners.partners:
        for theme in p.themes:
            if theme not in themes:
                problems.append(
                    f"{base / 'partners.yaml'}: partner {p.id} → themes: "
                    f"{theme!r} is not defined in themes.yaml"
                )
        if p.quartier and p.quartier not in quartiers:
            problems.append(
                f"{base / 'partners.yaml'}: partner {p.id} → quartier: "
                f"{p.quartier!r} is not defined in places.yaml"
            )
    unique("answers/", "answer", [a.id for _, a in pack.answers])
    partners = {p.id for p in pack.partners.partners}
    answer_ids = {a.id for _, a in pack.answers}
    for theme, entry in pack.answers:
        where = f"{base / 'answers'}/{theme}: entry {entry.id}"
        if theme not in themes:
            problems.append(f"{where}: theme {theme!r} is not defined in themes.yaml")
        for partner in entry.partners:
            if partner not in partners:
                problems.append(f"{where} → partners: {partner!r} is not defined in partners.yaml")
        for other in entry.see_also:
            if other not in answer_ids:
                problems.append(f"{where} → see_also: no entry {other!r}")
    teams = {t.id for t in pack.teams.teams}
    subjects = themes | set(SUBJECTS_EXTRA)
    for i, rule in enumerate(pack.routing.rules if pack.routing else (), 1):
        where = f"{base / 'routing.yaml'}: rules[{i}]"
        if rule.team not in teams:
            problems.append(f"{where} → team: {rule.team!r} is not defined in teams.yaml")
        for subject in rule.subjects:
            if subject not in subjects:
                problems.append(
                    f"{where} → subjects: {subject!r} is neither a theme nor one of "
                    f"{', '.join(SUBJECTS_EXTRA)}"
                )
        for quartier in rule.quartiers:
            if quartier not in quartiers:
                problems.append(f"{where} → quartiers: {quartier!r} is not in places.yaml")
    unique("permanences.yaml", "permanence", [p.id for p in pack.permanences.permanences])
    for permanence in pack.permanences.permanences:
        where = f"{base / 'permanences.yaml'}: permanence {permanence.id}"
        if permanence.team not in teams:
            problems.append(f"{where} → team: {permanence.team!r} is not in teams.yaml")
        if permanence.quartier and permanence.quartier not in quartiers:
            problems.append(f"{where} → quartier: {permanence.quartier!r} is not in places.yaml")
        if permanence.theme and permanence.theme not in themes:
            problems.append(f"{where} → theme: {permanence.theme!r} is not in themes.yaml")
        if permanence.partner and permanence.partner not in partners:
            problems.append(f"{where} → partner: {permanence.partner!r} is not in partners.yaml")
    problems += _cross_check_events(pack, quartiers)
    problems += _cross_check_crisis(pack, base, themes)
    if pack.territory.id != base.name:
        problems.append(
            f"{base / 'territory.yaml'}: id: {pack.territory.id!r} must match the folder "
            f"name {base.name!r}"
        )
    if not pack.emergency_numbers():
        problems.append(f"{base / 'numbers.yaml'}: numbers: no emergency number is listed")
    return problems


def _cross_check_crisis(pack: Pack, base: Path, themes: set[str]) -> list[str]:
    """Every kind of crisis the check can recognise has a card, with numbers that exist."""
    from bot.answers.matching.triage import CATEGORIES

    problems: list[str] = []
    if pack.crisis is None:
        return problems
    where = base / "crisis.yaml"
    numbers = {n.id: n for n in pack.numbers.numbers}
    ids = [c.id for c in pack.crisis.categories]
    for missing in (c for c in CATEGORIES if c not in ids):
        problems.append(f"{where}: categories: no card for {missing!r} (every kind of crisis "
                        f"needs one: {', '.join(CATEGORIES)})")  # fmt: skip
    for unknown in (c for c in ids if c not in CATEGORIES):
        problems.append(f"{where}: category {unknown} → id: not a kind of crisis the check "
                        f"recognises ({', '.join(CATEGORIES)})")  # fmt: skip
    for category in pack.crisis.categories:
        if category.emergency in numbers and numbers[category.emergency].kind != "emergency":
            problems.append(f"{where}: category {category.id} → emergency: "
                            f"{category.emergency!r} is not an emergency number")  # fmt: skip
        for key, values in (("emergency", (category.emergency,)),
                            ("listening", category.listening)):  # fmt: skip
            for number in values:
                if number not in numbers:
                    problems.append(f"{where}: category {category.id} → {key}: "
                                    f"{number!r} is not defined in numbers.yaml")  # fmt: skip
        if category.subject not in themes and category.subject not in SUBJECTS_EXTRA:
            problems.append(f"{where}: category {category.id} → subject: "
                            f"{category.subject!r} is neither a theme nor one of "
                            f"{', '.join(SUBJECTS_EXTRA)}")  # fmt: skip
    return problems


def _cross_check_events(pack: Pack, quartiers: set[str]) -> list[str]:
    """``events.yaml`` against the code's event kinds and the pack's quartiers."""
    from bot.events.kinds import KIND_IDS, kind

    problems: list[str] = []
    seen: set[str] = set()
    for event in pack.events.events:
        where = f"{pack.path / 'events.yaml'}: event {event.id}"
        if event.id in seen:
            problems.append(f"{pack.path / 'events.yaml'}: event id {event.id!r} is used twice")
        seen.add(event.id)
        found = kind(event.kind)
        if found is None:
            problems.append(f"{where} → kind: {event.kind!r} is not one of {', '.join(KIND_IDS)}")
        elif event.unit is not None and event.unit not in found.units:
            problems.append(
                f"{where} → unit: a {event.kind} counts {' or '.join(found.units)}, "
                f"not {event.unit!r}"
            )
        if event.categories and event.kind != "tournament":
            problems.append(f"{where} → categories: only a tournament has age categories")
        if event.quartier and event.quartier not in quartiers:
            problems.append(f"{where} → quartier: {event.quartier!r} is not in places.yaml")
    return problems


def load_pack(path: Path) -> Pack:
    """Load and validate the pack in folder ``path``; raise :class:`ContentError`."""
    if not path.is_dir():
        raise ContentError([f"{path}: no such territory folder"])
    problems: list[str] = []
    loaded = {name: _validate(path / name, model, problems) for name, model in _FILES.items()}
    if problems:
        raise ContentError(problems)
    answers: list[tuple[str, Answer]] = []
    answer_dir = path / "answers"
    for file in sorted(answer_dir.glob("*.yaml")) if answer_dir.is_dir() else []:
        answer_file = _validate(file, AnswerFile, problems)
        if answer_file is not None:
            answers += [(answer_file.theme, entry) for entry in answer_file.entries]
    crisis = _validate(path / "crisis.yaml", Crisis, problems)
    synonyms = (
        _validate(path / "synonyms.yaml", Synonyms, problems)
        if (path / "synonyms.yaml").exists()
        else Synonyms()
    )
    lexicon = _validate(common_file(path, "lexicon.yaml"), Lexicon, problems)
    shared_crisis = _validate(common_file(path, "crisis.yaml"), SharedCrisis, problems)
    routing = _validate(path / "routing.yaml", Routing, problems)
    permanences = (
        _validate(path / "permanences.yaml", Permanences, problems)
        if (path / "permanences.yaml").exists()
        else Permanences()
    )
    events = (
        _validate(path / "events.yaml", PackEvents, problems)
        if (path / "events.yaml").exists()
        else PackEvents()
    )
    if problems:
        raise ContentError(problems)
    entry_ids = {entry.id for _, entry in answers}
    phrasings: list[Phrasing] = []
    for file in sorted((path / "questions").glob("*.tsv")):
        phrasings += read_phrasings(file, "entry", entry_ids, problems)
    intent_labels = {*INTENTS, NO_INTENT}
    intent_phrasings: list[Phrasing] = []
    common = sorted(common_file(path, "intent_corpus.tsv").parent.glob("intent_corpus*.tsv"))
    for file in (*common, path / "intents.tsv"):
        if file.exists():
            intent_phrasings += read_phrasings(file, "intent", intent_labels, problems)
    out_of_scope: list[Phrasing] = []
    for outside in sorted(common_file(path, "out_of_scope.tsv").parent.glob("out_of_scope*.tsv")):
        out_of_scope += read_phrasings(outside, "label", {"out"}, problems)
    if problems:
        raise ContentError(problems)
    pack = Pack(
        path=path,
        phrasings=tuple(phrasings),
        out_of_scope=tuple(out_of_scope),
        intent_phrasings=tuple(intent_phrasings),
        territory=loaded["territory.yaml"],
        places=loaded["places.yaml"],
        teams=loaded["teams.yaml"],
        themes=loaded["themes.yaml"],
        partners=loaded["partners.yaml"],
        numbers=loaded["numbers.yaml"],
        answers=tuple(answers),
        crisis=merge_crisis(crisis, shared_crisis),
        routing=routing,
        permanences=permanences or Permanences(),
        events=events or PackEvents(),
        synonyms=synonyms or Synonyms(),
        lexicon=lexicon,
    )
    problems = _cross_check(pack)
    if problems:
        raise ContentError(problems)
    return pack


def pack_warnings(pack: Pack) -> list[str]:
    """Problems that do not stop the bot but that an editor should fix (missing English)."""
    warnings: list[str] = []

    def walk(node: Any, where: str, file: str) -> None:
        if isinstance(node, Text):
            if not node.en:
                warnings.append(f"{pack.path / file}: {where}: English text missing")
            return
        if isinstance(node, BaseModel):
            ident = getattr(node, "id", None)
            for name in type(node).model_fields:
                child = getattr(node, name)
                label = f"{where} → {name}" if where else name
                if ident and where:
                    label = f"{where} (id: {ident}) → {name}"
                walk(child, label, file)
        elif isinstance(node, tuple):
            for i, child in enumerate(node):
                walk(child, f"{where}[{i + 1}]", file)

    for file, model in (
        ("territory.yaml", pack.territory),
        ("places.yaml", pack.places),
        ("teams.yaml", pack.teams),
        ("themes.yaml", pack.themes),
        ("partners.yaml", pack.partners),
        ("numbers.yaml", pack.numbers),
        ("events.yaml", pack.events),
    ):
        walk(model, "", file)
    for theme, entry in pack.answers:
        walk(entry, f"entry {entry.id}", f"answers/{theme}.yaml")
        if entry.questions.fr and not entry.questions.en:
            warnings.append(
                f"{pack.path / 'answers' / theme}.yaml: entry {entry.id} → questions: "
                "English questions missing (English messages cannot match it)"
            )
    if pack.crisis is not None:
        walk(pack.crisis, "", "crisis.yaml")
        for category in pack.crisis.categories:
            if not category.patterns.en:
                warnings.append(
                    f"{pack.path / 'crisis.yaml'}: category {category.id} → patterns: "
                    "English patterns missing"
                )
    return warnings


def common_file(pack_path: Path, name: str) -> Path:
    """A shared file: from ``common/`` beside the pack, else the one shipped with the code."""
    beside = pack_path.parent / "common" / name
    return beside if beside.exists() else content_root() / "common" / name


def content_root() -> Path:
    """The ``content/`` folder shipped with the code."""
    return Path(__file__).resolve().parents[2] / "content"


def find_pack(name_or_path: str) -> Path:
    """A pack given by id (``dumbea``) or by folder path."""
    candidate = Path(name_or_path)
    if candidate.is_dir():
        return candidate
    return content_root() / name_or_path
