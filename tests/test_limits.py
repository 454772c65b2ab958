"""Limits against floods and scripts, never against someone in distress: a few callback
requests open at once and a few a day, a cap on messages passed on to a mediator, a gentle
"slow down" for bursts, one message a second per chat. The pack sets the numbers."""

from __future__ import annotations

import asyncio
import datetime as dt
import re
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.storage import requests as store
from bot.storage.request_limits import Allowance, TooManyRequests
from bot.territory import ContentError, load_pack
from handlers.runtime.pacing import ChatPacer, PacedRateLimiter
from tests.harness import Harness, Person, harness_for, pack_copy
from tests.test_requests import STAFF_CHAT, ask_anonymously, cards, staff_member

SECONDS = re.compile(r"dans (\d+) secondes?")


@pytest.fixture
async def kb(tmp_path: Path) -> AsyncIterator[Harness]:
    async with harness_for("kremlin-bicetre", tmp_path, staff_chat_id=STAFF_CHAT) as h:
        yield h


async def _try_request(person: Person) -> bool:
    """/rappel and the quickest way through; whether it was sent."""
    await person.send("/rappel")
    if "maximum" in person.last_reply:
        return False
    await ask_remaining(person)
    return "C'est envoyé" in person.last_reply


async def ask_remaining(person: Person) -> None:
    await person.press("Santé")
    if "Vous êtes" in person.last_reply:
        await person.press("jeune")
    await person.press("Passer")
    await person.press("Ici, dans Telegram")
    await person.press("après-midi")
    if "quartier" in person.last_reply:
        await person.press("ne pas le dire")
    await person.press("Envoyer")


async def test_a_burst_of_100_requests_opens_only_the_allowed_number(kb: Harness) -> None:
    script = kb.person("Script")
    sent = 0
    for _ in range(100):
        sent += await _try_request(script)
        await kb.advance(dt.timedelta(seconds=5))  # under the pace of messages to the bot
    assert sent == 3
    assert len(await store.open_requests(kb.services.db, None)) == 3
    assert len(cards(kb)) == 3  # the staff group saw three cards, no more
    refusal = script.last_reply
    assert "déjà 3 demandes en cours" in refusal and "close ou annulée" in refusal
    assert "/mes_demandes" in refusal and "/urgence" in refusal


async def test_100_requests_at_the_same_instant_open_exactly_the_allowed_number(
    kb: Harness,
) -> None:
    db, now = kb.services.db, kb.clock.now()
    allowance = Allowance(3, 6, now)

    async def one() -> bool:
        try:
            await store.create_request(
                db, pseudonym="p-burst", chat_id=42, team="prevention-sante", theme="sante",
                profile=None, quartier=None, urgent=False, channel="telegram", phone=None,
                availability="any", description=None, source="menu", now=now,
                allowance=allowance,
            )  # fmt: skip
        except TooManyRequests:
            return False
        return True

    results = await asyncio.gather(*(one() for _ in range(100)))
    assert sum(results) == 3
    assert len(await store.open_requests(db, None)) == 3


async def test_a_day_allows_a_few_new_requests_even_when_cancelled(kb: Harness) -> None:
    sam = kb.person("Sam")
    for _ in range(6):
        assert await _try_request(sam)
        await sam.send("/mes_demandes")
        await sam.press("Annuler")
        if "Confirmer" in " ".join(sam.last_buttons) or "Oui" in " ".join(sam.last_buttons):
            await sam.press("Oui")
        await kb.advance(dt.timedelta(minutes=10))
    assert not await store.open_requests(kb.services.db, None)
    assert not await _try_request(sam)
    assert "6 demandes de rappel ces dernières 24 heures" in sam.last_reply
    assert re.search(r"à partir du \w+ \d+ \w+", sam.last_reply)
    await kb.advance(dt.timedelta(hours=23))
    assert await _try_request(sam)


async def test_an_urgent_request_from_a_crisis_card_always_goes_through(kb: Harness) -> None:
    sam = kb.person("Sam")
    for _ in range(3):
        assert await _try_request(sam)
    await sam.send("mon beau pere me frappe tous les soirs jai peur de rentrer")
    await sam.press("Être contacté·e vite")
    await sam.press("Ici, dans Telegram")
    assert "C'est envoyé" in sam.last_reply
    urgent = [r for r in await store.open_requests(kb.services.db, None) if r.urgent]
    assert len(urgent) == 1
    # One urgent request at a time: a second one is already the first.
    await sam.send("il recommence il me frappe")
    await sam.press("Être contacté·e vite")
    assert "demande urgente est déjà envoyée" in sam.last_reply


async def _claimed(kb: Harness) -> tuple[Person, Person]:
    nadia = await staff_member(kb, "Nadia", "mediator", "prevention-sante")
    lina = kb.person("Lina")
    await ask_anonymously(lina, "Santé")
    [record] = await store.open_requests(kb.services.db, None)
    await nadia.press_data(f"s:claim.{record.id}", cards(kb)[0])
    return nadia, lina


def _relayed(kb: Harness) -> list[str]:
    return [c.text for c in kb.calls("sendMessage")
            if c.chat_id == STAFF_CHAT and "la personne écrit" in c.text]  # fmt: skip


