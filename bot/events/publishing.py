"""Coordinators publish, edit and cancel neighbourhood events, from a private chat.

A guided conversation, one question at a time, every answer checked where it is
typed. The draft lives only in the ``conversation`` table (flow ``event_admin``)
until "Publier": walking away, a crash or a restart leaves no event row, and the
next message finds the conversation at the same step. Publishing consumes the
draft in the transaction that creates the event, so a double press creates one.

An edit goes through the same steps from a menu of fields. A new date, time or
place bumps the event's revision, forgets the reminders already sent and tells
everyone registered or waiting, once per revision; a larger capacity promotes
from the waiting list; a capacity below the places confirmed is refused.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from bot import actions
from bot.broadcasts.delivery import Broadcasts, Compose, Where
from bot.clock import Clock
from bot.events import kinds as event_kinds
from bot.events.kinds import BRADERIE, DEFAULT_CATEGORIES, TOURNAMENT
from bot.events.listing import Notice, promotion_notices
from bot.i18n import N_, Translator
from bot.people.service import Person
from bot.requests.queue import Queue
from bot.storage import Database
from bot.storage import conversations as conversations_store
from bot.storage import event_edits as event_edits_store
from bot.storage import events as store
from bot.storage.event_edits import EventFields
from bot.storage.events import EventRecord
from bot.territory import Pack
from bot.ui import Button, Reply, esc, rows

FLOW = "event_admin"
IDLE_RESET = dt.timedelta(days=3)
"""A draft untouched this long is forgotten (the coordinator's texts are questions again)."""
MAX_TITLE = 80
MAX_PLACE = 120
MAX_DESCRIPTION = 800
MAX_CAPACITY = 9999
MAX_CATEGORIES = 12
MAX_CATEGORY = 20
MAX_DATE_TEXT = 60
MAX_AHEAD = dt.timedelta(days=730)
"""Further than two years ahead is taken for a typo in the year."""
MAX_LENGTH = dt.timedelta(days=31)
"""The longest an event may last (an end further away is a typo)."""
NONE = "-"
"""A button's value for "skip", "none", "no limit", "the whole territory"."""
KEEP = "keep"

# The steps, in order; each is also the key of its answer in the draft.
STEPS: tuple[str, ...] = (
    "kind", "title", "titleen", "starts", "ends", "place", "quartier", "unit", "capacity",
    "categories", "deadline", "descr", "descren", "photo",
)  # fmt: skip
TEXT_STEPS = frozenset(("title", "titleen", "starts", "ends", "place", "capacity",
                        "categories", "deadline", "descr", "descren"))  # fmt: skip
SKIPPABLE = frozenset(("titleen", "ends", "capacity", "categories", "deadline", "descr",
                       "descren", "photo"))  # fmt: skip
FIELD_LABELS: dict[str, str] = {
    "kind": N_("Type"),
    "title": N_("Titre"),
    "titleen": N_("Titre anglais"),
    "starts": N_("Date et heure"),
    "ends": N_("Fin"),
    "place": N_("Lieu"),
    "quartier": N_("Quartier"),
    "unit": N_("Unité"),
    "capacity": N_("Places"),
    "categories": N_("Catégories"),
    "deadline": N_("Inscriptions"),
    "descr": N_("Description"),
    "descren": N_("Description anglaise"),
    "photo": N_("Photo"),
}
NOT_EDITABLE = frozenset({"kind", "unit"})
"""Fixed once published: the registrations already taken depend on them."""
UNIT_LABELS: dict[str, str] = {
    event_kinds.UNIT_STANDS: N_("Des stands"),
    event_kinds.UNIT_METRES: N_("Des mètres linéaires"),
}
CAPACITY_QUESTIONS: dict[str, str] = {
    event_kinds.UNIT_STANDS: N_("Combien de stands au plus ?"),
    event_kinds.UNIT_METRES: N_("Combien de mètres de stands au plus ?"),
    event_kinds.UNIT_TEAMS: N_("Combien d'équipes au plus ?"),
    event_kinds.UNIT_PEOPLE: N_("Combien de personnes au plus ?"),
}


@dataclass(frozen=True)
class Step:
    """What an answer produced: replies for the coordinator, and the work the Telegram side
    does next (broadcasts to launch, reminders to reschedule, people to tell)."""

    replies: tuple[Reply, ...]
    broadcasts: tuple[int, ...] = ()
    reschedule: tuple[int, ...] = ()
    notices: tuple[Notice, ...] = ()


# --- dates as coordinators type them ------------------------------------------------------


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


# --- how an event reads -------------------------------------------------------------------


def when(tr: Translator, starts: dt.datetime, ends: dt.datetime | None) -> str:
    """``samedi 12 décembre, 14 h – 18 h`` (or both moments when it spans days)."""
    if ends is None:
        return tr.moment(starts)
    if tr.local(ends).date() == tr.local(starts).date():
        return f"{tr.day(starts)}, {tr.hours(starts, ends)}"
    return f"{tr.moment(starts)} – {tr.moment(ends)}"


def moved_compose(before: EventRecord | None, after: EventRecord) -> Compose:
    """The message to those registered when an event's date, times or place change."""

    def compose(tr: Translator) -> Reply:
        lines = [
            tr._("📅 <b>Changement : {title}</b>").format(title=esc(after.title(tr.language)))
        ]
        if before is not None:
            lines.append(
                tr._("Avant : {when}, {place}").format(
                    when=when(tr, before.starts_at, before.ends_at), place=esc(before.place)
                )
            )
        lines.append(
            tr._("Désormais : {when}, {place}").format(
                when=when(tr, after.starts_at, after.ends_at), place=esc(after.place)
            )
        )
        lines.append(
            tr._("Votre inscription est gardée. Si vous ne pouvez plus venir : /mes_inscriptions")
        )
        show = Button(tr._("📋 Voir l'événement"), actions.event("show", after.id))
        return Reply("\n".join(lines), ((show,),))

    return compose


def cancelled_compose(event: EventRecord) -> Compose:
    """The message to those registered when an event is cancelled."""

    def compose(tr: Translator) -> Reply:
        return Reply(
            tr._(
                "❌ « {title} » ({moment}) est annulé. Nous sommes désolés. "
                "Les autres événements : /evenements"
            ).format(title=esc(event.title(tr.language)), moment=tr.moment(event.starts_at))
        )

    return compose


async def tell_moved(
    broadcasts: Broadcasts,
    before: EventRecord | None,
    after: EventRecord,
    *,
    by: str | None = None,
    progress: Where | None = None,
) -> int | None:
    """Tell everyone registered or waiting that the event moved; once per revision."""
    return await broadcasts.to_registered(
        f"event:{after.id}:moved:{after.revision}",
        event_id=after.id,
        compose=moved_compose(before, after),
        by=by,
        progress=progress,
    )


async def tell_cancelled(
    broadcasts: Broadcasts,
    event: EventRecord,
    *,
    by: str | None = None,
    progress: Where | None = None,
) -> int | None:
    """Tell everyone registered or waiting that the event is cancelled; once."""
    return await broadcasts.to_registered(
        f"event:{event.id}:cancelled",
        event_id=event.id,
        compose=cancelled_compose(event),
        by=by,
        progress=progress,
    )


# --- the conversation ---------------------------------------------------------------------


def _moment(data: dict[str, Any], key: str) -> dt.datetime | None:
    value = data.get(key)
    return dt.datetime.fromisoformat(value) if isinstance(value, str) else None


def _abandon_row(tr: Translator) -> tuple[Button, ...]:
    return (Button(tr._("✖️ Abandonner"), actions.event_admin("abandon", NONE)),)


class EventAdmin:
    """The coordinators' side of events: the publishing conversation, edits, cancellations."""

    def __init__(
        self,
        db: Database,
        pack: Pack,
        clock: Clock,
        translator: Callable[[str], Translator],
        queue: Queue,
        broadcasts: Broadcasts,
    ) -> None:
        self._db = db
        self.pack = pack
        self._clock = clock
        self._translator = translator
        self._queue = queue
        self._broadcasts = broadcasts

    # --- who may ------------------------------------------------------------------------

    async def is_coordinator(self, person: Person) -> bool:
        member = await self._queue.staff(person.pseudonym)
        return member is not None and member.role == "coordinator"

    def refusal(self, tr: Translator) -> Reply:
        """For anyone else than a coordinator: kind, and nothing changes."""
        return Reply(
            tr._(
                "Publier ou modifier un événement est réservé à la coordination de "
                "l'équipe. Pour voir les événements à venir : /evenements"
            )
        )

    def in_private(self, tr: Translator) -> Reply:
        """/nouvel_evenement sent in the staff group: the questions are asked privately."""
        return Reply(
            tr._(
                "Pour publier ou modifier un événement, écrivez-moi en privé (touchez "
                "mon nom, puis « Envoyer un message ») : /nouvel_evenement"
            )
        )

    # --- the draft ----------------------------------------------------------------------

    async def _state(self, person: Person) -> conversations_store.ConversationRecord | None:
        current = await conversations_store.get_conversation(self._db, person.pseudonym)
        if current is None or current.flow != FLOW:
            return None
        if self._clock.now() - current.updated_at > IDLE_RESET:
            await conversations_store.clear_conversation(self._db, person.pseudonym)
            return None
        return current

    async def _save(self, person: Person, step: str, data: dict[str, Any]) -> None:
        await conversations_store.save_conversation(
            self._db, person.pseudonym, FLOW, step, data, self._clock.now()
        )

    def _steps(self, data: dict[str, Any]) -> list[str]:
        """The steps this draft goes through (a braderie's unit, a tournament's categories,
        an English description only after a French one)."""
        kind = data.get("kind")
        return [
            s
            for s in STEPS
            if (s != "unit" or kind == BRADERIE)
            and (s != "categories" or kind == TOURNAMENT)
            and (s != "descren" or data.get("descr"))
        ]

    async def _advance(
        self, person: Person, data: dict[str, Any], tr: Translator, *notes: str
    ) -> Step:
        """Go to the first step whose answer is missing, else to the summary."""
        step = next((s for s in self._steps(data) if s not in data), "summary")
        await self._save(person, step, data)
        replies = [Reply(note) for note in notes]
        return Step((*replies, self._ask(step, data, tr)))

    async def start_new(self, person: Person, tr: Translator) -> Step:
        """/nouvel_evenement: begin a draft, or take up the one in progress."""
        if not await self.is_coordinator(person):
            return Step((self.refusal(tr),))
        current = await self._state(person)
        if current is not None and current.data.get("mode") == "new":
            return Step((self._ask(current.step, current.data, tr, resumed=True),))
        data: dict[str, Any] = {"mode": "new"}
        await self._save(person, "kind", data)
        return Step((self._ask("kind", data, tr),))

    async def start_edit(self, person: Person, tr: Translator, argument: str | None) -> Step:
        """/modifier_evenement <n>: the event's fields, to change and save."""
        if not await self.is_coordinator(person):
            return Step((self.refusal(tr),))
        if argument is None:
            return Step((await self._choose_event(tr),))
        if not argument.isdigit() or len(argument) > 9:
            return Step(
                (
                    Reply(
                        tr._(
                            "Écrivez /modifier_evenement suivi du numéro de "
                            "l'événement, par exemple /modifier_evenement 12."
                        )
                    ),
                )
            )
        event = await store.get_event(self._db, int(argument))
        refused = self._not_editable(event, tr, int(argument))
        if refused is not None:
            return Step((refused,))
        assert event is not None
        confirmed = (await store.counts(self._db, event.id)).get("confirmed", 0)
        data: dict[str, Any] = {
            "mode": "edit",
            "event": event.id,
            "kind": event.kind,
            "title": event.title_fr,
            "titleen": event.title_en,
            "starts": event.starts_at.isoformat(),
            "ends": event.ends_at.isoformat() if event.ends_at else None,
            "place": event.place,
            "quartier": event.quartier,
            "unit": event.unit,
            "capacity": event.capacity,
            "categories": list(event.categories) or None,
            "deadline": event.deadline.isoformat() if event.deadline else None,
            "descr": event.description_fr,
            "descren": event.description_en,
            "photo": event.photo_file_id,
            "confirmed_places": confirmed,
        }
        await self._save(person, "summary", data)
        return Step((self._ask("summary", data, tr),))

    def _not_editable(
        self, event: EventRecord | None, tr: Translator, event_id: int
    ) -> Reply | None:
        """Why this event cannot be edited from Telegram, or ``None`` if it can."""
        if event is None:
            return Reply(
                tr._("Il n'y a pas d'événement n° {id}. La liste : /modifier_evenement").format(
                    id=event_id
                )
            )
        if event.state != "published":
            return Reply(tr._("Cet événement est annulé : il ne peut plus être modifié."))
        if event.starts_at <= self._clock.now():
            return Reply(
                tr._("Cet événement a déjà commencé ou est passé : il ne peut plus être modifié.")
            )
        if event.pack_key is not None:
            return Reply(
                tr._(
                    "Cet événement est décrit dans le fichier events.yaml du "
                    "territoire : modifiez-le là, il est relu à chaque démarrage. "
                    "(Pour l'annuler d'urgence : /annuler_evenement {id})"
                ).format(id=event.id)
            )
        return None

    async def _choose_event(self, tr: Translator) -> Reply:
        events = [
            e
            for e in await store.upcoming_events(self._db, self._clock.now(), 30)
            if e.pack_key is None
        ]
        if not events:
            return Reply(
                tr._(
                    "Aucun événement à venir ne peut être modifié d'ici. Pour en "
                    "publier un : /nouvel_evenement"
                )
            )
        buttons = tuple(
            (
                Button(
                    f"n° {e.id} · {tr.day(e.starts_at)} · {e.title(tr.language)}"[:60],
                    actions.event_admin("edit", str(e.id)),
                ),
            )
            for e in events
        )
        return Reply(tr._("Quel événement voulez-vous modifier ?"), buttons)

    # --- the questions ------------------------------------------------------------------

    def _example_day(self) -> dt.datetime:
        """A Saturday two weeks or more ahead, at 14 h: an example that is always valid."""
        local = self._clock.now().astimezone(self.pack.tz)
        day = local.date() + dt.timedelta(days=14)
        day += dt.timedelta(days=(5 - day.weekday()) % 7)
        return dt.datetime.combine(day, dt.time(14, 0), tzinfo=self.pack.tz)

    def _date_examples(self, tr: Translator) -> str:
        example = self._example_day()
        return tr._("{short}, {full} ou {words}").format(
            short=example.strftime("%d/%m") + " 14h",
            full=example.strftime("%d/%m/%Y") + " 14:30",
            words=f"{tr.day(example)} 14h",
        )

    def _ask(
        self, step: str, data: dict[str, Any], tr: Translator, resumed: bool = False
    ) -> Reply:
        """The question of a step, with its buttons (and always a way out)."""
        intro = tr._("Vous aviez commencé un événement, on reprend :") + "\n\n" if resumed else ""
        out = _abandon_row(tr)

        def skip(label: str, value: str = NONE) -> tuple[Button, ...]:
            return (Button(label, actions.event_admin(step, value)),)

        if step == "kind":
            buttons = [
                Button(event_kinds.label(tr, k.id), actions.event_admin("kind", k.id))
                for k in event_kinds.KINDS
            ]
            text = tr._("🗓 <b>Nouvel événement</b>\nQuel type d'événement ?")
            return Reply(intro + text, (*rows(*buttons), out))
        if step == "title":
            text = tr._("Le titre, en français ({n} caractères au plus) ?").format(n=MAX_TITLE)
            return Reply(intro + text, (out,))
        if step == "titleen":
            text = tr._("Le titre en anglais, pour qui lit le bot en anglais ? (facultatif)")
            return Reply(intro + text, (skip(tr._("Passer ⏭")), out))
        if step == "starts":
            text = tr._(
                "Quel jour et à quelle heure commence-t-il (heure locale) ? Par "
                "exemple : {examples}."
            ).format(examples=esc(self._date_examples(tr)))
            return Reply(intro + text, (out,))
        if step == "ends":
            text = tr._(
                "À quelle heure se termine-t-il ? Par exemple 18h, ou une date et une "
                "heure s'il dure plusieurs jours."
            )
            return Reply(intro + text, (skip(tr._("Pas d'heure de fin")), out))
        if step == "place":
            text = tr._("Où a-t-il lieu ? Le lieu en quelques mots ({n} caractères au plus).")
            return Reply(intro + text.format(n=MAX_PLACE), (out,))
        if step == "quartier":
            buttons = [
                Button(q.name, actions.event_admin("quartier", q.id))
                for q in self.pack.places.quartiers
            ]
            everywhere = Button(
                tr._("🌍 Tout le territoire"), actions.event_admin("quartier", NONE)
            )
            text = tr._(
                "Pour quel quartier ? Les personnes abonnées à ce quartier recevront l'annonce."
            )
            return Reply(intro + text, (*rows(*buttons, per_row=2), (everywhere,), out))
        if step == "unit":
            buttons = [
                Button(tr._(UNIT_LABELS[u]), actions.event_admin("unit", u))
                for u in (event_kinds.UNIT_STANDS, event_kinds.UNIT_METRES)
            ]
            text = tr._("Pour cette braderie, les places se comptent en :")
            return Reply(intro + text, (*rows(*buttons, per_row=2), out))
        if step == "capacity":
            unit = event_kinds.unit_of(str(data.get("kind")), data.get("unit"))
            text = (
                tr._(CAPACITY_QUESTIONS[unit])
                + " "
                + tr._("Écrivez un nombre, ou choisissez « Sans limite ».")
            )
            return Reply(intro + text, (skip(tr._("♾ Sans limite")), out))
        if step == "categories":
            default = ", ".join(tr._(c) for c in DEFAULT_CATEGORIES)
            text = tr._(
                "Les catégories d'âge du tournoi ? Écrivez-les séparées par des "
                "virgules, ou gardez les catégories habituelles."
            )
            return Reply(intro + text, (skip(default[:60]), out))
        if step == "deadline":
            text = tr._(
                "Jusqu'à quand peut-on s'inscrire ? Une date et une heure (par exemple "
                "{example}), ou « Jusqu'au début »."
            ).format(example=esc(self._example_day().strftime("%d/%m") + " 18h"))
            return Reply(intro + text, (skip(tr._("Jusqu'au début")), out))
        if step == "descr":
            text = tr._(
                "Une description en français ({n} caractères au plus) : le programme, "
                "pour qui, quoi apporter… Ou passez."
            ).format(n=MAX_DESCRIPTION)
            return Reply(intro + text, (skip(tr._("Passer ⏭")), out))
        if step == "descren":
            text = tr._("La description en anglais ? (facultatif)")
            return Reply(intro + text, (skip(tr._("Passer ⏭")), out))
        if step == "photo":
            text = tr._(
                "Une photo ou une affiche ? Envoyez-la ici : elle accompagnera "
                "l'annonce. Ou passez."
            )
            choices: list[tuple[Button, ...]] = [skip(tr._("Pas de photo"))]
            if data.get("mode") == "edit" and data.get("photo"):
                choices.insert(0, skip(tr._("Garder la photo actuelle"), KEEP))
            return Reply(intro + text, (*choices, out))
        return self._summary(data, tr, intro)

    def _summary(self, data: dict[str, Any], tr: Translator, intro: str) -> Reply:
        editing = data.get("mode") == "edit"
        kind = str(data.get("kind"))
        starts = _moment(data, "starts")
        assert starts is not None
        head = (
            tr._("<b>Modifier l'événement n° {id}</b>").format(id=data.get("event"))
            if editing
            else tr._("<b>Nouvel événement : vérifiez avant de publier</b>")
        )
        none = "—"
        quartier = self.pack.quartier(data["quartier"]) if data.get("quartier") else None
        unit = event_kinds.unit_of(kind, data.get("unit"))
        capacity = data.get("capacity")
        deadline = _moment(data, "deadline")
        lines = [
            head,
            tr._("Type : {value}").format(value=esc(event_kinds.label(tr, kind))),
            tr._("Titre : {value}").format(value=esc(data.get("title"))),
            tr._("Titre en anglais : {value}").format(value=esc(data.get("titleen") or none)),
            tr._("Date : {value}").format(value=when(tr, starts, _moment(data, "ends"))),
            tr._("Lieu : {value}").format(value=esc(data.get("place"))),
            tr._("Quartier : {value}").format(
                value=esc(quartier.name) if quartier else tr._("tout le territoire")
            ),
            tr._("Places : {value}").format(
                value=event_kinds.amount(tr, unit, capacity)
                if isinstance(capacity, int)
                else tr._("sans limite")
            ),
        ]
        if kind == TOURNAMENT:
            categories = data.get("categories") or list(DEFAULT_CATEGORIES)
            lines.append(
                tr._("Catégories : {value}").format(
                    value=esc(", ".join(tr._(c) for c in categories))
                )
            )
        lines.append(
            tr._("Inscriptions : {value}").format(
                value=tr._("jusqu'au {moment}").format(moment=tr.moment(deadline))
                if deadline
                else tr._("jusqu'au début")
            )
        )
        lines.append(tr._("Description : {value}").format(value=esc(data.get("descr") or none)))
        if data.get("descr"):
            lines.append(
                tr._("Description en anglais : {value}").format(
                    value=esc(data.get("descren") or none)
                )
            )
        lines.append(
            tr._("Photo : {value}").format(value=tr._("oui") if data.get("photo") else tr._("non"))
        )
        changes = [
            Button(
                tr._("✏️ {field}").format(field=tr._(FIELD_LABELS[s])),
                actions.event_admin("change", s),
            )
            for s in self._steps(data)
            if not (editing and s in NOT_EDITABLE)
        ]
        confirm = (
            Button(tr._("💾 Enregistrer"), actions.event_admin("save", NONE))
            if editing
            else Button(tr._("✅ Publier"), actions.event_admin("publish", NONE))
        )
        return Reply(
            intro + "\n".join(lines), ((confirm,), *rows(*changes, per_row=2), _abandon_row(tr))
        )

    # --- answers ------------------------------------------------------------------------

    async def answer_button(
        self, person: Person, tr: Translator, step: str, value: str, chat_id: int
    ) -> Step:
        """A button of the conversation was pressed (its data already parsed, not trusted)."""
        if not await self.is_coordinator(person):
            return Step((self.refusal(tr),))
        current = await self._state(person)
        if step == "abandon":
            if current is None:
                return Step((Reply(tr._("Il n'y a plus rien en cours."), edit=True),))
            await conversations_store.clear_conversation(self._db, person.pseudonym)
            text = (
                tr._("C'est abandonné : l'événement n'a pas été modifié.")
                if current.data.get("mode") == "edit"
                else tr._("C'est abandonné : rien n'a été publié.")
            )
            return Step((Reply(text, edit=True),))
        if step == "edit":
            return await self.start_edit(person, tr, value)
        if current is None:
            return Step(
                (
                    Reply(
                        tr._(
                            "Ce brouillon n'existe plus : déjà publié, enregistré ou abandonné. "
                            "Pour un nouvel événement : /nouvel_evenement"
                        ),
                        edit=True,
                    ),
                )
            )
        data = dict(current.data)
        if step in ("publish", "save", "change"):
            if current.step != "summary":
                return Step((self._ask(current.step, data, tr, resumed=True),))
            if step == "change":
                return await self._change(person, data, tr, value)
            if (step == "save") != (data.get("mode") == "edit") or value != NONE:
                return Step(
                    (
                        Reply(tr._("Ce choix n'est pas proposé ici.")),
                        self._ask("summary", data, tr),
                    )
                )
            if step == "publish":
                return await self._publish(person, current, tr, chat_id)
            return await self._save_edit(person, current, tr, chat_id)
        if step != current.step:  # a button of an earlier question
            return Step((self._ask(current.step, data, tr, resumed=True),))
        return await self._choose(person, data, tr, step, value)

    async def _choose(
        self, person: Person, data: dict[str, Any], tr: Translator, step: str, value: str
    ) -> Step:
        """A choice among the buttons of the current step."""
        if step == "kind" and event_kinds.kind(value) is not None:
            data["kind"] = value
        elif step == "quartier" and (value == NONE or self.pack.quartier(value) is not None):
            data["quartier"] = None if value == NONE else value
        elif step == "unit" and value in UNIT_LABELS:
            data["unit"] = value
        elif step == "photo" and value == KEEP and data.get("mode") == "edit":
            pass  # the photo stays as it was
        elif step in SKIPPABLE and value == NONE:
            return await self._accept(person, data, tr, step, None)
        else:
            return Step(
                (Reply(tr._("Ce choix n'est pas proposé ici.")), self._ask(step, data, tr))
            )
        return await self._accept(person, data, tr, step, data.get(step))

    async def _change(
        self, person: Person, data: dict[str, Any], tr: Translator, field: str
    ) -> Step:
        editing = data.get("mode") == "edit"
        if field not in self._steps(data) or (editing and field in NOT_EDITABLE):
            return Step(
                (Reply(tr._("Ce choix n'est pas proposé ici.")), self._ask("summary", data, tr))
            )
        await self._save(person, field, data)
        return Step((self._ask(field, data, tr),))

    async def _accept(
        self, person: Person, data: dict[str, Any], tr: Translator, step: str, value: Any
    ) -> Step:
        """Keep a valid answer; drop what it makes wrong, then on to what is missing."""
        notes: list[str] = []
        data[step] = value
        if step == "kind" and value != BRADERIE:
            data.pop("unit", None)
        if step == "kind" and value != TOURNAMENT:
            data.pop("categories", None)
        if step == "descr":
            data.pop("descren", None)  # a new French text: its translation is asked again
        if step == "starts":
            starts = _moment(data, "starts")
            ends, deadline = _moment(data, "ends"), _moment(data, "deadline")
            if ends is not None and starts is not None and ends <= starts:
                del data["ends"]
                notes.append(tr._("L'heure de fin n'allait plus avec ce début : redonnez-la."))
            if deadline is not None and starts is not None and deadline >= starts:
                del data["deadline"]
                notes.append(
                    tr._("La fin des inscriptions n'allait plus avec ce début : redonnez-la.")
                )
        return await self._advance(person, data, tr, *notes)

    async def _draft(
        self, person: Person, tr: Translator
    ) -> conversations_store.ConversationRecord | Step:
        """The draft a typed answer or a photo is for, or what to tell the person instead."""
        if not await self.is_coordinator(person):
            await conversations_store.clear_conversation(self._db, person.pseudonym)
            return Step((self.refusal(tr),))
        current = await self._state(person)
        if current is None:
            return Step(
                (
                    Reply(
                        tr._(
                            "Le brouillon d'événement avait plus de trois jours : il "
                            "est effacé. Pour recommencer : /nouvel_evenement"
                        )
                    ),
                )
            )
        return current

    async def answer_text(self, person: Person, tr: Translator, text: str) -> Step:
        """Text typed during the conversation."""
        current = await self._draft(person, tr)
        if isinstance(current, Step):
            return current
        step, data = current.step, dict(current.data)
        if step == "photo":
            hint = tr._("Envoyez une photo, ou touchez « Pas de photo ».")
            return Step((Reply(hint), self._ask(step, data, tr)))
        if step not in TEXT_STEPS:
            hint = tr._("Répondez avec les boutons ci-dessous, ou abandonnez.")
            return Step((Reply(hint), self._ask(step, data, tr)))
        value, problem = self._read(step, text.strip(), data, tr)
        if problem is not None:
            return Step((Reply(problem), self._ask(step, data, tr)))
        return await self._accept(person, data, tr, step, value)

    async def answer_other(self, person: Person, tr: Translator) -> Step:
        """A sticker, a voice note, a file... sent during the conversation: the step again."""
        current = await self._draft(person, tr)
        if isinstance(current, Step):
            return current
        hint = (tr._("Envoyez une photo, ou touchez « Pas de photo ».") if current.step == "photo"
                else tr._("Ici, j'attends du texte ou un bouton."))  # fmt: skip
        return Step((Reply(hint), self._ask(current.step, dict(current.data), tr)))

    async def answer_photo(self, person: Person, tr: Translator, file_id: str) -> Step:
        """A photo sent during the conversation (the largest size's Telegram file id)."""
        current = await self._draft(person, tr)
        if isinstance(current, Step):
            return current
        data = dict(current.data)
        if current.step != "photo":
            hint = tr._("Ici, j'attends du texte ou un bouton, pas une photo.")
            return Step((Reply(hint), self._ask(current.step, data, tr)))
        if not 0 < len(file_id) <= 255:
            return Step(
                (
                    Reply(tr._("Cette photo n'a pas pu être reçue. Réessayez.")),
                    self._ask("photo", data, tr),
                )
            )
        return await self._accept(person, data, tr, "photo", file_id)

    def _read(
        self, step: str, text: str, data: dict[str, Any], tr: Translator
    ) -> tuple[Any, str | None]:
        """The value of a typed answer, or why it cannot be taken (then the step again)."""
        limits = {
            "title": MAX_TITLE,
            "titleen": MAX_TITLE,
            "place": MAX_PLACE,
            "descr": MAX_DESCRIPTION,
            "descren": MAX_DESCRIPTION,
        }
        limit = limits.get(step, MAX_DATE_TEXT if step in ("starts", "ends", "deadline") else 300)
        if not text:
            return None, tr._("Il faut un texte ici.")
        if len(text) > limit:
            return None, tr._(
                "C'est trop long : {n} caractères, {limit} au plus. Raccourcissez, "
                "s'il vous plaît."
            ).format(n=len(text), limit=limit)
        if step in limits:
            return text, None
        if step == "capacity":
            return self._read_capacity(text, data, tr)
        if step == "categories":
            categories = parse_categories(text)
            if categories is None:
                return None, tr._(
                    "Écrivez les catégories séparées par des virgules : {n} au "
                    "plus, de {size} caractères chacune au plus."
                ).format(n=MAX_CATEGORIES, size=MAX_CATEGORY)
            return list(categories), None
        return self._read_moment(step, text, data, tr)

    def _read_capacity(
        self, text: str, data: dict[str, Any], tr: Translator
    ) -> tuple[Any, str | None]:
        capacity = parse_capacity(text)
        if capacity == "bad":
            return None, tr._(
                "Écrivez un nombre entre 1 et {max}, ou choisissez « Sans limite »."
            ).format(max=MAX_CAPACITY)
        confirmed = data.get("confirmed_places")
        if isinstance(capacity, int) and isinstance(confirmed, int) and capacity < confirmed:
            return None, self._capacity_refusal(tr, confirmed)
        return capacity, None

    def _capacity_refusal(self, tr: Translator, confirmed: int) -> str:
        return tr.n_(
            "{n} place est déjà confirmée : la capacité ne peut pas descendre en dessous "
            "(personne n'est désinscrit).",
            "{n} places sont déjà confirmées : la capacité ne peut pas descendre en dessous "
            "(personne n'est désinscrit).",
            confirmed,
        ).format(n=confirmed)

    def _read_moment(
        self, step: str, text: str, data: dict[str, Any], tr: Translator
    ) -> tuple[Any, str | None]:
        now = self._clock.now()
        starts = _moment(data, "starts")
        base = starts.astimezone(self.pack.tz).date() if starts and step != "starts" else None
        parsed = parse_moment(
            text,
            now,
            self.pack.tz,
            base_day=base,
            day_only=dt.time(23, 59) if step == "deadline" else None,
        )
        if isinstance(parsed, DateProblem):
            return None, self._date_problem(parsed, tr)
        if step == "starts":
            if parsed <= now:
                return None, tr._(
                    "Ce moment est déjà passé ({moment}). Donnez une date à venir."
                ).format(moment=tr.moment(parsed))
            if parsed - now > MAX_AHEAD:
                return None, tr._(
                    "C'est dans plus de deux ans ({moment}) : vérifiez l'année."
                ).format(moment=tr.moment(parsed))
            return parsed.isoformat(), None
        assert starts is not None
        if step == "ends":
            if parsed <= starts:
                return None, tr._("La fin doit venir après le début ({moment}).").format(
                    moment=tr.moment(starts)
                )
            if parsed - starts > MAX_LENGTH:
                return None, tr._("Plus d'un mois après le début : vérifiez la date de fin.")
            return parsed.isoformat(), None
        if parsed >= starts:
            return None, tr._(
                "La fin des inscriptions doit venir avant le début ({moment})."
            ).format(moment=tr.moment(starts))
        if parsed <= now:
            return None, tr._(
                "Ce moment est déjà passé ({moment}). Donnez une date à venir."
            ).format(moment=tr.moment(parsed))
        return parsed.isoformat(), None

    def _date_problem(self, problem: DateProblem, tr: Translator) -> str:
        examples = esc(self._date_examples(tr))
        if problem.reason == "no_time":
            return tr._("Il manque l'heure. Par exemple : {examples}.").format(examples=examples)
        if problem.reason == "no_date":
            return tr._("Il manque le jour. Par exemple : {examples}.").format(examples=examples)
        if problem.reason == "no_such_date":
            return tr._("Cette date n'existe pas. Par exemple : {examples}.").format(
                examples=examples
            )
        if problem.reason == "weekday" and problem.day and problem.weekday is not None:
            named = tr.day(dt.date(2026, 1, 5) + dt.timedelta(days=problem.weekday)).split()[0]
            return tr._("Le {day} n'est pas un {weekday} : vérifiez la date.").format(
                day=tr.day(problem.day), weekday=named
            )
        if problem.reason == "gap":
            return tr._(
                "Cette heure n'existe pas ce jour-là (changement d'heure) : choisissez-"
                "en une autre."
            )
        return tr._("Je n'ai pas compris cette date. Écrivez par exemple : {examples}.").format(
            examples=examples
        )

    # --- publishing and saving -----------------------------------------------------------

    def _fields(self, data: dict[str, Any]) -> EventFields:
        kind = str(data["kind"])
        starts = _moment(data, "starts")
        assert starts is not None
        categories: tuple[str, ...] = ()
        if kind == TOURNAMENT:
            categories = tuple(data.get("categories") or DEFAULT_CATEGORIES)
        return EventFields(
            kind=kind,
            title_fr=str(data["title"]),
            title_en=data.get("titleen") or None,
            description_fr=data.get("descr") or None,
            description_en=(data.get("descren") or None) if data.get("descr") else None,
            place=str(data["place"]),
            quartier=data.get("quartier") or None,
            starts_at=starts.astimezone(dt.UTC),
            ends_at=_moment(data, "ends"),
            capacity=data.get("capacity"),
            deadline=_moment(data, "deadline"),
            photo_file_id=data.get("photo") or None,
            unit=data.get("unit") if kind == BRADERIE else None,
            categories=categories,
        )

    def _stale(self, data: dict[str, Any]) -> str | None:
        """A step whose answer no longer holds at the moment of publishing (time passed,
        or the pack changed since the draft was begun)."""
        now = self._clock.now()
        starts, deadline = _moment(data, "starts"), _moment(data, "deadline")
        if starts is None or starts <= now:
            return "starts"
        if deadline is not None and deadline <= now and data.get("mode") == "new":
            return "deadline"  # (an edit keeps a closed deadline as it was)
        if data.get("quartier") and self.pack.quartier(data["quartier"]) is None:
            return "quartier"
        return None

    async def _ask_again_if_stale(
        self, person: Person, data: dict[str, Any], tr: Translator
    ) -> Step | None:
        """An answer that no longer holds (a date now past, a quartier gone) is asked again."""
        stale = self._stale(data)
        if stale is None:
            return None
        data.pop(stale, None)
        return await self._advance(
            person,
            data,
            tr,
            tr._(
                "Une réponse ne tient plus (la date est passée, ou le quartier n'existe plus) "
                ": redonnez-la."
            ),
        )

    async def _publish(
        self,
        person: Person,
        current: conversations_store.ConversationRecord,
        tr: Translator,
        chat_id: int,
    ) -> Step:
        data = dict(current.data)
        again = await self._ask_again_if_stale(person, data, tr)
        if again is not None:
            return again
        fields = self._fields(data)
        draft = (person.pseudonym, FLOW, current.updated_at)
        event_id = await event_edits_store.publish_draft(
            self._db, fields, self._clock.now(), draft=draft, created_by=person.pseudonym
        )
        if event_id is None:
            return Step((Reply(tr._("C'est déjà publié.")),))
        announced = await self._broadcasts.announce_event(
            event_id, by=person.pseudonym, progress=Where(chat_id)
        )
        text = tr._(
            "✅ C'est publié : « {title} », n° {id}. L'annonce part aux personnes "
            "abonnées.\nModifier : /modifier_evenement {id} · Annuler : "
            "/annuler_evenement {id}"
        ).format(title=esc(fields.title_fr), id=event_id)
        return Step(
            (Reply(text, edit=True),),
            broadcasts=(announced,) if announced else (),
            reschedule=(event_id,),
        )

    async def _save_edit(
        self,
        person: Person,
        current: conversations_store.ConversationRecord,
        tr: Translator,
        chat_id: int,
    ) -> Step:
        data = dict(current.data)
        event_id = int(data["event"])
        again = await self._ask_again_if_stale(person, data, tr)
        if again is not None:
            return again
        draft = (person.pseudonym, FLOW, current.updated_at)
        result = await event_edits_store.update_event(
            self._db, event_id, self._fields(data), self._clock.now(), draft=draft
        )
        if result.outcome == "gone":
            return Step((Reply(tr._("C'est déjà enregistré.")),))
        if result.outcome == "capacity":
            data["confirmed_places"] = result.confirmed
            data.pop("capacity", None)
            return await self._advance(
                person, data, tr, self._capacity_refusal(tr, result.confirmed)
            )
        if result.outcome != "saved":
            await conversations_store.clear_conversation(self._db, person.pseudonym)
            event = await store.get_event(self._db, event_id)
            refused = self._not_editable(event, tr, event_id)
            return Step((refused or Reply(tr._("C'est déjà enregistré.")),))
        after = await store.get_event(self._db, event_id)
        assert after is not None
        lines = [
            tr._("✅ C'est enregistré : « {title} », n° {id}.").format(
                title=esc(after.title_fr), id=event_id
            )
        ]
        broadcasts: list[int] = []
        if result.moved:
            told = await tell_moved(
                self._broadcasts,
                result.before,
                after,
                by=person.pseudonym,
                progress=Where(chat_id),
            )
            broadcasts += [told] if told else []
            lines.append(
                tr._(
                    "Les personnes inscrites ou en attente sont prévenues du "
                    "changement ; leurs rappels suivront la nouvelle date."
                )
            )
        notices = await promotion_notices(self._db, self.pack, self._translator, result.promoted)
        if result.promoted:
            n = len(result.promoted)
            lines.append(
                tr.n_(
                    "{n} personne passe de la liste d'attente aux inscrits ; elle est prévenue.",
                    "{n} personnes passent de la liste d'attente "
                    "aux inscrits ; elles sont prévenues.",
                    n,
                ).format(n=n)
            )
        return Step(
            (Reply("\n".join(lines), edit=True),),
            broadcasts=tuple(broadcasts),
            reschedule=(event_id,) if result.moved else (),
            notices=notices,
        )

    # --- cancelling ---------------------------------------------------------------------

    async def cancel(
        self, tr: Translator, event_id: int, *, by: str | None, progress: Where | None
    ) -> tuple[Reply, int | None]:
        """A coordinator cancels an event: everyone registered or waiting is told, once
        (a broadcast, resumable). Returns the reply and the broadcast to launch."""
        event = await store.get_event(self._db, event_id)
        if event is None:
            return Reply(tr._("Cet événement n'existe plus.")), None
        told = await store.cancel_event(self._db, event_id)
        if told is None:
            return Reply(tr._("Cet événement était déjà annulé.")), None
        broadcast = await tell_cancelled(self._broadcasts, event, by=by, progress=progress)
        done = tr.n_(
            "Événement annulé ; {n} personne prévenue.",
            "Événement annulé ; {n} personnes prévenues.",
            len(told),
        ).format(n=len(told))
        return Reply(done), broadcast

    async def tell_untold_moves(self) -> tuple[int, ...]:
        """At start: a move saved just before a crash, whose message was not created yet,
        is told now (with the new date and place only: the old ones are gone)."""
        told = []
        for event in await event_edits_store.moved_events(self._db, self._clock.now()):
            broadcast = await tell_moved(self._broadcasts, None, event)
            if broadcast is not None:
                told.append(broadcast)
        return tuple(told)
