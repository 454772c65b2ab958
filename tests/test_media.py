"""Photos, screenshots, documents and voice notes, both ways: copied by Telegram from one
chat to the other, never downloaded nor kept by the bot; the person knows beforehand who
will see them, and the card's thread shows them."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from telegram.error import BadRequest

from bot.storage import requests as store
from handlers.runtime.offline import Call
from tests.harness import Harness, Person, harness_for
from tests.test_requests import STAFF_CHAT, ask_anonymously, cards, staff_member


@pytest.fixture
async def kb(tmp_path: Path) -> AsyncIterator[Harness]:
    async with harness_for("kremlin-bicetre", tmp_path, staff_chat_id=STAFF_CHAT) as h:
        yield h


async def _claimed(kb: Harness) -> tuple[Person, Person, dict[str, object]]:
    nadia = await staff_member(kb, "Nadia", "mediator", "prevention-sante")
    coordinator = await staff_member(kb, "Claire", "coordinator", None)
    await coordinator.send("/topic prevention-sante", thread_id=77)
    youth = kb.person("Lina")
    await ask_anonymously(youth, "Santé")
    [record] = await store.open_requests(kb.services.db, None)
    [card] = cards(kb)
    await nadia.press_data(f"s:claim.{record.id}", card)
    return nadia, youth, kb.api.messages[(STAFF_CHAT, int(str(card["message_id"])))]


def _copies(kb: Harness, chat_id: int) -> list[Call]:
    return [c for c in kb.calls("copyMessage") if c.chat_id == chat_id]


async def test_a_screenshot_reaches_the_cards_thread_and_nothing_is_kept(kb: Harness) -> None:
    nadia, youth, card = await _claimed(kb)
    told = youth.last_reply
    assert "captures d'écran" in told and "verra" in told  # said before anything is sent
    await youth.send_media("photo", caption="il m'envoie ça tous les soirs")
    [copy] = _copies(kb, STAFF_CHAT)
    assert int(copy.params["from_chat_id"]) == youth.chat["id"]
    assert copy.params["message_thread_id"] == 77  # the team's topic, under the card
    parameters = copy.params["reply_parameters"]
    parameters = json.loads(parameters) if isinstance(parameters, str) else parameters
    assert parameters["message_id"] == card["message_id"]
    assert "la personne envoie une photo" in copy.text
    assert "il m'envoie ça tous les soirs" in copy.text
    assert "Transmis à la personne qui suit votre demande" in youth.last_reply
    dump = " ".join(
        str(r[0]) for r in await kb.services.db.all("SELECT detail FROM request_event")
    )
    assert "photo-id" not in dump and "tous les soirs" not in dump
    # A reply to the copied photo reaches the person, as a reply to the card does.
    copied = kb.api.messages[(STAFF_CHAT, copy.result["message_id"])]
    await nadia.send("Merci, je regarde ça avec vous demain.", reply_to=copied)
    assert "je regarde ça avec vous demain" in youth.last_reply


async def test_a_mediator_sends_a_document_to_the_person(kb: Harness) -> None:
    nadia, youth, card = await _claimed(kb)
    await nadia.send_media("document", caption="Le plan pour aller au CMP", reply_to=card)
    [copy] = _copies(kb, youth.chat["id"])
    assert int(copy.params["from_chat_id"]) == STAFF_CHAT
    assert "L'équipe de médiation" in copy.text and "Le plan pour aller au CMP" in copy.text
    assert "✓ Transmis." in nadia.last_reply


async def test_a_voice_note_with_worrying_words_gets_the_crisis_card_first(
    kb: Harness,
) -> None:
    _, youth, _ = await _claimed(kb)
    calls = await youth.send_media("voice", caption="je veux en finir")
    texts = [c.text for c in calls if c.method == "sendMessage" and c.chat_id == youth.chat["id"]]
    assert texts and ("3114" in texts[0] or "15" in texts[0])
    [copy] = _copies(kb, STAFF_CHAT)
    assert "🔴" in copy.text and "un message vocal" in copy.text


async def test_stickers_are_not_passed_on_and_said_so(kb: Harness) -> None:
    nadia, youth, card = await _claimed(kb)
    await youth.send_media("sticker")
    assert "ne sont pas transmis" in youth.last_reply
    await nadia.send_media("sticker", reply_to=card)
    assert "Seuls le texte, les photos" in nadia.last_reply
    assert kb.calls("copyMessage") == []


async def test_without_anyone_following_a_photo_is_not_sent_anywhere(kb: Harness) -> None:
    youth = kb.person("Lina")
    await youth.send("/start")
    await youth.send_media("photo")
    assert kb.calls("copyMessage") == []


async def test_a_photo_added_to_a_request_still_waiting(kb: Harness) -> None:
    youth = kb.person("Lina")
    await ask_anonymously(youth, "Santé")
    [record] = await store.open_requests(kb.services.db, None)
    await youth.press_data(f"mr:write.{record.id}")
    assert "captures d'écran" in youth.last_reply
    await youth.send_media("photo")
    [copy] = _copies(kb, STAFF_CHAT)
    assert record.reference in copy.text


async def test_a_long_caption_is_shortened_so_telegram_takes_it(kb: Harness) -> None:
    _, youth, _ = await _claimed(kb)
    await youth.send_media("photo", caption="é & < " * 400)  # 2,400 characters, escaped
    [copy] = _copies(kb, STAFF_CHAT)
    assert kb.api.refused == []
    assert len(copy.text) <= 1024


async def test_the_offline_api_refuses_copies_telegram_refuses(kb: Harness) -> None:
    with pytest.raises(BadRequest, match="caption is too long"):
        await kb.app.bot.copy_message(STAFF_CHAT, 1, 1, caption="x" * 1025)
    with pytest.raises(BadRequest, match=r"(?i)can't parse entities"):
        await kb.app.bot.copy_message(STAFF_CHAT, 1, 1, caption="<b>x", parse_mode="HTML")