async def test_messages_to_a_mediator_are_capped_a_minute_but_never_a_crisis(
    kb: Harness,
) -> None:
    _, lina = await _claimed(kb)
    await kb.advance(dt.timedelta(minutes=2))
    words = ("slt", "c moi", "jsp cmt dire", "c pour le rdv", "au cmp", "mardi",
             "ou mercredi", "merci", "dsl", "encore un truc")  # fmt: skip
    for text in words:
        assert kb.services.knowledge.detect_crisis(text) is None
        await lina.send(text)
    assert len(_relayed(kb)) == 8
    held = lina.last_reply
    assert "pas transmis" in held and SECONDS.search(held)
    await lina.send("j'ai envie de mourir")  # over the cap, and a crisis: it goes
    assert len(_relayed(kb)) == 9 and "message préoccupant" in _relayed(kb)[-1]
    assert any("3114" in c.text for c in lina.replies[-3:])
    await kb.advance(dt.timedelta(minutes=1))
    await lina.send("c'est encore moi")
    assert len(_relayed(kb)) == 10


async def test_a_flood_of_messages_gets_one_gentle_word_then_silence(kb: Harness) -> None:
    sam = kb.person("Sam")
    for n in range(20):
        await sam.send(f"question {n} sur la mission locale")
    answered = len(sam.replies)
    await sam.send("encore une question")
    slow = sam.last_reply
    assert "Doucement" in slow and "/urgence" in slow
    seconds = int(SECONDS.search(slow).group(1))  # type: ignore[union-attr]
    assert 1 <= seconds <= 60
    await sam.send("et encore une")
    assert len(sam.replies) == answered + 1  # told once, not once a message
    # The numbers, the way out and a crisis are never held back.
    await sam.send("/urgence")
    assert "En danger" in sam.last_reply
    await sam.send("je vais me tuer ce soir")
    assert "3114" in sam.last_reply or any("3114" in c.text for c in sam.replies[-3:])
    await sam.send("/effacer")
    assert "Bonjour" in sam.last_reply
    await kb.advance(dt.timedelta(seconds=seconds))
    await sam.send("la mission locale c'est où ?")
    assert "Doucement" not in sam.last_reply


async def test_staff_filling_a_form_are_not_slowed(kb: Harness) -> None:
    claire = await staff_member(kb, "Claire", "coordinator", None)
    claire.chat = {"id": claire.id, "type": "private", "first_name": "Claire"}
    for _ in range(25):
        await claire.send("/aide")
    assert "Doucement" not in claire.last_reply


async def test_the_pack_sets_the_numbers_and_a_wrong_one_stops_the_start(
    tmp_path: Path,
) -> None:
    from bot.territory import find_pack

    shipped = (find_pack("kremlin-bicetre") / "territory.yaml").read_text(encoding="utf-8")
    folder = pack_copy(tmp_path / "ok", {"territory.yaml": shipped + (
        "\nlimits:\n  open_requests: 1\n  requests_per_day: 2\n"
        "  relayed_per_minute: 3\n  messages_per_minute: 10\n")})  # fmt: skip
    limits = load_pack(folder).territory.limits
    assert (limits.open_requests, limits.requests_per_day) == (1, 2)
    assert (limits.relayed_per_minute, limits.messages_per_minute) == (3, 10)
    broken = pack_copy(tmp_path / "ko", {"territory.yaml": shipped + (
        "\nlimits:\n  open_requests: 0\n")})  # fmt: skip
    with pytest.raises(ContentError) as error:
        load_pack(broken)
    assert "territory.yaml" in str(error.value) and "open_requests" in str(error.value)


async def test_sends_to_one_chat_keep_telegrams_pace() -> None:
    clock = [0.0]
    waits: list[float] = []

    async def sleep(seconds: float) -> None:
        waits.append(seconds)

    pacer = ChatPacer(now=lambda: clock[0], sleep=sleep)
    delays = [await pacer.wait(7) for _ in range(6)]
    assert delays == [0.0, 0.0, 0.0, 1.0, 2.0, 3.0]  # a burst of 3, then one a second
    assert await pacer.wait(8) == 0.0  # another person is not held by the first
    clock[0] = 10.0
    assert await pacer.wait(7) == 0.0  # rested: a burst again


def test_the_bot_in_production_paces_each_chat(tmp_path: Path) -> None:
    from bot.services import Services
    from bot.territory import find_pack
    from handlers.runtime.app import build_application
    from handlers.runtime.offline import OfflineBotAPI
    from tests.harness import settings_for

    pack = load_pack(find_pack("kremlin-bicetre"))
    services = Services(settings_for(tmp_path / "db.sqlite3", "kremlin-bicetre"), pack)
    app = build_application(services, request=OfflineBotAPI(), rate_limited=True)
    assert isinstance(app.bot.rate_limiter, PacedRateLimiter)
    assert isinstance(app.bot.rate_limiter.pacer, ChatPacer)


async def test_odd_messages_over_the_limit_are_held_without_an_error(kb: Harness) -> None:
    sam = kb.person("Sam")
    for n in range(20):
        await sam.send(f"question {n} sur la mission locale")
    for odd in ("/", "/@", "/ ", f"/urgence@{kb.app.bot.username}"):
        calls = await sam.send(odd)
        assert not [c for c in calls if "Oups" in c.text], odd
    assert "En danger" in sam.last_reply  # /urgence addressed to the bot by name
