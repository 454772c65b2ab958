"""Announcements to those who asked for them, and to those registered for an event.

The service composes the message in every interface language when the broadcast is
created (so a resumed broadcast sends exactly what was decided), takes the audience's
snapshot in the same transaction, and hands out recipients in batches; sending is
``handlers/runtime/delivery.py``'s work, within Telegram's limits.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from bot import actions
from bot.clock import Clock
from bot.i18n import SUPPORTED, Translator
from bot.storage import Audience, BroadcastRecord, Database, Recipient
from bot.storage import broadcasts as store
from bot.storage import events as event_store
from bot.territory import Pack
from bot.territory import kinds as event_kinds
from bot.ui import Button, Outgoing, Reply, esc

Compose = Callable[[Translator], Reply]
"""The message in one language: text (HTML) and buttons."""


@dataclass(frozen=True)
class Where:
    """Where a coordinator watches a broadcast's progress (a chat, maybe a forum topic)."""

    chat_id: int
    thread_id: int | None = None


@dataclass(frozen=True)
class Progress:
    sent: int
    remaining: int
    failed: int
    blocked: int
    uncertain: int
    done: bool

    @property
    def total(self) -> int:
        return self.sent + self.remaining + self.failed + self.blocked + self.uncertain


CAPTION_LIMIT = 1024
"""Telegram's limit for a photo's caption; longer announcements go as text."""


def _encode(reply: Reply) -> dict[str, Any]:
    return {
        "text": reply.text,
        "buttons": [[[b.label, b.action] for b in row] for row in reply.buttons],
    }


