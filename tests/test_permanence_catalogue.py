"""Permanences created from Telegram live in the database beside the pack's: the schedule
reads both, and the date changes (/permanence_annuler, _ajouter, _retablir) work on both.

The shipped kremlin-bicetre pack has no permanence; the clock starts on Monday
23 November 2026, 10:00 in Paris.
"""

from __future__ import annotations

import datetime as dt

from bot.permanences.catalogue import to_permanence
from bot.permanences.schedule import occurrences
from bot.storage import PermanenceRecord
from bot.storage import permanences as permanence_store
from bot.storage import staff as staff_store
from tests.harness import Harness, Person

STAFF_CHAT = {"id": -100555, "type": "supergroup", "title": "Équipe"}


def record(**changes: object) -> PermanenceRecord:
    fields: dict[str, object] = {
        "id": "koutio", "title_fr": "Permanence jeunesse", "title_en": "Youth drop-in",
        "place_fr": "Local de l'équipe", "place_en": None, "team": "prevention-sante",
        "theme": None, "quartier": None, "rrule": "FREQ=WEEKLY;INTERVAL=2;BYDAY=WE",
        "start": dt.date(2026, 11, 25), "until": None, "dates": (),
        "opens": dt.time(14), "closes": dt.time(17),
    }  # fmt: skip
    fields.update(changes)
    return PermanenceRecord(**fields)  # type: ignore[arg-type]


async def _coordinator(h: Harness) -> Person:
    claire = h.person("Claire")
    claire.chat = STAFF_CHAT
    await staff_store.save_staff(
        h.services.db, h.services.pseudonymise(claire.id), "Claire", "coordinator", None,
        h.clock.now(), None,
    )  # fmt: skip
    return claire


def test_one_off_dates_an_end_and_a_rule_together(kb: Harness) -> None:
    pack = kb.services.pack
    stored = to_permanence(
        record(until=dt.date(2026, 12, 23), dates=(dt.date(2026, 11, 28), dt.date(2027, 1, 2)))
    )
    start = dt.datetime(2026, 11, 23, tzinfo=dt.UTC)
    found = occurrences(pack, start, start + dt.timedelta(days=60), stored=(stored,))
    days = [o.start.astimezone(pack.tz).strftime("%d/%m %H:%M") for o in found]
    # Every other Wednesday until 23 December, and a one-off Saturday; the permanence
    # ends on the 23rd, so the one-off date after it is not held.
    assert days == ["25/11 14:00", "28/11 14:00", "09/12 14:00", "23/12 14:00"]


def test_one_off_dates_only(kb: Harness) -> None:
    pack = kb.services.pack
    stored = to_permanence(record(rrule=None, dates=(dt.date(2026, 12, 1),)))
    start = dt.datetime(2026, 11, 23, tzinfo=dt.UTC)
    found = occurrences(pack, start, start + dt.timedelta(days=30), stored=(stored,))
    assert [o.start.astimezone(pack.tz).date() for o in found] == [dt.date(2026, 12, 1)]


async def test_date_changes_work_on_a_permanence_created_from_telegram(kb: Harness) -> None:
    assert await permanence_store.create_permanence(kb.services.db, record(), kb.clock.now(), None)
    claire = await _coordinator(kb)
    await claire.send("/permanence_ajouter koutio 10/12")
    assert "Date ajoutée : « Permanence jeunesse », jeudi 10 décembre, 14 h – 17 h" in (
        claire.last_reply
    )
    await claire.send("/permanence_annuler koutio 25/11 Formation")
    assert "Permanence annulée : « Permanence jeunesse », mercredi 25 novembre" in (
        claire.last_reply
    )
    sam = kb.person("Sam")
    await sam.send("/permanences")
    assert "Permanence jeunesse" in sam.last_reply and "Annulée" in sam.last_reply
    await claire.send("/permanence_retablir koutio 25/11")
    assert "Permanence rétablie" in claire.last_reply
    await claire.send("/permanence_ajouter inconnue 10/12")
    assert "Permanences : koutio" in claire.last_reply


async def test_the_same_id_cannot_be_stored_twice(kb: Harness) -> None:
    db, now = kb.services.db, kb.clock.now()
    assert await permanence_store.create_permanence(db, record(), now, None)
    assert not await permanence_store.create_permanence(db, record(title_fr="Autre"), now, None)
    assert await permanence_store.update_permanence(db, record(until=dt.date(2026, 12, 31)), now)
    [stored] = await permanence_store.list_permanences(db)
    assert stored.until == dt.date(2026, 12, 31) and stored.title_fr == "Permanence jeunesse"
