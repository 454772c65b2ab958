"""Signing up for an event: the questions its kind asks, before any place is taken.

Pressing "Je m'inscris" starts a guided conversation (flow ``signup`` in the
``conversation`` table, data: the event and the answers so far). Nothing is written
in ``registration`` until the person confirms the summary, so walking away, a crash
or a restart leaves no half-made registration, and a restart finds the questions
where they were. What each kind asks is in :mod:`bot.territory.kinds` (``Kind.asks``):

``name``       a name for the list (first name, nickname, association), 60 characters
``as``         braderie: an individual or an association (buttons)
``size``       braderie: how many stands (1–4) or metres (2, 4, 6, 8, or typed 1–20)
``team_name``  tournament: the team's name, 40 characters
``players``    tournament: how many players (buttons, or typed 3–20)
``category``   tournament: the age category (the event's, or the default ones)
``contact``    tournament: through Telegram (the default) or a phone number, checked
               for the territory and given with explicit consent; it lives only in the
               registration's details and goes with the person (or when they withdraw)
``people``     how many people come (1–6)

Every step has a cancel button; every typed answer is checked, and a wrong one gets a
kind word and the same question again. Whether the event still takes sign-ups is
checked at the first step and again at confirmation.
"""

from __future__ import annotations

import dataclasses
from typing import Any

from bot import actions
from bot.clock import Clock
from bot.conversations import ConversationRecord, Conversations
from bot.events.places import take_place
from bot.events.signup_steps import (
    _NUMBER,
    AS_CHOICES,
    CONSENT_PURPOSE,
    FLOW,
    MAX_ADDRESS,
    MAX_NAME,
    MAX_TEAM,
    METRE_BUTTONS,
    METRES,
    PEOPLE,
    PLAYER_BUTTONS,
    PLAYERS,
    STANDS,
    TEXT_STEPS,
    SignUpStep,
    _asks,
    _categories,
    _number_range,
    _unit,
    button_value,
    category_label,
    consent_words,
    guardian_question,
    guardian_words,
    minors,
)
from bot.i18n import Translator
from bot.people import People, Person
from bot.requests import FLOW as REQUEST_FLOW
from bot.requests import MESSAGE_FLOW, normalise_phone
from bot.storage import Database, EventRecord
from bot.storage import events as store
from bot.territory import UNIT_METRES, UNIT_PEOPLE, Pack
from bot.territory import kinds as event_kinds
from bot.ui import Button, Reply, esc, rows, typed_button


