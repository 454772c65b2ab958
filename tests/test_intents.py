"""The bot's own functions, asked for in the person's own words."""

from __future__ import annotations

from pathlib import Path

import pytest

from handlers.runtime.context import SERVICES_KEY
from tests.harness import Harness


async def test_greeting_thanks_and_goodbye_get_the_menu_or_a_kind_word(bot: Harness) -> None:
    sam = bot.person("Sam")
    await sam.send("slt")
    assert "faire pour" in sam.last_reply
    await sam.send("merci bcp")
    assert "Avec plaisir" in sam.last_reply
    await sam.send("bye a+")
    assert "À bientôt" in sam.last_reply


@pytest.mark.parametrize(
    ("text", "shows"),
    [
        ("je voudrais parler a quelqu'un de votre equipe", "Sujet"),
        ("c quand la prochaine braderie", "événement"),
        ("supprime toutes mes données stp", "Oui, tout effacer"),
        ("t'es un robot ou une vraie personne ?", "Ce que je garde"),
        ("ma demande elle en est ou", "demande"),
        ("can u speak english", "English"),
    ],
)
async def test_a_function_asked_in_free_text_leads_to_it(
    bot: Harness, text: str, shows: str
) -> None:
    sam = bot.person("Sam")
    await sam.send(text)
    shown = sam.last_reply + " ".join(sam.last_buttons)
    assert shows.lower() in shown.lower(), shown
    assert "Je n'ai pas de réponse à cette question" not in shown


async def test_rudeness_gets_a_short_kind_boundary(bot: Harness) -> None:
    sam = bot.person("Sam")
    await sam.send("t nul ferme la")
    assert "respect" in sam.last_reply
    assert "🙋 Parler à un·e médiateur·rice" in sam.last_buttons


async def test_a_crisis_comes_before_any_intent(bot: Harness) -> None:
    sam = bot.person("Sam")
    await sam.send("bonjour, je veux mourir")
    assert "Que puis-je faire" not in sam.last_reply
    assert any(word in sam.last_reply for word in ("urgence", "écoute", "seul"))


async def test_a_greeting_with_a_question_is_a_question(kb: Harness) -> None:
    sam = kb.person("Sam")
    await sam.send("bonjour, comment avoir une mutuelle ?")
    assert "Que puis-je faire" not in sam.last_reply


async def test_events_asked_by_kind_and_sign_up_for_the_event_meant(kb: Harness) -> None:
    from bot.territory import BRADERIE, TOURNAMENT
    from tests.test_signup import make_event

    await make_event(kb, BRADERIE, "Braderie de Noël")
    await make_event(kb, TOURNAMENT, "Tournoi de foot des jeunes", days=4)
    sam = kb.person("Sam")
    await sam.send("c quand la prochaine braderie ?")
    assert any("Braderie de Noël" in b for b in sam.last_buttons)
    assert not any("Tournoi" in b for b in sam.last_buttons)
    await sam.send("comment je m'inscris au tournoi de foot")
    assert "Tournoi de foot des jeunes" in sam.last_reply  # its page, with the button
    assert "✅ Je m'inscris" in sam.last_buttons
    await sam.send("y a quoi comme activités ce mois ci ?")
    assert {"Braderie", "Tournoi"} <= {w for b in sam.last_buttons for w in b.split()}


def test_a_pack_adds_its_own_ways_of_asking_and_bad_lines_are_named(tmp_path: Path) -> None:
    from bot.territory import INTENTS, ContentError, load_pack
    from tests.harness import pack_copy

    own = "intent\tlang\ttext\npermanences\tfr\tvous tenez salon quand au foyer ?\n"
    pack = load_pack(pack_copy(tmp_path / "a", {"intents.tsv": own}))
    assert ("permanences", "vous tenez salon quand au foyer ?") in {
        (p.label, p.text) for p in pack.intent_phrasings
    }
    assert {p.label for p in pack.intent_phrasings} >= set(INTENTS)
    broken = "entry\tlang\ttext\nno-such-entry\tfr\tune question\nhygiene\tde\tFrage\n"
    with pytest.raises(ContentError) as error:
        load_pack(pack_copy(tmp_path / "b", {"questions/broken.tsv": broken}))
    problems = "\n".join(error.value.problems)
    assert "broken.tsv: line 2: entry 'no-such-entry' does not exist" in problems
    assert "broken.tsv: line 3: lang must be fr or en, not 'de'" in problems


