"""Writing to one registration (a team, a stall-holder) and hearing back, in the staff group.

"✉️ Écrire" beside a registration on the attendee list posts a thread card in the staff
group. A reply to the card (or to any message of the exchange) goes to the person,
through the bot, as a relayed message does; the person answers with "↩️ Répondre" and
their words come back under the exchange's newest message, so the staff can reply again.
This is the relay's way (replies to remembered staff-group messages), kept apart from
callback requests: nobody asked to be called back, so the queue and the bilan are not
touched. Only message ids are kept (``registration_message``), never the words.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace

from bot import actions
from bot.clock import Clock
from bot.conversations import EVENT_REPLY, Conversations
from bot.events.signup_steps import list_name
from bot.i18n import Translator
from bot.people import Person, write_to
from bot.staff import staff_only
from bot.storage import Database, EventRecord, StaffRecord
from bot.storage import attendance as store
from bot.storage import events as event_store
from bot.ui import Button, Outgoing, Reply, esc

TEXT_LIMIT = 3500


@dataclass(frozen=True)
class ThreadCard:
    """The card to post in the staff group for one registration's exchange."""

    registration_id: int
    reply: Reply


@dataclass(frozen=True)
class Passed:
    """A message passed on: what to send, and what its sender is told once it is sent.
    ``registration_id`` set: the message lands in the staff group and is remembered."""

    outgoing: Outgoing
    notice: Reply
    registration_id: int | None = None


