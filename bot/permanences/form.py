"""The form of a permanence created from Telegram: its steps, each question with its
buttons, the summary before saving, and reading what is typed.

The draft (a dict kept in the ``conversation`` table) holds: ``mode`` (``new`` or
``edit``), ``id`` (when editing), ``kind`` (``weekly`` or ``once``), ``title``, ``place``,
``quartier``, ``team``, ``theme``, ``rrule`` or ``dates`` (ISO dates), ``opens`` and
``closes`` (``HH:MM``), ``period`` (answered), ``start`` and ``until`` (ISO dates or None).
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from typing import Any

from bot import actions
from bot.i18n import N_, Translator
from bot.permanences.recurrence import (
    Recurrence,
    RecurrenceProblem,
    describe,
    parse_date,
    parse_period,
    parse_recurrence,
    parse_times,
    plain,
    problem_text,
    split_times,
)
from bot.permanences.schedule import Occurrence
from bot.storage import PermanenceRecord
from bot.territory import Pack
from bot.ui import Button, Reply, esc

NONE = "-"
"""A button's value for "none", "the whole territory", "from now on, no end"."""

WEEKLY = "weekly"
ONCE = "once"

MAX_TITLE = 80
MAX_PLACE = 120
MAX_DATES = 20

STEPS: tuple[str, ...] = (
    "kind", "title", "titleen", "place", "quartier", "team", "theme", "when", "hours", "period",
)  # fmt: skip

TEXT_STEPS = frozenset(("title", "titleen", "place", "when", "hours", "period"))

FIELD_LABELS: dict[str, str] = {
    "title": N_("Titre"),
    "titleen": N_("Titre anglais"),
    "place": N_("Lieu"),
    "quartier": N_("Quartier"),
    "team": N_("Équipe"),
    "theme": N_("Thème"),
    "when": N_("Jours"),
    "hours": N_("Horaires"),
    "period": N_("Période"),
}

_SPLIT_DATES = re.compile(r"\s*(?:,|;|\bet\b|\band\b|\+)\s*")


def answered(step: str, data: dict[str, Any]) -> bool:
    if step == "when":
        return "rrule" in data if data.get("kind") == WEEKLY else "dates" in data
    if step == "hours":
        return "opens" in data
    return step in data


def forget(step: str, data: dict[str, Any]) -> None:
    """Drop a step's answer (going back to it)."""
    keys = {"when": ("rrule", "dates"), "hours": ("opens", "closes"),
            "period": ("period", "start", "until")}.get(step, (step,))  # fmt: skip
    for key in keys:
        data.pop(key, None)


def _label_key(text: str) -> str:
    """A button's label or a typed word, for comparing: no emoji, accents or case."""
    kept = "".join(c for c in text if unicodedata.category(c)[0] in "LNZ" or c in "'-")
    return plain(kept).strip()


def typed_button(reply: Reply, text: str) -> tuple[str, str] | None:
    """The button of ``reply`` whose label was typed, as (step, value)."""
    key = _label_key(text)
    if not key:
        return None
    for row in reply.buttons:
        for button in row:
            if _label_key(button.label) == key and button.action:
                action = actions.parse(button.action)
                if action is not None and action.kind == actions.PERMANENCE_ADMIN:
                    step, value = actions.split(action.argument)[:2]
                    return step, value
    return None


def slug(title: str) -> str:
    """An id made of the title's words (``permanence-sante``), at most 30 characters."""
    words = re.findall(r"[a-z0-9]+", plain(title))
    text = "-".join(words)[:30].strip("-")
    return text or "permanence"


