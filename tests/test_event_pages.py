"""An event's page in its own unit (stands, teams, places), with its end and its
categories, and where the reader stands; giving a place back is confirmed; a cancelled
event shows as cancelled in one's registrations."""

from __future__ import annotations

import datetime as dt
import re

from bot.storage import event_edits as event_edits_store
from bot.storage import events as store
from tests.harness import Harness, answer_sign_up
from tests.test_events import _workshop
from tests.test_signup import make_event


async def test_a_braderie_counts_stands_and_a_tournament_teams(bot: Harness) -> None:
    await make_event(bot, "braderie", "Braderie de l'école", capacity=30, unit="stands")
    await make_event(bot, "tournament", "Tournoi U13", capacity=8,
                     categories=("U11", "U13"))  # fmt: skip
    sam = bot.person()
    await sam.send("/evenements")
    await sam.press("Braderie de l'école")
    assert "30 stands libres" in sam.last_reply and "places" not in sam.last_reply
    await sam.send("/evenements")
    await sam.press("Tournoi U13")
    assert "8 équipes peuvent encore s'inscrire" in sam.last_reply
    assert "Catégories : U11, U13" in sam.last_reply


async def test_an_event_over_two_days_gives_both_ends(bot: Harness) -> None:
    now = bot.clock.now()
    await event_edits_store.create_event(
        bot.services.db, kind="workshop", title_fr="Week-end sportif", title_en=None,
        place="Gymnase", quartier=None, starts_at=now + dt.timedelta(days=3),
        ends_at=now + dt.timedelta(days=4, hours=2), capacity=None, deadline=None, now=now,
    )  # fmt: skip
    sam = bot.person()
    await sam.send("/evenements")
    await sam.press("Week-end sportif")
    assert "📅 du " in sam.last_reply and " au " in sam.last_reply


async def test_the_page_says_where_i_stand_on_the_waiting_list(bot: Harness) -> None:
    await _workshop(bot, capacity=1)
    first, second = bot.person("Ana"), bot.person("Ben")
    for who in (first, second):
        await who.send("/evenements")
        await who.press("Atelier santé")
        await who.press("Je m'inscris")
        await answer_sign_up(who)
    await second.send("/evenements")
    await second.press("Atelier santé")
    assert "liste d'attente, position 1" in second.last_reply
    assert not any("Je m'inscris" in b for b in second.last_buttons)


async def test_giving_a_place_back_is_confirmed_first(bot: Harness) -> None:
    await _workshop(bot)
    ana = bot.person("Ana")
    await ana.send("/evenements")
    await ana.press("Atelier santé")
    await ana.press("Je m'inscris")
    await answer_sign_up(ana)
    await ana.send("/mes_inscriptions")
    await ana.press("Me désinscrire")
    assert re.search(r"Libérer (?:votre|ta) place", ana.last_reply)
    await ana.press("Non, je garde ma place")
    counts = await store.counts(bot.services.db, 1)
    assert counts.get("confirmed") == 1


async def test_a_cancelled_event_shows_as_cancelled_without_buttons(bot: Harness) -> None:
    event_id = await _workshop(bot)
    ana = bot.person("Ana")
    await ana.send("/evenements")
    await ana.press("Atelier santé")
    await ana.press("Je m'inscris")
    await answer_sign_up(ana)
    await store.cancel_event(bot.services.db, event_id)
    await ana.send("/mes_inscriptions")
    assert "Atelier santé" in ana.last_reply and "❌ annulé" in ana.last_reply
    assert not any("Me désinscrire" in b for b in ana.last_buttons)
