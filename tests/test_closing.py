"""Closing well: the mediator may add a word for the person; the person gets it with a
one-tap rating and a way to ask again; only the rating is kept. Gender-neutral words."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.staff.figures import monthly_figures
from bot.storage import requests as store
from tests.harness import Harness, Person, harness_for
from tests.test_requests import STAFF_CHAT, ask_anonymously, cards, staff_member

GENDERED = re.compile(r"\b[Ii]l va\b|\b[Uu]n médiateur\b|\b[Vv]otre médiateur\b|\bIl vous\b")


@pytest.fixture
async def kb(tmp_path: Path) -> AsyncIterator[Harness]:
    async with harness_for("kremlin-bicetre", tmp_path, staff_chat_id=STAFF_CHAT) as h:
        yield h


async def _claimed(kb: Harness) -> tuple[Person, Person, int]:
    nadia = await staff_member(kb, "Nadia", "mediator", "prevention-sante")
    youth = kb.person("Lina")
    await ask_anonymously(youth, "Santé")
    [record] = await store.open_requests(kb.services.db, None)
    await nadia.press_data(f"s:claim.{record.id}", cards(kb)[0])
    return nadia, youth, record.id


def _card(kb: Harness) -> dict[str, object]:
    [card] = cards(kb)
    return kb.api.messages[(STAFF_CHAT, int(str(card["message_id"])))]


async def test_a_word_for_the_person_goes_with_the_close_and_is_not_kept(kb: Harness) -> None:
    nadia, youth, request_id = await _claimed(kb)
    await nadia.press_data(f"s:close.{request_id}", _card(kb))
    await nadia.press_data(f"s:close.{request_id}.oriented", _card(kb))
    assert "Répondez à la carte" in nadia.alerts[-1]
    card = _card(kb)
    assert "✍️ Clôture (Orienté·e vers un partenaire)" in str(card["text"])
    record = await store.get_request(kb.services.db, request_id)
    assert record is not None and record.state == "claimed"  # not closed yet
    word = "Bon courage pour le rendez-vous au CMP, revenez quand vous voulez"
    await nadia.send(word, reply_to=card)
    assert any("Demande close." in c.text for c in nadia.replies[-3:])
    closed = await store.get_request(kb.services.db, request_id)
    assert closed is not None and (closed.state, closed.outcome) == ("closed", "oriented")
    told = youth.last_reply
    assert "est close" in told and word in told and "L'équipe de médiation" in told
    assert youth.last_buttons == ["😊", "😐", "🙁", "📞 Nouvelle demande", "📋 Mes demandes"]
    # The word went to the person only: nothing in the database holds it.
    for table, column in (("request_event", "detail"), ("request", "description")):
        rows = await kb.services.db.all(f"SELECT {column} FROM {table}")  # noqa: S608
        assert not any(word in str(r[0]) for r in rows)
    assert "Clos" in str(_card(kb)["text"])


async def test_closing_without_a_word(kb: Harness) -> None:
    nadia, youth, request_id = await _claimed(kb)
    await nadia.press_data(f"s:close.{request_id}.contacted", _card(kb))
    await nadia.press_data(f"s:closenow.{request_id}", _card(kb))
    closed = await store.get_request(kb.services.db, request_id)
    assert closed is not None and closed.state == "closed"
    assert "est close" in youth.last_reply and "💬" not in youth.last_reply


async def test_back_cancels_the_close_and_a_reply_is_a_message_again(kb: Harness) -> None:
    nadia, youth, request_id = await _claimed(kb)
    await nadia.press_data(f"s:close.{request_id}.contacted", _card(kb))
    await nadia.press_data(f"s:show.{request_id}", _card(kb))
    assert "✍️" not in str(_card(kb)["text"])
    await nadia.send("Encore une question ?", reply_to=_card(kb))
    assert "Encore une question ?" in youth.last_reply
    record = await store.get_request(kb.services.db, request_id)
    assert record is not None and record.state == "claimed"


async def test_a_close_left_an_hour_is_forgotten(kb: Harness) -> None:
    nadia, youth, request_id = await _claimed(kb)
    await nadia.press_data(f"s:close.{request_id}.contacted", _card(kb))
    await kb.advance(dt.timedelta(hours=1, minutes=1))
    await nadia.send("Vous êtes toujours là ?", reply_to=_card(kb))
    assert "Vous êtes toujours là ?" in youth.last_reply
    record = await store.get_request(kb.services.db, request_id)
    assert record is not None and record.state == "claimed"
    await nadia.press_data(f"s:closenow.{request_id}", _card(kb))
    assert "Choisissez d'abord le résultat" in nadia.alerts[-1]


async def test_the_person_rates_once_and_the_bilan_counts_it(kb: Harness) -> None:
    nadia, youth, request_id = await _claimed(kb)
    await nadia.press_data(f"s:close.{request_id}.contacted", _card(kb))
    await nadia.press_data(f"s:closenow.{request_id}", _card(kb))
    await youth.press("😊")
    assert "Merci pour votre avis" in youth.last_reply
    assert "😊" not in youth.last_buttons and "📞 Nouvelle demande" in youth.last_buttons
    await youth.press_data(f"mr:rate.{request_id}.bad")
    assert "déjà noté" in youth.last_reply
    rated = await store.get_request(kb.services.db, request_id)
    assert rated is not None and rated.rating == "good"
    # Another person cannot rate it; a forged rating changes nothing.
    other = kb.person("Sam")
    await other.press_data(f"mr:rate.{request_id}.bad")
    await youth.press_data(f"mr:rate.{request_id}.terrible")
    rated = await store.get_request(kb.services.db, request_id)
    assert rated is not None and rated.rating == "good"
    today = kb.clock.now().date()
    figures = await monthly_figures(
        kb.services.db, kb.services.pack, today.replace(day=1), today, now=kb.clock.now()
    )
    assert figures.breakdown["rating"] == {"good": 1}


async def test_an_open_request_cannot_be_rated(kb: Harness) -> None:
    youth = kb.person("Lina")
    await ask_anonymously(youth, "Santé")
    [record] = await store.open_requests(kb.services.db, None)
    await youth.press_data(f"mr:rate.{record.id}.good")
    fresh = await store.get_request(kb.services.db, record.id)
    assert fresh is not None and fresh.rating is None


async def test_everything_the_person_reads_is_gender_neutral(kb: Harness) -> None:
    nadia, youth, request_id = await _claimed(kb)
    await nadia.send("Bonjour !", reply_to=_card(kb))
    await youth.send("Merci")
    await nadia.press_data(f"s:close.{request_id}.contacted", _card(kb))
    await nadia.send("À bientôt", reply_to=_card(kb))
    said = [call.text for call in youth.replies]
    assert any("prise en charge" in s for s in said) and any("est close" in s for s in said)
    assert [s for s in said if GENDERED.search(s)] == []
