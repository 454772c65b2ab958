"""Callback requests, from the person's side: asking for a human, step by step.

The conversation is kept in the database (``conversation``), so a person who walks
away and comes back, or a restart of the bot, finds it where it was; after a day
without activity it is cleanly reset. Every step has a cancel button. Anonymous
by default: nothing is asked but the subject; a phone number only if the person
wants a call, with their explicit consent, for this request only.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import Any

from bot import actions
from bot.clock import Clock
from bot.i18n import N_, Translator
from bot.people.service import People, Person
from bot.storage import Database
from bot.storage import requests as store
from bot.storage.requests import RequestRecord
from bot.territory import PROFILES, SUBJECTS_EXTRA, Pack, is_open, next_opening
from bot.ui import Button, Reply, esc, rows

FLOW = "request"
MESSAGE_FLOW = "message"
SIGNUP_FLOW = "signup"
"""A sign-up's questions (bot/signup.py): one conversation per person, so they give way."""
IDLE_RESET = dt.timedelta(hours=24)
MAX_DESCRIPTION = 500
AVAILABILITY: dict[str, str] = {
    "weekday_morning": N_("En semaine, le matin"),
    "weekday_afternoon": N_("En semaine, l'après-midi"),
    "weekday_evening": N_("En semaine, en fin de journée"),
    "saturday": N_("Le samedi"),
    "any": N_("N'importe quand"),
}
PROFILE_LABELS: dict[str, str] = {
    "young": N_("Un·e jeune (moins de 26 ans)"),
    "resident": N_("Un·e habitant·e du quartier"),
    "parent": N_("Un parent"),
}
SOURCES = ("menu", "answer", "deeplink", "crisis", "command")


@dataclass(frozen=True)
class Step:
    """What a step produced: replies for the person, and the request if it was sent."""

    replies: tuple[Reply, ...]
    created: RequestRecord | None = None


def _quick(data: dict[str, Any]) -> bool:
    """An urgent request from a crisis card: it asks only how to answer."""
    return bool(data.get("urgent")) and data.get("source") == "crisis"


def subject_label(pack: Pack, tr: Translator, subject: str) -> str:
    theme = pack.theme(subject)
    if theme is not None:
        return f"{theme.emoji} {theme.name.get(tr.language)}".strip()
    if subject == "conflit":
        return tr._("🤝 Conflit de voisinage")
    if subject == "famille":
        return tr._("👪 Famille / violences")
    return tr._("💬 Autre chose")


def normalise_phone(pack: Pack, raw: str) -> str | None:
    """A phone number of the territory, written the local way, or ``None`` if it is not one."""
    digits = re.sub(r"[\s.\-()/]", "", raw.strip())
    prefix = pack.territory.phone_prefix
    if digits.startswith(prefix):
        digits = digits[len(prefix) :]
        if pack.territory.phone_digits == 10:  # France: +33 6… is 06…
            digits = "0" + digits
    elif digits.startswith("00" + prefix[1:]):
        digits = digits[2 + len(prefix) - 1 :]
        if pack.territory.phone_digits == 10:
            digits = "0" + digits
    if not digits.isdigit() or len(digits) != pack.territory.phone_digits:
        return None
    if pack.territory.phone_digits == 10 and (digits[0] != "0" or digits[1] == "0"):
        return None
    return " ".join(digits[i : i + 2] for i in range(0, len(digits), 2))


def _cancel_row(tr: Translator) -> tuple[Button, ...]:
    return (Button(tr._("✖️ Annuler la demande"), actions.request_step("cancel", "-")),)


