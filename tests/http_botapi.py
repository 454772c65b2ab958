"""A minimal Bot API over real HTTP on 127.0.0.1, for tests that start ``python -m bot``
as its own process: getMe answers the bot, getUpdates nothing (after a short wait, as a
long poll does), getWebhookInfo no webhook, getMyCommands none, every other method
``true``. Methods called are recorded in order."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from handlers.offline import BOT_USER


class _Handler(BaseHTTPRequestHandler):
    server: _Server

    def do_POST(self) -> None:
        method = self.path.rsplit("/", 1)[-1]
        self.server.methods.append(method)
        length = int(self.headers.get("Content-Length") or 0)
        self.rfile.read(length)
        result: Any = True
        if method == "getMe":
            result = BOT_USER
        elif method == "getWebhookInfo":
            result = {"url": "", "has_custom_certificate": False, "pending_update_count": 0}
        elif method == "getChat":
            result = {"id": -1, "type": "supergroup", "title": "Équipe", "accent_color_id": 0,
                      "max_reaction_count": 11}  # fmt: skip
        elif method == "getChatMember":
            result = {"status": "member", "user": BOT_USER}
        elif method == "getMyCommands":
            result = []
        elif method == "getUpdates":
            time.sleep(0.05)
            result = []
        body = json.dumps({"ok": True, "result": result}).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    do_GET = do_POST

    def log_message(self, format: str, *args: Any) -> None:
        return None


class _Server(ThreadingHTTPServer):
    methods: list[str]


@contextmanager
def bot_api() -> Iterator[tuple[str, list[str]]]:
    """(base URL for PASSERELLE_BOT_API_URL, the methods called)."""
    server = _Server(("127.0.0.1", 0), _Handler)
    server.methods = []
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/bot", server.methods
    finally:
        server.shutdown()
        server.server_close()
