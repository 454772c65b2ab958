"""Taking a place at an event: the one write a sign-up ends with, and what the person is told."""

from __future__ import annotations

from typing import Any

from bot import actions
from bot.clock import Clock
from bot.events.ics import event_ics
from bot.i18n import Translator
from bot.people import People, Person
from bot.storage import Database, EventRecord
from bot.storage import events as store
from bot.ui import Button, Document, Reply, esc


def when_text(event: EventRecord, tr: Translator) -> str:
    """An event's day and hours, in one phrase; an event over several days gives both
    ends."""
    start, end = event.starts_at, event.ends_at
    if end is not None and end.astimezone(tr.tz).date() == start.astimezone(tr.tz).date():
        return f"{tr.day(start)}, {tr.hours(start, end)}"
    if end is not None:
        return tr._("du {start} au {end}").format(start=tr.moment(start), end=tr.moment(end))
    return tr.moment(start)


async def take_place(
    db: Database,
    people_: People,
    clock: Clock,
    person: Person,
    tr: Translator,
    event_id: int,
    chat_id: int,
    *,
    places: int = 1,
    details: dict[str, Any] | None = None,
) -> Reply:
    """The sign-up confirmed: a place, or the waiting list with one's rank; a calendar
    file with it."""
    now = clock.now()
    outcome = await store.sign_up(
        db, event_id, person.pseudonym, now, places=places, details=details
    )
    event = await store.get_event(db, event_id)
    if outcome.state in ("unknown", "closed") or event is None:
        reason = (
            tr._("Cet événement est annulé.")
            if event is not None and event.state == "cancelled"
            else tr._("Les inscriptions sont closes pour cet événement.")
        )
        return Reply(reason, ((Button(tr._("🏠 Menu principal"), actions.menu("main")),),))
    await people_.remember_chat(person, chat_id)  # to remind and to tell of changes
    mine = (Button(tr._("📋 Mes inscriptions"), actions.menu("registrations")),)
    if outcome.state == "waitlisted":
        text = tr._("C'est complet : vous êtes sur la liste d'attente, en position {n}. "
                    "Si une place se libère, je vous préviens ici.").format(
            n=outcome.position)  # fmt: skip
        return Reply(text, (mine,))
    text = tr._("✅ C'est noté : vous êtes inscrit·e à « {title} », {when}.").format(
        title=esc(event.title(tr.language)), when=when_text(event, tr)
    )
    calendar = Document(
        "evenement.ics",
        event_ics(f"event-{event.id}@passerelle", event.title(tr.language), event.starts_at,
                  event.ends_at, event.place, event.description(tr.language), now),
        tr._("À ajouter à votre agenda"),
    )  # fmt: skip
    return Reply(text, (mine,), documents=(calendar,))