class PermanenceForm:
    """The questions of the form and the reading of typed answers."""

    def __init__(self, pack: Pack) -> None:
        self.pack = pack

    def steps(self, data: dict[str, Any]) -> list[str]:
        return [s for s in STEPS if s != "period" or data.get("kind") == WEEKLY]

    def missing(self, data: dict[str, Any]) -> str:
        return next((s for s in self.steps(data) if not answered(s, data)), "summary")

    def _row(self, tr: Translator, step: str, back: bool = True) -> tuple[Button, ...]:
        out = (Button(tr._("✖️ Abandonner"), actions.permanence_admin("abandon", NONE)),)
        if back and step != "kind":
            return (Button(tr._("⬅️ Retour"), actions.permanence_admin("back", NONE)), *out)
        return out

    def ask(self, step: str, data: dict[str, Any], tr: Translator, resumed: bool = False) -> Reply:
        """The question of a step, with its buttons (always back and abandon)."""
        intro = (
            tr._("Vous aviez commencé une permanence, on reprend :") + "\n\n" if resumed else ""
        )
        if step == "summary":
            return self.summary(data, tr, intro)

        def choice(label: str, value: str) -> tuple[Button, ...]:
            return (Button(label[:60], actions.permanence_admin(step, value)),)

        buttons: list[tuple[Button, ...]] = []
        if step == "kind":
            text = tr._("🗓️ <b>Nouvelle permanence</b> — Revient-elle régulièrement, ou "
                        "a-t-elle lieu à une ou quelques dates ?")  # fmt: skip
            buttons = [choice(tr._("🔁 Régulière"), WEEKLY),
                       choice(tr._("📌 Une ou quelques dates"), ONCE)]  # fmt: skip
        elif step == "title":
            text = tr._("Son titre, tel que les habitant·e·s le verront ? (par exemple "
                        "« Permanence santé », {n} caractères au plus)")  # fmt: skip
            text = text.format(n=MAX_TITLE)
        elif step == "titleen":
            text = tr._("Le titre en anglais, pour qui lit le bot en anglais ? (facultatif)")
            buttons = [choice(tr._("Passer ⏭"), NONE)]
        elif step == "place":
            text = tr._("Où a-t-elle lieu ? (par exemple « Local de l'équipe » ou « Loge du "
                        "gardien, bâtiment B »)")  # fmt: skip
        elif step == "quartier":
            text = tr._("Dans quel quartier ?")
            buttons = [choice(q.name, q.id) for q in self.pack.places.quartiers]
            buttons.append(choice(tr._("🌍 Tout le territoire"), NONE))
        elif step == "team":
            text = tr._("Quelle équipe la tient ?")
            buttons = [choice(t.name.get(tr.language), t.id) for t in self.pack.teams.teams]
        elif step == "theme":
            text = tr._("Sur quel thème ?")
            buttons = [choice(f"{t.emoji} {t.name.get(tr.language)}".strip(), t.id)
                       for t in self.pack.themes.themes]  # fmt: skip
            buttons.append(choice(tr._("Aucun thème en particulier"), NONE))
        elif step == "when" and data.get("kind") == WEEKLY:
            text = tr._("Quels jours, et à quelle heure ? Écrivez-le en mots, par exemple :\n"
                        "• tous les mercredis de 14h à 17h\n• un mercredi sur deux 9h-12h\n"
                        "• le premier mardi du mois 14h-16h\n• lundi et jeudi 9h-12h")  # fmt: skip
        elif step == "when":
            text = tr._("Quelle(s) date(s), et à quelle heure ? Par exemple « 12/12 14h-17h » "
                        "ou « 12/12 et 19/12 de 9h à 12h ».")  # fmt: skip
        elif step == "hours":
            text = tr._("De quelle heure à quelle heure ? (par exemple 14h-17h)")
        else:  # period
            text = tr._("Depuis quand, et jusqu'à quand ? Par exemple « à partir du 5 janvier "
                        "jusqu'au 30 juin », ou touchez le bouton.")  # fmt: skip
            buttons = [choice(tr._("▶️ Dès maintenant, sans date de fin"), NONE)]
        buttons.append(self._row(tr, step))
        return Reply(intro + text, tuple(buttons))

    # --- reading typed answers --------------------------------------------------------

    def read(
        self, step: str, text: str, data: dict[str, Any], today: dt.date, tr: Translator
    ) -> str | None:
        """Put a typed answer in ``data``; why it cannot be taken, or ``None``."""
        tz = self.pack.tz
        if step == "title":
            if not 2 <= len(text) <= MAX_TITLE:
                return tr._("Le titre doit faire de 2 à {n} caractères.").format(n=MAX_TITLE)
            data["title"] = text
        elif step == "titleen":
            if not 2 <= len(text) <= MAX_TITLE:
                return tr._("Le titre doit faire de 2 à {n} caractères.").format(n=MAX_TITLE)
            data["titleen"] = text
        elif step == "place":
            if not 2 <= len(text) <= MAX_PLACE:
                return tr._("Le lieu doit faire de 2 à {n} caractères.").format(n=MAX_PLACE)
            data["place"] = text
        elif step == "when" and data.get("kind") == WEEKLY:
            found = parse_recurrence(text, today, tz)
            if isinstance(found, RecurrenceProblem):
                return problem_text(found, tr)
            self._take_rule(found, data)
        elif step == "when":
            return self._read_dates(text, data, today, tr)
        elif step == "hours":
            hours = parse_times(text)
            if hours is None:
                return tr._("Horaires non compris : écrivez-les 14h-17h ou 14:00-17:00.")
            if isinstance(hours, RecurrenceProblem):
                return problem_text(hours, tr)
            data["opens"], data["closes"] = (h.strftime("%H:%M") for h in hours)
        elif step == "period":
            period = parse_period(text, today, tz)
            if isinstance(period, RecurrenceProblem):
                return problem_text(period, tr)
            start, until = period
            if until is not None and until < (start or today):
                return problem_text(RecurrenceProblem("until"), tr)
            data["period"] = True
            data["start"] = start.isoformat() if start else None
            data["until"] = until.isoformat() if until else None
        return None

    def _take_rule(self, found: Recurrence, data: dict[str, Any]) -> None:
        data["rrule"] = found.rrule
        if found.hours is not None:
            data["opens"], data["closes"] = (h.strftime("%H:%M") for h in found.hours)
        if found.start is not None or found.until is not None:
            data["period"] = True
            data["start"] = found.start.isoformat() if found.start else data.get("start")
            data["until"] = found.until.isoformat() if found.until else data.get("until")

    def _read_dates(
        self, text: str, data: dict[str, Any], today: dt.date, tr: Translator
    ) -> str | None:
        hours, rest = split_times(text)
        if isinstance(hours, RecurrenceProblem):
            return problem_text(hours, tr)
        days: list[dt.date] = []
        for part in (p for p in _SPLIT_DATES.split(rest) if p.strip()):
            day = parse_date(part, today, self.pack.tz)
            if day is None:
                return problem_text(RecurrenceProblem("date", part), tr)
            if day < today:
                return tr._("Le {day} est passé.").format(day=tr.day(day))
            days.append(day)
        if not days:
            return tr._("Écrivez au moins une date, par exemple 12/12.")
        if len(days) > MAX_DATES:
            return tr._("{n} dates au plus à la fois.").format(n=MAX_DATES)
        data["dates"] = sorted({d.isoformat() for d in days})
        if hours is not None:
            data["opens"], data["closes"] = (h.strftime("%H:%M") for h in hours)
        return None

    # --- the permanence as it will be stored --------------------------------------------

    def record(self, data: dict[str, Any], permanence_id: str, today: dt.date) -> PermanenceRecord:
        """The draft as a stored permanence (a weekly one starts today unless told)."""
        dates = tuple(dt.date.fromisoformat(d) for d in data.get("dates") or ())
        weekly = data.get("kind") == WEEKLY
        start = data.get("start")
        first = dt.date.fromisoformat(start) if start else (today if weekly else min(dates))
        return PermanenceRecord(
            id=permanence_id, title_fr=data["title"], title_en=data.get("titleen"),
            place_fr=data["place"], place_en=None, team=data["team"], theme=data.get("theme"),
            quartier=data.get("quartier"), rrule=data["rrule"] if weekly else None,
            start=first,
            until=dt.date.fromisoformat(data["until"]) if data.get("until") else None,
            dates=() if weekly else dates,
            opens=dt.time.fromisoformat(data["opens"]),
            closes=dt.time.fromisoformat(data["closes"]),
        )  # fmt: skip

    def when_text(self, data: dict[str, Any], tr: Translator) -> str:
        """Its days and hours in words: "chaque mercredi, 14 h – 17 h"."""
        hours = ""
        if data.get("opens") and data.get("closes"):
            hours = ", " + tr.hours(
                dt.time.fromisoformat(data["opens"]), dt.time.fromisoformat(data["closes"])
            )
        if data.get("kind") == WEEKLY and data.get("rrule"):
            return describe(data["rrule"], tr) + hours
        days = [dt.date.fromisoformat(d) for d in data.get("dates") or ()]
        return ", ".join(tr.day(d) for d in days) + hours

    def period_text(self, data: dict[str, Any], tr: Translator) -> str:
        start, until = data.get("start"), data.get("until")
        first = (tr._("à partir du {day}").format(day=tr.date(dt.date.fromisoformat(start)))
                 if start else tr._("dès maintenant"))  # fmt: skip
        last = (tr._("jusqu'au {day}").format(day=tr.date(dt.date.fromisoformat(until)))
                if until else tr._("sans date de fin"))  # fmt: skip
        return f"{first}, {last}"

    def summary(
        self, data: dict[str, Any], tr: Translator, intro: str = "",
        nexts: tuple[Occurrence, ...] = (),
    ) -> Reply:  # fmt: skip
        """Everything before saving, with a button to save, change, go back or abandon."""
        editing = data.get("mode") == "edit"
        if editing:
            head = tr._("🗓️ <b>Modifier la permanence « {id} »</b>").format(id=esc(data["id"]))
        else:
            head = tr._("🗓️ <b>Nouvelle permanence</b> — vérifiez avant d'enregistrer :")
        quartier = self.pack.quartier(data["quartier"]) if data.get("quartier") else None
        theme = self.pack.theme(data["theme"]) if data.get("theme") else None
        lines = [
            intro + head,
            tr._("Titre : {value}").format(value=esc(data.get("title", ""))),
            tr._("Titre en anglais : {value}").format(value=esc(data.get("titleen") or "—")),
            tr._("Lieu : {value}").format(value=esc(data.get("place", ""))),
            tr._("Quartier : {value}").format(
                value=esc(quartier.name) if quartier else tr._("tout le territoire")),
            tr._("Équipe : {value}").format(
                value=esc(self.pack.teams.name_of(data.get("team", ""), tr.language))),
            tr._("Thème : {value}").format(
                value=esc(theme.name.get(tr.language)) if theme else tr._("aucun")),
            tr._("Quand : {value}").format(value=esc(self.when_text(data, tr))),
        ]  # fmt: skip
        if data.get("kind") == WEEKLY:
            lines.append(tr._("Période : {value}").format(value=self.period_text(data, tr)))
        if nexts:
            lines.append(tr._("Prochaines dates : {dates}").format(
                dates=", ".join(tr.day(o.start) for o in nexts)))  # fmt: skip
        elif data.get("kind") == WEEKLY:
            lines.append(tr._("⚠️ Aucune date dans les deux prochains mois."))

        def button(label: str, step: str, value: str = NONE) -> Button:
            return Button(label, actions.permanence_admin(step, value))

        fields = [f for f in FIELD_LABELS if f != "period" or data.get("kind") == WEEKLY]
        changes = [button("✏️ " + tr._(FIELD_LABELS[f]), "change", f) for f in fields]
        rows: list[tuple[Button, ...]] = [(button(tr._("✅ Enregistrer"), "save"),)]
        rows += [tuple(changes[i : i + 3]) for i in range(0, len(changes), 3)]
        if editing:
            rows.append((button(tr._("⏹️ Terminer la permanence"), "end"),))
        rows.append(self._row(tr, "summary", back=not editing))
        return Reply("\n".join(lines), tuple(rows))
