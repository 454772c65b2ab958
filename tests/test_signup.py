"""Signing up, as a person lives it: each kind of event asks its own questions before a
place is taken, checks every answer, and leaves nothing behind when abandoned."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import re
from pathlib import Path
from typing import Any

import pytest

from bot.storage import event_edits as event_edits_store
from bot.storage import events as store
from handlers.runtime.offline import Call
from tests.harness import Harness, Person, answer_sign_up, harness_for


async def make_event(
    h: Harness,
    kind: str,
    title: str,
    *,
    capacity: int | None = 10,
    unit: str | None = None,
    categories: tuple[str, ...] = (),
    days: int = 3,
    deadline: dt.timedelta | None = None,
) -> int:
    now = h.clock.now()
    return await event_edits_store.create_event(
        h.services.db, kind=kind, title_fr=title, title_en=None, place="Place du marché",
        quartier=None, starts_at=now + dt.timedelta(days=days),
        ends_at=now + dt.timedelta(days=days, hours=3), capacity=capacity,
        deadline=now + (deadline or dt.timedelta(days=days - 1)), now=now, unit=unit,
        categories=tuple(categories or ()),
    )  # fmt: skip


async def open_event(person: Person, title: str) -> None:
    await person.send("/evenements")
    await person.press(title)
    await person.press("Je m'inscris")


async def registrations(h: Harness) -> list[dict[str, Any]]:
    rows = await h.services.db.all("SELECT state, places, details FROM registration ORDER BY id")
    return [
        {"state": r["state"], "places": r["places"],
         "details": json.loads(r["details"]) if r["details"] else None}
        for r in rows
    ]  # fmt: skip


def said(calls: list[Call]) -> str:
    return "\n".join(c.text for c in calls if c.method in ("sendMessage", "editMessageText"))


async def flows(h: Harness) -> int:
    return int(await h.services.db.value("SELECT COUNT(*) FROM conversation"))


async def test_a_braderie_stall_of_three_stands_takes_three_places(bot: Harness) -> None:
    event_id = await make_event(bot, "braderie", "Braderie de Noël", capacity=4)
    asso = bot.person("Mme K")
    await open_event(asso, "Braderie de Noël")
    assert "Quel nom mettre sur la liste des exposants" in asso.last_reply
    assert await registrations(bot) == []  # nothing is taken before the end
    await asso.send("Les Amis du Quartier")
    assert "en tant que" in asso.last_reply
    await asso.press("association")
    assert "registre des exposants" in asso.last_reply and "pièce d'identité" in asso.last_reply
    await asso.send("3 place du Marché, Dumbéa")
    assert "Combien de stands" in asso.last_reply
    await asso.press("3")
    assert "Nom sur la liste : Les Amis du Quartier" in asso.last_reply
    assert "Adresse : 3 place du Marché, Dumbéa" in asso.last_reply
    assert "Réservation : 3 stands" in asso.last_reply
    calls = await asso.press("Confirmer")
    assert re.search(r"(?:vous êtes|tu es) inscrit·e", said(calls))
    assert any(c.method == "sendDocument" for c in calls)  # the calendar file
    assert await store.counts(bot.services.db, event_id) == {"confirmed": 3}
    [row] = await registrations(bot)
    assert row["details"] == {"name": "Les Amis du Quartier", "as": "association",
                              "address": "3 place du Marché, Dumbéa", "stands": 3}  # fmt: skip
    assert await flows(bot) == 0

    # Two more stands do not fit in the one left: the waiting list.
    other = bot.person("Léo")
    await open_event(other, "Braderie de Noël")
    await other.send("Léo")
    await other.press("particulier")
    await other.send("12 rue des Lilas, 98835 Dumbéa")
    await other.press("2")
    assert "liste d'attente, en position 1" in said(await other.press("Confirmer"))
    assert await store.counts(bot.services.db, event_id) == {"confirmed": 3, "waitlisted": 2}

    await asso.send("/mes_inscriptions")
    assert "Braderie de Noël" in asso.last_reply and "3 stands" in asso.last_reply


async def test_a_braderie_in_metres_takes_a_typed_length(kb: Harness) -> None:
    event_id = await make_event(kb, "braderie", "Vide-grenier", capacity=30, unit="metres")
    sam = kb.person()
    await open_event(sam, "Vide-grenier")
    await sam.send("Sam")
    await sam.press("particulier")
    await sam.send("12 rue des Lilas, 98835 Dumbéa")
    assert "Combien de mètres" in sam.last_reply
    assert "4 mètres" in sam.last_buttons
    await sam.send("25")
    assert "nombre de 1 à 20" in sam.last_reply and "Combien de mètres" in sam.last_reply
    await sam.send("12")
    assert "Réservation : 12 mètres" in sam.last_reply
    await sam.press("Confirmer")
    assert await store.counts(kb.services.db, event_id) == {"confirmed": 12}
    [row] = await registrations(kb)
    assert row["details"]["metres"] == 12


async def test_a_tournament_team_gives_a_phone_number_checked_for_the_territory(
    kb: Harness,
) -> None:
    event_id = await make_event(kb, "tournament", "Tournoi de foot", capacity=8,
                                categories=("U13", "U15", "U18"))  # fmt: skip
    coach = kb.person("Coach")
    await open_event(coach, "Tournoi de foot")
    assert "nom de votre équipe" in coach.last_reply
    await coach.send("L" * 41)
    assert "un peu long : 40 caractères au plus" in coach.last_reply
    await coach.send("Les Lions")
    assert "Combien de joueurs" in coach.last_reply
    await coach.send("2")
    assert "nombre de 3 à 20" in coach.last_reply
    await coach.send("9")
    assert "catégorie" in coach.last_reply
    assert coach.last_buttons[:3] == ["U13", "U15", "U18"]
    await coach.press("U15")
    assert "autorisation parentale signée" in coach.last_reply  # players under 18
    await coach.press("C'est noté")  # a parent's authorisation, on the day
    assert "joindre votre équipe" in coach.last_reply
    await coach.press("Par téléphone")
    assert "ne sera vu que par l'équipe de médiation" in coach.last_reply  # the consent
    await coach.send("12345")
    assert "ne semble pas valide" in coach.last_reply
    assert "numéro de téléphone" in coach.last_reply  # asked again
    await coach.send("+33 6 12 34 56 78")
    summary = coach.last_reply
    assert "Équipe : Les Lions" in summary and "Catégorie : U15" in summary
    assert "06 12 34 56 78" in summary and "En confirmant, vous acceptez" in summary
    assert "vous êtes inscrit·e" in said(await coach.press("Confirmer"))
    assert await store.counts(kb.services.db, event_id) == {"confirmed": 1}  # one team
    [row] = await registrations(kb)
    assert row["details"] == {"team": "Les Lions", "players": 9, "category": "U15",
                              "contact": "phone", "phone": "06 12 34 56 78",
                              "guardian": "form"}  # fmt: skip
    consents = await kb.services.db.all("SELECT purpose, granted FROM consent")
    assert ("event_phone", 1) in [(c["purpose"], c["granted"]) for c in consents]

    await coach.send("/mes_inscriptions")
    assert "équipe Les Lions, U15" in coach.last_reply
    # Withdrawing erases the number; erasing oneself erases the registration.
    await coach.press("Me désinscrire")
    await coach.press("Oui, libérer ma place")
    [row] = await registrations(kb)
    assert row["state"] == "cancelled" and "phone" not in row["details"]
    await kb.services.people.forget(await kb.services.people.visit(coach.id, "fr"))
    assert await registrations(kb) == []


async def test_a_tournament_team_reached_through_telegram_in_dumbea(dumbea: Harness) -> None:
    await make_event(dumbea, "tournament", "Tournoi de futsal")
    coach = dumbea.person("Kévin")
    await open_event(coach, "Tournoi de futsal")
    await coach.send("Les Cagous")
    await coach.press("7")
    assert coach.last_buttons[:5] == ["U11", "U13", "U15", "U18", "Adultes"]
    await coach.press("Adultes")
    await coach.press("Par téléphone")
    await coach.send("06 12 34 56 78")  # a French number is not a Caledonian one
    assert "6 chiffres" in coach.last_reply
    await coach.press("Plutôt par Telegram")
    assert "Contact : par Telegram" in coach.last_reply
    await coach.press("Confirmer")
    [row] = await registrations(dumbea)
    assert row["details"] == {"team": "Les Cagous", "players": 7, "category": "Adultes",
                              "contact": "telegram"}  # fmt: skip


async def test_a_caledonian_phone_number_is_accepted(dumbea: Harness) -> None:
    await make_event(dumbea, "tournament", "Tournoi de futsal")
    coach = dumbea.person("Kévin")
    await open_event(coach, "Tournoi de futsal")
    await coach.send("Les Cagous")
    await coach.press("5")
    await coach.press("U15")
    await coach.press("C'est noté")  # a parent's authorisation, on the day
    await coach.press("Par téléphone")
    await coach.send("+687 28.12.34")
    assert "28 12 34" in coach.last_reply
    await coach.press("Confirmer")
    [row] = await registrations(dumbea)
    assert row["details"]["phone"] == "28 12 34"


async def test_a_workshop_for_two_people(bot: Harness) -> None:
    event_id = await make_event(bot, "workshop", "Atelier cuisine", capacity=3)
    ana = bot.person("Ana")
    await open_event(ana, "Atelier cuisine")
    assert "Quel nom mettre sur la liste" in ana.last_reply
    await ana.send("Ana B.")
    assert re.search(r"Combien (?:serez-vous|de personnes en tout)", ana.last_reply)
    assert ana.last_buttons[:6] == ["1", "2", "3", "4", "5", "6"]
    await ana.press("2")
    assert "Réservation : 2 personnes" in ana.last_reply
    await ana.press("Confirmer")
    assert await store.counts(bot.services.db, event_id) == {"confirmed": 2}
    await ana.send("/mes_inscriptions")
    assert "2 personnes" in ana.last_reply
    # Two more do not fit in the one place left.
    ben = bot.person("Ben")
    await open_event(ben, "Atelier cuisine")
    assert "liste d'attente" in said(await answer_sign_up(ben, people=2))


async def test_abandoning_leaves_nothing_and_already_registered_is_said(bot: Harness) -> None:
    await make_event(bot, "cinema", "Cinéma plein air")
    sam = bot.person()
    await open_event(sam, "Cinéma plein air")
    await sam.send("Sam")
    await sam.press("Annuler")
    assert "C'est annulé" in sam.last_reply
    assert await registrations(bot) == [] and await flows(bot) == 0
    # Walking away in the middle leaves no registration either.
    await open_event(sam, "Cinéma plein air")
    await sam.send("Sam")
    assert await registrations(bot) == []
    await sam.press("3")
    await sam.press("Confirmer")
    assert len(await registrations(bot)) == 1
    # Pressing again, or the old summary's buttons: no second place, no questions.
    assert not any("Confirmer" in b for b in sam.last_buttons)  # the summary became this
    await open_event(sam, "Cinéma plein air")
    assert "déjà inscrit·e" in sam.last_reply
    event_id = await bot.services.db.value("SELECT id FROM event")
    for data in (f"su:confirm.yes.{event_id}", f"su:cancel.-.{event_id}"):
        await sam.press_data(data)
        assert "déjà inscrit·e" in sam.last_reply
    assert len(await registrations(bot)) == 1


async def test_a_restart_in_the_middle_of_the_questions_resumes(tmp_path: Path) -> None:
    async with harness_for("kremlin-bicetre", tmp_path) as h:
        event_id = await make_event(h, "workshop", "Atelier santé")
        sam = h.person()
        await open_event(sam, "Atelier santé")
        await sam.send("Sam")
        assert "Combien serez-vous" in sam.last_reply
    async with harness_for("kremlin-bicetre", tmp_path) as h:
        sam = h.person()  # the same person, writing again after the restart
        await sam.press_data(f"ev:join.{event_id}")
        assert "on reprend" in sam.last_reply and "Combien serez-vous" in sam.last_reply
        await sam.send("2")  # a typed answer is taken as well
        assert "Nom sur la liste : Sam" in sam.last_reply
        await sam.press("Confirmer")
        assert await store.counts(h.services.db, event_id) == {"confirmed": 2}


async def test_bad_answers_get_a_kind_word_and_the_same_question(kb: Harness) -> None:
    event_id = await make_event(kb, "braderie", "Braderie")
    sam = kb.person()
    await open_event(sam, "Braderie")
    await sam.send("x" * 61)
    assert "un peu long : 60 caractères" in sam.last_reply and "Quel nom" in sam.last_reply
    await sam.send("   \n  ")
    assert "Il me faut un nom" in sam.last_reply
    await sam.send_media("photo")
    assert "que du texte" in sam.last_reply and "Quel nom" in sam.last_reply
    await sam.send_media("sticker")  # not for the questions: a kind word, nothing lost
    await sam.send("  Sam   la   Brocante ")
    assert "en tant que" in sam.last_reply
    await sam.send("association")  # typed instead of pressed
    assert "Répondez avec les boutons" in sam.last_reply and "en tant que" in sam.last_reply
    # Forged or outdated buttons change nothing.
    for data in (
        f"su:size.3.{event_id}",
        f"su:as.company.{event_id}",
        "su:as.association.999",
        f"su:confirm.yes.{event_id}",
        "su:as",
        "su:as.association",
        "su:" + "a" * 70,
    ):
        await sam.press_data(data)
    assert await registrations(kb) == []
    conversation = await kb.services.db.one("SELECT step, data FROM conversation")
    assert conversation is not None and conversation["step"] == "as"
    assert json.loads(conversation["data"]) == {"event": event_id, "name": "Sam la Brocante"}
    await sam.press("particulier")
    await sam.send("12 rue des Lilas, 98835 Dumbéa")
    await sam.send("7")
    assert "nombre de 1 à 4" in sam.last_reply
    await sam.press_data(f"su:size.9.{event_id}")
    assert "Combien de stands" in sam.last_reply
    await sam.press("2")
    await sam.press("Confirmer")
    [row] = await registrations(kb)
    assert row["places"] == 2 and row["details"]["name"] == "Sam la Brocante"


async def test_refusals_at_the_first_step_and_again_at_confirmation(bot: Harness) -> None:
    event_id = await make_event(bot, "workshop", "Atelier vélo")
    sam, ana = bot.person("Sam"), bot.person("Ana")
    for who in (sam, ana):
        await open_event(who, "Atelier vélo")
        await who.send(who.user["first_name"])
        await who.press("1")
    # Meanwhile the event is cancelled: confirming is refused with the reason.
    await store.cancel_event(bot.services.db, event_id)
    await sam.press("Confirmer")
    assert "annulé" in sam.last_reply
    # ... and the deadline passes for another one, in the middle of the questions.
    other = await make_event(bot, "meeting", "Réunion des habitants",
                             deadline=dt.timedelta(hours=2))  # fmt: skip
    await open_event(ana, "Réunion des habitants")
    await bot.advance(dt.timedelta(hours=3))
    await ana.send("Ana")
    assert "inscriptions sont closes" in ana.last_reply
    await ana.press_data(f"ev:join.{other}")
    assert "inscriptions sont closes" in ana.last_reply
    await ana.press_data("ev:join.999")
    assert "n'existe plus" in ana.last_reply
    assert await registrations(bot) == []
    assert await flows(bot) == 0


async def test_questions_left_for_more_than_a_day_are_dropped(kb: Harness) -> None:
    await make_event(kb, "workshop", "Atelier", days=5)
    sam = kb.person()
    await open_event(sam, "Atelier")
    await kb.advance(dt.timedelta(hours=25))
    await sam.send("Sam")
    assert "abandonnée" in sam.last_reply
    assert await flows(kb) == 0
    await sam.send("bonjour")  # no longer captured by the questions
    assert "abandonnée" not in sam.last_reply


async def test_crisis_words_during_the_questions_show_the_numbers_first(kb: Harness) -> None:
    await make_event(kb, "workshop", "Atelier")
    sam = kb.person()
    await open_event(sam, "Atelier")
    calls = await sam.send("jveux plus vivre")
    assert "Appelez le" in said(calls) or "en sécurité" in said(calls)
    conversation = await kb.services.db.one("SELECT step, data FROM conversation")
    assert conversation is not None and conversation["step"] == "name"  # not taken as a name
    await answer_sign_up(sam)
    assert len(await registrations(kb)) == 1


async def test_a_sticker_during_the_questions_gets_the_question_again(kb: Harness) -> None:
    await make_event(kb, "workshop", "Atelier cuisine")
    sam = kb.person()
    await open_event(sam, "Atelier cuisine")
    await sam.send_media("sticker")
    assert "Je ne peux lire que du texte ici" in "\n".join(c.text for c in sam.replies[-2:])
    assert "Quel nom mettre sur la liste" in sam.last_reply
    assert await registrations(kb) == []


async def test_one_conversation_at_a_time_and_the_person_is_told(kb: Harness) -> None:
    await make_event(kb, "workshop", "Atelier cuisine")
    sam = kb.person()
    await sam.send("/rappel")  # a callback request being written...
    await open_event(sam, "Atelier cuisine")  # ...gives way to the sign-up, with a word
    said_now = "\n".join(c.text for c in sam.replies[-3:])
    assert "La demande de rappel que vous aviez commencée n'a pas été envoyée" in said_now
    assert "Quel nom mettre sur la liste" in sam.last_reply
    await sam.send("/rappel")  # and the other way round
    said_now = "\n".join(c.text for c in sam.replies[-3:])
    assert "L'inscription que vous aviez commencée s'arrête ici" in said_now
    assert await registrations(kb) == []


async def _tournament_up_to_the_category(kb: Harness, category: str) -> Person:
    await make_event(kb, "tournament", "Tournoi de foot", capacity=8,
                     categories=("U15", "Adultes"))  # fmt: skip
    coach = kb.person("Coach")
    await open_event(coach, "Tournoi de foot")
    await coach.send("Les Lions")
    await coach.send("9")
    await coach.press(category)
    return coach


async def test_a_team_of_adults_is_not_asked_for_a_parents_authorisation(kb: Harness) -> None:
    coach = await _tournament_up_to_the_category(kb, "Adultes")
    assert "joindre votre équipe" in coach.last_reply


async def test_a_pack_may_ask_a_parents_phone_for_a_team_of_minors(
    kb: Harness, monkeypatch: pytest.MonkeyPatch
) -> None:
    signup = kb.services.events.signup
    phone_mode = signup.pack.events.model_copy(update={"minors_consent": "phone"})
    monkeypatch.setattr(signup, "pack", dataclasses.replace(signup.pack, events=phone_mode))
    coach = await _tournament_up_to_the_category(kb, "U15")
    assert "appellera un parent pour son accord" in coach.last_reply
    assert "C'est noté" not in " ".join(coach.last_buttons)
    await coach.send("12")
    assert "ne semble pas valide" in coach.last_reply
    await coach.send("06 98 76 54 32")
    await coach.press("Par Telegram")
    assert "accord d'un parent : 06 98 76 54 32" in coach.last_reply  # the summary
    await coach.press("Confirmer")
    [row] = await registrations(kb)
    assert row["details"]["guardian"] == "phone"
    assert row["details"]["guardian_phone"] == "06 98 76 54 32"
    await kb.advance(dt.timedelta(days=12))  # over: the nightly retention erases it
    [row] = await registrations(kb)
    assert "guardian_phone" not in row["details"]
