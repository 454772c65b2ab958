"""An event's page in its own unit (stands, teams, places), with its end and its
categories, and where the reader stands; giving a place back is confirmed; a cancelled
event shows as cancelled in one's registrations."""

from __future__ import annotations

import datetime as dt
import re

from bot.storage import event_edits as event_edits_store
from bot.storage import events as store
from bot.storage import staff as staff_store
from tests.harness import Harness, Person, answer_sign_up
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


async def _cancellable(bot: Harness) -> tuple[int, Person, Person]:
    event_id = await _workshop(bot)
    ana = bot.person("Ana")
    await ana.send("/evenements")
    await ana.press("Atelier santé")
    await ana.press("Je m'inscris")
    await answer_sign_up(ana)
    claire = bot.person("Claire")
    claire.chat = {"id": -100555, "type": "supergroup", "title": "Équipe"}
    await staff_store.save_staff(bot.services.db, bot.services.pseudonymise(claire.id),
                                 "Claire", "coordinator", None, bot.clock.now(), None)  # fmt: skip
    return event_id, ana, claire


def _told(bot: Harness, ana: Person) -> list[str]:
    return [c.text for c in bot.calls("sendMessage") if c.chat_id == ana.id and "annulé" in c.text]


async def test_cancelling_asks_a_reason_then_a_confirmation(bot: Harness) -> None:
    event_id, ana, claire = await _cancellable(bot)
    await claire.send(f"/annuler_evenement {event_id}")
    assert re.search(r"Écri(?:vez|s) la raison", claire.last_reply)
    await claire.send(f"/annuler_evenement {event_id} Salle inondée")
    assert "1 personne inscrite ou en attente recevra" in claire.last_reply
    assert "Raison : Salle inondée" in claire.last_reply  # the message, as it will be sent
    await claire.press("Garder l'événement")
    event = await store.get_event(bot.services.db, event_id)
    assert event is not None and event.state == "published"
    await bot.advance(dt.timedelta(minutes=10))
    assert _told(bot, ana) == []


async def test_a_cancellation_is_undone_before_the_notices_go(bot: Harness) -> None:
    event_id, ana, claire = await _cancellable(bot)
    await claire.send(f"/annuler_evenement {event_id} Salle inondée")
    await claire.press("Oui, annuler")
    event = await store.get_event(bot.services.db, event_id)
    assert event is not None and event.state == "cancelled"
    await bot.advance(dt.timedelta(minutes=2))
    await claire.press("Ne pas annuler")
    assert "maintenu" in claire.last_reply
    event = await store.get_event(bot.services.db, event_id)
    assert event is not None and event.state == "published"
    await bot.advance(dt.timedelta(minutes=10))
    assert _told(bot, ana) == []  # nobody was told
    # Cancelled again later: this time it goes, once, with its reason.
    await claire.send(f"/annuler_evenement {event_id} Finalement annulé")
    await claire.press("Oui, annuler")
    await bot.advance(dt.timedelta(minutes=6))
    assert len(_told(bot, ana)) == 1 and "Finalement annulé" in _told(bot, ana)[0]
    await claire.press("Ne pas annuler")
    assert "Trop tard" in claire.last_reply


async def test_only_a_coordinator_confirms_a_cancellation(bot: Harness) -> None:
    event_id, _, claire = await _cancellable(bot)
    await claire.send(f"/annuler_evenement {event_id} Salle inondée")
    sam = bot.person("Sam")
    await sam.press_data(f"ec:yes.{event_id}")
    event = await store.get_event(bot.services.db, event_id)
    assert event is not None and event.state == "published"


async def _form_until_the_end(bot: Harness) -> Person:
    claire = bot.person("Claire")
    await staff_store.save_staff(bot.services.db, bot.services.pseudonymise(claire.id),
                                 "Claire", "coordinator", None, bot.clock.now(), None)  # fmt: skip
    await claire.send("/nouvel_evenement")
    await claire.send("braderie solidaire")  # the button's label, typed
    await claire.send("Braderie de printemps")
    await claire.press("Passer")  # no English title
    await claire.send("samedi 12 décembre 8h")
    assert "À quelle heure se termine" in claire.last_reply
    return claire


async def test_an_end_far_after_the_start_is_confirmed_first(bot: Harness) -> None:
    claire = await _form_until_the_end(bot)
    await claire.send("13/12 8h")  # 24 hours later: a typo for 18h?
    assert re.search(r"24 heures après le début : c'est bien ça", claire.last_reply)
    await claire.press("Non, corriger la fin")
    assert "À quelle heure se termine" in claire.last_reply
    await claire.send("18h")
    assert "Où a-t-il lieu" in claire.last_reply  # ten hours: no question
    await claire.send("Place du marché")
    assert "quartier" in claire.last_reply.lower()


async def test_typed_button_labels_work_as_the_buttons(bot: Harness) -> None:
    claire = await _form_until_the_end(bot)
    assert "Quel type" not in claire.last_reply  # "braderie" typed chose the kind
    await claire.send("Pas d'heure de fin")
    assert "Où a-t-il lieu" in claire.last_reply
