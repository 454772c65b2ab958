"""Answers, as a person lives them: browsing, free text, crisis first, a human at hand."""

from __future__ import annotations

import re

import pytest

from bot.territory import content_root, load_pack
from tests.harness import Harness

PACKS = ("dumbea", "kremlin-bicetre")


@pytest.mark.parametrize("name", PACKS)
def test_each_pack_has_forty_entries_with_english_and_a_crisis_lexicon(name: str) -> None:
    pack = load_pack(content_root() / name)
    assert len(pack.answers) >= 40
    for _, entry in pack.answers:
        assert entry.answer.en, entry.id
        assert entry.questions.en, entry.id
    assert pack.crisis is not None
    ids = {c.id for c in pack.crisis.categories}
    assert ids >= {"suicide", "self-harm", "violence-home", "sexual-violence", "danger",
                   "homeless-tonight", "overdose", "child-alone", "forced-marriage"}  # fmt: skip


async def test_browse_theme_topic_answer_back_and_menu_in_one_message(bot: Harness) -> None:
    pack = bot.services.pack
    theme = next(t for t in pack.themes.themes if pack.answers_in(t.id))
    entry = pack.answers_in(theme.id)[0]
    sam = bot.person()
    await sam.send("/start")
    sent = len(bot.calls("sendMessage"))
    await sam.press("Poser une question")
    assert "choisissez un thème" in sam.last_reply or "choisis un thème" in sam.last_reply
    await sam.press(theme.name.fr)
    assert entry.title.fr in sam.last_buttons
    await sam.press(entry.title.fr)
    assert entry.title.fr in sam.last_reply
    assert "Parler à un·e médiateur·rice" in " ".join(sam.last_buttons)
    await sam.press("Retour")
    assert entry.title.fr in sam.last_buttons
    await sam.press("Menu principal")
    assert re.search(r"faire pour (?:vous|toi) \?", sam.last_reply)
    assert len(bot.calls("sendMessage")) == sent  # every step edited the same message


async def test_answer_shows_its_partners(bot: Harness) -> None:
    pack = bot.services.pack
    entry = next(a for _, a in pack.answers if a.partners)
    partner = pack.partner(entry.partners[0])
    assert partner is not None
    sam = bot.person()
    await sam.send("/themes")
    theme = pack.theme(pack.theme_of(entry.id) or "")
    assert theme is not None
    await sam.press(theme.name.fr)
    await sam.press(entry.title.fr)
    assert partner.name.fr in sam.last_reply
    if partner.phone:
        assert partner.phone in sam.last_reply


async def test_free_text_question_gets_the_entry(bot: Harness) -> None:
    pack = bot.services.pack
    entry = pack.answers[0][1]
    sam = bot.person()
    await sam.send(entry.questions.fr[0])
    assert entry.title.fr in sam.last_reply or entry.title.fr in sam.last_buttons


async def test_out_of_scope_question_is_told_plainly(bot: Harness) -> None:
    sam = bot.person()
    await sam.send("quelle heure est-il à Tokyo")
    assert "pas de réponse" in sam.last_reply
    assert any("médiateur" in b for b in sam.last_buttons)


async def test_english_question_matches_english_text(bot: Harness) -> None:
    pack = bot.services.pack
    entry = pack.answers[0][1]
    jo = bot.person("Jo", language="en")
    await jo.send(entry.questions.en[0])
    assert (entry.title.en or "") in jo.last_reply or (entry.title.en or "") in jo.last_buttons


async def test_crisis_message_gets_numbers_first_and_a_human(bot: Harness) -> None:
    pack = bot.services.pack
    sam = bot.person()
    calls = await sam.send("jveu plus vivre jai envie de mourir")
    messages = [c for c in calls if c.method == "sendMessage"]
    first = messages[0].text
    category = pack.crisis_category("suicide")
    assert category is not None
    emergency = pack.number(category.emergency)
    assert emergency is not None
    assert re.search(rf"[Aa]ppel(?:ez|le) le {emergency.number}", first)
    assert any("contacté·e vite" in b["text"] for row in messages[0].buttons for b in row)
    await sam.press("contacté·e vite")
    assert re.search(
        r"Comment (?:voulez-vous|veux-tu)", sam.last_reply
    )  # no other question: how to answer


@pytest.mark.parametrize("text", ["mdr ce prof me tue", "je meurs de faim lol"])
async def test_figurative_language_gets_no_crisis_screen(bot: Harness, text: str) -> None:
    sam = bot.person()
    await sam.send(text)
    assert not re.search(r"[Aa]ppel(?:ez|le) le", sam.last_reply)


async def test_crisis_numbers_stay_on_screen_after_im_fine(bot: Harness) -> None:
    sam = bot.person()
    await sam.send("je veux me suicider")
    crisis_message = sam.replies[0]
    await sam.send("non c bon ça va")
    edits = [c for c in bot.calls("editMessageText") if c.params.get("message_id") ==
             crisis_message.result["message_id"]]  # fmt: skip
    assert edits == []


async def test_where_to_go_lists_partners_by_theme(bot: Harness) -> None:
    pack = bot.services.pack
    partner = next(p for p in pack.partners.partners if p.themes)
    theme = pack.theme(partner.themes[0])
    assert theme is not None
    sam = bot.person()
    await sam.send("/oualler")
    await sam.press(theme.name.fr)
    assert partner.name.fr in sam.last_reply


@pytest.mark.parametrize("data", ["a:does-not-exist", "t:nowhere", "w:nowhere", "h:ghost",
                                  "a:", "t:../x"])  # fmt: skip
async def test_forged_answer_buttons_change_nothing(bot: Harness, data: str) -> None:
    sam = bot.person()
    await sam.send("/themes")
    before = len(bot.api.calls)
    await sam.press_data(data)
    assert [c.method for c in bot.api.calls[before:]] == ["answerCallbackQuery"]
    assert "plus valable" in sam.alerts[-1]


async def test_partner_with_coordinates_is_sent_as_a_venue(bot: Harness) -> None:
    import dataclasses

    pack = bot.services.pack
    entry = next(a for _, a in pack.answers if a.partners)
    partner = pack.partner(entry.partners[0])
    assert partner is not None
    placed = partner.model_copy(
        update={"latitude": -22.2, "longitude": 166.45, "address": "1 rue Exemple"}
    )
    partners = pack.partners.model_copy(
        update={"partners": tuple(placed if p.id == partner.id else p
                                  for p in pack.partners.partners)}
    )  # fmt: skip
    bot.services.pack = dataclasses.replace(pack, partners=partners)
    sam = bot.person()
    await sam.send("/themes")
    theme = pack.theme(pack.theme_of(entry.id) or "")
    assert theme is not None
    await sam.press(theme.name.fr)
    await sam.press(entry.title.fr)
    venues = bot.calls("sendVenue")
    assert len(venues) == 1
    assert venues[0].params["latitude"] == -22.2
    assert venues[0].params["title"] == partner.name.fr
