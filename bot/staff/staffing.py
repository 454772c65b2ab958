"""Staff: who may act, the queue lists, adding and removing members, team topics,
and what the person is told when their request moves."""

from __future__ import annotations

import asyncio
import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

from bot import actions
from bot.clock import Clock
from bot.home import posters
from bot.i18n import Translator
from bot.people import Pseudonymiser, write_to
from bot.requests import OUTCOMES, Queue, age, subject_label
from bot.staff import reports
from bot.storage import Database, StaffRecord
from bot.storage import events as event_store
from bot.storage import requests as store
from bot.storage import staff as staff_store
from bot.territory import Pack
from bot.ui import Button, Outgoing, Reply, esc

ROLES = {"mediateur": "mediator", "mediator": "mediator",
         "coordinateur": "coordinator", "coordinator": "coordinator"}  # fmt: skip


def staff_only(tr: Translator) -> str:
    return tr._("Réservé à l'équipe de médiation. Rien n'a été changé.")


def staff_only_reply(tr: Translator) -> Reply:
    return Reply(staff_only(tr))


def staff_group_only_reply(tr: Translator) -> Reply:
    return Reply(tr._("Cette commande ne s'utilise que dans le groupe de l'équipe."))


@dataclass(frozen=True)
class Bilan:
    """The figures of a period: the message, and the files to attach."""

    reply: Reply
    csv: bytes = b""
    png: bytes = b""


def _period(args: list[str], today: dt.date) -> tuple[dt.date, dt.date] | None:
    """``/stats`` (this year so far), ``/stats 2026`` or ``/stats 2026-01-01 2026-06-30``."""
    try:
        if not args:
            return dt.date(today.year, 1, 1), today
        if len(args) == 1 and args[0].isdigit() and len(args[0]) == 4:
            year = int(args[0])
            return dt.date(year, 1, 1), dt.date(year, 12, 31)
        if len(args) == 2:
            start, end = dt.date.fromisoformat(args[0]), dt.date.fromisoformat(args[1])
            return (start, end) if start <= end else None
    except ValueError:
        return None
    return None


# --- Talking through the bot ------------------------------------------------------------------


_PERSON_EVENTS = ("claim", "close", "transfer")
"""What a person is told of, about their request."""

Relay = tuple[Outgoing, Reply]
"""A message passed on through the bot, and what its sender is told."""


def not_relayed(tr: Translator) -> Reply:
    return Reply(tr._("Les photos, vidéos et messages vocaux ne sont pas transmis au médiateur. "
                      "Écrivez-lui plutôt un message."))  # fmt: skip


def retrying_notice(tr: Translator) -> Reply:
    return Reply(tr._("⏳ Telegram ne répond pas : le message sera renvoyé dans un instant."))


def text_only(tr: Translator) -> Reply:
    return Reply(tr._("Seul le texte est transmis à la personne."))


def unreachable_notice(tr: Translator) -> Reply:
    return Reply(tr._("⚠️ Message non remis : la personne a bloqué le bot."))


def coordinators_only(tr: Translator) -> Reply:
    return Reply(tr._("Réservé à la coordination."))


def cancel_event_usage(tr: Translator) -> Reply:
    return Reply(tr._("Écrivez /annuler_evenement &lt;numéro de l'événement&gt;."))


