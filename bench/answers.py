"""How well, and how fast, the bot understands free text.

Prints, on the labelled sets of tests/eval/: top-1 accuracy on answerable
questions, correct "I don't know" on out-of-scope ones, confident wrong answers;
crisis recall per family and per tier, and the urgent/concern split of messages
that are not crises; then the latency of the whole understanding step (crisis
check + matching, as the bot does it) with both packs' entries loaded, and again
with each pack inflated to 2,000 entries; and the resident memory of the running
bot with 10,000 people in its database.

    .venv/bin/python bench/answers.py [--repeat 5] [--show-misses]

A sealed set (written blind, never read by the developers) is run once with
``--sealed FILE``: every message against both territories, figures only.
"""

from __future__ import annotations

import argparse
import dataclasses
import platform
import random
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[0] = str(ROOT)  # not bench/, whose queue.py would shadow the standard one

from bot.answers import KnowledgeBase  # noqa: E402
from bot.answers.evaluation import (  # noqa: E402
    CrisisScores,
    LabelledQuestion,
    load_crisis,
    load_questions,
    load_understanding,
    score_answers,
    score_crisis,
    score_understanding,
)
from bot.answers.matching.reading import hashed_grams  # noqa: E402
from bot.territory import (  # noqa: E402
    Pack,
    Phrases,
    content_root,
    load_pack,
)

PACKS = ("dumbea", "kremlin-bicetre")
EVAL = ROOT / "tests" / "eval"


def inflate(pack: Pack, size: int, seed: int = 7) -> Pack:
    """The pack with its entries cloned (questions shuffled and varied) up to ``size``."""
    rng = random.Random(seed)
    originals = [a for _, a in pack.answers]
    vocabulary = sorted({w for a in originals for q in a.questions.fr for w in q.split()})
    answers = list(pack.answers)
    n = 0
    while len(answers) < size:
        theme, base = pack.answers[n % len(originals)]
        n += 1

        def vary(questions: tuple[str, ...]) -> tuple[str, ...]:
            out = []
            for q in questions:
                words = q.split()
                rng.shuffle(words)
                words.append(rng.choice(vocabulary))
                out.append(" ".join(words))
            return tuple(out)

        clone = base.model_copy(
            update={
                "id": f"{base.id}-{n}",
                "questions": Phrases(fr=vary(base.questions.fr), en=vary(base.questions.en)),
                "see_also": (),
            }
        )
        answers.append((theme, clone))
    return dataclasses.replace(pack, answers=tuple(answers))


def latency(
    kbs: dict[str, KnowledgeBase], questions: list[LabelledQuestion], repeat: int
) -> list[float]:
    times = []
    for _ in range(repeat):
        for q in questions:
            kb = kbs[q.pack]
            hashed_grams.cache_clear()  # a message is read afresh (shared by its three checks)
            start = time.perf_counter()
            kb.understand(q.text, q.lang)  # what a message goes through: crisis, intent, entry
            times.append((time.perf_counter() - start) * 1000)
    return times


def pct(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(p / 100 * len(ordered)))]


def print_crisis(title: str, crisis: CrisisScores, show_misses: bool) -> None:
    print(f"{title}: {crisis.crises} crises, {crisis.harmless} messages that are not")
    print(f"  recall (either tier)   {crisis.recall:6.1%}   (floor 95 %, every family 90 %)")
    print(f"  crises given urgent    {crisis.caught_urgent / max(crisis.crises, 1):6.1%}")
    if crisis.explicit:
        print(f"  explicit statements missed: {crisis.explicit_missed} of {crisis.explicit}")
    for family in sorted(crisis.by_category):
        print(f"    {family:<18} {crisis.family_recall(family):6.1%} of "
              f"{crisis.by_category[family]:3d}")  # fmt: skip
    if crisis.tiers:
        print("  expected tier → given: " + ", ".join(
            f"{a}→{b} {n}" for (a, b), n in sorted(crisis.tiers.items())))  # fmt: skip
    print(f"  not crises, urgent card {crisis.false_urgent_rate:6.1%}   (ceiling 3 %)")
    print(
        f"  not crises, check-in    "
        f"{(crisis.false_alarms - crisis.false_urgent) / max(crisis.harmless, 1):6.1%}"
    )
    for kind in sorted(crisis.by_kind):
        print(f"    {kind:<18} urgent {crisis.urgent_by_kind[kind]:3d}, check-in "
              f"{crisis.concern_by_kind[kind]:3d} of {crisis.by_kind[kind]:3d}")  # fmt: skip
    if show_misses:
        for m in crisis.missed:
            print(f"    CRISIS MISSED {m.pack} {m.category} {m.text!r}")
        for m, tier in crisis.alarmed:
            print(f"    ALARM ({tier}) {m.pack} {m.text!r}")


