"""Talking through the bot: a person and the mediator who holds their request write to
each other without either seeing the other's account; staff notes on a request; what
the person is told when their request moves."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace

from bot import actions
from bot.clock import Clock
from bot.i18n import N_, Translator
from bot.people import Pace, relay_held, write_to
from bot.requests.pauses import Pauses, refusal
from bot.requests.queue import Queue
from bot.staff import staff_only
from bot.storage import Database, RequestRecord, StaffRecord
from bot.storage import requests as store
from bot.storage import staff as staff_store
from bot.ui import Button, Outgoing, Reply, esc

_PERSON_EVENTS = ("claim", "close", "transfer")
"""What a person is told of, about their request."""

Relay = tuple[Outgoing, Reply]
"""A message passed on through the bot, and what its sender is told."""


def not_relayed(tr: Translator) -> Reply:
    """A sticker, a position or a contact while someone follows the request."""
    return Reply(tr._("Les autocollants, les positions et les contacts ne sont pas transmis. "
                      "Écrivez plutôt un message, ou envoyez une photo ou une capture "
                      "d'écran."))  # fmt: skip


def retrying_notice(tr: Translator) -> Reply:
    return Reply(tr._("⏳ Telegram ne répond pas : le message sera renvoyé dans un instant."))


def text_only(tr: Translator) -> Reply:
    """A sticker, a position or a contact in reply to a card."""
    return Reply(tr._("Seuls le texte, les photos, les documents et les messages vocaux sont "
                      "transmis à la personne."))  # fmt: skip


def unreachable_notice(tr: Translator) -> Reply:
    return Reply(tr._("⚠️ Message non remis : la personne a bloqué le bot."))


MEDIA_LABELS: dict[str, str] = {
    "photo": N_("une photo"),
    "document": N_("un document"),
    "voice": N_("un message vocal"),
    "audio": N_("un fichier audio"),
    "video": N_("une vidéo"),
    "video_note": N_("une vidéo"),
    "animation": N_("une animation"),
}
"""What the staff group is told a person sent (the thing itself follows, copied)."""

RATINGS = {"good": "😊", "neutral": "😐", "bad": "🙁"}
"""The one-tap rating a person gives to their closed request (kept, and counted)."""


def media_notice(tr: Translator) -> str:
    """Said before anyone sends a picture: who will see it."""
    return tr._("Vous pouvez aussi envoyer ici des photos, des captures d'écran, des documents "
                "ou des messages vocaux : la personne de l'équipe qui suit votre demande les "
                "verra. Le bot ne les garde pas.")  # fmt: skip


def closing_notice(
    tr: Translator, record: RequestRecord, word: str | None, name: str | None
) -> Reply:
    """The close, as the person reads it: the mediator's word, a rating, asking again."""
    lines = [tr._("✅ Votre demande {reference} est close. Merci de nous avoir écrit.").format(
        reference=record.reference)]  # fmt: skip
    if record.outcome == "no_answer":
        lines.append(tr._("Nous n'avons pas réussi à vous joindre."))
    if word:
        lines += ["", f"💬 <b>{sender(tr, name)}</b> :", esc(word[:1000])]
    lines += ["", tr._("Cet échange vous a-t-il été utile ?")]
    rating = tuple(
        Button(face, actions.my_request("rate", record.id, key)) for key, face in RATINGS.items()
    )
    again = (
        Button(tr._("📞 Nouvelle demande"), actions.menu("callback")),
        Button(tr._("📋 Mes demandes"), actions.menu("mine")),
    )
    return Reply("\n".join(lines), (rating, again))


def sender(tr: Translator, name: str | None) -> str:
    """Who writes, as the person reads it: the mediator's first name when they show it,
    and the team (gender-neutral)."""
    if name:
        return tr._("{name}, de l'équipe de médiation").format(name=esc(name))
    return tr._("L'équipe de médiation")


