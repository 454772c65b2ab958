"""GET /health: the database and the job queue, alive or not."""

from __future__ import annotations

import asyncio
import datetime as dt
import json
from pathlib import Path

from handlers.runtime.health import BEAT_EVERY, HEALTH_KEY, Health
from tests.harness import harness_for


async def get(port: int, path: str = "/health", method: str = "GET") -> tuple[int, dict[str, str]]:
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    writer.write(f"{method} {path} HTTP/1.1\r\nHost: x\r\n\r\n".encode())
    await writer.drain()
    raw = await reader.read()
    writer.close()
    head, _, body = raw.partition(b"\r\n\r\n")
    return int(head.split()[1]), json.loads(body) if body else {}


async def test_health_says_whether_the_database_and_the_job_queue_are_alive(
    tmp_path: Path,
) -> None:
    async with harness_for("dumbea", tmp_path, health_port=0) as h:
        health = h.app.bot_data[HEALTH_KEY]
        assert isinstance(health, Health) and health.port
        await h.advance(dt.timedelta(seconds=1))
        assert await get(health.port) == (200, {"database": "ok", "jobs": "ok"})
        assert (await get(health.port, "/other"))[0] == 404
        assert (await get(health.port, method="POST"))[0] == 405

        # The job queue stops beating (its scheduler stuck or stopped): unhealthy.
        h.clock.set(h.clock.now() + 4 * BEAT_EVERY)
        assert await get(health.port) == (503, {"database": "ok", "jobs": "down"})
        await h.advance(dt.timedelta(seconds=1))
        assert (await get(health.port))[0] == 200

        await h.services.db.close()
        assert await get(health.port) == (503, {"database": "down", "jobs": "ok"})


async def test_no_health_endpoint_unless_configured(tmp_path: Path) -> None:
    async with harness_for("dumbea", tmp_path) as h:
        assert HEALTH_KEY not in h.app.bot_data
