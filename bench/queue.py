"""The staff queue under a year of requests: creating, claiming, refreshing cards, /stats.

What it does. A fresh SQLite database on disk, in a temporary directory, opened as
the bot opens it (``Services`` built from ``load_settings`` in console mode). About
ten staff are registered (``save_staff``): mediators of each team of the pack and one
coordinator. Then ``--requests`` callback requests from ``--people`` distinct people
(pseudonyms made with the service's ``Pseudonymiser``; every person makes at least one,
some make several) go through ``store.create_request``, in chronological order, with
seeded random moments over 2026 (local time: more on weekdays and in the daytime).
Themes are the pack's theme ids plus "conflit" and "autre" (uneven shares), quartiers
the pack's or none, 10 % are urgent, 30 % ask for a phone call (with a fake local
number), and the team is chosen by ``pack.routing.route``.

Then the staff work through the year, every action in time order with its own
``now``: a request is claimed (by a mediator of its team, now and then by the
coordinator) after a delay that depends on urgency and on the service's opening
hours; a few are released and claimed again, or transferred to another team and
claimed there; about 80 % are closed with an outcome, a few are cancelled by the
person; those whose next step would fall after 31 December stay open or claimed.

Timed:

- ``create_request``: requests per second, and p50/p99 per request;
- ``claim``: p50/p99 per claim, one after another; then a contended claim,
  ``--claimers`` concurrent ``claim`` calls on one new request via ``asyncio.gather``
  (``--rounds`` times, each on a new request), of which exactly one must win;
- the other actions (release, transfer, close, cancel), p50/p99;
- a card refresh: ``Queue.card`` for ``--cards`` stored requests (what editing a card
  in place costs: reading the claimer's name and rendering), alone and with the
  ``get_request`` before it;
- ``open_requests`` for all teams (the queue's listing);
- ``/stats`` over the year: ``monthly_figures`` + ``stats_text``, p50 and max over 5
  runs, against the goal of one second; ``figures_csv`` and ``figures_chart_png`` once.

Sanity checks, not timings: the counts by state in the database are the simulated
ones and add up to ``--requests``; every person has a request; the year's figures
count every request and their outcomes match the states; ``open_requests`` lists the
open and claimed ones; each contended round has exactly one winner, who holds the
request. Otherwise the exit status is 1.

    .venv/bin/python bench/queue.py [--requests 10000] [--people 2000]
                                    [--territory kremlin-bicetre]
"""

from __future__ import annotations

import sys
from pathlib import Path

# This file is named like the standard library's ``queue``, which aiosqlite imports: run as
# a script, its folder must come after the standard library on the import path (a stable
# sort moves it to the end), and the repository first.
sys.path.sort(key=lambda p: Path(p or ".").resolve() == Path(__file__).resolve().parent)
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import argparse
import asyncio
import datetime as dt
import os
import platform
import random
import shlex
import sqlite3
import statistics
import tempfile
import time
from collections import Counter
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from importlib.metadata import version
from typing import Any, TypeVar

from bench.common import filesystem
from bot.clock import ManualClock
from bot.config import load_settings
from bot.i18n import Catalogs, Translator
from bot.requests.queue import OUTCOMES, Queue
from bot.requests.request_steps import AVAILABILITY, normalise_phone
from bot.services import Services
from bot.staff.reports import figures_chart_png, figures_csv, monthly_figures, stats_text
from bot.storage import requests as store
from bot.storage import staff as staff_store
from bot.storage.database import to_db_time
from bot.storage.requests import RequestRecord
from bot.territory import (
    PROFILES,
    SUBJECTS_EXTRA,
    WEEKDAYS,
    OpeningSlot,
    Pack,
    find_pack,
    load_pack,
)

T = TypeVar("T")

YEAR_START, YEAR_END = dt.date(2026, 1, 1), dt.date(2026, 12, 31)
FIRST_TELEGRAM_ID = 200_000_001
FIRST_STAFF_ID = 900_000_001
STATS_RUNS = 5
STATS_GOAL_S = 1.0
MEDIATOR_NAMES = ("Amina", "Bastien", "Chloé", "Djibril", "Élodie", "Farid", "Gaëlle", "Hugo",
                  "Inès", "Jonas", "Kenza", "Léo")  # fmt: skip
