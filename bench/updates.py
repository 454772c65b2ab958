"""Update-handling floor: Passerelle against a bare python-telegram-bot echo bot.

What it measures. ``--people`` simulated people (distinct Telegram ids) each send
three updates, in order: ``/start``, a press on the "🚨 Numéros d'urgence" button of
the message the bot answered with, and a free-text message. Up to
``--concurrency`` people are in flight at once (asyncio tasks and a semaphore), as
when many people write at the same time. The same load goes through a bare PTB
application with one echo MessageHandler and one CallbackQueryHandler that answers
and edits.

Both applications are real ``telegram.ext.Application`` objects on the in-process
Bot API (:class:`handlers.runtime.offline.OfflineBotAPI`): every Bot API call is encoded,
answered and decoded as over HTTP, minus the network. Passerelle is built as in
production and as the test harness builds it (``build_application``, its SQLite
database on disk in a temporary directory, catalogs, territory pack).

Reported, per application: updates, wall-clock seconds, updates per second, p50/p99
latency of ``Application.process_update`` per update (under concurrency this
includes waiting for the event loop and the database, as a person would), and the
seconds spent building the incoming updates with ``Update.de_json`` (polling pays
that too, so it is part of the wall-clock time; the ratio without it is also shown).
Then the ratio of Passerelle's throughput to the echo bot's.

Both applications run side by side in one event loop. After a warm-up of about 100
updates each (not counted), the load runs ``--rounds`` times, alternating the two
applications, with new people each round; the table shows each application's best
round, the line under it every round, because a shared machine's speed drifts.

Updates are fed to ``process_update`` directly: the application's update queue and
its ``concurrent_updates`` setting are bypassed; the concurrency is the bench's.

Sanity checks, not timings: every person must get one welcome naming the service,
one edit showing "15" and one reply to the free text (the echo bot: its echoes and
its edit), and no ERROR may be logged; otherwise the exit status is 1.

    .venv/bin/python bench/updates.py [--people 1000] [--territory dumbea]
                                      [--concurrency 50] [--rounds 3]
"""

from __future__ import annotations

import argparse
import asyncio
import contextvars
import copy
import logging
import os
import platform
import shlex
import sqlite3
import statistics
import sys
import tempfile
import time
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from importlib.metadata import version
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import telegram
from telegram import Update
from telegram.ext import (
    Application,
    ApplicationBuilder,
    CallbackQueryHandler,
    ContextTypes,
    MessageHandler,
    filters,
)

from bench.common import filesystem
from bot.config import load_settings
from bot.services import Services
from bot.territory import find_pack, load_pack
from handlers.runtime.app import build_application, running
from handlers.runtime.offline import Call, OfflineBotAPI, UpdateFactory

URGENCE_LABEL = "🚨 Numéros d'urgence"
URGENCE_DATA = "m:urgence"
FREE_TEXT = "bonjour j'ai une question sur le logement"
EMERGENCY_NUMBER = "15"
STEPS = ("/start", "button", "text")
WARMUP_PEOPLE = 34  # 102 updates
WARMUP_USER_ID = 1_000_001
FIRST_USER_ID = 100_000_001
SHOWN = frozenset({"sendMessage", "editMessageText", "editMessageReplyMarkup", "sendVenue",
                   "sendDocument", "sendPhoto"})  # fmt: skip

AnyApp = Application[Any, Any, Any, Any, Any, Any]
Press = tuple[dict[str, Any], str]
"""The message a button belongs to, and the button's callback data."""

_SINK: contextvars.ContextVar[list[Call] | None] = contextvars.ContextVar("sink", default=None)
"""Where the Bot API calls of the update being processed go (one list per person and step)."""


def _record(call: Call) -> None:
    sink = _SINK.get()
    if sink is not None:
        sink.append(call)


class ErrorCounter(logging.Handler):
    """Counts ERROR (and CRITICAL) records: a failed update is logged at that level."""

    def __init__(self) -> None:
        super().__init__(level=logging.ERROR)
        self.count = 0

    def emit(self, record: logging.LogRecord) -> None:
        self.count += 1


@dataclass
class Person:
    user: dict[str, Any]
    steps: tuple[list[Call], ...] = field(default_factory=lambda: ([], [], []))
    """The Bot API calls caused by each of the person's three updates."""


