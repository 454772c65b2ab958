"""The attendee list for the staff, as a message and as a CSV, and attendance on the day.

``/inscrits <n>`` gives an event's confirmed registrations and its waiting list, with
what each person answered at sign-up, and a CSV for Excel. ``/presences <n>`` posts
the confirmed registrations as buttons that staff press, on the day, as people
arrive (``registration.attended``). Only registered staff see or change any of it,
and the list is shown only in the staff group when one is configured: it may hold
a team's phone number.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass

from bot import actions
from bot.clock import Clock
from bot.events.signup_steps import contact, list_name, particulars
from bot.home import menu
from bot.i18n import Translator
from bot.staff import staff_only, staff_only_reply
from bot.storage import Attendee, Database, EventRecord, StaffRecord
from bot.storage import attendance as attendance_store
from bot.storage import events as store
from bot.territory import Pack
from bot.territory import kinds as event_kinds
from bot.ui import Button, Document, Reply, esc

PAGE = 20
"""Registrations per page of the attendance message."""
WRITE_BUTTONS = 60
"""Registrations with their own "✉️" button under the list (Telegram allows 100 buttons)."""
MESSAGE_LIMIT = 4096
"""Telegram's limit on a message's length."""
_FORMULA = ("=", "+", "-", "@", "\t", "\r")


def _unit(event: EventRecord) -> str:
    return event_kinds.unit_of(event.kind, event.unit)


def _name(tr: Translator, attendee: Attendee) -> str:
    return list_name(attendee.details) or tr._("(sans nom)")


def _line(tr: Translator, event: EventRecord, rank: int, attendee: Attendee) -> str:
    parts = [f"{rank}. <b>{esc(_name(tr, attendee))}</b>"]
    if event.kind != event_kinds.TOURNAMENT:  # a team is always one place
        parts.append(event_kinds.amount(tr, _unit(event), attendee.places))
    for extra in (particulars(tr, attendee.details), contact(tr, attendee.details)):
        if extra:
            parts.append(esc(extra))
    if attendee.attended:
        parts.append(tr._("présent·e"))
    return " · ".join(parts)


def split_message(lines: list[str], limit: int = MESSAGE_LIMIT) -> list[str]:
    """Lines grouped into messages that fit Telegram's limit (a line is never cut in two,
    so no HTML tag is either)."""
    chunks: list[str] = []
    current = ""
    for line in lines:
        line = line[:limit]
        candidate = f"{current}\n{line}" if current else line
        if len(candidate) > limit and current:
            chunks.append(current)
            candidate = line
        current = candidate
    if current or not chunks:
        chunks.append(current)
    return chunks


def _cell(value: object) -> str:
    """A CSV cell; text that a spreadsheet would run as a formula is quoted."""
    text = str(value)
    return "'" + text if text.startswith(_FORMULA) else text


def attendees_csv(tr: Translator, attendees: list[Attendee]) -> bytes:
    """The list as French Excel opens it: UTF-8 with a BOM, ``;`` between columns."""
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, delimiter=";")
    writer.writerow([tr._("n°"), tr._("état"), tr._("nom"), tr._("places"), tr._("détails"),
                     tr._("adresse"), tr._("contact"), tr._("présent")])  # fmt: skip
    ranks = {"confirmed": 0, "waitlisted": 0}
    for a in attendees:
        ranks[a.state] = ranks.get(a.state, 0) + 1
        state = tr._("inscrit·e") if a.state == "confirmed" else tr._("liste d'attente")
        present = "" if a.attended is None else (tr._("oui") if a.attended else tr._("non"))
        writer.writerow([ranks[a.state], state, _cell(list_name(a.details)), a.places,
                         _cell(particulars(tr, a.details)), _cell(a.details.get("address", "")),
                         _cell(contact(tr, a.details)), present])  # fmt: skip
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


# --- Attendance on the day -----------------------------------------------------------------


@dataclass(frozen=True)
class Pressed:
    """How to answer a press of the attendance message: a short notice (a pop-up if
    ``alert``), and the page to show in its place if anything changed."""

    notice: str = ""
    alert: bool = False
    reply: Reply | None = None


class Attendance:
    """Who registered and who came: the list of an event, its CSV, and the sheet ticked on
    the day."""

    def __init__(self, db: Database, pack: Pack, clock: Clock, staff_chat_id: int | None) -> None:
        self.db = db
        self.pack = pack
        self.clock = clock
        self.staff_chat_id = staff_chat_id

    def _refused(self, member: StaffRecord | None, tr: Translator,
                 chat_id: int) -> Reply | None:  # fmt: skip
        if member is None:
            return staff_only_reply(tr)
        staff_chat = self.staff_chat_id
        if staff_chat is not None and chat_id != staff_chat:
            return Reply(tr._("Cette liste ne s'affiche que dans le groupe de l'équipe."))
        return None

    async def _event_from(
        self, tr: Translator, args: list[str], command: str
    ) -> EventRecord | Reply:
        """The event named by the command's argument, or how to use the command."""
        number = args[0].lstrip("#") if args else ""
        if not number.isdigit() or len(number) > 9:
            upcoming = await store.upcoming_events(self.db, self.clock.now(), limit=10)
            lines = [tr._("Écrivez /{command} suivi du numéro de l'événement, par exemple "
                          "/{command} 12.").format(command=command)]  # fmt: skip
            if upcoming:
                lines.append(tr._("Événements à venir :"))
                lines += [f"{e.id} · {tr.day(e.starts_at)} · {esc(e.title(tr.language))}"
                          for e in upcoming]  # fmt: skip
            return Reply("\n".join(lines))
        event = await store.get_event(self.db, int(number))
        if event is None:
            return Reply(tr._("Il n'y a pas d'événement n° {n}.").format(n=int(number)))
        return event

    async def attendee_list(self, member: StaffRecord | None, tr: Translator, args: list[str],
        chat_id: int,
    ) -> Reply:  # fmt: skip
        """/inscrits <n>: the confirmed places against the capacity, the list, the waiting
        list, and the CSV attached to the last message."""
        refused = self._refused(member, tr, chat_id)
        if refused is not None:
            return refused
        found = await self._event_from(tr, args, "inscrits")
        if isinstance(found, Reply):
            return found
        event = found
        everyone = await attendance_store.attendees(self.db, event.id)
        confirmed = [a for a in everyone if a.state == "confirmed"]
        waiting = [a for a in everyone if a.state == "waitlisted"]
        taken = sum(a.places for a in confirmed)
        unit = _unit(event)
        lines = [
            tr._("<b>Inscrits · {title}</b> (n° {n})").format(
                title=esc(event.title(tr.language)), n=event.id),
            f"📅 {tr.moment(event.starts_at)} · 📍 {esc(event.place)}",
        ]  # fmt: skip
        if event.state == "cancelled":
            lines.append(tr._("❌ Cet événement est annulé."))
        if event.capacity is not None:
            lines.append(tr._("Confirmés : {n} sur {capacity}").format(
                n=taken, capacity=event_kinds.amount(tr, unit, event.capacity)))  # fmt: skip
        else:
            lines.append(tr._("Confirmés : {amount} (sans limite)").format(
                amount=event_kinds.amount(tr, unit, taken)))  # fmt: skip
        lines.append("")
        if confirmed:
            lines += [_line(tr, event, i, a) for i, a in enumerate(confirmed, start=1)]
        else:
            lines.append(tr._("Personne n'est inscrit pour le moment."))
        if waiting:
            lines += ["", tr.n_("<b>Liste d'attente</b> ({n} inscription)",
                                "<b>Liste d'attente</b> ({n} inscriptions)", len(waiting)).format(
                n=len(waiting))]  # fmt: skip
            lines += [_line(tr, event, i, a) for i, a in enumerate(waiting, start=1)]
        chunks = split_message(lines)
        document = Document(
            f"inscrits-{event.id}.csv", attendees_csv(tr, everyone),
            tr._("La liste, à ouvrir avec un tableur"),
        )  # fmt: skip
        # Coordinators write to them all from here (the conversation goes on privately);
        # staff write to one registration through the bot (a thread in this group).
        write: tuple[tuple[Button, ...], ...] = ()
        if everyone:
            write = ((Button(tr._("✉️ Écrire aux inscrits"),
                             actions.announce("reg", str(event.id))),),)  # fmt: skip
            ranked = [(i, a) for i, a in enumerate(confirmed, start=1)]
            ranked += [(i, a) for i, a in enumerate(waiting, start=1)]
            write += tuple(
                (Button(f"✉️ {'⏳ ' if a.state == 'waitlisted' else ''}{i}. "
                        f"{_name(tr, a)[:40]}", actions.event("write", a.registration_id)),)
                for i, a in ranked[:WRITE_BUTTONS]
            )  # fmt: skip
        if len(chunks) == 1:
            return Reply(chunks[0], write, documents=(document,))
        rest = [Reply(c) for c in chunks[1:-1]] + [Reply(chunks[-1], documents=(document,))]
        return Reply(chunks[0], write, extra=tuple(rest))

    def _before_the_day(self, event: EventRecord) -> bool:
        tz = self.pack.tz
        return self.clock.now().astimezone(tz).date() < event.starts_at.astimezone(tz).date()

    async def _sheet(self, tr: Translator, event: EventRecord, page: int, *, edit: bool) -> Reply:
        """One page of the confirmed registrations as buttons, ✅ present, ⬜ not yet."""
        confirmed = [
            a
            for a in await attendance_store.attendees(self.db, event.id)
            if a.state == "confirmed"
        ]
        pages = max(1, -(-len(confirmed) // PAGE))
        page = min(max(page, 0), pages - 1)
        present = sum(1 for a in confirmed if a.attended)
        lines = [
            tr._("<b>Présences · {title}</b> (n° {n})").format(
                title=esc(event.title(tr.language)), n=event.id),
            f"📅 {tr.moment(event.starts_at)}",
            tr._("Présents : {present} sur {total}").format(present=present, total=len(confirmed)),
        ]  # fmt: skip
        if pages > 1:
            lines.append(tr._("Page {page} sur {pages}").format(page=page + 1, pages=pages))
        if event.state == "cancelled":
            lines.append(tr._("❌ Cet événement est annulé."))
        elif self._before_the_day(event):
            lines.append(tr._("Les présences se notent à partir du jour de l'événement."))
        if not confirmed:
            lines.append(tr._("Personne n'est inscrit pour le moment."))
        else:
            lines.append(tr._("Appuyez sur un nom à son arrivée ; encore une fois pour annuler."))
        buttons: list[tuple[Button, ...]] = []
        for a in confirmed[page * PAGE : (page + 1) * PAGE]:
            mark = "✅" if a.attended else "⬜"
            label = f"{mark} {_name(tr, a)[:40]}"
            if event.kind != event_kinds.TOURNAMENT:  # a team is one place: nothing to count
                label += f" · {a.places}"
            buttons.append(
                (Button(label, actions.presence("off" if a.attended else "on", a.registration_id,
                                                page)),)
            )  # fmt: skip
        nav = []
        if page > 0:
            nav.append(Button("◀", actions.presence("page", event.id, page - 1)))
        if page < pages - 1:
            nav.append(Button("▶", actions.presence("page", event.id, page + 1)))
        if nav:
            buttons.append(tuple(nav))
        return Reply("\n".join(lines), tuple(buttons), edit=edit)

    async def attendance_sheet(self, member: StaffRecord | None, tr: Translator, args: list[str],
        chat_id: int,
    ) -> Reply:  # fmt: skip
        """/presences <n>: the message on which attendance is marked."""
        refused = self._refused(member, tr, chat_id)
        if refused is not None:
            return refused
        found = await self._event_from(tr, args, "presences")
        if isinstance(found, Reply):
            return found
        return await self._sheet(tr, found, 0, edit=False)

    async def press(self, member: StaffRecord | None, tr: Translator, data: str | None) -> Pressed:
        """A button of the attendance message: ``pr:on|off.<registration>.<page>`` or
        ``pr:page.<event>.<page>``. Staff only, and from the event's local day on."""
        if member is None:
            return Pressed(staff_only(tr), alert=True)
        action = actions.parse(data)
        parts = actions.split(action.argument) if action is not None else []
        if (
            action is None
            or action.kind != actions.PRESENCE
            or len(parts) != 3
            or parts[0] not in ("on", "off", "page")
            or not (parts[1].isdigit() and parts[2].isdigit())
            or len(parts[2]) > 3
        ):
            return Pressed(menu.stale_button(tr), alert=True)
        name, identifier, page = parts[0], int(parts[1]), int(parts[2])
        if name == "page":
            event = await store.get_event(self.db, identifier)
            if event is None:
                return Pressed(tr._("Cet événement n'existe plus."), alert=True)
            return Pressed(reply=await self._sheet(tr, event, page, edit=True))
        held = await attendance_store.registration_details(self.db, identifier)
        event = await store.get_event(self.db, held.event_id) if held is not None else None
        if held is None or event is None or held.state != "confirmed":
            return Pressed(tr._("Cette inscription n'est plus active : rien n'a été changé."),
                           alert=True)  # fmt: skip
        if event.state == "cancelled":
            return Pressed(tr._("Cet événement est annulé."), alert=True)
        if self._before_the_day(event):
            too_early = tr._("Les présences se notent à partir du jour de l'événement, le {day}.")
            return Pressed(too_early.format(day=tr.day(event.starts_at)), alert=True)
        present = name == "on"
        if (
            await attendance_store.set_attended(self.db, identifier, present, self.clock.now())
            is None
        ):
            return Pressed(tr._("Cette inscription n'est plus active : rien n'a été changé."),
                           alert=True)  # fmt: skip
        notice = (tr._("✅ {name} : présent·e") if present
                  else tr._("⬜ {name} : pas encore là")).format(name=_name(tr, held))  # fmt: skip
        return Pressed(notice[:190], reply=await self._sheet(tr, event, page, edit=True))
