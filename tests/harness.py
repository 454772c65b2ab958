"""Conversations with the real Application, offline, on a clock the test controls.

async with harness_for("dumbea", tmp_path) as h:
    sam = h.person("Sam")
    await sam.send("/start")
    assert "Dumbéa" in sam.last_reply
    await sam.press("Numéros d'urgence")
    await h.advance(dt.timedelta(days=1))   # jobs due meanwhile run, in order
"""

from __future__ import annotations

import asyncio
import datetime as dt
import functools
import types
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager, contextmanager
from dataclasses import replace
from pathlib import Path
from typing import Any

import apscheduler.executors.base
import apscheduler.schedulers.base
import telegram.ext._jobqueue
from telegram import Update

from bot.answers import KnowledgeBase
from bot.clock import ManualClock
from bot.config import Settings, load_settings
from bot.services import Services
from bot.territory import Pack, find_pack, load_pack
from handlers.runtime.app import PassApp, build_application, running
from handlers.runtime.offline import Call, OfflineBotAPI, UpdateFactory

SHOWN = ("sendMessage", "editMessageText", "editMessageReplyMarkup", "sendVenue", "sendDocument",
         "sendPhoto")  # fmt: skip

DEFAULT_START = dt.datetime(2026, 11, 23, 9, 0, tzinfo=dt.UTC)


def settings_for(db_path: Path, territory: str, **changes: Any) -> Settings:
    settings = load_settings(
        {
            "PASSERELLE_MODE": "console",
            "PASSERELLE_TERRITORY": territory,
            "PASSERELLE_DB": str(db_path),
            "PASSERELLE_PSEUDONYM_SECRET": "test-secret-test-secret-test-secret-42",
        }
    )
    return replace(settings, **changes)


@contextmanager
def frozen_scheduler_time(clock: ManualClock) -> Iterator[None]:
    """Make APScheduler and PTB's JobQueue read ``clock`` instead of the wall clock.

    Neither offers a clock to inject (PTB 22's JobQueue and APScheduler 3 call
    ``datetime.now``), so their ``datetime`` is replaced here and only here; a module or
    name that moved fails loudly (``getattr`` below) instead of leaving the wall clock.
    """

    class ClockDatetime(dt.datetime):
        @classmethod
        def now(cls, tz: dt.tzinfo | None = None) -> ClockDatetime:  # type: ignore[override]
            moment = clock.now().astimezone(tz) if tz else clock.now().replace(tzinfo=None)
            return cls.fromtimestamp(moment.timestamp(), tz)

    fake_module = types.SimpleNamespace(**{k: getattr(dt, k) for k in dir(dt) if k[0] != "_"})
    fake_module.datetime = ClockDatetime
    patches = [
        (apscheduler.schedulers.base, "datetime", ClockDatetime),
        (apscheduler.executors.base, "datetime", ClockDatetime),
        (telegram.ext._jobqueue, "dtm", fake_module),
    ]
    saved = [(module, name, getattr(module, name)) for module, name, _ in patches]
    for module, name, value in patches:
        setattr(module, name, value)
    try:
        yield
    finally:
        for module, name, value in saved:
            setattr(module, name, value)


class Person:
    """Someone writing to the bot from their phone."""

    def __init__(
        self, harness: Harness, user_id: int, name: str, language: str | None, chat: Any = None
    ) -> None:
        self.h = harness
        self.user = UpdateFactory.user(user_id, name, language)
        self.chat: dict[str, Any] = chat or UpdateFactory.private_chat(self.user)
        self.id = user_id

    # --- acting -------------------------------------------------------------------------

    async def send(self, text: str, **kwargs: Any) -> list[Call]:
        return await self.h.deliver(self.h.factory.text(self.user, text, chat=self.chat, **kwargs))

    async def send_media(self, kind: str, **kwargs: Any) -> list[Call]:
        """A photo, a voice note, a sticker… (``caption``, ``reply_to`` as in Telegram)."""
        update = self.h.factory.media(self.user, kind, chat=self.chat, **kwargs)
        return await self.h.deliver(update)

    async def edit(self, text: str) -> list[Call]:
        return await self.h.deliver(self.h.factory.edited(self.user, text))

    async def press(self, label: str) -> list[Call]:
        """Press the inline button whose label contains ``label``, newest message first."""
        message, data = self.find_button(label)
        return await self.h.deliver(self.h.factory.callback(self.user, message, data))

    async def press_data(self, data: str, message: dict[str, Any] | None = None) -> list[Call]:
        """Send any callback data, as a forged or outdated button would."""
        if message is None:
            message = self.latest_message() or {
                "message_id": 1, "date": 0, "chat": self.chat, "text": "?",
            }  # fmt: skip
        return await self.h.deliver(self.h.factory.callback(self.user, message, data))

    # --- reading ------------------------------------------------------------------------

    def latest_message(self) -> dict[str, Any] | None:
        ours = [m for (chat, _), m in self.h.api.messages.items() if chat == self.chat["id"]]
        return max(ours, key=lambda m: m["message_id"]) if ours else None

    def find_button(self, label: str) -> tuple[dict[str, Any], str]:
        ours = sorted(
            (m for (chat, _), m in self.h.api.messages.items() if chat == self.chat["id"]),
            key=lambda m: m["message_id"],
            reverse=True,
        )
        seen: list[str] = []
        for message in ours:
            for row in (message.get("reply_markup") or {}).get("inline_keyboard", []):
                for button in row:
                    seen.append(button["text"])
                    if label.lower() in button["text"].lower() and "callback_data" in button:
                        return message, button["callback_data"]
        raise AssertionError(f"no button {label!r}; buttons shown: {seen}")

    @property
    def replies(self) -> list[Call]:
        return [c for c in self.h.api.calls if c.method in SHOWN and c.chat_id == self.chat["id"]]

    @property
    def last_reply(self) -> str:
        replies = self.replies
        assert replies, f"{self.user['first_name']} got no reply at all"
        return replies[-1].text

    @property
    def last_buttons(self) -> list[str]:
        message = self.latest_message()
        if message is None:
            return []
        rows = (message.get("reply_markup") or {}).get("inline_keyboard", [])
        return [button["text"] for row in rows for button in row]

    @property
    def alerts(self) -> list[str]:
        """Texts shown as pop-ups when a button was answered."""
        return [
            c.params["text"]
            for c in self.h.api.calls
            if c.method == "answerCallbackQuery" and c.params.get("text")
        ]


