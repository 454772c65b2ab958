"""Every permanence: the pack's (``permanences.yaml``) and those created from Telegram
(the ``permanence`` table), read as the same :class:`bot.territory.Permanence`."""

from __future__ import annotations

from bot.storage import Database, PermanenceRecord
from bot.storage import permanences as store
from bot.territory import Pack, Permanence, Text


def to_permanence(record: PermanenceRecord) -> Permanence:
    """A stored permanence, in the pack's shape (checked by the same model)."""
    return Permanence(
        id=record.id,
        title=Text(fr=record.title_fr, en=record.title_en),
        team=record.team,
        theme=record.theme,
        quartier=record.quartier,
        place=Text(fr=record.place_fr, en=record.place_en),
        rrule=record.rrule,
        start=record.start,
        until=record.until,
        dates=record.dates,
        opens=record.opens,
        closes=record.closes,
    )


class Catalogue:
    """Reads the permanences of both sources; the pack's come first and win an id."""

    def __init__(self, db: Database, pack: Pack) -> None:
        self._db = db
        self.pack = pack

    def in_pack(self, permanence_id: str) -> bool:
        return any(p.id == permanence_id for p in self.pack.permanences.permanences)

    async def records(self) -> list[PermanenceRecord]:
        """The permanences created from Telegram, as stored (ended ones too)."""
        return [r for r in await store.list_permanences(self._db) if not self.in_pack(r.id)]

    async def stored(self) -> tuple[Permanence, ...]:
        """The permanences created from Telegram, in the pack's shape."""
        return tuple(to_permanence(r) for r in await self.records())

    async def all(self) -> tuple[Permanence, ...]:
        return (*self.pack.permanences.permanences, *await self.stored())

    async def find(self, permanence_id: str) -> Permanence | None:
        return next((p for p in await self.all() if p.id == permanence_id), None)
