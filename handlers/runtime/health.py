"""GET /health: whether the database answers and the job queue runs, for a supervisor or
a reverse proxy to check (webhook mode, or wherever PASSERELLE_HEALTH_PORT is set).

A tiny HTTP/1.1 server of its own: python-telegram-bot's webhook server takes no extra
routes. It answers on the webhook's address only, says nothing about people, and closes
each connection after one answer.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import json
import logging
from typing import Any

from telegram.ext import Application

from handlers.runtime.context import Context, services_of

log = logging.getLogger(__name__)

BEAT_EVERY = dt.timedelta(seconds=30)
"""The job queue proves it runs by a job this often; three missed beats mean it stopped."""
DATABASE_WITHIN = 2.0
"""Seconds the database has to answer."""
HEALTH_KEY = "health"


class Health:
    def __init__(self, app: Application[Any, Any, Any, Any, Any, Any]) -> None:
        self.app = app
        self.last_beat: dt.datetime | None = None
        self._server: asyncio.Server | None = None

    @property
    def port(self) -> int | None:
        if self._server is None or not self._server.sockets:
            return None
        return int(self._server.sockets[0].getsockname()[1])

    async def start(self, host: str, port: int) -> None:
        job_queue = self.app.job_queue
        if job_queue is not None:
            job_queue.run_repeating(_beat, interval=BEAT_EVERY, first=0, name="health:beat")
        self._server = await asyncio.start_server(self._serve, host, port, limit=8192)

    async def stop(self) -> None:
        if self._server is not None:
            self._server.close()
            await self._server.wait_closed()
            self._server = None

    async def status(self) -> dict[str, str]:
        services = services_of(self.app)
        try:
            await asyncio.wait_for(services.db.value("SELECT 1"), DATABASE_WITHIN)
            database = "ok"
        except Exception:
            database = "down"
        scheduler_running = self.app.job_queue is not None and self.app.job_queue.scheduler.running
        beat_recent = self.last_beat is not None and (
            services.clock.now() - self.last_beat <= 3 * BEAT_EVERY
        )
        jobs = "ok" if scheduler_running and beat_recent else "down"
        return {"database": database, "jobs": jobs}

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            request = await asyncio.wait_for(reader.readuntil(b"\r\n\r\n"), 5)
            method, path, *_ = [*request.split(b"\r\n", 1)[0].decode("latin-1").split(" "), ""]
            if path.split("?", 1)[0] != "/health":
                status, body = "404 Not Found", {"error": "not found"}
            elif method not in ("GET", "HEAD"):
                status, body = "405 Method Not Allowed", {"error": "GET only"}
            else:
                body = await self.status()
                healthy = all(value == "ok" for value in body.values())
                status = "200 OK" if healthy else "503 Service Unavailable"
            payload = json.dumps(body).encode()
            head = (
                f"HTTP/1.1 {status}\r\nContent-Type: application/json\r\n"
                f"Content-Length: {len(payload)}\r\nCache-Control: no-store\r\n"
                "Connection: close\r\n\r\n"
            ).encode()
            writer.write(head + (b"" if method == "HEAD" else payload))
            await writer.drain()
        except (TimeoutError, asyncio.IncompleteReadError, asyncio.LimitOverrunError,
                ConnectionError):  # fmt: skip
            pass
        finally:
            writer.close()


async def _beat(context: Context) -> None:
    health = context.application.bot_data.get(HEALTH_KEY)
    if isinstance(health, Health):
        health.last_beat = context.services.clock.now()


async def start_health(app: Application[Any, Any, Any, Any, Any, Any]) -> Health | None:
    """Serve GET /health when the settings ask for it (post_init)."""
    settings = services_of(app).settings
    if settings.health_port is None:
        return None
    health = Health(app)
    app.bot_data[HEALTH_KEY] = health
    await health.start(settings.webhook_listen, settings.health_port)
    log.info("health endpoint on %s:%s/health", settings.webhook_listen, health.port)
    return health


async def stop_health(app: Application[Any, Any, Any, Any, Any, Any]) -> None:
    health = app.bot_data.pop(HEALTH_KEY, None)
    if isinstance(health, Health):
        await health.stop()