DESCRIPTIONS = (
    "Mon bailleur ne répond pas depuis des semaines pour la fuite d'eau.",
    "Mon fils ne va plus au collège, je ne sais pas quoi faire.",
    "Du bruit tous les soirs dans la cage d'escalier.",
    "J'ai besoin d'aide pour un dossier de la CAF.",
    "Je voudrais parler à quelqu'un, ça ne va pas en ce moment.",
    "Comment m'inscrire à une activité pour les jeunes ?",
)
OUTCOME_WEIGHTS = {"contacted": 55, "oriented": 25, "no_answer": 14, "not_needed": 6}
SOURCE_WEIGHTS = {"menu": 60, "answer": 25, "deeplink": 6, "crisis": 4, "command": 5}
# Share of requests made at each local hour (0-23): few at night, most in the day.
HOUR_WEIGHTS = (1, 1, 1, 1, 1, 1, 2, 4, 7, 9, 10, 10, 9, 9, 10, 10, 10, 9, 9, 8, 7, 5, 3, 2)


# --- the simulated year ---------------------------------------------------------------------


@dataclass
class Staff:
    pseudonym: str
    name: str
    role: str
    team: str | None


@dataclass(frozen=True)
class Draft:
    """The arguments of one ``create_request``."""

    pseudonym: str
    chat_id: int
    team: str
    theme: str
    profile: str | None
    quartier: str | None
    urgent: bool
    channel: str
    phone: str | None
    availability: str | None
    description: str | None
    source: str
    created_at: dt.datetime


@dataclass(order=True)
class Action:
    """One step of the staff's (or the person's) work on a request, at ``at``."""

    at: dt.datetime
    seq: int
    kind: str = field(compare=False)
    """``claim``, ``release``, ``transfer``, ``close`` or ``cancel``."""
    request: int = field(compare=False)
    """Index of the request in creation order."""
    staff: str = field(compare=False, default="")
    value: str = field(compare=False, default="")
    """The team of a transfer, the outcome of a close."""


class Hours:
    """The service's opening hours (the pack's, else weekdays 9:00-17:00), local time."""

    def __init__(self, pack: Pack) -> None:
        slots = pack.territory.opening_hours or (
            OpeningSlot(days=WEEKDAYS[:5], opens=dt.time(9), closes=dt.time(17)),
        )
        self.by_day = {
            d: sorted((s.opens, s.closes) for s in slots if WEEKDAYS[d] in s.days)
            for d in range(7)
        }
        self.tz = pack.tz

    def is_open(self, moment: dt.datetime) -> bool:
        local = moment.astimezone(self.tz)
        return any(o <= local.time() < c for o, c in self.by_day[local.weekday()])

    def next_opening(self, moment: dt.datetime) -> dt.datetime:
        """``moment`` if the service is open then, else when it next opens."""
        if self.is_open(moment):
            return moment
        local = moment.astimezone(self.tz)
        for days in range(8):
            day = local.date() + dt.timedelta(days=days)
            for opens, _ in self.by_day[day.weekday()]:
                start = dt.datetime.combine(day, opens, self.tz)
                if start > local:
                    return start.astimezone(dt.UTC)
        return moment  # never open: answered whenever


def minutes(rng: random.Random, median: float, sigma: float) -> dt.timedelta:
    """A log-normal delay: most near ``median`` minutes, a long tail."""
    return dt.timedelta(minutes=rng.lognormvariate(0, sigma) * median)


def fake_phone(pack: Pack, rng: random.Random) -> str:
    digits = pack.territory.phone_digits
    first = "0" + rng.choice("67") if digits == 10 else rng.choice("2456789")  # a mobile
    raw = first + "".join(rng.choice("0123456789") for _ in range(digits - len(first)))
    phone = normalise_phone(pack, raw)
    assert phone is not None, raw
    return phone


