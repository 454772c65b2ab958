"""``python -m bot ask``: what the bot makes of a message, for editors and for the
service's own checks (``--jsonl``: one stable JSON object per message)."""

from __future__ import annotations

import json
from typing import TextIO

from bot.answers.knowledge import KnowledgeBase


def understand(kb: KnowledgeBase, text: str, language: str) -> dict[str, object]:
    """What the bot makes of one message, as the service's own checks read it.

    The keys are stable: ``crisis`` (urgent, concern or none), ``category`` (the kind
    of crisis, or null), ``family`` (its FACTS.md family), ``about_other``, ``intent``
    (the bot's own function asked for, or null; never with a crisis), ``offered`` (a
    function offered as a one-tap choice: not sure enough to follow it, or behind a crisis
    card's "C'était juste une question"; or null), ``verdict``
    (answer, suggest or none) and ``ids`` (the entries shown, best first; none when an
    intent is recognised, which the bot follows instead).
    """
    understood = kb.understand(text, language)
    signal, intent, verdict = understood.signal, understood.intent, understood.verdict
    shown: tuple[str, ...] = verdict.answer_ids
    if signal is not None and not signal.urgent:
        shown = verdict.answer_ids[:1]  # behind "C'était juste une question"
    return {
        "crisis": "none" if signal is None else signal.tier,
        "category": None if signal is None else signal.category.id,
        "family": None if signal is None else signal.family,
        "about_other": None if signal is None else signal.about_other,
        "intent": intent,
        "offered": understood.offered,
        "verdict": "none" if intent is not None else verdict.kind,
        "ids": list(shown),
    }


def ask_jsonl(kb: KnowledgeBase, language: str, lines: TextIO, out: TextIO) -> None:
    """``ask --jsonl``: one message per input line, one JSON object per output line."""
    for line in lines:
        text = line.rstrip("\r\n")
        if not text.strip():
            continue
        result = {"text": text, **understand(kb, text, language)}
        out.write(json.dumps(result, ensure_ascii=False) + "\n")
        out.flush()


def ask(kb: KnowledgeBase, language: str, question: str) -> None:
    """Print what the matcher makes of a question: the entry, its score, the runner-up."""
    signal = kb.detect_crisis(question)
    verdict = kb.decide(question, language)
    match = kb.match(question, language)  # the word index's view, even when not needed
    print(f"question:   {question}")
    print(f"words:      {' '.join(kb.normalisers[match.language].words(question))}")
    print(f"terms ({match.language}): {' '.join(match.terms) or '-'}")
    if match.corrected:
        print("corrected:  " + ", ".join(f"{k} → {v}" for k, v in match.corrected.items()))
    if match.unknown:
        print(f"unknown:    {', '.join(match.unknown)}")
    crisis = "no"
    if signal is not None:
        person = "someone else" if signal.about_other else "the writer"
        rule = ", a phrase rule fired" if signal.by_rule else ""
        crisis = (
            f"{signal.tier} — {signal.category.id} ({signal.family}), about {person}{rule}; "
            f"p(crisis) {signal.reading.crisis:.2f}, p(urgent) {signal.reading.urgent:.2f}"
        )
    print(f"crisis:     {crisis}")
    understood = kb.understand(question, language)
    print(f"intent:     {understood.intent or 'none'}"
          + (f" (offered: {understood.offered})" if understood.offered else ""))  # fmt: skip
    labels = {"answer": "answer", "suggest": "suggest (not sure)", "none": "none (I don't know)"}
    print(f"verdict:    {labels[verdict.kind]} {' '.join(verdict.answer_ids)}")
    if len(match.candidates) < 2:
        print("runner-up:  none")
    for rank, candidate in enumerate(match.candidates[:3], 1):
        title = "best" if rank == 1 else "runner-up" if rank == 2 else "third"
        print(
            f"{title + ':':<11} {candidate.answer_id} "
            f"(confidence {candidate.confidence:.2f}, score {candidate.score:.2f})"
        )
