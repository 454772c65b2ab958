"""Pausing someone: a coordinator stops, for a while, the callback requests and messages
of a person who floods a mediator or insults the team.

Chosen on a request card (a duration, then a reason, typed if none fits); the reason is
for staff only. While paused, the person is told kindly until when, and what stays open
to them: the emergency numbers, the answers to their questions, and an urgent request
from a crisis card. A pause ends by itself at its time (read at every check) or when a
coordinator lifts it from /pauses; the person is told both when it starts and when it is
lifted.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, replace

from bot import actions
from bot.clock import Clock
from bot.i18n import N_, Translator
from bot.people import write_to
from bot.staff import coordinates, coordinators_only
from bot.storage import Database, PauseRecord, RequestRecord, StaffRecord
from bot.storage import pauses as store
from bot.storage import requests as request_store
from bot.storage import staff as staff_store
from bot.ui import Button, Outgoing, Reply, esc, rows

DURATIONS: dict[str, dt.timedelta] = {
    "24h": dt.timedelta(hours=24),
    "7d": dt.timedelta(days=7),
    "30d": dt.timedelta(days=30),
}
DURATION_LABELS: dict[str, str] = {"24h": N_("24 h"), "7d": N_("7 jours"), "30d": N_("30 jours")}
REASONS: dict[str, str] = {
    "insults": N_("Propos insultants"),
    "flood": N_("Envois en masse"),
    "threats": N_("Menaces"),
}
OTHER = "other"
"""The reason the coordinator types, in reply to the bot's prompt."""
REASON_IDLE = dt.timedelta(hours=1)
"""How long the bot waits for a typed reason."""
MAX_REASON = 500

Buttons = tuple[tuple[Button, ...], ...]


def valid(argument: str) -> bool:
    """Whether a pause button's argument is one the bot makes (anything else is forged)."""
    parts = actions.split(argument)
    if len(parts) < 2 or not parts[1].isdigit():
        return False
    if parts[0] in ("ask", "lift"):
        return len(parts) == 2
    if len(parts) != 3:
        return False
    if parts[0] == "for":
        return parts[2] in DURATIONS
    duration, _, reason = parts[2].partition("-")
    return parts[0] == "why" and duration in DURATIONS and (reason in REASONS or reason == OTHER)


def _still_open(tr: Translator) -> str:
    return tr._("Les numéros d'urgence restent là pour vous : /urgence. Et vous pouvez "
                "toujours me poser vos questions.")  # fmt: skip


def _person_buttons(tr: Translator) -> Buttons:
    return ((Button(tr._("🚨 Numéros d'urgence"), actions.menu("urgence")),
             Button(tr._("🏠 Menu principal"), actions.menu("main"))),)  # fmt: skip


def refusal(pause: PauseRecord, tr: Translator, *, relayed: bool) -> Reply:
    """What a paused person reads when they write to the team (``relayed``) or ask to be
    called back: until when, and what stays open to them."""
    if relayed:
        text = tr._("⏸ Vos échanges avec l'équipe de médiation sont en pause jusqu'au "
                    "{until} : ce message n'a pas été transmis.")  # fmt: skip
    else:
        text = tr._("⏸ Vos échanges avec l'équipe de médiation sont en pause jusqu'au "
                    "{until} : vous pourrez demander à être rappelé·e après.")  # fmt: skip
    text = text.format(until=tr.moment(pause.until))
    return Reply(f"{text}\n{_still_open(tr)}", _person_buttons(tr))


def reason_words(pause: PauseRecord, tr: Translator) -> str:
    """The reason as staff read it (HTML-escaped)."""
    if pause.reason in REASONS:
        return esc(tr._(REASONS[pause.reason]))
    return esc(pause.reason_text or "?")


@dataclass(frozen=True)
class PauseStep:
    """What a press (or a typed reason) did, for the handler to show."""

    notice: str = ""
    """A pop-up for the presser (or the answer to a typed reason)."""
    request: RequestRecord | None = None
    """The request whose card shows the truth again."""
    choices: Buttons | None = None
    """Buttons the card shows for the next choice."""
    prompt: Outgoing | None = None
    """The bot's prompt for a typed reason, under the card (see :meth:`Pauses.prompted`)."""
    told: Outgoing | None = None
    """The person's notice: paused, or the pause lifted."""
    listing: Reply | None = None
    """/pauses again, after a pause was lifted from it."""