def request_moments(pack: Pack, rng: random.Random, n: int) -> list[dt.datetime]:
    """``n`` moments of 2026 (local days and hours, weekends quieter), in time order."""
    days = [YEAR_START + dt.timedelta(days=i) for i in range((YEAR_END - YEAR_START).days + 1)]
    day_weights = [0.5 if d.weekday() >= 5 else 1.0 for d in days]
    moments = []
    for day, hour in zip(
        rng.choices(days, day_weights, k=n), rng.choices(range(24), HOUR_WEIGHTS, k=n), strict=True
    ):
        local = dt.datetime.combine(day, dt.time(hour, rng.randrange(60), rng.randrange(60)))
        moments.append(local.replace(tzinfo=pack.tz).astimezone(dt.UTC))
    return sorted(moments)


def make_drafts(
    pack: Pack, rng: random.Random, people: list[tuple[int, str]], n: int
) -> list[Draft]:
    assert pack.routing is not None
    subjects = [*(t.id for t in pack.themes.themes), *SUBJECTS_EXTRA]
    subject_weights = [rng.uniform(1, 6) for _ in subjects]
    quartiers = [q.id for q in pack.places.quartiers]
    # Everyone makes one request; the rest go mostly to a few people (a long tail).
    who = list(range(len(people)))
    rng.shuffle(who)
    activity = [1 / (rank + 1) ** 0.8 for rank in range(len(people))]
    who += rng.choices(range(len(people)), activity, k=n - len(people))
    rng.shuffle(who)
    drafts = []
    for person, created_at in zip(who, request_moments(pack, rng, n), strict=True):
        chat_id, pseudonym = people[person]
        theme = rng.choices(subjects, subject_weights)[0]
        profile = rng.choice(PROFILES) if pack.routing.ask_profile else None
        quartier = rng.choice(quartiers) if rng.random() < 0.75 else None
        urgent = rng.random() < 0.10
        phone = fake_phone(pack, rng) if rng.random() < 0.30 else None
        drafts.append(
            Draft(
                pseudonym=pseudonym,
                chat_id=chat_id,
                team=pack.routing.route(theme, profile, quartier, urgent),
                theme=theme,
                profile=profile,
                quartier=quartier,
                urgent=urgent,
                channel="phone" if phone else "telegram",
                phone=phone,
                availability=rng.choice(list(AVAILABILITY)) if phone else None,
                description=rng.choice(DESCRIPTIONS) if rng.random() < 0.4 else None,
                source=rng.choices(list(SOURCE_WEIGHTS), list(SOURCE_WEIGHTS.values()))[0],
                created_at=created_at,
            )
        )
    return drafts


def plan_year(
    drafts: list[Draft],
    staff: list[Staff],
    pack: Pack,
    rng: random.Random,
    end: dt.datetime,
) -> tuple[list[Action], Counter[str]]:
    """What happens to every request until ``end``, and the state each is left in."""
    hours = Hours(pack)
    teams = [t.id for t in pack.teams.teams]
    mediators = {t: [s for s in staff if s.team == t] for t in teams}
    coordinator = next(s for s in staff if s.role == "coordinator")
    actions: list[Action] = []
    final: Counter[str] = Counter()

    def claimer(team: str, besides: str = "") -> Staff:
        pool = [s for s in mediators[team] if s.pseudonym != besides] or [coordinator]
        return coordinator if rng.random() < 0.08 else rng.choice(pool)

    def claim_delay(created: dt.datetime, urgent: bool) -> dt.datetime:
        if hours.is_open(created):
            return created + minutes(rng, 8 if urgent else 90, 0.9)
        # Out of hours: an urgent one is often seen by someone on call, the rest wait.
        if urgent and rng.random() < 0.5:
            return created + minutes(rng, 25, 0.8)
        return hours.next_opening(created) + minutes(rng, 10 if urgent else 45, 1.0)

    for i, draft in enumerate(drafts):
        steps: list[tuple[dt.datetime, str, str, str]] = []
        state = "open"
        if rng.random() < 0.02:  # the person withdraws it before anyone takes it
            steps.append((draft.created_at + minutes(rng, 60, 1.0), "cancel", "", ""))
        else:
            team = draft.team
            at = claim_delay(draft.created_at, draft.urgent)
            holder = claimer(team)
            steps.append((at, "claim", holder.pseudonym, ""))
            twist = rng.random()
            if twist < 0.04:  # released, then taken by a colleague
                at += minutes(rng, 30, 0.8)
                steps.append((at, "release", holder.pseudonym, ""))
                at = hours.next_opening(at + minutes(rng, 60, 1.0))
                holder = claimer(team, besides=holder.pseudonym)
                steps.append((at, "claim", holder.pseudonym, ""))
            elif twist < 0.07 and len(teams) > 1:  # sent to another team, taken there
                team = rng.choice([t for t in teams if t != team])
                at += minutes(rng, 20, 0.8)
                steps.append((at, "transfer", holder.pseudonym, team))
                at = hours.next_opening(at + minutes(rng, 60, 1.0))
                holder = claimer(team)
                steps.append((at, "claim", holder.pseudonym, ""))
            if rng.random() < 0.86:
                at = hours.next_opening(at + minutes(rng, 600, 1.2))
                outcome = rng.choices(list(OUTCOME_WEIGHTS), list(OUTCOME_WEIGHTS.values()))[0]
                steps.append((at, "close", holder.pseudonym, outcome))
        for at, kind, who, value in steps:
            if at >= end:  # after the year: not done yet
                break
            actions.append(Action(at, len(actions), kind, i, who, value))
            state = {"claim": "claimed", "release": "open", "transfer": "open",
                     "close": "closed", "cancel": "cancelled"}[kind]  # fmt: skip
        final[state] += 1
    actions.sort()
    return actions, final


