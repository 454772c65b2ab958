"""The form of an event, shared by publishing and editing: its steps and limits, each
question with its buttons, the summary before publishing, and reading what is typed."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from bot import actions, conversations
from bot.clock import Clock
from bot.events.dates import (
    MAX_CAPACITY,
    MAX_CATEGORIES,
    MAX_CATEGORY,
    DateProblem,
    parse_capacity,
    parse_categories,
    parse_moment,
)
from bot.events.edit_notices import when
from bot.i18n import N_, Translator
from bot.storage import EventFields, EventRecord
from bot.territory import BRADERIE, DEFAULT_CATEGORIES, TOURNAMENT, Pack
from bot.territory import kinds as event_kinds
from bot.ui import Button, Outgoing, Reply, esc, rows

FLOW = conversations.EVENT_ADMIN

MAX_TITLE, MAX_PLACE, MAX_DESCRIPTION, MAX_DATE_TEXT = 80, 120, 800, 60
"""The longest title, place, description and typed date, in characters."""

MAX_AHEAD = dt.timedelta(days=730)
"""Further than two years ahead is taken for a typo in the year."""

MAX_LENGTH = dt.timedelta(days=31)
"""The longest an event may last (an end further away is a typo)."""

NONE, KEEP = "-", "keep"
"""Buttons' values for "skip, none, no limit, the whole territory" and "keep as it is"."""

# The steps, in order; each is also the key of its answer in the draft.
STEPS: tuple[str, ...] = (
    "kind", "title", "titleen", "starts", "ends", "endsok", "place", "quartier", "unit",
    "capacity", "categories", "deadline", "descr", "descren", "photo",
)  # fmt: skip

LONG_EVENT = dt.timedelta(hours=12)
"""An end further than this after the start is confirmed first ("endsok")."""

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


@dataclass(frozen=True)
class PublishingStep:
    """What an answer produced: replies for the coordinator, and the work the Telegram side
    does next (broadcasts to launch, reminders to reschedule, people to tell)."""

    replies: tuple[Reply, ...]
    broadcasts: tuple[int, ...] = ()
    reschedule: tuple[int, ...] = ()
    notices: tuple[Outgoing, ...] = ()


def _moment(data: dict[str, Any], key: str) -> dt.datetime | None:
    value = data.get(key)
    return dt.datetime.fromisoformat(value) if isinstance(value, str) else None


def _abandon_row(tr: Translator) -> tuple[Button, ...]:
    return (Button(tr._("✖️ Abandonner"), actions.event_admin("abandon", NONE)),)


