"""``python -m bot doctor`` and ``python -m bot backup``: what an operator runs."""

from __future__ import annotations

import asyncio
import datetime as dt
import os
import shutil
import stat
import subprocess
import sys
from dataclasses import replace
from pathlib import Path

from bot.config import Secret, Settings
from bot.services import Services
from bot.storage import Database
from bot.storage import people as people_store
from bot.storage import staff as staff_store
from bot.storage.files import backup
from bot.territory import find_pack, load_pack
from handlers.runtime.app import build_application, running
from handlers.runtime.doctor import Result, diagnose
from handlers.runtime.offline import OfflineBotAPI
from tests.harness import settings_for
from tests.http_botapi import bot_api

ROOT = Path(__file__).resolve().parent.parent
STAFF = -1_002_000_000_777
TOKEN = "123456:" + "A" * 35
NOW = dt.datetime(2026, 12, 4, 10, tzinfo=dt.UTC)


def polling(tmp_path: Path, **changes: object) -> Settings:
    settings = settings_for(tmp_path / "bot.sqlite3", "dumbea", staff_chat_id=STAFF)
    return replace(settings, mode="polling", token=Secret(TOKEN), **changes)  # type: ignore[arg-type]


async def started_once(settings: Settings, api: OfflineBotAPI, *, lonely: str = "") -> None:
    """The bot's first start: database made, menus published, and the teams' topics set
    (but the ``lonely`` team's)."""
    pack = load_pack(find_pack(settings.territory))
    async with running(build_application(Services(settings, pack), request=api)):
        pass
    database = Database(settings.db_path)
    await database.open()
    try:
        for thread, team in enumerate(pack.teams.teams, start=2):
            if team.id != lonely:
                await staff_store.set_team_topic(database, team.id, STAFF, thread)
    finally:
        await database.close()
    settings.db_path.chmod(0o600)


def lines(results: list[Result]) -> dict[str, tuple[bool | None, str]]:
    return {r.name: (r.ok, r.detail) for r in results}


async def test_doctor_is_all_green_for_a_bot_set_up_right(tmp_path: Path) -> None:
    settings = polling(tmp_path)
    api = OfflineBotAPI()
    api.forums.add(STAFF)
    api.administered.add(STAFF)
    await started_once(settings, api)
    results = await diagnose(settings, request=api)
    assert [r for r in results if r.ok is not True] == [], results
    found = lines(results)
    assert found["token"] == (True, "@passerelle_bot (id 7000000001)")
    assert found["database"][1].startswith("integrity ok, schema ")
    assert "team " + load_pack(find_pack("dumbea")).teams.teams[0].id in found
    assert set(found) >= {"configuration", "territory pack", "updates", "staff group",
                          "command menu", "staff menu"}  # fmt: skip


async def test_doctor_names_each_thing_to_fix(tmp_path: Path) -> None:
    settings = polling(tmp_path)
    api = OfflineBotAPI()  # the group has no topics, the bot is a plain member
    lonely = load_pack(find_pack("dumbea")).teams.teams[0].id
    await started_once(settings, api, lonely=lonely)
    settings.db_path.chmod(0o644)
    webhook = replace(settings, mode="webhook", webhook_url="https://example.org/hook")
    api.webhook_url = "https://elsewhere.example.org/hook"
    found = lines(await diagnose(webhook, request=api))
    ok, detail = found["staff group"]
    assert ok is False and "Topics are off" in detail and "not an administrator" in detail
    assert found[f"team {lonely}"] == (False, f"no topic yet: a coordinator sends /topic "
                                              f"{lonely} inside the team's topic")  # fmt: skip
    assert found["database file"][0] is False and "chmod 600" in found["database file"][1]
    assert found["webhook"][0] is False and "another instance" in found["webhook"][1]


