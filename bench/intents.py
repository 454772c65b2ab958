"""Choose the intents' thresholds on held-out data: a fifth of the intents' corpus left out
of training (its recall), the development questions of Le Kremlin-Bicêtre (none of them is
a request to the bot: false intents).

    .venv/bin/python bench/intents.py
"""

import sys
import zlib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[0] = str(ROOT)

import bot.matching.classifier_training as ct  # noqa: E402
from bot.answers import KnowledgeBase, intent_examples  # noqa: E402
from bot.evaluation import load_questions  # noqa: E402
from bot.matching.classifier import Example  # noqa: E402
from bot.territory import NO_INTENT, find_pack, load_pack  # noqa: E402

EVAL = ROOT / "tests" / "eval"
pack = load_pack(find_pack("kremlin-bicetre"))
kb = KnowledgeBase(pack)
ex = intent_examples(pack)


def held(e):
    return zlib.crc32(e.text.encode()) % 5 == 0


train = [e for e in ex if not held(e)]
test = [
    e
    for e in ex
    if held(e)
    and e.label != NO_INTENT
    and e in {Example(p.label, p.text) for p in pack.intent_phrasings}
]
negs = [
    q.text
    for n in ("questions.yaml", "questions_holdout.yaml")
    for q in load_questions(EVAL / n)
    if q.pack == "kremlin-bicetre"
]
arrays, vocab = ct.train(train, pack.lexicon, 0.5, class_weight="balanced")
m = ct.TextModel(arrays, vocab)
rt = [(e, m.rank(e.text, kb.reader, top=20)) for e in test]
rn = [m.rank(t, kb.reader, top=20) for t in negs]


def decide(r, mm, ll):
    b = r.best
    if b is None or b == NO_INTENT or r.margin < mm:
        return None
    if r.margin - r.margin_of(NO_INTENT) < ll:
        return None
    return b


for mm in (-0.4, -0.2, 0.0):
    for ll in (0.0, 0.15, 0.3):
        rec = sum(decide(r, mm, ll) == e.label for e, r in rt) / len(rt)
        fp = sum(decide(r, mm, ll) is not None for r in rn)
        print(
            print(
                f"margin {mm:+.1f} lead {ll:.2f}: held-out intent recall {rec:.1%} of {len(rt)}, "
                f"false intents on {len(negs)} KB questions: {fp}"
            )
        )