class EventForm:
    """The questions of an event's form, their wording and how typed answers are read:
    what publishing and editing an event share."""

    def __init__(self, pack: Pack, clock: Clock) -> None:
        self.pack = pack
        self._clock = clock

    def steps(self, data: dict[str, Any]) -> list[str]:
        """The steps this draft goes through (a braderie's unit, a tournament's categories,
        an English description only after a French one)."""
        kind = data.get("kind")
        return [
            s
            for s in STEPS
            if (s != "unit" or kind == BRADERIE)
            and (s != "categories" or kind == TOURNAMENT)
            and (s != "descren" or data.get("descr"))
            and (s != "endsok" or self.long(data))
        ]

    def long(self, data: dict[str, Any]) -> bool:
        """Whether the event ends more than 12 hours after it starts (to be confirmed)."""
        starts, ends = _moment(data, "starts"), _moment(data, "ends")
        return starts is not None and ends is not None and ends - starts > LONG_EVENT

    def example_day(self) -> dt.datetime:
        """A Saturday two weeks or more ahead, at 14 h: an example that is always valid."""
        local = self._clock.now().astimezone(self.pack.tz)
        day = local.date() + dt.timedelta(days=14)
        day += dt.timedelta(days=(5 - day.weekday()) % 7)
        return dt.datetime.combine(day, dt.time(14, 0), tzinfo=self.pack.tz)

    def date_examples(self, tr: Translator) -> str:
        example = self.example_day()
        return tr._("{short}, {full} ou {words}").format(
            short=example.strftime("%d/%m") + " 14h",
            full=example.strftime("%d/%m/%Y") + " 14:30",
            words=f"{tr.day(example)} 14h",
        )

    def ask(self, step: str, data: dict[str, Any], tr: Translator, resumed: bool = False) -> Reply:
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
            ).format(examples=esc(self.date_examples(tr)))
            return Reply(intro + text, (out,))
        if step == "ends":
            text = tr._(
                "À quelle heure se termine-t-il ? Par exemple 18h, ou une date et une "
                "heure s'il dure plusieurs jours."
            )
            return Reply(intro + text, (skip(tr._("Pas d'heure de fin")), out))
        if step == "endsok":
            starts, ends = _moment(data, "starts"), _moment(data, "ends") or self.example_day()
            hours = int((ends - (starts or ends)).total_seconds() // 3600)
            text = tr._("Il se termine {moment}, {hours} heures après le début : c'est bien "
                        "ça ?").format(moment=tr.moment(ends), hours=hours)  # fmt: skip
            yes, no = tr._("Oui, c'est bien ça"), tr._("Non, corriger la fin")
            return Reply(intro + text, ((Button(yes, actions.event_admin("endsok", "yes")),
                Button(no, actions.event_admin("endsok", "no"))), out))  # fmt: skip
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
                Button(tr._(event_kinds.UNIT_LABELS[u]), actions.event_admin("unit", u))
                for u in (event_kinds.UNIT_STANDS, event_kinds.UNIT_METRES)
            ]
            text = tr._("Pour cette braderie, les places se comptent en :")
            return Reply(intro + text, (*rows(*buttons, per_row=2), out))
        if step == "capacity":
            unit = event_kinds.unit_of(str(data.get("kind")), data.get("unit"))
            text = (
                tr._(event_kinds.CAPACITY_QUESTIONS[unit])
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
            ).format(example=esc(self.example_day().strftime("%d/%m") + " 18h"))
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
        return self.summary(data, tr, intro)

    def summary(self, data: dict[str, Any], tr: Translator, intro: str) -> Reply:
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
            for s in self.steps(data)
            if not (editing and s in NOT_EDITABLE) and s in FIELD_LABELS
        ]
        confirm = (
            Button(tr._("💾 Enregistrer"), actions.event_admin("save", NONE))
            if editing
            else Button(tr._("✅ Publier"), actions.event_admin("publish", NONE))
        )
        return Reply(
            intro + "\n".join(lines), ((confirm,), *rows(*changes, per_row=2), _abandon_row(tr))
        )

    def read(
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
            return self.read_capacity(text, data, tr)
        if step == "categories":
            categories = parse_categories(text)
            if categories is None:
                return None, tr._(
                    "Écrivez les catégories séparées par des virgules : {n} au "
                    "plus, de {size} caractères chacune au plus."
                ).format(n=MAX_CATEGORIES, size=MAX_CATEGORY)
            return list(categories), None
        return self.read_moment(step, text, data, tr)

    def read_capacity(
        self, text: str, data: dict[str, Any], tr: Translator
    ) -> tuple[Any, str | None]:
        capacity = parse_capacity(text)
        if capacity == "bad":
            return None, tr._(
                "Écrivez un nombre entre 1 et {max}, ou choisissez « Sans limite »."
            ).format(max=MAX_CAPACITY)
        confirmed = data.get("confirmed_places")
        if isinstance(capacity, int) and isinstance(confirmed, int) and capacity < confirmed:
            return None, self.capacity_refusal(tr, confirmed)
        return capacity, None

    def capacity_refusal(self, tr: Translator, confirmed: int) -> str:
        return tr.n_(
            "{n} place est déjà confirmée : la capacité ne peut pas descendre en dessous "
            "(personne n'est désinscrit).",
            "{n} places sont déjà confirmées : la capacité ne peut pas descendre en dessous "
            "(personne n'est désinscrit).",
            confirmed,
        ).format(n=confirmed)

    def read_moment(
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
            return None, self.date_problem(parsed, tr)
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

    def date_problem(self, problem: DateProblem, tr: Translator) -> str:
        examples = esc(self.date_examples(tr))
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

    def fields(self, data: dict[str, Any]) -> EventFields:
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

    def stale(self, data: dict[str, Any]) -> str | None:
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

    def not_editable(
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
