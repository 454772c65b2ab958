"""The matcher and the crisis detector, on a small pack written for the test."""

from __future__ import annotations

import shutil
import textwrap
from pathlib import Path

import pytest
import yaml

from bot.answers import KnowledgeBase
from bot.answers.matching.crisis import PhraseSet, compile_phrase
from bot.answers.matching.text import Normaliser
from bot.territory import Lexicon, Synonyms, content_root, load_pack
from bot.text import fold, tokens

BASE_FILES = ("territory.yaml", "places.yaml", "teams.yaml", "themes.yaml", "partners.yaml",
              "numbers.yaml", "routing.yaml")  # fmt: skip

ANSWERS = """
theme: sante
entries:
  - id: contraception
    title: {fr: Contraception, en: Contraception}
    questions:
      fr: ["Comment avoir la pilule ?", "Où trouver des préservatifs gratuits ?"]
      en: ["How do I get the pill?", "Where can I get free condoms?"]
    keywords: {fr: [pilule, préservatif, contraception], en: [pill, condom]}
    answer: {fr: "Réponse contraception.", en: "Contraception answer."}
  - id: grossesse
    title: {fr: Grossesse, en: Pregnancy}
    questions:
      fr: ["Je suis enceinte, que faire ?", "Test de grossesse"]
      en: ["I'm pregnant what do I do", "pregnancy test"]
    keywords: {fr: [enceinte, grossesse, ivg], en: [pregnant, abortion]}
    answer: {fr: "Réponse grossesse.", en: "Pregnancy answer."}
  - id: logement
    title: {fr: Logement social, en: Social housing}
    questions:
      fr: ["Comment demander un logement social ?", "On cherche un appartement HLM"]
      en: ["How to apply for social housing?"]
    keywords: {fr: [logement, hlm, appartement], en: [housing, flat]}
    answer: {fr: "Réponse logement.", en: "Housing answer."}
"""

LOCAL_RULES = {
    "suicide": {
        "patterns": {"fr": ["envie de mourir", "me suicider", "suicid*", "en finir", "me tuer"],
                     "en": ["kill myself", "want to die"]},
    },
    "violence-home": {
        "patterns": {"fr": ["mon pere ... frapp*", "mon beau pere ... touch*"],
                     "en": ["my dad ... hits me"]},
        "combinations": [[["pere", "frere", "copain", "dad", "boyfriend"],
                          ["frapp*", "tap*", "hit*", "beat*"]]],
    },
}  # fmt: skip
FIGURATIVE = {"fr": ["mort de rire", "ce professeur me tue", "tu me tues", "je meurs de faim"],
              "en": ["killing me lol"]}  # fmt: skip


def crisis_yaml() -> str:
    """The territory's cards, with the rules of this test as the pack's local words."""
    data = yaml.safe_load((content_root() / "kremlin-bicetre" / "crisis.yaml").read_text())
    for category in data["categories"]:
        category.update(LOCAL_RULES.get(category["id"], {}))
    data["figurative"] = FIGURATIVE
    return yaml.safe_dump(data, allow_unicode=True)


SYNONYMS = """
fr:
  appartement: [appart, apart]
  pere: [daron, reup]
en: {}
"""


@pytest.fixture
def kb(tmp_path: Path) -> KnowledgeBase:
    pack_dir = tmp_path / "mini"
    pack_dir.mkdir()
    for name in BASE_FILES:
        shutil.copy(content_root() / "kremlin-bicetre" / name, pack_dir / name)
    text = (pack_dir / "territory.yaml").read_text().replace("id: kremlin-bicetre", "id: mini")
    (pack_dir / "territory.yaml").write_text(text)
    (pack_dir / "answers").mkdir()
    (pack_dir / "answers" / "sante.yaml").write_text(textwrap.dedent(ANSWERS))
    (pack_dir / "crisis.yaml").write_text(crisis_yaml())
    (pack_dir / "synonyms.yaml").write_text(textwrap.dedent(SYNONYMS))
    return KnowledgeBase(load_pack(pack_dir))