class Staffing:
    """The staff's work in the group: the queue, cards and claims, the relay and notes,
    members, stats and posters."""

    def __init__(
        self,
        db: Database,
        pack: Pack,
        clock: Clock,
        queue: Queue,
        translator: Callable[[str], Translator],
        default_language: str,
        pseudonymise: Pseudonymiser,
        payloads: posters.Payloads,
        staff_chat_id: int | None,
    ) -> None:
        self.db = db
        self.pack = pack
        self.clock = clock
        self.queue = queue
        self.translator = translator
        self.default_language = default_language
        self.pseudonymise = pseudonymise
        self.payloads = payloads
        self.staff_chat_id = staff_chat_id

    def staff_group_only(self, chat_id: int) -> bool:
        """Whether a staff command sent in ``chat_id`` must be refused: the queue, the list of
        colleagues and posters are shown in the staff group only, never in another group."""
        staff_chat = self.staff_chat_id
        return staff_chat is not None and chat_id != staff_chat

    async def queue_list(self, member: StaffRecord, tr: Translator) -> Reply:
        team = None if member.role == "coordinator" else member.team
        records = await store.open_requests(self.db, team)
        if not records:
            return Reply(tr._("Aucune demande en attente. 🎉"))
        now = self.clock.now()
        lines = [tr._("<b>Demandes ouvertes</b>")]
        for r in records:
            state = tr._("à prendre") if r.state == "open" else tr._("prise")
            flag = "🔴 " if r.urgent else ""
            lines.append(
                f"{flag}<b>{r.reference}</b> · {esc(self.queue.team_name(r.team, tr))} · "
                f"{esc(subject_label(self.pack, tr, r.theme))} · {age(tr, r.created_at, now)}"
                f" · {state}"
            )
        return Reply("\n".join(lines))

    async def followups(self, member: StaffRecord, tr: Translator) -> Reply:
        records = await store.claimed_by(self.db, member.pseudonym)
        if not records:
            return Reply(tr._("Vous ne suivez aucune demande en ce moment."))
        now = self.clock.now()
        lines = [tr._("<b>Vos suivis</b>")]
        lines += [
            f"<b>{r.reference}</b> · {esc(subject_label(self.pack, tr, r.theme))} · "
            f"{age(tr, r.created_at, now)}"
            for r in records
        ]
        return Reply("\n".join(lines))

    async def add(
        self,
        member: StaffRecord | None,
        tr: Translator,
        args: list[str],
        target: tuple[int, str] | None,
    ) -> Reply:
        """A coordinator registers a colleague (replying to one of their messages)."""
        if member is None or member.role != "coordinator":
            return Reply(tr._("Seul·e un·e coordinateur·rice peut ajouter quelqu'un à l'équipe."))
        usage = tr._(
            "Répondez à un message de la personne avec : /staff_ajouter mediateur &lt;équipe&gt; "
            "ou /staff_ajouter coordinateur. Équipes : {teams}"
        ).format(teams=", ".join(t.id for t in self.pack.teams.teams))
        if target is None or not args or args[0].lower() not in ROLES:
            return Reply(usage)
        role = ROLES[args[0].lower()]
        team = args[1] if len(args) > 1 else None
        if role == "mediator" and not any(t.id == team for t in self.pack.teams.teams):
            return Reply(usage)
        telegram_id, first_name = target
        await staff_store.save_staff(
            self.db, self.pseudonymise(telegram_id), first_name[:40], role,
            team if role == "mediator" else None, self.clock.now(), member.pseudonym,
        )  # fmt: skip
        return Reply(
            tr._("{name} fait maintenant partie de l'équipe.").format(name=esc(first_name))
        )

    async def remove(
        self, member: StaffRecord | None, tr: Translator, telegram_id: int | None
    ) -> Reply:
        if member is None or member.role != "coordinator":
            return Reply(tr._("Seul·e un·e coordinateur·rice peut retirer quelqu'un de l'équipe."))
        if telegram_id is None:
            return Reply(tr._("Répondez à un message de la personne avec /staff_retirer."))
        removed = await staff_store.remove_staff(self.db, self.pseudonymise(telegram_id))
        if not removed:
            return Reply(tr._("Cette personne ne fait pas partie de l'équipe."))
        return Reply(tr._("C'est fait. Ses demandes en cours sont revenues dans la file."))

    async def listing(self, member: StaffRecord | None, tr: Translator) -> Reply:
        if member is None:
            return staff_only_reply(tr)
        members = await staff_store.list_staff(self.db)
        lines = [tr._("<b>L'équipe</b>")]
        for m in members:
            role = tr._("coordination") if m.role == "coordinator" else tr._("médiation")
            team = f" · {esc(self.queue.team_name(m.team, tr))}" if m.team else ""
            lines.append(f"{esc(m.display_name)} · {role}{team}")
        return Reply("\n".join(lines))

    async def topic(
        self,
        member: StaffRecord | None,
        tr: Translator,
        args: list[str],
        chat_id: int,
        thread_id: int | None,
    ) -> Reply:
        if member is None or member.role != "coordinator":
            return Reply(
                tr._("Seul·e un·e coordinateur·rice peut choisir les sujets des équipes.")
            )
        teams = [t.id for t in self.pack.teams.teams]
        if not args or args[0] not in teams:
            usage = tr._("Écrivez /topic &lt;équipe&gt; dans le sujet voulu. Équipes : {teams}")
            return Reply(usage.format(teams=", ".join(teams)))
        await staff_store.set_team_topic(self.db, args[0], chat_id, thread_id)
        return Reply(tr._("Les demandes de l'équipe « {team} » arriveront ici.").format(
            team=esc(self.queue.team_name(args[0], tr))))  # fmt: skip

    async def person_notice(self, request_id: int, event: str) -> Outgoing | None:
        """What to tell the person when their request is taken, closed or transferred."""
        record = await store.get_request(self.db, request_id)
        if record is None or record.pseudonym is None or event not in _PERSON_EVENTS:
            return None

        def compose(tr: Translator) -> Reply:
            if event == "claim":
                if record.channel == "phone":
                    text = tr._("👋 Un médiateur a pris votre demande {reference} en charge. "
                                "Il vous appellera au moment que vous avez indiqué.")  # fmt: skip
                else:
                    text = tr._("👋 Un médiateur a pris votre demande {reference} en charge. "
                                "Il va vous écrire ici.")  # fmt: skip
            elif event == "close":
                text = tr._("Votre demande {reference} est close. Merci de nous avoir écrit. "
                            "Besoin d'aide à nouveau ? /rappel, ou le menu : /menu")  # fmt: skip
                if record.outcome in OUTCOMES and record.outcome == "no_answer":
                    text += "\n" + tr._("Nous n'avons pas réussi à vous joindre.")
            else:
                text = tr._("Votre demande {reference} a été confiée à une autre équipe, mieux "
                            "placée pour vous aider. Vous n'avez rien à refaire.")  # fmt: skip
            buttons = ((Button(tr._("📋 Mes demandes"), actions.menu("mine")),),)
            return Reply(text.format(reference=record.reference), buttons)

        return await write_to(self.db, record.pseudonym, self.default_language, self.translator,
                              compose, request_id=record.id)  # fmt: skip

    async def unreachable(self, request_id: int) -> None:
        """The person blocked the bot: the request shows that they cannot be written to."""
        record = await store.get_request(self.db, request_id)
        if record is not None:
            await self.queue.mark_unreachable(record)

    async def stats(self, member: StaffRecord | None, tr: Translator, args: list[str]) -> Bilan:
        """The figures for the annual report, for coordinators: text, CSV and PNG."""
        if member is None or member.role != "coordinator":
            return Bilan(Reply(tr._("Les chiffres sont réservés à la coordination.")))
        today = self.clock.now().astimezone(self.pack.tz).date()
        period = _period(args, today)
        if period is None:
            return Bilan(
                Reply(tr._("Écrivez /stats, /stats 2026 ou /stats 2026-01-01 2026-06-30."))
            )
        figures = await reports.monthly_figures(self.db, self.pack, *period)
        text = reports.stats_text(figures, self.pack, tr)
        csv_text = reports.figures_csv(figures, self.pack, tr)
        png = await asyncio.to_thread(reports.figures_chart_png, figures, self.pack, tr)
        return Bilan(Reply(text), ("\ufeff" + csv_text).encode("utf-8"), png)

    async def from_mediator(
        self,
        member: StaffRecord | None,
        tr: Translator,
        chat_id: int,
        replied_to: int,
        text: str,
    ) -> Relay | Reply | None:
        """A reply to a card (or to a relayed message) in the staff group, for the person."""
        record = await store.request_for_message(self.db, chat_id, replied_to)
        if record is None:
            return None  # a reply to something else: not ours to relay
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
            sender = (
                ptr._("Votre médiateur ({name})").format(name=esc(name))
                if name
                else ptr._("Votre médiateur")
            )
            return Reply(f"💬 <b>{sender}</b> · {record.reference}\n{esc(text[:3500])}")

        outgoing = await write_to(self.db, record.pseudonym, self.default_language,
                                  self.translator, compose, request_id=record.id)  # fmt: skip
        if outgoing is None:
            return Reply(tr._("La personne n'est plus joignable par le bot."))
        await store.add_event(
            self.db, record.id, "message_out", self.clock.now(), member.pseudonym
        )
        return outgoing, Reply(tr._("✓ Transmis."))

    async def from_person(
        self,
        pseudonym: str,
        tr: Translator,
        text: str,
        worrying: bool,
        request_id: int | None = None,
    ) -> Relay | None:
        """A person's message while a mediator has their request (or one they chose to add to
        a request of theirs): it goes to that request's card."""
        if request_id is None:
            record = await store.open_relay(self.db, pseudonym)
        else:
            record = await store.get_request(self.db, request_id)
            if record is not None and (
                record.pseudonym != pseudonym or record.state not in ("open", "claimed")
            ):
                record = None
        if record is None or record.card_chat_id is None:
            return None
        staff_tr = self.translator(self.default_language)
        flag = "🔴 " + staff_tr._("message préoccupant") + " · " if worrying else ""
        body = (
            f"{flag}💬 <b>{record.reference}</b> · {staff_tr._('la personne écrit')} :\n"
            f"{esc(text[:3500])}"
        )
        await store.add_event(self.db, record.id, "message_in", self.clock.now(), "person")
        notice = Reply(tr._("✓ Transmis à votre médiateur ({reference}).").format(
            reference=record.reference))  # fmt: skip
        outgoing = Outgoing(record.card_chat_id, self.default_language, Reply(body),
                            thread_id=record.card_thread_id, reply_to=record.card_message_id,
                            request_id=record.id)  # fmt: skip
        return outgoing, notice

    async def relay_open(self, pseudonym: str) -> bool:
        return await store.open_relay(self.db, pseudonym) is not None

    async def remember(self, request_id: int, chat_id: int, message_id: int) -> None:
        """A relayed message landed in the staff group: a reply to it reaches the request."""
        await store.remember_message(self.db, chat_id, message_id, request_id, self.clock.now())

    async def _card_request(
        self, chat_id: int, replied_to: int | None
    ) -> store.RequestRecord | None:
        if replied_to is None:
            return None
        return await store.request_for_message(self.db, chat_id, replied_to)

    async def add_note(self, member: StaffRecord | None, tr: Translator, chat_id: int,
        replied_to: int | None, text: str,
    ) -> Reply:  # fmt: skip
        """/note <text>, in reply to a card: an internal note, for staff eyes only."""
        if member is None:
            return Reply(staff_only(tr))
        record = await self._card_request(chat_id, replied_to)
        if record is None or not text.strip():
            return Reply(tr._("Répondez à la carte d'une demande avec : /note votre texte"))
        await store.add_event(self.db, record.id, "note", self.clock.now(), member.pseudonym,
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
        found = await store.notes(self.db, record.id)
        if not found:
            return Reply(
                tr._("Pas encore de note pour {reference}.").format(reference=record.reference)
            )
        names = {m.pseudonym: m.display_name for m in await staff_store.list_staff(self.db)}
        lines = [tr._("<b>Notes de {reference}</b>").format(reference=record.reference)]
        lines += [
            f"{tr.timestamp(at)} · {esc(names.get(actor or '', '?'))} : {esc(text)}"
            for at, actor, text in found
        ]
        return Reply("\n".join(lines))

    async def show_name(
        self, member: StaffRecord | None, tr: Translator, args: list[str]
    ) -> Reply:
        """/prenom oui|non: whether people see the mediator's first name in relayed messages."""
        if member is None:
            return Reply(staff_only(tr))
        choice = args[0].lower() if args else ""
        if choice not in ("oui", "non", "yes", "no"):
            state = tr._("visible") if member.show_name else tr._("masqué")
            return Reply(tr._("Votre prénom est {state} pour les personnes. Écrivez /prenom oui "
                              "ou /prenom non.").format(state=state))  # fmt: skip
        show = choice in ("oui", "yes")
        await staff_store.set_show_name(self.db, member.pseudonym, show)
        if show:
            return Reply(tr._("Les personnes verront « Votre médiateur ({name}) ».").format(
                name=esc(member.display_name)))  # fmt: skip
        return Reply(tr._("Les personnes verront seulement « Votre médiateur »."))

    async def poster(self, member: StaffRecord | None, tr: Translator, args: list[str],
        bot_username: str,
    ) -> Reply:  # fmt: skip
        """/affiche rappel | evenement <id> | permanence <id>: a link and a QR code to print."""
        if member is None:
            return Reply(staff_only(tr))
        usage = Reply(tr._("Écrivez /affiche rappel, /affiche evenement &lt;numéro&gt; ou "
                           "/affiche permanence &lt;identifiant&gt;."))  # fmt: skip
        what = args[0].lower() if args else ""
        if what == "rappel":
            payload = self.payloads.make("r", "")
            title = tr._("Demander à être rappelé·e par un médiateur")
        elif what in ("evenement", "event") and len(args) > 1 and args[1].isdigit():
            event = await event_store.get_event(self.db, int(args[1]))
            if event is None:
                return usage
            payload = self.payloads.make("e", str(event.id))
            title = event.title(tr.language)
        elif what == "permanence" and len(args) > 1:
            permanence = next(
                (p for p in self.pack.permanences.permanences if p.id == args[1]), None
            )
            if permanence is None:
                return usage
            payload = self.payloads.make("p", permanence.id)
            title = permanence.title.get(tr.language)
        else:
            return usage
        url = posters.link(bot_username, payload)
        return posters.poster(tr, title, url, f"affiche-{what}.png")
