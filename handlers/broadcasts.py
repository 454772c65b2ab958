"""Sending broadcasts within Telegram's limits, resumable after a crash or a restart."""

from __future__ import annotations

from typing import Any

from telegram.ext import Application


def job_name(broadcast_id: int) -> str:
    return f"broadcast:{broadcast_id}"


async def launch(app: Application[Any, Any, Any, Any, Any, Any], broadcast_id: int | None) -> None:
    """Start sending a broadcast just created (``None``: nothing was created)."""
    # Implementation lands shortly (see bot/broadcasts.py for the service side).
    del app, broadcast_id
