"""The offline Bot API refuses what real Telegram refuses, with Telegram's words."""

from __future__ import annotations

import pytest
from telegram import Bot, InlineKeyboardButton, InlineKeyboardMarkup
from telegram.error import BadRequest

from handlers.runtime.offline import OfflineBotAPI, refusal


@pytest.mark.parametrize(
    ("text", "error"),
    [
        ("Écrivez /permanence_annuler <identifiant> <JJ/MM>",
         "can't parse entities: Unsupported start tag \"identifiant\" at byte offset 29"),
        ("Écrivez /topic <équipe> ici",  # a tag for Telegram, text for Python's parser
         "can't parse entities: Unsupported start tag \"équipe\" at byte offset 16"),
        ("3 < 5", "can't parse entities: Unsupported start tag \"\" at byte offset 2"),
        ("<b>gras", "can't parse entities: Can't find end tag corresponding to start tag \"b\""),
        ("<b>gras</i>",
         "can't parse entities: Can't find end tag corresponding to start tag \"i\""),
        ("", "message text is empty"),
        ("<b></b>", "message text is empty"),
        ("x" * 4097, "message is too long"),
    ],
)  # fmt: skip
def test_html_and_length_are_checked_as_telegram_does(text: str, error: str) -> None:
    assert refusal("sendMessage", {"text": text, "parse_mode": "HTML"}) == f"Bad Request: {error}"


@pytest.mark.parametrize(
    "text", ["<b>gras</b> &lt;id&gt; &amp; <i>x</i>", "x" * 4096, "<a href='https://x.fr'>x</a>"]
)
def test_what_telegram_takes_is_taken(text: str) -> None:
    assert refusal("sendMessage", {"text": text, "parse_mode": "HTML"}) is None


def test_a_caption_over_1024_characters_is_refused() -> None:
    params = {"caption": "é" * 1025, "parse_mode": "HTML"}
    assert refusal("sendDocument", params) == "Bad Request: message caption is too long"
    assert refusal("sendDocument", {"caption": "é" * 1024}) is None


def test_buttons_are_checked_as_telegram_does() -> None:
    long_data = {"inline_keyboard": [[{"text": "x", "callback_data": "a" * 65}]]}
    assert refusal("sendMessage", {"text": "x", "reply_markup": long_data}) == (
        "Bad Request: BUTTON_DATA_INVALID"
    )
    many = {"inline_keyboard": [[{"text": "x", "callback_data": "a"}] for _ in range(101)]}
    assert refusal("sendMessage", {"text": "x", "reply_markup": many}) == (
        "Bad Request: reply markup is too long"
    )


async def test_an_edit_that_changes_nothing_is_refused() -> None:
    api = OfflineBotAPI()
    bot = Bot("1:offline", request=api, get_updates_request=OfflineBotAPI())
    async with bot:
        keyboard = InlineKeyboardMarkup([[InlineKeyboardButton("ok", callback_data="m:main")]])
        sent = await bot.send_message(
            42, "<b>Bonjour</b>", parse_mode="HTML", reply_markup=keyboard
        )
        with pytest.raises(BadRequest, match=r"(?i)message is not modified"):
            await bot.edit_message_text(
                "<b>Bonjour</b>", 42, sent.message_id, parse_mode="HTML", reply_markup=keyboard
            )
        await bot.edit_message_text("<b>Bonsoir</b>", 42, sent.message_id, parse_mode="HTML")
        with pytest.raises(BadRequest, match=r"(?i)unsupported start tag"):
            await bot.send_message(42, "<numéro>", parse_mode="HTML")
    assert [method for method, _ in api.refused] == ["editMessageText", "sendMessage"]


async def test_a_message_is_deleted_within_48_hours_and_once() -> None:
    moment = [1_800_000_000.0]
    api = OfflineBotAPI(now=lambda: moment[0])
    bot = Bot("1:offline", request=api, get_updates_request=OfflineBotAPI())
    async with bot:
        fresh = await bot.send_message(42, "frais")
        old = await bot.send_message(42, "ancien")
        moment[0] += 47 * 3600
        assert await bot.delete_message(42, fresh.message_id)
        with pytest.raises(BadRequest, match=r"(?i)message to delete not found"):
            await bot.delete_message(42, fresh.message_id)
        moment[0] += 2 * 3600
        with pytest.raises(BadRequest, match=r"(?i)can't be deleted"):
            await bot.delete_message(42, old.message_id)


async def test_messages_are_deleted_in_batches_skipping_those_telegram_cannot() -> None:
    moment = [1_800_000_000.0]
    api = OfflineBotAPI(now=lambda: moment[0])
    bot = Bot("1:offline", request=api, get_updates_request=OfflineBotAPI())
    async with bot:
        old = await bot.send_message(-100, "ancien")
        moment[0] += 49 * 3600
        fresh = await bot.send_message(-100, "frais")
        assert await bot.delete_messages(-100, [old.message_id, fresh.message_id, 999])
        assert (-100, fresh.message_id) not in api.messages
        assert (-100, old.message_id) in api.messages  # too old: skipped
        with pytest.raises(BadRequest, match=r"(?i)message to delete not found"):
            await bot.delete_messages(-100, [old.message_id])
        with pytest.raises(BadRequest, match=r"(?i)1-100"):
            await bot.delete_messages(-100, list(range(1, 102)))


async def test_a_callback_answer_over_200_characters_is_refused_and_not_spent() -> None:
    api = OfflineBotAPI()
    bot = Bot("1:offline", request=api, get_updates_request=OfflineBotAPI())
    async with bot:
        with pytest.raises(BadRequest, match=r"(?i)message_too_long"):
            await bot.answer_callback_query("q1", text="x" * 201)
        assert await bot.answer_callback_query("q1", text="x" * 200)
