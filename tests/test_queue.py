"""The queue as a mediator works it: /file and /mes_suivis lead to the cards, a card can
be brought back to the bottom of its topic, and a card says who asks and how long."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.storage import requests as store
from tests.harness import Harness, Person, harness_for
from tests.test_requests import STAFF_CHAT, ask_anonymously, cards, staff_member

INTERNAL = str(STAFF_CHAT)[4:]  # what t.me/c/ links use for a supergroup


@pytest.fixture
async def kb(tmp_path: Path) -> AsyncIterator[Harness]:
    async with harness_for("kremlin-bicetre", tmp_path, staff_chat_id=STAFF_CHAT) as h:
        yield h


async def _three_requests(kb: Harness) -> Person:
    """Three requests: Ana's, the oldest (she is returned), Ben's, and an urgent one."""
    coordinator = await staff_member(kb, "Claire", "coordinator", None)
    await coordinator.send("/topic prevention-sante", thread_id=77)
    ana = kb.person("Ana")
    await ask_anonymously(ana, "Santé", "la plus ancienne")
    await kb.advance(dt.timedelta(minutes=5))
    await ask_anonymously(kb.person("Ben"), "Santé", "la deuxième")
    await kb.advance(dt.timedelta(minutes=5))
    sam = kb.person("Sam")  # an urgent one, from a crisis card, the newest
    await sam.send("jveux en finir")
    await sam.press("contacté·e vite")
    await sam.press("Ici, dans Telegram")
    return ana


async def test_file_lists_urgent_then_oldest_each_linked_to_its_card(kb: Harness) -> None:
    await _three_requests(kb)
    nadia = await staff_member(kb, "Nadia", "mediator", "prevention-sante")
    await nadia.send("/file")
    listing = nadia.replies[-1]
    records = sorted(await store.open_requests(kb.services.db, None), key=lambda r: r.id)
    oldest, second, urgent = records
    order = [listing.text.index(r.reference) for r in (urgent, oldest, second)]
    assert order == sorted(order), listing.text
    html = str(listing.params["text"])
    for r in records:
        link = f'<a href="https://t.me/c/{INTERNAL}/{r.card_thread_id}/{r.card_message_id}">'
        assert link + r.reference + "</a>" in html
    assert [b for b in nadia.last_buttons if b.startswith("📌")] == [
        f"📌 {r.reference}" for r in (urgent, oldest, second)
    ]


async def test_a_card_is_posted_again_at_the_bottom_and_its_old_message_still_works(
    kb: Harness,
) -> None:
    ana = await _three_requests(kb)
    nadia = await staff_member(kb, "Nadia", "mediator", "prevention-sante")
    oldest = min(await store.open_requests(kb.services.db, None), key=lambda r: r.id)
    old_card = kb.api.messages[(STAFF_CHAT, oldest.card_message_id or 0)]
    await nadia.send("/file")
    await nadia.press(f"📌 {oldest.reference}")
    moved = await store.get_request(kb.services.db, oldest.id)
    assert moved is not None and moved.card_message_id is not None
    newest_in_group = max(m for (chat, m) in kb.api.messages if chat == STAFF_CHAT)
    assert moved.card_message_id == newest_in_group  # at the bottom
    assert moved.card_thread_id == oldest.card_thread_id  # in its topic
    assert "la plus ancienne" in str(kb.api.messages[(STAFF_CHAT, moved.card_message_id)]["text"])
    former = kb.api.messages[(STAFF_CHAT, oldest.card_message_id or 0)]
    assert "plus bas" in str(former["text"]) and not former.get("reply_markup")
    # Claimed from the new card, answered from the old one: it still reaches the person.
    await nadia.press_data(f"s:claim.{oldest.id}", kb.api.messages[(STAFF_CHAT, newest_in_group)])
    await nadia.send("Je vous écris ici", reply_to=old_card)
    assert "Je vous écris ici" in ana.last_reply


async def test_my_followups_list_what_i_hold_with_links(kb: Harness) -> None:
    await _three_requests(kb)
    nadia = await staff_member(kb, "Nadia", "mediator", "prevention-sante")
    oldest = min(await store.open_requests(kb.services.db, None), key=lambda r: r.id)
    await nadia.press_data(f"s:claim.{oldest.id}", cards(kb)[0])
    await nadia.send("/mes_suivis")
    html = str(nadia.replies[-1].params["text"])
    assert f"https://t.me/c/{INTERNAL}/" in html and oldest.reference in html
    assert nadia.last_buttons == [f"📌 {oldest.reference}"]


async def test_the_card_says_who_asks(tmp_path: Path) -> None:
    async with harness_for("dumbea", tmp_path, staff_chat_id=STAFF_CHAT) as dumbea:
        await ask_anonymously(dumbea.person("Kenzo"), "Logement")
        [card] = cards(dumbea)
        assert "Qui : Un·e jeune (moins de 26 ans)" in str(card["text"])


async def test_the_card_says_when_it_waited_past_the_teams_delay(kb: Harness) -> None:
    # Monday 10:00 in Paris; 240 working minutes before the team's delay runs out.
    await ask_anonymously(kb.person("Lina"), "Santé")
    [card] = cards(kb)
    assert "⏰" not in str(card["text"])
    await kb.advance(dt.timedelta(hours=4, minutes=1))
    [card] = cards(kb)
    assert "délai de l'équipe" in str(card["text"])
    nadia = await staff_member(kb, "Nadia", "mediator", "prevention-sante")
    await nadia.send("/file")
    assert re.search(r"⏰ R-", nadia.last_reply)


async def test_a_closed_request_is_not_posted_again(kb: Harness) -> None:
    await ask_anonymously(kb.person("Lina"), "Santé")
    nadia = await staff_member(kb, "Nadia", "mediator", "prevention-sante")
    [record] = await store.open_requests(kb.services.db, None)
    [card] = cards(kb)
    await nadia.press_data(f"s:claim.{record.id}", card)
    await nadia.press_data(f"s:close.{record.id}.contacted", card)
    await nadia.press_data(f"s:closenow.{record.id}", card)
    before = dict(kb.api.messages)
    await nadia.press_data(f"s:repost.{record.id}", card)
    assert any("plus en cours" in a for a in nadia.alerts)
    assert kb.api.messages == before
