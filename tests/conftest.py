from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from tests.harness import Harness, harness_for

TERRITORIES = ("dumbea", "kremlin-bicetre")


@pytest.fixture(params=TERRITORIES)
async def bot(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[Harness]:
    """The bot of each territory in turn."""
    async with harness_for(request.param, tmp_path) as h:
        yield h


@pytest.fixture
async def dumbea(tmp_path: Path) -> AsyncIterator[Harness]:
    async with harness_for("dumbea", tmp_path) as h:
        yield h


@pytest.fixture
async def kb(tmp_path: Path) -> AsyncIterator[Harness]:
    async with harness_for("kremlin-bicetre", tmp_path) as h:
        yield h
