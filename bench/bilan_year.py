"""A year of a service, generated, and its bilan: the picture shown in the README.

What it does. A fresh SQLite database in a temporary directory, filled through
``bot/storage``'s functions only (no SQL here): about ``--requests`` callback requests
over 2026 (more in term time than in the holidays, in the daytime, on weekdays), with
the pack's teams, themes and quartiers in uneven shares, the public (young people,
residents, parents) where the pack asks it, 8 % urgent, a first contact after a delay
that is usually a few hours and sometimes days, outcomes, a rating for some of the
closed ones, and the last requests of December still waiting; the bot's own day counts
(answers, suggestions, "I don't know" by theme, crisis cards by tier); and a few events
a month from March, with sign-ups, a waiting list when full, and attendance marked.

Then the bilan as ``/stats`` and ``python -m bot report`` make it, as it stands on
5 January 2027: figures, message, CSV and picture, each timed. The picture is written
to ``--out`` (``docs/bilan-exemple.png`` by default), the CSV beside it when
``--csv`` is given, and the message is printed.

    .venv/bin/python bench/bilan_year.py [--territory dumbea] [--requests 2000]
                                         [--seed 2026] [--out docs/bilan-exemple.png]
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[0] = str(ROOT)  # not bench/, whose queue.py would shadow the standard one

import argparse  # noqa: E402
import asyncio  # noqa: E402
import datetime as dt  # noqa: E402
import math  # noqa: E402
import random  # noqa: E402
import tempfile  # noqa: E402
import time  # noqa: E402
from collections import Counter  # noqa: E402
from collections.abc import Awaitable, Callable  # noqa: E402
from typing import Any, TypeVar  # noqa: E402

from bot.i18n import Catalogs  # noqa: E402
from bot.staff.reports import (  # noqa: E402
    csv_bytes,
    figures_chart_png,
    figures_csv,
    monthly_figures,
    stats_text,
)
from bot.storage import Database  # noqa: E402
from bot.storage import attendance as attendance_store  # noqa: E402
from bot.storage import events as events_store  # noqa: E402
from bot.storage import usage as usage_store  # noqa: E402
from bot.storage.event_edits import create_event  # noqa: E402
from bot.storage.requests import PastRequest, insert_past_requests  # noqa: E402
from bot.territory import PROFILES, SUBJECTS_EXTRA, Pack, find_pack, load_pack  # noqa: E402

T = TypeVar("T")
YEAR = 2026
REPORT_AT = dt.datetime(YEAR + 1, 1, 5, 9, 0, tzinfo=dt.UTC)

# Requests per month, relative: the long holidays (December–February in New Caledonia,
# July–August in France) are quieter, the school year's starts busier.
SEASONS = {
    "Pacific/Noumea": (0.5, 0.7, 1.1, 1.1, 1.0, 1.0, 1.1, 1.0, 1.1, 1.2, 1.0, 0.6),
    "default": (0.9, 1.0, 1.1, 1.0, 1.0, 1.0, 0.6, 0.5, 1.2, 1.2, 1.1, 0.8),
}
OUTCOMES = (("contacted", 55), ("oriented", 25), ("no_answer", 12), ("not_needed", 8))
RATINGS = (("good", 70), ("neutral", 20), ("bad", 10))


def weighted(rng: random.Random, pairs: tuple[tuple[str, float], ...] | list[Any]) -> str:
    names, weights = zip(*pairs, strict=True)
    return str(rng.choices(names, weights)[0])


def poisson(rng: random.Random, mean: float) -> int:
    """Knuth's method: small means only, which is all a day's counts need."""
    limit, k, p = math.exp(-mean), 0, 1.0
    while True:
        p *= rng.random()
        if p <= limit:
            return k
        k += 1


def moments(rng: random.Random, pack: Pack, n: int) -> list[dt.datetime]:
    """``n`` local moments of the year: seasons, weekdays, the daytime."""
    season = SEASONS.get(str(pack.tz), SEASONS["default"])
    days = [dt.date(YEAR, 1, 1) + dt.timedelta(days=i) for i in range(365)]
    weights = [season[d.month - 1] * (0.45 if d.weekday() >= 5 else 1.0) for d in days]
    out = []
    for day in rng.choices(days, weights, k=n):
        hour = min(23.9, max(0.0, rng.gauss(14.5, 3.5)))
        local = dt.datetime.combine(day, dt.time(), pack.tz) + dt.timedelta(hours=hour)
        out.append(local.astimezone(dt.UTC))
    return sorted(out)


def requests_of(rng: random.Random, pack: Pack, n: int) -> list[PastRequest]:
    teams = [t.id for t in pack.teams.teams]
    themes = [(t.id, w) for t, w in zip(pack.themes.themes, (30, 22, 18, 14, 9, 7), strict=False)]
    subjects = [*themes, *((s, 4) for s in SUBJECTS_EXTRA)]
    quartiers = [(q.id, 1 + 6 / (i + 1)) for i, q in enumerate(pack.places.quartiers)]
    asks_profile = pack.routing is not None and pack.routing.ask_profile
    rows = []
    for i, created in enumerate(moments(rng, pack, n)):
        urgent = rng.random() < 0.08
        # Usually a few hours (urgent ones faster); a long tail over a week-end or more.
        claim_h = rng.lognormvariate(math.log(0.6 if urgent else 3.5), 1.1)
        claimed: dt.datetime | None = created + dt.timedelta(hours=claim_h)
        closed: dt.datetime | None = None
        state, outcome, rating = "claimed", None, None
        if rng.random() < 0.04:
            state, claimed = "cancelled", None
            closed = created + dt.timedelta(hours=rng.uniform(0.2, 20))
        elif claimed is not None and (
            claimed > REPORT_AT - dt.timedelta(days=2)
            or (created > REPORT_AT - dt.timedelta(days=14) and rng.random() < 0.3)
        ):
            state, claimed = "open", None  # still waiting when the bilan is written
        else:
            assert claimed is not None
            closed = claimed + dt.timedelta(hours=rng.lognormvariate(math.log(30), 1.0))
            if closed < REPORT_AT - dt.timedelta(days=1):
                state, outcome = "closed", weighted(rng, OUTCOMES)
                rating = weighted(rng, RATINGS) if rng.random() < 0.4 else None
            else:
                closed = None
        theme = weighted(rng, subjects)
        profile = weighted(rng, [("young", 55), ("resident", 30), ("parent", 15)])
        rows.append(
            PastRequest(
                reference=f"B{i:06d}",
                created_at=created,
                team=pack.routing.route(theme, profile, None, urgent)
                if pack.routing
                else teams[0],
                theme=theme,
                state=state,
                quartier=weighted(rng, quartiers) if rng.random() < 0.8 else None,
                urgent=urgent,
                channel="phone" if rng.random() < 0.3 else "telegram",
                outcome=outcome,
                claimed_at=claimed,
                closed_at=closed,
                profile=profile if asks_profile and profile in PROFILES else None,
                rating=rating,
            )
        )
    return rows


def usage_of(rng: random.Random, pack: Pack) -> list[usage_store.UsageCount]:
    """A day's questions: answers and suggestions by theme, "I don't know", crisis cards."""
    season = SEASONS.get(str(pack.tz), SEASONS["default"])
    themes = [(t.id, w) for t, w in zip(pack.themes.themes, (30, 22, 18, 14, 9, 7), strict=False)]
    counts: list[usage_store.UsageCount] = []
    for i in range(365):
        day = dt.date(YEAR, 1, 1) + dt.timedelta(days=i)
        busy = season[day.month - 1]
        for kind, mean in (
            (usage_store.ANSWER, 9 * busy),
            (usage_store.SUGGESTION, 3 * busy),
            (usage_store.UNKNOWN, 2 * busy),
        ):
            found = Counter(
                usage_store.NO_KEY if kind == usage_store.UNKNOWN else weighted(rng, themes)
                for _ in range(poisson(rng, mean))
            )
            counts += [
                usage_store.UsageCount(day.isoformat(), kind, k, n) for k, n in found.items()
            ]
        for tier, mean in (("concern", 0.12), ("urgent", 0.04)):
            if n := poisson(rng, mean):
                counts.append(usage_store.UsageCount(day.isoformat(), usage_store.CRISIS, tier, n))
    return counts