def test_a_function_read_without_certainty_is_offered_not_followed() -> None:
    from bot.answers import offered_intent
    from bot.answers.matching.classifier import Ranked

    near = Ranked(("none", "permanences", "events"), (0.1, -0.3, -0.9))
    assert offered_intent(near) == "permanences"  # 0.4 behind "none": a choice
    far = Ranked(("none", "permanences"), (0.9, -0.6))
    assert offered_intent(far) is None  # 1.5 behind: not worth a button
    social = Ranked(("none", "goodbye"), (0.1, -0.2))
    assert offered_intent(social) is None  # a goodbye is a reply, not a choice


async def test_an_offered_function_is_one_tap_below_an_honest_i_dont_know(
    kb: Harness, monkeypatch: pytest.MonkeyPatch
) -> None:
    from bot import answers
    from bot.i18n import Catalogs

    knowledge = kb.app.bot_data[SERVICES_KEY].knowledge
    unsure = answers.Understanding(None, None, "callback", knowledge.decide("zzz", "fr"))
    monkeypatch.setattr(knowledge, "understand", lambda text, language: unsure)
    sam = kb.person("Sam")
    plain = answers.dont_know(Catalogs().translator("fr")).text
    # Probably asks for a mediator, not certainly: still "I don't know", plus the choice.
    await sam.send("on peut se voir en vrai ?")
    assert sam.last_reply == plain
    assert sam.last_buttons[0] == "📞 Être rappelé·e"
    await sam.press("Être rappelé·e")
    assert "Sujet" in sam.last_reply or "sujet" in sam.last_reply
    assert any(m.get("text") == plain for m in kb.api.messages.values())  # kept, not edited
    # Forged: a function no button offers.
    await sam.press_data("do:greeting")
    assert "plus valable" in sam.alerts[-1]


async def test_behind_a_crisis_card_just_a_question_opens_the_function(kb: Harness) -> None:
    sam = kb.person("Sam")
    await sam.send("j'ai plus envie de rien, vous pouvez m'appeler")
    assert "en sécurité" in sam.last_reply  # safety is asked first
    card = sam.latest_message()
    _, data = sam.find_button("juste une question")
    assert data == "do:callback"
    await sam.press("juste une question")
    assert "ujet" in sam.last_reply
    assert card is not None and card["text"] == sam.h.api.messages[
        (card["chat"]["id"], card["message_id"])]["text"]  # fmt: skip


async def test_my_requests_in_words_about_registrations_shows_the_registrations(
    kb: Harness,
) -> None:
    sam = kb.person("Sam")
    await sam.send("je suis inscrit à quoi ?")
    assert "aucun événement" in sam.last_reply
    await sam.send("ma demande de rappel elle en est où")
    assert "demande" in sam.last_reply.lower()
    assert "événement" not in sam.last_reply


def test_the_suggestions_keep_the_entries_first_and_the_function_last() -> None:
    from bot import answers
    from bot.i18n import Catalogs
    from bot.territory import find_pack, load_pack

    pack = load_pack(find_pack("kremlin-bicetre"))
    ids = tuple(entry.id for _, entry in pack.answers[:2])
    reply = answers.suggestions(pack, Catalogs().translator("fr"), ids, "permanences")
    datas = [b.action for row in reply.buttons for b in row]
    assert datas[:3] == [f"a:{ids[0]}", f"a:{ids[1]}", "do:permanences"]