class RegistrationThreads:
    def __init__(
        self,
        db: Database,
        clock: Clock,
        translator: Callable[[str], Translator],
        default_language: str,
    ) -> None:
        self._db = db
        self._clock = clock
        self._translator = translator
        self._default_language = default_language
        self._conversations = Conversations(db, clock)

    async def _held(self, registration_id: int) -> tuple[store.Attendee, EventRecord] | None:
        held = await store.registration_details(self._db, registration_id)
        if held is None or held.state not in ("confirmed", "waitlisted"):
            return None
        event = await event_store.get_event(self._db, held.event_id)
        return None if event is None else (held, event)

    async def card(
        self, member: StaffRecord | None, tr: Translator, registration_id: int
    ) -> ThreadCard | str:
        """ "✉️ Écrire" on the attendee list: the thread card, or why not (a pop-up)."""
        if member is None:
            return staff_only(tr)
        found = await self._held(registration_id)
        if found is None:
            return tr._("Cette inscription n'est plus active : rien n'a été changé.")
        held, event = found
        state = tr._("inscrit·e") if held.state == "confirmed" else tr._("liste d'attente")
        text = "\n".join([
            tr._("✉️ <b>Échange avec {name}</b> · {title} (n° {n}) · {state}").format(
                name=esc(list_name(held.details) or tr._("(sans nom)")),
                title=esc(event.title(tr.language)), n=event.id, state=state),
            tr._("Répondez à ce message pour écrire à cette inscription, par le bot ; "
                 "ses réponses arriveront ici."),
        ])  # fmt: skip
        return ThreadCard(registration_id, Reply(text))

    async def remember(
        self, registration_id: int, chat_id: int, message_id: int, thread_id: int | None,
        *, from_person: bool = False,
    ) -> None:  # fmt: skip
        await store.remember_message(self._db, registration_id, chat_id, message_id, thread_id,
                                     self._clock.now(), from_person=from_person)  # fmt: skip

    async def from_staff(
        self,
        member: StaffRecord | None,
        tr: Translator,
        chat_id: int,
        replied_to: int,
        text: str,
        media: int | None = None,
    ) -> Passed | Reply | None:
        """A reply, in the staff group, to a message of a registration's exchange: for the
        person. ``None``: the message replied to is not one of those."""
        registration_id = await store.registration_for_message(self._db, chat_id, replied_to)
        if registration_id is None:
            return None
        if member is None:
            return Reply(staff_only(tr))
        found = await self._held(registration_id)
        pseudonym = await store.registration_person(self._db, registration_id)
        if found is None or pseudonym is None:
            return Reply(tr._("Cette inscription n'est plus active : rien n'a été transmis."))
        event = found[1]

        def compose(ptr: Translator) -> Reply:
            words = text[: 800 if media else TEXT_LIMIT]
            head = ptr._("💬 <b>L'équipe · {title}</b>").format(
                title=esc(event.title(ptr.language))
            )
            answer = Button(ptr._("↩️ Répondre"), actions.event("reply", registration_id))
            return Reply(f"{head}\n{esc(words)}" if words else head, ((answer,),))

        outgoing = await write_to(
            self._db, pseudonym, self._default_language, self._translator, compose
        )
        if outgoing is None:
            return Reply(tr._("La personne n'est plus joignable par le bot."))
        copy_of = None if media is None else (chat_id, media)
        return Passed(replace(outgoing, copy_of=copy_of), Reply(tr._("✓ Transmis.")))

    async def begin_reply(self, person: Person, tr: Translator, registration_id: int) -> Reply:
        """ "↩️ Répondre" under the staff's message: the person's next message goes to them."""
        pseudonym = await store.registration_person(self._db, registration_id)
        found = await self._held(registration_id)
        thread = await store.latest_message(self._db, registration_id)
        if pseudonym != person.pseudonym or found is None or thread is None:
            return Reply(tr._("Cette inscription n'est plus active : vous ne pouvez plus "
                              "répondre ici. Vos inscriptions : /mes_inscriptions"))  # fmt: skip
        await self._conversations.save(
            person.pseudonym, EVENT_REPLY, "text", {"registration": registration_id}
        )
        title = esc(found[1].title(tr.language))
        return Reply(tr._("✍️ Écrivez votre réponse : elle ira à l'équipe qui organise "
                          "« {title} ».").format(title=title))  # fmt: skip

    async def from_person(
        self,
        person: Person,
        tr: Translator,
        text: str,
        worrying: bool,
        media: tuple[int, int] | None = None,
    ) -> Passed | Reply:
        """The person's answer (after "↩️ Répondre"): under the exchange's newest message in
        the staff group. ``media`` (chat, message) passes a photo or a voice note on."""
        current = await self._conversations.current(person.pseudonym, EVENT_REPLY)
        await self._conversations.clear(person.pseudonym)
        if current is None:  # a day went by: the words may not be an answer any more
            return Reply(tr._("Votre message n'a pas été transmis : pour répondre à l'équipe, "
                              "touchez à nouveau « ↩️ Répondre » sous son message."))  # fmt: skip
        registration_id = current.data.get("registration") if current is not None else None
        found = await self._held(registration_id) if isinstance(registration_id, int) else None
        thread = (
            await store.latest_message(self._db, registration_id)
            if isinstance(registration_id, int)
            else None
        )
        if found is None or thread is None:
            return Reply(tr._("Cette inscription n'est plus active : votre message n'a pas été "
                              "transmis. Vos inscriptions : /mes_inscriptions"))  # fmt: skip
        held, event = found
        staff_tr = self._translator(self._default_language)
        flag = "🔴 " + staff_tr._("message préoccupant") + " · " if worrying else ""
        head = staff_tr._("💬 <b>{name}</b> · {title} répond :").format(
            name=esc(list_name(held.details) or staff_tr._("(sans nom)")),
            title=esc(event.title(staff_tr.language)),
        )
        words = text[: 800 if media else TEXT_LIMIT]
        body = f"{flag}{head}" + (f"\n{esc(words)}" if words else "")
        outgoing = Outgoing(thread.chat_id, staff_tr.language, Reply(body),
                            thread_id=thread.thread_id, reply_to=thread.message_id,
                            copy_of=media)  # fmt: skip
        notice = Reply(tr._("✓ Transmis à l'équipe qui organise « {title} ».").format(
            title=esc(event.title(tr.language))))  # fmt: skip
        return Passed(outgoing, notice, held.registration_id)
