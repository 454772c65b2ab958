"""Coordinators write to people in their own words: /annonce to the subscribers of a
quartier, a theme or a kind of event (or everyone subscribed), and "✉️ Écrire aux
inscrits" to those registered for an event.

A guided conversation (flow ``announce``), private with the bot: the message (text, or a
photo with its caption), who receives it, a preview exactly as people will receive it
with how many it reaches, then "Envoyer". Nothing exists until then; the draft lives in
the ``conversation`` table. Sending creates a broadcast whose topic is the draft's own
id, so a double tap, or a tap on an old preview, sends once. The broadcast is the one
every announcement goes through (resumable, at Telegram's pace, with the coordinator's
progress message).
"""

from __future__ import annotations

import secrets
from collections.abc import Callable
from typing import Any

from bot import actions
from bot.broadcasts.announce_words import (
    AnnounceStep,
    Preview,
    refusal,
    same_words,
)
from bot.broadcasts.delivery import CAPTION_LIMIT, Broadcasts, Where
from bot.broadcasts.subscriptions import Subscriptions
from bot.conversations import ANNOUNCE, EVENT_ADMIN, Conversations
from bot.i18n import SUPPORTED, Translator
from bot.people import Person
from bot.staff import coordinates
from bot.storage import Audience, Database, EventRecord
from bot.storage import broadcasts as store
from bot.storage import events as event_store
from bot.storage import staff as staff_store
from bot.territory import Pack
from bot.ui import Button, Reply, esc

TEXT_LIMIT = 3000
"""Characters of the coordinator's words (the bot's own lines come around them)."""
ALL = "all"
WHO = ("all", "confirmed", "waitlisted")
"""Those registered for an event: everyone, the confirmed places, the waiting list."""
_ORDER_SUBSCRIBERS = ("text", "audience")
_ORDER_REGISTERED = ("who", "text")


