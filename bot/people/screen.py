"""Quick exit: wiping the conversation off the person's screen in one tap.

Many who write to the bot share a phone, or live with the person they write about.
Telegram lets a bot delete, for 48 hours, its own messages and the person's in a private
chat; so the bot notes the message ids of each private chat (ids and times, never a word)
and forgets them after those 48 hours. A quick exit deletes them all, then leaves one
neutral message. Nothing else changes: requests, registrations and settings stay.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
from collections.abc import Callable

from bot import actions
from bot.clock import Clock
from bot.i18n import Translator
from bot.storage import Database
from bot.storage import screen as store
from bot.ui import Button, Reply

log = logging.getLogger(__name__)

WRITE_AFTER = 0.5
"""Seconds the ids of a moment wait in memory, to be written together (a crash loses at
most these: a quick exit would then leave those few messages on screen)."""
DELETABLE_FOR = dt.timedelta(hours=48)
"""How long Telegram lets a bot delete a message of a private chat."""
MAX_SPAN = 3000
"""At most this many ids are tried in one quick exit (30 calls of 100)."""


def exit_button(tr: Translator) -> Button:
    """The quick exit, offered wherever the screen may say too much."""
    return Button(tr._("🚪 Effacer l'écran"), actions.quick_exit())


def neutral(tr: Translator) -> Reply:
    """What stays on screen after a quick exit: a greeting that says nothing of the
    conversation that was there."""
    return Reply(tr._("👋 Bonjour ! Tapez /start pour commencer."))


def explained(tr: Translator) -> str:
    """The paragraph of /confidentialite about leaving no trace on the phone."""
    return "\n".join(
        (
            tr._(
                "<b>Effacer l'écran</b> : le bouton 🚪 (ou /effacer) supprime tout de suite "
                "nos messages des dernières 48 heures, les vôtres et les miens, et ne laisse "
                "qu'un bonjour. Vos demandes et inscriptions restent. Pour cela, je garde "
                "48 heures les numéros des messages, jamais leur texte."
            ),
            tr._(
                "<b>Ne rien laisser sur le téléphone</b> : dans Telegram, vous pouvez aussi "
                "supprimer toute la conversation (appui long sur la conversation, puis "
                "« Supprimer »), ou régler la suppression automatique des messages (dans la "
                "conversation : menu ⋮ ou le nom en haut, puis « Suppression automatique » : "
                "1 jour, 1 semaine ou 1 mois)."
            ),
        )
    )


class Screen:
    """The ids of each private chat's messages, for as long as they can be deleted."""

    def __init__(self, db: Database, pseudonymise: Callable[[int], str], clock: Clock) -> None:
        self._db = db
        self._pseudonymise = pseudonymise
        self._clock = clock
        self._pending: list[tuple[str, int, dt.datetime]] = []
        self._writer: asyncio.Task[None] | None = None

    async def seen(self, chat_id: int, message_id: int) -> None:
        """A message of a private chat, the person's or the bot's (``chat_id`` is the
        person's Telegram id there). Noted in memory at once, written a moment later with
        the others of that moment: one write for many messages, not one each."""
        self._pending.append((self._pseudonymise(chat_id), message_id, self._clock.now()))
        if self._writer is None or self._writer.done():
            self._writer = asyncio.create_task(self._write_soon())

    async def _write_soon(self) -> None:
        await asyncio.sleep(WRITE_AFTER)
        try:
            await self.flush()
        except Exception:  # a background task: say it, never lose the bot over it
            log.exception("message ids for quick exit were not written")

    async def flush(self) -> None:
        """Write what is noted in memory (before a quick exit, an erasure, a stop)."""
        if self._pending:
            pending, self._pending = self._pending, []
            await store.keep(self._db, pending)

    async def wipe(self, chat_id: int, current: int | None = None) -> list[int]:
        """The ids to delete for a quick exit, forgotten at once: every id from the oldest
        still deletable to the newest (in a private chat, the person's messages and the
        bot's share one sequence, so the span also catches any the bot did not see)."""
        await self.flush()
        since = self._clock.now() - DELETABLE_FOR
        ids = await store.take(self._db, self._pseudonymise(chat_id), since)
        if current is not None:
            ids.append(current)
        if not ids:
            return []
        newest = max(ids)
        oldest = max(min(ids), newest - MAX_SPAN + 1)
        return list(range(oldest, newest + 1))

    async def close(self) -> None:
        """At a stop: what waits in memory is written now."""
        if self._writer is not None:
            self._writer.cancel()
            self._writer = None
        await self.flush()

    async def forget(self, chat_id: int) -> None:
        """At the person's erasure: nothing of theirs stays, in memory or on disk."""
        pseudonym = self._pseudonymise(chat_id)
        self._pending = [seen for seen in self._pending if seen[0] != pseudonym]
        await store.forget(self._db, pseudonym)

    async def tidy(self) -> int:
        """Forget the ids no longer deletable (daily)."""
        await self.flush()
        return await store.tidy(self._db, self._clock.now() - DELETABLE_FOR)
