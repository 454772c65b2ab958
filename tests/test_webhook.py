"""Webhook mode: updates posted by Telegram with the secret token reach the bot."""

from __future__ import annotations

import asyncio
import json
import socket
from pathlib import Path

import httpx

from bot.__main__ import webhook_options
from bot.config import load_settings
from bot.services import Services
from bot.territory import find_pack, load_pack
from handlers.runtime.app import build_application, running
from handlers.runtime.offline import OfflineBotAPI

SECRET = "webhook-secret-token-1234"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


async def test_webhook_accepts_telegram_and_refuses_a_wrong_secret(tmp_path: Path) -> None:
    port = _free_port()
    settings = load_settings(
        {
            "TELEGRAM_BOT_TOKEN": "12345:" + "A" * 35,
            "PASSERELLE_MODE": "webhook",
            "PASSERELLE_TERRITORY": "dumbea",
            "PASSERELLE_DB": str(tmp_path / "w.sqlite3"),
            "PASSERELLE_PSEUDONYM_SECRET": "p" * 40,
            "PASSERELLE_WEBHOOK_URL": "https://bot.example.org/telegram/hook",
            "PASSERELLE_WEBHOOK_PORT": str(port),
            "PASSERELLE_WEBHOOK_SECRET": SECRET,
        }
    )
    api = OfflineBotAPI()
    app = build_application(Services(settings, load_pack(find_pack("dumbea"))), request=api)
    update = {
        "update_id": 1,
        "message": {
            "message_id": 1, "date": 0, "text": "/start",
            "chat": {"id": 4242, "type": "private"},
            "from": {"id": 4242, "is_bot": False, "first_name": "A", "language_code": "fr"},
            "entities": [{"type": "bot_command", "offset": 0, "length": 6}],
        },
    }  # fmt: skip
    async with running(app):
        assert app.updater is not None
        await app.updater.start_webhook(**webhook_options(settings))
        try:
            url = f"http://127.0.0.1:{port}/telegram/hook"
            async with httpx.AsyncClient() as client:
                forged = await client.post(
                    url, content=json.dumps(update), headers={
                        "X-Telegram-Bot-Api-Secret-Token": "wrong",
                        "Content-Type": "application/json",
                    },
                )  # fmt: skip
                assert forged.status_code == 403
                good = await client.post(
                    url, content=json.dumps(update), headers={
                        "X-Telegram-Bot-Api-Secret-Token": SECRET,
                        "Content-Type": "application/json",
                    },
                )  # fmt: skip
                assert good.status_code == 200
            for _ in range(100):
                if any(c.method == "sendMessage" for c in api.calls):
                    break
                await asyncio.sleep(0.02)
        finally:
            await app.updater.stop()
    replies = [c for c in api.calls if c.method == "sendMessage"]
    assert len(replies) == 1
    assert "Dumbéa" in replies[0].text
    assert next(c for c in api.calls if c.method == "setWebhook").params["secret_token"] == SECRET
