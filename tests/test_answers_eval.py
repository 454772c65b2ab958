"""Measured, not hoped: floors on labelled questions written as people write them.

Every set in tests/eval/ was written apart from the packs' content, from the list
of entry ids only. questions.yaml and crisis.yaml served to develop the matcher
and the crisis rules (content vocabulary was added after looking at their
misses). questions_holdout.yaml was written later by someone else and was not
used for tuning: it says how the bot does on questions nobody anticipated. Keep
it that way: when one of its misses is fixed, write a fresh holdout set.
crisis_holdout.yaml was measured once untouched (recall 62 %), then used to
broaden the shared crisis rules (content/common/crisis.yaml): it is now a second
development set. crisis_blind2.yaml was written blind (no content, rules or
corpus seen) and measured once with the classifier (recall 97.5 %, self-harm
87.5 %), then used to choose what the corpus lacked and the rules' floors: a third
development set. The honest figure is always a fresh sealed set, run once.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.answers import KnowledgeBase
from bot.answers.evaluation import load_crisis, load_questions, score_answers, score_crisis
from bot.territory import content_root, load_pack

EVAL = Path(__file__).parent / "eval"
PACKS = ("dumbea", "kremlin-bicetre")


@pytest.fixture(scope="module")
def kbs() -> dict[str, KnowledgeBase]:
    return {name: KnowledgeBase(load_pack(content_root() / name)) for name in PACKS}


def _show(misses: list[object]) -> str:
    return "\n".join(str(m) for m in misses[:40])


def test_evaluation_sets_are_large_enough() -> None:
    questions = load_questions(EVAL / "questions.yaml")
    crisis = load_crisis(EVAL / "crisis.yaml")
    assert len(questions) >= 200
    assert {q.pack for q in questions} == set(PACKS)
    assert {q.lang for q in questions} == {"fr", "en"}
    assert sum(q.expected is None for q in questions) >= 30
    assert len(crisis) >= 60
    assert sum(m.crisis for m in crisis) >= 30
    assert sum(not m.crisis for m in crisis) >= 30


def test_every_expected_entry_exists(kbs: dict[str, KnowledgeBase]) -> None:
    for q in load_questions(EVAL / "questions.yaml") + load_questions(
        EVAL / "questions_holdout.yaml"
    ):
        if q.expected is not None:
            assert kbs[q.pack].pack.answer(q.expected) is not None, q


QUESTION_SETS = ("questions.yaml", "questions_holdout.yaml")
CRISIS_SETS = ("crisis.yaml", "crisis_holdout.yaml", "crisis_blind2.yaml")


@pytest.mark.parametrize("name", QUESTION_SETS)
def test_top1_accuracy_and_abstention_floors(kbs: dict[str, KnowledgeBase], name: str) -> None:
    scores = score_answers(kbs, load_questions(EVAL / name))
    report = (
        f"top-1 {scores.accuracy:.1%} on {scores.answerable}, abstention "
        f"{scores.abstention:.1%} on {scores.out_of_scope}\n{_show(scores.misses)}"
    )
    assert scores.accuracy >= 0.85, report
    assert scores.abstention >= 0.85, report


@pytest.mark.parametrize("name", QUESTION_SETS)
def test_confident_wrong_answers_are_rare(kbs: dict[str, KnowledgeBase], name: str) -> None:
    scores = score_answers(kbs, load_questions(EVAL / name))
    assert scores.wrong_rate <= 0.02, _show(scores.misses)


@pytest.mark.parametrize("name", CRISIS_SETS)
def test_crisis_recall_floors_and_rare_urgent_alarms(
    kbs: dict[str, KnowledgeBase], name: str
) -> None:
    """Floors on the development sets (the blind, sealed figures are in the closing notes).

    Every crisis gets a crisis reply (the urgent card or the check-in), in every family;
    a message that is not a crisis rarely gets the check-in and almost never the urgent card.
    """
    scores = score_crisis(kbs, load_crisis(EVAL / name))
    missed = f"missed crises:\n{_show(list(scores.missed))}"
    assert scores.recall >= 0.97, missed
    for family in scores.by_category:
        assert scores.family_recall(family) >= 0.9, f"{family}: {missed}"
    alarms = f"alarms:\n{_show([m for m, _ in scores.alarmed])}"
    assert scores.false_urgent_rate <= 0.03, alarms
    assert scores.false_positive_rate <= 0.15, alarms