def resident_memory(people: int) -> str:
    """The running bot's resident memory, with ``people`` in its database, after some traffic."""
    import asyncio
    import tempfile

    from bench.updates import passerelle
    from bot.storage.people import ensure_person
    from handlers.runtime.context import services_of
    from handlers.runtime.offline import UpdateFactory

    async def run() -> str:
        with tempfile.TemporaryDirectory(prefix="passerelle-rss-") as tmp:
            async with passerelle("dumbea", Path(tmp) / "rss.sqlite3") as (target, _):
                services = services_of(target.app)
                now = services.clock.now()
                async with services.db.transaction() as tx:
                    for n in range(people):
                        await ensure_person(tx, services.pseudonymise(10_000_000 + n), now)
                factory = UpdateFactory(target.app.bot)
                texts = [q.text for q in load_questions(EVAL / "questions.yaml")]
                for n in range(2_000):
                    user = factory.user(10_000_000 + n % people, "P", "fr")
                    await target.app.process_update(factory.text(user, texts[n % len(texts)]))
                status = Path("/proc/self/status").read_text(encoding="utf-8")  # noqa: ASYNC240
                rss = next(line.split()[1] for line in status.splitlines()
                           if line.startswith("VmRSS"))  # fmt: skip
                return f"{int(rss) / 1024:.0f} MB"

    return asyncio.run(run())