class Requests:
    """Builds and keeps callback requests for the people who write to the bot."""

    def __init__(self, db: Database, pack: Pack, people: People, clock: Clock) -> None:
        self._db = db
        self.pack = pack
        self._people = people
        self._clock = clock

    # --- the conversation --------------------------------------------------------------

    async def _state(self, person: Person) -> store.ConversationRecord | None:
        conversation = await store.get_conversation(self._db, person.pseudonym)
        if conversation is None or conversation.flow != FLOW:
            return None
        if self._clock.now() - conversation.updated_at > IDLE_RESET:
            await store.clear_conversation(self._db, person.pseudonym)
            return None
        return conversation

    async def _save(self, person: Person, step: str, data: dict[str, Any]) -> None:
        await store.save_conversation(
            self._db, person.pseudonym, FLOW, step, data, self._clock.now()
        )

    async def destination(self, person: Person) -> tuple[str | None, bool]:
        """Where the person's next text goes: a flow in progress, and/or an open relay."""
        if not person.known:  # nothing stored: no conversation, no request
            return None, False
        return await store.text_destination(self._db, person.pseudonym)

    async def in_progress(self, person: Person) -> bool:
        return await self._state(person) is not None

    async def start(
        self,
        person: Person,
        tr: Translator,
        *,
        source: str = "menu",
        subject: str | None = None,
        urgent: bool = False,
    ) -> Step:
        """Begin a request (or offer to resume the one in progress)."""
        current = await self._state(person)
        if current is not None and not urgent:
            return Step((self._ask(current.step, current.data, tr, resumed=True),))
        other = await store.get_conversation(self._db, person.pseudonym) if person.known else None
        step = await self._begin(person, tr, source=source, subject=subject, urgent=urgent)
        if not urgent and current is None and other is not None and other.flow == SIGNUP_FLOW:
            notice = Reply(tr._("L'inscription que vous aviez commencée s'arrête ici : rien "
                                "n'a été réservé. Pour la refaire : /evenements"))  # fmt: skip
            return Step((notice, *step.replies), step.created)
        return step

    async def _begin(
        self, person: Person, tr: Translator, *, source: str, subject: str | None, urgent: bool
    ) -> Step:
        data: dict[str, Any] = {"source": source if source in SOURCES else "menu"}
        if urgent:
            data["urgent"] = True
        if _quick(data):
            data["availability"] = "any"
        if subject and (self.pack.theme(subject) or subject in SUBJECTS_EXTRA):
            data["subject"] = subject
            return await self._advance(person, data, tr)
        await self._save(person, "subject", data)
        return Step((self._ask("subject", data, tr),))

    async def _advance(self, person: Person, data: dict[str, Any], tr: Translator) -> Step:
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
        await self._save(person, step, data)
        return Step((self._ask(step, data, tr),))

    def _ask(
        self, step: str, data: dict[str, Any], tr: Translator, resumed: bool = False
    ) -> Reply:
        """The question of a step, with its buttons."""
        pack = self.pack
        intro = tr._("Vous aviez commencé une demande, on reprend :") + "\n\n" if resumed else ""
        if step == "subject":
            subjects = [t.id for t in pack.themes.themes if t.id != "voisinage"] + [
                "voisinage",
                *SUBJECTS_EXTRA,
            ]
            subjects = [s for s in dict.fromkeys(subjects) if pack.theme(s) or s in SUBJECTS_EXTRA]
            buttons = [
                Button(subject_label(pack, tr, s), actions.request_step("subject", s))
                for s in subjects
            ]
            text = tr._(
                "📞 <b>Parler à un médiateur</b>\nC'est à quel sujet ? Vous restez anonyme : "
                "je ne vous demanderai ni votre nom ni votre numéro, sauf si vous voulez être "
                "appelé·e."
            )
            return Reply(intro + text, (*rows(*buttons, per_row=2), _cancel_row(tr)))
        if step == "profile":
            buttons = [
                Button(tr._(PROFILE_LABELS[p]), actions.request_step("profile", p))
                for p in PROFILES
            ]
            text = tr._("Vous êtes :")
            return Reply(intro + text, (*rows(*buttons), _cancel_row(tr)))
        if step == "describe":
            text = tr._(
                "En quelques mots, de quoi s'agit-il ? Écrivez-le ici, ou passez cette étape. "
                "Inutile de donner des détails sur votre santé si vous ne le souhaitez pas."
            )
            skip = (Button(tr._("Passer ⏭"), actions.request_step("describe", "-")),)
            return Reply(intro + text, (skip, _cancel_row(tr)))
        if step == "channel":
            text = tr._("Comment voulez-vous qu'on vous réponde ?")
            choices = (
                (Button(tr._("💬 Ici, dans Telegram (anonyme)"),
                        actions.request_step("channel", "telegram")),),
                (Button(tr._("📞 Par téléphone"), actions.request_step("channel", "phone")),),
            )  # fmt: skip
            return Reply(intro + text, (*choices, _cancel_row(tr)))
        if step == "phone":
            text = tr._("Écrivez votre numéro de téléphone (par exemple {example}).").format(
                example=esc(self._example_phone())
            )
            back = (Button(tr._("💬 Plutôt ici, dans Telegram"),
                           actions.request_step("channel", "telegram")),)  # fmt: skip
            return Reply(intro + text, (back, _cancel_row(tr)))
        if step == "consent":
            text = tr._(
                "Votre numéro {phone} servira uniquement à vous rappeler pour cette demande. "
                "Il ne sera montré qu'au médiateur qui la prend en charge, et effacé quand "
                "elle sera close. D'accord ?"
            ).format(phone=f"<b>{esc(data.get('phone', ''))}</b>")
            agree = rows(
                Button(tr._("✅ J'accepte"), actions.request_step("consent", "yes")),
                Button(tr._("Non, plutôt ici"), actions.request_step("consent", "no")),
                per_row=2,
            )
            return Reply(intro + text, (*agree, _cancel_row(tr)))
        if step == "availability":
            buttons = [
                Button(tr._(label), actions.request_step("availability", key))
                for key, label in AVAILABILITY.items()
            ]
            text = tr._("Quand êtes-vous disponible ?")
            return Reply(intro + text, (*rows(*buttons, per_row=2), _cancel_row(tr)))
        if step == "quartier":
            buttons = [
                Button(q.name, actions.request_step("quartier", q.id))
                for q in pack.places.quartiers
            ]
            buttons.append(
                Button(tr._("Je préfère ne pas le dire"), actions.request_step("quartier", "-"))
            )
            text = tr._("Dans quel quartier habitez-vous ? Cela aide à trouver la bonne équipe.")
            return Reply(intro + text, (*rows(*buttons, per_row=2), _cancel_row(tr)))
        return self._summary(data, tr, intro)

    def _example_phone(self) -> str:
        return "06 12 34 56 78" if self.pack.territory.phone_digits == 10 else "12 34 56"

    def _summary(self, data: dict[str, Any], tr: Translator, intro: str) -> Reply:
        lines = [tr._("<b>Votre demande</b>")]
        lines.append(tr._("Sujet : {subject}").format(
            subject=esc(subject_label(self.pack, tr, data["subject"]))))  # fmt: skip
        if data.get("description"):
            lines.append(tr._("Vos mots : {text}").format(text=esc(data["description"])))
        if data["channel"] == "phone":
            lines.append(tr._("Contact : par téléphone, au {phone}").format(
                phone=esc(data["phone"])))  # fmt: skip
        else:
            lines.append(tr._("Contact : ici, dans Telegram, sans donner votre nom"))
        when = AVAILABILITY[data["availability"]]
        lines.append(tr._("Disponible : {when}").format(when=esc(tr._(when))))
        buttons = (
            (Button(tr._("📨 Envoyer"), actions.request_step("confirm", "send")),),
            _cancel_row(tr),
        )
        return Reply(intro + "\n".join(lines), buttons)

    async def answer_button(
        self, person: Person, tr: Translator, step: str, value: str, chat_id: int
    ) -> Step:
        """A button of the conversation was pressed."""
        current = await self._state(person)
        if step == "cancel":
            if current is not None:
                await store.clear_conversation(self._db, person.pseudonym)
            return Step((Reply(tr._("C'est annulé. Rien n'a été envoyé."), edit=True),))
        if current is None:
            return Step((Reply(tr._("Cette demande n'est plus en cours. Pour en faire une "
                                    "nouvelle : /rappel"), edit=True),))  # fmt: skip
        data = dict(current.data)
        # An old button of an earlier step: answer it only if it still makes sense.
        if step != current.step and not (step == "channel" and current.step == "phone"):
            return Step((self._ask(current.step, data, tr, resumed=True),))
        if not self._valid(step, value):
            return Step((self._ask(current.step, data, tr),))
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
        self, person: Person, tr: Translator, text: str, *, urgent: bool = False
    ) -> Step | None:
        """Text typed during a request; ``None`` if no request is being built.

        ``urgent``: the text spoke of a crisis; the request will be marked urgent.
        """
        current = await self._state(person)
        if current is None:
            return None
        data = dict(current.data)
        if urgent:
            data["urgent"] = True
            await self._save(person, current.step, data)
        if current.step == "describe":
            data["description"] = text.strip()[:MAX_DESCRIPTION]
            return await self._advance(person, data, tr)
        if current.step == "phone":
            phone = normalise_phone(self.pack, text)
            if phone is None:
                hint = tr._("Ce numéro ne semble pas valide ici ({digits} chiffres, par exemple "
                            "{example}). Réessayez, ou choisissez d'être contacté·e ici.").format(
                    digits=self.pack.territory.phone_digits, example=esc(self._example_phone())
                )  # fmt: skip
                return Step((Reply(hint), self._ask("phone", data, tr)))
            data["phone"] = phone
            return await self._advance(person, data, tr)
        hint = tr._("Répondez avec les boutons ci-dessous, ou annulez la demande.")
        return Step((Reply(hint), self._ask(current.step, data, tr)))

    async def _send(
        self, person: Person, data: dict[str, Any], tr: Translator, chat_id: int
    ) -> Step:
        pack = self.pack
        assert pack.routing is not None
        quartier = data.get("quartier", person.quartier)
        urgent = bool(data.get("urgent"))
        subject = data["subject"]
        team = pack.routing.route(subject, data.get("profile"), quartier, urgent)
        record = await store.create_request(
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
        )
        if record is None:  # a second tap: the first one sent it
            return Step((Reply(tr._("Votre demande est déjà envoyée. Pour la suivre : "
                                    "/mes_demandes")),))  # fmt: skip
        return Step((self.sent(record, tr),), created=record)

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
            lines.append(tr._("Un médiateur vous appellera au moment que vous avez choisi."))
        else:
            lines.append(tr._("Un médiateur vous répondra ici, dans cette conversation."))
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
            lines.append(
                tr._("Le service est fermé en ce moment : l'équipe verra votre demande à partir "
                     "du {moment}.").format(moment=tr.moment(next_opening(pack, now)))
            )  # fmt: skip
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
                "Vous n'avez pas de demande en cours. Pour parler à un médiateur : /rappel"
            )
            return Reply(text, ((Button(tr._("🏠 Menu principal"), actions.menu("main")),),))
        lines = [tr._("<b>Vos demandes en cours</b>")]
        buttons: list[tuple[Button, ...]] = []
        for record in records:
            status = (
                tr._("prise en charge par un médiateur")
                if record.state == "claimed"
                else tr._("en attente d'un médiateur")
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
        await store.save_conversation(
            self._db, person.pseudonym, MESSAGE_FLOW, "write", {"request": record.id},
            self._clock.now(),
        )  # fmt: skip
        text = tr._("Écrivez votre message pour {reference}, il sera transmis à l'équipe. "
                    "(Pour annuler : /menu)").format(reference=record.reference)  # fmt: skip
        return Reply(text, edit=True)

    async def pending_message(self, person: Person) -> int | None:
        """The request the person's next text is for, if they asked to write to one."""
        conversation = await store.get_conversation(self._db, person.pseudonym)
        if conversation is None or conversation.flow != MESSAGE_FLOW:
            return None
        await store.clear_conversation(self._db, person.pseudonym)
        if self._clock.now() - conversation.updated_at > IDLE_RESET:
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
