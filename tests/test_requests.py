"""Callback requests, as they are lived: a person asks, mediators race, one helps.

The staff group is a forum supergroup; each team's cards go to its own topic.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import re
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest

from bot.storage import requests as store
from bot.storage import staff as staff_store
from tests.harness import Harness, Person, harness_for

STAFF_CHAT = -1_009_990_001


@pytest.fixture
async def kb(tmp_path: Path) -> AsyncIterator[Harness]:
    async with harness_for("kremlin-bicetre", tmp_path, staff_chat_id=STAFF_CHAT) as h:
        yield h


@pytest.fixture
async def dumbea(tmp_path: Path) -> AsyncIterator[Harness]:
    async with harness_for("dumbea", tmp_path, staff_chat_id=STAFF_CHAT) as h:
        yield h


async def staff_member(h: Harness, name: str, role: str, team: str | None) -> Person:
    member = h.person(name)
    member.chat = {"id": STAFF_CHAT, "type": "supergroup", "title": "Équipe", "is_forum": True}
    await staff_store.save_staff(
        h.services.db, h.services.pseudonymise(member.id), name, role, team, h.clock.now(), None
    )
    return member


def cards(h: Harness) -> list[dict[str, object]]:
    """The request cards in the staff group (not the bot's other messages there)."""
    return [
        m
        for (chat, _), m in h.api.messages.items()
        if chat == STAFF_CHAT and "Sujet" in str(m.get("text")) and "R-" in str(m.get("text"))
    ]


async def ask_anonymously(person: Person, subject: str, words: str | None = "Ma demande") -> None:
    await person.send("/rappel")
    await person.press(subject)
    if "Vous êtes" in person.last_reply or "Tu es" in person.last_reply:
        await person.press("jeune")
    if words is None:
        await person.press("Passer")
    else:
        await person.send(words)
    await person.press("Ici, dans Telegram")
    await person.press("après-midi")
    if "quartier" in person.last_reply:
        await person.press("ne pas le dire")
    assert re.search(r"(?:Votre|Ta) demande", person.last_reply)
    await person.press("Envoyer")


async def test_the_whole_story_of_an_anonymous_request(kb: Harness) -> None:
    coordinator = await staff_member(kb, "Claire", "coordinator", None)
    nadia = await staff_member(kb, "Nadia", "mediator", "logement-cadre-de-vie")
    omar = await staff_member(kb, "Omar", "mediator", "logement-cadre-de-vie")
    await coordinator.send("/topic logement-cadre-de-vie", thread_id=77)
    assert "arriveront ici" in coordinator.last_reply

    youth = kb.person("Lina")
    await ask_anonymously(youth, "Logement", "fuite dans ma chambre")
    assert "R-" in youth.last_reply
    assert "logement et cadre de vie" in youth.last_reply.lower()
    [card] = cards(kb)
    assert card["message_thread_id"] == 77  # the team's own topic
    text = str(card["text"])
    assert "fuite dans ma chambre" in text
    assert "Lina" not in text and str(youth.id) not in text  # anonymous

    # Two mediators press "claim" at the same instant: exactly one gets it.
    message = kb.api.messages[(STAFF_CHAT, card["message_id"])]
    claim = next(b["callback_data"] for row in message["reply_markup"]["inline_keyboard"]
                 for b in row if "prends" in b["text"])  # fmt: skip
    await asyncio.gather(
        kb.deliver(kb.factory.callback(nadia.user, message, claim)),
        kb.deliver(kb.factory.callback(omar.user, message, claim)),
    )
    alerts = nadia.alerts
    assert any("C'est pour vous" in a for a in alerts)
    assert any("Déjà pris par" in a for a in alerts)
    record = (await store.open_requests(kb.services.db, None))[0]
    assert record.state == "claimed"
    winner = "Nadia" if record.claimed_by == kb.services.pseudonymise(nadia.id) else "Omar"
    assert f"Pris en charge par {winner}" in str(
        kb.api.messages[(STAFF_CHAT, card["message_id"])]["text"]
    )
    assert "est prise en charge par l'équipe" in youth.last_reply

    # The winner closes it with an outcome; the person is told how to come back.
    holder = nadia if winner == "Nadia" else omar
    await holder.press_data(f"s:close.{record.id}", message)
    await holder.press_data(f"s:close.{record.id}.contacted", message)
    await holder.press_data(f"s:closenow.{record.id}", message)
    closed = await store.get_request(kb.services.db, record.id)
    assert closed is not None
    assert (closed.state, closed.outcome) == ("closed", "contacted")
    assert "est close" in youth.last_reply and "📞 Nouvelle demande" in youth.last_buttons
    assert "Clos" in str(kb.api.messages[(STAFF_CHAT, card["message_id"])]["text"])


async def test_dumbea_routes_young_people_to_prevention(dumbea: Harness) -> None:
    youth = dumbea.person("Kenzo")
    await ask_anonymously(youth, "Logement", None)
    [record] = await store.open_requests(dumbea.services.db, None)
    assert record.team == "prevention"
    assert record.profile == "young"


async def test_phone_number_is_validated_consented_and_shown_only_to_the_claimer(
    kb: Harness,
) -> None:
    nadia = await staff_member(kb, "Nadia", "mediator", "prevention-sante")
    omar = await staff_member(kb, "Omar", "mediator", "prevention-sante")
    sam = kb.person("Sam")
    await sam.send("/rappel")
    await sam.press("Santé")
    await sam.press("Passer")
    await sam.press("Par téléphone")
    await sam.send("123")
    assert "ne semble pas valide" in sam.replies[-2].text
    await sam.send("+33 6 12 34 56 78")
    assert "06 12 34 56 78" in sam.last_reply and "D'accord" in sam.last_reply
    await sam.press("J'accepte")
    await sam.press("matin")
    await sam.press("ne pas le dire")
    await sam.press("Envoyer")
    [card] = cards(kb)
    assert "06 12" not in str(card["text"])
    [record] = await store.open_requests(kb.services.db, None)
    assert (record.channel, record.phone) == ("phone", "06 12 34 56 78")
    consents = await kb.services.db.value("SELECT COUNT(*) FROM consent WHERE granted = 1")
    assert consents == 1
    await nadia.press_data(f"s:claim.{record.id}", card)
    assert "06 12 34 56 78" in nadia.alerts[-1]
    await omar.press_data(f"s:phone.{record.id}", card)
    assert "06 12" not in omar.alerts[-1]


async def test_transfer_to_another_team(dumbea: Harness) -> None:
    mediator = await staff_member(dumbea, "Léa", "mediator", "mediation")
    resident = dumbea.person("Mme K")
    await resident.send("/rappel")
    await resident.press("Logement")
    await resident.press("habitant")
    await resident.press("Passer")
    await resident.press("Ici, dans Telegram")
    await resident.press("N'importe quand")
    await resident.press("ne pas le dire")
    await resident.press("Envoyer")
    [record] = await store.open_requests(dumbea.services.db, None)
    assert record.team == "mediation"
    [card] = cards(dumbea)
    await mediator.press_data(f"s:transfer.{record.id}", card)
    await mediator.press_data(f"s:transfer.{record.id}.prevention", card)
    moved = await store.get_request(dumbea.services.db, record.id)
    assert moved is not None
    assert (moved.team, moved.state) == ("prevention", "open")
    assert "autre équipe" in resident.last_reply


async def test_non_staff_forging_every_staff_button_changes_nothing(kb: Harness) -> None:
    youth = kb.person("Lina")
    await ask_anonymously(youth, "Santé")
    [record] = await store.open_requests(kb.services.db, None)
    [card] = cards(kb)
    intruder = kb.person("Intrus")
    intruder.chat = {"id": STAFF_CHAT, "type": "supergroup", "title": "Équipe"}
    before = await store.get_request(kb.services.db, record.id)
    for data in (f"s:claim.{record.id}", f"s:release.{record.id}", f"s:phone.{record.id}",
                 f"s:close.{record.id}.contacted", f"s:transfer.{record.id}.socio-educatif",
                 f"s:close.{record.id}", f"s:transfer.{record.id}", f"s:note.{record.id}",
                 f"s:show.{record.id}", "s:claim.999", "s:claim.x"):  # fmt: skip
        await intruder.press_data(data, card)
        assert "Réservé à l'équipe" in intruder.alerts[-1]
    assert await store.get_request(kb.services.db, record.id) == before
    for command in ("/file", "/mes_suivis", "/staff_ajouter coordinateur", "/topic x"):
        await intruder.send(command)
    assert await kb.services.db.value("SELECT COUNT(*) FROM staff") == 0


async def test_coordinator_adds_a_mediator_who_then_sees_the_queue(kb: Harness) -> None:
    coordinator = await staff_member(kb, "Claire", "coordinator", None)
    newcomer = kb.person("Yanis")
    newcomer.chat = coordinator.chat
    hello = await newcomer.send("bonjour à tous")
    said = next(c for c in hello if c.method == "sendMessage") if hello else None
    assert said is None  # the bot stays silent in the group
    message = {"message_id": 5, "date": 0, "chat": coordinator.chat, "from": newcomer.user,
               "text": "bonjour à tous"}  # fmt: skip
    await coordinator.send("/staff_ajouter mediateur socio-educatif", reply_to=message)
    assert "fait maintenant partie" in coordinator.last_reply
    youth = kb.person("Lina")
    await ask_anonymously(youth, "École")
    await newcomer.send("/file")
    assert "R-" in newcomer.last_reply


async def test_my_requests_and_cancel(kb: Harness) -> None:
    youth = kb.person("Lina")
    await ask_anonymously(youth, "Santé")
    await youth.send("/mes_demandes")
    assert "en attente d'un·e médiateur·rice" in youth.last_reply
    await youth.press("Annuler R-")
    assert "est annulée" in youth.last_reply
    assert "Annulé par la personne" in str(cards(kb)[0]["text"])
    await youth.send("/mes_demandes")
    assert "pas de demande en cours" in youth.last_reply


async def test_every_step_can_be_cancelled_and_nothing_is_sent(kb: Harness) -> None:
    sam = kb.person()
    await sam.send("/rappel")
    await sam.press("Santé")
    await sam.press("Annuler la demande")
    assert "Rien n'a été envoyé" in sam.last_reply
    assert await store.open_requests(kb.services.db, None) == []
    await sam.send("comment avoir la pilule")
    assert "Contraception" in sam.last_reply  # back to answering questions


async def test_a_person_coming_back_finds_the_request_where_it_was(tmp_path: Path) -> None:
    async with harness_for("kremlin-bicetre", tmp_path) as first:
        sam = first.person("Sam")
        await sam.send("/rappel")
        await sam.press("Santé")
        await sam.press("Passer")
    # The bot restarts; Sam comes back and types where he left off.
    async with harness_for("kremlin-bicetre", tmp_path) as second:
        sam.h = second
        await sam.send("/rappel")
        assert "on reprend" in sam.last_reply
        assert re.search(r"Comment (?:voulez-vous|veux-tu)", sam.last_reply)


async def test_crisis_words_in_a_request_show_the_numbers_and_mark_it_urgent(kb: Harness) -> None:
    sam = kb.person()
    await sam.send("/rappel")
    await sam.press("Santé")
    await sam.send("jveux plus vivre")
    assert any("Appelez le" in c.text for c in sam.replies)
    await sam.press("Ici, dans Telegram")
    await sam.press("matin")
    await sam.press("ne pas le dire")
    await sam.press("Envoyer")
    [record] = await store.open_requests(kb.services.db, None)
    assert record.urgent


async def test_a_person_who_blocked_the_bot_is_marked_unreachable(kb: Harness) -> None:
    nadia = await staff_member(kb, "Nadia", "mediator", "prevention-sante")
    youth = kb.person("Lina")
    await ask_anonymously(youth, "Santé")
    [record] = await store.open_requests(kb.services.db, None)
    kb.api.blocked.add(youth.chat["id"])
    [card] = cards(kb)
    await nadia.press_data(f"s:claim.{record.id}", card)
    marked = await store.get_request(kb.services.db, record.id)
    assert marked is not None
    assert marked.unreachable


async def test_stats_count_the_closed_request_for_coordinators_only(kb: Harness) -> None:
    coordinator = await staff_member(kb, "Claire", "coordinator", None)
    nadia = await staff_member(kb, "Nadia", "mediator", "prevention-sante")
    youth = kb.person("Lina")
    await ask_anonymously(youth, "Santé")
    [record] = await store.open_requests(kb.services.db, None)
    [card] = cards(kb)
    await kb.advance(dt.timedelta(minutes=30))
    await nadia.press_data(f"s:claim.{record.id}", card)
    await nadia.press_data(f"s:close.{record.id}.oriented", card)
    await nadia.press_data(f"s:closenow.{record.id}", card)
    await nadia.send("/stats")
    assert "réservés à la coordination" in nadia.last_reply
    calls = await coordinator.send("/stats")
    documents = [c for c in calls if c.method == "sendDocument"]
    photos = [c for c in calls if c.method == "sendPhoto"]  # the chart, seen at once
    assert [list(c.files) for c in documents] == [["document"]]
    assert [list(c.files) for c in photos] == [["photo"]]
    png = photos[0].files["photo"]
    assert png.startswith(b"\x89PNG")
    csv_text = documents[0].files["document"].decode("utf-8-sig")
    assert "Lina" not in csv_text and record.reference not in csv_text
    text = next(c.text for c in calls if c.method == "sendMessage")
    assert "1" in text
    await coordinator.send("/stats hier")
    assert "/stats 2026" in coordinator.last_reply


def test_report_cli_writes_csv_and_png(tmp_path: Path) -> None:
    import os
    import subprocess
    import sys

    db = tmp_path / "empty.sqlite3"
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PASSERELLE_", "TELEGRAM_"))}
    env.update({"PASSERELLE_DB": str(db), "PASSERELLE_TERRITORY": "dumbea"})
    missing = subprocess.run(
        [sys.executable, "-m", "bot", "report", "--from", "2026-01-01", "--to", "2026-12-31",
         "--out", str(tmp_path / "out")], env=env, capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert missing.returncode == 2
    assert "no database" in missing.stderr
    import asyncio as aio

    from bot.storage import Database

    async def create() -> None:
        database = Database(db)
        await database.open()
        await database.close()

    aio.run(create())
    done = subprocess.run(
        [sys.executable, "-m", "bot", "report", "--from", "2026-01-01", "--to", "2026-12-31",
         "--out", str(tmp_path / "out")], env=env, capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert (tmp_path / "out" / "report.csv").exists()
    assert (tmp_path / "out" / "report.png").read_bytes().startswith(b"\x89PNG")


def test_staff_cli_registers_the_first_coordinator(tmp_path: Path) -> None:
    import os
    import subprocess
    import sys

    env = {k: v for k, v in os.environ.items() if not k.startswith(("PASSERELLE_", "TELEGRAM_"))}
    env.update({"PASSERELLE_DB": str(tmp_path / "s.sqlite3"), "PASSERELLE_TERRITORY": "dumbea"})

    def staff(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run([sys.executable, "-m", "bot", "staff", *args], env=env,
                              capture_output=True, text=True, timeout=60)  # fmt: skip

    added = staff("add", "--telegram-id", "4242", "--name", "Claire", "--role", "coordinator")
    assert added.returncode == 0, added.stderr
    assert "Claire" in staff("list").stdout
    bad = staff("add", "--telegram-id", "1", "--name", "X", "--team", "nowhere")
    assert bad.returncode == 2
    assert "--team must be one of" in bad.stderr
    assert "removed" in staff("remove", "--telegram-id", "4242").stdout


async def test_they_talk_through_the_bot_without_learning_who_the_other_is(kb: Harness) -> None:
    nadia = await staff_member(kb, "Nadia", "mediator", "prevention-sante")
    omar = await staff_member(kb, "Omar", "mediator", "prevention-sante")
    youth = kb.person("Lina")
    await ask_anonymously(youth, "Santé")
    [record] = await store.open_requests(kb.services.db, None)
    [card] = cards(kb)
    await nadia.press_data(f"s:claim.{record.id}", card)

    await nadia.send("Bonjour, je suis là pour vous.", reply_to=card)
    assert "L'équipe de médiation ·" in youth.last_reply  # no name, no gender
    assert "Bonjour, je suis là pour vous." in youth.last_reply
    assert "Nadia" not in youth.last_reply  # first name only if she chose to show it
    assert "Transmis" in nadia.last_reply

    await youth.send("merci, j'ai besoin d'aide pour un rdv")
    relayed = [c for c in kb.calls("sendMessage") if c.chat_id == STAFF_CHAT][-1]
    assert "la personne écrit" in relayed.text and "rdv" in relayed.text
    assert "Lina" not in relayed.text and str(youth.id) not in relayed.text
    assert relayed.params["reply_parameters"]["message_id"] == card["message_id"]
    assert "Transmis à la personne qui suit votre demande" in youth.last_reply

    # Nadia can answer the relayed message itself; Omar cannot write to her person.
    await nadia.send("Je vous appelle demain ?", reply_to=relayed.result)
    assert "Je vous appelle demain ?" in youth.last_reply
    await omar.send("Coucou", reply_to=card)
    assert "Seul·e la personne qui a pris la demande" in omar.last_reply
    assert "Coucou" not in youth.last_reply

    await youth.send_media("sticker")
    assert "ne sont pas transmis" in youth.last_reply
    await youth.send_media("voice")  # voice notes are copied to the card's thread
    assert "Transmis à la personne qui suit votre demande" in youth.last_reply
    events = await kb.services.db.all("SELECT kind, detail FROM request_event")
    assert ("message_in", None) in [tuple(e) for e in events]
    assert all("rdv" not in str(tuple(e)) for e in events)  # counted, never stored

    # Closing ends the relay: her next words are a question for the bot again.
    await nadia.press_data(f"s:close.{record.id}.contacted", card)
    await nadia.press_data(f"s:closenow.{record.id}", card)
    await youth.send("comment avoir la pilule")
    assert "Contraception" in youth.last_reply


async def test_a_mediator_writing_to_a_person_who_blocked_the_bot_is_told(kb: Harness) -> None:
    nadia = await staff_member(kb, "Nadia", "mediator", "prevention-sante")
    youth = kb.person("Lina")
    await ask_anonymously(youth, "Santé")
    [record] = await store.open_requests(kb.services.db, None)
    [card] = cards(kb)
    await nadia.press_data(f"s:claim.{record.id}", card)
    kb.api.blocked.add(youth.chat["id"])
    calls = await nadia.send("Vous êtes là ?", reply_to=card)
    assert any("a bloqué le bot" in c.text for c in calls)
    assert "plus joignable" in nadia.last_reply  # and the card says so
    marked = await store.get_request(kb.services.db, record.id)
    assert marked is not None
    assert marked.unreachable


# --- Nothing falls through the cracks (a controllable clock, no sleeping) -----------------


def reminders(h: Harness) -> list[str]:
    return [c.text for c in h.calls("sendMessage") if c.chat_id == STAFF_CHAT and "⏰" in c.text]


def escalations(h: Harness) -> list[str]:
    return [c.text for c in h.calls("sendMessage") if "Coordination" in c.text]


async def test_unclaimed_request_is_announced_again_then_escalated(kb: Harness) -> None:
    # Monday 10:00 in Paris; the service works 9:00–17:00, 240 working minutes' delay.
    youth = kb.person("Lina")
    await ask_anonymously(youth, "Santé")
    await kb.advance(dt.timedelta(hours=3, minutes=59))
    assert reminders(kb) == []
    await kb.advance(dt.timedelta(minutes=2))
    assert len(reminders(kb)) == 1
    assert escalations(kb) == []
    # Three more working hours on Monday, one on Tuesday morning: the second round.
    await kb.advance(dt.timedelta(hours=20))
    assert len(reminders(kb)) == 2
    assert len(escalations(kb)) == 1
    [record] = await store.open_requests(kb.services.db, None)
    assert record.escalated_at is not None


async def test_urgent_request_is_announced_again_within_minutes(kb: Harness) -> None:
    sam = kb.person()
    await sam.send("jveux en finir")
    await sam.press("contacté·e vite")
    await sam.press("Ici, dans Telegram")  # two taps from the crisis card
    await kb.advance(dt.timedelta(minutes=16))
    assert len(reminders(kb)) == 1
    assert "🔴" in reminders(kb)[0]


async def test_a_claimed_request_is_not_announced_again(kb: Harness) -> None:
    nadia = await staff_member(kb, "Nadia", "mediator", "prevention-sante")
    await ask_anonymously(kb.person("Lina"), "Santé")
    [record] = await store.open_requests(kb.services.db, None)
    await nadia.press_data(f"s:claim.{record.id}", cards(kb)[0])
    await kb.advance(dt.timedelta(days=3))
    assert reminders(kb) == []


async def test_a_restart_rebuilds_the_reminders_from_the_database(tmp_path: Path) -> None:
    start = dt.datetime(2026, 11, 23, 9, 0, tzinfo=dt.UTC)
    async with harness_for("kremlin-bicetre", tmp_path, start=start,
                           staff_chat_id=STAFF_CHAT) as first:  # fmt: skip
        await ask_anonymously(first.person("Lina"), "Santé")
    # The bot was down all afternoon; it restarts at 16:00 Paris, past the due time.
    later = start + dt.timedelta(hours=6)
    async with harness_for("kremlin-bicetre", tmp_path, start=later,
                           staff_chat_id=STAFF_CHAT) as second:  # fmt: skip
        await second.advance(dt.timedelta(seconds=5))
        assert len(reminders(second)) == 1
        await second.advance(dt.timedelta(minutes=30))
        assert len(reminders(second)) == 1  # once, not again at each start or check
        [record] = await store.open_requests(second.services.db, None)
        assert record.announcements == 1


async def test_out_of_hours_the_person_is_told_when_to_expect_an_answer(tmp_path: Path) -> None:
    saturday_night = dt.datetime(2026, 11, 28, 22, 0, tzinfo=dt.UTC)
    async with harness_for("kremlin-bicetre", tmp_path, start=saturday_night,
                           staff_chat_id=STAFF_CHAT) as h:  # fmt: skip
        sam = h.person()
        await ask_anonymously(sam, "Santé")
        assert "fermé" in sam.last_reply
        assert "lundi 30 novembre, 9 h" in sam.last_reply


async def test_internal_notes_for_staff_only_and_erased_with_the_person(kb: Harness) -> None:
    nadia = await staff_member(kb, "Nadia", "mediator", "prevention-sante")
    youth = kb.person("Lina")
    await ask_anonymously(youth, "Santé")
    [card] = cards(kb)
    await nadia.send("/note a rappeler apres 17h", reply_to=card)
    assert "Note ajoutée" in nadia.last_reply
    await nadia.send("/notes", reply_to=card)
    assert "a rappeler apres 17h" in nadia.last_reply and "Nadia" in nadia.last_reply
    assert "17h" not in youth.last_reply  # never shown to the person
    await youth.send("/oublier")
    await youth.press("Oui, tout effacer")
    await nadia.send("/notes", reply_to=card)
    assert "a rappeler apres 17h" not in nadia.last_reply


async def test_a_person_adds_a_message_to_a_request_waiting_in_the_queue(kb: Harness) -> None:
    youth = kb.person("Lina")
    await ask_anonymously(youth, "Santé")
    await youth.send("/mes_demandes")
    await youth.press("Écrire")
    assert "Écrivez votre message" in youth.last_reply
    await youth.send("jsuis dispo aussi le samedi")
    relayed = [c for c in kb.calls("sendMessage") if c.chat_id == STAFF_CHAT][-1]
    assert "samedi" in relayed.text
    assert "Transmis" in youth.last_reply
    await youth.send("comment avoir la pilule")
    assert "Contraception" in youth.last_reply  # only the one message was for the team


async def test_deep_link_opens_the_request(kb: Harness) -> None:
    sam = kb.person()
    await sam.send("/start rappel")
    assert "C'est à quel sujet" in sam.last_reply
    await sam.send("/start n1mp0rte-quoi")
    assert "plus valable" in sam.last_reply


async def test_restart_in_the_middle_of_a_conversation_loses_nothing(tmp_path: Path) -> None:
    async with harness_for("kremlin-bicetre", tmp_path, staff_chat_id=STAFF_CHAT) as first:
        nadia = await staff_member(first, "Nadia", "mediator", "prevention-sante")
        youth = first.person("Lina")
        await ask_anonymously(youth, "Santé")
        [card] = cards(first)
        await nadia.press_data(f"s:claim.{card_request(card)}", card)
    async with harness_for("kremlin-bicetre", tmp_path, staff_chat_id=STAFF_CHAT) as second:
        second.api.messages[(STAFF_CHAT, int(str(card["message_id"])))] = card
        nadia.h, youth.h = second, second
        await nadia.send("Toujours là ?", reply_to=card)
        assert "Toujours là ?" in youth.last_reply
        await youth.send("oui merci")
        relayed = [c for c in second.calls("sendMessage") if c.chat_id == STAFF_CHAT][-1]
        assert "oui merci" in relayed.text


def card_request(card: dict[str, object]) -> int:
    """The request id behind a card, read from its buttons."""
    keyboard = card["reply_markup"]
    assert isinstance(keyboard, dict)
    data = keyboard["inline_keyboard"][0][0]["callback_data"]
    return int(data.split(".")[1])


async def test_a_mediator_may_choose_to_show_their_first_name(kb: Harness) -> None:
    nadia = await staff_member(kb, "Nadia", "mediator", "prevention-sante")
    youth = kb.person("Lina")
    await ask_anonymously(youth, "Santé")
    [card] = cards(kb)
    await nadia.press_data(f"s:note.{card_request(card)}", card)
    assert "/note" in nadia.alerts[-1]
    await nadia.press_data(f"s:claim.{card_request(card)}", card)
    await nadia.send("/prenom oui")
    assert "Nadia, de l'équipe de médiation" in nadia.last_reply
    await nadia.send("Bonjour !", reply_to=card)
    assert "Nadia, de l'équipe de médiation" in youth.last_reply


async def test_a_mediator_of_another_team_cannot_take_the_request(kb: Harness) -> None:
    other = await staff_member(kb, "Paul", "mediator", "socio-educatif")
    await ask_anonymously(kb.person("Lina"), "Santé")
    [card] = cards(kb)
    await other.press_data(f"s:claim.{card_request(card)}", card)
    assert "autre équipe" in other.alerts[-1]
    [record] = await store.open_requests(kb.services.db, None)
    assert record.state == "open"


async def test_posters_lead_straight_to_the_request_or_the_event(kb: Harness) -> None:
    from bot.storage import event_edits as event_edits_store

    member = await staff_member(kb, "Nadia", "mediator", "prevention-sante")
    now = kb.clock.now()
    event_id = await event_edits_store.create_event(
        kb.services.db, kind="braderie", title_fr="Braderie solidaire", title_en="Charity sale",
        place="Square", quartier=None, starts_at=now + dt.timedelta(days=5), ends_at=None,
        capacity=20, deadline=None, now=now,
    )  # fmt: skip
    calls = await member.send(f"/affiche evenement {event_id}")
    [document] = [c for c in calls if c.method == "sendDocument"]
    assert document.files["document"].startswith(b"%PDF")
    [photo] = [c for c in calls if c.method == "sendPhoto"]
    assert photo.files["photo"].startswith(b"\x89PNG")
    link = next(c.text for c in calls if c.method == "sendMessage")
    payload = link.split("?start=")[1].split()[0]
    resident = kb.person("Mme K")
    await resident.send(f"/start {payload}")
    assert "Braderie solidaire" in resident.last_reply
    assert any("Je m'inscris" in b for b in resident.last_buttons)

    calls = await member.send("/affiche rappel")
    payload = (
        next(c.text for c in calls if c.method == "sendMessage").split("?start=")[1].split()[0]
    )
    await resident.send(f"/start {payload}")
    assert "C'est à quel sujet" in resident.last_reply


@pytest.mark.parametrize(
    "payload", ["e_1_AAAAAAAAAA", "x", "p_nowhere_abcdefghij", "e_" + "9" * 70]
)
async def test_a_tampered_or_unknown_poster_link_leads_to_the_menu(
    kb: Harness, payload: str
) -> None:
    sam = kb.person()
    await sam.send(f"/start {payload}")
    assert "plus valable" in sam.last_reply
    assert sam.last_buttons  # the main menu


async def test_only_staff_print_posters(kb: Harness) -> None:
    intruder = kb.person("X")
    intruder.chat = {"id": STAFF_CHAT, "type": "supergroup", "title": "Équipe"}
    calls = await intruder.send("/affiche rappel")
    assert not [c for c in calls if c.method == "sendDocument"]
    assert "Réservé à l'équipe" in intruder.last_reply


@pytest.mark.parametrize("command", ["/file", "/mes_suivis", "/staff", "/affiche rappel"])
async def test_staff_commands_answer_in_the_staff_group_only(kb: Harness, command: str) -> None:
    nadia = await staff_member(kb, "Nadia", "coordinator", None)
    nadia.chat = {"id": -1_009_990_777, "type": "supergroup", "title": "Amis de Nadia"}
    before = len(kb.api.calls)
    await nadia.send(command)
    shown = [c for c in kb.api.calls[before:] if c.method in ("sendMessage", "sendPhoto")]
    assert len(shown) == 1
    assert shown[0].text == "Cette commande ne s'utilise que dans le groupe de l'équipe."


async def test_retention_erases_what_erasure_erases(kb: Harness) -> None:
    nadia = await staff_member(kb, "Nadia", "mediator", "prevention-sante")
    sam = kb.person("Sam")
    await sam.send("/rappel")
    await sam.press("Santé")
    await sam.send("mes mots à moi")
    await sam.press("Par téléphone")
    await sam.send("06 12 34 56 78")
    await sam.press("J'accepte")
    await sam.press("matin")
    await sam.press("ne pas le dire")
    await sam.press("Envoyer")
    [card] = cards(kb)
    [record] = await store.open_requests(kb.services.db, None)
    await nadia.press_data(f"s:claim.{record.id}", card)
    await nadia.send("/note rappeler le soir", reply_to=card)
    await kb.advance(dt.timedelta(hours=1))
    # The person is not seen again for longer than the pack's retention period (365 days):
    # a nightly job (03:30) erases them.
    await kb.advance(dt.timedelta(days=367))
    shown = str(kb.api.messages[(STAFF_CHAT, card["message_id"])]["text"])
    assert "mes mots à moi" not in shown and "06 12 34 56 78" not in shown
    assert "Annulé par la personne" in shown
    row = await kb.services.db.one(
        "SELECT phone, description, availability, state FROM request WHERE id = ?", (record.id,)
    )
    assert row is not None
    assert (row["phone"], row["description"], row["availability"]) == (None, None, None)
    assert row["state"] == "cancelled"
    notes = await kb.services.db.value(
        "SELECT COUNT(*) FROM request_event WHERE kind = 'note' AND detail IS NOT NULL"
    )
    assert notes == 0


async def test_after_erasure_the_erased_values_are_in_no_file(tmp_path: Path) -> None:
    async with harness_for("kremlin-bicetre", tmp_path, staff_chat_id=STAFF_CHAT) as h:
        sam = h.person("Sam")
        await sam.send("/rappel")
        await sam.press("Santé")
        await sam.send("mes mots tres personnels")
        await sam.press("Par téléphone")
        await sam.send("06 98 76 54 32")
        await sam.press("J'accepte")
        await sam.press("matin")
        await sam.press("ne pas le dire")
        await sam.press("Envoyer")
        await sam.send("/oublier")
        await sam.press("Oui, tout effacer")
        for path in tmp_path.glob("test.sqlite3*"):  # noqa: ASYNC240 - a test reading files
            content = path.read_bytes()
            assert b"06 98 76 54 32" not in content, path.name
            assert b"tres personnels" not in content, path.name


async def test_after_erasure_the_staff_card_says_withdrawn_and_shows_no_words(kb: Harness) -> None:
    nadia = await staff_member(kb, "Nadia", "mediator", "prevention-sante")
    lina = kb.person("Lina")
    await ask_anonymously(lina, "Santé", "mes mots à effacer")
    [card] = cards(kb)
    [record] = await store.open_requests(kb.services.db, None)
    await nadia.press_data(f"s:claim.{record.id}", card)
    assert "mes mots à effacer" in str(kb.api.messages[(STAFF_CHAT, card["message_id"])]["text"])
    await lina.send("/oublier")
    await lina.press("Oui, tout effacer")
    shown = str(kb.api.messages[(STAFF_CHAT, card["message_id"])]["text"])
    assert "mes mots à effacer" not in shown
    assert "Annulé par la personne" in shown
    assert "Pris en charge" not in shown


async def test_after_erasure_the_relayed_messages_still_deletable_leave_the_staff_group(
    kb: Harness,
) -> None:
    nadia = await staff_member(kb, "Nadia", "mediator", "prevention-sante")
    lina = kb.person("Lina")
    await ask_anonymously(lina, "Santé")
    [card] = cards(kb)
    [record] = await store.open_requests(kb.services.db, None)
    await nadia.press_data(f"s:claim.{record.id}", card)

    def relayed_to_staff() -> list[dict[str, Any]]:
        calls = [c for c in kb.calls("sendMessage") if c.chat_id == STAFF_CHAT]
        return [c.result for c in calls if "la personne écrit" in c.text]

    await lina.send("un message d'il y a trois jours")
    await kb.advance(dt.timedelta(days=3))
    await lina.send("mon adresse est 12 rue des Lilas")
    old, recent = relayed_to_staff()
    await lina.send("/oublier")
    await lina.press("Oui, tout effacer")
    assert (STAFF_CHAT, recent["message_id"]) not in kb.api.messages
    # Telegram no longer lets the bot delete the older one; it was not asked to.
    assert (STAFF_CHAT, old["message_id"]) in kb.api.messages
    assert not kb.api.refused
    assert await kb.services.db.value("SELECT COUNT(*) FROM relay_message") == 0
    assert (STAFF_CHAT, card["message_id"]) in kb.api.messages  # the card stays, edited


async def test_at_start_an_open_request_whose_card_was_never_posted_gets_it(
    tmp_path: Path,
) -> None:
    async with harness_for("kremlin-bicetre", tmp_path, staff_chat_id=STAFF_CHAT) as first:
        # The card cannot leave (as when the bot is killed while it waits on the rate
        # limit, after the person was told): the request is stored, its card is not.
        first.api.blocked.add(STAFF_CHAT)
        await ask_anonymously(first.person("Lina"), "Santé", "ma demande d'hier soir")
        [record] = await store.open_requests(first.services.db, None)
        assert record.card_message_id is None
    async with harness_for("kremlin-bicetre", tmp_path, staff_chat_id=STAFF_CHAT) as again:
        [card] = cards(again)
        assert "ma demande d'hier soir" in str(card["text"])
        [record] = await store.open_requests(again.services.db, None)
        assert record.card_message_id == card["message_id"]
    async with harness_for("kremlin-bicetre", tmp_path, staff_chat_id=STAFF_CHAT) as third:
        assert cards(third) == []  # posted once, not at every start


@pytest.mark.parametrize("language", ["fr", "en"])
async def test_staff_commands_without_their_arguments_say_how_to_write_them(
    kb: Harness, language: str
) -> None:
    coordinator = await staff_member(kb, "Claire", "coordinator", None)
    coordinator.user["language_code"] = language
    for command in ("/topic", "/staff_ajouter", "/annuler_evenement"):
        await coordinator.send(command)
        assert re.search(r"/(topic|staff_|annuler_evenement|cancel_event)", coordinator.last_reply)
        assert "<" in coordinator.last_reply  # shown as typed: "<équipe>", "<team>"


async def test_a_buttons_label_typed_counts_as_the_button(kb: Harness) -> None:
    sam = kb.person("Sam")
    await sam.send("/rappel")
    await sam.send("santé")  # typed instead of pressing "🩺 Santé"
    assert "En quelques mots" in sam.last_reply