def test_fold_and_tokens() -> None:
    assert fold("Élève ŒUVRE à l’école") == "eleve oeuvre a l'ecole"
    assert tokens("J'ai PAS d'appart!!! stppppp") == ["j", "ai", "pas", "d", "appart", "stp"]


def test_words_expand_sms_and_map_synonyms(kb: KnowledgeBase) -> None:
    fr = kb.normalisers["fr"]
    assert fr.words("jsp cmt chui") == ["je", "sais", "pas", "comment", "je", "suis"]
    assert fr.words("mon daron") == ["mon", "pere"]
    assert "appartement" in fr.words("je cherche un appart")


@pytest.mark.parametrize(
    ("question", "expected"),
    [
        ("comment avoir la pilule", "contraception"),
        ("chui enceinte jsp koi faire", "grossesse"),
        ("CHUI ENCEINTE", "grossesse"),
        ("je suis enceite", "grossesse"),  # typo
        ("on cherche un appart", "logement"),  # synonym
        ("i'm pregnant", "grossesse"),  # English against English text
        ("where to get condoms", "contraception"),
    ],
)
def test_questions_find_their_entry(kb: KnowledgeBase, question: str, expected: str) -> None:
    verdict = kb.decide(question, "fr")
    assert verdict.kind == "answer", verdict
    assert verdict.answer_ids == (expected,)


@pytest.mark.parametrize("question", ["quelle heure est-il à Tokyo", "raconte une blague", "???"])
def test_out_of_scope_is_not_answered(kb: KnowledgeBase, question: str) -> None:
    assert kb.decide(question, "fr").kind == "none"


def test_typo_is_corrected_and_reported(kb: KnowledgeBase) -> None:
    match = kb.match("preservatiff gratuit", "fr")
    assert match.best is not None
    assert match.best.answer_id == "contraception"


@pytest.mark.parametrize(
    ("message", "category"),
    [
        ("j'ai envie de mourir", "suicide"),
        ("jveu me suicider", "suicide"),
        ("je pense au suicide", "suicide"),
        ("mon père il me frappe", "violence-home"),
        ("mon daron me frappait hier", "violence-home"),
        ("mon beau-père me touche", "sexual-violence"),
        ("I want to die", "suicide"),
        ("MON PERE ME FRAPPE", "violence-home"),
    ],
)
def test_crisis_messages_are_detected(kb: KnowledgeBase, message: str, category: str) -> None:
    signal = kb.detect_crisis(message)
    assert signal is not None
    assert category in signal.ids


@pytest.mark.parametrize(
    "message",
    [
        "mdr ce prof me tue",
        "je meurs de faim lol",
        "tu me tues",
        "mort de rire",
        "this is killing me lol",
    ],
)
def test_figurative_language_is_not_a_crisis(kb: KnowledgeBase, message: str) -> None:
    assert kb.detect_crisis(message) is None


def test_figurative_words_do_not_hide_a_real_crisis(kb: KnowledgeBase) -> None:
    signal = kb.detect_crisis("mdr jsp pk mais j'ai envie de mourir")
    assert signal is not None
    assert signal.ids == ("suicide",)


def test_child_flag(kb: KnowledgeBase) -> None:
    signal = kb.detect_crisis("mon beau pere me touche la nuit")
    assert signal is not None
    assert signal.child


def test_gap_stays_within_three_words() -> None:
    normaliser = Normaliser("fr", Lexicon(), Synonyms())
    phrases = PhraseSet([compile_phrase("mon pere ... frapp*", normaliser)])

    def found(text: str) -> bool:
        return bool(phrases.spans(normaliser.words(text)))

    assert found("mon pere me frappe")
    assert found("mon pere il me frappait")
    assert not found("mon pere est gentil mais le voisin du dessus frappe")


@pytest.mark.parametrize(
    ("message", "expected"),
    [
        ("mon grand frere il me tape quand les parents sont pas la", True),
        ("my boyfriend beats me when he drinks", True),
        ("mon frere est parti en vacances avec des potes et moi je tape mes devoirs", False),
    ],
)
def test_combinations_need_their_words_close_together(
    kb: KnowledgeBase, message: str, expected: bool
) -> None:
    assert bool(kb.crisis.rules.categories(message)) is expected