class Relays:
    """The relay between a person and their mediator, and the notes on a request."""

    def __init__(
        self,
        db: Database,
        clock: Clock,
        queue: Queue,
        translator: Callable[[str], Translator],
        default_language: str,
        pace: Pace | None = None,
        pauses: Pauses | None = None,
    ) -> None:
        self._pace = pace
        self._db = db
        self._clock = clock
        self._queue = queue
        self._translator = translator
        self._default_language = default_language
        self._pauses = pauses or Pauses(db, clock)

    async def person_notice(
        self,
        request_id: int,
        event: str,
        *,
        word: str | None = None,
        member: StaffRecord | None = None,
    ) -> Outgoing | None:
        """What to tell the person when their request is taken, closed or transferred; a
        close brings the mediator's closing ``word`` (never kept), a one-tap rating and a
        way to ask again. Gender-neutral throughout."""
        record = await store.get_request(self._db, request_id)
        if record is None or record.pseudonym is None or event not in _PERSON_EVENTS:
            return None
        name = member.display_name if member is not None and member.show_name else None

        def compose(tr: Translator) -> Reply:
            mine = Button(tr._("📋 Mes demandes"), actions.menu("mine"))
            if event == "claim":
                if record.channel == "phone":
                    text = tr._("👋 Votre demande {reference} est prise en charge par l'équipe de "
                                "médiation : on vous appelle au moment que vous avez "
                                "indiqué.")  # fmt: skip
                else:
                    text = tr._("👋 Votre demande {reference} est prise en charge par l'équipe de "
                                "médiation : on vous écrit ici très vite.")  # fmt: skip
                text += "\n" + media_notice(tr)
            elif event == "close":
                return closing_notice(tr, record, word, name)
            else:
                text = tr._("Votre demande {reference} a été confiée à une autre équipe, mieux "
                            "placée pour vous aider. Vous n'avez rien à refaire.")  # fmt: skip
            return Reply(text.format(reference=record.reference), ((mine,),))

        return await write_to(self._db, record.pseudonym, self._default_language, self._translator,
                              compose, request_id=record.id)  # fmt: skip

    async def unreachable(self, request_id: int) -> None:
        """The person blocked the bot: the request shows that they cannot be written to."""
        record = await store.get_request(self._db, request_id)
        if record is not None:
            await self._queue.mark_unreachable(record)

    async def from_mediator(
        self,
        member: StaffRecord | None,
        tr: Translator,
        chat_id: int,
        replied_to: int,
        text: str,
        media: int | None = None,
    ) -> Relay | Reply | None:
        """A reply to a card (or to a relayed message) in the staff group, for the person."""
        record = await store.request_for_message(self._db, chat_id, replied_to)
        if record is None:
            return None  # a reply to something else: not ours to relay
        copy_of = None if media is None else (chat_id, media)
        return await self.to_person(member, tr, record, lambda _: text, copy_of)

    async def to_person(
        self,
        member: StaffRecord | None,
        tr: Translator,
        record: RequestRecord,
        words: Callable[[Translator], str],
        copy_of: tuple[int, int] | None = None,
    ) -> Relay | Reply:
        """A message from the mediator who holds ``record`` to its person; ``words`` are
        written in the person's language. ``copy_of`` (chat, message) passes the mediator's
        own photo, document or voice note on, with ``words`` as its caption."""
        if member is None:
            return Reply(staff_only(tr))
        if record.state != "claimed":
            return Reply(tr._("Cette demande n'est pas en cours : rien n'a été transmis."))
        if record.claimed_by != member.pseudonym:
            return Reply(tr._("Seul·e la personne qui a pris la demande peut lui écrire."))
        if record.pseudonym is None or record.unreachable:
            return Reply(tr._("La personne n'est plus joignable par le bot."))
        name = member.display_name if member.show_name else None

        def compose(ptr: Translator) -> Reply:
            text = words(ptr)[: 800 if copy_of else 3500]
            head = f"💬 <b>{sender(ptr, name)}</b> · {record.reference}"
            return Reply(f"{head}\n{esc(text)}" if text else head)

        outgoing = await write_to(self._db, record.pseudonym, self._default_language,
                                  self._translator, compose, request_id=record.id)  # fmt: skip
        if outgoing is None:
            return Reply(tr._("La personne n'est plus joignable par le bot."))
        kind = "message_out" if copy_of is None else "media_out"
        await store.add_event(self._db, record.id, kind, self._clock.now(), member.pseudonym)
        return replace(outgoing, copy_of=copy_of), Reply(tr._("✓ Transmis."))

    async def from_person(
        self,
        pseudonym: str,
        tr: Translator,
        text: str,
        worrying: bool,
        request_id: int | None = None,
        *,
        media: tuple[str, int, int] | None = None,
    ) -> Relay | Reply | None:
        """A person's message while a mediator has their request (or one they chose to add to
        a request of theirs): it goes to that request's card. ``media`` (kind, chat,
        message) passes a photo, a document or a voice note on as it is, ``text`` being
        its caption. A paused person is told until when, and nothing goes."""
        if request_id is None:
            record = await store.open_relay(self._db, pseudonym)
        else:
            record = await store.get_request(self._db, request_id)
            if record is not None and (
                record.pseudonym != pseudonym or record.state not in ("open", "claimed")
            ):
                record = None
        if record is None or record.card_chat_id is None:
            return None
        if (pause := await self._pauses.active(pseudonym)) is not None:
            return refusal(pause, tr, relayed=True)
        wait = None if worrying or self._pace is None else self._pace.relayed(pseudonym)
        if wait is not None:  # a flood; never a message that speaks of a crisis
            return relay_held(tr, wait)
        staff_tr = self._translator(self._default_language)
        flag = "🔴 " + staff_tr._("message préoccupant") + " · " if worrying else ""
        if media is None:
            head = f"{flag}💬 <b>{record.reference}</b> · {staff_tr._('la personne écrit')} :"
            body = f"{head}\n{esc(text[:3500])}"
        else:
            sends = staff_tr._("la personne envoie {what}").format(
                what=staff_tr._(MEDIA_LABELS.get(media[0], MEDIA_LABELS["document"]))
            )
            body = f"{flag}📎 <b>{record.reference}</b> · {sends}" + (
                f"\n{esc(text[:800])}" if text else "")  # fmt: skip
        kind = "message_in" if media is None else "media_in"
        await store.add_event(self._db, record.id, kind, self._clock.now(), "person")
        words = tr._("✓ Transmis à la personne qui suit votre demande ({reference}).")
        notice = Reply(words.format(reference=record.reference))
        outgoing = Outgoing(record.card_chat_id, self._default_language, Reply(body),
                            thread_id=record.card_thread_id, reply_to=record.card_message_id,
                            request_id=record.id,
                            copy_of=None if media is None else (media[1], media[2]))  # fmt: skip
        return outgoing, notice

    async def relay_open(self, pseudonym: str) -> bool:
        return await store.open_relay(self._db, pseudonym) is not None

    async def remember(self, request_id: int, chat_id: int, message_id: int) -> None:
        """A relayed message landed in the staff group: a reply to it reaches the request."""
        await store.remember_message(self._db, chat_id, message_id, request_id, self._clock.now())

    async def _card_request(
        self, chat_id: int, replied_to: int | None
    ) -> store.RequestRecord | None:
        if replied_to is None:
            return None
        return await store.request_for_message(self._db, chat_id, replied_to)

    async def add_note(self, member: StaffRecord | None, tr: Translator, chat_id: int,
        replied_to: int | None, text: str,
    ) -> Reply:  # fmt: skip
        """/note <text>, in reply to a card: an internal note, for staff eyes only."""
        if member is None:
            return Reply(staff_only(tr))
        record = await self._card_request(chat_id, replied_to)
        if record is None or not text.strip():
            return Reply(tr._("Répondez à la carte d'une demande avec : /note votre texte"))
        await store.add_event(self._db, record.id, "note", self._clock.now(), member.pseudonym,
                              text.strip()[:1000])  # fmt: skip
        return Reply(tr._("📝 Note ajoutée à {reference}.").format(reference=record.reference))

    async def list_notes(self, member: StaffRecord | None, tr: Translator, chat_id: int,
        replied_to: int | None,
    ) -> Reply:  # fmt: skip
        """/notes, in reply to a card: the request's internal notes."""
        if member is None:
            return Reply(staff_only(tr))
        record = await self._card_request(chat_id, replied_to)
        if record is None:
            return Reply(tr._("Répondez à la carte d'une demande avec /notes."))
        found = await store.notes(self._db, record.id)
        if not found:
            return Reply(
                tr._("Pas encore de note pour {reference}.").format(reference=record.reference)
            )
        names = {m.pseudonym: m.display_name for m in await staff_store.list_staff(self._db)}
        lines = [tr._("<b>Notes de {reference}</b>").format(reference=record.reference)]
        lines += [
            f"{tr.timestamp(at)} · {esc(names.get(actor or '', '?'))} : {esc(text)}"
            for at, actor, text in found
        ]
        return Reply("\n".join(lines))
