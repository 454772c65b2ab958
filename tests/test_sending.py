"""Writing to someone else than the person acting: one way out, one rule for failures.

Notices, reminders, relayed messages, cards and broadcasts all leave through
``render.send`` (or its reading of Telegram's answers, ``render.transmit``): a person
who blocked the bot is noted once and for all; a chat that is gone leaves the request
unreachable; a message that never reached Telegram is sent again later; one that may
have arrived is never sent twice.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from bot.storage import people as people_store
from bot.storage import requests as store
from tests.harness import Harness, Person, answer_sign_up, harness_for
from tests.test_broadcasts import _announce, _event, _subscribers
from tests.test_events import _workshop
from tests.test_requests import STAFF_CHAT, ask_anonymously, cards, staff_member

HANDLERS = Path(__file__).resolve().parent.parent / "handlers"


@pytest.fixture
async def kb(tmp_path: Path) -> AsyncIterator[Harness]:
    async with harness_for("kremlin-bicetre", tmp_path, staff_chat_id=STAFF_CHAT) as h:
        yield h


def _told(h: Harness, chat_id: int, words: str) -> list[str]:
    return [c.text for c in h.calls("sendMessage") if c.chat_id == chat_id and words in c.text]


@dataclass
class Claimed:
    nadia: Person
    youth: Person
    request_id: int
    card: dict[str, Any]


async def _claimed(kb: Harness, *, fault: str | None = None, gone: bool = False) -> Claimed:
    """A request asked by Lina and claimed by Nadia; ``fault`` befalls the claim notice,
    and ``gone`` means Lina's account is deleted before the claim."""
    nadia = await staff_member(kb, "Nadia", "mediator", "prevention-sante")
    youth = kb.person("Lina")
    await ask_anonymously(youth, "Santé")
    [record] = await store.open_requests(kb.services.db, None)
    [card] = cards(kb)
    if fault is not None:
        kb.api.faults.append(fault)
    if gone:
        kb.api.gone.add(youth.chat["id"])
    await nadia.press_data(f"s:claim.{record.id}", card)
    return Claimed(nadia, youth, record.id, card)


async def _claimed_request(kb: Harness, *, fault: str | None = None) -> tuple[int, int]:
    claimed = await _claimed(kb, fault=fault)
    return claimed.request_id, claimed.youth.chat["id"]


async def test_a_notice_that_never_reached_telegram_is_sent_again_later(kb: Harness) -> None:
    request_id, chat_id = await _claimed_request(kb, fault="network")
    assert _told(kb, chat_id, "est prise en charge par l'équipe") == []
    await kb.advance(dt.timedelta(seconds=15))
    assert len(_told(kb, chat_id, "est prise en charge par l'équipe")) == 1
    await kb.advance(dt.timedelta(minutes=5))
    assert len(_told(kb, chat_id, "est prise en charge par l'équipe")) == 1  # once, not again
    record = await store.get_request(kb.services.db, request_id)
    assert record is not None and record.state == "claimed" and not record.unreachable


async def test_a_notice_that_may_have_arrived_is_never_sent_twice(kb: Harness) -> None:
    request_id, chat_id = await _claimed_request(kb, fault="timeout")
    await kb.advance(dt.timedelta(minutes=5))
    assert len(_told(kb, chat_id, "est prise en charge par l'équipe")) == 1
    record = await store.get_request(kb.services.db, request_id)
    assert record is not None and not record.unreachable


async def test_a_notice_given_up_after_three_attempts(kb: Harness) -> None:
    _, chat_id = await _claimed_request(kb, fault="network")
    kb.api.faults += ["network", "network"]
    await kb.advance(dt.timedelta(minutes=10))
    assert _told(kb, chat_id, "est prise en charge par l'équipe") == []
    assert kb.api.faults == []  # tried three times in all, then left


async def test_a_person_whose_account_is_gone_leaves_the_request_unreachable(
    kb: Harness,
) -> None:
    claimed = await _claimed(kb, gone=True)
    youth = claimed.youth
    marked = await store.get_request(kb.services.db, claimed.request_id)
    assert marked is not None and marked.unreachable
    await claimed.nadia.send("Vous êtes là ?", reply_to=claimed.card)
    assert "plus joignable" in claimed.nadia.last_reply
    # Gone is not blocked: if the account comes back, the bot may write again.
    pseudonym = kb.services.pseudonymise(youth.id)
    assert await people_store.reach(kb.services.db, pseudonym) is not None


