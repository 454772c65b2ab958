"""Choose the intents' thresholds on held-out data: a fifth of the intents' corpus left out
of training (its recall), and the development questions of Le Kremlin-Bicêtre, none of
which is a request to the bot (false intents).

    .venv/bin/python bench/intents.py
"""

from __future__ import annotations

import sys
import zlib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[0] = str(ROOT)

from bot.answers import KnowledgeBase, intent_examples, intent_of  # noqa: E402
from bot.evaluation import load_questions  # noqa: E402
from bot.matching.classifier import Example  # noqa: E402
from bot.matching.classifier_training import trained  # noqa: E402
from bot.territory import NO_INTENT, find_pack, load_pack  # noqa: E402

EVAL = ROOT / "tests" / "eval"


def held_out(example: Example) -> bool:
    return zlib.crc32(example.text.encode()) % 5 == 0


def main() -> int:
    pack = load_pack(find_pack("kremlin-bicetre"))
    kb = KnowledgeBase(pack)
    examples = intent_examples(pack)
    phrasings = {Example(p.label, p.text) for p in pack.intent_phrasings}
    test = [e for e in examples if held_out(e) and e.label != NO_INTENT and e in phrasings]
    model = trained([e for e in examples if not held_out(e)], pack.lexicon, 0.5)
    questions = [q.text for name in ("questions.yaml", "questions_holdout.yaml")
                 for q in load_questions(EVAL / name) if q.pack == pack.id]  # fmt: skip
    asked = [(e, model.rank(e.text, kb.reader, top=20)) for e in test]
    plain = [model.rank(text, kb.reader, top=20) for text in questions]
    for margin in (-0.4, -0.2, 0.0):
        for lead in (0.0, 0.15, 0.3):
            recall = sum(intent_of(r, margin, lead) == e.label for e, r in asked) / len(asked)
            false = sum(intent_of(r, margin, lead) is not None for r in plain)
            print(
                f"margin {margin:+.1f} lead {lead:.2f}: held-out recall {recall:.1%} of "
                f"{len(asked)}, false intents on {len(questions)} questions: {false}"
            )
    return 0


if __name__ == "__main__":
    sys.exit(main())