class Broadcasts:
    def __init__(
        self, db: Database, pack: Pack, clock: Clock, translator: Callable[[str], Translator]
    ) -> None:
        self._db = db
        self.pack = pack
        self._clock = clock
        self._translator = translator

    def _content(self, compose: Compose, photo: str | None) -> dict[str, Any]:
        content: dict[str, Any] = {
            language: _encode(compose(self._translator(language))) for language in SUPPORTED
        }
        if photo and all(len(content[lang]["text"]) <= CAPTION_LIMIT for lang in SUPPORTED):
            content["photo"] = photo
        return content

    async def to_subscribers(
        self,
        topic: str,
        *,
        subject: str,
        quartier: str | None,
        compose: Compose,
        photo: str | None = None,
        by: str | None = None,
        progress: Where | None = None,
    ) -> int | None:
        """Announce to the subscribers of ``subject`` (an event kind, or ``permanence``)
        whose area covers ``quartier`` (``None``: the whole territory, so everyone).

        Returns the broadcast's id, or ``None`` if ``topic`` was already broadcast.
        """
        return await self.to_audience(topic, Audience(subject, quartier), compose=compose,
                                      photo=photo, by=by, progress=progress)  # fmt: skip

    async def to_registered(
        self,
        topic: str,
        *,
        event_id: int,
        compose: Compose,
        by: str | None = None,
        progress: Where | None = None,
    ) -> int | None:
        """Tell everyone registered or waiting for an event (it was moved, cancelled...),
        once per ``topic``. Returns the broadcast's id, or ``None`` if already told."""
        return await self.to_audience(topic, Audience(event_id=event_id), compose=compose, by=by,
                                      progress=progress)  # fmt: skip

    async def to_audience(
        self,
        topic: str,
        audience: Audience,
        *,
        compose: Compose,
        photo: str | None = None,
        by: str | None = None,
        progress: Where | None = None,
    ) -> int | None:
        """A broadcast to ``audience`` (subscribers, those registered), once per ``topic``;
        its id, or ``None`` if ``topic`` was already broadcast."""
        return await store.create_broadcast(
            self._db, topic, self._content(compose, photo), audience, self._clock.now(),
            created_by=by, progress=(progress.chat_id, progress.thread_id) if progress else None,
        )  # fmt: skip

    async def announce_event(
        self, event_id: int, *, by: str | None = None, progress: Where | None = None
    ) -> int | None:
        """A new event, to the subscribers of its kind around its quartier; once."""
        event = await event_store.get_event(self._db, event_id)
        if event is None or event.state != "published":
            return None

        def compose(tr: Translator) -> Reply:
            when = tr.moment(event.starts_at)
            if event.ends_at is not None and event.ends_at.date() == event.starts_at.date():
                when = f"{tr.day(event.starts_at)}, {tr.hours(event.starts_at, event.ends_at)}"
            quartier = self.pack.quartier(event.quartier) if event.quartier else None
            place = esc(event.place) + (f" ({esc(quartier.name)})" if quartier else "")
            lines = [
                tr._("📣 <b>Nouveau : {title}</b>").format(title=esc(event.title(tr.language))),
                event_kinds.label(tr, event.kind),
                f"📅 {when}",
                f"📍 {place}",
            ]
            description = event.description(tr.language)
            if description:
                lines.append(esc(description[:400]))
            lines.append(tr._("Pour ne plus recevoir ces annonces : /abonnements"))
            buttons = ((Button(tr._("✅ Voir et m'inscrire"), actions.event("show", event_id)),),)
            return Reply("\n".join(lines), buttons)

        return await self.to_subscribers(
            f"event:{event_id}:new", subject=event.kind, quartier=event.quartier,
            compose=compose, photo=event.photo_file_id, by=by, progress=progress,
        )  # fmt: skip

    # --- sending (driven by handlers/broadcasts.py) ---------------------------------------

    async def registered_count(self, event_id: int) -> int:
        """How many people an event's notices would reach (registered or waiting)."""
        return await store.count_registered(self._db, event_id)

    async def withdraw(self, broadcast_id: int) -> bool:
        """Drop a broadcast before anything left (an undone cancellation)."""
        return await store.withdraw(self._db, broadcast_id)

    async def running(self) -> list[int]:
        """Broadcasts not finished: resumed at every start."""
        return await store.running_broadcasts(self._db)

    async def get(self, broadcast_id: int) -> BroadcastRecord | None:
        return await store.get_broadcast(self._db, broadcast_id)

    async def recover(self, broadcast_id: int) -> int:
        """Before resuming after a crash: see :func:`bot.storage.broadcasts.recover`."""
        return await store.recover(self._db, broadcast_id, self._clock.now())

    async def next_batch(
        self, broadcast_id: int, size: int, *, after: str | None = None
    ) -> list[Recipient]:
        """The next ``size`` people still to be sent to, after pseudonym ``after``."""
        return await store.next_recipients(self._db, broadcast_id, size, after)

    def message_for(self, record: BroadcastRecord, recipient: Recipient) -> Outgoing:
        """What one person receives: the broadcast in their language (its text is the
        caption when there is a photo)."""
        language = recipient.language or self.pack.territory.default_language
        if language not in record.content:
            language = "fr"
        content = record.content[language]
        buttons = tuple(
            tuple(Button(label, action) for label, action in row) for row in content["buttons"]
        )
        return Outgoing(
            recipient.chat_id,
            language,
            Reply(content["text"], buttons),
            pseudonym=recipient.pseudonym,
            photo=record.content.get("photo"),
        )

    async def sending(self, broadcast_id: int, pseudonym: str) -> None:
        """The request is leaving for Telegram now."""
        await store.mark(self._db, broadcast_id, pseudonym, "sending", self._clock.now())

    async def sent(self, broadcast_id: int, pseudonym: str) -> None:
        await store.mark(self._db, broadcast_id, pseudonym, "sent", self._clock.now())

    async def blocked(self, broadcast_id: int, pseudonym: str) -> None:
        await store.mark_blocked(self._db, broadcast_id, pseudonym, self._clock.now())

    async def failed(self, broadcast_id: int, pseudonym: str) -> None:
        await store.mark(self._db, broadcast_id, pseudonym, "failed", self._clock.now())

    async def uncertain(self, broadcast_id: int, pseudonym: str) -> None:
        """The request left but no answer came back: maybe delivered, never resent."""
        await store.mark(self._db, broadcast_id, pseudonym, "uncertain", self._clock.now())

    async def retry_later(self, broadcast_id: int, pseudonym: str) -> None:
        """A transient failure (network): back to pending, one attempt counted."""
        await store.mark(
            self._db, broadcast_id, pseudonym, "pending", self._clock.now(), attempt=True
        )

    async def finish(self, broadcast_id: int) -> bool:
        return await store.finish(self._db, broadcast_id, self._clock.now())

    async def progress(self, broadcast_id: int) -> Progress:
        counts = await store.progress(self._db, broadcast_id)
        record = await store.get_broadcast(self._db, broadcast_id)
        return Progress(
            sent=counts.get("sent", 0),
            remaining=counts.get("pending", 0) + counts.get("sending", 0),
            failed=counts.get("failed", 0),
            blocked=counts.get("blocked", 0),
            uncertain=counts.get("uncertain", 0),
            done=record is not None and record.state == "done",
        )

    async def set_progress_message(self, broadcast_id: int, message_id: int) -> None:
        await store.set_progress_message(self._db, broadcast_id, message_id)

    def progress_reply(self, tr: Translator, record: BroadcastRecord, p: Progress) -> Reply:
        """What the coordinator sees, edited in place as the broadcast goes."""
        head = (tr._("✅ <b>Diffusion terminée</b>") if p.done
                else tr._("📤 <b>Diffusion en cours</b>"))  # fmt: skip
        title = record.content.get(tr.language, record.content["fr"])["text"].split("\n", 1)[0]
        lines = [
            head,
            title,
            tr._("Envoyés : {sent} · Restants : {remaining} · Échecs : {failed}").format(
                sent=p.sent, remaining=p.remaining, failed=p.failed + p.uncertain
            ),
        ]
        if p.blocked:
            lines.append(
                tr.n_("{n} personne a bloqué le bot : elle ne recevra plus rien.",
                      "{n} personnes ont bloqué le bot : elles ne recevront plus rien.",
                      p.blocked).format(n=p.blocked)
            )  # fmt: skip
        if p.uncertain:
            lines.append(
                tr.n_("{n} envoi interrompu par un redémarrage : peut-être reçu, non renvoyé.",
                      "{n} envois interrompus par un redémarrage : peut-être reçus, non renvoyés.",
                      p.uncertain).format(n=p.uncertain)
            )  # fmt: skip
        return Reply("\n".join(lines))

    async def overview(self, tr: Translator) -> Reply:
        """/diffusions: the latest broadcasts and where each one stands."""
        records = await store.recent_broadcasts(self._db, 10)
        if not records:
            return Reply(tr._("Aucune diffusion pour le moment."))
        lines = [tr._("<b>Dernières diffusions</b>")]
        for record in records:
            shown = self.progress_reply(tr, record, await self.progress(record.id))
            lines.append(f"\n{tr.timestamp(record.created_at)}\n{shown.text}")
        return Reply("\n".join(lines))
