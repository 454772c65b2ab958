"""Languages: from the app, chosen with /langue, remembered; dates in the territory's time."""

from __future__ import annotations

import datetime as dt
import re
import zoneinfo
from pathlib import Path

import pytest

from bot.i18n import Catalogs, pick_language
from tests.harness import Harness


async def test_english_app_gets_english(bot: Harness) -> None:
    jo = bot.person("Jo", language="en-GB")
    await jo.send("/start")
    assert "Hello! I'm Passerelle" in jo.last_reply
    assert (bot.services.pack.territory.service.en or "") in jo.last_reply
    assert "Ask a question" in jo.last_buttons[0]


async def test_unknown_app_language_falls_back_to_the_territory_language(bot: Harness) -> None:
    ana = bot.person("Ana", language="pt-BR")
    await ana.send("/start")
    assert "Bonjour" in ana.last_reply


async def test_language_choice_is_remembered_over_the_app_language(bot: Harness) -> None:
    sam = bot.person(language="fr")
    await sam.send("/langue")
    await sam.press("English")
    assert "I'll speak English" in sam.last_reply
    await sam.send("/menu")
    assert "What can I do for you?" in sam.last_reply
    stored = await bot.services.db.value("SELECT language FROM person")
    assert stored == "en"
    await sam.send("/language")
    await sam.press("Français")
    assert re.search(r"je (?:vous|te) parle en français", sam.last_reply)


async def test_language_entry_of_the_menu(bot: Harness) -> None:
    sam = bot.person()
    await sam.send("/start")
    await sam.press("Langue")
    await sam.press("English")
    await sam.send("/urgence")
    assert "In danger right now?" in sam.last_reply


@pytest.mark.parametrize(
    ("chosen", "client", "default", "expected"),
    [
        (None, "en-US", "fr", "en"),
        ("fr", "en", "fr", "fr"),
        (None, None, "fr", "fr"),
        (None, "de", "en", "en"),
        ("xx", "fr-CA", "en", "fr"),
    ],
)
def test_pick_language(
    chosen: str | None, client: str | None, default: str, expected: str
) -> None:
    assert pick_language(chosen, client, default) == expected


def test_dates_are_local_and_in_the_persons_language() -> None:
    catalogs = Catalogs()
    noumea = zoneinfo.ZoneInfo("Pacific/Noumea")
    moment = dt.datetime(2026, 11, 24, 3, 0, tzinfo=dt.UTC)  # 14 h in Nouméa (UTC+11)
    fr = catalogs.translator("fr", noumea)
    en = catalogs.translator("en", noumea)
    assert fr.moment(moment) == "mardi 24 novembre, 14 h"
    assert en.moment(moment) == "Tuesday 24 November, 2 PM"
    end = moment + dt.timedelta(hours=3, minutes=30)
    assert fr.hours(moment, end) == "14 h – 17 h 30"


def test_paris_dates_follow_daylight_saving() -> None:
    paris = zoneinfo.ZoneInfo("Europe/Paris")
    fr = Catalogs().translator("fr", paris)
    summer = dt.datetime(2026, 7, 1, 12, 0, tzinfo=dt.UTC)
    winter = dt.datetime(2026, 12, 1, 12, 0, tzinfo=dt.UTC)
    assert fr.hour(summer) == "14 h"
    assert fr.hour(winter) == "13 h"


def test_naive_datetimes_are_refused() -> None:
    fr = Catalogs().translator("fr")
    with pytest.raises(ValueError, match="naive"):
        fr.moment(dt.datetime(2026, 1, 1, 12, 0))  # noqa: DTZ001


async def test_each_pack_speaks_french_in_its_register(tmp_path: Path) -> None:
    """Dumbéa's youth-prevention pack says "tu"; Le Kremlin-Bicêtre keeps "vous"."""
    from tests.harness import harness_for

    async with harness_for("dumbea", tmp_path, db_name="d.sqlite3") as dumbea:
        sam = dumbea.person("Sam")
        await sam.send("/menu")
        assert "pour toi" in sam.last_reply
        await sam.send("/confidentialite")
        assert "ton compte" in sam.last_reply and "votre" not in sam.last_reply.lower()
    async with harness_for("kremlin-bicetre", tmp_path, db_name="k.sqlite3") as kb:
        sam = kb.person("Sam")
        await sam.send("/menu")
        assert "pour vous" in sam.last_reply
