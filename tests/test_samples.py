"""The console's own fresh database starts with example permanences and events, marked
as examples; a given database, a bot with a token or the test harness gets none; seeding
twice adds nothing; the first lines say how to pick the other territory."""

from __future__ import annotations

import io
import subprocess
import sys
from pathlib import Path

from bot.samples import seed_examples
from bot.services import Services
from bot.storage import events as event_store
from bot.storage import permanences as permanence_store
from bot.territory import find_pack, load_pack
from handlers.runtime.app import build_application
from handlers.runtime.console import run_console
from handlers.runtime.offline import OfflineBotAPI
from tests.harness import Harness, settings_for
from tests.test_console import _env

ROOT = Path(__file__).resolve().parents[1]


async def _console(tmp_path: Path, script: str, territory: str, *, examples: bool) -> str:
    services = Services(settings_for(tmp_path / "c.sqlite3", territory),
                        load_pack(find_pack(territory)))  # fmt: skip
    api = OfflineBotAPI()
    out = io.StringIO()
    await run_console(build_application(services, request=api), api,
                      stdin=io.StringIO(script), out=out, examples=examples)  # fmt: skip
    return out.getvalue()


async def test_the_console_shows_example_events_and_permanences(tmp_path: Path) -> None:
    out = await _console(tmp_path, "/evenements\n/permanences\n", "dumbea", examples=True)
    assert "starts with examples" in out
    for title in ("Braderie de l'école", "Tournoi de foot", "Atelier cuisine"):
        assert f"[Exemple] {title}" in out
    assert "[Exemple] Permanence d'accueil · Salle d'exemple" in out


async def test_the_example_pages_say_they_are_examples(tmp_path: Path) -> None:
    out = await _console(tmp_path, "/evenements\n2\n", "kremlin-bicetre", examples=True)
    assert "Exemple fictif" in out and "pas un vrai rendez-vous" in out


async def test_english_readers_see_examples_too(tmp_path: Path) -> None:
    out = await _console(tmp_path, ":user Ann en\n/evenements\n", "dumbea", examples=True)
    assert "[Example] School jumble sale" in out


async def test_a_console_without_examples_shows_none(tmp_path: Path) -> None:
    out = await _console(tmp_path, "/evenements\n/permanences\n", "dumbea", examples=False)
    assert "[Exemple]" not in out and "starts with examples" not in out


async def test_the_test_harness_has_no_examples(bot: Harness) -> None:
    sam = bot.person()
    await sam.send("/evenements")
    await sam.send("/permanences")
    assert not any("[Exemple]" in (reply.text or "") for reply in sam.replies)
    assert await permanence_store.list_permanences(bot.services.db) == []


async def test_seeding_twice_adds_nothing(bot: Harness) -> None:
    db, now = bot.services.db, bot.clock.now()
    assert await seed_examples(db, bot.services.pack, now) is True
    events = await event_store.upcoming_events(db, now)
    permanences = await permanence_store.list_permanences(db)
    assert len(events) == 3 and len(permanences) == 2
    assert all(e.title_fr.startswith("[Exemple] ") for e in events)
    assert {p.rrule for p in permanences} == {"FREQ=WEEKLY;BYDAY=WE", "FREQ=MONTHLY;BYDAY=1TU"}
    assert await seed_examples(db, bot.services.pack, now) is False
    assert len(await event_store.upcoming_events(db, now)) == 3
    assert len(await permanence_store.list_permanences(db)) == 2


def _run(args: list[str], cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "bot", *args], input="/evenements\n", capture_output=True,
        text=True, timeout=60, env=_env(), cwd=cwd,
    )  # fmt: skip


def test_make_run_names_the_territory_and_the_other_one(tmp_path: Path) -> None:
    result = _run(["run"], tmp_path)
    assert result.returncode == 0, result.stderr
    assert "Territory: kremlin-bicetre. For the other one: make run TERRITORY=dumbea" in (
        result.stdout
    )
    assert "[Exemple] Braderie de l'école" in result.stdout


def test_a_database_given_to_the_console_gets_no_examples(tmp_path: Path) -> None:
    result = _run(["console", "--territory", "dumbea", "--db", "given.sqlite3"], tmp_path)
    assert result.returncode == 0, result.stderr
    assert "Territory: dumbea. For the other one: python -m bot console --territory " \
           "kremlin-bicetre" in result.stdout  # fmt: skip
    assert "[Exemple]" not in result.stdout
    assert (tmp_path / "given.sqlite3").exists()
