"""Neighbourhood events, from the person's side: what is on, signing up, one's places."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from bot import actions
from bot.clock import Clock
from bot.events.places import when_text
from bot.events.signup import SignUps
from bot.events.signup_steps import SignUpStep
from bot.events.signup_steps import summary as registration_summary
from bot.i18n import Translator
from bot.people import People, Person, write_to
from bot.storage import Database, SignUp
from bot.storage import attendance as attendance_store
from bot.storage import events as store
from bot.territory import Pack, left, unit_of
from bot.ui import Button, Outgoing, Reply, esc


async def promotion_notices(
    db: Database, pack: Pack, translator: Callable[[str], Translator], promoted: tuple[SignUp, ...]
) -> tuple[Outgoing, ...]:
    """The people taken off a waiting list, each told in their language (as when a place
    is freed by someone leaving)."""
    notices = []
    for signup in promoted:

        def compose(ptr: Translator, signup: SignUp = signup) -> Reply:
            return Reply(
                ptr._("🎉 Bonne nouvelle : une place s'est libérée, vous êtes inscrit·e ! "
                      "Si vous ne pouvez plus venir, libérez-la :"),
                ((Button(ptr._("Je ne peux pas venir"),
                         actions.event("leave", signup.registration_id)),),),
            )  # fmt: skip

        notice = await write_to(
            db, signup.pseudonym, pack.territory.default_language, translator, compose
        )
        if notice is not None:
            notices.append(notice)
    return tuple(notices)


def mine_text(tr: Translator, registration: store.MyRegistration) -> str:
    """Where the person stands: registered, or their rank on the waiting list."""
    if registration.state == "confirmed":
        return tr._("✅ vous êtes inscrit·e")
    return tr._("⏳ liste d'attente, position {n}").format(n=registration.position)


class Events:
    def __init__(
        self,
        db: Database,
        pack: Pack,
        people_: People,
        clock: Clock,
        translator: Callable[[str], Translator],
    ) -> None:
        self._db = db
        self.pack = pack
        self._people = people_
        self._clock = clock
        self._translator = translator
        self.signup = SignUps(db, pack, people_, clock)
        """The questions each kind asks before a place is taken."""

    def _home(self, tr: Translator) -> tuple[Button, ...]:
        return (Button(tr._("🏠 Menu principal"), actions.menu("main")),)

    async def _upcoming(self, quartier: str | None) -> list[store.EventRecord]:
        return [
            e
            for e in await store.upcoming_events(self._db, self._clock.now())
            if quartier is None or e.quartier in (None, quartier)
        ]

    async def to_join(self, tr: Translator, quartier: str | None, kind: str | None) -> Reply:
        """ "How do I sign up (for the tournament)": the event meant when there is one of
        its kind, else the list."""
        if kind is not None:
            same = [e for e in await self._upcoming(quartier) if e.kind == kind]
            if len(same) == 1:
                return await self.detail(tr, same[0].id)
        return await self.listing(tr, quartier, kind)

    async def listing(
        self, tr: Translator, quartier: str | None, kind: str | None = None
    ) -> Reply:
        """Upcoming events, those of the person's quartier and the whole territory's; of
        one kind when the person named it (the others follow when there is none)."""
        events = await self._upcoming(quartier)
        lead = ""
        if kind is not None:
            same = [e for e in events if e.kind == kind]
            if same:
                events = same
            elif events:
                lead = tr._("Rien de ce genre n'est annoncé pour le moment. Les autres "
                            "événements :") + "\n"  # fmt: skip
        # Whoever looks for events may want to hear of the next ones: ask, never assume.
        told = (Button(tr._("📣 Être prévenu·e des prochains"), actions.menu("subscriptions")),)
        if not events:
            return Reply(tr._("Aucun événement n'est annoncé pour le moment."),
                         (told, self._home(tr)), edit=True)  # fmt: skip
        buttons = tuple(
            (
                Button(
                    f"{tr.day(e.starts_at)} · {e.title(tr.language)}"[:60],
                    actions.event("show", e.id),
                ),
            )
            for e in events
        )
        return Reply(
            lead + tr._("🎉 <b>Événements à venir</b>"),
            (*buttons, told, self._home(tr)),
            edit=True,
        )

    async def open_for_sign_up(self, event_id: int) -> bool:
        """Whether an event exists, is not cancelled and is still to come (a poster's target)."""
        event = await store.get_event(self._db, event_id)
        return (
            event is not None
            and event.state == "published"
            and event.starts_at > self._clock.now()
        )

    async def detail(self, tr: Translator, event_id: int, person: Person | None = None) -> Reply:
        """An event's page: when (both ends), where, what is left in the event's own unit
        (stands, teams, places), its categories, and where the reader stands."""
        event = await store.get_event(self._db, event_id)
        if event is None:
            return Reply(tr._("Cet événement n'existe plus."), (self._home(tr),), edit=True)
        lines = [f"<b>{esc(event.title(tr.language))}</b>", f"📅 {when_text(event, tr)}",
                 f"📍 {esc(event.place)}"]  # fmt: skip
        description = event.description(tr.language)
        if description:
            lines.append(esc(description))
        if event.categories:
            lines.append(tr._("Catégories : {list}").format(list=esc(", ".join(event.categories))))
        taken = (await store.counts(self._db, event.id)).get("confirmed", 0)
        if event.capacity is not None:
            free = max(0, event.capacity - taken)
            unit = unit_of(event.kind, event.unit)
            lines.append(left(tr, unit, free) if free else tr._("Complet : liste d'attente"))
        if event.deadline is not None:
            lines.append(tr._("Inscriptions jusqu'au {moment}").format(
                moment=tr.moment(event.deadline)))  # fmt: skip
        mine = await self._standing(person, event.id) if person is not None else None
        buttons: list[tuple[Button, ...]] = []
        if event.state == "cancelled":
            lines.append(tr._("❌ Cet événement est annulé."))
            reason = await store.cancel_reason(self._db, event.id)
            if reason:
                lines.append(tr._("Raison : {reason}").format(reason=esc(reason)))
        elif mine is not None:
            lines.append(mine_text(tr, mine))
            buttons.append((Button(tr._("📋 Mes inscriptions"), actions.menu("registrations")),))
        else:
            buttons.append((Button(tr._("✅ Je m'inscris"), actions.event("join", event.id)),))
        buttons.append((Button(tr._("⬅️ Retour"), actions.menu("events")), *self._home(tr)))
        return Reply("\n".join(lines), tuple(buttons), edit=True)

    async def _standing(self, person: Person, event_id: int) -> store.MyRegistration | None:
        registrations = await store.registrations_of(
            self._db, person.pseudonym, self._clock.now(), with_cancelled=True
        )
        return next((r for r in registrations if r.event.id == event_id), None)

    async def join(self, person: Person, tr: Translator, event_id: int) -> SignUpStep:
        """Pressing "Je m'inscris": the kind's questions begin; the place is taken at the end."""
        return await self.signup.start(person, tr, event_id)

    async def mine(self, person: Person, tr: Translator) -> Reply:
        registrations = await store.registrations_of(
            self._db, person.pseudonym, self._clock.now(), with_cancelled=True
        )
        if not registrations:
            return Reply(tr._("Vous n'êtes inscrit·e à aucun événement à venir."),
                         (self._home(tr),))  # fmt: skip
        lines = [tr._("<b>Vos inscriptions</b>")]
        buttons = []
        for r in registrations:
            if r.event.state == "cancelled":  # said so, and nothing to press
                lines.append(f"{when_text(r.event, tr)} · {esc(r.event.title(tr.language))} · "
                             + tr._("❌ annulé"))  # fmt: skip
                continue
            held = await attendance_store.registration_details(self._db, r.registration_id)
            lines.append(
                f"{when_text(r.event, tr)} · {esc(r.event.title(tr.language))} · "
                f"{mine_text(tr, r)} · {esc(registration_summary(tr, r.event, held))}"
            )
            buttons.append((Button(tr._("✖️ Me désinscrire : {title}").format(
                title=r.event.title(tr.language))[:60],
                actions.event("leaveask", r.registration_id)),))  # fmt: skip
        return Reply("\n".join(lines), (*buttons, self._home(tr)))

    async def ask_leave(self, person: Person, tr: Translator, registration_id: int) -> Reply:
        """ "Me désinscrire": the place is given back only once confirmed."""
        registrations = await store.registrations_of(self._db, person.pseudonym,
                                                     self._clock.now())  # fmt: skip
        mine = next((r for r in registrations if r.registration_id == registration_id), None)
        if mine is None:
            return Reply(tr._("Cette inscription n'existe plus."), (self._home(tr),), edit=True)
        question = tr._("Libérer votre place à « {title} » ({when}) ? Quelqu'un d'autre pourra la "
                        "prendre.").format(title=esc(mine.event.title(tr.language)),
                                           when=when_text(mine.event, tr))  # fmt: skip
        return Reply(question, ((
            Button(tr._("Oui, libérer ma place"), actions.event("leave", registration_id)),
            Button(tr._("Non, je garde ma place"), actions.menu("registrations")),
        ),), edit=True)  # fmt: skip

    async def leave(
        self, person: Person, tr: Translator, registration_id: int
    ) -> tuple[Reply, list[Outgoing]]:
        """Give the place back; whoever is promoted is told and can decline."""
        promoted = await store.withdraw(
            self._db, registration_id, person.pseudonym, self._clock.now()
        )
        notices = list(
            await promotion_notices(self._db, self.pack, self._translator, tuple(promoted))
        )
        return Reply(tr._("C'est fait, votre place est libérée."), edit=True), notices

    async def forget_past_contacts(self) -> int:
        """Erase the phone numbers given at sign-up for events over since a day."""
        return await store.erase_past_contacts(self._db, self._clock.now() - dt.timedelta(days=1))
