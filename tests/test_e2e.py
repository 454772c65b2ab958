"""End to end over real HTTP: the bot as its own process, polling a local Bot API emulator.

The emulator is the npm package ``telegram-test-api`` (pinned in tests/e2e/package.json),
installed on first use into the ignored folder ``.e2e/`` and started through
tests/e2e/server.js, which fixes what the package does differently from Telegram (see
shared/E2E.md). The bot runs exactly as in production (``python -m bot run``,
polling with python-telegram-bot's own HTTP client); the test plays the person through the
emulator's client API. Everything listens on, and talks to, 127.0.0.1 only.

Without ``node``/``npm`` the module is skipped, unless ``CI`` is set: then it fails.
"""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any, NoReturn

import pytest

pytestmark = pytest.mark.e2e

ROOT = Path(__file__).resolve().parent.parent
PACKAGE_DIR = ROOT / "tests" / "e2e"
SERVER_JS = PACKAGE_DIR / "server.js"
INSTALL_DIR = ROOT / ".e2e"

# Well-shaped for the configuration check, and obviously fake (5 digits, spelled out).
TOKEN = "12345:e2e_not_a_real_token_just_for_tests"
PSEUDONYM_SECRET = "e2e-pseudonym-secret-not-used-in-prod-40"
BOT_ID = 12345  # what the emulator's getMe reports: the token's number

READY_TIMEOUT = 20.0
REPLY_TIMEOUT = 15.0
POLL_EVERY = 0.1

_PROXY_VARIABLES = {"http_proxy", "https_proxy", "all_proxy", "no_proxy"}
# No proxy from the environment: every request of the test goes to 127.0.0.1 directly.
_OPENER = urllib.request.build_opener(urllib.request.ProxyHandler({}))


def _in_ci() -> bool:
    return os.environ.get("CI", "").strip().lower() not in ("", "0", "false", "no")


def _unavailable(reason: str) -> NoReturn:
    """Skip on a developer's machine; fail in CI, where the e2e test must run."""
    if _in_ci():
        pytest.fail(f"{reason} (CI is set, so this is an error)", pytrace=False)
    pytest.skip(reason)


def _tool(name: str) -> str:
    path = shutil.which(name)
    if path is None:
        _unavailable(f"end-to-end test: `{name}` is not on PATH (install Node.js 18+)")
    return path


def _tail(path: Path, limit: int = 6000) -> str:
    try:
        text = path.read_text(encoding="utf-8", errors="replace")
    except FileNotFoundError:
        return "(no output file)"
    return text if len(text) <= limit else "…" + text[-limit:]


def _stop(process: subprocess.Popen[bytes], *, grace: float) -> None:
    """Ask nicely (SIGTERM), then kill; always reap the process."""
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=grace)
        except subprocess.TimeoutExpired:
            process.kill()
    process.wait(timeout=10)


@pytest.fixture(scope="session")
def node_modules() -> Path:
    """The emulator package, installed from the pinned lock file only when missing or stale."""
    _tool("node")
    npm = _tool("npm")
    lock = PACKAGE_DIR / "package-lock.json"
    installed_lock = INSTALL_DIR / "package-lock.json"
    modules = INSTALL_DIR / "node_modules"
    if (
        (modules / "telegram-test-api" / "package.json").is_file()
        and installed_lock.is_file()
        and installed_lock.read_bytes() == lock.read_bytes()
    ):
        return modules
    INSTALL_DIR.mkdir(exist_ok=True)
    shutil.copyfile(PACKAGE_DIR / "package.json", INSTALL_DIR / "package.json")
    shutil.copyfile(lock, installed_lock)
    try:
        result = subprocess.run(
            [npm, "ci", "--ignore-scripts", "--no-audit", "--no-fund", "--loglevel=error"],
            cwd=INSTALL_DIR,
            capture_output=True,
            text=True,
            timeout=300,
            check=False,
        )
    except subprocess.TimeoutExpired:
        _unavailable("end-to-end test: `npm ci` of the emulator took more than 5 minutes")
    if result.returncode != 0 or not (modules / "telegram-test-api").is_dir():
        _unavailable(
            "end-to-end test: could not install the emulator with `npm ci` in .e2e/ "
            f"(exit {result.returncode}):\n{result.stderr[-3000:]}"
        )
    return modules


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def _clean_environment() -> dict[str, str]:
    return {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("PASSERELLE_", "TELEGRAM_")) and key.lower() not in _PROXY_VARIABLES
    }