class Harness:
    def __init__(self, app: PassApp, api: OfflineBotAPI, services: Services, clock: ManualClock):
        self.app = app
        self.api = api
        self.services = services
        self.clock = clock
        self.factory = UpdateFactory(app.bot, api)
        self._next_user = 500_001

    def person(self, name: str = "Sam", language: str | None = "fr") -> Person:
        self._next_user += 1
        return Person(self, self._next_user, name, language)

    async def deliver(self, update: Update) -> list[Call]:
        """Process one update; return the Bot API calls it caused."""
        before = len(self.api.calls)
        await self.app.process_update(update)
        return self.api.calls[before:]

    def calls(self, method: str) -> list[Call]:
        return [c for c in self.api.calls if c.method == method]

    async def advance(self, delta: dt.timedelta) -> None:
        """Move time forward; jobs that fall due run in order, each at its own time."""
        target = self.clock.now() + delta
        scheduler = self.app.job_queue.scheduler  # type: ignore[union-attr]
        while True:
            due = [j.next_run_time for j in scheduler.get_jobs() if j.next_run_time is not None]
            upcoming = min((t for t in due if t <= target), default=None)
            if upcoming is None:
                break
            self.clock.set(max(upcoming, self.clock.now()))
            await self._run_due(scheduler)
        self.clock.set(target)
        await self._run_due(scheduler)

    async def _run_due(self, scheduler: Any) -> None:
        scheduler.wakeup()
        for _ in range(50):
            await asyncio.sleep(0)
            executor = scheduler._lookup_executor("default")
            pending = list(getattr(executor, "_pending_futures", ()))
            if not pending:
                break
            await asyncio.gather(*pending, return_exceptions=True)
        await asyncio.sleep(0)


@functools.cache
def _loaded(territory: str) -> tuple[Pack, KnowledgeBase]:
    """Packs and their indexes are read-only: load each once for the whole test run."""
    pack = load_pack(find_pack(territory))
    return pack, KnowledgeBase(pack)


@asynccontextmanager
async def harness_for(
    territory: str,
    tmp_path: Path,
    *,
    start: dt.datetime = DEFAULT_START,
    db_name: str = "test.sqlite3",
    **settings_changes: Any,
) -> AsyncIterator[Harness]:
    """A running bot for one territory, with a fresh database in ``tmp_path``."""
    clock = ManualClock(start)
    settings = settings_for(tmp_path / db_name, territory, **settings_changes)
    pack, knowledge = _loaded(territory)
    services = Services(settings, pack, clock=clock, knowledge=knowledge)
    api = OfflineBotAPI(now=lambda: clock.now().timestamp())
    app = build_application(services, request=api)
    with frozen_scheduler_time(clock):
        async with running(app):
            yield Harness(app, api, services, clock)


async def answer_sign_up(person: Person, name: str = "", people: int = 1) -> list[Call]:
    """After "Je m'inscris" on a workshop, a cinema or a meeting (bot/signup.py): a name
    for the list, how many come, and "Confirmer". Returns the calls of the confirmation."""
    await person.send(name or person.user["first_name"])
    await person.press(str(people))
    return await person.press("Confirmer")


class StopSwitch:
    """Makes every Application report that it is stopping, as after SIGTERM: what runs
    (a broadcast) winds down as it would on a real stop, while the test goes on."""

    def __init__(self, monkeypatch: Any) -> None:
        from telegram.ext import Application

        self.stopping = False
        real = Application.running
        switch = self
        monkeypatch.setattr(
            Application, "running",
            property(lambda app: False if switch.stopping else real.fget(app)),  # type: ignore[attr-defined]
        )  # fmt: skip


def pack_copy(folder: Path, files: dict[str, str], territory: str = "kremlin-bicetre") -> Path:
    """A copy of a shipped pack (with the shared files beside it) in which ``files``
    (name -> YAML text, dedented) replace the shipped ones: a pack a test can shape."""
    import shutil
    import textwrap

    from bot.territory import content_root

    content = folder / "content"
    shutil.copytree(content_root() / territory, content / territory)
    shutil.copytree(content_root() / "common", content / "common")
    for name, text in files.items():
        (content / territory / name).write_text(textwrap.dedent(text), encoding="utf-8")
    return content / territory
