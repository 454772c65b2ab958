"""What people are told when an event they registered for moves or is cancelled, and the
cancellation itself (EventChanges)."""

from __future__ import annotations

import datetime as dt

from bot import actions
from bot.broadcasts import Broadcasts, Compose, Where
from bot.clock import Clock
from bot.i18n import Translator
from bot.storage import Database, EventRecord
from bot.storage import event_edits as event_edits_store
from bot.storage import events as store
from bot.ui import Button, Reply, esc


def when(tr: Translator, starts: dt.datetime, ends: dt.datetime | None) -> str:
    """``samedi 12 décembre, 14 h – 18 h`` (or both moments when it spans days)."""
    if ends is None:
        return tr.moment(starts)
    if tr.local(ends).date() == tr.local(starts).date():
        return f"{tr.day(starts)}, {tr.hours(starts, ends)}"
    return f"{tr.moment(starts)} – {tr.moment(ends)}"


def moved_compose(before: EventRecord | None, after: EventRecord) -> Compose:
    """The message to those registered when an event's date, times or place change."""

    def compose(tr: Translator) -> Reply:
        lines = [
            tr._("📅 <b>Changement : {title}</b>").format(title=esc(after.title(tr.language)))
        ]
        if before is not None:
            lines.append(
                tr._("Avant : {when}, {place}").format(
                    when=when(tr, before.starts_at, before.ends_at), place=esc(before.place)
                )
            )
        lines.append(
            tr._("Désormais : {when}, {place}").format(
                when=when(tr, after.starts_at, after.ends_at), place=esc(after.place)
            )
        )
        lines.append(
            tr._("Votre inscription est gardée. Si vous ne pouvez plus venir : /mes_inscriptions")
        )
        show = Button(tr._("📋 Voir l'événement"), actions.event("show", after.id))
        return Reply("\n".join(lines), ((show,),))

    return compose


def cancelled_compose(event: EventRecord, reason: str | None = None) -> Compose:
    """The message to those registered when an event is cancelled (with its reason)."""

    def compose(tr: Translator) -> Reply:
        text = tr._(
            "❌ « {title} » ({moment}) est annulé. Nous sommes désolés. "
            "Les autres événements : /evenements"
        ).format(title=esc(event.title(tr.language)), moment=tr.moment(event.starts_at))
        if reason:
            text += "\n" + tr._("Raison : {reason}").format(reason=esc(reason))
        return Reply(text)

    return compose


async def tell_moved(
    broadcasts: Broadcasts,
    before: EventRecord | None,
    after: EventRecord,
    *,
    by: str | None = None,
    progress: Where | None = None,
) -> int | None:
    """Tell everyone registered or waiting that the event moved; once per revision."""
    return await broadcasts.to_registered(
        f"event:{after.id}:moved:{after.revision}",
        event_id=after.id,
        compose=moved_compose(before, after),
        by=by,
        progress=progress,
    )


async def tell_cancelled(
    broadcasts: Broadcasts,
    event: EventRecord,
    *,
    reason: str | None = None,
    by: str | None = None,
    progress: Where | None = None,
    attempt: str = "",
) -> int | None:
    """Tell everyone registered or waiting that the event is cancelled; once per
    cancellation (``attempt`` tells an undone one from the next)."""
    return await broadcasts.to_registered(
        f"event:{event.id}:cancelled{attempt}",
        event_id=event.id,
        compose=cancelled_compose(event, reason),
        by=by,
        progress=progress,
    )


UNDO_MINUTES = 5
"""How long a cancellation can be undone before those registered are told."""


