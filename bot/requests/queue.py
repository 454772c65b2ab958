"""The staff queue: request cards, and who may do what with them.

Only registered staff act on requests; every action is checked here, whatever
the button or command that asked for it, and the card always shows the truth.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from bot import actions
from bot.clock import Clock
from bot.i18n import N_, Translator
from bot.requests.request_steps import AVAILABILITY, PROFILE_LABELS, subject_label
from bot.requests.timing import age, overdue
from bot.staff import may_act_for, may_handle, teams_seen
from bot.storage import Database, RequestRecord, StaffRecord
from bot.storage import pauses as pause_store
from bot.storage import requests as store
from bot.storage import staff as staff_store
from bot.territory import Pack
from bot.ui import Button, Reply, esc, rows

OUTCOMES: dict[str, str] = {
    "contacted": N_("Contacté·e"),
    "oriented": N_("Orienté·e vers un partenaire"),
    "no_answer": N_("Pas de réponse"),
    "not_needed": N_("Plus nécessaire"),
}


@dataclass(frozen=True)
class Acted:
    """The result of a staff action: a short pop-up for the presser, and the request."""

    ok: bool
    notice: str
    request: RequestRecord | None


def note_help(tr: Translator) -> str:
    return tr._(
        "Pour ajouter une note interne, répondez à cette carte avec : /note votre texte. "
        "/notes (en réponse) les affiche."
    )


CLOSING_IDLE = dt.timedelta(hours=1)
"""How long a close being prepared waits for a word for the person."""

MAX_LISTED = 25
"""Requests shown in /file or /mes_suivis (a message holds 4,096 characters)."""


def card_link(record: RequestRecord) -> str | None:
    """A link that opens the request's card in the staff group (a supergroup: its id
    starts with -100), in its topic when it has one."""
    if record.card_chat_id is None or record.card_message_id is None:
        return None
    chat = str(record.card_chat_id)
    if not chat.startswith("-100"):
        return None
    if record.card_thread_id:
        return f"https://t.me/c/{chat[4:]}/{record.card_thread_id}/{record.card_message_id}"
    return f"https://t.me/c/{chat[4:]}/{record.card_message_id}"


class Queue:
    """Staff, cards and the actions on requests."""

    def __init__(self, db: Database, pack: Pack, clock: Clock) -> None:
        self._db = db
        self.pack = pack
        self._clock = clock

    async def staff(self, pseudonym: str) -> StaffRecord | None:
        return await staff_store.get_staff(self._db, pseudonym)

    def team_name(self, team_id: str, tr: Translator) -> str:
        return self.pack.teams.name_of(team_id, tr.language)

    async def open_list(self, member: StaffRecord, tr: Translator) -> Reply:
        """/file: the open requests one may take (every team's, for coordinators), the
        urgent first, then the oldest; each links to its card."""
        records = await store.open_requests(self._db, teams_seen(member))
        return await self._listing(records, tr, tr._("<b>Demandes ouvertes</b>"),
                                   tr._("Aucune demande en attente. 🎉"))  # fmt: skip

    async def followups(self, member: StaffRecord, tr: Translator) -> Reply:
        """/mes_suivis: the requests one holds, in the same order."""
        records = await store.claimed_by(self._db, member.pseudonym)
        empty = tr._("Vous ne suivez aucune demande en ce moment.")
        return await self._listing(records, tr, tr._("<b>Vos suivis</b>"), empty)

    async def _listing(
        self, records: list[RequestRecord], tr: Translator, title: str, empty: str
    ) -> Reply:
        if not records:
            return Reply(empty)
        now = self._clock.now()
        ordered = sorted(records, key=lambda r: (not r.urgent, r.created_at))
        shown = ordered[:MAX_LISTED]
        holders = {m.pseudonym: m.display_name for m in await staff_store.list_staff(self._db)}
        lines = [title]
        for r in shown:
            flag = ("🔴 " if r.urgent else "") + ("⏰ " if overdue(self.pack, r, now) else "")
            if r.state == "open":
                state = tr._("à prendre")
            else:
                state = tr._("prise par {name}").format(
                    name=esc(holders.get(r.claimed_by or "", "?"))
                )
            reference = (f'<a href="{link}">{r.reference}</a>'
                         if (link := card_link(r)) else f"<b>{r.reference}</b>")  # fmt: skip
            lines.append(
                f"{flag}{reference} · {esc(self.team_name(r.team, tr))} · "
                f"{esc(subject_label(self.pack, tr, r.theme))} · {age(tr, r.created_at, now)}"
                f" · {state}"
            )
        if len(ordered) > len(shown):
            lines.append(tr._("… et {n} de plus.").format(n=len(ordered) - len(shown)))
        lines.append(tr._("📌 Un bouton remet la carte en bas de son sujet."))
        buttons = [Button(f"📌 {r.reference}", actions.staff("repost", r.id)) for r in shown]
        return Reply("\n".join(lines), rows(*buttons, per_row=3))

    async def where_cards_go(
        self, team: str, default_chat: int | None
    ) -> tuple[int, int | None] | None:
        """The staff group (and forum topic) of a team."""
        topic = await staff_store.team_topic(self._db, team)
        if topic is not None:
            return topic
        return None if default_chat is None else (default_chat, None)

    async def card(self, record: RequestRecord, tr: Translator) -> Reply:
        """One request as the staff group sees it, with the buttons its state allows."""
        now = self._clock.now()
        flag = "🔴 " + tr._("URGENT") + " · " if record.urgent else ""
        state_line = {
            "open": tr._("⏳ À prendre"),
            "claimed": tr._("✋ Pris en charge"),
            "closed": tr._("✅ Clos"),
            "cancelled": tr._("✖️ Annulé par la personne"),
        }[record.state]
        if record.state == "claimed" and record.claimed_by:
            who = await staff_store.get_staff(self._db, record.claimed_by)
            if who is not None:
                state_line = tr._("✋ Pris en charge par {name}").format(
                    name=esc(who.display_name)
                )
        if record.state == "closed" and record.outcome:
            state_line += f" — {tr._(OUTCOMES[record.outcome])}"
        quartier = self.pack.quartier(record.quartier) if record.quartier else None
        lines = [
            f"{flag}<b>{record.reference}</b> · {esc(self.team_name(record.team, tr))}",
            tr._("Sujet : {subject}").format(
                subject=esc(subject_label(self.pack, tr, record.theme))
            ),
            tr._("Quartier : {quartier}").format(
                quartier=esc(quartier.name) if quartier else tr._("non précisé")
            ),
            tr._("Depuis : {age}").format(age=age(tr, record.created_at, now)),
        ]
        if record.profile in PROFILE_LABELS:
            lines.insert(1, tr._("Qui : {who}").format(who=tr._(PROFILE_LABELS[record.profile])))
        if record.state == "open" and overdue(self.pack, record, now):
            lines.append(tr._("⏰ Attend depuis plus longtemps que le délai de l'équipe"))
        if record.channel == "phone":
            lines.append(tr._("Contact : 📞 téléphone (visible par qui prend la demande)"))
        else:
            lines.append(tr._("Contact : 💬 réponse dans Telegram (anonyme)"))
        if record.availability in AVAILABILITY:
            lines.append(tr._("Disponible : {when}").format(
                when=tr._(AVAILABILITY[record.availability])))  # fmt: skip
        if record.description:
            lines.append(tr._("Ses mots : « {text} »").format(text=esc(record.description)))
        if record.source == "crisis":
            crisis = tr._(
                "🆘 Demandée depuis la carte d'urgence : la personne a écrit un "
                "message de détresse. Les numéros d'urgence lui ont été donnés."
            )
            lines.append(crisis)
        if record.unreachable:
            lines.append(tr._("⚠️ La personne n'est plus joignable par le bot."))
        paused = (
            await pause_store.active(self._db, record.pseudonym, now) if record.pseudonym else None
        )
        if paused is not None:
            lines.append(tr._("⏸ Personne en pause jusqu'au {until}").format(
                until=tr.moment(paused.until)))  # fmt: skip
        if self.closing(record) is not None:
            lines.append(tr._("✍️ Clôture ({outcome}) : répondez à cette carte avec un mot pour "
                              "la personne, ou touchez « Clore sans mot ».").format(
                outcome=tr._(OUTCOMES[record.closing_outcome or ""])))  # fmt: skip
        lines.append(state_line)
        return Reply("\n".join(lines), self._buttons(record, tr))

    def _buttons(self, record: RequestRecord, tr: Translator) -> tuple[tuple[Button, ...], ...]:
        rid = record.id
        # Coordinators may pause the person from any card while they are known.
        pause = (Button(tr._("⏸ Mettre en pause"), actions.pause("ask", rid)),)
        pausing = pause if record.pseudonym is not None else ()
        if record.state == "open":
            return rows(
                Button(tr._("✋ Je prends"), actions.staff("claim", rid)),
                Button(tr._("🔀 Transférer"), actions.staff("transfer", rid)),
                Button(tr._("📝 Note"), actions.staff("note", rid)),
                *pausing,
                per_row=2,
            )
        if record.state == "claimed" and self.closing(record) is not None:
            return rows(
                Button(tr._("✅ Clore sans mot"), actions.staff("closenow", rid)),
                Button(tr._("⬅️ Retour"), actions.staff("show", rid)),
                per_row=2,
            )
        if record.state == "claimed":
            buttons = [
                Button(tr._("💬 Réponses types"), actions.staff("canned", rid)),
                Button(tr._("✅ Clore"), actions.staff("close", rid)),
                Button(tr._("↩️ Relâcher"), actions.staff("release", rid)),
                Button(tr._("🔀 Transférer"), actions.staff("transfer", rid)),
                Button(tr._("📝 Note"), actions.staff("note", rid)),
            ]
            if record.channel == "phone":
                buttons.append(Button(tr._("📞 Voir le numéro"), actions.staff("phone", rid)))
            return rows(*buttons, *pausing, per_row=2)
        return (pausing,) if pausing else ()

    def transfer_choices(
        self, record: RequestRecord, tr: Translator
    ) -> tuple[tuple[Button, ...], ...]:
        buttons = [
            Button(t.name.get(tr.language), actions.staff("transfer", record.id, t.id))
            for t in self.pack.teams.teams
            if t.id != record.team
        ]
        return (*rows(*buttons), (Button(tr._("⬅️ Retour"), actions.staff("show", record.id)),))

    def outcome_choices(
        self, record: RequestRecord, tr: Translator
    ) -> tuple[tuple[Button, ...], ...]:
        buttons = [
            Button(tr._(label), actions.staff("close", record.id, key.replace("_", "-")))
            for key, label in OUTCOMES.items()
        ]
        return (*rows(*buttons, per_row=2),
                (Button(tr._("⬅️ Retour"), actions.staff("show", record.id)),))  # fmt: skip

    async def act(
        self, staff: StaffRecord, request_id: int, action: str, value: str | None, tr: Translator
    ) -> Acted:
        """Do what a staff member asked, if the request's state and their role allow it."""
        now = self._clock.now()
        record = await store.get_request(self._db, request_id)
        if record is None:
            return Acted(False, tr._("Cette demande n'existe plus."), None)
        if action != "show" and not may_handle(staff, record.team):
            return Acted(False, tr._("Cette demande est pour une autre équipe."), record)
        if action == "claim":
            if await store.claim(self._db, request_id, staff.pseudonym, now):
                record = await store.get_request(self._db, request_id)
                notice = tr._("C'est pour vous.")
                if record is not None and record.channel == "phone" and record.phone:
                    notice += " " + tr._("Téléphone : {phone}").format(phone=record.phone)
                return Acted(True, notice, record)
            fresh = await store.get_request(self._db, request_id)
            holder = (
                await staff_store.get_staff(self._db, fresh.claimed_by)
                if fresh and fresh.claimed_by
                else None
            )
            if holder is not None:
                return Acted(
                    False, tr._("Déjà pris par {name}.").format(name=holder.display_name), fresh
                )
            return Acted(False, tr._("Cette demande n'est plus à prendre."), fresh)
        if action == "release":
            ok = await store.release(self._db, request_id, staff.pseudonym, now)
            notice = (
                tr._("Remise dans la file.")
                if ok
                else tr._("Seul·e la personne qui l'a prise peut la relâcher.")
            )
            return Acted(ok, notice, await store.get_request(self._db, request_id))
        if action == "transfer" and value:
            if not any(t.id == value for t in self.pack.teams.teams):
                return Acted(False, tr._("Équipe inconnue."), record)
            if record.state == "claimed" and not may_act_for(staff, record.claimed_by):
                return Acted(
                    False, tr._("Seul·e la personne qui l'a prise peut la transférer."), record
                )
            ok = await store.transfer(self._db, request_id, value, staff.pseudonym, now)
            notice = tr._("Transférée.") if ok else tr._("Impossible de la transférer.")
            return Acted(ok, notice, await store.get_request(self._db, request_id))
        if action == "close" and value:
            outcome = value.replace("-", "_")
            if outcome not in OUTCOMES:
                return Acted(False, tr._("Résultat inconnu."), record)
            if not await store.prepare_close(self._db, request_id, outcome, staff.pseudonym, now):
                return Acted(
                    False, tr._("Seul·e la personne qui l'a prise peut la clore."), record
                )
            notice = tr._(
                "Un mot pour la personne ? Répondez à la carte avec votre message : il "
                "partira avec la clôture. Sinon, touchez « Clore sans mot »."
            )
            return Acted(True, notice, await store.get_request(self._db, request_id))
        if action == "closenow":
            return await self.close_prepared(staff, record, tr)
        if action == "show" and record.closing_outcome and record.claimed_by == staff.pseudonym:
            await store.prepare_close(self._db, request_id, None, staff.pseudonym, now)
            return Acted(True, "", await store.get_request(self._db, request_id))
        if action == "note":
            return Acted(False, note_help(tr), record)
        if action == "canned":
            if record.state != "claimed" or record.claimed_by != staff.pseudonym:
                return Acted(
                    False,
                    tr._("Seul·e la personne qui a pris la demande peut lui écrire."),
                    record,
                )
            return Acted(True, "", record)
        if action == "repost":
            if record.state not in ("open", "claimed"):
                return Acted(False, tr._("Cette demande n'est plus en cours."), record)
            return Acted(True, tr._("La carte est remise en bas du sujet."), record)
        if action == "phone":
            if record.claimed_by != staff.pseudonym or not record.phone:
                return Acted(
                    False, tr._("Le numéro n'est visible que par qui a pris la demande."), record
                )
            return Acted(True, tr._("Téléphone : {phone}").format(phone=record.phone), record)
        return Acted(True, "", record)

    def closing(self, record: RequestRecord) -> str | None:
        """The outcome of a close being prepared, while it still waits for a word."""
        if record.state != "claimed" or record.closing_outcome not in OUTCOMES:
            return None
        if record.closing_at is None or self._clock.now() - record.closing_at > CLOSING_IDLE:
            return None
        return record.closing_outcome

    async def close_prepared(
        self, staff: StaffRecord, record: RequestRecord, tr: Translator
    ) -> Acted:
        """Close with the outcome the holder chose (a word for the person may go with it)."""
        outcome = self.closing(record)
        if outcome is None:
            return Acted(False, tr._("Choisissez d'abord le résultat : touchez « ✅ Clore »."),
                         record)  # fmt: skip
        ok = await store.close(self._db, record.id, outcome, staff.pseudonym, self._clock.now())
        notice = (
            tr._("Demande close.")
            if ok
            else tr._("Seul·e la personne qui l'a prise peut la clore.")
        )
        return Acted(ok, notice, await store.get_request(self._db, record.id))

    async def without_card(self) -> list[RequestRecord]:
        """Open requests whose card was never posted."""
        return [r for r in await store.open_requests(self._db, None) if r.card_message_id is None]

    async def set_card(
        self, record: RequestRecord, chat_id: int, thread_id: int | None, message_id: int
    ) -> None:
        await store.set_card(self._db, record.id, chat_id, thread_id, message_id)

    async def mark_unreachable(self, record: RequestRecord) -> None:
        await store.mark_unreachable(self._db, record.id, self._clock.now())

    async def keep_old_card(self, record: RequestRecord, chat_id: int, message_id: int) -> None:
        """A card posted again: a reply to its former message still reaches the request."""
        await store.remember_message(self._db, chat_id, message_id, record.id, self._clock.now())

    def moved_card(self, record: RequestRecord, tr: Translator) -> Reply:
        """What the former message of a card posted again says (no buttons)."""
        return Reply(tr._("⬇️ {reference} : la carte est plus bas dans le sujet.").format(
            reference=record.reference))  # fmt: skip

    async def request(self, request_id: int) -> RequestRecord | None:
        return await store.get_request(self._db, request_id)

    async def card_request(self, chat_id: int, message_id: int) -> RequestRecord | None:
        """The request whose card is this message of the staff group (a relayed message of
        the person is not a card)."""
        return await store.request_by_card(self._db, chat_id, message_id)

    async def belongs_to_request(self, chat_id: int, message_id: int) -> bool:
        return await store.request_for_message(self._db, chat_id, message_id) is not None