async def events_of(rng: random.Random, pack: Pack, db: Database) -> int:
    """A few events a month from March: sign-ups (a waiting list once full), attendance
    marked for most. Returns how many registrations were made."""
    made = 0
    kinds = ("workshop", "tournament", "cinema", "meeting", "braderie")
    quartiers = [q.id for q in pack.places.quartiers]
    for month in range(3, 13):
        for _ in range(rng.choice((1, 2, 2, 3))):
            day = dt.date(YEAR, month, rng.randint(1, 28))
            starts = dt.datetime.combine(day, dt.time(14), pack.tz).astimezone(dt.UTC)
            published = starts - dt.timedelta(days=21)
            capacity = rng.choice((12, 16, 20, 30, None))
            event_id = await create_event(
                db, kind=rng.choice(kinds), title_fr="Atelier", title_en="Workshop",
                place="Maison de quartier", quartier=rng.choice(quartiers), starts_at=starts,
                ends_at=starts + dt.timedelta(hours=3), capacity=capacity, deadline=None,
                now=published,
            )  # fmt: skip
            wanted = rng.randint(6, (capacity or 25) + 8)
            for k in range(wanted):
                when = published + dt.timedelta(hours=1 + k * 6)
                taken = await events_store.sign_up(db, event_id, f"bench-{event_id}-{k}", when)
                made += 1
                if taken.state == "confirmed" and rng.random() < 0.85:
                    present = rng.random() < 0.8
                    await attendance_store.set_attended(db, taken.registration_id, present, starts)
    return made


