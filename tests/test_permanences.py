"""Permanences: recurring office hours, in the territory's time, with their exceptions."""

from __future__ import annotations

import datetime as dt
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.permanences.schedule import occurrences
from bot.territory import ContentError, content_root, load_pack
from tests.harness import Harness, harness_for, pack_copy

PERMANENCES = """
permanences:
  - id: sante-mardi
    title: {fr: Permanence santé, en: Health drop-in}
    team: prevention-sante
    theme: sante
    place: {fr: Point Information Jeunesse, en: Youth information centre}
    rrule: FREQ=WEEKLY;BYDAY=TU
    start: 2026-01-06
    opens: "14:00"
    closes: "17:00"
    changes:
      - {date: 2026-12-01, cancelled: true, note: {fr: Formation de l'équipe, en: Team training}}
      - {date: 2026-11-24, moved_to: 2026-11-26, opens: "10:00", closes: "12:00"}
  - id: logement-quinzaine
    title: {fr: Permanence logement, en: Housing drop-in}
    team: logement-cadre-de-vie
    quartier: QUARTIER
    place: {fr: Loge du gardien, en: Caretaker's lodge}
    rrule: FREQ=WEEKLY;INTERVAL=2;BYDAY=WE
    start: 2026-11-25
    opens: "09:30"
    closes: "12:00"
  - id: premier-mercredi
    title: {fr: Réunion des habitants, en: Residents' meeting}
    team: logement-cadre-de-vie
    place: {fr: Centre social, en: Community centre}
    rrule: FREQ=MONTHLY;BYDAY=1WE
    start: 2026-01-07
    opens: "18:00"
    closes: "19:30"
"""


def _pack_dir(tmp_path: Path) -> Path:
    quartier = load_pack(content_root() / "kremlin-bicetre").places.quartiers[0].id
    return pack_copy(tmp_path, {"permanences.yaml": PERMANENCES.replace("QUARTIER", quartier)})


@pytest.fixture
async def h(tmp_path: Path) -> AsyncIterator[Harness]:
    async with harness_for(str(_pack_dir(tmp_path)), tmp_path) as harness:
        yield harness


def test_weekly_fortnightly_monthly_with_a_move_and_a_cancellation(tmp_path: Path) -> None:
    pack = load_pack(_pack_dir(tmp_path))
    start = dt.datetime(2026, 11, 23, 0, 0, tzinfo=dt.UTC)
    found = occurrences(pack, start, start + dt.timedelta(days=14))
    local = [(o.permanence.id, o.start.astimezone(pack.tz).strftime("%a %d %H:%M"),
              o.cancelled, o.moved) for o in found]  # fmt: skip
    assert local == [
        ("logement-quinzaine", "Wed 25 09:30", False, False),
        ("sante-mardi", "Thu 26 10:00", False, True),  # moved from Tuesday 24
        ("sante-mardi", "Tue 01 14:00", True, False),  # cancelled, still shown as such
        ("premier-mercredi", "Wed 02 18:00", False, False),
    ]


def test_hours_stay_local_across_daylight_saving(tmp_path: Path) -> None:
    pack = load_pack(_pack_dir(tmp_path))
    march = dt.datetime(2026, 3, 23, 0, 0, tzinfo=dt.UTC)  # Paris changes time on the 29th
    found = [o for o in occurrences(pack, march, march + dt.timedelta(days=14))
             if o.permanence.id == "sante-mardi"]  # fmt: skip
    assert [o.start.astimezone(pack.tz).hour for o in found] == [14, 14]
    assert [o.start.hour for o in found] == [13, 12]  # in UTC the hour moves


async def test_permanences_list_the_next_seven_days_in_the_persons_language(h: Harness) -> None:
    sam = h.person()
    await sam.send("/permanences")
    text = sam.last_reply
    assert "mercredi 25 novembre, 9 h 30 – 12 h" in text
    assert "jeudi 26 novembre, 10 h – 12 h" in text
    assert "Date ou horaire modifié" in text
    jo = h.person("Jo", language="en")
    await jo.send("/permanences")
    assert "Wednesday 25 November, 9:30 AM – 12 PM" in jo.last_reply


async def test_the_persons_quartier_first_then_the_others(h: Harness) -> None:
    pack = h.services.pack
    home, other = pack.places.quartiers[0], pack.places.quartiers[1]
    sam = h.person()
    await sam.send("/quartier")
    await sam.press(other.name)
    await sam.send("/permanences")
    text = sam.last_reply
    # No permanence in Sam's quartier: the whole territory's first, then the others'.
    assert text.index("Tout le territoire") < text.index(home.name) < text.index("Loge du gardien")
    ana = h.person("Ana")
    await ana.send("/quartier")
    await ana.press(home.name)
    await ana.send("/permanences")
    text = ana.last_reply
    assert text.index("Loge du gardien") < text.index("Tout le territoire")
    assert text.index("Tout le territoire") < text.index("Point Information Jeunesse")


async def test_thirty_days_and_the_date_after_a_cancelled_one(h: Harness) -> None:
    sam = h.person()
    await sam.send("/permanences")
    text = sam.last_reply
    assert "Permanences des 30 prochains jours" in text
    assert "mardi 15 décembre, 14 h – 17 h" in text  # three weeks ahead
    assert "mardi 29 décembre" not in text  # beyond 30 days
    # Tuesday 1 December is cancelled in the pack: the next Tuesday that holds follows it.
    cancelled = text[text.index("mardi 1 décembre") :]
    assert cancelled.index("Annulée") < cancelled.index(
        "Prochaine date : mardi 8 décembre, 14 h – 17 h"
    )


async def test_menu_entry_and_no_permanence_announced(bot: Harness) -> None:
    sam = bot.person()
    await sam.send("/start")
    await sam.press("Permanences")
    assert "Aucune permanence n'est annoncée" in sam.last_reply


def test_a_broken_rule_names_the_entry(tmp_path: Path) -> None:
    pack_dir = _pack_dir(tmp_path)
    path = pack_dir / "permanences.yaml"
    path.write_text(path.read_text().replace("FREQ=WEEKLY;BYDAY=TU", "EVERY TUESDAY"))
    with pytest.raises(ContentError) as exc:
        load_pack(pack_dir)
    assert any("permanences[1] (id: sante-mardi) → rrule" in p for p in exc.value.problems)
