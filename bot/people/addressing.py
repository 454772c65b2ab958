"""Writing to a person who is not the one acting: their chat, in their language."""

from __future__ import annotations

from collections.abc import Callable

from bot.i18n import Translator, pick_language
from bot.storage import Database, people
from bot.ui import Outgoing, Reply

Compose = Callable[[Translator], Reply]
"""What to say, given the person's translator."""


async def write_to(
    db: Database,
    pseudonym: str,
    default_language: str,
    translator: Callable[[str], Translator],
    compose: Compose,
    *,
    request_id: int | None = None,
) -> Outgoing | None:
    """A message for ``pseudonym`` in the language they chose (else the territory's), to
    their private chat; ``None`` when the bot may not write to them (they blocked it, or
    their data was erased)."""
    found = await people.reach(db, pseudonym)
    if found is None:
        return None
    chat_id, chosen = found
    language = pick_language(chosen, None, default_language)
    return Outgoing(chat_id, language, compose(translator(language)), pseudonym=pseudonym,
                    request_id=request_id)  # fmt: skip
