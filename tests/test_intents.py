"""The bot's own functions, asked for in the person's own words."""

from __future__ import annotations

from pathlib import Path

import pytest

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
    assert "🙋 Parler à un médiateur" in sam.last_buttons


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
    from bot.event_kinds import BRADERIE, TOURNAMENT
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
