"""Counting what the bot itself did, for the bilan: questions answered, suggestions,
"I don't know" (by theme), crisis cards shown (by tier).

One number per local day, kind and key: never the message, never who asked. A handler
calls one method after it has shown its reply, so counting never delays it.
"""

from __future__ import annotations

from bot.answers.knowledge import Understanding
from bot.clock import Clock
from bot.storage import Database
from bot.storage import usage as store
from bot.territory import Pack


class Usage:
    """The day's counts, in the territory's calendar."""

    def __init__(self, db: Database, pack: Pack, clock: Clock) -> None:
        self.db = db
        self.pack = pack
        self.clock = clock

    async def _count(self, kind: str, key: str) -> None:
        today = self.clock.now().astimezone(self.pack.tz).date()
        await store.count(self.db, today, kind, key)

    def _theme(self, answer_ids: tuple[str, ...]) -> str:
        """The theme of the first entry shown."""
        return (self.pack.theme_of(answer_ids[0]) if answer_ids else None) or store.NO_KEY

    async def question(self, understood: Understanding) -> None:
        """Count what :func:`bot.answers.respond` showed for a free-text question: the
        crisis card first (the urgent one comes with the answer, the check-in holds it
        back), else an answer, suggestions, or "I don't know"."""
        signal, verdict = understood.signal, understood.verdict
        if signal is not None:
            await self._count(store.CRISIS, signal.tier)
            if signal.urgent and verdict.kind == "answer":
                await self._count(store.ANSWER, self._theme(verdict.answer_ids))
            return
        if verdict.kind == "answer":
            await self._count(store.ANSWER, self._theme(verdict.answer_ids))
        elif verdict.kind == "suggest":
            await self._count(store.SUGGESTION, self._theme(verdict.answer_ids))
        else:
            await self._count(store.UNKNOWN, store.NO_KEY)

    async def crisis_card(self, tier: str) -> None:
        """A crisis card shown outside a question: while a callback request or a sign-up
        is being filled in, or "I am in danger" pressed on a check-in (``urgent``)."""
        await self._count(store.CRISIS, tier)
