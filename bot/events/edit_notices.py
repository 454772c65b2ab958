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


def cancelled_compose(event: EventRecord) -> Compose:
    """The message to those registered when an event is cancelled."""

    def compose(tr: Translator) -> Reply:
        return Reply(
            tr._(
                "❌ « {title} » ({moment}) est annulé. Nous sommes désolés. "
                "Les autres événements : /evenements"
            ).format(title=esc(event.title(tr.language)), moment=tr.moment(event.starts_at))
        )

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
    by: str | None = None,
    progress: Where | None = None,
) -> int | None:
    """Tell everyone registered or waiting that the event is cancelled; once."""
    return await broadcasts.to_registered(
        f"event:{event.id}:cancelled",
        event_id=event.id,
        compose=cancelled_compose(event),
        by=by,
        progress=progress,
    )


class EventChanges:
    """An event cancelled by a coordinator, and moves a crash left untold: told once to
    everyone registered or waiting."""

    def __init__(self, db: Database, clock: Clock, broadcasts: Broadcasts) -> None:
        self._db = db
        self._clock = clock
        self._broadcasts = broadcasts

    async def cancel(
        self, tr: Translator, event_id: int, *, by: str | None, progress: Where | None
    ) -> tuple[Reply, int | None]:
        """A coordinator cancels an event: everyone registered or waiting is told, once
        (a broadcast, resumable). Returns the reply and the broadcast to launch."""
        event = await store.get_event(self._db, event_id)
        if event is None:
            return Reply(tr._("Cet événement n'existe plus.")), None
        told = await store.cancel_event(self._db, event_id)
        if told is None:
            return Reply(tr._("Cet événement était déjà annulé.")), None
        broadcast = await tell_cancelled(self._broadcasts, event, by=by, progress=progress)
        done = tr.n_(
            "Événement annulé ; {n} personne prévenue.",
            "Événement annulé ; {n} personnes prévenues.",
            len(told),
        ).format(n=len(told))
        return Reply(done), broadcast

    async def tell_untold_moves(self) -> tuple[int, ...]:
        """At start: a move saved just before a crash, whose message was not created yet,
        is told now (with the new date and place only: the old ones are gone)."""
        told = []
        for event in await event_edits_store.moved_events(self._db, self._clock.now()):
            broadcast = await tell_moved(self._broadcasts, None, event)
            if broadcast is not None:
                told.append(broadcast)
        return tuple(told)
