"""The console's staff group: a newcomer plays the person and the mediator, offline.

A person asks to be called back; ``:staff Lea <team>`` registers Lea in the console's
database and puts her in the simulated staff group, where the card's buttons are pressed
by number, ``:reply`` answers the person, ``:note`` notes; and the README's session runs
as printed.
"""

from __future__ import annotations

import io
import os
import re
import subprocess
import sys
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path

from bot.services import Services
from bot.staff import COORDINATOR, MEDIATOR
from bot.storage import staff as staff_store
from bot.territory import find_pack, load_pack
from handlers.runtime.app import build_application, running
from handlers.runtime.console import HELP, Console, console_settings
from handlers.runtime.offline import OfflineBotAPI
from tests.harness import settings_for
from tests.scripts import readme_console

ROOT = Path(__file__).resolve().parents[1]
ASK = ("/rappel", "1", "J'ai une question sur la contraception", "1", "5", "5", "1")
"""A person's callback request in Le Kremlin-Bicêtre: health, answered in Telegram."""


@dataclass
class Driver:
    console: Console
    api: OfflineBotAPI
    services: Services
    out: io.StringIO

    async def type(self, *lines: str) -> str:
        """Type lines as the console's operator; what the console printed meanwhile."""
        start = len(self.out.getvalue())
        for line in lines:
            self.out.write(f"{self.console.prompt}{line}\n")
            await self.console.handle(line)
        return self.out.getvalue()[start:]

    def sent_to(self, chat_id: int) -> list[str]:
        return [
            c.text for c in self.api.calls if c.method == "sendMessage" and c.chat_id == chat_id
        ]

    def sends(self) -> int:
        return sum(c.method in ("sendMessage", "editMessageText") for c in self.api.calls)


@asynccontextmanager
async def console_for(tmp_path: Path, territory: str = "kremlin-bicetre") -> AsyncIterator[Driver]:
    settings = console_settings(settings_for(tmp_path / "c.sqlite3", territory))
    services = Services(settings, load_pack(find_pack(territory)))
    api = OfflineBotAPI()
    app = build_application(services, request=api)
    out = io.StringIO()
    async with running(app):
        yield Driver(Console(app, api, out), api, services, out)


def _reference(output: str) -> str:
    found = re.search(r"Votre référence : (R-[A-Z0-9]{4})", output)
    assert found, output
    return found[1]


def _number(output: str, reference: str, label: str) -> str:
    """The number of ``label`` under ``reference``'s card in a ``:cards`` listing."""
    listing = output.split(reference, 1)[1].split("\n   R-", 1)[0]
    found = re.search(r"\[(\d+)\] " + re.escape(label), listing)
    assert found, output
    return found[1]


SAM = 100_001
"""The console's first person (Telegram id and private chat)."""


async def test_staff_registers_in_the_console_database_and_file_works(tmp_path: Path) -> None:
    async with console_for(tmp_path) as c:
        reference = _reference(await c.type(*ASK))
        out = await c.type(":staff Lea prevention-sante", "/file")
        assert "staff member Lea, mediator of prevention-sante" in out
        assert "Réservé à l'équipe" not in out
        assert "Demandes ouvertes" in out
        assert reference in out.split("/file", 1)[1]
        assert c.console.prompt == "Lea [staff group]> "
        members = await staff_store.list_staff(c.services.db)
        assert [(m.display_name, m.role, m.team) for m in members] == [
            ("Lea", MEDIATOR, "prevention-sante")
        ]
        again = await c.type(":staff Lea prevention-sante", ":staff Lea")
        assert "Réservé" not in again
        assert await staff_store.list_staff(c.services.db) == members  # idempotent


