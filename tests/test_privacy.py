"""Privacy: pseudonyms, the notice, erasure, retention."""

from __future__ import annotations

import datetime as dt
import re

from bot.people.privacy import Pseudonymiser
from tests.harness import Harness


async def _all_values(h: Harness) -> str:
    """Every value of every table, as text: to look for what must not be there."""
    tables = await h.services.db.all("SELECT name FROM sqlite_master WHERE type = 'table'")
    dump = []
    for table in tables:
        rows = await h.services.db.all(f"SELECT * FROM {table['name']}")  # noqa: S608
        dump += [str(tuple(row)) for row in rows]
    return "\n".join(dump)


async def test_a_first_visit_stores_nothing(bot: Harness) -> None:
    sam = bot.person()
    await sam.send("/start")
    await sam.send("bonjour je suis Sam")
    assert await bot.services.db.value("SELECT COUNT(*) FROM person") == 0


async def test_people_are_stored_by_pseudonym_never_by_telegram_id(bot: Harness) -> None:
    sam = bot.person("Samira")
    await sam.send("/langue")
    await sam.press("English")
    dump = await _all_values(bot)
    assert str(sam.id) not in dump
    assert "Samira" not in dump
    pseudonym = await bot.services.db.value("SELECT pseudonym FROM person")
    assert pseudonym == Pseudonymiser("test-secret-test-secret-test-secret-42")(sam.id)


def test_pseudonyms_depend_on_the_secret() -> None:
    assert Pseudonymiser("a" * 32)(42) != Pseudonymiser("b" * 32)(42)
    assert Pseudonymiser("a" * 32)(42) == Pseudonymiser("a" * 32)(42)
    assert len(Pseudonymiser("a" * 32)(42)) == 32


async def test_privacy_notice_says_what_why_how_long_and_how_to_erase(bot: Harness) -> None:
    sam = bot.person()
    await sam.send("/confidentialite")
    text = sam.last_reply
    for words in ("Ce que je garde", "Pourquoi", "12 mois", "/oublier", "parents"):
        assert words in text
    await sam.send("/privacy")
    assert "Ce que je garde" in sam.last_reply


async def test_forget_after_confirmation_erases_everything(bot: Harness) -> None:
    sam = bot.person()
    await sam.send("/langue")
    await sam.press("English")
    await bot.services.people.remember_chat(
        await bot.services.people.visit(sam.id, "fr"), sam.chat["id"]
    )
    await sam.send("/forget")
    assert "erase everything" in sam.last_reply
    await sam.press("Yes, erase everything")
    assert "everything about you has been erased" in sam.last_reply
    assert await bot.services.db.value("SELECT COUNT(*) FROM person") == 0
    assert await bot.services.db.value("SELECT COUNT(*) FROM person_chat") == 0
    await sam.send("/start")
    assert "Bonjour" in sam.last_reply  # back to the app's language: nothing remembered


async def test_forget_can_be_declined(bot: Harness) -> None:
    sam = bot.person()
    await sam.send("/langue")
    await sam.press("English")
    await sam.send("/oublier")
    await sam.press("No, keep it")
    assert "nothing has been erased" in sam.last_reply
    assert await bot.services.db.value("SELECT COUNT(*) FROM person") == 1


async def test_forget_when_nothing_is_stored(bot: Harness) -> None:
    sam = bot.person()
    await sam.send("/oublier")
    await sam.press("Oui, tout effacer")
    assert "rien à effacer" in sam.last_reply


async def test_erase_button_in_the_privacy_notice_asks_first(bot: Harness) -> None:
    sam = bot.person()
    await sam.send("/confidentialite")
    await sam.press("Tout effacer")
    assert "vraiment" in sam.last_reply


async def test_retention_erases_people_inactive_for_a_year(bot: Harness) -> None:
    active, idle = bot.person("Active"), bot.person("Idle")
    for who in (active, idle):
        await who.send("/langue")
        await who.press("English")
    await bot.advance(dt.timedelta(days=200))
    await active.send("/menu")  # a visit counts as activity
    await bot.advance(dt.timedelta(days=200))
    assert await bot.services.db.value("SELECT COUNT(*) FROM person") == 1
    await active.send("/menu")
    assert "What can I do for you?" in active.last_reply
    await idle.send("/menu")
    assert re.search(r"faire pour (?:vous|toi) \?", idle.last_reply)


async def test_a_double_tap_on_erase_erases_once_and_says_so_twice(bot: Harness) -> None:
    import asyncio

    sam = bot.person()
    await sam.send("/langue")
    await sam.press("Français")
    await sam.send("/oublier")
    message, data = sam.find_button("Oui, tout effacer")
    taps = [bot.factory.callback(sam.user, message, data) for _ in range(2)]
    await asyncio.gather(*(bot.deliver(tap) for tap in taps))
    assert await bot.services.db.value("SELECT COUNT(*) FROM person") == 0
    assert "C'est fait" in sam.last_reply
    assert "rien à effacer" not in sam.last_reply
