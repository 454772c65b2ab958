"""Coordinators create, edit and end a permanence from a private chat with the bot.

A guided conversation (flow ``permanence_admin``), one question at a time, with buttons
where there is a choice (quartier, team, theme from the pack) and a summary before
saving; "Retour" goes back one question, "Abandonner" leaves nothing behind; a button's
label typed instead of pressed counts as the button. The draft lives in the
``conversation`` table until "Enregistrer" stores it in the ``permanence`` table
(:mod:`bot.storage.permanences`), beside the pack's ``permanences.yaml``: the schedule,
``/permanences`` and the date changes read both. Ending a permanence sets its last day.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from pydantic import ValidationError

from bot import actions
from bot.clock import Clock
from bot.conversations import PERMANENCE_ADMIN, Conversations
from bot.i18n import Translator
from bot.people import Person
from bot.permanences.catalogue import to_permanence
from bot.permanences.changes import PermanenceChanges
from bot.permanences.form import (
    NONE,
    ONCE,
    TEXT_STEPS,
    WEEKLY,
    PermanenceForm,
    forget,
    typed_button,
)
from bot.permanences.form import slug as make_slug
from bot.permanences.recurrence import describe
from bot.permanences.schedule import Occurrence, occurrences
from bot.staff import coordinates
from bot.storage import Database, PermanenceRecord
from bot.storage import permanences as store
from bot.storage import staff as staff_store
from bot.territory import Permanence
from bot.ui import Button, Reply, esc

FLOW = PERMANENCE_ADMIN

_AHEAD = dt.timedelta(days=62)


def permanence_refusal(tr: Translator) -> Reply:
    """What a mediator or a resident is told."""
    return Reply(tr._("Seule la coordination peut créer ou modifier une permanence. Pour voir "
                      "les permanences : /permanences"))  # fmt: skip


def permanence_in_private(tr: Translator) -> Reply:
    """/nouvelle_permanence sent in the staff group: the questions are asked privately."""
    return Reply(tr._("Pour créer ou modifier une permanence, écrivez-moi en privé (touchez "
                      "mon nom, puis « Envoyer un message ») : /nouvelle_permanence"))  # fmt: skip


class PermanenceAdmin:
    """The coordinators' side of permanences: the conversation that creates, edits, ends."""

    def __init__(
        self, db: Database, clock: Clock, changes: PermanenceChanges
    ) -> None:  # fmt: skip
        self._db = db
        self._clock = clock
        self._changes = changes
        self.pack = changes.pack
        self._conversations = Conversations(db, clock)
        self._form = PermanenceForm(self.pack)

    async def _allowed(self, person: Person) -> bool:
        return coordinates(await staff_store.get_staff(self._db, person.pseudonym))

    def _today(self) -> dt.date:
        return self._clock.now().astimezone(self.pack.tz).date()

    async def _nexts(self, permanence: Permanence) -> tuple[Occurrence, ...]:
        now = self._clock.now()
        found = await self._changes.occurrences(now, now + _AHEAD)
        return tuple(o for o in found if o.permanence.id == permanence.id and not o.cancelled)

    async def _ask(self, step: str, data: dict[str, Any], tr: Translator, resumed: bool = False,
                   *notes: str) -> list[Reply]:  # fmt: skip
        replies = [Reply(note) for note in notes]
        if step != "summary":
            return [*replies, self._form.ask(step, data, tr, resumed)]
        nexts: tuple[Occurrence, ...] = ()
        try:
            draft = to_permanence(self._form.record(data, data.get("id") or "draft",
                                                    self._today()))  # fmt: skip
            nexts = (await self._preview(draft))[:4]
        except (ValidationError, KeyError, ValueError):
            pass  # the summary says what is wrong when saving
        intro = (
            tr._("Vous aviez commencé une permanence, on reprend :") + "\n\n" if resumed else ""
        )
        return [*replies, self._form.summary(data, tr, intro, nexts)]

    async def _preview(self, draft: Permanence) -> tuple[Occurrence, ...]:
        """The draft's next dates, with the changes already recorded for its id."""
        now = self._clock.now()
        stored = [p for p in await self._changes.catalogue.stored() if p.id != draft.id]
        changes = await self._changes.between(now, now + _AHEAD)
        found = occurrences(self.pack, now, now + _AHEAD, changes, (*stored, draft))
        return tuple(o for o in found if o.permanence.id == draft.id and not o.cancelled)

    async def _advance(self, person: Person, data: dict[str, Any], tr: Translator,
                       *notes: str) -> list[Reply]:  # fmt: skip
        step = self._form.missing(data)
        await self._conversations.save(person.pseudonym, FLOW, step, data)
        return await self._ask(step, data, tr, False, *notes)

    # --- starting -----------------------------------------------------------------------

    async def start_new(self, person: Person, tr: Translator) -> list[Reply]:
        """/nouvelle_permanence: begin a draft, or take up the one in progress."""
        if not await self._allowed(person):
            return [permanence_refusal(tr)]
        current = await self._conversations.current(person.pseudonym, FLOW)
        if current is not None and current.data.get("mode") == "new":
            return await self._ask(current.step, dict(current.data), tr, True)
        data: dict[str, Any] = {"mode": "new"}
        await self._conversations.save(person.pseudonym, FLOW, "kind", data)
        return await self._ask("kind", data, tr)

    async def start_edit(
        self, person: Person, tr: Translator, argument: str | None
    ) -> list[Reply]:
        """/modifier_permanence [id]: the list with ids, or one permanence's summary."""
        if not await self._allowed(person):
            return [permanence_refusal(tr)]
        records = {r.id: r for r in await self._changes.catalogue.records()}
        if argument is None:
            return [self._list(tr, list(records.values()))]
        record = records.get(argument.lower())
        if record is None:
            text = (tr._("La permanence « {id} » est dans les fichiers du territoire "
                         "(permanences.yaml) : elle se modifie là, pas d'ici.")
                    if self._changes.catalogue.in_pack(argument.lower())
                    else tr._("Je ne connais pas la permanence « {id} »."))  # fmt: skip
            return [
                Reply(text.format(id=esc(argument[:40]))),
                self._list(tr, list(records.values())),
            ]
        data: dict[str, Any] = {
            "mode": "edit", "id": record.id, "kind": WEEKLY if record.rrule else ONCE,
            "title": record.title_fr, "titleen": record.title_en, "place": record.place_fr,
            "quartier": record.quartier,
            "team": record.team, "theme": record.theme, "opens": record.opens.strftime("%H:%M"),
            "closes": record.closes.strftime("%H:%M"), "period": True,
            "start": record.start.isoformat(),
            "until": record.until.isoformat() if record.until else None,
        }  # fmt: skip
        if record.rrule:
            data["rrule"] = record.rrule
        else:
            data["dates"] = [d.isoformat() for d in record.dates]
        await self._conversations.save(person.pseudonym, FLOW, "summary", data)
        return await self._ask("summary", data, tr)

    def _list(self, tr: Translator, records: list[PermanenceRecord]) -> Reply:
        lines = [tr._("🗓️ <b>Permanences créées depuis Telegram</b>")]
        today = self._today()
        for r in records:
            when = (describe(r.rrule, tr) if r.rrule
                    else ", ".join(tr.day(d) for d in r.dates))  # fmt: skip
            line = f"• <code>{esc(r.id)}</code> — {esc(r.title_fr)} · {esc(when)}, " + tr.hours(
                r.opens, r.closes
            )
            if r.until is not None and r.until < today:
                line += " — " + tr._("terminée le {day}").format(day=tr.date(r.until))
            lines.append(line)
        pack_ids = [p.id for p in self.pack.permanences.permanences]
        if pack_ids:
            lines.append(tr._("Dans les fichiers du territoire (à modifier là) : {ids}").format(
                ids=esc(", ".join(pack_ids))))  # fmt: skip
        if not records:
            lines.append(tr._("Aucune pour l'instant. Pour en créer une : /nouvelle_permanence"))
        else:
            lines.append(tr._("Pour en modifier ou en terminer une : /modifier_permanence "
                              "&lt;identifiant&gt;, ou touchez-la."))  # fmt: skip
        buttons = tuple(
            (Button(f"✏️ {r.id} · {r.title_fr}"[:60], actions.permanence_admin("edit", r.id)),)
            for r in records[:30]
        )
        return Reply("\n".join(lines), buttons)

    # --- answers ------------------------------------------------------------------------

    async def answer_button(
        self, person: Person, tr: Translator, step: str, value: str
    ) -> list[Reply]:
        """A button of the conversation (its data parsed, not trusted)."""
        if not await self._allowed(person):
            return [permanence_refusal(tr)]
        if step == "edit":
            return await self.start_edit(person, tr, value)
        current = await self._conversations.current(person.pseudonym, FLOW)
        if step == "abandon":
            await self._conversations.clear(person.pseudonym)
            if current is None:
                return [Reply(tr._("Il n'y a plus rien en cours."))]
            return [Reply(tr._("C'est abandonné : rien n'a été enregistré."))]
        if current is None:
            gone = tr._("Ce brouillon n'existe plus : déjà enregistré ou abandonné. "
                        "Pour une nouvelle permanence : /nouvelle_permanence")  # fmt: skip
            return [Reply(gone)]
        data = dict(current.data)
        if step == "back":
            return await self._back(person, current.step, data, tr)
        if step in ("save", "change", "end"):
            if current.step != "summary":
                return await self._ask(current.step, data, tr, True)
            if step == "change" and value in self._form.steps(data) and value != "kind":
                await self._conversations.save(person.pseudonym, FLOW, value, data)
                return await self._ask(value, data, tr)
            if step == "save":
                return await self._save(person, data, tr)
            if step == "end" and data.get("mode") == "edit":
                return await self._end(person, data, tr)
            return [Reply(tr._("Ce choix n'est pas proposé ici.")),
                    *await self._ask("summary", data, tr)]  # fmt: skip
        if step != current.step:  # a button of an earlier question
            return await self._ask(current.step, data, tr, True)
        return await self._choose(person, data, tr, step, value)

    async def _back(
        self, person: Person, step: str, data: dict[str, Any], tr: Translator
    ) -> list[Reply]:
        steps = self._form.steps(data)
        if step == "summary":
            previous = steps[-1]
        elif step in steps and steps.index(step) > 0:
            previous = steps[steps.index(step) - 1]
        else:
            previous = steps[0]
        forget(previous, data)
        if previous == "when":  # its hours came with the days: asked again with them
            forget("hours", data)
        await self._conversations.save(person.pseudonym, FLOW, previous, data)
        return await self._ask(previous, data, tr)

    async def _choose(
        self, person: Person, data: dict[str, Any], tr: Translator, step: str, value: str
    ) -> list[Reply]:
        pack = self.pack
        if step == "kind" and value in (WEEKLY, ONCE):
            if data.get("kind") != value:
                forget("when", data)
            data["kind"] = value
        elif step == "quartier" and (value == NONE or pack.quartier(value) is not None):
            data["quartier"] = None if value == NONE else value
        elif step == "team" and any(t.id == value for t in pack.teams.teams):
            data["team"] = value
        elif step == "theme" and (value == NONE or pack.theme(value) is not None):
            data["theme"] = None if value == NONE else value
        elif step == "titleen" and value == NONE:
            data["titleen"] = None
        elif step == "period" and value == NONE:
            data.update(period=True, start=None, until=None)
        else:
            return [Reply(tr._("Ce choix n'est pas proposé ici.")),
                    *await self._ask(step, data, tr)]  # fmt: skip
        return await self._advance(person, data, tr)

    async def answer_text(self, person: Person, tr: Translator, text: str) -> list[Reply]:
        """Text typed during the conversation: an answer, or a button's label."""
        if not await self._allowed(person):
            await self._conversations.clear(person.pseudonym)
            return [permanence_refusal(tr)]
        current = await self._conversations.current(person.pseudonym, FLOW)
        if current is None:
            return [Reply(tr._("Le brouillon de permanence avait plus de trois jours : il est "
                               "effacé. Pour recommencer : /nouvelle_permanence"))]  # fmt: skip
        step, data = current.step, dict(current.data)
        text = text.strip()[:500]
        question = (await self._ask(step, data, tr))[-1]
        pressed = typed_button(question, text)
        if pressed is not None:
            return await self.answer_button(person, tr, *pressed)
        if step not in TEXT_STEPS:
            return [Reply(tr._("Répondez avec les boutons ci-dessous, ou abandonnez.")), question]
        problem = self._form.read(step, text, data, self._today(), tr)
        if problem is not None:
            return [Reply(problem), question]
        return await self._advance(person, data, tr)

    # --- saving -------------------------------------------------------------------------

    async def _free_id(self, title: str) -> str:
        taken = {p.id for p in await self._changes.catalogue.all()}
        taken |= {r.id for r in await store.list_permanences(self._db)}
        base = make_slug(title)
        if base not in taken:
            return base
        n = 2
        while f"{base}-{n}" in taken:
            n += 1
        return f"{base}-{n}"

    async def _save(self, person: Person, data: dict[str, Any], tr: Translator) -> list[Reply]:
        editing = data.get("mode") == "edit"
        permanence_id = data["id"] if editing else await self._free_id(data.get("title", ""))
        try:
            record = self._form.record(data, permanence_id, self._today())
            to_permanence(record)  # the pack's own checks
        except (ValidationError, KeyError, ValueError):
            return [Reply(tr._("Cette permanence n'est pas complète ou pas cohérente (l'heure "
                               "de fin après le début, la fin après le début) : corrigez-la.")),
                    *await self._ask("summary", data, tr)]  # fmt: skip
        now = self._clock.now()
        if editing:
            if not await store.update_permanence(self._db, record, now):
                await self._conversations.clear(person.pseudonym)
                return [Reply(tr._("Je ne connais pas la permanence « {id} ».").format(
                    id=esc(permanence_id)))]  # fmt: skip
        else:
            while not await store.create_permanence(self._db, record, now, person.pseudonym):
                permanence_id = await self._free_id(data["title"])  # taken meanwhile
                record = self._form.record(data, permanence_id, self._today())
        await self._conversations.clear(person.pseudonym)
        nexts = (await self._nexts(to_permanence(record)))[:4]
        if editing:
            head = tr._("✅ Permanence modifiée : « {title} » (identifiant : {id}).")
        else:
            head = tr._("✅ Permanence enregistrée : « {title} » (identifiant : {id}).")
        lines = [head.format(title=esc(record.title_fr), id=esc(record.id)),
                 esc(self._form.when_text(data, tr))]  # fmt: skip
        if nexts:
            lines.append(tr._("Prochaines dates : {dates}").format(
                dates=", ".join(tr.day(o.start) for o in nexts)))  # fmt: skip
        lines.append(tr._("Pour annuler ou ajouter une date : /permanence_annuler {id} JJ/MM, "
                          "/permanence_ajouter {id} JJ/MM. Pour la modifier ou la terminer : "
                          "/modifier_permanence {id}").format(id=esc(record.id)))  # fmt: skip
        return [Reply("\n".join(lines))]

    async def _end(self, person: Person, data: dict[str, Any], tr: Translator) -> list[Reply]:
        """End it after today: its last day is today (a date today still holds)."""
        today = self._today()
        start = data.get("start")
        if not start or dt.date.fromisoformat(start) > today:
            data["start"] = today.isoformat()  # it never began: nothing left to hold
        data["until"] = today.isoformat()
        data["period"] = True
        replies = await self._save(person, data, tr)
        if len(replies) > 1:  # not saved: the reason and the summary
            return replies
        done = tr._("⏹️ La permanence « {title} » n'a plus lieu après aujourd'hui ({day}). "
                    "Pour la reprendre : /modifier_permanence {id}")  # fmt: skip
        return [Reply(done.format(title=esc(data.get("title", "")), day=tr.date(today),
                                  id=esc(data["id"])))]  # fmt: skip
