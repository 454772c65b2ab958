"""The durable inbox: an update Telegram considers delivered is handled, even if the bot
is killed between taking it and handling it, and it is handled once."""

from __future__ import annotations

import asyncio
import datetime as dt
import json
import signal
import subprocess
import sys
from pathlib import Path
from typing import Any

from telegram import Update

from bot.inbox import MAX_ATTEMPTS, Inbox
from bot.storage import Database
from handlers.runtime.offline import Call
from tests.harness import DEFAULT_START, Harness, harness_for

ROOT = Path(__file__).resolve().parent.parent
USER = 777_001

# A child process that polls the offline Bot API, takes the update, waits until its
# arrival is confirmed to Telegram (the next getUpdates offset) and is SIGKILLed while
# handling it: what python-telegram-bot alone would lose.
CHILD = """
import asyncio, json, os, signal, sys
from pathlib import Path
from telegram import Update
from telegram.ext import TypeHandler
from bot.services import Services
from handlers.runtime.app import build_application, running
from handlers.runtime.offline import OfflineBotAPI
from tests.harness import _loaded, settings_for

async def main(db, payload):
    pack, knowledge = _loaded("kremlin-bicetre")
    services = Services(settings_for(Path(db), "kremlin-bicetre"), pack, knowledge=knowledge)
    api = OfflineBotAPI()
    api.updates = [payload]
    app = build_application(services, request=api)

    def confirmed():
        return any(c.method == "getUpdates" and int(c.params.get("offset") or 0)
                   > payload["update_id"] for c in api.calls)

    async def killed_while_handling(update, context):
        while not confirmed():
            await asyncio.sleep(0.01)
        os.kill(os.getpid(), signal.SIGKILL)

    app.add_handler(TypeHandler(Update, killed_while_handling), group=-100)
    async with running(app):
        await app.updater.start_polling(poll_interval=0, timeout=1)
        await asyncio.sleep(60)

asyncio.run(main(sys.argv[1], json.loads(sys.argv[2])))
"""


def start_message(update_id: int, text: str = "/start") -> dict[str, Any]:
    user = {"id": USER, "is_bot": False, "first_name": "Sam", "language_code": "fr"}
    message: dict[str, Any] = {
        "message_id": 10,
        "date": int(DEFAULT_START.timestamp()),
        "chat": {"id": USER, "type": "private", "first_name": "Sam"},
        "from": user,
        "text": text,
    }
    if text.startswith("/"):
        message["entities"] = [{"type": "bot_command", "offset": 0, "length": len(text)}]
    return {"update_id": update_id, "message": message}


async def replies_to(h: Harness, chat_id: int, count: int = 1) -> list[Call]:
    """The replies once there are ``count`` (30 s at most: a loaded CI machine is slow)."""
    for _ in range(3000):
        found = [c for c in h.calls("sendMessage") if c.chat_id == chat_id]
        if len(found) >= count:
            return found
        await asyncio.sleep(0.01)
    return [c for c in h.calls("sendMessage") if c.chat_id == chat_id]


async def test_an_update_taken_just_before_a_sigkill_is_handled_after_the_restart(
    tmp_path: Path,
) -> None:
    db = tmp_path / "bot.sqlite3"
    payload = start_message(41)
    child = await asyncio.to_thread(
        subprocess.run, [sys.executable, "-c", CHILD, str(db), json.dumps(payload)],
        cwd=ROOT, capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert child.returncode == -signal.SIGKILL, child.stderr[-2000:]

    # Telegram will not send it again (its offset was confirmed): the restart must know.
    async with harness_for("kremlin-bicetre", tmp_path, db_name=db.name) as h:
        [welcome] = await replies_to(h, USER)
        assert "Bonjour" in welcome.text or "Passerelle" in welcome.text
        left = await h.services.db.value("SELECT COUNT(*) FROM inbox WHERE payload IS NOT NULL")
        assert left == 0


async def test_an_update_telegram_sends_again_is_handled_once(tmp_path: Path) -> None:
    async with harness_for("kremlin-bicetre", tmp_path) as h:
        for _ in range(2):  # a crash before the offset was confirmed: the same update twice
            await h.app.update_queue.put(Update.de_json(start_message(90), h.app.bot))
        await replies_to(h, USER)
        await asyncio.sleep(0.1)
        assert len([c for c in h.calls("sendMessage") if c.chat_id == USER]) == 1
        # Handled: the message itself is gone from the database; only the id stays.
        row = await h.services.db.one("SELECT payload FROM inbox WHERE update_id = 90")
        assert row is not None and row["payload"] is None


async def test_an_update_that_fails_every_start_is_dropped_after_a_few(tmp_path: Path) -> None:
    db = Database(tmp_path / "inbox.sqlite3")
    await db.open()
    try:

        class Clock:
            def now(self) -> dt.datetime:
                return DEFAULT_START

        inbox = Inbox(db, Clock())  # type: ignore[arg-type]
        assert await inbox.keep(5, start_message(5))
        assert not await inbox.keep(5, start_message(5))
        for _ in range(MAX_ATTEMPTS):
            assert [u["update_id"] for u in await inbox.unhandled()] == [5]
        assert await inbox.unhandled() == []
        assert await db.value("SELECT payload FROM inbox WHERE update_id = 5") is None
    finally:
        await db.close()