async def test_a_mediators_message_that_never_left_is_sent_later_and_she_is_told(
    kb: Harness,
) -> None:
    claimed = await _claimed(kb)
    nadia, youth = claimed.nadia, claimed.youth
    kb.api.faults.append("network")
    await nadia.send("Bonjour, je vous appelle demain ?", reply_to=claimed.card)
    assert "renvoyé dans un instant" in nadia.last_reply
    assert _told(kb, youth.chat["id"], "je vous appelle demain") == []
    await kb.advance(dt.timedelta(seconds=15))
    assert len(_told(kb, youth.chat["id"], "je vous appelle demain")) == 1


async def test_a_relayed_message_sent_again_later_can_still_be_answered(kb: Harness) -> None:
    """The person's message reaches the staff group only at the second attempt; a
    mediator's reply to it still reaches the person."""
    claimed = await _claimed(kb)
    nadia, youth = claimed.nadia, claimed.youth
    kb.api.faults.append("network")
    await youth.send("je peux passer jeudi")
    assert re.search(r"Transmis à la personne qui suit (?:votre|ta) demande", youth.last_reply)
    await kb.advance(dt.timedelta(seconds=15))
    [relayed] = [
        m
        for (chat, _), m in kb.api.messages.items()
        if chat == STAFF_CHAT and "je peux passer jeudi" in str(m.get("text"))
    ]
    await nadia.send("Parfait, à jeudi", reply_to=relayed)
    assert len(_told(kb, youth.chat["id"], "Parfait, à jeudi")) == 1


async def test_a_promoted_person_who_blocked_the_bot_is_noted_as_such(kb: Harness) -> None:
    await _workshop(kb, capacity=1)
    first, second = kb.person("Ana"), kb.person("Ben")
    for who in (first, second):
        await who.send("/evenements")
        await who.press("Atelier santé")
        await who.press("Je m'inscris")
        await answer_sign_up(who)
    kb.api.blocked.add(second.chat["id"])
    await first.send("/mes_inscriptions")
    await first.press("Me désinscrire")
    await first.press("Oui, libérer ma place")
    assert "place est libérée" in first.last_reply
    pseudonym = kb.services.pseudonymise(second.id)
    assert await people_store.reach(kb.services.db, pseudonym) is None  # not written to again
    await second.send("/start")  # writing again means the bot is unblocked
    assert await people_store.reach(kb.services.db, pseudonym) is not None


async def test_a_broadcast_delivery_that_never_left_goes_in_a_later_pass(kb: Harness) -> None:
    chats = await _subscribers(kb, 5)
    kb.api.faults.append("network")
    broadcast_id = await _announce(kb, await _event(kb))
    progress = await kb.services.broadcasts.progress(broadcast_id)
    assert (progress.sent, progress.remaining, progress.done) == (5, 0, True)
    assert [len(_told(kb, chat, "Nouveau")) for chat in chats] == [1] * 5


async def test_a_broadcast_delivery_that_may_have_arrived_is_not_resent(kb: Harness) -> None:
    chats = await _subscribers(kb, 5)
    kb.api.faults.append("timeout")
    broadcast_id = await _announce(kb, await _event(kb))
    progress = await kb.services.broadcasts.progress(broadcast_id)
    assert (progress.sent, progress.uncertain, progress.done) == (4, 1, True)
    assert [len(_told(kb, chat, "Nouveau")) for chat in chats] == [1] * 5


def test_only_the_send_path_sends_to_someone_else_or_reads_telegrams_refusals() -> None:
    """Handlers answer the person acting with ``render.reply``; everything else leaves
    through ``render.send``. No other module sends a message or reads a refusal (but the
    error handler, the last resort for what escapes a handler, and the doctor, which
    probes Telegram without sending)."""
    senders = re.compile(r"\.(send_message|send_photo|send_document|copy_message)\(")
    refusals = re.compile(r"except\b[^\n]*\b(Forbidden|BadRequest|RetryAfter|NetworkError)\b")
    offenders = []
    for path in sorted(HANDLERS.rglob("*.py")):
        if path.name in ("render.py", "offline.py", "errors.py", "doctor.py"):
            continue
        text = path.read_text(encoding="utf-8")
        if senders.search(text) or refusals.search(text):
            offenders.append(str(path.relative_to(HANDLERS)))
    assert offenders == []
