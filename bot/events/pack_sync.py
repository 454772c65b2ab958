"""The events a territory pack declares in ``events.yaml``, kept in step with the database.

At every start the file is compared with what the database holds, event by event,
through ``event.pack_key`` (the entry's id):

- an entry not yet in the database is inserted, and announced to the subscribers
  once if it is still to come;
- an entry whose fields changed is updated; a new date, time or place is told to
  everyone registered or waiting, once per revision (as an edit from Telegram);
- ``cancelled: true`` cancels it and tells them, once;
- an event that disappeared from the file is left as it is (a warning is logged):
  cancelling is said with ``cancelled: true``, never by deleting lines.

Everything is keyed by topic and compared with the stored row, so starting twice
changes nothing the second time. An event cancelled from Telegram stays cancelled
even if the file still lists it; a past event is never changed.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable
from dataclasses import dataclass, replace

from bot.broadcasts import Broadcasts, Where
from bot.clock import Clock
from bot.events.edit_notices import tell_cancelled, tell_moved
from bot.events.listing import promotion_notices
from bot.i18n import Translator
from bot.storage import Database, EventFields
from bot.storage import event_edits as event_edits_store
from bot.storage import events as store
from bot.territory import Pack, PackEvent
from bot.ui import Outgoing

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Synced:
    """What a synchronisation did, and what the Telegram side does next."""

    created: int = 0
    updated: int = 0
    cancelled: int = 0
    broadcasts: tuple[int, ...] = ()
    """Announcements and messages to launch."""
    notices: tuple[Outgoing, ...] = ()
    """People promoted from a waiting list by a larger capacity."""


class PackSync:
    """Publishes the pack's events and keeps them in step with the file."""

    def __init__(
        self,
        db: Database,
        pack: Pack,
        clock: Clock,
        translator: Callable[[str], Translator],
        broadcasts: Broadcasts,
        staff_chat_id: int | None = None,
    ) -> None:
        self._db = db
        self.pack = pack
        self._clock = clock
        self._translator = translator
        self._broadcasts = broadcasts
        # Announcements of the pack's events show their progress in the staff group.
        self._progress = Where(staff_chat_id) if staff_chat_id else None

    def _aware(self, local: dt.datetime) -> dt.datetime:
        return local.replace(tzinfo=self.pack.tz).astimezone(dt.UTC)

    def fields(self, entry: PackEvent) -> EventFields:
        """An entry of ``events.yaml`` as the database stores it (times in UTC)."""
        ends = entry.end_moment()
        return EventFields(
            kind=entry.kind,
            title_fr=entry.title.fr,
            title_en=entry.title.en,
            description_fr=entry.description.fr if entry.description else None,
            description_en=entry.description.en if entry.description else None,
            place=entry.place,
            quartier=entry.quartier,
            starts_at=self._aware(entry.starts),
            ends_at=self._aware(ends) if ends else None,
            capacity=entry.capacity,
            deadline=self._aware(entry.deadline) if entry.deadline else None,
            unit=entry.unit,
            categories=entry.categories,
        )

    async def sync(self) -> Synced:
        """Bring the database in line with ``events.yaml``; safe to run at every start."""
        now = self._clock.now()
        created = updated = cancelled = 0
        broadcasts: list[int] = []
        notices: list[Outgoing] = []
        declared = {entry.id for entry in self.pack.events.events}
        for entry in self.pack.events.events:
            record = await event_edits_store.event_by_pack_key(self._db, entry.id)
            wanted = self.fields(entry)
            if record is None:
                if entry.cancelled:
                    continue  # never published: nobody to tell
                event_id = await event_edits_store.create_event(
                    self._db,
                    kind=wanted.kind,
                    title_fr=wanted.title_fr,
                    title_en=wanted.title_en,
                    place=wanted.place,
                    quartier=wanted.quartier,
                    starts_at=wanted.starts_at,
                    ends_at=wanted.ends_at,
                    capacity=wanted.capacity,
                    deadline=wanted.deadline,
                    now=now,
                    pack_key=entry.id,
                    description_fr=wanted.description_fr,
                    description_en=wanted.description_en,
                    unit=wanted.unit,
                    categories=wanted.categories,
                )
                log.info("events.yaml: %s published as event %s", entry.id, event_id)
                created += 1
            elif record.state == "cancelled":
                if not entry.cancelled:
                    log.warning(
                        "events.yaml: %s was cancelled from Telegram; it stays "
                        "cancelled (write cancelled: true)",
                        entry.id,
                    )
                continue
            elif entry.cancelled:
                if await store.cancel_event(self._db, record.id) is not None:
                    told = await tell_cancelled(self._broadcasts, record, progress=self._progress)
                    broadcasts += [told] if told else []
                    log.info("events.yaml: %s (event %s) cancelled", entry.id, record.id)
                    cancelled += 1
                continue
            elif record.starts_at <= now:
                continue  # over: what the file says now no longer matters
            else:
                if wanted.kind != record.kind:
                    log.warning(
                        "events.yaml: %s: the kind of a published event cannot "
                        "change; it stays %s",
                        entry.id,
                        record.kind,
                    )
                wanted = replace(wanted, kind=record.kind, photo_file_id=record.photo_file_id)
                if wanted != EventFields.of(record):
                    result = await event_edits_store.update_event(self._db, record.id, wanted, now)
                    if result.outcome == "capacity":
                        log.warning(
                            "events.yaml: %s: capacity %s is below the %s places "
                            "already confirmed; it is kept at %s (nobody loses a "
                            "place)",
                            entry.id,
                            wanted.capacity,
                            result.confirmed,
                            result.confirmed,
                        )
                        wanted = replace(wanted, capacity=result.confirmed)
                        result = await event_edits_store.update_event(
                            self._db, record.id, wanted, now
                        )
                    if result.outcome == "saved":
                        updated += 1
                        after = await store.get_event(self._db, record.id)
                        if result.moved and after is not None:
                            told = await tell_moved(
                                self._broadcasts, result.before, after, progress=self._progress
                            )
                            broadcasts += [told] if told else []
                        notices += await promotion_notices(
                            self._db, self.pack, self._translator, result.promoted
                        )
                        log.info("events.yaml: %s (event %s) updated", entry.id, record.id)
                event_id = record.id
            if wanted.starts_at > now:
                # Once per event, whatever the restarts (the topic is unique): also makes
                # up for an announcement a crash prevented just after the insert.
                announced = await self._broadcasts.announce_event(
                    event_id, progress=self._progress
                )
                broadcasts += [announced] if announced else []
        for key in await event_edits_store.pack_event_keys(self._db):
            if key not in declared:
                log.warning(
                    "events.yaml: %s is no longer in the file; the event is left as "
                    "it is (to cancel it, write cancelled: true)",
                    key,
                )
        return Synced(created, updated, cancelled, tuple(broadcasts), tuple(notices))
