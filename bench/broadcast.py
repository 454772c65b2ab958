"""A broadcast to thousands of subscribers, against Telegram's rate limit, and across a kill.

What it does. In a temporary directory, a fresh SQLite database gets ``--subscribers``
people subscribed to workshops (``save_subscription``: pseudonym, chat id, topic
"workshop"; one in four reads English), and one broadcast to them
(``create_broadcast``, ``Audience(subject="workshop")``, a text in French and in
English with one button, and a progress message for a staff group). A local Bot API
(:mod:`bench.botapi`) listens on 127.0.0.1 and enforces ``--rate`` messages per second
overall, one per second per chat and 20 a minute per group, answering 429 with
``retry_after`` beyond. The bot then runs as in production, as a real process:
``python -m bot run`` in polling mode, with ``PASSERELLE_BOT_API_URL`` pointing at the
local API. At start it resumes every running broadcast, so it begins sending at once.

Two phases, each on its own fresh database and server:

- **A, no kill**: the bot sends the whole broadcast; the bench waits for the
  broadcast's state ``done`` in the database, then stops the bot (SIGTERM).
- **B, kill**: the bot is killed (SIGKILL) at the moment the server accepts the
  message that completes half of the audience, before answering it; a second bot
  process starts at once on the same database and must finish the broadcast.

Measured from the server's records (every accepted message, whichever process sent
it): the achieved rate, subscriber messages divided by the time from the first to the
last (and a steady rate between the 10th and 90th percentile of sends, without the
initial burst nor the tail), against the configured limit; the goal is within 5 %.
Stalls (gaps over half a second between two sends) are listed with the 429 answers,
because a refused message makes ``AIORateLimiter`` hold every send for
``retry_after`` + 0.1 s.

Checks (exit status 1 if any fails): the broadcast is ``done``; no subscriber is lost
(never sent to) nor sent to twice; each got the text of their language; every row the
database says ``sent`` was accepted by the server; blocked chats (``--blocked``) are
``blocked``. After the kill, rows caught in flight are ``uncertain`` in the database:
the bot never resends those; the server's records tell which were delivered and which
were lost (reported, and counted as lost).

    .venv/bin/python bench/broadcast.py [--subscribers 5000] [--rate 30] [--no-kill]
                                        [--blocked 0] [--no-progress] [--keep]
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import itertools
import os
import platform
import shlex
import signal
import sqlite3
import sys
import tempfile
import time
from collections import Counter
from dataclasses import dataclass, field
from importlib.metadata import version
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
# Run as a script, bench/ comes first on the path, and bench/queue.py would shadow the
# standard library's queue (aiosqlite imports it): the repository root goes first instead.
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != ROOT / "bench"]
sys.path.insert(0, str(ROOT))

from bench.botapi import BotAPI, Sent, text_hash  # noqa: E402
from bench.common import filesystem  # noqa: E402
from bot import actions  # noqa: E402
from bot.people.privacy import Pseudonymiser  # noqa: E402
from bot.storage import Database  # noqa: E402
from bot.storage import broadcasts as store  # noqa: E402
from bot.storage.people import save_setting  # noqa: E402
from bot.territory import (  # noqa: E402
    find_pack,
    load_pack,
)

TOKEN = "123456789:" + "bench_" * 6  # the shape of a real token; only 127.0.0.1 sees it
SECRET = "bench-pseudonym-secret-" * 2
TERRITORY = "kremlin-bicetre"
SUBJECT = "workshop"
FIRST_CHAT = 700_000_000
STAFF_CHAT = -100_1234_567_890
"""Where the coordinator watches the progress (a supergroup)."""
GOAL = 0.05
"""Achieved rate within 5 % of the limit."""
STALL = 0.5
"""A gap between two sends longer than this is a stall worth listing."""
START_TIMEOUT = 60.0
"""Seconds for a bot process to start and send its first message."""

CONTENT: dict[str, Any] = {
    language: {
        "text": text,
        "buttons": [[[label, actions.event("show", 1)]]],  # rows of (label, action)
    }
    for language, text, label in (
        (
            "fr",
            "📣 <b>Nouveau : Atelier CV et lettre de motivation</b>\nAtelier\n"
            "📅 mercredi 14 octobre, 14:00–16:00\n📍 Point Information Jeunesse\n"
            "Venez avec votre CV, même pas fini : on le relit ensemble.\n"
            "Pour ne plus recevoir ces annonces : /abonnements",
            "✅ Voir et m'inscrire",
        ),
        (
            "en",
            "📣 <b>New: CV and cover letter workshop</b>\nWorkshop\n"
            "📅 Wednesday 14 October, 14:00–16:00\n📍 Point Information Jeunesse\n"
            "Bring your CV, even unfinished: we read it together.\n"
            "To stop these announcements: /abonnements",
            "✅ See and sign up",
        ),
    )
}


class BenchError(Exception):
    """The run could not be measured (the bot died, a wait timed out)."""


# --- the audience -----------------------------------------------------------------------


@dataclass
class Audience:
    chats: dict[int, str]
    """Chat id → pseudonym, for every subscriber."""
    expected: dict[int, str]
    """Chat id → hash of the text they must get (their language's)."""
    blocked: set[int]
    broadcast_id: int
    seconds: float

    @property
    def reachable(self) -> set[int]:
        return set(self.chats) - self.blocked


async def prepare(db: Database, subscribers: int, blocked: int, progress: bool) -> Audience:
    """Subscribers and one broadcast to them, as the service stores them."""
    started = time.perf_counter()
    pseudonymise = Pseudonymiser(SECRET)
    default = load_pack(find_pack(TERRITORY)).territory.default_language
    now = dt.datetime.now(dt.UTC)
    chats: dict[int, str] = {}
    expected: dict[int, str] = {}
    for i in range(subscribers):
        chat_id = FIRST_CHAT + i
        pseudonym = pseudonymise(chat_id)
        await store.save_subscription(db, pseudonym, None, frozenset({SUBJECT}), chat_id, now)
        language = "en" if i % 4 == 3 else None
        if language is not None:
            await save_setting(db, pseudonym, "language", language, now)
        chats[chat_id] = pseudonym
        expected[chat_id] = text_hash(CONTENT[language or default]["text"])
    step = subscribers // blocked if blocked else 0
    blocked_chats = (
        {FIRST_CHAT + i for i in range(step // 2, subscribers, step)} if step else set()
    )
    broadcast_id = await store.create_broadcast(
        db, "bench:workshop", CONTENT, store.Audience(subject=SUBJECT), now,
        progress=(STAFF_CHAT, None) if progress else None,
    )  # fmt: skip
    if broadcast_id is None:  # pragma: no cover - a fresh database
        raise BenchError("the broadcast could not be created")
    return Audience(chats, expected, blocked_chats, broadcast_id, time.perf_counter() - started)


async def delivery_states(db: Database, broadcast_id: int) -> dict[str, str]:
    """Pseudonym → state of their delivery. Read-only, for the checks."""
    rows = await db.all(
        "SELECT pseudonym, state FROM broadcast_delivery WHERE broadcast_id = ?",
        (broadcast_id,),
    )
    return {str(r["pseudonym"]): str(r["state"]) for r in rows}


# --- the bot, as a process --------------------------------------------------------------


def bot_environment(api: BotAPI, db_path: Path) -> dict[str, str]:
    """The production settings, pointed at the local API; nothing goes off the machine."""
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("PASSERELLE_", "TELEGRAM_"))
        and k.lower() not in ("http_proxy", "https_proxy", "all_proxy")
    }
    env.update(
        TELEGRAM_BOT_TOKEN=TOKEN,
        PASSERELLE_BOT_API_URL=api.url,
        PASSERELLE_DB=str(db_path),
        PASSERELLE_TERRITORY=TERRITORY,
        PASSERELLE_PSEUDONYM_SECRET=SECRET,
        PASSERELLE_MODE="polling",
        PASSERELLE_LOG_LEVEL="INFO",
        NO_PROXY="127.0.0.1,localhost",
        no_proxy="127.0.0.1,localhost",
    )
    return env


class BotProcess:
    """``python -m bot run``, its output in a log file."""

    def __init__(self, env: dict[str, str], log_path: Path) -> None:
        self.env = env
        self.log_path = log_path
        self.proc: asyncio.subprocess.Process | None = None
        self.started_at = 0.0

    async def start(self) -> None:
        with self.log_path.open("wb") as log:
            self.proc = await asyncio.create_subprocess_exec(
                sys.executable, "-m", "bot", "run", cwd=ROOT, env=self.env,
                stdin=asyncio.subprocess.DEVNULL, stdout=log, stderr=asyncio.subprocess.STDOUT,
            )  # fmt: skip
        self.started_at = time.monotonic()

    @property
    def alive(self) -> bool:
        return self.proc is not None and self.proc.returncode is None

    def kill(self) -> None:
        """SIGKILL, now: no chance to finish anything."""
        if self.alive:
            assert self.proc is not None
            self.proc.send_signal(signal.SIGKILL)

    async def stop(self, grace: float = 20.0) -> None:
        """SIGTERM (the bot stops gracefully), SIGKILL if it takes longer than ``grace``."""
        if self.proc is None:
            return
        if self.proc.returncode is None:
            self.proc.terminate()
            try:
                await asyncio.wait_for(self.proc.wait(), grace)
            except TimeoutError:
                self.proc.kill()
        await self.proc.wait()

    def log_counts(self) -> Counter[str]:
        counts: Counter[str] = Counter()
        if not self.log_path.exists():
            return counts
        for line in self.log_path.read_text(encoding="utf-8", errors="replace").splitlines():
            for level in ("ERROR", "WARNING", "CRITICAL"):
                if f" {level} " in line:
                    counts[level] += 1
            if "Rate limit hit" in line:
                counts["rate limit hit"] += 1
            if line.startswith("Traceback"):
                counts["traceback"] += 1
        return counts


async def wait_until(
    condition: Any, seconds: float, what: str, bot: BotProcess | None = None
) -> None:
    """Poll ``condition`` (sync or async) until true; fail if the bot dies or time runs out."""
    deadline = time.monotonic() + seconds
    while True:
        value = condition()
        if asyncio.iscoroutine(value):
            value = await value
        if value:
            return
        if bot is not None and not bot.alive:
            code = bot.proc.returncode if bot.proc else None
            raise BenchError(f"the bot exited ({code}) while {what}; see {bot.log_path}")
        if time.monotonic() > deadline:
            raise BenchError(f"timed out after {seconds:.0f} s {what}")
        await asyncio.sleep(0.2)


# --- one phase --------------------------------------------------------------------------


@dataclass
class Phase:
    name: str
    kill: bool
    audience: Audience | None = None
    records: list[Sent] = field(default_factory=list)
    file_records: int = 0
    refused: int = 0
    forbidden: int = 0
    state: str = "?"
    states: dict[str, str] = field(default_factory=dict)
    killed_at: float | None = None
    held_at: float | None = None
    """When the endpoint began refusing everything for ``--hiccup`` seconds."""
    held_for: float = 0.0
    restarted_at: float | None = None
    logs: Counter[str] = field(default_factory=Counter)
    bots: list[BotProcess] = field(default_factory=list)

    # -- figures from the records --

    def subscriber_sends(self, tag: str | None = None) -> list[Sent]:
        assert self.audience is not None
        chats = self.audience.chats
        return [r for r in self.records if r.chat_id in chats and (tag is None or r.tag == tag)]

    def other_sends(self) -> list[Sent]:
        assert self.audience is not None
        return [r for r in self.records if r.chat_id not in self.audience.chats]


def rate(times: list[float]) -> float:
    """Messages per second from the first to the last."""
    if len(times) < 2 or times[-1] <= times[0]:
        return float("nan")
    return len(times) / (times[-1] - times[0])


def steady_rate(times: list[float]) -> float:
    """Between the 10th and 90th percentile of sends: no burst at the start, no tail."""
    i, j = len(times) // 10, len(times) * 9 // 10
    if j <= i or times[j] <= times[i]:
        return float("nan")
    return (j - i) / (times[j] - times[i])


def stalls(times: list[float]) -> list[tuple[float, float]]:
    """(seconds since the first send, length) of each gap over ``STALL``."""
    return [(a - times[0], b - a) for a, b in itertools.pairwise(times) if b - a > STALL]


async def run_phase(args: argparse.Namespace, phase: Phase, tmp: Path) -> None:
    folder = tmp / phase.name
    folder.mkdir()
    db_path = folder / "passerelle.sqlite3"
    db = Database(db_path)
    await db.open()
    try:
        audience = phase.audience = await prepare(
            db, args.subscribers, args.blocked, args.progress
        )
        api = BotAPI(rate=args.rate, token=TOKEN, blocked=audience.blocked,
                     record_path=folder / "sent.jsonl")  # fmt: skip
        await api.start()
        env = bot_environment(api, db_path)
        try:
            await _drive(args, phase, api, env, db, folder)
        finally:
            for bot in phase.bots:
                bot.kill()
                if bot.proc is not None:
                    await bot.proc.wait()
            phase.records = list(api.sent)
            phase.file_records = len(api.load_records())
            phase.refused, phase.forbidden = api.refused, api.forbidden
            await api.close()
            for bot in phase.bots:
                phase.logs.update(bot.log_counts())
        record = await store.get_broadcast(db, audience.broadcast_id)
        phase.state = record.state if record else "missing"
        phase.states = await delivery_states(db, audience.broadcast_id)
    finally:
        await db.close()


async def _drive(
    args: argparse.Namespace,
    phase: Phase,
    api: BotAPI,
    env: dict[str, str],
    db: Database,
    folder: Path,
) -> None:
    audience = phase.audience
    assert audience is not None
    first = BotProcess(env, folder / "bot-1.log")
    phase.bots.append(first)
    reached: set[int] = set()
    kill_after = max(1, round(len(audience.reachable) * args.kill_at))
    hold_after = max(1, len(audience.reachable) // 4)

    def watch(sent: Sent) -> None:
        # Runs inside the server, after recording and before answering: the bot dies with
        # this message delivered but not confirmed, and others possibly on their way.
        if sent.chat_id in audience.chats:
            reached.add(int(sent.chat_id))
        if phase.kill and phase.killed_at is None and len(reached) >= kill_after:
            first.kill()
            phase.killed_at = sent.at
            api.tag = "after kill"
        if not phase.kill and args.hiccup and phase.held_at is None and len(reached) >= hold_after:
            api.hold(args.hiccup)
            phase.held_at, phase.held_for = sent.at, args.hiccup

    api.listeners.append(watch)
    api.tag = "1"
    await first.start()
    sends = len(audience.chats) / args.rate
    budget = START_TIMEOUT + 2 * sends + 60

    await wait_until(lambda: api.sent, START_TIMEOUT, "waiting for the first message", first)
    running = first
    if phase.kill:
        await wait_until(
            lambda: phase.killed_at is not None, budget, "waiting for the moment to kill", first
        )
        assert first.proc is not None
        await first.proc.wait()
        second = BotProcess(env, folder / "bot-2.log")
        phase.bots.append(second)
        api.tag = "2"
        await second.start()
        phase.restarted_at = second.started_at
        running = second

    async def done() -> bool:
        record = await store.get_broadcast(db, audience.broadcast_id)
        return record is not None and record.state == "done"

    await wait_until(done, budget, "waiting for the broadcast to be done", running)
    # Anything still arriving now would be a send after 'done': let it show.
    await asyncio.sleep(1.0)
    await running.stop()


# --- checks and report ------------------------------------------------------------------


@dataclass
class Figures:
    sent: int
    seconds: float
    rate: float
    steady: float
    lost: int
    duplicates: int
    wrong_text: int
    uncertain_delivered: int
    uncertain_lost: int
    failures: list[str]


def figures(phase: Phase, limit: float) -> Figures:
    audience = phase.audience
    assert audience is not None
    sends = phase.subscriber_sends()
    times = [s.at for s in sends]
    per_chat = Counter(int(s.chat_id) for s in sends)
    lost = audience.reachable - set(per_chat)
    duplicates = sum(n - 1 for n in per_chat.values() if n > 1)
    wrong = sum(1 for s in sends if s.text_hash != audience.expected[int(s.chat_id)])
    by_pseudonym = {p: c for c, p in audience.chats.items()}
    state_of = {by_pseudonym[p]: s for p, s in phase.states.items() if p in by_pseudonym}
    uncertain = {c for c, s in state_of.items() if s == "uncertain"}
    failures: list[str] = []
    name = phase.name
    if phase.state != "done":
        failures.append(f"{name}: the broadcast is {phase.state!r}, not 'done'")
    if lost:
        failures.append(f"{name}: {len(lost)} subscriber(s) never sent to")
    if duplicates:
        failures.append(f"{name}: {duplicates} message(s) sent twice to one subscriber")
    if wrong:
        failures.append(f"{name}: {wrong} message(s) in the wrong language")
    if missing := {c for c, s in state_of.items() if s == "sent"} - set(per_chat):
        failures.append(f"{name}: {len(missing)} row(s) 'sent' the server never accepted")
    if not_blocked := {c for c in audience.blocked if state_of.get(c) != "blocked"}:
        failures.append(f"{name}: {len(not_blocked)} blocked chat(s) not marked 'blocked'")
    if phase.file_records != len(phase.records):
        failures.append(f"{name}: the record file holds {phase.file_records} lines")
    if phase.logs["traceback"] or phase.logs["ERROR"] or phase.logs["CRITICAL"]:
        failures.append(f"{name}: errors in the bot's log")
    seconds = times[-1] - times[0] if len(times) > 1 else float("nan")
    return Figures(
        sent=len(sends), seconds=seconds, rate=rate(times), steady=steady_rate(times),
        lost=len(lost), duplicates=duplicates, wrong_text=wrong,
        uncertain_delivered=len(uncertain & set(per_chat)),
        uncertain_lost=len(uncertain - set(per_chat)), failures=failures,
    )  # fmt: skip


def print_header(args: argparse.Namespace, tmp: Path) -> None:
    import telegram

    from handlers.runtime import delivery as sender

    print("command: " + shlex.join(sys.orig_argv))
    print(
        f"machine: {platform.platform()}, {os.cpu_count()} CPUs, "
        f"Python {platform.python_version()}, python-telegram-bot {telegram.__version__}, "
        f"aiolimiter {version('aiolimiter')}, aiosqlite {version('aiosqlite')}, "
        f"SQLite {sqlite3.sqlite_version}"
    )
    print(f"database: SQLite files in {tmp} (filesystem {filesystem(tmp)}), WAL")
    knobs = ", ".join(
        f"{name}={getattr(sender, name)}"
        for name in ("WORKERS", "BATCH", "PROGRESS_EVERY")
        if hasattr(sender, name)
    )
    from handlers.runtime import app as bot_app

    print(
        "bot: `python -m bot run` (polling, territory kremlin-bicetre), AIORateLimiter at "
        f"{bot_app.RATE_PER_SECOND}/s in bursts of {bot_app.RATE_BURST}, max_retries=3; "
        f"handlers/runtime/delivery.py {knobs or '?'}"
    )
    print(
        f"endpoint: bench/botapi.py on 127.0.0.1, {args.rate:g} messages/s overall "
        "(token bucket, burst = rate), 1/s per chat, 20/min per group; 429 retry_after in "
        "whole seconds"
    )
    print(
        f"load: {args.subscribers} subscribers ({args.blocked} blocked), one in four in "
        f"English, one broadcast{' with a progress message' if args.progress else ''}; "
        "phases: A (no kill"
        + (
            f", the endpoint refusing everything for {args.hiccup:g} s at 25 %"
            if args.hiccup
            else ""
        )
        + ")"
        + (f", B (SIGKILL at {100 * args.kill_at:g} %, restart)" if args.kill else "")
    )


def _cell(value: Any) -> str:
    if isinstance(value, float):
        return "-" if value != value else f"{value:.2f}"
    return str(value)


def print_table(phases: list[Phase], results: list[Figures], limit: float) -> None:
    rows: list[tuple[str, list[Any]]] = [
        ("subscribers", [len(p.audience.chats) if p.audience else 0 for p in phases]),
        ("preparing the database, s", [p.audience.seconds if p.audience else 0 for p in phases]),
        ("messages to subscribers", [r.sent for r in results]),
        ("other messages (progress)", [len(p.other_sends()) for p in phases]),
        ("first → last message, s", [r.seconds for r in results]),
        ("achieved rate, /s", [r.rate for r in results]),
        (f"  % of the {limit:g}/s limit", [f"{100 * r.rate / limit:.1f} %" for r in results]),
        ("steady rate (10–90 %), /s", [r.steady for r in results]),
        ("429 answers", [p.refused for p in phases]),
        ("'Rate limit hit' in the bot's log", [p.logs["rate limit hit"] for p in phases]),
        ("403 answers (blocked)", [p.forbidden for p in phases]),
        ("lost (never sent to)", [r.lost for r in results]),
        ("sent twice", [r.duplicates for r in results]),
        ("wrong language", [r.wrong_text for r in results]),
        ("uncertain: delivered", [r.uncertain_delivered for r in results]),
        ("uncertain: lost", [r.uncertain_lost for r in results]),
        ("broadcast state", [p.state for p in phases]),
        ("delivery rows", [_states(p) for p in phases]),
        ("warnings in the bot's log", [p.logs["WARNING"] for p in phases]),
    ]
    titles = [_title(p) for p in phases]
    width = max(len(t) for t in titles) + 2
    widths = [max(width, max(len(_cell(v[i])) for _, v in rows) + 2) for i in range(len(titles))]
    print()
    print(f"{'':<36}" + "".join(f"{t:>{w}}" for t, w in zip(titles, widths, strict=True)))
    for label, values in rows:
        cells = "".join(f"{_cell(v):>{w}}" for v, w in zip(values, widths, strict=True))
        print(f"{label:<36}{cells}")


def _title(phase: Phase) -> str:
    return "A: no kill" if not phase.kill else "B: kill + restart"


def _states(phase: Phase) -> str:
    counts = Counter(phase.states.values())
    return " ".join(f"{state} {n}" for state, n in sorted(counts.items()))


def print_details(phases: list[Phase], limit: float) -> None:
    for phase in phases:
        sends = phase.subscriber_sends()
        times = [s.at for s in sends]
        if not times:
            continue
        print()
        print(f"{_title(phase)}:")
        if phase.held_at is not None:
            print(
                f"  the endpoint refused every message for {phase.held_for:g} s from "
                f"+{phase.held_at - times[0]:.1f} s"
            )
        if phase.kill and phase.killed_at is not None:
            one, two = phase.subscriber_sends("1"), phase.subscriber_sends("2")
            after_kill = phase.subscriber_sends("after kill")
            resumed = [s.at for s in two]
            print(
                f"  first process: {len(one)} messages at {rate([s.at for s in one]):.2f}/s; "
                f"killed {phase.killed_at - times[0]:.1f} s after the first message"
                + (f"; {len(after_kill)} accepted just after the kill" if after_kill else "")
            )
            if resumed:
                start = phase.restarted_at or resumed[0]
                print(
                    f"  second process: started {start - phase.killed_at:.2f} s after the "
                    f"kill, first message {resumed[0] - start:.2f} s after its start; "
                    f"{len(two)} messages at {rate(resumed):.2f}/s"
                )
        gaps = stalls(times)
        if gaps:
            shown = ", ".join(f"{length:.2f} s at +{at:.1f} s" for at, length in gaps[:8])
            more = f" and {len(gaps) - 8} more" if len(gaps) > 8 else ""
            total = sum(length for _, length in gaps)
            print(f"  stalls over {STALL} s: {len(gaps)} ({total:.1f} s in all): {shown}{more}")
            print(
                f"  at exactly {limit:g}/s the {len(times)} messages take "
                f"{len(times) / limit:.1f} s; they took {times[-1] - times[0]:.1f} s, "
                f"{total:.1f} s of it in stalls"
            )
            if phase.refused:
                print(
                    "  (after a 429, AIORateLimiter holds every send for retry_after + 0.1 s: "
                    "see 'Reading it' in bench/README.md)"
                )
        else:
            print(f"  no stall over {STALL} s between two messages")


# --- main -------------------------------------------------------------------------------


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("--subscribers", type=int, default=5000, help="default 5000")
    parser.add_argument(
        "--rate", type=float, default=30.0, help="the endpoint's limit, messages/s (default 30)"
    )
    parser.add_argument(
        "--no-kill", dest="kill", action="store_false", help="phase A only (no kill/restart)"
    )
    parser.add_argument(
        "--kill-at", type=float, default=0.5,
        help="phase B: kill when this share of the audience was sent to (default 0.5)",
    )  # fmt: skip
    parser.add_argument(
        "--hiccup", type=float, default=0.0, metavar="SECONDS",
        help="phase A: at a quarter of the audience, the endpoint refuses every message for "
        "this long, as Telegram's flood control may (default 0: never)",
    )  # fmt: skip
    parser.add_argument(
        "--blocked", type=int, default=0, help="subscribers who blocked the bot (default 0)"
    )
    parser.add_argument(
        "--no-progress", dest="progress", action="store_false",
        help="no progress message for a coordinator",
    )  # fmt: skip
    parser.add_argument(
        "--keep", action="store_true", help="keep the temporary folder (databases, logs)"
    )
    args = parser.parse_args(argv)
    if args.subscribers < 10:
        parser.error("--subscribers must be at least 10")
    if args.rate <= 0:
        parser.error("--rate must be positive")
    if not 0 < args.kill_at < 1:
        parser.error("--kill-at must be between 0 and 1")
    if args.hiccup < 0:
        parser.error("--hiccup must not be negative")
    if not 0 <= args.blocked <= args.subscribers // 10:
        parser.error("--blocked must be between 0 and a tenth of the subscribers")
    return args


async def main(args: argparse.Namespace) -> int:
    tmp_dir = tempfile.mkdtemp(prefix="passerelle-bench-broadcast-")
    tmp = Path(tmp_dir)
    print_header(args, tmp)
    phases = [Phase("a", kill=False)] + ([Phase("b", kill=True)] if args.kill else [])
    problem: str | None = None
    keep = args.keep
    try:
        for phase in phases:
            print(f"running {_title(phase)} ...", flush=True)
            try:
                await run_phase(args, phase, tmp)
            except BenchError as exc:
                problem = f"{_title(phase)}: {exc}"
                break
        done = [p for p in phases if p.audience is not None and p.records]
        results = [figures(p, args.rate) for p in done]
        if results:
            print_table(done, results, args.rate)
            print_details(done, args.rate)
        print()
        failures = [f for r in results for f in r.failures]
        for phase, result in zip(done, results, strict=True):
            close = abs(result.rate - args.rate) <= GOAL * args.rate
            print(
                f"goal, {_title(phase)}: achieved {result.rate:.2f}/s against {args.rate:g}/s "
                f"({100 * (result.rate / args.rate - 1):+.1f} %): "
                + ("within 5 %" if close else "NOT within 5 %")
            )
        if problem is not None:
            failures.append(problem)
        if failures:
            print("FAILED: " + "; ".join(failures))
            keep = True
            return 1
        print("all checks passed")
        return 0
    finally:
        if keep:
            print(f"logs and databases kept in {tmp}")
        else:
            import shutil

            shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(asyncio.run(main(parse_args())))