@dataclass
class Stack:
    """The emulator and the bot, running; and the test's side of the conversation."""

    url: str
    logs: Path
    emulator: subprocess.Popen[bytes]
    bot: subprocess.Popen[bytes] | None = None
    seen: dict[int, list[dict[str, Any]]] = field(default_factory=dict)

    # --- diagnostics -------------------------------------------------------------------

    def explain(self, what: str) -> str:
        """``what``, then the logs of both processes: the message of a failed assert."""
        parts = [what]
        if self.bot is not None:
            parts.append(f"--- bot (exit code {self.bot.poll()}) stderr ---")
            parts.append(_tail(self.logs / "bot.err"))
        parts.append(f"--- emulator (exit code {self.emulator.poll()}) stderr ---")
        parts.append(_tail(self.logs / "emulator.err", 2000))
        return "\n".join(parts)

    def _check_alive(self) -> None:
        for name, process in (("bot", self.bot), ("emulator", self.emulator)):
            if process is not None and process.poll() is not None:
                pytest.fail(self.explain(f"the {name} process has exited"), pytrace=False)

    # --- the emulator's client API -----------------------------------------------------

    def post(self, route: str, payload: dict[str, Any]) -> Any:
        request = urllib.request.Request(  # noqa: S310 - always http://127.0.0.1:PORT
            f"{self.url}/{route}",
            data=json.dumps(payload).encode(),
            headers={"Content-Type": "application/json"},
            method="POST",
        )
        with _OPENER.open(request, timeout=5) as response:
            return json.load(response)

    @staticmethod
    def person(chat_id: int) -> tuple[dict[str, Any], dict[str, Any]]:
        """A person without language_code (so French), in their private chat with the bot."""
        user = {"id": chat_id, "is_bot": False, "first_name": "Camille"}
        chat = {"id": chat_id, "type": "private", "first_name": "Camille"}
        return user, chat

    def send_command(self, chat_id: int, command: str) -> None:
        user, chat = self.person(chat_id)
        self.post(
            "sendCommand",
            {
                "botToken": TOKEN,
                "from": user,
                "chat": chat,
                "date": int(time.time()),
                "text": command,
                "entities": [{"type": "bot_command", "offset": 0, "length": len(command)}],
            },
        )

    def press(self, chat_id: int, record: dict[str, Any], callback_data: str) -> None:
        """Press a button of a bot message (a record from :meth:`wait_for_message`)."""
        user, chat = self.person(chat_id)
        message = record["message"]
        self.post(
            "sendCallback",
            {
                "botToken": TOKEN,
                "from": user,
                "data": callback_data,
                # The emulator forwards this as the callback's message: PTB needs a real
                # date (0 would mean "inaccessible"), the id to edit, and the chat.
                "message": {
                    "message_id": record["messageId"],
                    "date": int(record["time"]) // 1000,
                    "chat": chat,
                    "from": {"id": BOT_ID, "is_bot": True, "first_name": "Passerelle (e2e)"},
                    "text": message.get("text", ""),
                    "reply_markup": message.get("reply_markup"),
                },
            },
        )

    def wait_for_message(
        self, chat_id: int, matches: Callable[[str], bool], what: str
    ) -> dict[str, Any]:
        """The first message the bot sent to the chat whose text ``matches``."""
        seen = self.seen.setdefault(chat_id, [])
        deadline = time.monotonic() + REPLY_TIMEOUT
        while True:
            answer = self.post("getUpdates", {"token": TOKEN, "chatId": chat_id})
            seen.extend(answer["result"])  # the emulator hands each one out only once
            for record in seen:
                if matches(str(record["message"].get("text", ""))):
                    return record
            self._check_alive()
            if time.monotonic() > deadline:
                texts = [r["message"].get("text") for r in seen]
                pytest.fail(
                    self.explain(f"no {what} within {REPLY_TIMEOUT} s; got {texts!r}"),
                    pytrace=False,
                )
            time.sleep(POLL_EVERY)

    def wait_for_edit(
        self, chat_id: int, message_id: int, matches: Callable[[str], bool], what: str
    ) -> dict[str, Any]:
        """The bot's message ``message_id`` once its text (edited in place) ``matches``."""
        deadline = time.monotonic() + REPLY_TIMEOUT
        while True:
            answer = self.post("getUpdatesHistory", {"token": TOKEN})
            history: list[dict[str, Any]] = answer["result"]
            mine = [
                r
                for r in history
                if "message" in r
                and str(r["message"].get("chat_id")) == str(chat_id)
                and r.get("messageId") == message_id
            ]
            for record in mine:
                if matches(str(record["message"].get("text", ""))):
                    return record
            self._check_alive()
            if time.monotonic() > deadline:
                texts = [r["message"].get("text") for r in mine]
                pytest.fail(
                    self.explain(f"no {what} within {REPLY_TIMEOUT} s; message is {texts!r}"),
                    pytrace=False,
                )
            time.sleep(POLL_EVERY)


