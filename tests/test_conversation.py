"""The first conversation, as a person lives it."""

from __future__ import annotations

import re

import pytest

from tests.harness import Harness

MENU = ("Poser une question", "Permanences", "Événements", "rappelé", "urgence", "Langue")


async def test_start_welcomes_by_the_service_name_with_privacy_notice_and_menu(
    bot: Harness,
) -> None:
    sam = bot.person()
    await sam.send("/start")
    service = bot.services.pack.territory.service.fr
    assert service in sam.last_reply
    assert "anonyme" in sam.last_reply
    assert "/confidentialite" in sam.last_reply and "/oublier" in sam.last_reply
    for entry in MENU:
        assert any(entry.lower() in b.lower() for b in sam.last_buttons), entry


async def test_start_in_dumbea_names_dumbea(dumbea: Harness) -> None:
    sam = dumbea.person()
    await sam.send("/start")
    assert "Dumbéa" in sam.last_reply


async def test_menu_and_help_commands(bot: Harness) -> None:
    sam = bot.person()
    await sam.send("/menu")
    assert re.search(r"faire pour (?:vous|toi) \?", sam.last_reply)
    await sam.send("/help")
    assert "/urgence" in sam.last_reply and "/oublier" in sam.last_reply
    await sam.send("/aide")
    assert "Comment ça marche" in sam.last_reply


async def test_urgence_lists_emergency_numbers_first_then_listening(bot: Harness) -> None:
    sam = bot.person()
    await sam.send("/urgence")
    text = sam.last_reply
    pack = bot.services.pack
    for number in pack.numbers.numbers:
        assert number.number in text
    last_emergency = max(text.index(n.number) for n in pack.emergency_numbers())
    first_listening = min(text.index(n.number) for n in pack.listening_numbers())
    assert last_emergency < first_listening


async def test_dumbea_lists_no_metropolitan_helpline(dumbea: Harness) -> None:
    sam = dumbea.person()
    await sam.send("/urgence")
    for national in ("3114", "119", "3919", "3018", "112", "0 800"):
        assert national not in sam.last_reply


async def test_emergency_button_edits_the_menu_in_place(bot: Harness) -> None:
    sam = bot.person()
    await sam.send("/start")
    sent_before = len(bot.calls("sendMessage"))
    calls = await sam.press("urgence")
    assert [c.method for c in calls if c.method != "answerCallbackQuery"] == ["editMessageText"]
    assert len(bot.calls("sendMessage")) == sent_before
    assert "15" in sam.last_reply
    await sam.press("Menu principal")
    assert re.search(r"faire pour (?:vous|toi) \?", sam.last_reply)


async def test_every_button_press_is_answered(bot: Harness) -> None:
    sam = bot.person()
    await sam.send("/start")
    calls = await sam.press("urgence")
    assert calls[0].method == "answerCallbackQuery"


@pytest.mark.parametrize(
    ("kind", "words"),
    [
        ("sticker", "sticker"),
        ("photo", "photos"),
        ("voice", "vocaux"),
        ("document", "fichiers"),
        ("video", "vidéos"),
        ("location", "localisation"),
    ],
)
async def test_non_text_messages_get_a_kind_explanation(
    bot: Harness, kind: str, words: str
) -> None:
    sam = bot.person()
    await sam.send_media(kind)
    assert words in sam.last_reply
    assert re.search(r"Écri(?:vez|s)-moi", sam.last_reply)


async def test_edited_message_is_explained_not_rerun(bot: Harness) -> None:
    sam = bot.person()
    calls = await sam.edit("/oublier")
    assert len([c for c in calls if c.method == "sendMessage"]) == 1
    assert "modifié" in sam.last_reply


async def test_unknown_command_gets_the_menu(bot: Harness) -> None:
    sam = bot.person()
    await sam.send("/nimportequoi")
    assert "Je ne connais pas cette commande" in sam.last_reply
    assert sam.last_buttons


async def test_long_free_text_is_answered_without_error(bot: Harness) -> None:
    sam = bot.person()
    await sam.send("é" * 4000)
    assert "pas de réponse" in sam.last_reply
    await sam.send("logement " * 800)
    assert sam.last_reply


@pytest.mark.parametrize(
    "data", ["m:admin", "x:1", "l:de", "f:maybe", "", "m:" + "a" * 70, "m:../../etc", "💥"]
)
async def test_forged_buttons_get_a_kind_word_and_change_nothing(bot: Harness, data: str) -> None:
    sam = bot.person()
    await sam.send("/start")
    before = [c.method for c in bot.api.calls]
    await sam.press_data(data)
    new = [c.method for c in bot.api.calls][len(before) :]
    assert new == ["answerCallbackQuery"]
    assert "plus valable" in sam.alerts[-1]
    assert await bot.services.db.value("SELECT COUNT(*) FROM person") == 0


async def test_group_commands_invite_to_a_private_chat(bot: Harness) -> None:
    group = {"id": -100777, "type": "supergroup", "title": "Résidence"}
    sam = bot.person()
    await bot.deliver(bot.factory.text(sam.user, "/start", chat=group))
    group_messages = [c for c in bot.calls("sendMessage") if c.chat_id == -100777]
    assert "message privé" in group_messages[-1].text


async def test_an_error_is_told_kindly_and_the_bot_keeps_running(
    bot: Harness, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    from bot.home import menu

    def broken(*args: object, **kwargs: object) -> None:
        raise RuntimeError("secret text typed by the person")

    sam = bot.person()
    monkeypatch.setattr(menu, "help_text", broken)
    await sam.send("/help")
    assert "Oups" in sam.last_reply
    assert "secret text" not in caplog.text
    assert "RuntimeError" in caplog.text
    monkeypatch.undo()
    await sam.send("/help")
    assert "Comment ça marche" in sam.last_reply


async def test_command_menu_is_published_per_language_for_private_chats(bot: Harness) -> None:
    calls = bot.calls("setMyCommands")
    by_language = {c.params.get("language_code"): c for c in calls}
    assert set(by_language) == {None, "fr", "en"}
    fr = [c["command"] for c in by_language["fr"].params["commands"]]
    en = [c["command"] for c in by_language["en"].params["commands"]]
    assert "urgence" in fr and "oublier" in fr
    assert "emergency" in en and "forget" in en
    assert by_language["fr"].params["scope"]["type"] == "all_private_chats"


async def test_quartier_is_chosen_remembered_and_can_be_withdrawn(bot: Harness) -> None:
    pack = bot.services.pack
    first = pack.places.quartiers[0]
    sam = bot.person()
    await sam.send("/quartier")
    assert "Je préfère ne pas le dire" in sam.last_buttons
    await sam.press(first.name)
    assert first.name in sam.last_reply
    assert await bot.services.db.value("SELECT quartier FROM person") == first.id
    await sam.send("/quartier")
    assert f"✅ {first.name}" in sam.last_buttons
    await sam.press("ne pas le dire")
    assert await bot.services.db.value("SELECT quartier FROM person") is None


@pytest.mark.parametrize("data", ["q:atlantis", "q:", "q:DROP TABLE", "q:--"])
async def test_unknown_quartier_button_changes_nothing(bot: Harness, data: str) -> None:
    sam = bot.person()
    await sam.press_data(data)
    assert "plus valable" in sam.alerts[-1]
    assert await bot.services.db.value("SELECT COUNT(*) FROM person") == 0