async def test_staff_without_a_team_is_a_coordinator_and_says_so(tmp_path: Path) -> None:
    async with console_for(tmp_path) as c:
        out = await c.type(":staff Nadia", "/stats 2026")
        assert "no team given: Nadia is a coordinator" in out
        assert "prevention-sante, socio-educatif, logement-cadre-de-vie" in out
        assert "réservés à la coordination" not in out  # /stats is for coordinators
        member = await c.services.staffing.member(c.console.current.user["id"])
        assert member is not None
        assert (member.role, member.team) == (COORDINATOR, None)
        out = await c.type(":staff Nadia socio-educatif", ":who")
        assert "mediator of socio-educatif" in out.split(":who", 1)[1]


async def test_a_card_posted_while_you_are_the_person_is_claimed_by_its_number(
    tmp_path: Path,
) -> None:
    async with console_for(tmp_path) as c:
        asked = await c.type(*ASK)
        reference = _reference(asked)
        card = asked.split("🤖 → staff group", 1)[1]
        assert "[✋ Je prends]" in card  # shown in the group, not numbered for the person
        out = await c.type(":staff Lea prevention-sante")
        assert f"the last message with buttons here: {reference}" in out
        assert "[1] ✋ Je prends" in out
        out = await c.type("1")
        assert "Pris en charge par Lea" in out
        assert any(
            "est prise en charge par l'équipe de médiation" in text for text in c.sent_to(SAM)
        )
        claimed = await c.services.queue.followups(await _member(c), c.services.translator("fr"))
        assert reference in claimed.text


async def _member(c: Driver) -> staff_store.StaffRecord:
    member = await c.services.staffing.member(c.console.current.user["id"])
    assert member is not None
    return member


async def test_reply_reaches_the_person_and_their_answer_comes_back(tmp_path: Path) -> None:
    async with console_for(tmp_path) as c:
        await c.type(*ASK, ":staff Lea prevention-sante", "1")
        out = await c.type(":reply Bonjour, c'est Léa. On en parle ici ?")
        assert "✓ Transmis." in out
        assert any("Bonjour, c'est Léa. On en parle ici ?" in t for t in c.sent_to(SAM))
        out = await c.type(":user Sam", "Oui, merci")
        assert "🤖 → staff group" in out
        assert "la personne écrit" in out
        assert "Oui, merci" in c.sent_to(c.console.staff_chat_id)[-1]


async def test_reply_and_note_with_a_reference_target_that_card_among_two(
    tmp_path: Path,
) -> None:
    async with console_for(tmp_path) as c:
        sam = _reference(await c.type(*ASK))
        zoe = _reference(await c.type(":user Zoe", *ASK))
        zoe_id = c.console.current.user["id"]
        listing = await c.type(":staff Lea coordinateur", ":cards")
        assert sam in listing and zoe in listing
        await c.type(_number(listing, sam, "✋ Je prends"))
        listing = await c.type(":cards")
        await c.type(_number(listing, zoe, "✋ Je prends"))  # Zoé's card is now the last shown
        await c.type(f":reply {sam.lower()} Pour Sam")
        assert any("Pour Sam" in t for t in c.sent_to(SAM))
        assert not any("Pour Sam" in t for t in c.sent_to(zoe_id))
        await c.type(":reply Pour Zoé")  # the last card shown
        assert any("Pour Zoé" in t for t in c.sent_to(zoe_id))
        assert not any("Pour Zoé" in t for t in c.sent_to(SAM))
        out = await c.type(f":note {sam} Appelée au PIJ", f":notes {sam}", ":notes")
        assert f"📝 Note ajoutée à {sam}." in out
        assert f"Notes de {sam}" in out and "Appelée au PIJ" in out
        assert f"Pas encore de note pour {zoe}." in out


async def test_group_and_private_switch_the_chat_of_the_current_person(tmp_path: Path) -> None:
    async with console_for(tmp_path) as c:
        await c.type(":staff Lea prevention-sante")
        lea = c.console.current.user["id"]
        group = c.console.staff_chat_id
        out = await c.type(":private", "/start")
        assert "Lea now writes to the bot privately" in out
        assert c.console.prompt == "Lea> "
        assert c.sent_to(lea) and not c.sent_to(group)
        out = await c.type(":group", "/file")
        assert "Lea now writes in the staff group" in out
        assert "Aucune demande en attente" in c.sent_to(group)[-1]
        out = await c.type(":user Sam", ":group")
        assert "not registered as staff: :staff Sam to register" in out
        assert "Réservé à l'équipe" in await c.type("/file")


