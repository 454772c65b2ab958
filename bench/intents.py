"""Choose the intents' thresholds on data the model has not seen, written by someone else:
each of the intents' corpora (``content/common/intent_corpus*.tsv``, each written by a
different hand) is held out in turn, the model trained on the others; what must not be
taken for a request to the bot are the development questions of Le Kremlin-Bicêtre
(answerable ones, and those no entry answers).

Two decisions are measured: following a function at once (``INTENT_MARGIN``,
``INTENT_LEAD``), and offering it as a one-tap choice when less sure (``OFFER_LEAD``,
``OFFER_MARGIN``).

    .venv/bin/python bench/intents.py
"""

from __future__ import annotations

import sys
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[0] = str(ROOT)

from bot.answers import (  # noqa: E402
    INTENT_LEAD,
    INTENT_MARGIN,
    OFFER_LEAD,
    OFFER_MARGIN,
    KnowledgeBase,
    entry_examples,
    intent_of,
    offered_intent,
)
from bot.answers.evaluation import load_questions  # noqa: E402
from bot.answers.matching.classifier import Example, Ranked  # noqa: E402
from bot.answers.matching.classifier_training import trained  # noqa: E402
from bot.territory import (  # noqa: E402
    INTENTS,
    NO_INTENT,
    find_pack,
    load_pack,
    read_phrasings,
)

EVAL = ROOT / "tests" / "eval"
SURE = [(-0.4, 0.15), (-0.4, 0.0), (-0.6, 0.0), (0.0, 0.3)]
OFFER = [(-0.6, -1.0), (-0.8, -1.0), (-1.0, -1.0), (-1.2, -1.0)]


def main() -> int:
    pack = load_pack(find_pack("kremlin-bicetre"))
    kb = KnowledgeBase(pack)
    labels = {*INTENTS, NO_INTENT}
    corpora = {
        file.name: [Example(p.label, p.text) for p in read_phrasings(file, "intent", labels, [])]
        for file in sorted((ROOT / "content" / "common").glob("intent_corpus*.tsv"))
    }
    questions = [q for name in ("questions.yaml", "questions_holdout.yaml")
                 for q in load_questions(EVAL / name) if q.pack == pack.id]  # fmt: skip
    answerable = [q.text for q in questions if q.expected]
    outside = [q.text for q in questions if not q.expected]
    none = [Example(NO_INTENT, e.text) for e in entry_examples(pack)]
    none += [Example(NO_INTENT, p.text) for p in pack.out_of_scope]
    followed: Counter[tuple[float, float]] = Counter()
    reached: Counter[tuple[float, float, float, float]] = Counter()
    false_sure: Counter[tuple[float, float, str]] = Counter()
    offers: Counter[tuple[float, float, float, float, str]] = Counter()
    asked = 0
    for held, test in corpora.items():
        if all(e.label == NO_INTENT for e in test):
            continue  # look-alikes only: they train every fold
        rest = [e for name, examples in corpora.items() if name != held for e in examples]
        model = trained(rest + none, pack.lexicon, 0.5)
        tried = [e for e in test if e.label != NO_INTENT]
        asked += len(tried)
        read = [(e.label, model.rank(e.text, kb.reader, top=20)) for e in tried]
        plain: dict[str, list[Ranked]] = {
            "answerable": [model.rank(t, kb.reader, top=20) for t in answerable],
            "outside": [model.rank(t, kb.reader, top=20) for t in outside],
        }
        for margin, lead in SURE:
            sure = [intent_of(r, margin, lead) for _, r in read]
            followed[margin, lead] += sum(
                s == label for s, (label, _) in zip(sure, read, strict=True)
            )
            for kind, ranked in plain.items():
                false_sure[margin, lead, kind] += sum(intent_of(r, margin, lead) is not None
                                                      for r in ranked)  # fmt: skip
            for offer_lead, offer_margin in OFFER:
                key = (margin, lead, offer_lead, offer_margin)
                reached[key] += sum(
                    s == label
                    or (s is None and offered_intent(r, offer_lead, offer_margin) == label)
                    for s, (label, r) in zip(sure, read, strict=True)
                )
                for kind, ranked in plain.items():
                    offers[(*key, kind)] += sum(
                        intent_of(r, margin, lead) is None
                        and offered_intent(r, offer_lead, offer_margin) is not None
                        for r in ranked
                    )
        sure = [intent_of(r) for _, r in read]
        pairs = list(zip(sure, read, strict=True))
        got = sum(s == label for s, (label, _) in pairs) / len(tried)
        near = sum(label in (s, offered_intent(r)) for s, (label, r) in pairs) / len(tried)
        print(f"held out {held}: {len(tried)} requests, followed {got:.1%}, reached {near:.1%}")
    folds = sum(any(e.label != NO_INTENT for e in c) for c in corpora.values())
    print(f"\nshipped: follow at margin {INTENT_MARGIN} lead {INTENT_LEAD}, "
          f"offer at lead {OFFER_LEAD} margin {OFFER_MARGIN}")  # fmt: skip
    print(
        f"{asked} held-out requests; false figures summed over {folds} folds "
        f"({len(answerable)} answerable and {len(outside)} out-of-scope questions each)"
    )
    for margin, lead in SURE:
        print(
            f"follow margin {margin:+.1f} lead {lead:.2f}: followed "
            f"{followed[margin, lead] / asked:.1%}, false on answerable "
            f"{false_sure[margin, lead, 'answerable']}, on out of scope "
            f"{false_sure[margin, lead, 'outside']}"
        )
        for offer_lead, offer_margin in OFFER:
            key = (margin, lead, offer_lead, offer_margin)
            print(
                f"    + offer lead {offer_lead:+.1f} margin {offer_margin:+.1f}: reached "
                f"{reached[key] / asked:.1%}, offered to answerable "
                f"{offers[(*key, 'answerable')]}, to out of scope {offers[(*key, 'outside')]}"
            )
    return 0


if __name__ == "__main__":
    sys.exit(main())
