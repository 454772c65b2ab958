"""Crisis triage: the classifier, its two tiers, the cards, and a human in two taps."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from bot.answers import KnowledgeBase
from bot.answers.matching.corpus import load_corpus
from bot.answers.matching.reading import Reader, char_grams, word_grams
from bot.answers.matching.triage import TriageModel
from bot.storage import requests as store
from bot.territory import CATEGORIES, ContentError, content_root, load_pack
from tests.harness import Harness, harness_for, pack_copy

PACKS = ("dumbea", "kremlin-bicetre")
ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def kbs() -> dict[str, KnowledgeBase]:
    return {name: KnowledgeBase(load_pack(content_root() / name)) for name in PACKS}


# --- The corpus and the model ------------------------------------------------------------


def test_corpus_is_large_varied_and_covers_every_category() -> None:
    lines = load_corpus()
    assert len(lines) >= 4000
    categories = {line.category for line in lines}
    assert categories >= set(CATEGORIES) - {"fire"}  # fire is told apart by rules, in danger
    for category in categories - {"none"}:
        own = [line for line in lines if line.category == category]
        assert {line.lang for line in own} == {"fr", "en"}, category
        assert {line.person for line in own} == {"self", "other"}, category
        assert {line.tier for line in own} == {"urgent", "concern"}, category
    assert sum(line.category == "none" for line in lines) >= 1000
    assert len({line.text for line in lines}) == len(lines), "a message is in the corpus twice"


def test_a_broken_corpus_line_is_named_with_its_file_line_and_field(tmp_path: Path) -> None:
    (tmp_path / "bad.tsv").write_text(
        "category\ttier\tperson\tlang\ttext\n"
        "suicide\turgent\tself\tfr\tje veux mourir\n"
        "suicide\tmaybe\tself\tfr\tje sais pas\n"
        "none\tnone\tself\n",
        encoding="utf-8",
    )
    with pytest.raises(ContentError) as raised:
        load_corpus(tmp_path)
    problems = "\n".join(raised.value.problems)
    assert "bad.tsv:3: field 'tier' is 'maybe'" in problems
    assert "bad.tsv:4: 3 fields" in problems


@pytest.mark.parametrize(
    ("word", "expected"),
    [("tabassé", "tbs"), ("tabasser", "tbsr"), ("tbss", "tbs"), ("frere", "fr"), ("frr", "fr")],
)
def test_a_skeleton_keeps_the_first_letter_and_the_consonants(word: str, expected: str) -> None:
    from bot.answers.matching.reading import skeleton
    from bot.text import fold

    assert skeleton(fold(word)) == expected


@pytest.mark.parametrize("text", ["jveu plus vivre mourirr", "mdr ce prof me tue 😂", "ok"])
def test_reading_draws_the_same_n_grams_as_training(
    kbs: dict[str, KnowledgeBase], text: str
) -> None:
    from bot.answers.matching.reading import analyse

    reader = kbs["dumbea"].crisis.reader
    assert reader is not None
    assert analyse(text, reader) == (
        char_grams(reader.chars(text)),
        word_grams(reader.words(text)),
        word_grams(reader.skeletons(text)),
    )


@pytest.mark.parametrize(
    "text", ["jveu plus vivre", "a", "mdr ce prof me tue 😂", "my  stepdad hits me", "ok ok"]
)
def test_character_grams_are_scikit_learns(text: str) -> None:
    from sklearn.feature_extraction.text import TfidfVectorizer

    analyzer = TfidfVectorizer(analyzer="char_wb", ngram_range=(2, 5)).build_analyzer()
    assert char_grams(text) == analyzer(text)


def test_training_is_reproducible_and_the_reading_matches_the_svm() -> None:
    from scipy.sparse import hstack
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.svm import LinearSVC

    from bot.answers.matching.triage_training import C, train

    pack = load_pack(content_root() / "dumbea")
    lines = load_corpus()[::5]
    a, vocabulary = train(lines, pack.lexicon)
    b, _ = train(lines, pack.lexicon)
    assert np.array_equal(a["weights"], b["weights"])
    model = TriageModel(a, vocabulary)
    # The same decision as scikit-learn's own pipeline, message by message.
    reader = Reader(pack.lexicon)
    chars = TfidfVectorizer(analyzer="char_wb", ngram_range=(2, 5), min_df=2, sublinear_tf=True)
    words = TfidfVectorizer(analyzer=lambda d: d, sublinear_tf=True)
    texts = [line.text for line in lines]
    skeletons = TfidfVectorizer(analyzer=lambda d: d, sublinear_tf=True)
    x = hstack(
        [
            chars.fit_transform([reader.chars(t) for t in texts]),
            words.fit_transform([word_grams(reader.words(t)) for t in texts]),
            skeletons.fit_transform([word_grams(reader.skeletons(t)) for t in texts]),
        ]
    ).tocsr()
    svm = LinearSVC(C=C, class_weight="balanced", random_state=0, max_iter=5000)
    svm.fit(x, [line.category for line in lines])
    probes = ["jveu plus vivre", "mdr ce prof me tue", "my stepdad hits me", "horaires caf"]
    xp = hstack(
        [
            chars.transform([reader.chars(t) for t in probes]),
            words.transform([word_grams(reader.words(t)) for t in probes]),
            skeletons.transform([word_grams(reader.skeletons(t)) for t in probes]),
        ]
    ).tocsr()
    for probe, expected in zip(probes, svm.predict(xp), strict=True):
        reading = model.read(probe)
        given = reading.category if reading.crisis >= 0.5 else "none"
        assert given == expected, probe


# --- What it recognises --------------------------------------------------------------------

EXPLICIT = {
    "je veux mourir": "suicide",
    "jveu mourir": "suicide",
    "I want to kill myself": "suicide",
    "il me frappe": "violence-home",
    "mon père me frappe": "violence-home",
    "je me coupe": "self-harm",
    "i cut myself again last night": "self-harm",
    "il m'a violée": "sexual-violence",
    "mon ex menace de balancer mes nudes": "sextortion",
    "ma mère m'a mis dehors je dors dehors ce soir": "homeless-tonight",
    "mon pote a trop bu il se réveille plus": "overdose",
}


@pytest.mark.parametrize("pack", PACKS)
@pytest.mark.parametrize(("text", "category"), EXPLICIT.items())
def test_explicit_statements_are_urgent_with_their_category(
    kbs: dict[str, KnowledgeBase], pack: str, text: str, category: str
) -> None:
    signal = kbs[pack].detect_crisis(text)
    assert signal is not None, text
    assert signal.tier == "urgent", text
    assert signal.category.id == category, text


@pytest.mark.parametrize("pack", PACKS)
def test_a_beaten_child_in_sms_spelling_is_caught_in_both_territories(
    kbs: dict[str, KnowledgeBase], pack: str
) -> None:
    signal = kbs[pack].detect_crisis("mon beau pere ma frapé hier jveu pa rentré")
    assert signal is not None
    assert signal.family == "violence-home"


@pytest.mark.parametrize("pack", PACKS)
@pytest.mark.parametrize(
    "text",
    [
        "le bailleur menace de nous expulser",
        "my landlord wants to kick us out",
        "mdr je suis mort de rire",
        "ce prof me tue avec ses contrôles",
        "quelle heure est-il à Tokyo",
        "comment faire une demande de logement social",
    ],
)
def test_ordinary_and_figurative_messages_get_no_urgent_card(
    kbs: dict[str, KnowledgeBase], pack: str, text: str
) -> None:
    signal = kbs[pack].detect_crisis(text)
    assert signal is None or (signal.tier == "concern" and signal.family != "violence-home"), text


def test_a_crisis_laughed_off_is_read_without_the_laughter_too(
    kbs: dict[str, KnowledgeBase],
) -> None:
    from bot.answers.matching.triage import _MINIMISERS

    model = kbs["dumbea"].crisis.model
    assert model is not None
    text = "mdr jme suis encore coupé les bras hier soir c rien"
    bare = _MINIMISERS.sub(" ", text)
    assert "mdr" not in bare and "rien" not in bare and "coupé" in bare
    assert model.scan(text).crisis == max(model.read(text).crisis, model.read(bare).crisis)
    assert (
        model.scan("comment aller à la mairie").crisis
        == model.read("comment aller à la mairie").crisis
    )


@pytest.mark.parametrize("pack", PACKS)
def test_laughter_takes_away_the_urgent_push_of_an_explicit_phrase_not_the_check(
    kbs: dict[str, KnowledgeBase], pack: str
) -> None:
    joke = kbs[pack].detect_crisis("tkt jvais pas me jeter d'un pont pr une note de maths 😂")
    assert joke is None or joke.tier == "concern"
    real = kbs[pack].detect_crisis("lol jveux mourir mais genre vraiment, jen peux plus de rien")
    assert real is not None  # still checked on


@pytest.mark.parametrize("pack", PACKS)
@pytest.mark.parametrize("text", ["2", "12", "06 12 34 56 78", "?", "...", "é" * 4000, "x"])
def test_a_message_without_a_letter_is_an_answer_not_a_crisis(
    kbs: dict[str, KnowledgeBase], pack: str, text: str
) -> None:
    assert kbs[pack].detect_crisis(text) is None


@pytest.mark.parametrize("pack", PACKS)
def test_a_message_about_a_friend_is_answered_as_such(
    kbs: dict[str, KnowledgeBase], pack: str
) -> None:
    signal = kbs[pack].detect_crisis("ma meilleure amie dit qu'elle veut mourir ce soir")
    assert signal is not None
    assert signal.about_other
    mine = kbs[pack].detect_crisis("je veux mourir ce soir")
    assert mine is not None
    assert not mine.about_other


def test_both_territories_catch_the_same_messages(kbs: dict[str, KnowledgeBase]) -> None:
    from bot.answers.evaluation import load_crisis

    messages = [m.text for name in ("crisis.yaml", "crisis_holdout.yaml")
                for m in load_crisis(ROOT / "tests" / "eval" / name)]  # fmt: skip
    differ = [
        text
        for text in messages
        if (kbs["dumbea"].detect_crisis(text) is None)
        != (kbs["kremlin-bicetre"].detect_crisis(text) is None)
    ]
    assert differ == []


# --- The pack's cards ----------------------------------------------------------------------


def test_a_pack_without_a_card_for_a_kind_of_crisis_is_refused_at_start(tmp_path: Path) -> None:
    source = content_root() / "kremlin-bicetre" / "crisis.yaml"
    text = source.read_text(encoding="utf-8")
    cut = text.index("  - id: overdose")
    end = text.index("  - id: child-alone")
    folder = pack_copy(tmp_path, {"crisis.yaml": text[:cut] + text[end:]})
    with pytest.raises(ContentError) as raised:
        load_pack(folder)
    assert any(
        "crisis.yaml: categories: no card for 'overdose'" in p for p in raised.value.problems
    )


def test_a_card_naming_an_unknown_number_is_refused_at_start(tmp_path: Path) -> None:
    source = content_root() / "kremlin-bicetre" / "crisis.yaml"
    text = source.read_text(encoding="utf-8")
    text = text.replace("emergency: samu\n", "emergency: nowhere\n", 1)
    folder = pack_copy(tmp_path, {"crisis.yaml": text})
    with pytest.raises(ContentError) as raised:
        load_pack(folder)
    expected = "category suicide → emergency: 'nowhere' is not defined"
    assert any(expected in p for p in raised.value.problems)


# --- As a person lives it --------------------------------------------------------------------


def _called_numbers(pack_numbers: list[str], text: str) -> list[str]:
    return [n for n in pack_numbers if re.search(rf"[Aa]ppel(?:ez|le) le {n}\b", text)]


async def test_urgent_card_names_one_number_first_then_who_listens(bot: Harness) -> None:
    pack = bot.services.pack
    sam = bot.person()
    await sam.send("jveu plus vivre, jai pris des cachets ce soir")
    card = sam.replies[0].text
    category = pack.crisis_category("suicide")
    assert category is not None
    first = pack.number(category.emergency)
    assert first is not None
    emergency = [n.number for n in pack.emergency_numbers()]
    assert _called_numbers(emergency, card) == [first.number]
    for listening in category.listening:
        number = pack.number(listening)
        assert number is not None
        assert number.number in card
    assert card.index(first.number) < card.index("Pour en parler")
    assert "Être contacté·e vite" in " ".join(sam.last_buttons)


async def test_two_taps_from_the_card_make_an_urgent_request(tmp_path: Path) -> None:
    staff_chat = -1_009_990_001
    async with harness_for("kremlin-bicetre", tmp_path, staff_chat_id=staff_chat) as bot:
        sam = bot.person()
        await sam.send("mon beau pere me frappe tous les soirs jai peur de rentrer")
        assert re.search(r"[Aa]ppel(?:ez|le) le 17", sam.replies[0].text)
        await sam.press("Être contacté·e vite")
        assert re.search(r"Comment (?:voulez-vous|veux-tu)", sam.last_reply)
        await sam.press("Ici, dans Telegram")
        assert "C'est envoyé" in sam.last_reply
        [record] = await store.open_requests(bot.services.db, None)
        assert record.urgent
        assert record.theme == "famille"
        assert record.source == "crisis"
        cards = [c for c in bot.calls("sendMessage") if c.chat_id == staff_chat]
        assert any("Famille / violences" in c.text for c in cards)
        assert any("carte d'urgence" in c.text for c in cards)  # the mediator knows why
        # A second tap on the same button sends nothing more.
        await sam.press("Ici, dans Telegram")
        assert len(await store.open_requests(bot.services.db, None)) == 1


async def test_out_of_hours_the_urgent_request_says_when_the_team_is_back_and_who_answers_now(
    tmp_path: Path,
) -> None:
    import datetime as dt

    saturday_night = dt.datetime(2026, 11, 28, 22, 0, tzinfo=dt.UTC)
    async with harness_for("kremlin-bicetre", tmp_path, start=saturday_night,
                           staff_chat_id=-1_009_990_001) as bot:  # fmt: skip
        sam = bot.person()
        await sam.send("jai pris toute la boite de cachets de ma mere")
        await sam.press("Être contacté·e vite")
        await sam.press("Ici, dans Telegram")
        assert "fermé" in sam.last_reply
        assert "lundi 30 novembre, 9 h" in sam.last_reply
        assert "répondent tout de suite" in sam.last_reply
        assert "15" in sam.last_reply


async def test_a_concern_gets_a_gentle_check_and_the_answer_behind_a_button(
    bot: Harness,
) -> None:
    sam = bot.person()
    await sam.send("comment aider une copine qui se scarifie ? elle m'en a parlé calmement")
    card = sam.last_reply
    assert "en sécurité" in card
    buttons = " ".join(sam.last_buttons)
    assert "J'ai besoin de parler" in buttons
    assert "C'était juste une question" in buttons
    await sam.press("C'était juste une question")
    assert re.search(r"[Aa]ppel(?:ez|le) le", sam.last_reply)  # the numbers stay, at the bottom


async def test_i_am_in_danger_from_the_check_in_gives_the_urgent_card(bot: Harness) -> None:
    sam = bot.person()
    await sam.send("des fois je pense que tout le monde serait mieux sans moi")
    if "Je suis en danger" not in " ".join(sam.last_buttons):
        pytest.skip("read as urgent: the check-in is not shown")
    await sam.press("Je suis en danger")
    assert re.search(r"[Aa]ppel(?:ez|le) le", sam.last_reply)
    assert "Être contacté·e vite" in " ".join(sam.last_buttons)


async def test_i_need_to_talk_gives_the_listening_lines_and_a_mediator(bot: Harness) -> None:
    pack = bot.services.pack
    sam = bot.person()
    await sam.press_data("cr:t.self-harm")
    category = pack.crisis_category("self-harm")
    assert category is not None
    for listening in category.listening:
        number = pack.number(listening)
        assert number is not None
        assert number.number in sam.last_reply
    assert "médiateur" in " ".join(sam.last_buttons).lower()


@pytest.mark.parametrize("data", ["cr:x.suicide", "cr:d.nothing", "cr:q.suicide.ghost", "cr:d"])
async def test_forged_crisis_buttons_change_nothing(bot: Harness, data: str) -> None:
    sam = bot.person()
    before = len(bot.api.calls)
    await sam.press_data(data)
    assert [c.method for c in bot.api.calls[before:]] == ["answerCallbackQuery"]


async def test_every_reply_that_is_not_a_confident_answer_carries_the_emergency_entry(
    bot: Harness,
) -> None:
    sam = bot.person()
    await sam.send("quelle heure est-il à Tokyo")
    assert "pas de réponse" in sam.last_reply
    assert any("Numéros d'urgence" in b for b in sam.last_buttons)


# --- The probe -----------------------------------------------------------------------------


def test_ask_jsonl_prints_one_stable_object_per_message() -> None:
    messages = ("je veux mourir\nhoraires de la mission locale\n\nmdr ce prof me tue\nslt\n"
                "on peut se voir en vrai ?\n")  # fmt: skip
    result = subprocess.run(
        [sys.executable, "-m", "bot", "ask", "--territory", "kremlin-bicetre", "--jsonl"],
        input=messages,
        capture_output=True,
        text=True,
        check=True,
        cwd=ROOT,
    )
    objects = [json.loads(line) for line in result.stdout.splitlines()]
    assert len(objects) == 5
    for obj in objects:
        assert {"crisis", "category", "intent", "offered", "verdict", "ids"} <= set(obj)
        assert obj["crisis"] in ("urgent", "concern", "none")
        assert obj["verdict"] in ("answer", "suggest", "none")
        assert isinstance(obj["ids"], list)
    assert objects[0]["crisis"] == "urgent"
    assert objects[0]["category"] == "suicide"
    assert objects[2]["crisis"] != "urgent"
    assert [o["intent"] for o in objects][:4] == [None, None, None, "greeting"]
    assert all(o["offered"] in (None, "callback", "permanences") for o in objects)


# --- Spelling correction -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("pack", "word", "not_into"),
    [("dumbea", "absente", "absent"), ("kremlin-bicetre", "rentre", "rendre")],
)
def test_a_word_people_write_is_never_corrected_into_another(
    kbs: dict[str, KnowledgeBase], pack: str, word: str, not_into: str
) -> None:
    index = kbs[pack].indexes["fr"]
    assert not_into in index.vocabulary  # the trap is there: one edit away
    assert word not in index.vocabulary
    match = kbs[pack].match(f"je suis pas bien, ma {word}", "fr")
    assert match.corrected.get(word) is None


def test_a_cache_folder_that_cannot_be_written_falls_back_to_the_temporary_one(
    tmp_path: Path,
) -> None:
    from bot.answers.matching.triage import _writable

    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    folder = _writable(blocker / "cache")
    assert folder != blocker / "cache"
    assert folder.is_dir()


@pytest.mark.parametrize(
    ("word", "fix"), [("mourirr", "mourir"), ("myslef", "myself"), ("classe", None)]
)
def test_the_crisis_check_reads_the_words_as_corrected_too(word: str, fix: str | None) -> None:
    from bot.answers.matching.reading import shared_corrector

    assert shared_corrector().correct(word) == fix


def test_a_misspelt_word_is_read_beside_its_correction(kbs: dict[str, KnowledgeBase]) -> None:
    reader = kbs["dumbea"].crisis.reader
    assert reader is not None
    words = reader.words("jveu mourirr")
    assert "mourirr" in words and "mourir" in words  # as written, and as corrected
    assert reader.corrected("jveu mourirr") == "jveu mourir"
