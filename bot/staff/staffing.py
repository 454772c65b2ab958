"""The staff themselves: members added and removed, team topics, the first name shown,
the figures."""

from __future__ import annotations

import asyncio
import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

from bot.clock import Clock
from bot.i18n import Translator
from bot.people import Pseudonymiser
from bot.staff import reports
from bot.staff.access import MEDIATOR, ROLES, coordinates, staff_only, staff_only_reply
from bot.storage import Database, StaffRecord
from bot.storage import staff as staff_store
from bot.territory import Pack
from bot.ui import Reply, esc


@dataclass(frozen=True)
class Bilan:
    """The figures of a period: the message, and the files to attach."""

    reply: Reply
    csv: bytes = b""
    """UTF-8 with a byte-order mark, as a spreadsheet opens it."""
    png: bytes = b""
    """Sent as a photo: seen at once, without opening a file."""


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


def cancel_event_usage(tr: Translator) -> Reply:
    return Reply(
        tr._(
            "Écrivez /annuler_evenement &lt;numéro de l'événement&gt; &lt;raison&gt; : "
            "la raison est dite aux inscrit·es."
        )
    )


class Staffing:
    """The staff's work in the group: the queue, cards and claims, the relay and notes,
    members, stats."""

    def __init__(
        self,
        db: Database,
        pack: Pack,
        clock: Clock,
        translator: Callable[[str], Translator],
        default_language: str,
        pseudonymise: Pseudonymiser,
        staff_chat_id: int | None,
    ) -> None:
        self.db = db
        self.pack = pack
        self.clock = clock
        self.translator = translator
        self.default_language = default_language
        self.pseudonymise = pseudonymise
        self.staff_chat_id = staff_chat_id

    def staff_group_only(self, chat_id: int) -> bool:
        """Whether a staff command sent in ``chat_id`` must be refused: the queue, the list of
        colleagues and posters are shown in the staff group only, never in another group."""
        staff_chat = self.staff_chat_id
        return staff_chat is not None and chat_id != staff_chat

    async def add(
        self,
        member: StaffRecord | None,
        tr: Translator,
        args: list[str],
        target: tuple[int, str] | None,
    ) -> Reply:
        """A coordinator registers a colleague (replying to one of their messages)."""
        if not coordinates(member):
            return Reply(tr._("Seul·e un·e coordinateur·rice peut ajouter quelqu'un à l'équipe."))
        usage = tr._(
            "Répondez à un message de la personne avec : /staff_ajouter mediateur &lt;équipe&gt; "
            "ou /staff_ajouter coordinateur. Équipes : {teams}"
        ).format(teams=", ".join(t.id for t in self.pack.teams.teams))
        if target is None or not args or args[0].lower() not in ROLES:
            return Reply(usage)
        role = ROLES[args[0].lower()]
        team = args[1] if len(args) > 1 else None
        if role == MEDIATOR and not any(t.id == team for t in self.pack.teams.teams):
            return Reply(usage)
        telegram_id, first_name = target
        await staff_store.save_staff(
            self.db, self.pseudonymise(telegram_id), first_name[:40], role,
            team if role == MEDIATOR else None, self.clock.now(), member.pseudonym,
        )  # fmt: skip
        return Reply(
            tr._("{name} fait maintenant partie de l'équipe.").format(name=esc(first_name))
        )

    def team_ids(self) -> list[str]:
        """The pack's teams, as ``teams.yaml`` names them, in its order."""
        return [t.id for t in self.pack.teams.teams]

    async def member(self, telegram_id: int) -> StaffRecord | None:
        """The staff member behind a Telegram account, or ``None``."""
        return await staff_store.get_staff(self.db, self.pseudonymise(telegram_id))

    async def enrol(self, telegram_id: int, name: str, role: str, team: str | None) -> StaffRecord:
        """Register someone as staff without a coordinator's word in the group (the console's
        ``:staff``). A mediator belongs to one of the pack's teams, a coordinator to none
        (they see every team). Registering again changes nothing; another role or team
        replaces the former one.

        Raises ``ValueError`` for an unknown role, or a mediator without a known team."""
        if role not in ROLES.values():
            raise ValueError(f"unknown role {role!r}")
        if role == MEDIATOR and team not in self.team_ids():
            raise ValueError(f"unknown team {team!r}")
        pseudonym = self.pseudonymise(telegram_id)
        await staff_store.save_staff(
            self.db, pseudonym, name[:40], role, team if role == MEDIATOR else None,
            self.clock.now(), None,
        )  # fmt: skip
        member = await staff_store.get_staff(self.db, pseudonym)
        assert member is not None
        return member

    async def remove(
        self, member: StaffRecord | None, tr: Translator, telegram_id: int | None
    ) -> Reply:
        if not coordinates(member):
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
            role = tr._("coordination") if coordinates(m) else tr._("médiation")
            team = f" · {esc(self.pack.teams.name_of(m.team, tr.language))}" if m.team else ""
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
        if not coordinates(member):
            return Reply(
                tr._("Seul·e un·e coordinateur·rice peut choisir les sujets des équipes.")
            )
        teams = [t.id for t in self.pack.teams.teams]
        if not args or args[0] not in teams:
            usage = tr._("Écrivez /topic &lt;équipe&gt; dans le sujet voulu. Équipes : {teams}")
            return Reply(usage.format(teams=", ".join(teams)))
        await staff_store.set_team_topic(self.db, args[0], chat_id, thread_id)
        return Reply(tr._("Les demandes de l'équipe « {team} » arriveront ici.").format(
            team=esc(self.pack.teams.name_of(args[0], tr.language))))  # fmt: skip

    async def stats(self, member: StaffRecord | None, tr: Translator, args: list[str]) -> Bilan:
        """The figures for the annual report, for coordinators: text, CSV and PNG."""
        if not coordinates(member):
            return Bilan(Reply(tr._("Les chiffres sont réservés à la coordination.")))
        today = self.clock.now().astimezone(self.pack.tz).date()
        period = _period(args, today)
        if period is None:
            return Bilan(
                Reply(tr._("Écrivez /stats, /stats 2026 ou /stats 2026-01-01 2026-06-30."))
            )
        now = self.clock.now()
        figures = await reports.monthly_figures(self.db, self.pack, *period, now=now)
        text = reports.stats_text(figures, self.pack, tr)
        csv_text = reports.figures_csv(figures, self.pack, tr)
        png = await asyncio.to_thread(reports.figures_chart_png, figures, self.pack, tr)
        return Bilan(Reply(text), reports.csv_bytes(csv_text), png)

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
            shown = tr._("Les personnes verront « {name}, de l'équipe de médiation ».")
            return Reply(shown.format(name=esc(member.display_name)))
        return Reply(tr._("Les personnes verront seulement « L'équipe de médiation »."))