class EventChanges:
    """An event cancelled by a coordinator, and moves a crash left untold: told once to
    everyone registered or waiting."""

    def __init__(self, db: Database, clock: Clock, broadcasts: Broadcasts) -> None:
        self._db = db
        self._clock = clock
        self._broadcasts = broadcasts

    async def ask_cancel(self, tr: Translator, event_id: int, reason: str) -> Reply:
        """``/annuler_evenement <n> <raison>``: the reason is kept, and the coordinator sees
        whom it will tell and what, before confirming."""
        event = await store.get_event(self._db, event_id)
        if event is None:
            return Reply(tr._("Cet événement n'existe plus."))
        if event.state != "published":
            return Reply(tr._("Cet événement était déjà annulé."))
        reason = " ".join(reason.split())[:300]
        if not reason:
            return Reply(tr._("Écrivez la raison après le numéro, elle sera dite aux "
                              "inscrit·es : /annuler_evenement {n} Pluie annoncée").format(
                n=event.id))  # fmt: skip
        await store.set_cancel_reason(self._db, event_id, reason)
        told = await self._broadcasts.registered_count(event_id)
        preview = cancelled_compose(event, reason)(tr).text
        question = tr.n_(
            "Annuler « {title} » ? {n} personne inscrite ou en attente recevra :",
            "Annuler « {title} » ? {n} personnes inscrites ou en attente recevront :",
            told,
        ).format(title=esc(event.title(tr.language)), n=told)
        return Reply(f"{question}\n\n{preview}", ((
            Button(tr._("❌ Oui, annuler l'événement"), actions.event_cancel("yes", event_id)),
            Button(tr._("Garder l'événement"), actions.event_cancel("no", event_id)),
        ),))  # fmt: skip

    async def keep(self, tr: Translator, event_id: int) -> Reply:
        await store.set_cancel_reason(self._db, event_id, None)
        return Reply(tr._("Rien n'a changé : l'événement est maintenu."), edit=True)

    async def cancel(
        self, tr: Translator, event_id: int, *, by: str | None, progress: Where | None
    ) -> tuple[Reply, int | None]:
        """A coordinator confirmed: the event is cancelled and everyone registered or
        waiting will be told, once (a broadcast, resumable, launched after a short wait
        during which it can be undone). Returns the reply and the broadcast."""
        event = await store.get_event(self._db, event_id)
        if event is None:
            return Reply(tr._("Cet événement n'existe plus."), edit=True), None
        reason = await store.cancel_reason(self._db, event_id)
        told = await store.cancel_event(self._db, event_id)
        if told is None:
            return Reply(tr._("Cet événement était déjà annulé."), edit=True), None
        attempt = f":{int(self._clock.now().timestamp())}"
        broadcast = await tell_cancelled(self._broadcasts, event, reason=reason, by=by,
                                         progress=progress, attempt=attempt)  # fmt: skip
        done = tr.n_(
            "Événement annulé ; {n} personne sera prévenue dans {minutes} minutes.",
            "Événement annulé ; {n} personnes seront prévenues dans {minutes} minutes.",
            len(told),
        ).format(n=len(told), minutes=UNDO_MINUTES)
        undo = Button(tr._("↩️ Ne pas annuler"), actions.event_cancel("undo", event_id, broadcast))
        return Reply(done, ((undo,),) if broadcast else (), edit=True), broadcast

    async def undo(self, tr: Translator, event_id: int, broadcast_id: int) -> Reply:
        """Back before anyone was told: the event is published again."""
        if not await self._broadcasts.withdraw(broadcast_id):
            return Reply(tr._("Trop tard : les personnes inscrites ont déjà été prévenues."),
                         edit=True)  # fmt: skip
        await store.restore_event(self._db, event_id, self._clock.now())
        return Reply(tr._("L'événement est maintenu ; personne n'a été prévenu."), edit=True)

    async def tell_untold_moves(self) -> tuple[int, ...]:
        """At start: a move saved just before a crash, whose message was not created yet,
        is told now (with the new date and place only: the old ones are gone)."""
        told = []
        for event in await event_edits_store.moved_events(self._db, self._clock.now()):
            broadcast = await tell_moved(self._broadcasts, None, event)
            if broadcast is not None:
                told.append(broadcast)
        return tuple(told)
