"""Canned replies: short messages a mediator sends in one tap from a request's card.

The pack declares its own (``replies.yaml``, in French and English, per team);
coordinators add more from the staff group. ``{reference}`` and ``{prenom}`` are filled
in for each request and each mediator.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from bot import actions
from bot.clock import Clock
from bot.i18n import Translator
from bot.staff import coordinates, coordinators_only
from bot.storage import Database, RequestRecord, StaffRecord
from bot.storage import canned as store
from bot.territory import Pack, check_placeholders
from bot.ui import Button, Reply, esc, rows

_DB = "_"
"""The key of a reply added from the group: ``_<id>`` (pack ids are plain words)."""

MAX_TITLE = 40
MAX_TEXT = 1000


class CannedReplies:
    def __init__(self, db: Database, pack: Pack, clock: Clock) -> None:
        self._db = db
        self.pack = pack
        self._clock = clock

    async def _options(self, team: str, tr: Translator) -> list[tuple[str, str]]:
        """(key, title) of the replies a team may send."""
        options = [
            (r.id, r.title.get(tr.language))
            for r in self.pack.replies.replies
            if not r.teams or team in r.teams
        ]
        options += [(f"{_DB}{c.id}", c.title) for c in await store.list_canned(self._db, team)]
        return options

    async def choices(
        self, record: RequestRecord, tr: Translator
    ) -> tuple[tuple[Button, ...], ...]:
        """The card's keyboard while choosing a canned reply."""
        buttons = [
            Button(f"💬 {title}", actions.staff("canned", record.id, key))
            for key, title in await self._options(record.team, tr)
        ]
        back = Button(tr._("⬅️ Retour"), actions.staff("show", record.id))
        return (*rows(*buttons, per_row=2), (back,))

    async def words(
        self, record: RequestRecord, member: StaffRecord, key: str
    ) -> Callable[[Translator], str] | None:
        """The chosen reply, ready to be written in the person's language; ``None`` for a
        key this team does not have (a stale or forged button)."""
        if key.startswith(_DB):
            found = await store.get_canned(self._db, int(key[1:])) if key[1:].isdigit() else None
            if found is None or found.team not in (None, record.team):
                return None
            template: Callable[[Translator], str] = lambda _tr: found.text  # noqa: E731
        else:
            reply = next((r for r in self.pack.replies.replies if r.id == key), None)
            if reply is None or (reply.teams and record.team not in reply.teams):
                return None
            template = lambda tr: reply.text.get(tr.language)  # noqa: E731

        def fill(tr: Translator) -> str:
            name = member.display_name if member.show_name else tr._("l'équipe de médiation")
            return template(tr).format(reference=record.reference, prenom=name)

        return fill

    # --- coordinators, from the group --------------------------------------------------

    async def listing(self, member: StaffRecord | None, tr: Translator) -> Reply:
        """/reponses_types: every canned reply, the pack's and those added here."""
        if member is None:
            return coordinators_only(tr)
        lines = [tr._("<b>Réponses types</b>")]
        for r in self.pack.replies.replies:
            teams = ", ".join(r.teams) or tr._("toutes les équipes")
            lines.append(f"• {esc(r.title.get(tr.language))} ({esc(teams)})")
        for c in await store.list_canned(self._db):
            team = c.team or tr._("toutes les équipes")
            lines.append(f"• {esc(c.title)} ({esc(team)}) · n° {c.id}")
        lines.append(tr._("Ajouter : /reponse_type_ajouter &lt;équipe ou toutes&gt; Titre | "
                          "texte. Retirer : /reponse_type_retirer &lt;n°&gt;."))  # fmt: skip
        return Reply("\n".join(lines))

    async def add(self, member: StaffRecord | None, tr: Translator, text: str) -> Reply:
        """/reponse_type_ajouter <équipe|toutes> Titre | texte."""
        if not coordinates(member):
            return coordinators_only(tr)
        teams = [t.id for t in self.pack.teams.teams]
        usage = Reply(tr._("Écrivez /reponse_type_ajouter &lt;équipe ou toutes&gt; Titre | texte. "
                           "Dans le texte, {{reference}} devient la référence de la demande et "
                           "{{prenom}} votre prénom. Équipes : {teams}").format(
            teams=", ".join(teams)))  # fmt: skip
        first, _, rest = text.strip().partition(" ")
        title, bar, words = rest.partition("|")
        title, words = title.strip(), words.strip()
        if first not in (*teams, "toutes", "all") or not bar or not title or not words:
            return usage
        if len(title) > MAX_TITLE or len(words) > MAX_TEXT:
            return Reply(tr._("Trop long : {title} caractères au plus pour le titre, {text} pour "
                              "le texte. Rien n'a été ajouté.").format(
                title=MAX_TITLE, text=MAX_TEXT))  # fmt: skip
        try:
            check_placeholders(words)
        except ValueError:
            return usage
        new_id = await store.add_canned(
            self._db, team=None if first in ("toutes", "all") else first, language=tr.language,
            title=title, text=words, created_by=member.pseudonym, now=self._now(),
        )  # fmt: skip
        return Reply(tr._("Réponse type n° {n} ajoutée : « {title} ».").format(
            n=new_id, title=esc(title)))  # fmt: skip

    async def remove(self, member: StaffRecord | None, tr: Translator, args: list[str]) -> Reply:
        """/reponse_type_retirer <n°>: only those added from the group."""
        if not coordinates(member):
            return coordinators_only(tr)
        if not args or not args[0].isdigit():
            return Reply(tr._("Écrivez /reponse_type_retirer &lt;n°&gt; (voir /reponses_types). "
                              "Celles du fichier de la structure se changent dans le "
                              "fichier."))  # fmt: skip
        if not await store.remove_canned(self._db, int(args[0])):
            return Reply(tr._("Pas de réponse type n° {n}.").format(n=esc(args[0])))
        return Reply(tr._("Réponse type n° {n} retirée.").format(n=esc(args[0])))

    def _now(self) -> dt.datetime:
        return self._clock.now()
