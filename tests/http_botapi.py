"""A small Bot API over real HTTP on 127.0.0.1, for tests and benches that start
``python -m bot`` as its own process.

It keeps updates as Telegram does: ``getUpdates`` hands out those at or above the offset
and long-polls when there are none; an offset confirms (and forgets) what is below it.
``sendMessage`` and the other send methods answer a message and are recorded; getMe
answers the bot, getWebhookInfo no webhook, getChat a supergroup, getChatMember a plain
member, getMyCommands none, every other method ``true``.
"""

from __future__ import annotations

import itertools
import json
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs

from handlers.runtime.offline import BOT_USER

LONG_POLL_CAP = 1.0
"""Seconds a getUpdates with nothing to give waits at most (Telegram: its timeout)."""


class _Handler(BaseHTTPRequestHandler):
    server: BotAPIServer

    def do_POST(self) -> None:
        method = self.path.rsplit("/", 1)[-1]
        length = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(length).decode("utf-8", errors="replace")
        kind = self.headers.get("Content-Type") or ""
        params: dict[str, Any] = {}
        if kind.startswith("application/json") and raw:
            params = json.loads(raw)
        elif raw and "multipart" not in kind:
            params = {k: v[0] for k, v in parse_qs(raw).items()}
        body = json.dumps({"ok": True, "result": self.server.answer(method, params)}).encode()
        try:
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the bot was killed while it waited for this answer

    do_GET = do_POST

    def log_message(self, format: str, *args: Any) -> None:
        return None


class BotAPIServer(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), _Handler)
        self.methods: list[str] = []
        self.sent: list[tuple[int, str]] = []
        """(chat id, text) of every message the bot sent, in order."""
        self._pending: list[dict[str, Any]] = []
        self._ids = itertools.count(1)
        self._message_ids = itertools.count(1)
        self._changed = threading.Condition()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}/bot"

    def push(self, update: dict[str, Any]) -> int:
        """An update from a person; its update_id is given here, as Telegram gives it."""
        with self._changed:
            update_id = next(self._ids)
            self._pending.append({**update, "update_id": update_id})
            self._changed.notify_all()
        return update_id

    def answer(self, method: str, params: dict[str, Any]) -> Any:
        self.methods.append(method)
        if method == "getMe":
            return BOT_USER
        if method == "getUpdates":
            return self._updates(int(params.get("offset") or 0),
                                 float(params.get("timeout") or 0))  # fmt: skip
        if method == "getWebhookInfo":
            return {"url": "", "has_custom_certificate": False,
                    "pending_update_count": len(self._pending)}  # fmt: skip
        if method == "getChat":
            return {"id": int(params.get("chat_id") or -1), "type": "supergroup",
                    "title": "Équipe", "accent_color_id": 0, "max_reaction_count": 11}  # fmt: skip
        if method == "getChatMember":
            return {"status": "member", "user": BOT_USER}
        if method == "getMyCommands":
            return []
        if method.startswith(("send", "edit")):
            chat_id = int(params.get("chat_id") or 0)
            text = str(params.get("text") or params.get("caption") or "")
            self.sent.append((chat_id, text))
            return {"message_id": next(self._message_ids), "date": int(time.time()),
                    "chat": {"id": chat_id, "type": "private" if chat_id > 0 else "supergroup"},
                    "from": BOT_USER, "text": text}  # fmt: skip
        return True

    def _updates(self, offset: int, timeout: float) -> list[dict[str, Any]]:
        deadline = time.monotonic() + min(timeout, LONG_POLL_CAP)
        with self._changed:
            self._pending = [u for u in self._pending if u["update_id"] >= offset]
            while not self._pending and time.monotonic() < deadline:
                self._changed.wait(deadline - time.monotonic())
            return list(self._pending[:100])


@contextmanager
def bot_api() -> Iterator[tuple[str, list[str]]]:
    """(base URL for PASSERELLE_BOT_API_URL, the methods called)."""
    with serving() as server:
        yield server.url, server.methods


@contextmanager
def serving() -> Iterator[BotAPIServer]:
    server = BotAPIServer()
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield server
    finally:
        server.shutdown()
        server.server_close()