async def test_bad_input_gets_a_console_message_and_changes_nothing(tmp_path: Path) -> None:
    async with console_for(tmp_path) as c:
        out = await c.type(":staff Lea prevention")
        assert "no team 'prevention' in this pack" in out
        assert "prevention-sante (Prévention / santé)" in out and "nothing changed" in out
        assert c.console.prompt == "Sam> "
        assert await staff_store.list_staff(c.services.db) == []
        assert "Lea" not in c.console.personas
        assert "is for the staff group" in await c.type(":reply Bonjour")
        sends = c.sends()
        out = await c.type(":staff Lea prevention-sante", ":reply Bonjour", ":note Rien")
        assert out.count("no card in the staff group yet") == 2
        assert c.sends() == sends
        reference = _reference(await c.type(":user Sam", *ASK))
        await c.type(":staff Lea", "1")
        sends = c.sends()
        out = await c.type(":reply R-ZZZZ Bonjour", ":reply", ":reply R-ZZZZ")
        assert f"no card R-ZZZZ in the staff group; its cards: {reference}" in out
        assert out.count("usage: :reply [R-XXXX] TEXT") == 2
        assert c.sends() == sends


async def test_help_lists_the_staff_commands(tmp_path: Path) -> None:
    for command in (":staff NAME [TEAM] [coordinateur]", ":group | :private", ":cards",
                    ":reply [R-XXXX] TEXT", ":note [R-XXXX] TEXT", ":notes [R-XXXX]"):  # fmt: skip
        assert command in HELP
    async with console_for(tmp_path) as c:
        assert ":reply [R-XXXX] TEXT" in await c.type(":help")


def test_the_readme_console_session_runs_as_printed() -> None:
    block = readme_console.parse((ROOT / "README.md").read_text(encoding="utf-8"))
    assert block.script == ROOT / "docs" / "console-mediator.txt"
    script = block.script.read_text(encoding="utf-8").splitlines()
    for needed in ("/rappel", ":staff Lea prevention-sante", "1", ":note"):
        assert any(line.startswith(needed) for line in script), needed
    assert readme_console.differences(block, readme_console.run(block)) == []


def test_the_readme_check_ignores_what_varies_and_nothing_else() -> None:
    printed = (
        "Sam> 1\n🤖\n   ✅ C'est envoyé. Votre référence : R-7WTE\n"
        "   Le service est fermé en ce moment : l'équipe verra votre demande à partir du "
        "lundi 7 décembre, 9 h.\n   Depuis : 3 min\n   05/12/2026 00:58 · Lea : vu R-7WTE\n"
    )
    same = (
        "Sam> 1\n🤖\n   ✅ C'est envoyé. Votre référence : R-AB3D\n"
        "   Depuis : 0 min\n   06/01/2027 10:02 · Lea : vu R-AB3D\n"
    )
    assert readme_console.normalise(printed) == readme_console.normalise(same)
    for changed in (same.replace("envoyé", "parti"), same.replace("vu R-AB3D", "vu R-CD4E")):
        assert readme_console.normalise(printed) != readme_console.normalise(changed)


def test_the_console_prints_no_log_lines(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PASSERELLE_", "TELEGRAM_"))}
    result = subprocess.run(
        [sys.executable, "-m", "bot", "console"], input="/start\n", capture_output=True,
        text=True, timeout=120, env={**env, "PYTHONPATH": str(ROOT)}, cwd=tmp_path,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert "Bonjour" in result.stdout
    assert result.stderr == ""  # no "INFO telegram.ext.Application: Application started"
