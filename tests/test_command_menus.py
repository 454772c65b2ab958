"""Telegram's command menus: the residents' in private chats, the staff's in the staff group.

Every command a menu shows must be one the bot answers where it is shown, and the
residents' menu never shows a staff command.
"""

from __future__ import annotations

import json
import logging
import re
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
from telegram.ext import CommandHandler

from handlers import events, home
from handlers.runtime.app import publish_commands
from handlers.runtime.offline import Call
from tests.harness import Harness, harness_for

STAFF_CHAT_ID = -100123
STAFF_CHAT = {"id": STAFF_CHAT_ID, "type": "supergroup", "title": "Équipe"}


@pytest.fixture(params=("kremlin-bicetre", "dumbea"))
async def h(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[Harness]:
    async with harness_for(request.param, tmp_path, staff_chat_id=STAFF_CHAT_ID) as harness:
        yield harness


def _menus(h: Harness, scope_type: str) -> dict[str | None, list[str]]:
    """The commands published for one scope, by language code (``None``: the default)."""
    found: dict[str | None, list[str]] = {}
    for call in h.calls("setMyCommands"):
        if call.params["scope"]["type"] == scope_type:
            found[call.params.get("language_code")] = [
                c["command"] for c in call.params["commands"]
            ]
    return found


def _command_handlers(h: Harness) -> list[CommandHandler[Any, Any]]:
    return [
        handler
        for handlers in h.app.handlers.values()
        for handler in handlers
        if isinstance(handler, CommandHandler)
    ]


def _answered(h: Harness, name: str, chat: dict[str, Any] | None, fallback: Any) -> bool:
    """Whether ``/name`` sent there reaches a real handler (not a "write to me" fallback)."""
    update = h.factory.text(h.factory.user(700_001), f"/{name}", chat=chat)
    return any(
        handler.callback is not fallback and handler.check_update(update)
        for handler in _command_handlers(h)
    )


def _staff_names(h: Harness) -> set[str]:
    """Every name (French and English) of a command meant for staff: those the staff group
    answers, and a coordinator's private ones (publishing an event)."""
    member = h.factory.user(700_002)
    staff_callbacks = set()
    for handler in _command_handlers(h):
        if handler.callback is home.group_message:
            continue
        for name in handler.commands:
            if handler.check_update(h.factory.text(member, f"/{name}", chat=STAFF_CHAT)):
                staff_callbacks.add(handler.callback)
        if handler.callback in (events.new_event, events.edit_event):  # coordinators, privately
            staff_callbacks.add(handler.callback)
    return {
        n for hd in _command_handlers(h) if hd.callback in staff_callbacks for n in hd.commands
    }


async def test_the_staff_group_gets_its_own_menu_per_language(h: Harness) -> None:
    staff = _menus(h, "chat")
    assert set(staff) == {None, "fr", "en"}
    for call in h.calls("setMyCommands"):
        if call.params["scope"]["type"] == "chat":
            assert int(call.params["scope"]["chat_id"]) == STAFF_CHAT_ID
            assert all(0 < len(c["description"]) <= 256 for c in call.params["commands"])
    fr, en = staff["fr"], staff["en"]
    assert staff[None] == fr  # the default language of both packs is French
    assert {"file", "mes_suivis", "stats", "affiche", "inscrits", "presences", "note",
            "annuler_evenement", "permanence_annuler", "diffusions"} <= set(fr)  # fmt: skip
    assert {"queue", "my_followups", "stats", "poster", "attendees", "attendance", "note",
            "cancel_event", "cancel_permanence", "broadcasts"} <= set(en)  # fmt: skip
    assert "queue" not in fr and "file" not in en
    # Each menu command is one the staff group answers (not the residents' invitation
    # to write privately, nor an unknown command).
    for name in {*fr, *en}:
        assert _answered(h, name, STAFF_CHAT, home.group_message), name
    # Private-only coordinator commands would not be answered there: not listed.
    assert "nouvel_evenement" not in fr and "new_event" not in en


async def test_the_residents_menu_has_no_staff_command(h: Harness) -> None:
    residents = _menus(h, "all_private_chats")
    assert set(residents) == {None, "fr", "en"}
    staff_names = _staff_names(h)
    assert {"file", "queue", "permanence_annuler", "diffusions", "nouvel_evenement"} <= (
        staff_names
    )
    for language, names in residents.items():
        assert not staff_names & set(names), language
        for name in names:
            assert _answered(h, name, None, home.unknown_command), name
    assert "abonnements" in residents["fr"] and "subscriptions" in residents["en"]


async def test_help_lists_the_announcements_command(h: Harness) -> None:
    sam = h.person("Sam")
    await sam.send("/aide")
    assert re.search(r"/abonnements — les annonces que (?:vous recevez|tu reçois)", sam.last_reply)
    await sam.send("/abonnements")
    assert sam.last_reply  # a real answer, not "je ne connais pas cette commande"
    assert "Je ne connais pas cette commande" not in sam.last_reply


async def test_no_staff_group_configured_no_staff_menu(tmp_path: Path) -> None:
    async with harness_for("kremlin-bicetre", tmp_path) as h:
        assert _menus(h, "chat") == {}
        assert set(_menus(h, "all_private_chats")) == {None, "fr", "en"}


async def test_a_refused_staff_menu_does_not_stop_the_bot(
    h: Harness, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    """E.g. the bot was removed from the staff group: Telegram refuses that scope."""
    answer = h.api.do_request

    async def refusing(url: str, method: str, request_data: Any = None, **kw: Any) -> Any:
        params = dict(request_data.parameters) if request_data else {}
        scope = params.get("scope") or {}
        if url.endswith("/setMyCommands") and scope.get("type") == "chat":
            h.api.calls.append(Call("setMyCommands-refused", params))
            refusal = {
                "ok": False,
                "error_code": 400,
                "description": "Bad Request: chat not found",
            }
            return 400, json.dumps(refusal).encode()
        return await answer(url, method, request_data, **kw)

    monkeypatch.setattr(h.api, "do_request", refusing)
    before = len(h.calls("setMyCommands"))
    with caplog.at_level(logging.WARNING):
        await publish_commands(h.app)  # does not raise
    published = h.calls("setMyCommands")[before:]
    assert [c.params["scope"]["type"] for c in published] == ["all_private_chats"] * 3
    assert len(h.calls("setMyCommands-refused")) == 1  # stopped at the first refusal
    assert "could not publish the staff command menu: BadRequest" in caplog.text
    assert str(STAFF_CHAT_ID) not in caplog.text
    # And the bot still answers.
    sam = h.person("Sam")
    await sam.send("/menu")
    assert re.search(r"faire pour (?:vous|toi) \?", sam.last_reply)
