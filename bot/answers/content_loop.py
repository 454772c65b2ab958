"""The content loop: what people really ask, so that content grows from it.

Under each answer, "👍 / 👎 Ça vous a aidé ?": one tap, counted per entry and day, nothing
about who tapped. In packs that opt in (``content_loop: true`` in ``territory.yaml``, and
said in /confidentialite), the questions the bot could not answer are kept 30 days, with
no link to the person, digits, e-mail addresses, web addresses and @handles removed, and
never when the message was a crisis; coordinators see them grouped by likeness with
/sans_reponse, and as CSV.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from dataclasses import dataclass

from rapidfuzz import fuzz

from bot.clock import Clock
from bot.i18n import Translator
from bot.staff import coordinates
from bot.storage import Database, StaffRecord
from bot.storage import content_loop as store
from bot.territory import Pack
from bot.text import fold
from bot.ui import Reply, esc

KEEP_DAYS = 30
MAX_TEXT = 300
LIKENESS = 62
"""Two questions at or above this token-set likeness (0–100) are one group."""
SHOWN_GROUPS = 15
SHOWN_CHARS = 120
"""Characters of a group's example on screen: Telegram takes 4,096 in one message."""

_EMAIL = re.compile(r"\S+@\S+\.\S+")
_HANDLE = re.compile(r"@\w+")
_URL = re.compile(r"(?:https?://|www\.)\S+", re.IGNORECASE)
_DIGITS = re.compile(r"\d")


def scrub(text: str) -> str:
    """The words without what could name or reach someone: digits, e-mail and web
    addresses, @handles; at most 300 characters."""
    text = _EMAIL.sub("[e-mail]", text)
    text = _URL.sub("[lien]", text)
    text = _HANDLE.sub("@…", text)
    text = _DIGITS.sub("#", text)
    return " ".join(text.split())[:MAX_TEXT]


@dataclass(frozen=True)
class Group:
    example: str
    members: tuple[tuple[str, str, str], ...]
    """(day, language, text) of each question of the group."""

    @property
    def count(self) -> int:
        return len(self.members)

    @property
    def languages(self) -> tuple[str, ...]:
        return tuple(sorted({m[1] for m in self.members}))


def group(questions: list[tuple[str, str, str]]) -> list[Group]:
    """Questions grouped by likeness (greedy, largest groups first)."""
    groups: list[tuple[str, list[tuple[str, str, str]]]] = []
    for question in questions:
        key = fold(question[2])
        for head, members in groups:
            if fuzz.token_set_ratio(key, head) >= LIKENESS:
                members.append(question)
                break
        else:
            groups.append((key, [question]))
    found = [Group(members[-1][2], tuple(members)) for _, members in groups]
    return sorted(found, key=lambda g: -g.count)


class ContentLoop:
    def __init__(self, db: Database, pack: Pack, clock: Clock) -> None:
        self._db = db
        self._pack = pack
        self._clock = clock

    @property
    def keeps_questions(self) -> bool:
        return self._pack.territory.content_loop

    def _today(self) -> dt.date:
        return self._clock.now().astimezone(self._pack.tz).date()

    async def feedback(self, entry_id: str, helpful: bool) -> None:
        if self._pack.answer(entry_id) is not None:
            await store.count_feedback(self._db, entry_id, self._today(), helpful)

    async def unanswered(self, text: str, language: str) -> None:
        """Keep a question the bot could not answer (not a crisis: the caller checked)."""
        if not self.keeps_questions:
            return
        cleaned = scrub(text)
        if len(fold(cleaned)) >= 3:
            await store.keep_unanswered(self._db, language, cleaned, self._today())

    async def tidy(self) -> int:
        return await store.forget_unanswered(self._db, self._today() - dt.timedelta(KEEP_DAYS))

    async def report(self, member: StaffRecord | None, tr: Translator) -> tuple[Reply, bytes]:
        """/sans_reponse, for coordinators: the groups of unanswered questions of the last
        30 days, the entries people found unhelpful, and the CSV of it all."""
        if not coordinates(member):
            return Reply(tr._("Réservé à la coordination.")), b""
        since = self._today() - dt.timedelta(KEEP_DAYS)
        questions = await store.unanswered_since(self._db, since)
        votes = await store.feedback_since(self._db, since)
        lines = [tr._("<b>Sans réponse, 30 derniers jours</b>")]
        if not self.keeps_questions:
            lines.append(tr._("Ce territoire ne garde pas les questions sans réponse "
                              "(content_loop dans territory.yaml)."))  # fmt: skip
        elif not questions:
            lines.append(tr._("Aucune question sans réponse."))
        groups = group(questions)
        for found in groups[:SHOWN_GROUPS]:
            # Shortened on screen (the CSV has every word): 15 groups stay within one message.
            example = found.example if len(found.example) <= SHOWN_CHARS else (
                found.example[: SHOWN_CHARS - 1] + "…")  # fmt: skip
            lines.append(f"• {found.count} × « {esc(example)} » "
                         f"({'/'.join(found.languages)})")  # fmt: skip
        if votes:
            lines.append("")
            lines.append(tr._("<b>Avis sur les réponses</b> (👍 / 👎)"))
            ranked = sorted(votes.items(), key=lambda item: (-item[1][1], item[0]))
            for entry_id, (up, down) in ranked[:10]:
                entry = self._pack.answer(entry_id)
                title = entry.title.get(tr.language) if entry else entry_id
                lines.append(f"• {esc(title)} : {up} 👍 / {down} 👎")
        buffer = io.StringIO()
        writer = csv.writer(buffer)
        writer.writerow([tr._("jour"), tr._("langue"), tr._("question"), tr._("groupe")])
        for number, found in enumerate(groups, 1):
            for day, language, text in found.members:
                writer.writerow([day, language, text, number])
        return Reply("\n".join(lines)), ("\ufeff" + buffer.getvalue()).encode("utf-8")