@dataclass
class Round:
    """One pass of the load through one application."""

    seconds: float = 0.0
    latencies: dict[str, list[float]] = field(default_factory=lambda: {s: [] for s in STEPS})
    building: float = 0.0
    """Seconds in ``Update.de_json`` building incoming updates; part of ``seconds``."""

    def build(self, make: Callable[..., Update], *args: Any) -> Update:
        started = time.perf_counter()
        update = make(*args)
        self.building += time.perf_counter() - started
        return update

    @property
    def all_latencies(self) -> list[float]:
        return [value for values in self.latencies.values() for value in values]

    @property
    def updates(self) -> int:
        return sum(len(values) for values in self.latencies.values())

    @property
    def throughput(self) -> float:
        return self.updates / self.seconds

    @property
    def handling_throughput(self) -> float:
        """Updates per second with the building of incoming updates taken out."""
        return self.updates / (self.seconds - self.building)


@dataclass
class Target:
    """One running application under load, and what it went through."""

    name: str
    app: AnyApp
    api: OfflineBotAPI
    find_press: Callable[[list[Call]], Press | None]
    """Which button the person presses, given the calls that answered their /start."""
    rounds: list[Round] = field(default_factory=list)
    people: list[Person] = field(default_factory=list)
    """Everyone of the measured rounds, for the checks."""
    errors: int = 0
    """ERROR records logged while it ran, warm-up included."""

    @property
    def best(self) -> Round:
        return max(self.rounds, key=lambda r: r.throughput)


