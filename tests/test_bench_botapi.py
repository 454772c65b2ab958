"""The benches' local Bot API refuses what Telegram would: too fast overall, or in one chat.

Its clock is injected, so the test steps time instead of sleeping; the HTTP is real, on
127.0.0.1, and the bot side is python-telegram-bot's own ``Bot`` (form-encoded posts).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest
from telegram import Bot
from telegram.error import Forbidden, RetryAfter

from bench.botapi import BotAPI, text_hash

TOKEN = "123456789:" + "A" * 35


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
async def api(clock: Clock, tmp_path: Path) -> AsyncIterator[BotAPI]:
    server = BotAPI(rate=5, token=TOKEN, blocked={666}, clock=clock,
                    record_path=tmp_path / "sent.jsonl")  # fmt: skip
    await server.start()
    try:
        yield server
    finally:
        await server.close()


@pytest.fixture
async def bot(api: BotAPI, monkeypatch: pytest.MonkeyPatch) -> AsyncIterator[Bot]:
    # PTB 22 warns on every RetryAfter built unless retry_after is already a timedelta.
    monkeypatch.setenv("PTB_TIMEDELTA", "1")
    async with Bot(TOKEN, base_url=api.url) as client:
        yield client


async def test_the_bot_starts_against_it_and_its_messages_are_recorded(
    api: BotAPI, bot: Bot
) -> None:
    assert bot.username == "passerelle_bench_bot"
    assert await bot.delete_webhook() is True
    assert await bot.get_updates(timeout=0) == ()
    api.tag = "first"
    message = await bot.send_message(42, "Bonjour <b>à tous</b>", parse_mode="HTML")
    assert message.chat.id == 42 and message.text == "Bonjour <b>à tous</b>"
    [sent] = api.sent
    assert (sent.method, sent.chat_id, sent.tag) == ("sendMessage", 42, "first")
    assert sent.text_hash == text_hash("Bonjour <b>à tous</b>")
    assert api.load_records() == [sent]


async def test_over_the_overall_rate_it_answers_429_with_retry_after(
    api: BotAPI, bot: Bot, clock: Clock
) -> None:
    for chat in range(1, 6):  # the burst: 5 at once, each in its own chat
        await bot.send_message(chat, "annonce")
    with pytest.raises(RetryAfter) as refused:
        await bot.send_message(6, "annonce")
    assert refused.value.retry_after == dt.timedelta(seconds=1)
    assert api.refused == 1 and len(api.sent) == 5

    clock.now += 0.2  # one token back at 5/s
    await bot.send_message(6, "annonce")
    with pytest.raises(RetryAfter):
        await bot.send_message(7, "annonce")

    # What Telegram's answer looks like on the wire.
    async with httpx.AsyncClient() as client:
        answer = await client.post(f"{api.url}{TOKEN}/sendMessage",
                                   json={"chat_id": 8, "text": "x"})  # fmt: skip
    assert answer.status_code == 429
    assert answer.json() == {
        "ok": False,
        "error_code": 429,
        "description": "Too Many Requests: retry after 1",
        "parameters": {"retry_after": 1},
    }


async def test_one_chat_gets_one_message_a_second(api: BotAPI, bot: Bot, clock: Clock) -> None:
    await bot.send_message(42, "un")
    with pytest.raises(RetryAfter):
        await bot.send_message(42, "deux")
    await bot.send_message(43, "ailleurs")  # other chats are not held up
    clock.now += 0.5
    with pytest.raises(RetryAfter):
        await bot.edit_message_text("un, modifié", chat_id=42, message_id=1)
    clock.now += 0.5
    await bot.send_message(42, "deux")
    assert [s.chat_id for s in api.sent] == [42, 43, 42]


async def test_a_blocked_chat_answers_403_and_nothing_is_recorded(api: BotAPI, bot: Bot) -> None:
    with pytest.raises(Forbidden, match="blocked by the user"):
        await bot.send_message(666, "annonce")
    assert api.forbidden == 1 and api.sent == []


async def test_a_wrong_token_is_unauthorised(api: BotAPI) -> None:
    async with httpx.AsyncClient() as client:
        answer = await client.post(f"{api.url}1:nope/getMe")
    assert answer.status_code == 401


async def test_a_hold_refuses_everything_for_a_while(api: BotAPI, bot: Bot, clock: Clock) -> None:
    api.hold(1.0)  # Telegram's flood control, for a second
    with pytest.raises(RetryAfter) as refused:
        await bot.send_message(1, "annonce")
    assert refused.value.retry_after == dt.timedelta(seconds=2)  # 1.2 s, in whole seconds
    clock.now += 1.2
    await bot.send_message(1, "annonce")