class Announcements:
    """The coordinators' own announcements, from the first word to the broadcast."""

    def __init__(
        self,
        db: Database,
        pack: Pack,
        translator: Callable[[str], Translator],
        conversations: Conversations,
        broadcasts: Broadcasts,
        subscriptions: Subscriptions,
    ) -> None:
        self._db = db
        self.pack = pack
        self._translator = translator
        self._conversations = conversations
        self._broadcasts = broadcasts
        self._subscriptions = subscriptions

    async def may(self, person: Person) -> bool:
        return coordinates(await staff_store.get_staff(self._db, person.pseudonym))

    async def abandon(self, person: Person) -> None:
        """Drop the draft (the bot could not ask its questions privately)."""
        if await self._conversations.of(person.pseudonym, ANNOUNCE) is not None:
            await self._conversations.clear(person.pseudonym)

    # --- beginning ----------------------------------------------------------------------

    async def start(self, person: Person, tr: Translator) -> AnnounceStep:
        """/annonce: a new announcement to subscribers."""
        if not await self.may(person):
            return AnnounceStep((refusal(tr),))
        busy = await self._busy(person, tr)
        if busy is not None:
            return busy
        data: dict[str, Any] = {"id": secrets.token_hex(8)}
        return await self._advance(person, tr, data)

    async def _busy(self, person: Person, tr: Translator) -> AnnounceStep | None:
        """An event being written is kept: one conversation at a time, and a draft of
        several days must not be lost to an announcement."""
        other = await self._conversations.any(person.pseudonym)
        if other is None or other.flow != EVENT_ADMIN or self._conversations.expired(other):
            return None
        return AnnounceStep((Reply(tr._("Vous avez un événement en cours d'écriture : publiez-le "
                                        "ou abandonnez-le d'abord (/nouvel_evenement), puis "
                                        "recommencez.")),))  # fmt: skip

    async def start_registered(
        self, person: Person, tr: Translator, event_id: int
    ) -> AnnounceStep:
        """ "✉️ Écrire aux inscrits" under an event's attendee list."""
        if not await self.may(person):
            return AnnounceStep((refusal(tr),))
        event = await event_store.get_event(self._db, event_id)
        if event is None:
            return AnnounceStep((Reply(tr._("Cet événement n'existe plus.")),))
        busy = await self._busy(person, tr)
        if busy is not None:
            return busy
        data: dict[str, Any] = {"id": secrets.token_hex(8), "event": event.id}
        return await self._advance(person, tr, data)

    # --- the steps ----------------------------------------------------------------------

    def _order(self, data: dict[str, Any]) -> tuple[str, ...]:
        return _ORDER_REGISTERED if "event" in data else _ORDER_SUBSCRIBERS

    async def _advance(
        self, person: Person, tr: Translator, data: dict[str, Any], *notes: str
    ) -> AnnounceStep:
        step = next((s for s in self._order(data) if s not in data), "preview")
        await self._conversations.save(person.pseudonym, ANNOUNCE, step, data)
        shown = await self._ask(step, data, tr)
        return AnnounceStep((*(Reply(n) for n in notes), *shown))

    async def _event(self, data: dict[str, Any]) -> EventRecord | None:
        event_id = data.get("event")
        return (
            await event_store.get_event(self._db, event_id) if isinstance(event_id, int) else None
        )

    def _cancel_row(self, tr: Translator) -> tuple[Button, ...]:
        return (Button(tr._("✖️ Annuler"), actions.announce("go", "stop")),)

    async def _ask(
        self, step: str, data: dict[str, Any], tr: Translator
    ) -> tuple[Reply | Preview, ...]:
        def one(text: str, *buttons: Button) -> tuple[Reply | Preview, ...]:
            rows = tuple((b,) for b in buttons)
            return (Reply(text, (*rows, self._cancel_row(tr))),)

        if step == "text":
            event = await self._event(data)
            if event is not None:
                head = tr._(
                    "✉️ Votre message pour les inscrits de « {title} » : écrivez-le ici "
                    "(ou envoyez une photo avec une légende)."
                ).format(title=esc(event.title(tr.language)))
            else:
                head = tr._(
                    "📣 <b>Nouvelle annonce</b>\nÉcrivez le message à envoyer (ou "
                    "envoyez une photo avec une légende). Vous choisirez ensuite qui le "
                    "reçoit, et vous verrez un aperçu avant l'envoi."
                )
            return one(head)
        if step == "who":
            event = await self._event(data)
            assert event is not None
            counts = {
                who: await store.count_audience(self._db, self._registered(event.id, who))
                for who in WHO
            }
            return one(
                tr._("✉️ Écrire aux inscrits de « {title} » : à qui ?").format(
                    title=esc(event.title(tr.language))
                ),
                Button(
                    tr._("Toutes les inscriptions ({n})").format(n=counts["all"]),
                    actions.announce("who", "all"),
                ),
                Button(
                    tr._("Inscriptions confirmées ({n})").format(n=counts["confirmed"]),
                    actions.announce("who", "confirmed"),
                ),
                Button(
                    tr._("Liste d'attente ({n})").format(n=counts["waitlisted"]),
                    actions.announce("who", "waitlisted"),
                ),
            )
        if step == "audience":
            return one(
                tr._("Qui reçoit cette annonce ?"),
                Button(tr._("🌍 Toutes les personnes abonnées"), actions.announce("aud", ALL)),
                Button(tr._("📍 Un quartier"), actions.announce("aud", "quartier")),
                Button(tr._("🏷️ Un thème"), actions.announce("aud", "theme")),
                Button(tr._("📅 Un type d'événement"), actions.announce("aud", "kind")),
            )
        if step in ("quartier", "theme", "kind"):
            question = {
                "quartier": tr._("Les personnes abonnées à quel quartier ?"),
                "theme": tr._("Les personnes abonnées à quel thème ?"),
                "kind": tr._("Les personnes abonnées à quel type d'événement ?"),
            }[step]
            back = Button(tr._("◀ Retour"), actions.announce("aud", "back"))
            return one(question, *self._choices(step, tr), back)
        return await self._preview(data, tr)

    def _choices(self, step: str, tr: Translator) -> list[Button]:
        if step == "quartier":
            return [
                Button(q.name[:60], actions.announce("q", q.id))
                for q in self.pack.places.quartiers
            ]
        if step == "theme":
            return [
                Button(self._subscriptions.topic_label(tr, t)[:60], actions.announce("th", t))
                for t in self._subscriptions.theme_topics
            ]
        return [
            Button(self._subscriptions.topic_label(tr, t)[:60], actions.announce("k", t))
            for t in self._subscriptions.event_topics
        ]

    # --- who, and what they receive -----------------------------------------------------

    @staticmethod
    def _registered(event_id: int, who: str) -> Audience:
        return Audience(event_id=event_id, state=None if who == ALL else who)

    def _audience(self, data: dict[str, Any]) -> Audience:
        if "event" in data:
            return self._registered(int(data["event"]), str(data["who"]))
        kind, value = data["audience"]
        if kind == "quartier":
            return Audience(store.ANY_TOPIC, quartier=value)
        if kind == "topic":
            return Audience(value)
        return Audience(store.ANY_TOPIC)

    def _describe(self, data: dict[str, Any], tr: Translator, event: EventRecord | None) -> str:
        if event is not None:
            title = esc(event.title(tr.language))
            return {
                "all": tr._(
                    "toutes les personnes inscrites à « {title} », liste d'attente comprise"
                ),
                "confirmed": tr._("les inscriptions confirmées de « {title} »"),
                "waitlisted": tr._("la liste d'attente de « {title} »"),
            }[str(data["who"])].format(title=title)
        kind, value = data["audience"]
        if kind == "quartier":
            quartier = self.pack.quartier(value)
            return tr._(
                "les personnes abonnées pour {quartier} (et celles qui suivent tout le territoire)"
            ).format(quartier=esc(quartier.name if quartier else value))
        if kind == "topic":
            return tr._("les personnes abonnées à : {topic}").format(
                topic=esc(self._subscriptions.topic_label(tr, value))
            )
        return tr._("toutes les personnes abonnées aux annonces")

    def _compose(
        self, data: dict[str, Any], event: EventRecord | None
    ) -> Callable[[Translator], Reply]:
        text = str(data.get("text") or "")

        def compose(tr: Translator) -> Reply:
            if event is not None:
                lines = [
                    tr._("✉️ <b>Message de l'équipe · {title}</b>").format(
                        title=esc(event.title(tr.language))
                    ),
                    f"📅 {tr.moment(event.starts_at)}",
                ]
                footer = tr._("Vos inscriptions : /mes_inscriptions")
            else:
                lines = [tr._("📣 <b>Annonce de l'équipe</b>")]
                footer = tr._("Pour ne plus recevoir ces annonces : /abonnements")
            if text:
                lines.append(esc(text))
            lines += ["", footer]
            return Reply("\n".join(lines))

        return compose

    def _too_long(self, data: dict[str, Any], event: EventRecord | None) -> int | None:
        """With a photo, the whole message is its caption: how many characters are left
        for the coordinator's words when they do not fit (``None``: they do)."""
        if not data.get("photo"):
            return None
        compose = self._compose(data, event)
        overhead = max(
            len(compose(self._translator(language)).text) - len(esc(data.get("text") or ""))
            for language in SUPPORTED
        )
        longest = max(len(compose(self._translator(language)).text) for language in SUPPORTED)
        return None if longest <= CAPTION_LIMIT else max(CAPTION_LIMIT - overhead, 0)

    async def _preview(self, data: dict[str, Any], tr: Translator) -> tuple[Reply | Preview, ...]:
        event = await self._event(data)
        audience = self._audience(data)
        reach = await store.count_audience(self._db, audience)
        shown = Preview(self._compose(data, event)(tr), data.get("photo"))
        lines = [
            tr._("👀 Voici l'aperçu ci-dessus, tel que les personnes le recevront."),
            tr._("Destinataires : {who}").format(who=self._describe(data, tr, event)),
        ]
        edit = Button(tr._("✏️ Modifier"), actions.announce("go", "edit"))
        if reach == 0:
            lines.append(
                tr._(
                    "Personne ne recevrait ce message pour le moment : rien ne sera "
                    "envoyé. Modifiez les destinataires, ou annulez."
                )
            )
            buttons: tuple[tuple[Button, ...], ...] = ((edit,), self._cancel_row(tr))
        else:
            lines.append(
                tr.n_("Il ira à {n} personne.", "Il ira à {n} personnes.", reach).format(n=reach)
            )
            send = Button(tr._("📤 Envoyer"), actions.announce("go", "send"))
            buttons = ((send,), (edit,), self._cancel_row(tr))
        return (shown, Reply("\n".join(lines), buttons))

    # --- answers ------------------------------------------------------------------------

    async def _current(
        self, person: Person, tr: Translator
    ) -> tuple[str, dict[str, Any]] | AnnounceStep:
        current = await self._conversations.current(person.pseudonym, ANNOUNCE)
        if current is None:
            return AnnounceStep(
                (
                    Reply(
                        tr._(
                            "Cette annonce n'est plus en cours (déjà envoyée, "
                            "ou annulée). Pour en écrire une : /annonce"
                        )
                    ),
                )
            )
        return current.step, dict(current.data)

    async def answer_button(
        self, person: Person, tr: Translator, step: str, value: str, chat_id: int
    ) -> AnnounceStep:
        """A button of the conversation: ``an:<step>.<value>`` (already shaped)."""
        if not await self.may(person):
            return AnnounceStep((refusal(tr),))
        current = await self._current(person, tr)
        if isinstance(current, AnnounceStep):
            return current
        at, data = current
        if step == "go":
            if value == "stop":
                await self._conversations.clear(person.pseudonym)
                return AnnounceStep((Reply(tr._("✖️ Annonce annulée : rien n'a été envoyé.")),))
            if value == "edit":
                for key in ("text", "photo", "audience", "who"):
                    data.pop(key, None)
                return await self._advance(person, tr, data)
            if value == "send" and at == "preview":
                return await self._send(person, tr, data, chat_id)
        elif step == "who" and at == "who" and value in WHO:
            data["who"] = value
            return await self._advance(person, tr, data)
        elif step == "aud" and at in ("audience", "quartier", "theme", "kind"):
            if value == ALL:
                data["audience"] = [ALL, None]
                return await self._advance(person, tr, data)
            if value in ("quartier", "theme", "kind"):
                await self._conversations.save(person.pseudonym, ANNOUNCE, value, data)
                return AnnounceStep(await self._ask(value, data, tr))
            if value == "back":
                return await self._advance(person, tr, data)
        elif step == "q" and at == "quartier" and self.pack.quartier(value) is not None:
            data["audience"] = ["quartier", value]
            return await self._advance(person, tr, data)
        elif (step == "th" and at == "theme" and value in self._subscriptions.theme_topics) or (
            step == "k" and at == "kind" and value in self._subscriptions.event_topics
        ):
            data["audience"] = ["topic", value]
            return await self._advance(person, tr, data)
        # A button of an earlier step: the question where the conversation is.
        return AnnounceStep(await self._ask(at, data, tr))

    async def answer_text(
        self, person: Person, tr: Translator, text: str, chat_id: int, photo: str | None = None
    ) -> AnnounceStep:
        """Words (or a photo with its caption) sent during the conversation."""
        current = await self._current(person, tr)
        if isinstance(current, AnnounceStep):
            return current
        at, data = current
        # A button's label typed instead of pressed works as the button.
        for shown in await self._ask(at, data, tr):
            if isinstance(shown, Preview) or photo is not None:
                continue
            for row in shown.buttons:
                for button in row:
                    parsed = actions.parse(button.action)
                    if parsed is not None and same_words(text, button.label):
                        step, value = actions.split(parsed.argument)[:2]
                        return await self.answer_button(person, tr, step, value, chat_id)
        if at != "text":
            hint = tr._("Répondez avec les boutons ci-dessous, ou annulez.")
            return AnnounceStep((Reply(hint), *await self._ask(at, data, tr)))
        words = text.strip()
        if not words and photo is None:
            return AnnounceStep(
                (Reply(tr._("Ici, j'attends votre message.")), *await self._ask(at, data, tr))
            )
        if len(words) > TEXT_LIMIT:
            too_long = tr._("Ce message est trop long ({n} caractères) : {limit} au plus.")
            return AnnounceStep(
                (
                    Reply(too_long.format(n=len(words), limit=TEXT_LIMIT)),
                    *await self._ask(at, data, tr),
                )
            )
        draft = {**data, "text": words, "photo": photo}
        left = self._too_long(draft, await self._event(data))
        if left is not None:
            hint = tr._(
                "Avec une photo, le texte doit tenir en {limit} caractères : raccourcissez "
                "la légende, ou envoyez le message sans photo."
            ).format(limit=left)
            return AnnounceStep((Reply(hint), *await self._ask(at, data, tr)))
        return await self._advance(person, tr, draft)

    async def answer_other(self, person: Person, tr: Translator) -> AnnounceStep:
        """A sticker, a voice note... during the conversation: the question again."""
        current = await self._current(person, tr)
        if isinstance(current, AnnounceStep):
            return current
        at, data = current
        hint = tr._("Ici, j'attends du texte, une photo avec une légende, ou un bouton.")
        return AnnounceStep((Reply(hint), *await self._ask(at, data, tr)))

    async def _send(
        self, person: Person, tr: Translator, data: dict[str, Any], chat_id: int
    ) -> AnnounceStep:
        event = await self._event(data)
        if "event" in data and event is None:
            await self._conversations.clear(person.pseudonym)
            return AnnounceStep((Reply(tr._("Cet événement n'existe plus.")),))
        audience = self._audience(data)
        reach = await store.count_audience(self._db, audience)
        if reach == 0:
            return AnnounceStep(
                (
                    Reply(tr._("Personne ne recevrait ce message : rien n'a été envoyé.")),
                    *await self._preview(data, tr),
                )
            )
        topic = f"announce:{data['id']}"
        broadcast_id = await self._broadcasts.to_audience(
            topic,
            audience,
            compose=self._compose(data, event),
            photo=data.get("photo"),
            by=person.pseudonym,
            progress=Where(chat_id),
        )
        await self._conversations.clear(person.pseudonym)
        if broadcast_id is None:
            return AnnounceStep((Reply(tr._("Cette annonce est déjà partie.")),))
        sent = tr.n_(
            "📤 C'est parti : {n} personne va recevoir le message. Vous voyez "
            "l'avancement ci-dessous ; /diffusions pour le retrouver.",
            "📤 C'est parti : {n} personnes vont recevoir le message. Vous voyez "
            "l'avancement ci-dessous ; /diffusions pour le retrouver.",
            reach,
        )
        return AnnounceStep((Reply(sent.format(n=reach)),), broadcast_id)