async def test_doctor_on_a_broken_database_and_a_refused_token(tmp_path: Path) -> None:
    settings = polling(tmp_path)
    settings.db_path.write_text("not a database")

    class Refusing(OfflineBotAPI):
        async def do_request(self, url: str, method: str, *args: object, **kw: object
                             ) -> tuple[int, bytes]:  # fmt: skip
            return 401, b'{"ok": false, "error_code": 401, "description": "Unauthorized"}'

    found = lines(await diagnose(settings, request=Refusing()))
    assert found["database"][0] is False and "file is not a database" in found["database"][1]
    assert found["token"] == (False, "refused by Telegram: check TELEGRAM_BOT_TOKEN")
    assert "staff group" not in found  # nothing asked of Telegram after a refused token


def test_doctor_from_the_command_line_prints_one_line_per_check(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PASSERELLE_", "TELEGRAM_"))}
    with bot_api() as (url, _):
        env.update(TELEGRAM_BOT_TOKEN=TOKEN, PASSERELLE_TERRITORY="kremlin-bicetre",
                   PASSERELLE_PSEUDONYM_SECRET="s" * 40, PASSERELLE_BOT_API_URL=url,
                   PASSERELLE_DB=str(tmp_path / "bot.sqlite3"))  # fmt: skip
        result = subprocess.run([sys.executable, "-m", "bot", "doctor"], capture_output=True,
                                text=True, timeout=90, env=env, cwd=ROOT)  # fmt: skip
    assert result.returncode == 1, result.stderr  # no staff group configured
    assert "Traceback" not in result.stderr
    said = result.stdout.strip().splitlines()
    assert said[0].startswith("✓ configuration: mode polling, territory kremlin-bicetre")
    assert "• database: no file yet" in said[2]
    assert any(line.startswith("✓ token: @passerelle_bot") for line in said)
    assert any(line.startswith("✗ staff group: PASSERELLE_STAFF_CHAT_ID is not set")
               for line in said)  # fmt: skip
    assert not (tmp_path / "bot.sqlite3").exists()  # the doctor changes nothing


async def test_a_backup_taken_while_the_bot_writes_is_whole_and_restores(tmp_path: Path) -> None:
    source = tmp_path / "bot.sqlite3"
    db = Database(source)
    await db.open()
    written = 0
    stop, enough = asyncio.Event(), asyncio.Event()

    async def writer() -> None:
        nonlocal written
        while not stop.is_set():
            await people_store.save_setting(db, f"p{written}", "language", "fr", NOW)
            written += 1
            if written == 200:
                enough.set()
            await asyncio.sleep(0)

    task = asyncio.create_task(writer())
    try:
        await enough.wait()
        before = written
        copies = [await asyncio.to_thread(backup, source, tmp_path / f"copy{i}.sqlite3")
                  for i in range(3)]  # fmt: skip
        after = written
    finally:
        stop.set()
        await task
        await db.close()
    assert after > before  # the bot kept writing during the backups
    for copy in copies:
        assert before <= copy.counts["person"] <= after
        assert stat.S_IMODE(copy.path.stat().st_mode) == 0o600

    # Restore: the copy, put in place of the database, is opened and read by the bot.
    restored = tmp_path / "restored.sqlite3"
    shutil.copy(copies[-1].path, restored)
    again = Database(restored)
    await again.open()
    try:
        count = await again.value("SELECT COUNT(*) FROM person")
        assert count == copies[-1].counts["person"]
        assert await again.schema_version() == copies[-1].version
    finally:
        await again.close()


async def _made(path: Path) -> None:
    """A database as the bot makes it at its first start."""
    database = Database(path)
    await database.open()
    await database.close()


def test_backup_from_the_command_line(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PASSERELLE_", "TELEGRAM_"))}
    env.update(PASSERELLE_DB=str(tmp_path / "bot.sqlite3"), PASSERELLE_TERRITORY="dumbea")
    command = [sys.executable, "-m", "bot", "backup", str(tmp_path / "b.sqlite3")]
    missing = subprocess.run(command, capture_output=True, text=True, timeout=60, env=env,
                             cwd=ROOT)  # fmt: skip
    assert missing.returncode == 2 and "no database at" in missing.stderr
    asyncio.run(_made(tmp_path / "bot.sqlite3"))
    done = subprocess.run(command, capture_output=True, text=True, timeout=60, env=env,
                          cwd=ROOT)  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith(f"backup written: {tmp_path / 'b.sqlite3'}")
    assert "integrity ok" in done.stdout