class Pauses:
    """Who is paused, and the coordinators' buttons and commands to pause and lift."""

    def __init__(
        self,
        db: Database,
        clock: Clock,
        translator: Callable[[str], Translator] | None = None,
        default_language: str = "fr",
    ) -> None:
        self._db = db
        self._clock = clock
        self._translator = translator
        self._default_language = default_language

    async def active(self, pseudonym: str) -> PauseRecord | None:
        """The person's pause in force now, if any (one that ran out is no pause)."""
        return await store.active(self._db, pseudonym, self._clock.now())

    # --- on a request card -----------------------------------------------------------

    async def press(self, member: StaffRecord | None, argument: str, tr: Translator) -> PauseStep:
        """A pause button (``argument`` checked by :func:`valid`): the durations, the
        reasons, the pause itself, or lifting one."""
        if not coordinates(member):
            return PauseStep(coordinators_only(tr).text)
        step, identifier, *rest = actions.split(argument)
        if step == "lift":
            return await self._lift(member, int(identifier), tr)
        record = await request_store.get_request(self._db, int(identifier))
        if record is None:
            return PauseStep(tr._("Cette demande n'existe plus."))
        if record.pseudonym is None:
            return PauseStep(tr._("La personne a effacé ses données : il n'y a personne à mettre "
                                  "en pause."), record)  # fmt: skip
        current = await self.active(record.pseudonym)
        if current is not None:
            return PauseStep(self._already(current, tr), record)
        back = (Button(tr._("⬅️ Retour"), actions.staff("show", record.id)),)
        if step == "ask":
            choices = rows(*(Button(tr._(label), actions.pause("for", record.id, key))
                             for key, label in DURATION_LABELS.items()), per_row=3)  # fmt: skip
            return PauseStep(choices=(*choices, back))
        duration, _, reason = (rest[0] if rest else "").partition("-")
        if step == "for":
            buttons = [Button(tr._(label), actions.pause("why", record.id, f"{duration}-{key}"))
                       for key, label in REASONS.items()]  # fmt: skip
            other = actions.pause("why", record.id, f"{duration}-{OTHER}")
            buttons.append(Button(tr._("✍️ Autre raison"), other))
            return PauseStep(choices=(*rows(*buttons, per_row=2), back))
        if reason != OTHER:
            return await self._start(member, record, duration, reason, None, tr)
        now = self._clock.now()
        await store.save_draft(self._db, record.id, member.pseudonym, duration, now)
        notice = tr._("Répondez au message du bot avec la raison de la pause : elle reste dans "
                      "l'équipe, la personne ne la voit pas.")  # fmt: skip
        prompt = None
        if record.card_chat_id is not None:
            text = tr._("✍️ {reference} · pause de {duration} : répondez à ce message avec la "
                        "raison (pour l'équipe seulement, jamais transmise à la "
                        "personne).").format(reference=record.reference,
                                             duration=tr._(DURATION_LABELS[duration]))  # fmt: skip
            prompt = Outgoing(record.card_chat_id, tr.language, Reply(text),
                              thread_id=record.card_thread_id,
                              reply_to=record.card_message_id)  # fmt: skip
        return PauseStep(notice, record, prompt=prompt)

    async def prompted(
        self, request_id: int, member: StaffRecord, chat_id: int, message_id: int
    ) -> None:
        """The prompt for a typed reason is posted: a reply to it is the reason."""
        await store.draft_prompted(self._db, request_id, member.pseudonym, chat_id, message_id)

    async def reason_reply(
        self, member: StaffRecord | None, chat_id: int, replied_to: int, text: str,
        tr: Translator,
    ) -> PauseStep | None:  # fmt: skip
        """A coordinator's reply to the bot's prompt (or to the card) while the bot waits
        for their reason: the pause starts with it, and the words never go to the person.
        ``None``: not a reason (the reply goes its usual way)."""
        if not coordinates(member):
            return None
        draft = await store.draft_for_reply(self._db, member.pseudonym, chat_id, replied_to)
        if draft is None:
            return None
        if self._clock.now() - draft.created_at > REASON_IDLE:
            await store.clear_draft(self._db, draft.request_id, member.pseudonym)
            return None
        record = await request_store.get_request(self._db, draft.request_id)
        if record is None or record.pseudonym is None:
            await store.clear_draft(self._db, draft.request_id, member.pseudonym)
            return PauseStep(tr._("La personne a effacé ses données : il n'y a personne à "
                                  "mettre en pause."))  # fmt: skip
        return await self._start(member, record, draft.duration, OTHER,
                                 text.strip()[:MAX_REASON], tr)  # fmt: skip

    async def _start(
        self, member: StaffRecord, record: RequestRecord, duration: str, reason: str,
        text: str | None, tr: Translator,
    ) -> PauseStep:  # fmt: skip
        assert record.pseudonym is not None
        now = self._clock.now()
        day = tr.local(now).date()
        created, existing = await store.start(
            self._db, pseudonym=record.pseudonym, request_id=record.id, reason=reason,
            reason_text=text, by=member.pseudonym, now=now, until=now + DURATIONS[duration],
            day=day, duration=duration,
        )  # fmt: skip
        if created is None:
            assert existing is not None
            return PauseStep(self._already(existing, tr), record)
        notice = tr._("⏸ En pause jusqu'au {until}. La personne est prévenue ; la raison reste "
                      "dans l'équipe. Pour lever la pause : /pauses").format(
            until=tr.moment(created.until))  # fmt: skip
        return PauseStep(notice, record, told=await self._tell(created, started=True))

    def _already(self, pause: PauseRecord, tr: Translator) -> str:
        return tr._("Cette personne est déjà en pause jusqu'au {until}. Pour lever la pause : "
                    "/pauses").format(until=tr.moment(pause.until))  # fmt: skip

    # --- /pauses ---------------------------------------------------------------------

    async def listing(self, member: StaffRecord | None, tr: Translator) -> Reply:
        """/pauses: the pauses in force, each with a button to lift it (coordinators)."""
        if not coordinates(member):
            return coordinators_only(tr)
        found = await store.all_active(self._db, self._clock.now())
        if not found:
            return Reply(tr._("Aucune pause en cours."))
        names = {m.pseudonym: m.display_name for m in await staff_store.list_staff(self._db)}
        lines = [tr._("<b>Pauses en cours</b>")]
        buttons = []
        for pause in found:
            reference = pause.reference or "?"
            lines.append(tr._("⏸ <b>{reference}</b> · jusqu'au {until} · {reason} · par "
                              "{name}").format(
                reference=reference, until=tr.moment(pause.until),
                reason=reason_words(pause, tr), name=esc(names.get(pause.paused_by or "", "?")),
            ))  # fmt: skip
            buttons.append(Button(tr._("▶️ Lever la pause ({reference})").format(
                reference=reference), actions.pause("lift", pause.id)))  # fmt: skip
        return Reply("\n".join(lines), rows(*buttons, per_row=1))

    async def _lift(self, member: StaffRecord, pause_id: int, tr: Translator) -> PauseStep:
        lifted = await store.lift(self._db, pause_id, member.pseudonym, self._clock.now())
        listing = replace(await self.listing(member, tr), edit=True)
        if lifted is None:
            return PauseStep(tr._("Cette pause est déjà terminée."), listing=listing)
        record = None
        if lifted.request_id is not None:
            record = await request_store.get_request(self._db, lifted.request_id)
        told = await self._tell(lifted, started=False)
        notice = tr._("▶️ Pause levée. La personne est prévenue.")
        return PauseStep(notice, record, told=told, listing=listing)

    # --- the person ------------------------------------------------------------------

    async def _tell(self, pause: PauseRecord, *, started: bool) -> Outgoing | None:
        """The person's notice, in their language: paused until when (never why), or free
        to write again."""
        if self._translator is None:
            return None

        def compose(tr: Translator) -> Reply:
            if started:
                text = tr._("⏸ L'équipe de médiation a mis vos échanges avec elle en pause "
                            "jusqu'au {until}. D'ici là, vous ne pouvez pas demander à être "
                            "rappelé·e, et vos messages ne sont pas transmis à "
                            "l'équipe.").format(until=tr.moment(pause.until))  # fmt: skip
                return Reply(f"{text}\n{_still_open(tr)}", _person_buttons(tr))
            return Reply(tr._("▶️ La pause est levée : vous pouvez de nouveau écrire à l'équipe "
                              "de médiation et demander à être rappelé·e (/rappel)."))  # fmt: skip

        return await write_to(self._db, pause.pseudonym, self._default_language,
                              self._translator, compose)  # fmt: skip