# --- measuring ------------------------------------------------------------------------------


@dataclass
class Timing:
    name: str
    seconds: list[float] = field(default_factory=list)

    async def time(self, call: Awaitable[T]) -> T:
        started = time.perf_counter()
        result = await call
        self.seconds.append(time.perf_counter() - started)
        return result

    def row(self, rate: bool = False) -> str:
        values = self.seconds
        total = sum(values)
        per_s = f"{len(values) / total:>10.0f}" if rate and total else f"{'':>10}"
        return (
            f"{self.name:<36}{len(values):>7}{total:>9.3f}{per_s}"
            f"{percentile(values, 50) * 1e3:>10.3f}{percentile(values, 99) * 1e3:>10.3f}"
            f"{max(values) * 1e3:>10.3f}"
        )


def percentile(values: list[float], p: float) -> float:
    """Nearest-rank percentile (``p`` in 0-100) of a non-empty list."""
    ordered = sorted(values)
    rank = max(1, -(-len(ordered) * p // 100))
    return ordered[int(rank) - 1]


def timed_sync(timing: Timing, function: Callable[..., T], *args: Any) -> T:
    started = time.perf_counter()
    result = function(*args)
    timing.seconds.append(time.perf_counter() - started)
    return result


# --- the bench ------------------------------------------------------------------------------


async def register_staff(services: Services, pack: Pack, now: dt.datetime) -> list[Staff]:
    """A few mediators per team (about ten staff in all) and one coordinator."""
    teams = [t.id for t in pack.teams.teams]
    per_team = max(1, 9 // len(teams))
    staff = []
    names = iter(MEDIATOR_NAMES * 10)
    for team in teams:
        for _ in range(per_team):
            staff.append(Staff("", next(names), "mediator", team))
    staff.append(Staff("", "Nadia (coordination)", "coordinator", None))
    for i, member in enumerate(staff):
        member.pseudonym = services.pseudonymise(FIRST_STAFF_ID + i)
        await staff_store.save_staff(
            services.db, member.pseudonym, member.name, member.role, member.team, now, None
        )
    return staff


async def perform(db: Any, action: Action, request_id: int) -> bool:
    if action.kind == "claim":
        return await store.claim(db, request_id, action.staff, action.at)
    if action.kind == "release":
        return await store.release(db, request_id, action.staff, action.at)
    if action.kind == "transfer":
        return await store.transfer(db, request_id, action.value, action.staff, action.at)
    if action.kind == "close":
        return await store.close(db, request_id, action.value, action.staff, action.at)
    raise ValueError(f"unknown action {action.kind!r}")


async def run(args: argparse.Namespace, db_path: Path) -> int:
    failures: list[str] = []

    def check(ok: bool, what: str) -> None:
        print(f"  {'ok  ' if ok else 'FAIL'} {what}")
        if not ok:
            failures.append(what)

    pack = load_pack(find_pack(args.territory))
    tz = pack.tz
    year_start = dt.datetime.combine(YEAR_START, dt.time(), tz).astimezone(dt.UTC)
    year_end = dt.datetime.combine(YEAR_END + dt.timedelta(days=1), dt.time(), tz)
    year_end = year_end.astimezone(dt.UTC)
    clock = ManualClock(year_start)
    settings = load_settings(
        {
            "PASSERELLE_MODE": "console",
            "PASSERELLE_TERRITORY": args.territory,
            "PASSERELLE_DB": str(db_path),
            "PASSERELLE_PSEUDONYM_SECRET": "bench-secret-bench-secret-bench-secret-4",
        }
    )
    services = Services(settings, pack, clock=clock)
    tr: Translator = Catalogs().translator("fr", tz)
    rng = random.Random(args.seed)

    prepared = time.perf_counter()
    people = [
        (FIRST_TELEGRAM_ID + i, services.pseudonymise(FIRST_TELEGRAM_ID + i))
        for i in range(args.people)
    ]
    drafts = make_drafts(pack, rng, people, args.requests)
    await services.open()
    try:
        db = services.db
        staff = await register_staff(services, pack, year_start)
        actions, final = plan_year(drafts, staff, pack, rng, year_end)
        prepared_s = time.perf_counter() - prepared
        teams = Counter(d.team for d in drafts)
        print(
            f"load: {args.requests} requests from {args.people} people over "
            f"{YEAR_START}..{YEAR_END} ({tz.key}), territory {args.territory}, seed "
            f"{args.seed}; {len(staff)} staff; {len(actions)} staff actions; "
            f"prepared in {prepared_s:.2f} s"
        )
        print(
            f"  urgent {sum(d.urgent for d in drafts)}, "
            f"phone {sum(d.phone is not None for d in drafts)}, "
            f"no quartier {sum(d.quartier is None for d in drafts)}; by team: "
            + ", ".join(f"{t} {n}" for t, n in sorted(teams.items()))
        )

        # create_request, in time order, one after another
        create = Timing("create_request")
        records: list[RequestRecord] = []
        started = time.perf_counter()
        for d in drafts:
            record = await create.time(
                store.create_request(
                    db, pseudonym=d.pseudonym, chat_id=d.chat_id, team=d.team, theme=d.theme,
                    profile=d.profile, quartier=d.quartier, urgent=d.urgent, channel=d.channel,
                    phone=d.phone, availability=d.availability, description=d.description,
                    source=d.source, now=d.created_at,
                )
            )  # fmt: skip
            records.append(record)
        create_wall = time.perf_counter() - started

        # the year's work, in time order
        timings = {k: Timing(f"{k} (sequential)" if k == "claim" else k) for k in
                   ("claim", "release", "transfer", "close", "cancel")}  # fmt: skip
        refused: Counter[str] = Counter()
        started = time.perf_counter()
        for action in actions:
            record = records[action.request]
            if action.kind == "cancel":
                ok = await timings["cancel"].time(
                    store.cancel(db, record.id, record.pseudonym or "", action.at)
                )
            else:
                ok = await timings[action.kind].time(perform(db, action, record.id))
            if not ok:
                refused[action.kind] += 1
        actions_wall = time.perf_counter() - started

        # card refresh
        clock.set(year_end - dt.timedelta(minutes=1))
        queue = Queue(db, pack, clock)
        sample = random.Random(args.seed + 1).sample(records, min(args.cards, len(records)))
        fresh = [await store.get_request(db, r.id) for r in sample]
        shown = [r for r in fresh if r is not None]
        for r in shown[:50]:  # warm-up, not counted
            await queue.card(r, tr)
        card = Timing("card refresh: Queue.card")
        read_card = Timing("card refresh: get_request + card")
        for r in shown:
            await card.time(queue.card(r, tr))
        for r in shown:
            started = time.perf_counter()
            again = await store.get_request(db, r.id)
            assert again is not None
            await queue.card(again, tr)
            read_card.seconds.append(time.perf_counter() - started)
        card_states = Counter(r.state for r in shown)
        claimed_card = Timing("  of which claimed (reads the staff)")
        claimed_card.seconds = [
            t for r, t in zip(shown, card.seconds, strict=True) if r.state == "claimed"
        ]

        # the queue's listing
        listing = Timing("open_requests (all teams)")
        pending: list[RequestRecord] = []
        for _ in range(STATS_RUNS):
            pending = await listing.time(store.open_requests(db, None))

        # /stats over the year
        figures_t, text_t, both_t = (
            Timing("/stats: monthly_figures"),
            Timing("/stats: stats_text"),
            Timing("/stats: figures + text"),
        )
        figures = None
        text = ""
        for _ in range(STATS_RUNS):
            started = time.perf_counter()
            figures = await figures_t.time(
                monthly_figures(db, pack, YEAR_START, YEAR_END, now=year_end)
            )
            text = timed_sync(text_t, stats_text, figures, pack, tr)
            both_t.seconds.append(time.perf_counter() - started)
        assert figures is not None
        csv_t, png_t, png2_t = (
            Timing("report: figures_csv"),
            Timing("report: figures_chart_png (1st)"),
            Timing("report: figures_chart_png (again)"),
        )
        csv_text = timed_sync(csv_t, figures_csv, figures, pack, tr)
        png = timed_sync(png_t, figures_chart_png, figures, pack, tr)
        timed_sync(png2_t, figures_chart_png, figures, pack, tr)

        # contended claim: a new request (made after the year, so outside the figures)
        contended = Timing(f"contended: {args.claimers} claims, per round")
        winners_per_round: list[int] = []
        holders_ok = 0
        first_winner = ""
        for n in range(args.rounds):
            now = year_end + dt.timedelta(hours=1 + n)
            d = drafts[n]
            fresh_request = await store.create_request(
                db, pseudonym=d.pseudonym, chat_id=d.chat_id, team=d.team, theme=d.theme,
                profile=None, quartier=None, urgent=True, channel="telegram", phone=None,
                availability=None, description=None, source="menu", now=now,
            )  # fmt: skip
            claimers = [staff[i % len(staff)] for i in range(args.claimers)]
            results = await contended.time(
                asyncio.gather(
                    *(store.claim(db, fresh_request.id, s.pseudonym, now) for s in claimers)
                )
            )
            won = [s for s, ok in zip(claimers, results, strict=True) if ok]
            winners_per_round.append(len(won))
            after = await store.get_request(db, fresh_request.id)
            if len(won) == 1 and after is not None and after.claimed_by == won[0].pseudonym:
                holders_ok += 1
            if n == 0 and won:
                first_winner = f"{won[0].name} (claim #{results.index(True) + 1})"

        # --- report ---
        print()
        print(
            f"{'operation':<36}{'n':>7}{'total s':>9}{'per s':>10}{'p50 ms':>10}{'p99 ms':>10}"
            f"{'max ms':>10}"
        )
        print(create.row(rate=True))
        for name in ("claim", "release", "transfer", "close", "cancel"):
            if timings[name].seconds:
                print(timings[name].row(rate=True))
        print(contended.row())
        print(card.row(rate=True))
        if claimed_card.seconds:
            print(claimed_card.row(rate=True))
        print(read_card.row(rate=True))
        print(listing.row())
        for timing in (figures_t, text_t, both_t, csv_t, png_t, png2_t):
            print(timing.row())
        print(
            f"(create_request: {len(drafts) / create_wall:.0f} requests/s wall-clock; "
            f"the year's {len(actions)} staff actions in {actions_wall:.2f} s; cards drawn from "
            + ", ".join(f"{s} {n}" for s, n in sorted(card_states.items()))
            + f"; open_requests returns {len(pending)} requests)"
        )
        stats_p50, stats_max = statistics.median(both_t.seconds), max(both_t.seconds)
        verdict = "yes" if stats_max < STATS_GOAL_S else "NO"
        print(
            f"/stats over a year ({figures.total} requests): p50 {stats_p50 * 1e3:.1f} ms, max "
            f"{stats_max * 1e3:.1f} ms over {STATS_RUNS} runs; under {STATS_GOAL_S:.0f} s: "
            f"{verdict}"
        )
        claim_f, close_f = figures.time_to_claim, figures.time_to_close
        print(
            f"figures: time to claim median {claim_f.median:.0f} min, p90 {claim_f.p90:.0f} min "
            f"({claim_f.count}); time to close median {close_f.median:.0f} min, p90 "
            f"{close_f.p90:.0f} min ({close_f.count}); /stats text {len(text)} chars, CSV "
            f"{len(csv_text.splitlines())} lines, chart {len(png) / 1024:.0f} KiB"
        )
        db_size = sum(p.stat().st_size for p in db_path.parent.iterdir() if p.is_file())
        print(f"database files: {db_size / 1024 / 1024:.1f} MiB")

        # --- checks ---
        print()
        print("checks:")
        rows = await db.all("SELECT state, COUNT(*) AS n FROM request GROUP BY state")
        in_db = Counter({r["state"]: r["n"] for r in rows})
        in_db["claimed"] -= args.rounds  # the contended requests
        in_db = +in_db
        shown_states = ", ".join(
            f"{s} {in_db[s]}" for s in ("open", "claimed", "closed", "cancelled")
        )
        check(
            in_db == final and sum(in_db.values()) == args.requests,
            f"requests by state ({shown_states}) are the simulated ones and add up to "
            f"{sum(in_db.values())}/{args.requests}",
        )
        check(not refused, f"every planned action succeeded (refused: {dict(refused) or 'none'})")
        persons = await db.value(
            "SELECT COUNT(DISTINCT pseudonym) FROM request WHERE created_at < ?",
            (to_db_time(year_end),),
        )
        check(persons == args.people, f"{persons} distinct people made requests")
        outcomes = figures.breakdown.get("outcome", {})
        closed_in_figures = sum(outcomes.get(o, 0) for o in OUTCOMES)
        check(
            figures.total == args.requests
            and sum(figures.breakdown.get("team", {}).values()) == args.requests
            and closed_in_figures == in_db["closed"]
            and all(outcomes.get(s, 0) == in_db[s] for s in ("open", "claimed", "cancelled")),
            f"the year's figures count {figures.total} requests, {closed_in_figures} closed "
            "with an outcome, and match the states",
        )
        check(
            len(pending) == in_db["open"] + in_db["claimed"],
            f"open_requests lists the {len(pending)} open and claimed requests",
        )
        one = sum(w == 1 for w in winners_per_round)
        check(
            one == args.rounds and holders_ok == args.rounds,
            f"contended claim: exactly one winner of {args.claimers} in {one}/{args.rounds} "
            f"rounds, holding the request in {holders_ok}; first round won by {first_winner}",
        )
    finally:
        await services.close()
    if failures:
        print("FAILED: " + "; ".join(failures))
        return 1
    print("all checks passed")
    return 0


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("--requests", type=int, default=10_000, help="requests (default 10000)")
    parser.add_argument("--people", type=int, default=2000, help="distinct people (default 2000)")
    parser.add_argument(
        "--territory", default="kremlin-bicetre", help="territory pack (default kremlin-bicetre)"
    )
    parser.add_argument("--seed", type=int, default=2026, help="random seed (default 2026)")
    parser.add_argument("--cards", type=int, default=1000, help="cards refreshed (default 1000)")
    parser.add_argument(
        "--claimers", type=int, default=20, help="concurrent claims on one request (default 20)"
    )
    parser.add_argument(
        "--rounds", type=int, default=20, help="contended-claim rounds (default 20)"
    )
    args = parser.parse_args(argv)
    if min(args.people, args.cards, args.claimers, args.rounds) < 1:
        parser.error("--people, --cards, --claimers and --rounds must be at least 1")
    if args.requests < max(args.people, args.rounds):
        parser.error("--requests must be at least --people (everyone makes a request)")
    return args


async def main(args: argparse.Namespace) -> int:
    with tempfile.TemporaryDirectory(prefix="passerelle-bench-") as tmp:
        db_path = Path(tmp) / "bench.sqlite3"
        print("command: " + shlex.join(sys.orig_argv))
        print(
            f"machine: {platform.platform()}, {os.cpu_count()} CPUs, "
            f"Python {platform.python_version()}, aiosqlite {version('aiosqlite')}, "
            f"SQLite {sqlite3.sqlite_version}"
        )
        print(
            f"database: SQLite file on disk in a temporary directory ({db_path}, "
            f"filesystem {filesystem(db_path.parent)}), WAL"
        )
        return await run(args, db_path)


if __name__ == "__main__":
    sys.exit(asyncio.run(main(parse_args())))
