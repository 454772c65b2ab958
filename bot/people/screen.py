"""Quick exit: wiping the conversation off the person's screen in one tap.

Many who write to the bot share a phone, or live with the person they write about.
Telegram lets a bot delete, for 48 hours, its own messages and the person's in a private
chat; so the bot notes the message ids of each private chat (ids and times, never a word)
and forgets them after those 48 hours. A quick exit deletes them all, then leaves one
neutral message. Nothing else changes: requests, registrations and settings stay.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from bot import actions
from bot.clock import Clock
from bot.i18n import Translator
from bot.storage import Database
from bot.storage import screen as store
from bot.ui import Button, Reply

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

    async def seen(self, chat_id: int, message_id: int) -> None:
        """A message of a private chat, the person's or the bot's (``chat_id`` is the
        person's Telegram id there)."""
        await store.keep(self._db, self._pseudonymise(chat_id), message_id, self._clock.now())

    async def wipe(self, chat_id: int, current: int | None = None) -> list[int]:
        """The ids to delete for a quick exit, forgotten at once: every id from the oldest
        still deletable to the newest (in a private chat, the person's messages and the
        bot's share one sequence, so the span also catches any the bot did not see)."""
        since = self._clock.now() - DELETABLE_FOR
        ids = await store.take(self._db, self._pseudonymise(chat_id), since)
        if current is not None:
            ids.append(current)
        if not ids:
            return []
        newest = max(ids)
        oldest = max(min(ids), newest - MAX_SPAN + 1)
        return list(range(oldest, newest + 1))

    async def tidy(self) -> int:
        """Forget the ids no longer deletable (daily)."""
        return await store.tidy(self._db, self._clock.now() - DELETABLE_FOR)
