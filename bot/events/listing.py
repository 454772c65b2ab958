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
from bot.territory import Pack
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

    async def detail(self, tr: Translator, event_id: int) -> Reply:
        event = await store.get_event(self._db, event_id)
        if event is None:
            return Reply(tr._("Cet événement n'existe plus."), (self._home(tr),), edit=True)
        lines = [f"<b>{esc(event.title(tr.language))}</b>", f"📅 {when_text(event, tr)}",
                 f"📍 {esc(event.place)}"]  # fmt: skip
        description = event.description(tr.language)
        if description:
            lines.append(esc(description))
        taken = (await store.counts(self._db, event.id)).get("confirmed", 0)
        if event.capacity is not None:
            free = max(0, event.capacity - taken)
            lines.append(tr.n_("{n} place libre", "{n} places libres", free).format(n=free)
                         if free else tr._("Complet : liste d'attente"))  # fmt: skip
        if event.deadline is not None:
            lines.append(tr._("Inscriptions jusqu'au {moment}").format(
                moment=tr.moment(event.deadline)))  # fmt: skip
        buttons: list[tuple[Button, ...]] = []
        if event.state == "cancelled":
            lines.append(tr._("❌ Cet événement est annulé."))
        else:
            buttons.append((Button(tr._("✅ Je m'inscris"), actions.event("join", event.id)),))
        buttons.append((Button(tr._("⬅️ Retour"), actions.menu("events")), *self._home(tr)))
        return Reply("\n".join(lines), tuple(buttons), edit=True)

    async def join(self, person: Person, tr: Translator, event_id: int) -> SignUpStep:
        """Pressing "Je m'inscris": the kind's questions begin; the place is taken at the end."""
        return await self.signup.start(person, tr, event_id)

    async def mine(self, person: Person, tr: Translator) -> Reply:
        registrations = await store.registrations_of(self._db, person.pseudonym, self._clock.now())
        if not registrations:
            return Reply(tr._("Vous n'êtes inscrit·e à aucun événement à venir."),
                         (self._home(tr),))  # fmt: skip
        lines = [tr._("<b>Vos inscriptions</b>")]
        buttons = []
        for r in registrations:
            state = (tr._("inscrit·e") if r.state == "confirmed"
                     else tr._("liste d'attente, position {n}").format(n=r.position))  # fmt: skip
            held = await attendance_store.registration_details(self._db, r.registration_id)
            lines.append(
                f"{when_text(r.event, tr)} · {esc(r.event.title(tr.language))} · {state}"
                f" · {esc(registration_summary(tr, r.event, held))}"
            )
            buttons.append((Button(tr._("✖️ Me désinscrire : {title}").format(
                title=r.event.title(tr.language))[:60],
                actions.event("leave", r.registration_id)),))  # fmt: skip
        return Reply("\n".join(lines), (*buttons, self._home(tr)))

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
