"""The people who write to the bot: pseudonymous, with the few settings they chose."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from bot.clock import Clock
from bot.i18n import pick_language
from bot.people.privacy import Pseudonymiser
from bot.storage import Database, broadcasts, people

# Seen less than this long ago: no need to write "last seen" again (one write a day at most).
_TOUCH_EVERY = dt.timedelta(hours=24)


@dataclass(frozen=True)
class Person:
    """Someone writing to the bot, as the service knows them."""

    pseudonym: str
    language: str
    """The language to answer in (chosen, else their app's, else the territory's)."""
    chosen_language: str | None
    quartier: str | None
    residence: str | None
    known: bool
    """Whether anything about them is stored (a setting, a consent, a request)."""


class People:
    """Finds people by their Telegram id and keeps their settings."""

    def __init__(
        self, db: Database, pseudonymise: Pseudonymiser, clock: Clock, default_language: str
    ) -> None:
        self._db = db
        self._pseudonymise = pseudonymise
        self._clock = clock
        self.default_language = default_language

    async def visit(self, telegram_id: int, client_language: str | None) -> Person:
        """The person behind a Telegram id; nothing is stored for a first visit."""
        pseudonym = self._pseudonymise(telegram_id)
        record = await people.get_person(self._db, pseudonym)
        if record is None:
            return Person(
                pseudonym=pseudonym,
                language=pick_language(None, client_language, self.default_language),
                chosen_language=None,
                quartier=None,
                residence=None,
                known=False,
            )
        now = self._clock.now()
        if record.blocked:  # writing to the bot means it is no longer blocked
            await people.unblock(self._db, pseudonym)
        if now - record.last_seen_at > _TOUCH_EVERY:
            await people.touch(self._db, pseudonym, now)
        return Person(
            pseudonym=pseudonym,
            language=pick_language(record.language, client_language, self.default_language),
            chosen_language=record.language,
            quartier=record.quartier,
            residence=record.residence,
            known=True,
        )

    async def choose_language(self, person: Person, language: str) -> None:
        """Remember the language the person picked with /langue."""
        await people.save_setting(
            self._db, person.pseudonym, "language", language, self._clock.now()
        )

    async def choose_quartier(self, person: Person, quartier: str | None) -> None:
        await people.save_setting(
            self._db, person.pseudonym, "quartier", quartier, self._clock.now()
        )
        await broadcasts.follow_quartier(self._db, person.pseudonym, quartier)

    async def record_consent(self, person: Person, purpose: str, granted: bool) -> None:
        await people.set_consent(self._db, person.pseudonym, purpose, granted, self._clock.now())

    async def consents(self, person: Person) -> dict[str, bool]:
        return await people.get_consents(self._db, person.pseudonym)

    async def blocked(self, pseudonym: str) -> None:
        """A message to them was refused because they blocked the bot: write to them no
        more until they write again."""
        await people.mark_blocked(self._db, pseudonym, self._clock.now())

    async def remember_chat(self, person: Person, chat_id: int) -> None:
        """Keep where to write back, for features that need it."""
        await people.remember_chat(self._db, person.pseudonym, chat_id, self._clock.now())

    async def forget(self, person: Person) -> people.Erasure:
        """Erase everything stored about the person (right to erasure); what comes back
        names the relayed messages the staff group can still lose."""
        erasure = await people.erase_person(self._db, person.pseudonym, self._clock.now())
        await self._db.checkpoint()
        return erasure

    async def apply_retention(self, retention_days: int) -> people.Retention:
        """Erase people inactive for longer than the territory's retention period."""
        cutoff = self._clock.now() - dt.timedelta(days=retention_days)
        retention = await people.erase_inactive(self._db, cutoff, self._clock.now())
        if retention.erased:
            await self._db.checkpoint()
        return retention
