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

from collections.abc import Callable
from typing import Any

from bot import actions
from bot.broadcasts import Broadcasts, Where
from bot.clock import Clock
from bot.conversations import ConversationRecord, Conversations
from bot.events.edit_notices import tell_moved
from bot.events.event_form import (
    FLOW,
    KEEP,
    NONE,
    NOT_EDITABLE,
    SKIPPABLE,
    TEXT_STEPS,
    EventForm,
    PublishingStep,
    _moment,
)
from bot.events.listing import promotion_notices
from bot.i18n import Translator
from bot.people import Person
from bot.requests import Queue
from bot.staff import coordinates, event_refusal
from bot.storage import Database
from bot.storage import event_edits as event_edits_store
from bot.storage import events as store
from bot.territory import BRADERIE, TOURNAMENT, Pack
from bot.territory import kinds as event_kinds
from bot.ui import Button, Reply, esc, typed_button


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
        self._conversations = Conversations(db, clock)
        self._translator = translator
        self._queue = queue
        self._broadcasts = broadcasts
        self._form = EventForm(pack, clock)

    # --- who may ------------------------------------------------------------------------

    async def is_coordinator(self, person: Person) -> bool:
        member = await self._queue.staff(person.pseudonym)
        return coordinates(member)

    # --- the draft ----------------------------------------------------------------------

    async def _advance(
        self, person: Person, data: dict[str, Any], tr: Translator, *notes: str
    ) -> PublishingStep:
        """Go to the first step whose answer is missing, else to the summary."""
        step = next((s for s in self._form.steps(data) if s not in data), "summary")
        await self._conversations.save(person.pseudonym, FLOW, step, data)
        replies = [Reply(note) for note in notes]
        return PublishingStep((*replies, self._form.ask(step, data, tr)))

    async def start_new(self, person: Person, tr: Translator) -> PublishingStep:
        """/nouvel_evenement: begin a draft, or take up the one in progress."""
        if not await self.is_coordinator(person):
            return PublishingStep((event_refusal(tr),))
        current = await self._conversations.current(person.pseudonym, FLOW)
        if current is not None and current.data.get("mode") == "new":
            return PublishingStep((self._form.ask(current.step, current.data, tr, resumed=True),))
        data: dict[str, Any] = {"mode": "new"}
        await self._conversations.save(person.pseudonym, FLOW, "kind", data)
        return PublishingStep((self._form.ask("kind", data, tr),))

    async def start_edit(
        self, person: Person, tr: Translator, argument: str | None
    ) -> PublishingStep:
        """/modifier_evenement <n>: the event's fields, to change and save."""
        if not await self.is_coordinator(person):
            return PublishingStep((event_refusal(tr),))
        if argument is None:
            return PublishingStep((await self._choose_event(tr),))
        if not argument.isdigit() or len(argument) > 9:
            return PublishingStep(
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
        refused = self._form.not_editable(event, tr, int(argument))
        if refused is not None:
            return PublishingStep((refused,))
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
        await self._conversations.save(person.pseudonym, FLOW, "summary", data)
        return PublishingStep((self._form.ask("summary", data, tr),))

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

    # --- answers ------------------------------------------------------------------------

    async def answer_button(
        self, person: Person, tr: Translator, step: str, value: str, chat_id: int
    ) -> PublishingStep:
        """A button of the conversation was pressed (its data already parsed, not trusted)."""
        if not await self.is_coordinator(person):
            return PublishingStep((event_refusal(tr),))
        current = await self._conversations.current(person.pseudonym, FLOW)
        if step == "abandon":
            if current is None:
                return PublishingStep((Reply(tr._("Il n'y a plus rien en cours."), edit=True),))
            await self._conversations.clear(person.pseudonym)
            text = (
                tr._("C'est abandonné : l'événement n'a pas été modifié.")
                if current.data.get("mode") == "edit"
                else tr._("C'est abandonné : rien n'a été publié.")
            )
            return PublishingStep((Reply(text, edit=True),))
        if step == "edit":
            return await self.start_edit(person, tr, value)
        if current is None:
            return PublishingStep(
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
                return PublishingStep((self._form.ask(current.step, data, tr, resumed=True),))
            if step == "change":
                return await self._change(person, data, tr, value)
            if (step == "save") != (data.get("mode") == "edit") or value != NONE:
                return PublishingStep(
                    (
                        Reply(tr._("Ce choix n'est pas proposé ici.")),
                        self._form.ask("summary", data, tr),
                    )
                )
            if step == "publish":
                return await self._publish(person, current, tr, chat_id)
            return await self._save_edit(person, current, tr, chat_id)
        if step != current.step:  # a button of an earlier question
            return PublishingStep((self._form.ask(current.step, data, tr, resumed=True),))
        return await self._choose(person, data, tr, step, value)

    async def _choose(
        self, person: Person, data: dict[str, Any], tr: Translator, step: str, value: str
    ) -> PublishingStep:
        """A choice among the buttons of the current step."""
        if step == "kind" and event_kinds.kind(value) is not None:
            data["kind"] = value
        elif step == "quartier" and (value == NONE or self.pack.quartier(value) is not None):
            data["quartier"] = None if value == NONE else value
        elif step == "unit" and value in event_kinds.UNIT_LABELS:
            data["unit"] = value
        elif step == "endsok" and value in ("yes", "no"):
            if value == "no":  # the end is asked again
                data.pop("ends", None)
                return await self._advance(person, data, tr)
            data["endsok"] = value
        elif step == "photo" and value == KEEP and data.get("mode") == "edit":
            pass  # the photo stays as it was
        elif step in SKIPPABLE and value == NONE:
            return await self._accept(person, data, tr, step, None)
        else:
            return PublishingStep(
                (Reply(tr._("Ce choix n'est pas proposé ici.")), self._form.ask(step, data, tr))
            )
        return await self._accept(person, data, tr, step, data.get(step))

    async def _change(
        self, person: Person, data: dict[str, Any], tr: Translator, field: str
    ) -> PublishingStep:
        editing = data.get("mode") == "edit"
        if field not in self._form.steps(data) or (editing and field in NOT_EDITABLE):
            return PublishingStep(
                (
                    Reply(tr._("Ce choix n'est pas proposé ici.")),
                    self._form.ask("summary", data, tr),
                )
            )
        await self._conversations.save(person.pseudonym, FLOW, field, data)
        return PublishingStep((self._form.ask(field, data, tr),))

    async def _accept(
        self, person: Person, data: dict[str, Any], tr: Translator, step: str, value: Any
    ) -> PublishingStep:
        """Keep a valid answer; drop what it makes wrong, then on to what is missing."""
        notes: list[str] = []
        data[step] = value
        if step in ("starts", "ends"):
            data.pop("endsok", None)  # a new start or end: a long event is confirmed again
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

    async def _draft(self, person: Person, tr: Translator) -> ConversationRecord | PublishingStep:
        """The draft a typed answer or a photo is for, or what to tell the person instead."""
        if not await self.is_coordinator(person):
            await self._conversations.clear(person.pseudonym)
            return PublishingStep((event_refusal(tr),))
        current = await self._conversations.current(person.pseudonym, FLOW)
        if current is None:
            return PublishingStep(
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

    async def answer_text(
        self, person: Person, tr: Translator, text: str, chat_id: int = 0
    ) -> PublishingStep:
        """Text typed during the conversation; a button's label typed is that button."""
        current = await self._draft(person, tr)
        if isinstance(current, PublishingStep):
            return current
        step, data = current.step, dict(current.data)
        button = typed_button(self._form.ask(step, data, tr), text)
        pressed = actions.parse(button.action) if button is not None else None
        if pressed is not None and pressed.kind == actions.EVENT_ADMIN:
            parts = actions.split(pressed.argument)
            return await self.answer_button(person, tr, parts[0], parts[1], chat_id)
        if step == "photo":
            hint = tr._("Envoyez une photo, ou touchez « Pas de photo ».")
            return PublishingStep((Reply(hint), self._form.ask(step, data, tr)))
        if step not in TEXT_STEPS:
            hint = tr._("Répondez avec les boutons ci-dessous, ou abandonnez.")
            return PublishingStep((Reply(hint), self._form.ask(step, data, tr)))
        value, problem = self._form.read(step, text.strip(), data, tr)
        if problem is not None:
            return PublishingStep((Reply(problem), self._form.ask(step, data, tr)))
        return await self._accept(person, data, tr, step, value)

    async def answer_other(self, person: Person, tr: Translator) -> PublishingStep:
        """A sticker, a voice note, a file... sent during the conversation: the step again."""
        current = await self._draft(person, tr)
        if isinstance(current, PublishingStep):
            return current
        hint = (tr._("Envoyez une photo, ou touchez « Pas de photo ».") if current.step == "photo"
                else tr._("Ici, j'attends du texte ou un bouton."))  # fmt: skip
        return PublishingStep((Reply(hint), self._form.ask(current.step, dict(current.data), tr)))

    async def answer_photo(self, person: Person, tr: Translator, file_id: str) -> PublishingStep:
        """A photo sent during the conversation (the largest size's Telegram file id)."""
        current = await self._draft(person, tr)
        if isinstance(current, PublishingStep):
            return current
        data = dict(current.data)
        if current.step != "photo":
            hint = tr._("Ici, j'attends du texte ou un bouton, pas une photo.")
            return PublishingStep((Reply(hint), self._form.ask(current.step, data, tr)))
        if not 0 < len(file_id) <= 255:
            return PublishingStep(
                (
                    Reply(tr._("Cette photo n'a pas pu être reçue. Réessayez.")),
                    self._form.ask("photo", data, tr),
                )
            )
        return await self._accept(person, data, tr, "photo", file_id)

    # --- publishing and saving -----------------------------------------------------------

    async def _ask_again_if_stale(
        self, person: Person, data: dict[str, Any], tr: Translator
    ) -> PublishingStep | None:
        """An answer that no longer holds (a date now past, a quartier gone) is asked again."""
        stale = self._form.stale(data)
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
        current: ConversationRecord,
        tr: Translator,
        chat_id: int,
    ) -> PublishingStep:
        data = dict(current.data)
        again = await self._ask_again_if_stale(person, data, tr)
        if again is not None:
            return again
        fields = self._form.fields(data)
        draft = (person.pseudonym, FLOW, current.updated_at)
        event_id = await event_edits_store.publish_draft(
            self._db, fields, self._clock.now(), draft=draft, created_by=person.pseudonym
        )
        if event_id is None:
            return PublishingStep((Reply(tr._("C'est déjà publié.")),))
        announced = await self._broadcasts.announce_event(
            event_id, by=person.pseudonym, progress=Where(chat_id)
        )
        text = tr._(
            "✅ C'est publié : « {title} », n° {id}. L'annonce part aux personnes "
            "abonnées.\nModifier : /modifier_evenement {id} · Annuler : "
            "/annuler_evenement {id}"
        ).format(title=esc(fields.title_fr), id=event_id)
        return PublishingStep(
            (Reply(text, edit=True),),
            broadcasts=(announced,) if announced else (),
            reschedule=(event_id,),
        )

    async def _save_edit(
        self,
        person: Person,
        current: ConversationRecord,
        tr: Translator,
        chat_id: int,
    ) -> PublishingStep:
        data = dict(current.data)
        event_id = int(data["event"])
        again = await self._ask_again_if_stale(person, data, tr)
        if again is not None:
            return again
        draft = (person.pseudonym, FLOW, current.updated_at)
        result = await event_edits_store.update_event(
            self._db, event_id, self._form.fields(data), self._clock.now(), draft=draft
        )
        if result.outcome == "gone":
            return PublishingStep((Reply(tr._("C'est déjà enregistré.")),))
        if result.outcome == "capacity":
            data["confirmed_places"] = result.confirmed
            data.pop("capacity", None)
            return await self._advance(
                person, data, tr, self._form.capacity_refusal(tr, result.confirmed)
            )
        if result.outcome != "saved":
            await self._conversations.clear(person.pseudonym)
            event = await store.get_event(self._db, event_id)
            refused = self._form.not_editable(event, tr, event_id)
            return PublishingStep((refused or Reply(tr._("C'est déjà enregistré.")),))
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
        return PublishingStep(
            (Reply("\n".join(lines), edit=True),),
            broadcasts=tuple(broadcasts),
            reschedule=(event_id,) if result.moved else (),
            notices=notices,
        )

    # --- cancelling ---------------------------------------------------------------------