def percentile(values: list[float], p: float) -> float:
    """Nearest-rank percentile (``p`` in 0–100) of a non-empty list."""
    ordered = sorted(values)
    rank = max(1, -(-len(ordered) * p // 100))
    return ordered[int(rank) - 1]


# --- driving the load -----------------------------------------------------------------------


async def _timed(app: AnyApp, update: Update, sink: list[Call], latencies: list[float]) -> None:
    token = _SINK.set(sink)
    try:
        started = time.perf_counter()
        await app.process_update(update)
        latencies.append(time.perf_counter() - started)
    finally:
        _SINK.reset(token)


async def _visit(
    target: Target,
    factory: UpdateFactory,
    person: Person,
    gate: asyncio.Semaphore,
    meter: Round,
) -> None:
    """One person's three updates, in order."""
    app, user, latencies = target.app, person.user, meter.latencies
    async with gate:
        update = meter.build(factory.text, user, "/start")
        await _timed(app, update, person.steps[0], latencies["/start"])
        press = target.find_press(person.steps[0])
        if press is not None:
            message, data = press
            update = meter.build(factory.callback, user, message, data)
            await _timed(app, update, person.steps[1], latencies["button"])
        update = meter.build(factory.text, user, FREE_TEXT)
        await _timed(app, update, person.steps[2], latencies["text"])


async def run_load(
    target: Target, first_user_id: int, people: int, concurrency: int
) -> tuple[Round, list[Person]]:
    factory = UpdateFactory(target.app.bot)
    crowd = [Person(UpdateFactory.user(first_user_id + i, f"P{i}")) for i in range(people)]
    meter = Round()
    gate = asyncio.Semaphore(concurrency)
    target.api.listeners.append(_record)
    try:
        started = time.perf_counter()
        await asyncio.gather(*(_visit(target, factory, p, gate, meter) for p in crowd))
        meter.seconds = time.perf_counter() - started
    finally:
        target.api.listeners.remove(_record)
    return meter, crowd


# --- Passerelle -----------------------------------------------------------------------------


def _urgence_button(calls: list[Call]) -> Press | None:
    """The emergency-numbers button of the welcome message."""
    for call in calls:
        if call.method != "sendMessage" or not isinstance(call.result, dict):
            continue
        for row in call.buttons:
            for button in row:
                if button.get("text") == URGENCE_LABEL:
                    return copy.deepcopy(call.result), str(button.get("callback_data"))
    return None


@asynccontextmanager
async def passerelle(territory: str, db_path: Path) -> AsyncIterator[tuple[Target, str]]:
    """The real application, built as the test harness builds it; and the service's name."""
    settings = load_settings(
        {
            "PASSERELLE_MODE": "console",
            "PASSERELLE_TERRITORY": territory,
            "PASSERELLE_DB": str(db_path),
            "PASSERELLE_PSEUDONYM_SECRET": "bench-secret-bench-secret-bench-secret-4",
        }
    )
    pack = load_pack(find_pack(territory))
    services = Services(settings, pack)
    api = OfflineBotAPI()
    app = build_application(services, request=api)
    async with running(app):
        yield Target("passerelle", app, api, _urgence_button), pack.territory.service.get("fr")


def check_passerelle(target: Target, service_name: str) -> list[str]:
    """One welcome naming the service, one edit with "15", one reply to the free text."""
    welcome = edit = text = 0
    for person in target.people:
        start, button, free = ([c for c in calls if c.method in SHOWN] for calls in person.steps)
        if (
            len(start) == 1
            and start[0].method == "sendMessage"
            and service_name in start[0].text
            and any(b.get("callback_data") == URGENCE_DATA for r in start[0].buttons for b in r)
        ):
            welcome += 1
        answered = sum(c.method == "answerCallbackQuery" for c in person.steps[1])
        if (
            len(button) == 1
            and button[0].method == "editMessageText"
            and EMERGENCY_NUMBER in button[0].text
            and answered == 1
        ):
            edit += 1
        if len(free) == 1 and free[0].method == "sendMessage":
            text += 1
    return _verdict(
        target,
        {
            "welcome naming the service": welcome,
            f'edit showing "{EMERGENCY_NUMBER}"': edit,
            "reply to the free text": text,
        },
    )


# --- the bare echo bot ----------------------------------------------------------------------


async def _echo(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    message = update.message
    if message is not None and message.text is not None:
        await message.reply_text(message.text)


async def _answer_and_edit(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    query = update.callback_query
    if query is not None:
        await query.answer()
        await query.edit_message_text(f"pressed {query.data}")


def _echoed_message(calls: list[Call]) -> Press | None:
    """The echo of /start carries no buttons: press the same data on it, as a client could."""
    for call in calls:
        if call.method == "sendMessage" and isinstance(call.result, dict):
            return copy.deepcopy(call.result), URGENCE_DATA
    return None


@asynccontextmanager
async def echo() -> AsyncIterator[Target]:
    api = OfflineBotAPI()
    app: AnyApp = (
        ApplicationBuilder().token("0:bench").request(api).get_updates_request(api).build()
    )
    app.add_handler(MessageHandler(filters.TEXT, _echo))
    app.add_handler(CallbackQueryHandler(_answer_and_edit))
    await app.initialize()
    try:
        await app.start()
        try:
            yield Target("ptb echo", app, api, _echoed_message)
        finally:
            await app.stop()
    finally:
        await app.shutdown()


def check_echo(target: Target) -> list[str]:
    start = edit = text = 0
    for person in target.people:
        calls = [[c.method for c in step] for step in person.steps]
        start += calls[0] == ["sendMessage"]
        edit += sorted(calls[1]) == ["answerCallbackQuery", "editMessageText"]
        text += calls[2] == ["sendMessage"]
    return _verdict(
        target, {"echo of /start": start, "answer and edit": edit, "echo of the text": text}
    )


def _verdict(target: Target, counts: dict[str, int]) -> list[str]:
    """Print the counts; return the failures."""
    total = len(target.people)
    shown = ", ".join(f"{what} {n}/{total}" for what, n in counts.items())
    print(f"  {target.name}: {shown}; errors logged: {target.errors}")
    failures = [f"{target.name}: {what} {n}/{total}" for what, n in counts.items() if n != total]
    if target.errors:
        failures.append(f"{target.name}: {target.errors} error(s) logged")
    return failures


# --- report ---------------------------------------------------------------------------------


def print_header(args: argparse.Namespace, db_path: Path) -> None:
    print("command: " + shlex.join(sys.orig_argv))
    print(
        f"machine: {platform.platform()}, {os.cpu_count()} CPUs, "
        f"Python {platform.python_version()}, python-telegram-bot {telegram.__version__}, "
        f"aiosqlite {version('aiosqlite')}, SQLite {sqlite3.sqlite_version}"
    )
    print(
        f"database: SQLite file on disk in a temporary directory ({db_path}, "
        f"filesystem {filesystem(db_path.parent)}), WAL"
    )
    print(
        f"load: {args.people} people x 3 updates ({', '.join(STEPS)}), territory "
        f"{args.territory}, {args.concurrency} people in flight, {args.rounds} round(s) per "
        f"app, alternating; warm-up {WARMUP_PEOPLE * 3} updates per app, not counted"
    )


def print_table(passerelle: Target, echo: Target) -> None:
    print()
    print(
        f"{'app':<12}{'updates':>9}{'seconds':>10}{'updates/s':>12}{'p50 ms':>9}{'p99 ms':>9}"
        f"{'building s':>12}"
    )
    for target in (passerelle, echo):
        r = target.best
        values = r.all_latencies
        print(
            f"{target.name:<12}{r.updates:>9}{r.seconds:>10.3f}{r.throughput:>12.1f}"
            f"{percentile(values, 50) * 1e3:>9.3f}{percentile(values, 99) * 1e3:>9.3f}"
            f"{r.building:>12.3f}"
        )
    if len(passerelle.rounds) > 1:
        print(
            f"(best of {len(passerelle.rounds)} rounds; updates/s of each round: "
            + "; ".join(
                f"{t.name} " + ", ".join(f"{r.throughput:.0f}" for r in t.rounds)
                for t in (passerelle, echo)
            )
            + ")"
        )
    ratio = passerelle.best.throughput / echo.best.throughput
    print(f"ratio passerelle/echo throughput: {ratio:.3f}")
    if len(passerelle.rounds) > 1:
        rounds = zip(passerelle.rounds, echo.rounds, strict=True)
        paired = [p.throughput / e.throughput for p, e in rounds]
        print(
            f"  round by round: {', '.join(f'{x:.3f}' for x in paired)}"
            f" (median {statistics.median(paired):.3f})"
        )
    handling = passerelle.best.handling_throughput / echo.best.handling_throughput
    print(f"  without building incoming updates ('building s'): {handling:.3f}")
    print()
    print("p50 / p99 ms by update:" + "".join(f"{step:>18}" for step in STEPS))
    for target in (passerelle, echo):
        cells = (_p50_p99(target.best.latencies[step]) for step in STEPS)
        print(f"{target.name:<23}" + "".join(f"{cell:>18}" for cell in cells))


def _p50_p99(values: list[float]) -> str:
    if not values:
        return "-"
    return f"{percentile(values, 50) * 1e3:.3f} / {percentile(values, 99) * 1e3:.3f}"


# --- main -----------------------------------------------------------------------------------


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("--people", type=int, default=1000, help="simulated people (default 1000)")
    parser.add_argument("--territory", default="dumbea", help="territory pack (default dumbea)")
    parser.add_argument(
        "--concurrency", type=int, default=50, help="people in flight at once (default 50)"
    )
    parser.add_argument(
        "--rounds", type=int, default=3, help="measured rounds per app, best shown (default 3)"
    )
    args = parser.parse_args(argv)
    if min(args.people, args.concurrency, args.rounds) < 1:
        parser.error("--people, --concurrency and --rounds must be at least 1")
    return args


async def main(args: argparse.Namespace) -> int:
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    errors = ErrorCounter()
    logging.getLogger().addHandler(errors)
    with tempfile.TemporaryDirectory(prefix="passerelle-bench-") as tmp:
        db_path = Path(tmp) / "bench.sqlite3"
        print_header(args, db_path)
        async with passerelle(args.territory, db_path) as (ours, service_name), echo() as bare:
            for target in (ours, bare):
                before = errors.count
                await run_load(target, WARMUP_USER_ID, WARMUP_PEOPLE, args.concurrency)
                target.errors += errors.count - before
            for n in range(args.rounds):
                for target in (ours, bare) if n % 2 == 0 else (bare, ours):
                    before = errors.count
                    first_user_id = FIRST_USER_ID + n * args.people
                    meter, crowd = await run_load(
                        target, first_user_id, args.people, args.concurrency
                    )
                    target.errors += errors.count - before
                    target.rounds.append(meter)
                    target.people += crowd
    print_table(ours, bare)
    print()
    print("checks:")
    failures = check_passerelle(ours, service_name) + check_echo(bare)
    if failures:
        print("FAILED: " + "; ".join(failures))
        return 1
    print("all checks passed")
    return 0


if __name__ == "__main__":
    sys.exit(asyncio.run(main(parse_args())))