def _start_emulator(node_modules: Path, logs: Path) -> tuple[subprocess.Popen[bytes], str]:
    """``node server.js PORT``, until its ready line; a few ports if one is taken meanwhile."""
    node = _tool("node")
    env = _clean_environment() | {"E2E_NODE_MODULES": str(node_modules)}
    problem = ""
    for _attempt in range(3):
        port = _free_port()
        out, err = logs / "emulator.out", logs / "emulator.err"
        with out.open("wb") as stdout, err.open("wb") as stderr:
            process = subprocess.Popen(
                [node, str(SERVER_JS), str(port)],
                cwd=ROOT,
                env=env,
                stdin=subprocess.PIPE,  # closing it stops the emulator
                stdout=stdout,
                stderr=stderr,
            )
        deadline = time.monotonic() + READY_TIMEOUT
        while time.monotonic() < deadline and process.poll() is None:
            if "ready" in out.read_text(encoding="utf-8", errors="replace"):
                return process, f"http://127.0.0.1:{port}"
            time.sleep(0.05)
        problem = _tail(err, 2000)
        _stop_emulator(process)
        if "EADDRINUSE" not in problem:
            break
    pytest.fail(f"the emulator did not start within {READY_TIMEOUT} s:\n{problem}", pytrace=False)


def _stop_emulator(process: subprocess.Popen[bytes]) -> None:
    stdin: IO[bytes] | None = process.stdin
    if stdin is not None:
        stdin.close()  # the emulator exits when its stdin closes
    try:
        process.wait(timeout=3)
    except subprocess.TimeoutExpired:
        _stop(process, grace=3)


def _start_bot(url: str, logs: Path) -> subprocess.Popen[bytes]:
    env = _clean_environment() | {
        "TELEGRAM_BOT_TOKEN": TOKEN,
        "PASSERELLE_MODE": "polling",
        "PASSERELLE_BOT_API_URL": f"{url}/bot",
        "PASSERELLE_TERRITORY": "dumbea",
        "PASSERELLE_DB": str(logs / "e2e.sqlite3"),
        "PASSERELLE_PSEUDONYM_SECRET": PSEUDONYM_SECRET,
        "NO_PROXY": "127.0.0.1,localhost",
        "no_proxy": "127.0.0.1,localhost",
        "PYTHONUNBUFFERED": "1",
    }
    with (logs / "bot.out").open("wb") as stdout, (logs / "bot.err").open("wb") as stderr:
        return subprocess.Popen(
            [sys.executable, "-m", "bot", "run"],
            cwd=ROOT,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=stdout,
            stderr=stderr,
        )


@pytest.fixture(scope="module")
def stack(node_modules: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    """One emulator and one bot for the module; each test uses its own chat."""
    logs = tmp_path_factory.mktemp("e2e")
    emulator, url = _start_emulator(node_modules, logs)
    running = Stack(url=url, logs=logs, emulator=emulator)
    try:
        running.bot = _start_bot(url, logs)
        yield running
    finally:
        if running.bot is not None:
            _stop(running.bot, grace=10)  # SIGTERM: run_polling stops cleanly
        _stop_emulator(emulator)


def _buttons(record: dict[str, Any]) -> list[dict[str, Any]]:
    markup = record["message"].get("reply_markup") or {}
    return [button for row in markup.get("inline_keyboard", []) for button in row]


def _plain(text: str) -> str:
    return text.replace("’", "'")


def _start(stack: Stack, chat_id: int) -> tuple[dict[str, Any], dict[str, Any]]:
    """/start, then the welcome message and its emergency-numbers button."""
    stack.send_command(chat_id, "/start")
    welcome = stack.wait_for_message(chat_id, lambda text: "Dumbéa" in text, "welcome message")
    urgence = [b for b in _buttons(welcome) if "Numéros d'urgence" in _plain(b["text"])]
    labels = [b["text"] for b in _buttons(welcome)]
    assert len(urgence) == 1, stack.explain(f"no emergency-numbers button in {labels!r}")
    return welcome, urgence[0]


def test_start_welcomes_with_the_territory_and_the_menu(stack: Stack) -> None:
    welcome, button = _start(stack, chat_id=1001)

    assert "Dumbéa" in welcome["message"]["text"]
    assert "callback_data" in button, stack.explain(f"not a callback button: {button!r}")
    assert len(_buttons(welcome)) >= 6, stack.explain("the main menu is incomplete")


def test_menu_button_edits_the_message_into_the_emergency_numbers(stack: Stack) -> None:
    chat_id = 1002
    welcome, button = _start(stack, chat_id)

    stack.press(chat_id, welcome, button["callback_data"])
    edited = stack.wait_for_edit(
        chat_id, welcome["messageId"], lambda text: "SAMU" in text, "edit to the numbers"
    )

    text = edited["message"]["text"]
    assert "15" in text, stack.explain(f"no 15 in the numbers: {text!r}")
    assert "SAMU" in text
    assert text != welcome["message"]["text"], stack.explain("the welcome was not replaced")
