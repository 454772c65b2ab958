"""Measuring the matcher against labelled questions and crisis messages.

Used by the test that asserts the floors and by ``bench/answers.py``, which
prints the same figures with latencies. The labelled sets live in ``tests/eval/``.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from bot.answers.knowledge import KnowledgeBase


@dataclass(frozen=True)
class LabelledQuestion:
    pack: str
    lang: str
    text: str
    expected: str | None


@dataclass(frozen=True)
class LabelledMessage:
    pack: str
    lang: str
    text: str
    crisis: bool
    category: str | None = None
    """For a crisis, its family (FACTS.md "Warning signs")."""
    tier: str | None = None
    """urgent or concern, when the set says."""
    kind: str | None = None
    """For a non-crisis: figurative, ordinary, calm-friend or past, when the set says."""
    explicit: bool | None = None
    """For a crisis: whether it is said plainly ("je veux mourir"), when the set says."""


def load_questions(path: Path) -> list[LabelledQuestion]:
    data: list[dict[str, Any]] = yaml.safe_load(path.read_text(encoding="utf-8"))
    return [
        LabelledQuestion(
            d["pack"],
            d["lang"],
            str(d["text"]),
            None if d["expected"] == "none" else d["expected"],
        )
        for d in data
    ]


def load_crisis(path: Path) -> list[LabelledMessage]:
    data: list[dict[str, Any]] = yaml.safe_load(path.read_text(encoding="utf-8"))
    return [
        LabelledMessage(
            d["pack"],
            d["lang"],
            str(d["text"]),
            bool(d["crisis"]),
            d.get("category") or d.get("family"),
            d.get("tier"),
            d.get("kind"),
            d.get("explicit"),
        )
        for d in data
    ]


@dataclass
class AnswerScores:
    answerable: int = 0
    top1: int = 0
    answered_right: int = 0
    answered_wrong: int = 0
    """Confident answers to the wrong entry: the failure that matters most."""
    out_of_scope: int = 0
    abstained: int = 0
    misses: list[tuple[LabelledQuestion, str, tuple[str, ...]]] = field(default_factory=list)

    @property
    def accuracy(self) -> float:
        return self.top1 / self.answerable if self.answerable else 0.0

    @property
    def abstention(self) -> float:
        return self.abstained / self.out_of_scope if self.out_of_scope else 0.0

    @property
    def wrong_rate(self) -> float:
        return self.answered_wrong / self.answerable if self.answerable else 0.0


def score_answers(
    kbs: Mapping[str, KnowledgeBase], questions: Iterable[LabelledQuestion]
) -> AnswerScores:
    """Top-1 on answerable questions; "I don't know" on out-of-scope ones."""
    scores = AnswerScores()
    for q in questions:
        verdict = kbs[q.pack].decide(q.text, q.lang)
        first = verdict.answer_ids[0] if verdict.answer_ids else None
        if q.expected is None:
            scores.out_of_scope += 1
            if verdict.kind == "none":
                scores.abstained += 1
            else:
                scores.misses.append((q, verdict.kind, verdict.answer_ids))
            continue
        scores.answerable += 1
        if first == q.expected:
            scores.top1 += 1
            scores.answered_right += verdict.kind == "answer"
        else:
            scores.answered_wrong += verdict.kind == "answer"
            scores.misses.append((q, verdict.kind, verdict.answer_ids))
    return scores


@dataclass
class CrisisScores:
    """Recall by family and tier on crises; alarms on messages that are not crises.

    A crisis is caught when it gets a crisis reply of either tier (the urgent card, or
    the check-in that leads to it); a message that is not a crisis should get neither,
    and never the urgent card.
    """

    crises: int = 0
    caught: int = 0
    caught_urgent: int = 0
    harmless: int = 0
    false_alarms: int = 0
    """Non-crises that got a crisis reply they should not: any, where none was expected; the
    urgent card, where the check-in was (a calm question for a friend, a past that eased)."""
    false_urgent: int = 0
    """Non-crises that got the urgent card: the alarm that makes a bot unread."""
    missed: list[LabelledMessage] = field(default_factory=list)
    alarmed: list[tuple[LabelledMessage, str]] = field(default_factory=list)
    by_category: Counter[str] = field(default_factory=Counter)
    caught_by_category: Counter[str] = field(default_factory=Counter)
    by_kind: Counter[str] = field(default_factory=Counter)
    urgent_by_kind: Counter[str] = field(default_factory=Counter)
    concern_by_kind: Counter[str] = field(default_factory=Counter)
    explicit: int = 0
    explicit_missed: int = 0
    tiers: Counter[tuple[str, str]] = field(default_factory=Counter)
    """(expected tier, tier given) for crises whose tier the set gives."""

    @property
    def recall(self) -> float:
        return self.caught / self.crises if self.crises else 1.0

    @property
    def false_positive_rate(self) -> float:
        return self.false_alarms / self.harmless if self.harmless else 0.0

    @property
    def false_urgent_rate(self) -> float:
        return self.false_urgent / self.harmless if self.harmless else 0.0

    @property
    def precision(self) -> float:
        flagged = self.caught + self.false_alarms
        return self.caught / flagged if flagged else 1.0

    def family_recall(self, family: str) -> float:
        total = self.by_category[family]
        return self.caught_by_category[family] / total if total else 1.0


def score_crisis(
    kbs: Mapping[str, KnowledgeBase], messages: Iterable[LabelledMessage]
) -> CrisisScores:
    scores = CrisisScores()
    for m in messages:
        signal = kbs[m.pack].detect_crisis(m.text)
        given = "none" if signal is None else signal.tier
        if m.crisis:
            family = m.category or "?"
            scores.crises += 1
            scores.by_category[family] += 1
            if m.tier:
                scores.tiers[(m.tier, given)] += 1
            if m.explicit:
                scores.explicit += 1
                scores.explicit_missed += signal is None
            if signal is not None:
                scores.caught += 1
                scores.caught_by_category[family] += 1
                scores.caught_urgent += signal.urgent
            else:
                scores.missed.append(m)
        else:
            kind = m.kind or "harmless"
            scores.harmless += 1
            scores.by_kind[kind] += 1
            if signal is None:
                continue
            scores.urgent_by_kind[kind] += signal.urgent
            scores.concern_by_kind[kind] += not signal.urgent
            # A calm question for a friend, or a past that has eased, should get the
            # check-in (FACTS.md): only the urgent card is an alarm there.
            expects_check_in = m.tier == "concern"
            if signal.urgent or not expects_check_in:
                scores.false_alarms += 1
                scores.false_urgent += signal.urgent
                scores.alarmed.append((m, given))
    return scores


@dataclass(frozen=True)
class Understood:
    """One message of an understanding set: ``expected`` is an entry id, ``intent:<id>``
    (one of the bot's own functions) or ``None`` (out of scope: "I don't know")."""

    pack: str
    lang: str
    text: str
    expected: str | None


def load_understanding(path: Path) -> list[Understood]:
    data: list[dict[str, Any]] = yaml.safe_load(path.read_text(encoding="utf-8"))
    return [
        Understood(
            d["pack"],
            d["lang"],
            str(d["text"]),
            None if str(d["expected"]) == "none" else str(d["expected"]),
        )
        for d in data
    ]


@dataclass
class UnderstandingScores:
    """What a person gets, as the bot runs: a crisis first, then an intent, then an entry."""

    answerable: Counter[tuple[str, str]] = field(default_factory=Counter)
    """(pack, lang) → questions an entry answers."""
    right: Counter[tuple[str, str]] = field(default_factory=Counter)
    """(pack, lang) → the right entry first."""
    confident_wrong: int = 0
    intents: int = 0
    intents_right: int = 0
    """Requests for a function the bot followed at once."""
    intents_reached: int = 0
    """... or offered as a one-tap choice, or behind "C'était juste une question"."""
    offers: int = 0
    """Functions offered as a choice to messages that did not ask for that function."""
    out_of_scope: int = 0
    honest: int = 0
    alarms: int = 0
    """Crisis replies (check-in or card) to these messages, none of which is a crisis."""
    misses: list[tuple[Understood, str]] = field(default_factory=list)

    def top1(self, pack: str | None = None, lang: str | None = None) -> float:
        keys = [k for k in self.answerable if pack in (None, k[0]) and lang in (None, k[1])]
        total = sum(self.answerable[k] for k in keys)
        return sum(self.right[k] for k in keys) / total if total else 0.0

    @property
    def total_answerable(self) -> int:
        return sum(self.answerable.values())


def score_understanding(
    kbs: Mapping[str, KnowledgeBase], items: Iterable[Understood]
) -> UnderstandingScores:
    scores = UnderstandingScores()
    for item in items:
        understood = kbs[item.pack].understand(item.text, item.lang)
        intent, offered, verdict = understood.intent, understood.offered, understood.verdict
        scores.alarms += understood.signal is not None
        got = (f"intent:{intent}" if intent else
               f"{verdict.kind} {','.join(verdict.answer_ids)}"
               + (f" offered:{offered}" if offered else ""))  # fmt: skip
        if item.expected is None:
            scores.out_of_scope += 1
            scores.offers += offered is not None
            # "I don't know" stays honest with a function offered below it.
            if intent is None and verdict.kind == "none":
                scores.honest += 1
            else:
                scores.misses.append((item, got))
        elif item.expected.startswith("intent:"):
            scores.intents += 1
            wanted = item.expected.removeprefix("intent:")
            scores.intents_right += intent == wanted
            scores.intents_reached += wanted in (intent, offered)
            if intent != wanted:
                scores.misses.append((item, got))
        else:
            scores.offers += offered is not None
            key = (item.pack, item.lang)
            scores.answerable[key] += 1
            if intent is None and verdict.answer_ids[:1] == (item.expected,):
                scores.right[key] += 1
            else:
                scores.misses.append((item, got))
                if intent is None and verdict.kind == "answer":
                    scores.confident_wrong += 1
    return scores
