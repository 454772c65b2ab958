"""Event reminders: the day before and two hours before (per pack), on the local clock.

"1d" is the same local time on the previous calendar day, so a reminder stays at
10 h across a daylight-saving change; hours and minutes are exact durations.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from bot.clock import Clock
from bot.i18n import Translator
from bot.people import write_to
from bot.storage import Database, EventRecord
from bot.storage import events as store
from bot.territory import Pack
from bot.ui import Outgoing, Reply, esc


def when(pack: Pack, event: EventRecord, reminder: str) -> dt.datetime:
    amount, unit = int(reminder[:-1]), reminder[-1]
    if unit == "d":
        local = event.starts_at.astimezone(pack.tz)
        day = local.date() - dt.timedelta(days=amount)
        return dt.datetime.combine(day, local.time().replace(tzinfo=None), tzinfo=pack.tz)
    minutes = amount * 60 if unit == "h" else amount
    return event.starts_at - dt.timedelta(minutes=minutes)


class Reminders:
    def __init__(
        self, db: Database, pack: Pack, clock: Clock, translator: Callable[[str], Translator]
    ) -> None:
        self._db = db
        self.pack = pack
        self._clock = clock
        self._translator = translator

    async def schedule(self, event_id: int) -> list[tuple[str, dt.datetime]]:
        """The reminders still to send for an event: (reminder, moment)."""
        event = await store.get_event(self._db, event_id)
        now = self._clock.now()
        if event is None or event.state != "published" or event.starts_at <= now:
            return []
        return [(r, when(self.pack, event, r)) for r in self.pack.territory.reminders]

    async def upcoming(self) -> list[int]:
        return [e.id for e in await store.upcoming_events(self._db, self._clock.now(), 500)]

    async def due(self, event_id: int, reminder: str) -> list[Outgoing]:
        """Reminders to send now for an event (each person once, ever)."""
        event = await store.get_event(self._db, event_id)
        now = self._clock.now()
        if event is None or event.state != "published" or event.starts_at <= now:
            return []

        def compose(tr: Translator) -> Reply:
            return Reply(tr._("⏰ Rappel : « {title} », {moment}, à {place}. À bientôt ! "
                              "Si vous ne pouvez plus venir : /mes_inscriptions").format(
                title=esc(event.title(tr.language)), moment=tr.moment(event.starts_at),
                place=esc(event.place)))  # fmt: skip

        out = []
        for pseudonym, _chat in await store.to_remind(self._db, event_id, reminder, now):
            due = await write_to(self._db, pseudonym, self.pack.territory.default_language,
                                 self._translator, compose)  # fmt: skip
            if due is not None:
                out.append(due)
        return out