def print_understanding(kbs: dict[str, KnowledgeBase], path: Path) -> None:
    items = load_understanding(path)
    scores = score_understanding(kbs, items)
    total = scores.total_answerable
    print(
        f"SEALED {path.name}: {len(items)} messages — {total} for an entry, "
        f"{scores.intents} for the bot's functions, {scores.out_of_scope} out of scope"
    )
    print(f"  right entry first      {scores.top1():6.1%} of {total}   (goal 85 %)")
    for pack_name in PACKS:
        fr, en = scores.top1(pack_name, "fr"), scores.top1(pack_name, "en")
        print(
            f"    {pack_name:<16} {scores.top1(pack_name):6.1%}   (goal 80 %)"
            f"   fr {fr:6.1%}   en {en:6.1%}"
        )
    print(f"    French {scores.top1(lang='fr'):6.1%}, English {scores.top1(lang='en'):6.1%}"
          "   (goal: within 5 points)")  # fmt: skip
    print(f"  confident but wrong    {scores.confident_wrong / max(total, 1):6.1%}   (goal < 2 %)")
    asked = max(scores.intents, 1)
    print(f"  functions followed at once           {scores.intents_right / asked:6.1%} "
          f"of {scores.intents}")  # fmt: skip
    print(f"  functions reached, at once or 1 tap  {scores.intents_reached / asked:6.1%} "
          f"of {scores.intents}   (goal 90 %)")  # fmt: skip
    print(f"  functions offered to other messages: {scores.offers} of "
          f"{total + scores.out_of_scope}")  # fmt: skip
    print(f"  honest 'don't know'    {scores.honest / max(scores.out_of_scope, 1):6.1%} of "
          f"{scores.out_of_scope}   (goal 90 %)")  # fmt: skip
    print(f"  crisis replies to these non-crisis messages: {scores.alarms} of {len(items)}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeat", type=int, default=5, help="passes over the questions")
    parser.add_argument("--show-misses", action="store_true")
    parser.add_argument("--inflate", type=int, default=2000, help="entries per inflated pack")
    parser.add_argument("--sealed", help="a sealed crisis set, run once: figures only")
    parser.add_argument(
        "--sealed-questions", help="a sealed understanding set (entries, intents, out of "
        "scope), run once: figures only")  # fmt: skip
    parser.add_argument("--people", type=int, default=10_000, help="people for the memory")
    parser.add_argument("--memory-only", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()

    if args.memory_only:  # in a process of its own: nothing else has grown the heap
        print(resident_memory(args.people))
        return 0
    print(f"command: {' '.join(sys.argv)}")
    print(f"machine: {platform.platform()}, Python {platform.python_version()}")
    packs = {name: load_pack(content_root() / name) for name in PACKS}
    build = time.perf_counter()
    kbs = {name: KnowledgeBase(pack) for name, pack in packs.items()}
    build_ms = (time.perf_counter() - build) * 1000
    questions = load_questions(EVAL / "questions.yaml")
    entries = {name: len(pack.answers) for name, pack in packs.items()}
    print(f"entries: {entries}; index built in {build_ms:.0f} ms")
    for name in ("questions.yaml", "questions_holdout.yaml"):
        labelled = load_questions(EVAL / name)
        answers = score_answers(kbs, labelled)
        tuned = "never tuned on" if "holdout" in name else "used for development"
        print(f"{name} ({tuned}): {answers.answerable} answerable, "
              f"{answers.out_of_scope} out of scope")  # fmt: skip
        print(f"  top-1 accuracy        {answers.accuracy:6.1%}   (floor 85 %)")
        print(
            f"  answered directly     {answers.answered_right / max(answers.answerable, 1):6.1%}"
        )
        print(f"  confident but wrong   {answers.wrong_rate:6.1%}")
        print(f"  correct 'don't know'  {answers.abstention:6.1%}   (floor 85 %)")
        for pack_name in PACKS:
            for lang in ("fr", "en"):
                part = score_answers(
                    kbs, [q for q in labelled if q.pack == pack_name and q.lang == lang]
                )
                print(
                    f"    {pack_name:<16} {lang}: top-1 {part.accuracy:6.1%} of "
                    f"{part.answerable:3d}, don't know {part.abstention:6.1%} of "
                    f"{part.out_of_scope:2d}"
                )
        if args.show_misses:
            for q, kind, ids in answers.misses:
                print(f"    MISS {q.pack} {q.lang} {q.text!r}: expected {q.expected}, "
                      f"got {kind} {ids}")  # fmt: skip
    for name in ("crisis.yaml", "crisis_holdout.yaml", "crisis_blind2.yaml"):
        print_crisis(f"{name} (development)", score_crisis(kbs, load_crisis(EVAL / name)),
                     args.show_misses)  # fmt: skip
    if args.sealed_questions:
        print_understanding(kbs, Path(args.sealed_questions))
        return 0
    if args.sealed:
        sealed = load_crisis(Path(args.sealed))
        for pack_name in PACKS:
            both = [dataclasses.replace(m, pack=pack_name) for m in sealed]
            print_crisis(f"SEALED {Path(args.sealed).name} in {pack_name}",
                         score_crisis(kbs, both), show_misses=False)  # fmt: skip
        return 0

    times = latency(kbs, questions, args.repeat)
    print(
        f"latency per message, packs as shipped: p50 {statistics.median(times):.3f} ms, "
        f"p99 {pct(times, 99):.3f} ms over {len(times)} messages (goal p99 < 5 ms)"
    )
    big = {name: inflate(pack, args.inflate) for name, pack in packs.items()}
    build = time.perf_counter()
    big_kbs = {name: KnowledgeBase(pack) for name, pack in big.items()}
    build_ms = (time.perf_counter() - build) * 1000
    times = latency(big_kbs, questions, args.repeat)
    print(
        f"latency per message, packs inflated to {args.inflate} entries "
        f"(built in {build_ms:.0f} ms): p50 {statistics.median(times):.3f} ms, "
        f"p99 {pct(times, 99):.3f} ms"
    )
    measured = subprocess.run(
        [sys.executable, __file__, "--memory-only", "--people", str(args.people)],
        capture_output=True, text=True, check=True,
    ).stdout.strip().splitlines()[-1]  # fmt: skip
    print(f"resident memory of the running bot with {args.people:,} people: "
          f"{measured} (goal < 150 MB)")  # fmt: skip
    return 0


if __name__ == "__main__":
    sys.exit(main())
