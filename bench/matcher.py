"""Choose the matcher by its scores on the development sets: the word index alone, and the
classifier combined with it at several thresholds; and the intents' thresholds.

    .venv/bin/python bench/matcher.py

Development sets only (tests/eval/questions*.yaml); the honest figure is the sealed set's
(bench/answers.py --sealed-questions FILE), run once.
"""

from __future__ import annotations

import itertools
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[0] = str(ROOT)

from bot.answers import KnowledgeBase, Verdict, combine  # noqa: E402
from bot.answers.evaluation import LabelledQuestion, load_questions  # noqa: E402
from bot.answers.matching.classifier import Ranked  # noqa: E402
from bot.territory import (  # noqa: E402
    find_pack,
    load_pack,
)

EVAL = ROOT / "tests" / "eval"


def figures(rows: list[tuple[LabelledQuestion, Verdict]]) -> str:
    answerable = [(q, v) for q, v in rows if q.expected is not None]
    outside = [(q, v) for q, v in rows if q.expected is None]
    top1 = sum((v.answer_ids[:1] == (q.expected,)) for q, v in answerable)
    wrong = sum(v.kind == "answer" and v.answer_ids[0] != q.expected for q, v in answerable)
    honest = sum(v.kind == "none" for _, v in outside)
    by_lang = {
        lang: sum(v.answer_ids[:1] == (q.expected,) for q, v in answerable if q.lang == lang)
        / max(1, sum(q.lang == lang for q, _ in answerable))
        for lang in ("fr", "en")
    }
    return (f"top-1 {top1 / len(answerable):.1%} (fr {by_lang['fr']:.0%}, en {by_lang['en']:.0%})"
            f", confident wrong {wrong / len(answerable):.1%}, honest none "
            f"{honest / max(1, len(outside)):.0%} of {len(outside)}")  # fmt: skip


def main() -> int:
    questions = [q for name in ("questions.yaml", "questions_holdout.yaml")
                 for q in load_questions(EVAL / name)]  # fmt: skip
    kbs = {name: KnowledgeBase(load_pack(find_pack(name))) for name in {q.pack for q in questions}}
    readings: list[tuple[LabelledQuestion, Verdict, Ranked]] = []
    for q in questions:
        kb = kbs[q.pack]
        assert kb.entry_model is not None
        readings.append((q, kb.lexical(q.text, q.lang), kb.entry_model.rank(q.text, kb.reader)))
    print(f"{len(questions)} development questions")
    print("word index alone:      ", figures([(q, lex) for q, lex, _ in readings]))
    grid = itertools.product((-0.2, 0.0, 0.2), (0.1, 0.25, 0.4), (-0.6, -0.45, -0.3))
    for answer_at, lead_at, suggest_at in grid:
        rows = [(q, combine(lex, r, answer_at, lead_at, suggest_at)) for q, lex, r in readings]
        print(f"answer {answer_at:+.1f} lead {lead_at:.2f} suggest {suggest_at:+.2f}: "
              f"{figures(rows)}")  # fmt: skip
    intents = [(q, kbs[q.pack].intent(q.text)) for q in questions]
    false = [(q.text, i) for q, i in intents if i is not None]
    print(f"intents recognised in {len(false)} of {len(questions)} knowledge questions:")
    for text, intent in false[:15]:
        print(f"  {intent}: {text}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
