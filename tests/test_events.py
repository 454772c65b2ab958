"""Events, as a person lives them: what is on, signing up, a place freed for someone."""

from __future__ import annotations

import datetime as dt
import re

from bot.storage import event_edits as event_edits_store
from tests.harness import Harness, answer_sign_up


async def _workshop(h: Harness, capacity: int = 2) -> int:
    now = h.clock.now()
    return await event_edits_store.create_event(
        h.services.db, kind="workshop", title_fr="Atelier santé", title_en="Health workshop",
        place="Centre social", quartier=None, starts_at=now + dt.timedelta(days=3),
        ends_at=now + dt.timedelta(days=3, hours=2), capacity=capacity,
        deadline=now + dt.timedelta(days=2), now=now, description_fr="Pour les 15-25 ans.",
    )  # fmt: skip


async def test_sign_up_get_a_calendar_file_and_see_it_in_my_registrations(bot: Harness) -> None:
    await _workshop(bot)
    sam = bot.person()
    await sam.send("/start")
    await sam.press("Événements")
    await sam.press("Atelier santé")
    assert "2 places libres" in sam.last_reply
    await sam.press("Je m'inscris")
    calls = await answer_sign_up(sam)
    assert re.search(
        r"(?:vous êtes|tu es) inscrit·e",
        next(c.text for c in calls if c.method == "editMessageText"),
    )
    [document] = [c for c in calls if c.method == "sendDocument"]
    ics = document.files["document"].decode()
    assert "BEGIN:VEVENT" in ics and "SUMMARY:Atelier santé" in ics and "\r\n" in ics
    await sam.send("/mes_inscriptions")
    assert "Atelier santé" in sam.last_reply and "inscrit·e" in sam.last_reply


async def test_when_full_a_waiting_list_and_a_freed_place_goes_to_the_first(bot: Harness) -> None:
    await _workshop(bot, capacity=1)
    first, second = bot.person("Ana"), bot.person("Ben")
    for who in (first, second):
        await who.send("/evenements")
        await who.press("Atelier santé")
        await who.press("Je m'inscris")
        await answer_sign_up(who)
    assert "liste d'attente, en position 1" in second.last_reply
    await first.send("/mes_inscriptions")
    await first.press("Me désinscrire")
    await first.press("Oui, libérer ma place")
    assert "place est libérée" in first.last_reply
    assert "une place s'est libérée" in second.last_reply
    await second.press("Je ne peux pas venir")
    assert "place est libérée" in second.last_reply


async def test_sign_up_after_the_deadline_is_refused_with_the_reason(bot: Harness) -> None:
    await _workshop(bot)
    sam = bot.person()
    await sam.send("/evenements")
    await sam.press("Atelier santé")
    await bot.advance(dt.timedelta(days=2, hours=1))
    await sam.press("Je m'inscris")
    assert "inscriptions sont closes" in sam.last_reply


async def test_no_event_and_forged_event_buttons(bot: Harness) -> None:
    sam = bot.person()
    await sam.send("/evenements")
    assert "Aucun événement" in sam.last_reply
    for data in ("ev:join.999", "ev:leave.1", "ev:show.x", "ev:delete.1"):
        await sam.press_data(data)
    assert await bot.services.db.value("SELECT COUNT(*) FROM registration") == 0


async def test_a_cancelled_event_tells_everyone_once_and_refuses_sign_ups(bot: Harness) -> None:
    from bot.storage import staff as staff_store

    event_id = await _workshop(bot, capacity=1)
    ana, ben = bot.person("Ana"), bot.person("Ben")
    for who in (ana, ben):
        await who.send("/evenements")
        await who.press("Atelier santé")
        await who.press("Je m'inscris")
        await answer_sign_up(who)
    staff_chat = {"id": -100555, "type": "supergroup", "title": "Équipe"}
    claire, nadia = bot.person("Claire"), bot.person("Nadia")
    for member, role in ((claire, "coordinator"), (nadia, "mediator")):
        member.chat = staff_chat
        await staff_store.save_staff(bot.services.db, bot.services.pseudonymise(member.id),
                                       member.user["first_name"], role,
                                       None if role == "coordinator" else "prevention-sante",
                                       bot.clock.now(), None)  # fmt: skip
    await nadia.send(f"/annuler_evenement {event_id}")
    assert "Réservé à la coordination" in nadia.last_reply
    await claire.send(f"/annuler_evenement {event_id} Pluie annoncée")
    await claire.press("Oui, annuler")
    assert "2 personnes seront prévenues dans 5 minutes" in claire.last_reply
    await bot.advance(dt.timedelta(minutes=5, seconds=5))  # the broadcast is sent
    assert "est annulé" in ana.last_reply and "est annulé" in ben.last_reply
    assert "Raison : Pluie annoncée" in ana.last_reply
    await claire.send(f"/annuler_evenement {event_id} encore")
    assert "déjà annulé" in claire.last_reply
    told = [c for c in bot.calls("sendMessage") if c.chat_id == ana.id and "est annulé" in c.text]
    assert len(told) == 1
    late = bot.person("Léa")
    await late.press_data(f"ev:join.{event_id}")
    assert "annulé" in late.last_reply
