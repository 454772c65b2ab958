"""Reminders fire at the right local time, in Nouméa and in Paris (across the change
to summer time), and a restart never loses or doubles one."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from bot.storage import event_edits as event_edits_store
from tests.harness import Harness, Person, answer_sign_up, harness_for


async def _event(h: Harness, starts_at: dt.datetime) -> int:
    return await event_edits_store.create_event(
        h.services.db, kind="cinema", title_fr="Cinéma plein air", title_en="Open-air cinema",
        place="Parc", quartier=None, starts_at=starts_at, ends_at=None, capacity=None,
        deadline=None, now=h.clock.now(),
    )  # fmt: skip


async def _sign_up(person: Person) -> None:
    await person.send("/evenements")
    await person.press("Cinéma plein air")
    await person.press("Je m'inscris")
    await answer_sign_up(person)


def _reminders(h: Harness, person: Person) -> list[str]:
    return [
        c.text for c in h.calls("sendMessage") if c.chat_id == person.id and "Rappel" in c.text
    ]


async def test_paris_reminders_keep_local_time_across_daylight_saving(tmp_path: Path) -> None:
    start = dt.datetime(2026, 3, 23, 9, 0, tzinfo=dt.UTC)
    async with harness_for("kremlin-bicetre", tmp_path, start=start) as h:
        # Sunday 29 March 2026, 10:00 in Paris: summer time began at 2:00 that night.
        await _event(h, dt.datetime(2026, 3, 29, 8, 0, tzinfo=dt.UTC))
        sam = h.person()
        await _sign_up(sam)
        # The day before at 10:00 local is 09:00 UTC (winter time), not 08:00.
        await h.advance(dt.datetime(2026, 3, 28, 8, 59, tzinfo=dt.UTC) - h.clock.now())
        assert _reminders(h, sam) == []
        await h.advance(dt.timedelta(minutes=2))
        assert len(_reminders(h, sam)) == 1
        assert "dimanche 29 mars, 10 h" in _reminders(h, sam)[0]
        # Two hours before: 06:00 UTC on Sunday.
        await h.advance(dt.datetime(2026, 3, 29, 6, 1, tzinfo=dt.UTC) - h.clock.now())
        assert len(_reminders(h, sam)) == 2
        await h.advance(dt.timedelta(days=1))
        assert len(_reminders(h, sam)) == 2


async def test_noumea_reminder_the_day_before(tmp_path: Path) -> None:
    start = dt.datetime(2026, 11, 20, 0, 0, tzinfo=dt.UTC)
    async with harness_for("dumbea", tmp_path, start=start) as h:
        # Wednesday 25 November, 14:00 in Nouméa (UTC+11) is 03:00 UTC.
        await _event(h, dt.datetime(2026, 11, 25, 3, 0, tzinfo=dt.UTC))
        sam = h.person()
        await _sign_up(sam)
        await h.advance(dt.datetime(2026, 11, 24, 3, 1, tzinfo=dt.UTC) - h.clock.now())
        [reminder] = _reminders(h, sam)
        assert "mercredi 25 novembre, 14 h" in reminder


async def test_a_restart_neither_loses_nor_doubles_a_reminder(tmp_path: Path) -> None:
    start = dt.datetime(2026, 11, 20, 0, 0, tzinfo=dt.UTC)
    async with harness_for("dumbea", tmp_path, start=start) as first:
        await _event(first, dt.datetime(2026, 11, 25, 3, 0, tzinfo=dt.UTC))
        sam = first.person()
        await _sign_up(sam)
    # Down when the day-before reminder was due; back a few hours later.
    later = dt.datetime(2026, 11, 24, 9, 0, tzinfo=dt.UTC)
    async with harness_for("dumbea", tmp_path, start=later) as second:
        sam.h = second
        await second.advance(dt.timedelta(seconds=5))
        assert len(_reminders(second, sam)) == 1
    async with harness_for("dumbea", tmp_path, start=later + dt.timedelta(minutes=5)) as third:
        sam.h = third
        await third.advance(dt.timedelta(seconds=5))
        assert _reminders(third, sam) == []  # not twice
        await third.advance(dt.datetime(2026, 11, 25, 1, 1, tzinfo=dt.UTC) - third.clock.now())
        assert len(_reminders(third, sam)) == 1  # the two-hours-before one, once
