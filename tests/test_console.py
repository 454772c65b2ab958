"""Console mode: the real bot in a terminal, scriptable line by line."""

from __future__ import annotations

import io
import os
import socket
import subprocess
import sys
from pathlib import Path

from bot.services import Services
from bot.territory import find_pack, load_pack
from handlers.runtime.app import build_application
from handlers.runtime.console import run_console
from handlers.runtime.offline import OfflineBotAPI
from tests.harness import settings_for
from tests.http_botapi import bot_api

ROOT = Path(__file__).resolve().parents[1]


def _env() -> dict[str, str]:
    """The caller's environment without Passerelle's settings; ``bot`` is this checkout's,
    whichever the virtual environment was installed from (a worktree shares it)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PASSERELLE_", "TELEGRAM_"))}
    return {**env, "PYTHONPATH": str(ROOT)}


def test_scripted_console_session(tmp_path: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "bot", "console", "--territory", "dumbea"],
        input="/start\n6\n",
        capture_output=True,
        text=True,
        timeout=60,
        env=_env(),
        cwd=tmp_path,
    )
    assert result.returncode == 0, result.stderr
    assert "Dumbéa" in result.stdout
    assert "[1] 💬 Poser une question" in result.stdout
    assert "SAMU" in result.stdout  # "6" pressed the emergency numbers button
    assert "Traceback" not in result.stderr
    assert list(tmp_path.iterdir()) == []  # the temporary database went away


def test_make_run_without_token_opens_the_console(tmp_path: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "bot", "run"],
        input="/start\n",
        capture_output=True,
        text=True,
        timeout=60,
        env={**_env(), "PASSERELLE_TERRITORY": "kremlin-bicetre"},
        cwd=tmp_path,
    )
    assert result.returncode == 0, result.stderr
    assert "starting the console" in result.stdout
    assert "Kremlin-Bicêtre" in result.stdout


async def _console(tmp_path: Path, script: str, territory: str = "kremlin-bicetre") -> str:
    settings = settings_for(tmp_path / "c.sqlite3", territory)
    services = Services(settings, load_pack(find_pack(territory)))
    api = OfflineBotAPI()
    out = io.StringIO()
    await run_console(build_application(services, request=api), api, stdin=io.StringIO(script),
                      out=out)  # fmt: skip
    return out.getvalue()


async def test_console_switches_people_and_staff(tmp_path: Path) -> None:
    out = await _console(
        tmp_path,
        "/langue\n2\n:user Lea\n/menu\n:user Sam\n/menu\n:staff Nadia\n:who\n:help\n:bogus\n",
    )
    assert "I'll speak English" in out
    assert "(you are now Lea)" in out
    assert out.count("Que puis-je faire") >= 1  # Léa is new: French
    assert "What can I do for you?" in out  # Sam chose English
    assert "staff member Nadia" in out
    assert "Console commands:" in out
    assert "unknown console command :bogus" in out


async def test_console_sends_media_and_edits(tmp_path: Path) -> None:
    out = await _console(tmp_path, ":sticker\n:edit hello\n9\n:quit\n/start\n")
    assert "Joli sticker" in out
    assert "modifié" in out
    assert "Bonjour !" not in out  # :quit stopped before /start


def test_a_database_file_that_is_not_sqlite_stops_the_start_in_one_line(tmp_path: Path) -> None:
    not_sqlite = tmp_path / "notes.sqlite3"
    not_sqlite.write_text("not a database at all")
    result = subprocess.run(
        [sys.executable, "-m", "bot", "console", "--territory", "dumbea",
         "--db", str(not_sqlite)],
        input="", capture_output=True, text=True, timeout=60, env=_env(), cwd=tmp_path,
    )  # fmt: skip
    assert result.returncode == 2
    assert "Traceback" not in result.stderr + result.stdout
    assert f"cannot use database {not_sqlite}: file is not a database" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 2  # the title, and the one problem


def _polling_env(tmp_path: Path, **changes: str) -> dict[str, str]:
    env = _env()
    env.update(
        TELEGRAM_BOT_TOKEN="123456:" + "A" * 35,
        PASSERELLE_TERRITORY="dumbea",
        PASSERELLE_PSEUDONYM_SECRET="s" * 40,
        PASSERELLE_DB=str(tmp_path / "bot.sqlite3"),
        PASSERELLE_BOT_API_URL="http://127.0.0.1:9/bot",  # nothing listens on port 9
    )
    env.update(changes)
    return env


def _start(env: dict[str, str], cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "bot", "run"],
        capture_output=True, text=True, timeout=90, env=env, cwd=cwd,
    )  # fmt: skip


def _said(stderr: str) -> list[str]:
    """What the start says to the operator, log lines (timestamped) aside."""
    return [line for line in stderr.strip().splitlines() if not line[:4].isdigit()]


def test_polling_checks_the_database_before_telegram_in_one_line(tmp_path: Path) -> None:
    not_sqlite = tmp_path / "bot.sqlite3"
    not_sqlite.write_text("not a database")
    result = _start(_polling_env(tmp_path, PASSERELLE_DB=str(not_sqlite)), tmp_path)
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    assert "file is not a database" in result.stderr
    assert "Bot API" not in result.stderr  # the database is checked first
    assert len(_said(result.stderr)) == 2


def test_an_unreachable_bot_api_stops_the_start_in_one_line(tmp_path: Path) -> None:
    result = _start(_polling_env(tmp_path), tmp_path)
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    assert "cannot reach the Bot API at http://127.0.0.1:9/bot" in result.stderr
    assert len(_said(result.stderr)) == 2  # the title, and the one problem


def test_a_webhook_port_in_use_stops_the_start_in_one_line(tmp_path: Path) -> None:
    with bot_api() as (url, methods), socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        env = _polling_env(
            tmp_path, PASSERELLE_BOT_API_URL=url, PASSERELLE_MODE="webhook",
            PASSERELLE_WEBHOOK_URL="https://passerelle.example.org/hook",
            PASSERELLE_WEBHOOK_SECRET="s" * 20, PASSERELLE_WEBHOOK_PORT=str(port),
        )  # fmt: skip
        result = _start(env, tmp_path)
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    assert f"cannot listen on 127.0.0.1:{port}" in result.stderr
    assert "PASSERELLE_WEBHOOK_PORT" in result.stderr
    assert len(_said(result.stderr)) == 2
    assert methods == ["getMe"]  # checked in order: nothing else was asked of Telegram


async def test_console_quick_exit_says_what_the_phone_no_longer_shows(tmp_path: Path) -> None:
    out = await _console(tmp_path, "/start\n/effacer\n")
    assert "🚪 Effacer l'écran" in out
    assert "messages deleted from the phone's screen" in out
    assert out.rstrip().endswith("Tapez /start pour commencer.")
