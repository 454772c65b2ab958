"""Coordinators change permanence dates from Telegram; the quartier's subscribers are told.

Three changes, each recorded in ``permanence_change`` (the pack's files are never
touched) and announced once to the subscribers of :data:`bot.territory.kinds.PERMANENCE_TOPIC`
around the permanence's quartier:

- a date cancelled (``/permanence_annuler``, with a list of the next 14 days' dates
  to choose from and a confirmation, or typed directly with an optional reason);
- a date added (``/permanence_ajouter``), at the permanence's usual place, with its own
  hours or others;
- a cancellation undone (``/permanence_retablir``).

Dates are typed in the territory's local time (``24/11``, ``24/11/2026``). Each
announcement has a topic, so it is made once: ``permanence:<id>:<date>:cancelled``,
``...:added``, ``...:restored``; a date cancelled again after a restoration gets
``...:cancelled:1`` (then ``:2``...), counted by the restorations already announced.
The same command twice finds the change already recorded and announces nothing
more; if the bot stopped between recording a change and creating its announcement,
repeating the command creates the missing one.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

from bot.broadcasts import Broadcasts, Where
from bot.clock import Clock
from bot.i18n import Translator
from bot.permanences.catalogue import Catalogue
from bot.permanences.change_notes import (
    HORIZON,
    NOTE_LIMIT,
    RESTORED,
    Outcome,
    _button,
    _typed,
    announcement,
    button_target,
    parse_day,
    parse_hours,
    refusal,
)
from bot.permanences.schedule import Occurrence, occurrences
from bot.staff import coordinates
from bot.storage import ADDED, CANCELLED, Database, DateChange, StaffRecord
from bot.storage import permanences as store
from bot.territory import PERMANENCE_TOPIC, Pack, Permanence
from bot.ui import Button, Reply, esc


class PermanenceChanges:
    """Dates cancelled, added and restored by coordinators, and their announcements."""

    def __init__(self, db: Database, pack: Pack, clock: Clock, broadcasts: Broadcasts) -> None:
        self._db = db
        self.pack = pack
        self._clock = clock
        self._broadcasts = broadcasts
        self.catalogue = Catalogue(db, pack)

    # --- reading --------------------------------------------------------------------------

    async def between(self, start: dt.datetime, end: dt.datetime) -> list[DateChange]:
        """The changes made from Telegram for the occurrences in ``[start, end)``: pass
        them to :func:`bot.permanences.schedule.occurrences` or
        :func:`bot.permanences.schedule.upcoming`."""
        tz = self.pack.tz
        return await store.changes_between(
            self._db, start.astimezone(tz).date(), end.astimezone(tz).date()
        )

    async def occurrences(self, start: dt.datetime, end: dt.datetime) -> list[Occurrence]:
        """Every occurrence in ``[start, end)``, the pack's and the database's changes applied."""
        return occurrences(
            self.pack, start, end, await self.between(start, end), await self.catalogue.stored()
        )

    def _day_bounds(self, day: dt.date) -> tuple[dt.datetime, dt.datetime]:
        tz = self.pack.tz
        start = dt.datetime.combine(day, dt.time(), tzinfo=tz)
        end = dt.datetime.combine(day + dt.timedelta(days=1), dt.time(), tzinfo=tz)
        return start.astimezone(dt.UTC), end.astimezone(dt.UTC)

    async def _on(self, permanence: Permanence, day: dt.date) -> Occurrence | None:
        found = await self.occurrences(*self._day_bounds(day))
        return next((o for o in found if o.permanence.id == permanence.id), None)

    async def _permanence(self, permanence_id: str) -> Permanence | None:
        return await self.catalogue.find(permanence_id)

    async def _ids(self) -> str:
        return ", ".join(p.id for p in await self.catalogue.all()) or "—"

    def _when(self, tr: Translator, o: Occurrence) -> str:
        return f"{tr.day(o.start)}, {tr.hours(o.start, o.end)}"

    def _today(self) -> dt.date:
        return self._clock.now().astimezone(self.pack.tz).date()

    # --- answers that change nothing ------------------------------------------------------

    async def _unknown(self, tr: Translator, permanence_id: str) -> Reply:
        return Reply(tr._("Je ne connais pas la permanence « {id} ». Permanences : {ids}").format(
            id=esc(permanence_id[:40]), ids=esc(await self._ids())))  # fmt: skip

    def _not_a_day(self, tr: Translator, text: str) -> Reply:
        return Reply(tr._("« {text} » n'est pas une date : écrivez-la JJ/MM ou JJ/MM/AAAA, "
                          "par exemple 24/11.").format(text=esc(text[:20])))  # fmt: skip

    def _past(self, tr: Translator, day: dt.date) -> Reply:
        return Reply(tr._("Le {day} est passé : cette date ne peut plus être changée.").format(
            day=tr.day(day)))  # fmt: skip

    async def _not_on(self, tr: Translator, permanence: Permanence, day: dt.date) -> Reply:
        now = self._clock.now()
        nexts = [o for o in await self.occurrences(now, now + dt.timedelta(days=62))
                 if o.permanence.id == permanence.id and not o.cancelled][:3]  # fmt: skip
        text = tr._("La permanence « {title} » n'a pas lieu le {day}.").format(
            title=esc(permanence.title.get(tr.language)), day=tr.day(day))  # fmt: skip
        if nexts:
            text += "\n" + tr._("Ses prochaines dates : {dates}").format(
                dates=", ".join(tr.day(o.start) for o in nexts))  # fmt: skip
        return Reply(text)

    def _told(self, tr: Translator, n: int) -> str:
        if n == 0:
            return tr._("Aucun·e abonné·e à prévenir pour l'instant.")
        return tr.n_("📣 {n} abonné·e va être prévenu·e.",
                     "📣 {n} abonné·e·s vont être prévenu·e·s.", n).format(n=n)  # fmt: skip

    async def _announce(
        self,
        occurrence: Occurrence,
        change: str,
        member: StaffRecord,
        where: Where | None,
        note: str | None = None,
    ) -> int | None:
        p = occurrence.permanence
        day = occurrence.start.astimezone(self.pack.tz).date()
        topic = f"permanence:{p.id}:{day.isoformat()}:{change}"
        if change != ADDED:
            # Cancelled, restored, cancelled again: each is news, announced once.
            rounds = await store.count_broadcasts(
                self._db, f"permanence:{p.id}:{day.isoformat()}:{RESTORED}"
            )
            topic += f":{rounds}" if rounds else ""
        return await self._broadcasts.to_subscribers(
            topic,
            subject=PERMANENCE_TOPIC, quartier=p.quartier,
            compose=lambda tr: announcement(self.pack, tr, occurrence, change, note),
            by=member.pseudonym, progress=where,
        )  # fmt: skip

    async def _count(self, broadcast_id: int | None) -> int:
        if broadcast_id is None:
            return 0
        return (await self._broadcasts.progress(broadcast_id)).total

    # --- the list to choose from ----------------------------------------------------------

    async def choices(self, tr: Translator, permanence_id: str | None = None) -> Reply:
        """The next 14 days' dates still on, as buttons leading to a confirmation."""
        now = self._clock.now()
        shown = [
            o for o in await self.occurrences(now - dt.timedelta(days=1), now + HORIZON)
            if not o.cancelled and o.end > now
            and (permanence_id is None or o.permanence.id == permanence_id)
        ]  # fmt: skip
        if not shown:
            return Reply(tr._("Aucune permanence n'a lieu dans les 14 prochains jours."))
        tz = self.pack.tz
        buttons = tuple(
            (Button(f"{tr.day(o.start)}, {tr.hour(o.start)} · "
                    f"{o.permanence.title.get(tr.language)}"[:60],
                    _button("pick", o.permanence.id, o.start.astimezone(tz).date())),)
            for o in shown[:40]
        )  # fmt: skip
        text = (
            tr._("Quelle date annuler ? (les 14 prochains jours)")
            + "\n"
            + tr._(
                "Vous pouvez aussi écrire /permanence_annuler &lt;identifiant&gt; "
                "&lt;JJ/MM&gt; [raison]."
            )
        )
        return Reply(text, buttons)

    async def confirmation(self, tr: Translator, permanence_id: str, day: dt.date) -> Reply:
        """Asked before a cancellation chosen with a button."""
        permanence = await self._permanence(permanence_id)
        if permanence is None:
            return replace(await self._unknown(tr, permanence_id), edit=True)
        occurrence = await self._on(permanence, day)
        if occurrence is None:
            return replace(await self._not_on(tr, permanence, day), edit=True)
        text = tr._("Annuler « {title} », {when} ? Les abonné·e·s seront prévenu·e·s.").format(
            title=esc(permanence.title.get(tr.language)), when=self._when(tr, occurrence)
        )
        buttons = (
            (Button(tr._("❌ Oui, annuler"), _button("cancel", permanence.id, day)),),
            (Button(tr._("↩️ Non, la garder"), _button("keep", permanence.id, day)),),
        )
        return Reply(text, buttons, edit=True)

    # --- the three changes ----------------------------------------------------------------

    async def cancel(
        self,
        member: StaffRecord,
        tr: Translator,
        permanence_id: str,
        day: dt.date,
        note: str | None = None,
        where: Where | None = None,
    ) -> Outcome:
        """Cancel one date of a permanence (not past, not already cancelled); the
        subscribers around its quartier are told once, with ``note`` if one is given."""
        if not coordinates(member):
            return Outcome(Reply(refusal(tr)))
        permanence = await self._permanence(permanence_id)
        if permanence is None:
            return Outcome(await self._unknown(tr, permanence_id))
        if note is not None and len(note) > NOTE_LIMIT:
            return Outcome(Reply(tr._("La raison est trop longue ({n} caractères) : {limit} au "
                                      "plus. Rien n'a été changé.").format(
                n=len(note), limit=NOTE_LIMIT)))  # fmt: skip
        occurrence = await self._on(permanence, day)
        if occurrence is None:
            return Outcome(await self._not_on(tr, permanence, day))
        if occurrence.end <= self._clock.now():
            return Outcome(self._past(tr, day))
        title = esc(permanence.title.get(tr.language))
        if occurrence.cancelled:
            text = tr._("La permanence « {title} » du {when} est déjà annulée.").format(
                title=title, when=self._when(tr, occurrence))  # fmt: skip
            existing = await store.find_change(self._db, permanence.id, day, CANCELLED)
            if existing is None:
                return Outcome(Reply(text))  # cancelled in the pack's files
            # Recorded, but perhaps never announced (a stop in between): the topic makes
            # this announce at most once, with the reason first given if none is repeated.
            bid = await self._announce(occurrence, CANCELLED, member, where, note or existing.note)
            if bid is not None:
                text += "\n" + self._told(tr, await self._count(bid))
            return Outcome(Reply(text), bid)
        change_id = await store.record_change(
            self._db, permanence.id, day, CANCELLED, self._clock.now(),
            note=note, by=member.pseudonym,
        )  # fmt: skip
        if change_id is None:  # a double press, between our read and our write
            return Outcome(
                Reply(
                    tr._("La permanence « {title} » du {when} est déjà annulée.").format(
                        title=title, when=self._when(tr, occurrence)
                    )
                )
            )
        bid = await self._announce(occurrence, CANCELLED, member, where, note)
        lines = [
            tr._("❌ Permanence annulée : « {title} », {when}.").format(
                title=title, when=self._when(tr, occurrence)),
            self._told(tr, await self._count(bid)),
            tr._("Pour revenir en arrière : /permanence_retablir {id} {day}").format(
                id=permanence.id, day=_typed(day)),
        ]  # fmt: skip
        return Outcome(Reply("\n".join(lines)), bid)

    async def add(
        self,
        member: StaffRecord,
        tr: Translator,
        permanence_id: str,
        day: dt.date,
        hours: tuple[dt.time, dt.time] | None = None,
        where: Where | None = None,
    ) -> Outcome:
        """An extra date of a permanence, at its usual place, with its usual hours unless
        ``hours`` are given; announced once to the subscribers around its quartier."""
        if not coordinates(member):
            return Outcome(Reply(refusal(tr)))
        permanence = await self._permanence(permanence_id)
        if permanence is None:
            return Outcome(await self._unknown(tr, permanence_id))
        opens, closes = hours or (permanence.opens, permanence.closes)
        if closes <= opens:
            return Outcome(Reply(tr._("L'heure de fin doit être après l'heure de début. "
                                      "Rien n'a été changé.")))  # fmt: skip
        tz = self.pack.tz
        if dt.datetime.combine(day, opens, tzinfo=tz) <= self._clock.now():
            return Outcome(self._past(tr, day))
        title = esc(permanence.title.get(tr.language))
        existing = await self._on(permanence, day)
        if existing is not None and existing.cancelled:
            return Outcome(Reply(tr._(
                "La permanence « {title} » est annulée le {day}. Pour la rétablir : "
                "/permanence_retablir {id} {typed}").format(
                title=title, day=tr.day(day), id=permanence.id, typed=_typed(day))))  # fmt: skip
        if existing is not None and not existing.added:
            return Outcome(Reply(tr._("La permanence « {title} » a déjà lieu le {when}.").format(
                title=title, when=self._when(tr, existing))))  # fmt: skip
        change = await store.find_change(self._db, permanence.id, day, ADDED)
        if change is None:
            change_id = await store.record_change(
                self._db, permanence.id, day, ADDED, self._clock.now(),
                opens=opens if hours else None, closes=closes if hours else None,
                by=member.pseudonym,
            )  # fmt: skip
            added = change_id is not None
        else:
            change_id, added = change.id, False
        occurrence = await self._on(permanence, day)
        if change_id is None or occurrence is None:
            return Outcome(Reply(tr._("La permanence « {title} » a déjà lieu le {when}.").format(
                title=title, when=tr.day(day))))  # fmt: skip
        bid = await self._announce(occurrence, ADDED, member, where)
        if added:
            text = tr._("➕ Date ajoutée : « {title} », {when}, {place}.").format(
                title=title, when=self._when(tr, occurrence),
                place=esc(permanence.place.get(tr.language)))  # fmt: skip
        else:
            text = tr._("Cette date est déjà ajoutée : « {title} », {when}.").format(
                title=title, when=self._when(tr, occurrence))  # fmt: skip
        if added or bid is not None:
            text += "\n" + self._told(tr, await self._count(bid))
        return Outcome(Reply(text), bid)

    async def restore(
        self,
        member: StaffRecord,
        tr: Translator,
        permanence_id: str,
        day: dt.date,
        where: Where | None = None,
    ) -> Outcome:
        """Undo a cancellation made from Telegram; the restoration is announced once."""
        if not coordinates(member):
            return Outcome(Reply(refusal(tr)))
        permanence = await self._permanence(permanence_id)
        if permanence is None:
            return Outcome(await self._unknown(tr, permanence_id))
        occurrence = await self._on(permanence, day)
        if occurrence is None:
            return Outcome(await self._not_on(tr, permanence, day))
        if occurrence.end <= self._clock.now():
            return Outcome(self._past(tr, day))
        title = esc(permanence.title.get(tr.language))
        change = await store.find_change(self._db, permanence.id, day, CANCELLED)
        if change is None:
            if occurrence.cancelled:
                return Outcome(Reply(tr._(
                    "La permanence « {title} » du {day} est annulée dans les fichiers du "
                    "territoire (permanences.yaml) : elle ne peut pas être rétablie d'ici."
                ).format(title=title, day=tr.day(day))))  # fmt: skip
            return Outcome(Reply(tr._("La permanence « {title} » du {when} n'est pas annulée : "
                                      "rien à rétablir.").format(
                title=title, when=self._when(tr, occurrence))))  # fmt: skip
        if not await store.remove_change(self._db, change.id):
            return Outcome(Reply(tr._("La permanence « {title} » du {when} n'est pas annulée : "
                                      "rien à rétablir.").format(
                title=title, when=self._when(tr, occurrence))))  # fmt: skip
        restored = await self._on(permanence, day) or occurrence
        bid = await self._announce(restored, RESTORED, member, where)
        lines = [
            tr._("✅ Permanence rétablie : « {title} », {when}.").format(
                title=title, when=self._when(tr, restored)),
            self._told(tr, await self._count(bid)),
        ]  # fmt: skip
        return Outcome(Reply("\n".join(lines)), bid)

    # --- commands and buttons, as typed ---------------------------------------------------

    async def _target(
        self, tr: Translator, args: list[str], usage: Reply
    ) -> tuple[Permanence, dt.date] | Reply:
        if len(args) < 2:
            return usage
        permanence = await self._permanence(args[0].lower())
        if permanence is None:
            return await self._unknown(tr, args[0])
        day = parse_day(args[1], self._today())
        if day is None:
            return self._not_a_day(tr, args[1])
        return permanence, day

    async def cancel_command(
        self, member: StaffRecord | None, tr: Translator, args: list[str], where: Where | None
    ) -> Outcome:
        """``/permanence_annuler``: the dates to choose from, or
        ``/permanence_annuler <id> <JJ/MM[/AAAA]> [raison]`` directly."""
        if not coordinates(member):
            return Outcome(Reply(refusal(tr)))
        if not args:
            return Outcome(await self.choices(tr))
        if len(args) == 1 and await self._permanence(args[0].lower()) is not None:
            return Outcome(await self.choices(tr, args[0].lower()))
        usage = Reply(tr._("Écrivez /permanence_annuler &lt;identifiant&gt; &lt;JJ/MM&gt; "
                           "[raison], ou /permanence_annuler seul pour choisir. "
                           "Permanences : {ids}").format(
            ids=esc(await self._ids())))  # fmt: skip
        target = await self._target(tr, args, usage)
        if isinstance(target, Reply):
            return Outcome(target)
        note = " ".join(args[2:]).strip() or None
        return await self.cancel(member, tr, target[0].id, target[1], note, where)

    async def add_command(
        self, member: StaffRecord | None, tr: Translator, args: list[str], where: Where | None
    ) -> Outcome:
        """``/permanence_ajouter <id> <JJ/MM[/AAAA]> [14h-17h]``."""
        if not coordinates(member):
            return Outcome(Reply(refusal(tr)))
        usage = Reply(tr._("Écrivez /permanence_ajouter &lt;identifiant&gt; &lt;JJ/MM&gt; "
                           "[14h-17h] : sans horaires, ceux de la permanence. "
                           "Permanences : {ids}").format(
            ids=esc(await self._ids())))  # fmt: skip
        target = await self._target(tr, args, usage)
        if isinstance(target, Reply):
            return Outcome(target)
        hours = None
        if len(args) > 2:
            hours = parse_hours(" ".join(args[2:]))
            if hours is None:
                return Outcome(Reply(tr._("Horaires non compris : écrivez-les 14h-17h ou "
                                          "14:00-17:00. Rien n'a été changé.")))  # fmt: skip
        return await self.add(member, tr, target[0].id, target[1], hours, where)

    async def restore_command(
        self, member: StaffRecord | None, tr: Translator, args: list[str], where: Where | None
    ) -> Outcome:
        """``/permanence_retablir <id> <JJ/MM[/AAAA]>``."""
        if not coordinates(member):
            return Outcome(Reply(refusal(tr)))
        usage = Reply(tr._("Écrivez /permanence_retablir &lt;identifiant&gt; &lt;JJ/MM&gt;. "
                           "Permanences : {ids}").format(ids=esc(await self._ids())))  # fmt: skip
        target = await self._target(tr, args, usage)
        if isinstance(target, Reply):
            return Outcome(target)
        if len(args) > 2:
            return Outcome(usage)
        return await self.restore(member, tr, target[0].id, target[1], where)

    async def pressed(
        self, member: StaffRecord, tr: Translator, argument: str, where: Where | None
    ) -> Outcome:
        """A ``pm:`` button (its shape already checked with :func:`button_target`)."""
        target = button_target(argument)
        if target is None or not coordinates(member):
            return Outcome(Reply(refusal(tr)))
        step, permanence_id, day = target
        if step == "pick":
            return Outcome(await self.confirmation(tr, permanence_id, day))
        if step == "keep":
            return Outcome(Reply(tr._("Rien n'a été changé."), edit=True))
        outcome = await self.cancel(member, tr, permanence_id, day, None, where)
        return replace(outcome, reply=replace(outcome.reply, edit=True))
