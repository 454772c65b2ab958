"""Callback requests, from the person's side: asking for a human, step by step.

The conversation is kept in the database (``conversation``), so a person who walks
away and comes back, or a restart of the bot, finds it where it was; after a day
without activity it is cleanly reset. Every step has a cancel button. Anonymous
by default: nothing is asked but the subject; a phone number only if the person
wants a call, with their explicit consent, for this request only.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from bot import actions
from bot.clock import Clock
from bot.conversations import Conversations
from bot.i18n import Translator
from bot.people import People, Person
from bot.requests.allowance import too_many
from bot.requests.pauses import Pauses, refusal
from bot.requests.relay import media_notice
from bot.requests.request_steps import (
    AVAILABILITY,
    FLOW,
    MAX_DESCRIPTION,
    MESSAGE_FLOW,
    SIGNUP_FLOW,
    SOURCES,
    RequestStep,
    _quick,
    ask_step,
    example_phone,
    normalise_phone,
    subject_label,
)
from bot.storage import Database, RequestRecord
from bot.storage import request_limits as allowed
from bot.storage import requests as store
from bot.territory import PROFILES, SUBJECTS_EXTRA, Pack, is_open, next_opening
from bot.ui import Button, Reply, esc, typed_button


def closed_notice(tr: Translator, opening: dt.datetime) -> str:
    """Out of opening hours, the line telling the person when the team will see a request
    (the only line of the acknowledgement that depends on the hour)."""
    return tr._(
        "Le service est fermé en ce moment : l'équipe verra votre demande à partir du {moment}."
    ).format(moment=tr.moment(opening))


class Requests:
    """Builds and keeps callback requests for the people who write to the bot."""

    def __init__(
        self, db: Database, pack: Pack, people: People, clock: Clock, pauses: Pauses | None = None
    ) -> None:
        self._db = db
        self.pack = pack
        self._people = people
        self._clock = clock
        self._conversations = Conversations(db, clock)
        self._pauses = pauses or Pauses(db, clock)

    async def _paused(
        self, person: Person, tr: Translator, *, source: str, urgent: bool
    ) -> Reply | None:
        """A paused person cannot ask to be called back, except for safety: an urgent
        request from a crisis card always goes (its card says the person is paused)."""
        if not person.known or (urgent and source == "crisis"):
            return None
        pause = await self._pauses.active(person.pseudonym)
        return None if pause is None else refusal(pause, tr, relayed=False)

    # --- the conversation --------------------------------------------------------------

    async def destination(self, person: Person) -> tuple[str | None, bool]:
        """Where the person's next text goes: a flow in progress, and/or an open relay."""
        if not person.known:  # nothing stored: no conversation, no request
            return None, False
        return await store.text_destination(self._db, person.pseudonym)

    async def in_progress(self, person: Person) -> bool:
        return await self._conversations.current(person.pseudonym, FLOW) is not None

    async def start(
        self,
        person: Person,
        tr: Translator,
        *,
        source: str = "menu",
        subject: str | None = None,
        urgent: bool = False,
    ) -> RequestStep:
        """Begin a request (or offer to resume the one in progress)."""
        if (paused := await self._paused(person, tr, source=source, urgent=urgent)) is not None:
            return RequestStep((paused,))
        current = await self._conversations.current(person.pseudonym, FLOW)
        if current is not None and not urgent:
            return RequestStep(
                (ask_step(self.pack, current.step, current.data, tr, resumed=True),)
            )
        if person.known:
            try:
                await allowed.check_allowance(
                    self._db, person.pseudonym, urgent, self._allowance()
                )
            except allowed.TooManyRequests as refused:
                return RequestStep((too_many(self.pack, tr, refused),))
        other = await self._conversations.any(person.pseudonym) if person.known else None
        step = await self._begin(person, tr, source=source, subject=subject, urgent=urgent)
        if not urgent and current is None and other is not None and other.flow == SIGNUP_FLOW:
            notice = Reply(tr._("L'inscription que vous aviez commencée s'arrête ici : rien "
                                "n'a été réservé. Pour la refaire : /evenements"))  # fmt: skip
            return RequestStep((notice, *step.replies), step.created)
        return step

    async def _begin(
        self, person: Person, tr: Translator, *, source: str, subject: str | None, urgent: bool
    ) -> RequestStep:
        data: dict[str, Any] = {"source": source if source in SOURCES else "menu"}
        if urgent:
            data["urgent"] = True
        if _quick(data):
            data["availability"] = "any"
        if subject and (self.pack.theme(subject) or subject in SUBJECTS_EXTRA):
            data["subject"] = subject
            return await self._advance(person, data, tr)
        await self._conversations.save(person.pseudonym, FLOW, "subject", data)
        return RequestStep((ask_step(self.pack, "subject", data, tr),))

    async def _advance(self, person: Person, data: dict[str, Any], tr: Translator) -> RequestStep:
        """Go to the first step whose answer is still missing."""
        routing = self.pack.routing
        quick = _quick(data)
        if "subject" not in data:
            step = "subject"
        elif routing and routing.ask_profile and "profile" not in data and not quick:
            step = "profile"
        elif "description" not in data and not quick:
            step = "describe"
        elif "channel" not in data:
            step = "channel"
        elif data["channel"] == "phone" and "phone" not in data:
            step = "phone"
        elif data["channel"] == "phone" and not data.get("consent"):
            step = "consent"
        elif "availability" not in data:
            step = "availability"
        elif (
            routing
            and routing.ask_quartier
            and "quartier" not in data
            and not person.quartier
            and not quick
        ):
            step = "quartier"
        else:
            step = "confirm"
        await self._conversations.save(person.pseudonym, FLOW, step, data)
        return RequestStep((ask_step(self.pack, step, data, tr),))

    async def answer_button(
        self, person: Person, tr: Translator, step: str, value: str, chat_id: int
    ) -> RequestStep:
        """A button of the conversation was pressed."""
        current = await self._conversations.current(person.pseudonym, FLOW)
        if step == "cancel":
            if current is not None:
                await self._conversations.clear(person.pseudonym)
            return RequestStep((Reply(tr._("C'est annulé. Rien n'a été envoyé."), edit=True),))
        if current is None:
            return RequestStep((Reply(tr._("Cette demande n'est plus en cours. Pour en faire une "
                                    "nouvelle : /rappel"), edit=True),))  # fmt: skip
        data = dict(current.data)
        # An old button of an earlier step: answer it only if it still makes sense.
        if step != current.step and not (step == "channel" and current.step == "phone"):
            return RequestStep((ask_step(self.pack, current.step, data, tr, resumed=True),))
        if not self._valid(step, value):
            return RequestStep((ask_step(self.pack, current.step, data, tr),))
        if step == "subject":
            data["subject"] = value
        elif step == "profile":
            data["profile"] = value
        elif step == "describe":
            data["description"] = ""
        elif step == "channel":
            data["channel"] = value
            if value == "telegram":
                data.pop("phone", None)
                data.pop("consent", None)
        elif step == "consent":
            if value == "yes":
                data["consent"] = True
                await self._people.record_consent(person, "callback_phone", True)
            else:
                data.update(channel="telegram")
                data.pop("phone", None)
        elif step == "availability":
            data["availability"] = value
        elif step == "quartier":
            data["quartier"] = None if value == "-" else value
        elif step == "confirm":
            return await self._send(person, data, tr, chat_id)
        if (
            _quick(data)
            and "subject" in data
            and (data.get("channel") == "telegram" or (data.get("phone") and data.get("consent")))
        ):
            return await self._send(person, data, tr, chat_id)  # two taps from the crisis card
        return await self._advance(person, data, tr)

    def _valid(self, step: str, value: str) -> bool:
        pack = self.pack
        if step == "subject":
            return bool(pack.theme(value)) or value in SUBJECTS_EXTRA
        if step == "profile":
            return value in PROFILES
        if step == "describe":
            return value == "-"
        if step == "channel":
            return value in ("telegram", "phone")
        if step == "consent":
            return value in ("yes", "no")
        if step == "availability":
            return value in AVAILABILITY
        if step == "quartier":
            return value == "-" or pack.quartier(value) is not None
        return step == "confirm" and value == "send"

    async def answer_text(
        self, person: Person, tr: Translator, text: str, *, urgent: bool = False,
        chat_id: int = 0,
    ) -> RequestStep | None:  # fmt: skip
        """Text typed during a request; ``None`` if no request is being built.

        ``urgent``: the text spoke of a crisis; the request will be marked urgent.
        """
        current = await self._conversations.current(person.pseudonym, FLOW)
        if current is None:
            return None
        data = dict(current.data)
        if urgent:
            data["urgent"] = True
            await self._conversations.save(person.pseudonym, FLOW, current.step, data)
        if current.step == "describe":
            data["description"] = text.strip()[:MAX_DESCRIPTION]
            return await self._advance(person, data, tr)
        if current.step == "phone":
            phone = normalise_phone(self.pack, text)
            if phone is None:
                hint = tr._("Ce numéro ne semble pas valide ici ({digits} chiffres, par exemple "
                            "{example}). Réessayez, ou choisissez d'être contacté·e ici.").format(
                    digits=self.pack.territory.phone_digits, example=esc(example_phone(self.pack))
                )  # fmt: skip
                return RequestStep((Reply(hint), ask_step(self.pack, "phone", data, tr)))
            data["phone"] = phone
            return await self._advance(person, data, tr)
        question = ask_step(self.pack, current.step, data, tr)
        button = typed_button(question, text)  # a button's label typed: that button
        pressed = actions.parse(button.action) if button is not None else None
        if pressed is not None and pressed.kind == actions.REQUEST:
            step, _, value = pressed.argument.partition(".")
            return await self.answer_button(person, tr, step, value, chat_id)
        hint = tr._("Répondez avec les boutons ci-dessous, ou annulez la demande.")
        return RequestStep((Reply(hint), question))

    async def _send(
        self, person: Person, data: dict[str, Any], tr: Translator, chat_id: int
    ) -> RequestStep:
        pack = self.pack
        assert pack.routing is not None
        quartier = data.get("quartier", person.quartier)
        urgent = bool(data.get("urgent"))
        # Paused while the request was being filled in: it is not sent.
        paused = await self._paused(person, tr, source=data.get("source", "menu"), urgent=urgent)
        if paused is not None:
            await self._conversations.clear(person.pseudonym)
            return RequestStep((paused,))
        subject = data["subject"]
        team = pack.routing.route(subject, data.get("profile"), quartier, urgent)
        try:
            record = await self._create(person, data, urgent, team, subject, quartier, chat_id)
        except allowed.TooManyRequests as refused:
            await self._conversations.clear(person.pseudonym)
            return RequestStep((too_many(self.pack, tr, refused),))
        if record is None:  # a second tap: the first one sent it
            return RequestStep((Reply(tr._("Votre demande est déjà envoyée. Pour la suivre : "
                                    "/mes_demandes")),))  # fmt: skip
        return RequestStep((self.sent(record, tr),), created=record)

    async def _create(
        self, person: Person, data: dict[str, Any], urgent: bool, team: str, subject: str,
        quartier: str | None, chat_id: int,
    ) -> RequestRecord | None:  # fmt: skip
        return await store.create_request(
            self._db,
            pseudonym=person.pseudonym,
            chat_id=chat_id,
            team=team,
            theme=subject,
            profile=data.get("profile"),
            quartier=quartier,
            urgent=urgent,
            channel=data["channel"],
            phone=data.get("phone") if data["channel"] == "phone" else None,
            availability=data.get("availability"),
            description=data.get("description") or None,
            source=data.get("source", "menu"),
            now=self._clock.now(),
            draft_flow=FLOW,
            allowance=self._allowance(),
        )

    def _allowance(self) -> allowed.Allowance:
        limits = self.pack.territory.limits
        return allowed.Allowance(limits.open_requests, limits.requests_per_day, self._clock.now())

    def sent(self, record: RequestRecord, tr: Translator) -> Reply:
        """What happens next, in what time frame."""
        pack = self.pack
        team = next((t for t in pack.teams.teams if t.id == record.team), None)
        team_name = team.name.get(tr.language) if team else record.team
        lines = [
            tr._("✅ C'est envoyé. Votre référence : <b>{reference}</b>").format(
                reference=record.reference
            ),
            tr._("Votre demande est transmise à l'équipe « {team} ».").format(team=esc(team_name)),
        ]
        if record.channel == "phone":
            lines.append(
                tr._("Un·e médiateur·rice vous appellera au moment que vous avez choisi.")
            )
        else:
            lines.append(tr._("Un·e médiateur·rice vous répondra ici, dans cette conversation."))
        delays = pack.routing.delays if pack.routing else None
        if record.urgent:
            lines.append(tr._("Votre demande est marquée urgente : l'équipe la voit en premier."))
        elif delays is not None:
            hours = max(1, round(delays.normal_minutes / 60))
            lines.append(
                tr.n_(
                    "En général, la réponse arrive dans les {n} heure d'ouverture du service.",
                    "En général, la réponse arrive dans les {n} heures d'ouverture du service.",
                    hours,
                ).format(n=hours)
            )
        now = self._clock.now()
        if not is_open(pack, now):
            lines.append(closed_notice(tr, next_opening(pack, now)))
            if record.urgent:
                numbers = ", ".join(
                    f"{n.number} ({n.label.get(tr.language)})" for n in pack.emergency_numbers()
                )
                lines.append(
                    tr._(
                        "Les numéros d'urgence, eux, répondent tout de suite : {numbers}."
                    ).format(numbers=esc(numbers))
                )
        lines.append(tr._("Suivre ou annuler : /mes_demandes"))
        return Reply(
            "\n".join(lines), ((Button(tr._("🏠 Menu principal"), actions.menu("main")),),)
        )

    # --- the person's requests -----------------------------------------------------------

    async def open_of(self, person: Person) -> list[int]:
        """The ids of the person's requests still open or claimed (their cards show them)."""
        if not person.known:
            return []
        return [r.id for r in await store.requests_of_person(self._db, person.pseudonym)]

    async def get(self, request_id: int) -> RequestRecord | None:
        return await store.get_request(self._db, request_id)

    async def mine(self, person: Person, tr: Translator) -> Reply:
        """The person's open requests and their status, each with a cancel button."""
        records = await store.requests_of_person(self._db, person.pseudonym)
        if not records:
            text = tr._(
                "Vous n'avez pas de demande en cours. Pour parler à un·e médiateur·rice : /rappel"
            )
            return Reply(text, ((Button(tr._("🏠 Menu principal"), actions.menu("main")),),))
        lines = [tr._("<b>Vos demandes en cours</b>")]
        buttons: list[tuple[Button, ...]] = []
        for record in records:
            status = (
                tr._("prise en charge par un·e médiateur·rice")
                if record.state == "claimed"
                else tr._("en attente d'un·e médiateur·rice")
            )
            lines.append(
                tr._("{reference} · {subject} · envoyée le {date} · {status}").format(
                    reference=record.reference,
                    subject=esc(subject_label(self.pack, tr, record.theme)),
                    date=tr.day(record.created_at),
                    status=status,
                )
            )
            buttons.append(
                (
                    Button(
                        tr._("✍️ Écrire ({reference})").format(reference=record.reference),
                        actions.my_request("write", record.id),
                    ),
                    Button(
                        tr._("✖️ Annuler {reference}").format(reference=record.reference),
                        actions.my_request("cancel", record.id),
                    ),
                )
            )
        home = (Button(tr._("🏠 Menu principal"), actions.menu("main")),)
        return Reply("\n".join(lines), (*buttons, home))

    async def begin_message(self, person: Person, tr: Translator, request_id: int) -> Reply:
        """The person wants to add a message to one of their requests: the next text goes."""
        record = await store.get_request(self._db, request_id)
        if (
            record is None
            or record.pseudonym != person.pseudonym
            or record.state
            not in (
                "open",
                "claimed",
            )
        ):
            return Reply(tr._("Cette demande n'est plus en cours."), edit=True)
        await self._conversations.save(
            person.pseudonym, MESSAGE_FLOW, "write", {"request": record.id}
        )
        text = tr._("Écrivez votre message pour {reference}, il sera transmis à l'équipe. "
                    "(Pour annuler : /menu)").format(reference=record.reference)  # fmt: skip
        return Reply(f"{text}\n{media_notice(tr)}", edit=True)

    async def pending_message(self, person: Person) -> int | None:
        """The request the person's next text is for, if they asked to write to one."""
        conversation = await self._conversations.any(person.pseudonym)
        if conversation is None or conversation.flow != MESSAGE_FLOW:
            return None
        await self._conversations.clear(person.pseudonym)
        if self._conversations.expired(conversation):
            return None
        request_id = conversation.data.get("request")
        return request_id if isinstance(request_id, int) else None

    async def cancel(
        self, person: Person, tr: Translator, request_id: int
    ) -> tuple[Reply, RequestRecord | None]:
        """The person withdraws one of their requests."""
        record = await store.get_request(self._db, request_id)
        if record is None or record.pseudonym != person.pseudonym:
            return Reply(tr._("Cette demande n'existe plus."), edit=True), None
        if not await store.cancel(self._db, request_id, person.pseudonym, self._clock.now()):
            return Reply(tr._("Cette demande est déjà close."), edit=True), None
        text = tr._("La demande {reference} est annulée. Vous pouvez en faire une autre "
                    "quand vous voulez : /rappel").format(reference=record.reference)  # fmt: skip
        return Reply(text, edit=True), await store.get_request(self._db, request_id)

    async def rate(self, person: Person, tr: Translator, request_id: int, rating: str) -> Reply:
        """😊 / 😐 / 🙁 under a closed request: the first tap is kept (and counted in the
        bilan), nothing else; the rating buttons go, asking again stays."""
        again = (
            (
                Button(tr._("📞 Nouvelle demande"), actions.menu("callback")),
                Button(tr._("📋 Mes demandes"), actions.menu("mine")),
            ),
        )
        if rating not in ("good", "neutral", "bad"):
            return Reply(tr._("Ce bouton n'est plus valable."), again, edit=True)
        if await store.rate(self._db, request_id, person.pseudonym, rating):
            return Reply(tr._("Merci pour votre avis ! Il aide l'équipe à s'améliorer."), again,
                         edit=True)  # fmt: skip
        return Reply(tr._("Votre avis sur cette demande est déjà noté. Merci !"), again,
                     edit=True)  # fmt: skip