class SignUps:
    """The questions of a sign-up, kept in the database until the person confirms."""

    def __init__(self, db: Database, pack: Pack, people_: People, clock: Clock) -> None:
        self._db = db
        self.pack = pack
        self._people = people_
        self._clock = clock
        self._conversations = Conversations(db, clock)

    async def _state(self, person: Person) -> ConversationRecord | None:
        current = await self._conversations.of(person.pseudonym, FLOW)
        return (
            current if current is not None and isinstance(current.data.get("event"), int) else None
        )

    def _home(self, tr: Translator) -> tuple[Button, ...]:
        return (Button(tr._("🏠 Menu principal"), actions.menu("main")),)

    def _no_longer(self, tr: Translator) -> Reply:
        text = tr._("Cette inscription n'est plus en cours. Pour vous inscrire : /evenements")
        return Reply(text, (self._home(tr),))

    def _refusal(self, event: EventRecord | None, tr: Translator) -> Reply | None:
        """Why this event takes no sign-up now, or ``None`` if it does."""
        if event is None:
            return Reply(tr._("Cet événement n'existe plus."), (self._home(tr),))
        if event.state == "cancelled":
            return Reply(tr._("Cet événement est annulé."), (self._home(tr),))
        now = self._clock.now()
        if (
            event.state != "published"
            or event.starts_at <= now
            or (event.deadline is not None and now > event.deadline)
        ):
            return Reply(tr._("Les inscriptions sont closes pour cet événement."),
                         (self._home(tr),))  # fmt: skip
        return None

    async def _holding(self, person: Person, tr: Translator, event_id: int) -> Reply | None:
        """What to say when the person already has a place (or a rank) at this event."""
        if not person.known:
            return None
        mine = await store.registrations_of(self._db, person.pseudonym, self._clock.now())
        held = next((r for r in mine if r.event.id == event_id), None)
        if held is None:
            return None
        title = esc(held.event.title(tr.language))
        if held.state == "waitlisted":
            text = tr._("Vous êtes déjà sur la liste d'attente de « {title} », en position {n}."
                        ).format(title=title, n=held.position)  # fmt: skip
        else:
            text = tr._("Vous êtes déjà inscrit·e à « {title} ».").format(title=title)
        return Reply(text, ((Button(tr._("📋 Mes inscriptions"),
                                    actions.menu("registrations")),),))  # fmt: skip

    async def start(self, person: Person, tr: Translator, event_id: int) -> SignUpStep:
        """Pressing "Je m'inscris": the first question, or why it is not possible."""
        event = await store.get_event(self._db, event_id)
        refusal = self._refusal(event, tr)
        if refusal is not None:
            return SignUpStep((refusal,))
        assert event is not None  # no refusal: the event exists
        held = await self._holding(person, tr, event_id)
        if held is not None:
            return SignUpStep((held,))
        current = await self._state(person) if person.known else None
        if (
            current is not None
            and current.data["event"] == event_id
            and not self._conversations.expired(current)
        ):
            return SignUpStep((self._ask(current.step, current.data, event, tr, resumed=True),))
        # One conversation at a time: a callback request being written gives way, and the
        # person is told so rather than finding it gone later.
        other = await self._conversations.any(person.pseudonym) if (
            person.known) else None  # fmt: skip
        step = await self._advance(person, {"event": event_id}, event, tr)
        if other is not None and other.flow in (REQUEST_FLOW, MESSAGE_FLOW):
            notice = Reply(tr._("La demande de rappel que vous aviez commencée n'a pas été "
                                "envoyée. Pour la refaire : /rappel"))  # fmt: skip
            return dataclasses.replace(step, replies=(notice, *step.replies))
        return step

    def _next_step(self, data: dict[str, Any], event: EventRecord) -> str:
        for step in _asks(event):
            if step == "guardian" and not minors(data.get("category")):
                continue  # a parent's authorisation: only for players under 18
            if step not in data:
                return step
            if step == "contact" and data["contact"] == "phone" and "phone" not in data:
                return "phone"
        return "confirm"

    async def _advance(
        self, person: Person, data: dict[str, Any], event: EventRecord, tr: Translator
    ) -> SignUpStep:
        step = self._next_step(data, event)
        await self._conversations.save(person.pseudonym, FLOW, step, data)
        return SignUpStep((self._ask(step, data, event, tr),))

    def _cancel_row(self, tr: Translator, event_id: int) -> tuple[Button, ...]:
        return (Button(tr._("✖️ Annuler"), actions.signup_step("cancel", "-", event_id)),)

    def _example_phone(self) -> str:
        return "06 12 34 56 78" if self.pack.territory.phone_digits == 10 else "12 34 56"

    def _ask(
        self,
        step: str,
        data: dict[str, Any],
        event: EventRecord,
        tr: Translator,
        *,
        resumed: bool = False,
        edit: bool = False,
    ) -> Reply:
        """The question of a step, with its buttons and a way out."""
        if step == "confirm":
            return self._summary(data, event, tr, resumed=resumed)
        intro = tr._("Vous aviez commencé une inscription, on reprend :") + "\n" if resumed else ""
        head = f"{intro}{event_kinds.label(tr, event.kind)} · <b>{esc(event.title(tr.language))}"
        head += "</b>\n"
        cancel = self._cancel_row(tr, event.id)

        def choice(label: str, value: str) -> Button:
            return Button(label, actions.signup_step(step, value, event.id))

        if step == "name":
            if event.kind == event_kinds.BRADERIE:
                text = tr._(
                    "Quel nom mettre sur la liste des exposants ? Votre prénom, un "
                    "surnom ou le nom de votre association ({n} caractères au plus)."
                )
            else:
                text = tr._("Quel nom mettre sur la liste ? Un prénom ou un surnom suffit "
                            "({n} caractères au plus).")  # fmt: skip
            return Reply(head + text.format(n=MAX_NAME), (cancel,), edit=edit)
        if step == "team_name":
            text = tr._("Quel est le nom de votre équipe ? ({n} caractères au plus)")
            return Reply(head + text.format(n=MAX_TEAM), (cancel,), edit=edit)
        if step == "as":
            buttons = [choice(tr._(label), key) for key, label in AS_CHOICES.items()]
            return Reply(head + tr._("Vous venez en tant que :"),
                         (*rows(*buttons, per_row=2), cancel), edit=edit)  # fmt: skip
        if step == "address":
            text = tr._("Votre adresse, pour le registre des exposants que l'organisation doit "
                        "tenir ({n} caractères au plus). Seule l'équipe la voit, et elle est "
                        "effacée après la braderie. Votre pièce d'identité sera vérifiée sur "
                        "place : le bot n'en garde aucune.").format(n=MAX_ADDRESS)  # fmt: skip
            return Reply(head + text, (cancel,), edit=edit)
        if step == "size":
            if _unit(event) == UNIT_METRES:
                low, high = METRES
                text = tr._(
                    "Combien de mètres de stand vous faut-il ? Choisissez, ou écrivez "
                    "un nombre de {low} à {high}."
                ).format(low=low, high=high)
                buttons = [choice(event_kinds.amount(tr, UNIT_METRES, n), str(n))
                           for n in METRE_BUTTONS]  # fmt: skip
            else:
                text = tr._("Combien de stands voulez-vous ?")
                buttons = [choice(str(n), str(n)) for n in range(STANDS[0], STANDS[1] + 1)]
            return Reply(head + text, (*rows(*buttons, per_row=4), cancel), edit=edit)
        if step == "players":
            low, high = PLAYERS
            text = tr._("Combien de joueurs dans l'équipe ? Choisissez, ou écrivez un nombre "
                        "de {low} à {high}.").format(low=low, high=high)  # fmt: skip
            buttons = [choice(str(n), str(n)) for n in PLAYER_BUTTONS]
            return Reply(head + text, (*rows(*buttons, per_row=5), cancel), edit=edit)
        if step == "category":
            buttons = [
                choice(category_label(tr, c)[:40], str(i))
                for i, c in enumerate(_categories(event))
            ]
            return Reply(head + tr._("Dans quelle catégorie d'âge ?"),
                         (*rows(*buttons, per_row=3), cancel), edit=edit)  # fmt: skip
        if step == "guardian":
            mode = self.pack.events.minors_consent
            text = guardian_question(tr, mode, esc(self._example_phone()))
            noted = (choice(tr._("✅ C'est noté"), "form"),) if mode == "form" else ()
            return Reply(head + text, (noted, cancel) if noted else (cancel,), edit=edit)
        if step == "contact":
            text = tr._(
                "Comment l'équipe d'organisation peut-elle joindre votre équipe ? "
                "Par Telegram, elle vous écrit ici, via le bot, sans voir votre compte."
            )
            ways = (
                (choice(tr._("💬 Par Telegram, via le bot"), "telegram"),),
                (choice(tr._("📞 Par téléphone"), "phone"),),
            )  # fmt: skip
            return Reply(head + text, (*ways, cancel), edit=edit)
        if step == "phone":
            text = tr._(
                "Écrivez le numéro de téléphone du ou de la responsable de l'équipe "
                "(par exemple {example})."
            ).format(example=esc(self._example_phone()))
            text += "\n" + consent_words(tr)
            back = (Button(tr._("💬 Plutôt par Telegram"),
                           actions.signup_step("contact", "telegram", event.id)),)  # fmt: skip
            return Reply(head + text, (back, cancel), edit=edit)
        low, high = PEOPLE  # "people"
        text = tr._("Combien serez-vous, vous compris·e ?")
        buttons = [choice(str(n), str(n)) for n in range(low, high + 1)]
        return Reply(head + text, (*rows(*buttons, per_row=3), cancel), edit=edit)

    def _registration(
        self, data: dict[str, Any], event: EventRecord
    ) -> tuple[int, dict[str, Any]]:
        """The places to take and the details to keep, from the answers."""
        if event.kind == event_kinds.TOURNAMENT:
            details: dict[str, Any] = {
                "team": data["team_name"], "players": data["players"],
                "category": data["category"], "contact": data["contact"],
            }  # fmt: skip
            if data["contact"] == "phone":
                details["phone"] = data["phone"]
            if data.get("guardian") == "form":
                details["guardian"] = "form"
            elif data.get("guardian"):
                details.update(guardian="phone", guardian_phone=data["guardian"])
            return 1, details
        if event.kind == event_kinds.BRADERIE:
            unit = _unit(event)
            key = "metres" if unit == UNIT_METRES else "stands"
            address = data.get("address", "")
            details = {"name": data["name"], "as": data["as"], "address": address}
            return int(data["size"]), {**details, key: data["size"]}
        people = int(data.get("people", 1))
        return people, {"name": data.get("name", ""), "people": people}

    def _summary(
        self, data: dict[str, Any], event: EventRecord, tr: Translator, *, resumed: bool
    ) -> Reply:
        intro = tr._("Vous aviez commencé une inscription, on reprend :") + "\n" if resumed else ""
        places, details = self._registration(data, event)
        lines = [
            tr._("<b>Votre inscription</b>"),
            f"{event_kinds.label(tr, event.kind)} · <b>{esc(event.title(tr.language))}</b>",
            f"📅 {tr.moment(event.starts_at)}",
        ]
        if event.kind == event_kinds.TOURNAMENT:
            lines.append(tr._("Équipe : {team}").format(team=esc(details["team"])))
            lines.append(tr._("Joueurs : {n}").format(n=details["players"]))
            lines.append(tr._("Catégorie : {category}").format(
                category=esc(category_label(tr, details["category"]))))  # fmt: skip
            if details.get("guardian"):
                lines.append(esc(guardian_words(tr, details)))
            if details["contact"] == "phone":
                lines.append(tr._("Contact : par téléphone, au {phone}").format(
                    phone=esc(details["phone"])))  # fmt: skip
                lines.append(tr._("En confirmant, vous acceptez que l'équipe de médiation qui "
                                  "organise le tournoi garde ce numéro pour vous joindre à son "
                                  "sujet. Il est effacé si vous vous désinscrivez ou si vous "
                                  "effacez vos données (/oublier)."))  # fmt: skip
            else:
                lines.append(tr._("Contact : par Telegram, via le bot"))
        else:
            lines.append(tr._("Nom sur la liste : {name}").format(name=esc(details["name"])))
            if event.kind == event_kinds.BRADERIE:
                lines.append(tr._(AS_CHOICES[details["as"]]))
                lines.append(tr._("Adresse : {address}").format(address=esc(details["address"])))
            unit = _unit(event) if event.kind == event_kinds.BRADERIE else UNIT_PEOPLE
            lines.append(tr._("Réservation : {amount}").format(
                amount=event_kinds.amount(tr, unit, places)))  # fmt: skip
        buttons = (
            (Button(tr._("✅ Confirmer"), actions.signup_step("confirm", "yes", event.id)),),
            self._cancel_row(tr, event.id),
        )
        return Reply(intro + "\n".join(lines), buttons)

    # --- answers ----------------------------------------------------------------------------

    async def answer_button(
        self, person: Person, tr: Translator, step: str, value: str, event_id: int,
        chat_id: int,
    ) -> SignUpStep:  # fmt: skip
        """A button of the questions was pressed (its data checked for shape only)."""
        current = await self._state(person) if person.known else None
        ours = current is not None and current.data["event"] == event_id
        if step == "cancel":
            if current is not None and ours:
                await self._conversations.clear(person.pseudonym)
            else:
                held = await self._holding(person, tr, event_id)
                if held is not None:  # "Annuler" of a summary already confirmed
                    return SignUpStep((held,))
            return SignUpStep((Reply(tr._("C'est annulé : vous n'êtes pas inscrit·e. Rien n'a été "
                                    "gardé."), (self._home(tr),), edit=True),))  # fmt: skip
        if current is None or not ours or self._conversations.expired(current):
            held = await self._holding(person, tr, event_id)
            if held is not None:  # e.g. "Confirmer" pressed twice
                return SignUpStep((held,))
            return SignUpStep((self._no_longer(tr),))
        event = await store.get_event(self._db, event_id)
        refusal = self._refusal(event, tr)
        if refusal is not None:
            await self._conversations.clear(person.pseudonym)
            return SignUpStep((refusal,))
        assert event is not None  # no refusal: the event exists
        data = dict(current.data)
        # An old button of an earlier step: ask the current question again.
        if step != current.step and not (step == "contact" and current.step == "phone"):
            return SignUpStep((self._ask(current.step, data, event, tr, resumed=True),))
        answer = button_value(step, value, event, self.pack.events.minors_consent)
        if answer is None:
            return SignUpStep((self._ask(current.step, data, event, tr),))
        if step == "confirm":
            return await self._confirm(person, tr, data, event, chat_id)
        data[step] = answer
        if step == "contact" and answer == "telegram":
            data.pop("phone", None)
        next_step = self._next_step(data, event)
        await self._conversations.save(person.pseudonym, FLOW, next_step, data)
        return SignUpStep((self._ask(next_step, data, event, tr, edit=True),))

    async def answer_text(
        self, person: Person, tr: Translator, text: str | None, chat_id: int = 0
    ) -> SignUpStep:
        """Something typed during the questions (``None`` for a photo); a button's label
        typed is that button."""
        current = await self._state(person)
        if current is None:
            await self._conversations.clear(person.pseudonym)  # a broken row: start afresh
            return SignUpStep((self._no_longer(tr),))
        if self._conversations.expired(current):
            await self._conversations.clear(person.pseudonym)
            abandoned = tr._(
                "Vous aviez commencé une inscription il y a plus d'un jour : "
                "elle a été abandonnée. Pour vous inscrire : /evenements"
            )
            return SignUpStep((Reply(abandoned, (self._home(tr),)),))
        event = await store.get_event(self._db, current.data["event"])
        refusal = self._refusal(event, tr)
        if refusal is not None:
            await self._conversations.clear(person.pseudonym)
            return SignUpStep((refusal,))
        assert event is not None  # no refusal: the event exists
        step, data = current.step, dict(current.data)
        button = typed_button(self._ask(step, data, event, tr), text)
        pressed = actions.parse(button.action) if button is not None else None
        if pressed is not None and pressed.kind == actions.SIGNUP:
            parts = actions.split(pressed.argument)
            if len(parts) == 3 and parts[2].isdigit():
                return await self.answer_button(person, tr, parts[0], parts[1], int(parts[2]),
                                                chat_id)  # fmt: skip
        hint, answer = self._typed(step, text, event, tr)
        if hint is not None:  # one message: what is wrong, then the same question
            question = self._ask(step, data, event, tr)
            return SignUpStep((dataclasses.replace(question, text=f"{hint}\n\n{question.text}"),))
        data[step] = answer
        next_step = self._next_step(data, event)
        await self._conversations.save(person.pseudonym, FLOW, next_step, data)
        return SignUpStep((self._ask(next_step, data, event, tr),))

    def _typed(
        self, step: str, text: str | None, event: EventRecord, tr: Translator
    ) -> tuple[str | None, Any]:
        """A typed answer checked for this step: (what is wrong, or ``None``; the answer)."""
        numbers = step in ("size", "players", "people")
        if text is None:
            if step in TEXT_STEPS or numbers:
                return tr._("Je ne peux lire que du texte ici : écrivez votre réponse."), None
            return tr._("Répondez avec les boutons ci-dessous, ou annulez."), None
        if step in ("name", "team_name"):
            name = " ".join(text.split())
            limit = MAX_NAME if step == "name" else MAX_TEAM
            if not name:
                return tr._("Il me faut un nom pour la liste."), None
            if len(name) > limit:
                return tr._("C'est un peu long : {n} caractères au plus, s'il vous plaît.").format(
                    n=limit), None  # fmt: skip
            return None, name
        if step == "guardian" and self.pack.events.minors_consent == "phone":
            step = "phone"  # a parent's number, read as a team's is
        if step == "address":
            address = " ".join(text.split())
            if not 5 <= len(address) <= MAX_ADDRESS:
                return tr._("Écrivez l'adresse complète ({n} caractères au plus).").format(
                    n=MAX_ADDRESS), None  # fmt: skip
            return None, address
        if step == "phone":
            phone = normalise_phone(self.pack, text)
            if phone is None:
                return tr._("Ce numéro ne semble pas valide ici ({digits} chiffres, par exemple "
                            "{example}). Réessayez, ou choisissez d'être joint·e par Telegram."
                            ).format(digits=self.pack.territory.phone_digits,
                                     example=esc(self._example_phone())), None  # fmt: skip
            return None, phone
        if numbers:
            low, high = _number_range(step, event)
            typed = text.strip()
            if _NUMBER.match(typed) and low <= int(typed) <= high:
                return None, int(typed)
            return tr._("Choisissez avec les boutons, ou écrivez un nombre de {low} à {high}."
                        ).format(low=low, high=high), None  # fmt: skip
        return tr._("Répondez avec les boutons ci-dessous, ou annulez."), None

    async def _confirm(
        self, person: Person, tr: Translator, data: dict[str, Any], event: EventRecord,
        chat_id: int,
    ) -> SignUpStep:  # fmt: skip
        """The place is taken now, in one transaction; then the flow is gone."""
        if self._next_step(data, event) != "confirm":  # an answer is missing: ask it
            return await self._advance(person, data, event, tr)
        places, details = self._registration(data, event)
        if details.get("phone") or details.get("guardian_phone"):
            await self._people.record_consent(person, CONSENT_PURPOSE, True)
        answer = await take_place(
            self._db, self._people, self._clock, person, tr, event.id, chat_id,
            places=places, details=details,
        )  # fmt: skip
        await self._conversations.clear(person.pseudonym)
        return SignUpStep((dataclasses.replace(answer, edit=True),), confirmed=event.id)