async def timed(label: str, work: Callable[[], Awaitable[T]], log: list[str]) -> T:
    started = time.perf_counter()
    result = await work()
    log.append(f"{label:<44}{(time.perf_counter() - started) * 1e3:>10.1f} ms")
    return result


def timed_sync(label: str, work: Callable[[], T], log: list[str]) -> T:
    started = time.perf_counter()
    result = work()
    log.append(f"{label:<44}{(time.perf_counter() - started) * 1e3:>10.1f} ms")
    return result


def write(path: Path, content: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(content)


async def run(args: argparse.Namespace) -> int:
    pack = load_pack(find_pack(args.territory))
    rng = random.Random(args.seed)
    tr = Catalogs().translator(args.language, pack.tz, pack.territory.address)
    log: list[str] = []
    with tempfile.TemporaryDirectory(prefix="passerelle-bilan-") as tmp:
        db = Database(Path(tmp) / "bilan.sqlite3")
        await db.open()
        try:
            rows = requests_of(rng, pack, args.requests)
            await timed(f"store {len(rows)} requests", lambda: insert_past_requests(db, rows), log)
            counts = usage_of(rng, pack)
            await timed(
                f"store {len(counts)} day counts", lambda: usage_store.add_counts(db, counts), log
            )
            signups = await timed(
                "store events and sign-ups", lambda: events_of(rng, pack, db), log
            )
            start, end = dt.date(YEAR, 1, 1), dt.date(YEAR, 12, 31)
            figures = await timed(
                "monthly_figures (the year)",
                lambda: monthly_figures(db, pack, start, end, now=REPORT_AT),
                log,
            )
            text = timed_sync("stats_text", lambda: stats_text(figures, pack, tr), log)
            table = timed_sync("figures_csv", lambda: figures_csv(figures, pack, tr), log)
            png = timed_sync(
                "figures_chart_png", lambda: figures_chart_png(figures, pack, tr), log
            )
        finally:
            await db.close()
    out = Path(args.out)
    write(out, png)
    if args.csv:
        write(Path(args.csv), csv_bytes(table))
    print(f"{pack.id}: {len(rows)} requests, {sum(c.n for c in counts)} questions counted, "
          f"{figures.events.held} events, {signups} sign-ups")  # fmt: skip
    print("\n".join(log))
    print(f"picture: {out} ({len(png) / 1024:.0f} KiB); message: {len(text)} characters; "
          f"CSV: {len(table.splitlines())} lines")  # fmt: skip
    print()
    print(text)
    if figures.total != len(rows) or len(text) > 4096:
        print("FAILED: the year's figures do not count every request, or the message is too long")
        return 1
    return 0


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("--territory", default="dumbea", help="territory pack (default dumbea)")
    parser.add_argument("--requests", type=int, default=2000, help="requests (default 2000)")
    parser.add_argument("--seed", type=int, default=2026, help="random seed (default 2026)")
    parser.add_argument("--language", choices=("fr", "en"), default="fr")
    parser.add_argument("--out", default=str(ROOT / "docs" / "bilan-exemple.png"))
    parser.add_argument("--csv", help="also write the CSV there")
    return parser.parse_args(argv)


if __name__ == "__main__":
    sys.exit(asyncio.run(run(parse_args())))
