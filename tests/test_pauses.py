"""Pausing someone: a coordinator stops, for a while, the requests and messages of a
person who floods a mediator or insults the team; the person is told kindly until when,
and the emergency numbers, the answers and an urgent request from a crisis card stay open
to them."""

from __future__ import annotations

import asyncio
import datetime as dt
import re
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest

from bot.staff.figures import monthly_figures
from bot.storage import requests as store
from tests.harness import Harness, Person, harness_for
from tests.test_requests import STAFF_CHAT, ask_anonymously, cards, staff_member


@pytest.fixture
async def kb(tmp_path: Path) -> AsyncIterator[Harness]:
    async with harness_for("kremlin-bicetre", tmp_path, staff_chat_id=STAFF_CHAT) as h:
        yield h


def _card(kb: Harness, index: int = 0) -> dict[str, Any]:
    card = cards(kb)[index]
    return kb.api.messages[(STAFF_CHAT, int(str(card["message_id"])))]


def _labels(message: dict[str, Any]) -> list[str]:
    markup = message.get("reply_markup") or {}
    return [b["text"] for row in markup.get("inline_keyboard", []) for b in row]


async def _pauses(kb: Harness) -> list[Any]:
    return await kb.services.db.all("SELECT reason, reason_text, until FROM pause")


async def _counted(kb: Harness) -> int:
    value = await kb.services.db.value(
        "SELECT COALESCE(SUM(n), 0) FROM usage_count WHERE kind = 'pause'"
    )
    return int(value)


def _until(kb: Harness, delta: dt.timedelta) -> str:
    """The end of a pause as the person and staff read it (local date and time)."""
    return kb.services.translator("fr").moment(kb.clock.now() + delta)


async def _asked(kb: Harness) -> tuple[Person, Person, int]:
    """Lina asked for a callback; Claire coordinates."""
    claire = await staff_member(kb, "Claire", "coordinator", None)
    youth = kb.person("Lina")
    await ask_anonymously(youth, "Santé")
    [record] = await store.open_requests(kb.services.db, None)
    return claire, youth, record.id


async def _pause(
    coordinator: Person, duration: str = "7 jours", reason: str = "insultants"
) -> None:
    await coordinator.press("Mettre en pause")
    await coordinator.press(duration)
    await coordinator.press(reason)


async def test_a_coordinator_pauses_from_a_card_with_a_reason_button(kb: Harness) -> None:
    claire, youth, _ = await _asked(kb)
    assert "⏸ Mettre en pause" in _labels(_card(kb))
    await claire.press("Mettre en pause")
    assert _labels(_card(kb)) == ["24 h", "7 jours", "30 jours", "⬅️ Retour"]
    await claire.press("7 jours")
    assert _labels(_card(kb)) == [
        "Propos insultants", "Envois en masse", "Menaces", "✍️ Autre raison", "⬅️ Retour",
    ]  # fmt: skip
    until = _until(kb, dt.timedelta(days=7))
    await claire.press("Propos insultants")
    assert [(r["reason"], r["reason_text"]) for r in await _pauses(kb)] == [("insults", None)]
    assert f"En pause jusqu'au {until}" in claire.alerts[-1]
    # The person is told plainly until when, and what stays open; never why.
    told = youth.last_reply
    assert f"en pause jusqu'au {until}" in told and "/urgence" in told
    assert "questions" in told and "insultants" not in told
    assert "🚨 Numéros d'urgence" in youth.last_buttons
    # The card shows it, and its usual buttons are back.
    card = _card(kb)
    assert f"⏸ Personne en pause jusqu'au {until}" in str(card["text"])
    assert "✋ Je prends" in _labels(card)
    assert await _counted(kb) == 1


async def test_back_leaves_the_card_as_it_was(kb: Harness) -> None:
    claire, _, request_id = await _asked(kb)
    await claire.press("Mettre en pause")
    await claire.press_data(f"s:show.{request_id}", _card(kb))
    assert "✋ Je prends" in _labels(_card(kb))
    assert await _pauses(kb) == []


async def test_a_typed_reason_stays_with_the_team_and_never_reaches_the_person(
    kb: Harness,
) -> None:
    claire, youth, request_id = await _asked(kb)
    # Claire holds the request: a reply to its card would otherwise go to the person.
    await claire.press_data(f"s:claim.{request_id}", _card(kb))
    await _pause(claire, "24 h", "Autre raison")
    assert "Répondez au message du bot" in claire.alerts[-1]
    prompt = claire.latest_message()
    assert prompt is not None and "répondez à ce message avec la raison" in str(prompt["text"])
    assert await _pauses(kb) == []  # nothing until the reason is typed
    before = len(youth.replies)
    reason = "Il a menacé Nadia de venir au local"
    await claire.send(reason, reply_to=prompt)
    [row] = await _pauses(kb)
    assert (row["reason"], row["reason_text"]) == ("other", reason)
    assert any("En pause jusqu'au" in c.text for c in claire.replies[-3:])
    said = [c.text for c in youth.replies[before:]]
    assert len(said) == 1 and "en pause jusqu'au" in said[0]
    assert all(reason not in c.text for c in youth.replies)
    # /pauses shows the reason to the coordinators.
    await claire.send("/pauses")
    assert reason in claire.last_reply


async def test_a_reason_typed_in_reply_to_the_card_is_not_relayed_either(kb: Harness) -> None:
    claire, youth, request_id = await _asked(kb)
    await claire.press_data(f"s:claim.{request_id}", _card(kb))
    await _pause(claire, "24 h", "Autre raison")
    reason = "Envoie des photos choquantes"
    await claire.send(reason, reply_to=_card(kb))
    [row] = await _pauses(kb)
    assert row["reason_text"] == reason
    assert all(reason not in c.text for c in youth.replies)
    # Afterwards, a reply to the card is a message for the person again.
    await claire.send("Bonjour, c'est Claire", reply_to=_card(kb))
    assert "Bonjour, c'est Claire" in youth.last_reply


async def test_a_reason_typed_after_an_hour_starts_nothing_and_goes_nowhere(kb: Harness) -> None:
    claire, youth, _ = await _asked(kb)
    await _pause(claire, "24 h", "Autre raison")
    prompt = claire.latest_message()
    await kb.advance(dt.timedelta(hours=1, minutes=1))
    told = len(youth.replies)
    await claire.send("Trop tard pour cette raison", reply_to=prompt)
    assert await _pauses(kb) == [] and len(youth.replies) == told


async def test_a_mediator_or_a_resident_is_refused_kindly(kb: Harness) -> None:
    _, youth, request_id = await _asked(kb)
    nadia = await staff_member(kb, "Nadia", "mediator", "prevention-sante")
    await nadia.press("Mettre en pause")
    assert "Réservé à la coordination" in nadia.alerts[-1]
    await nadia.press_data(f"pz:why.{request_id}.30d-threats", _card(kb))
    assert "Réservé à la coordination" in nadia.alerts[-1]
    await youth.press_data(f"pz:why.{request_id}.30d-threats", _card(kb))
    assert await _pauses(kb) == []
    assert "⏸ Mettre en pause" in _labels(_card(kb))


async def test_forged_pause_buttons_get_a_kind_word_and_change_nothing(kb: Harness) -> None:
    claire, _, request_id = await _asked(kb)
    for forged in (
        f"pz:why.{request_id}.99d-insults",
        f"pz:why.{request_id}.7d-rude",
        f"pz:for.{request_id}.1y",
        "pz:why.abc.7d-insults",
        "pz:lift.x",
        f"pz:drop.{request_id}",
        f"pz:ask.{request_id}.7d",
    ):
        await claire.press_data(forged, _card(kb))
        assert "n'est plus valable" in claire.alerts[-1], forged
    await claire.press_data("pz:why.99999.7d-insults", _card(kb))
    assert "n'existe plus" in claire.alerts[-1]
    assert await _pauses(kb) == []


async def test_while_paused_no_callback_request_with_the_date(kb: Harness) -> None:
    claire, youth, _ = await _asked(kb)
    await youth.send("/rappel")  # a second request, begun before the pause
    await youth.press("Logement")
    await _pause(claire, "30 jours", "Envois en masse")
    until = _until(kb, dt.timedelta(days=30))
    # The request being filled in is not sent.
    await youth.press("Passer")
    await youth.press("Ici, dans Telegram")
    await youth.press("après-midi")
    if "quartier" in youth.last_reply:
        await youth.press("ne pas le dire")
    if "Envoyer" in " ".join(youth.last_buttons):
        await youth.press("Envoyer")
    assert f"en pause jusqu'au {until}" in youth.last_reply
    assert len(await store.open_requests(kb.services.db, None)) == 1
    await youth.send("/rappel")
    assert f"en pause jusqu'au {until}" in youth.last_reply
    assert "/urgence" in youth.last_reply and "C'est envoyé" not in youth.last_reply
    assert len(cards(kb)) == 1


async def test_while_paused_messages_are_not_relayed(kb: Harness) -> None:
    claire, youth, request_id = await _asked(kb)
    nadia = await staff_member(kb, "Nadia", "mediator", "prevention-sante")
    await nadia.press_data(f"s:claim.{request_id}", _card(kb))
    await youth.send("avant la pause")
    assert "Transmis" in youth.last_reply
    await _pause(claire)
    in_group = len([c for c in kb.api.calls if c.chat_id == STAFF_CHAT])
    await youth.send("encore et encore")
    assert "en pause jusqu'au" in youth.last_reply and "n'a pas été transmis" in youth.last_reply
    await youth.send_media("photo", caption="regarde")
    assert "n'a pas été transmis" in youth.last_reply
    relayed = [c for c in kb.api.calls[-10:] if c.chat_id == STAFF_CHAT]
    assert not any(c.method in ("sendMessage", "copyMessage") for c in relayed)
    assert len([c for c in kb.api.calls if c.chat_id == STAFF_CHAT]) == in_group
    # The mediator can still write to the person.
    await nadia.send("Je vous rappelle la semaine prochaine", reply_to=_card(kb))
    assert "Je vous rappelle la semaine prochaine" in youth.last_reply


async def test_a_crisis_during_a_pause_still_gets_its_card_and_an_urgent_request(
    kb: Harness,
) -> None:
    claire, youth, _ = await _asked(kb)
    await _pause(claire)
    until = _until(kb, dt.timedelta(days=7))
    await youth.send("mon beau pere me frappe tous les soirs jai peur de rentrer")
    assert any(re.search(r"[Aa]ppel(?:ez|le) le 17", c.text) for c in youth.replies[-3:])
    await youth.press("Être contacté·e vite")
    await youth.press("Ici, dans Telegram")
    assert "C'est envoyé" in youth.last_reply
    urgent = [r for r in await store.open_requests(kb.services.db, None) if r.urgent]
    assert len(urgent) == 1 and urgent[0].source == "crisis"
    card = next(c for c in cards(kb) if urgent[0].reference in str(c["text"]))
    assert f"⏸ Personne en pause jusqu'au {until}" in str(card["text"])
    assert "carte d'urgence" in str(card["text"])


async def test_pauses_lists_and_lifts_and_the_person_is_told(kb: Harness) -> None:
    claire, youth, request_id = await _asked(kb)
    nadia = await staff_member(kb, "Nadia", "mediator", "prevention-sante")
    await claire.send("/pauses")
    assert "Aucune pause en cours" in claire.last_reply
    await _pause(claire, "24 h", "Menaces")
    reference = (await store.get_request(kb.services.db, request_id)).reference  # type: ignore[union-attr]
    await nadia.send("/pauses")
    assert "Réservé à la coordination" in nadia.last_reply
    await claire.send("/pauses")
    listing = claire.last_reply
    assert reference in listing and "Menaces" in listing and "Claire" in listing
    assert _until(kb, dt.timedelta(hours=24)) in listing
    await nadia.press("Lever la pause")
    assert "Réservé à la coordination" in nadia.alerts[-1]
    await claire.press("Lever la pause")
    assert "Pause levée" in claire.alerts[-1]
    assert "La pause est levée" in youth.last_reply
    assert any("Aucune pause en cours" in c.text for c in claire.replies[-3:])  # edited
    assert "Personne en pause" not in str(_card(kb)["text"])
    await youth.send("/rappel")
    assert "en pause" not in youth.last_reply
    # Lifting it again says it is over, and tells nobody anything.
    told = len(youth.replies)
    [row] = await kb.services.db.all("SELECT id FROM pause")
    await claire.press_data(f"pz:lift.{row['id']}")
    assert "déjà terminée" in claire.alerts[-1] and len(youth.replies) == told


async def test_a_pause_ends_by_itself_at_its_time(kb: Harness) -> None:
    claire, youth, _ = await _asked(kb)
    await _pause(claire, "24 h")
    await kb.advance(dt.timedelta(hours=23))
    await youth.send("/rappel")
    assert "en pause" in youth.last_reply
    await kb.advance(dt.timedelta(hours=1, minutes=1))
    await youth.send("/rappel")
    assert "en pause" not in youth.last_reply
    await claire.send("/pauses")
    assert "Aucune pause en cours" in claire.last_reply
    # A new pause can start once the former one has run out.
    await _pause(claire, "7 jours", "Menaces")
    assert len(await _pauses(kb)) == 2 and await _counted(kb) == 2


async def test_two_coordinators_at_once_make_one_pause(kb: Harness) -> None:
    claire, youth, request_id = await _asked(kb)
    omar = await staff_member(kb, "Omar", "coordinator", None)
    card = _card(kb)
    data = f"pz:why.{request_id}.7d-flood"
    await asyncio.gather(
        kb.deliver(kb.factory.callback(claire.user, card, data)),
        kb.deliver(kb.factory.callback(omar.user, card, data)),
        kb.deliver(kb.factory.callback(claire.user, card, f"pz:why.{request_id}.24h-threats")),
    )
    assert len(await _pauses(kb)) == 1
    assert await _counted(kb) == 1
    alerts = claire.alerts
    assert sum("En pause jusqu'au" in a for a in alerts) == 1
    assert sum("déjà en pause" in a for a in alerts) == 2
    assert sum("en pause jusqu'au" in c.text for c in youth.replies) == 1


async def test_erasure_takes_the_pause_and_its_reason_and_keeps_the_count(kb: Harness) -> None:
    claire, youth, request_id = await _asked(kb)
    await claire.press_data(f"s:claim.{request_id}", _card(kb))
    await _pause(claire, "24 h", "Autre raison")
    await claire.send("Insultes répétées envers Nadia", reply_to=claire.latest_message())
    assert len(await _pauses(kb)) == 1
    await youth.send("/oublier")
    await youth.press("Oui, tout effacer")
    assert await kb.services.db.value("SELECT COUNT(*) FROM pause") == 0
    assert await _counted(kb) == 1
    await claire.send("/pauses")
    assert "Aucune pause en cours" in claire.last_reply


async def test_the_bilan_counts_the_pauses(kb: Harness) -> None:
    claire, _, _ = await _asked(kb)
    await _pause(claire)
    today = kb.clock.now().date()
    figures = await monthly_figures(
        kb.services.db, kb.services.pack, today.replace(day=1), today, now=kb.clock.now()
    )
    assert figures.used("pause") == 1
    calls = await claire.send("/stats")
    text = next(c.text for c in calls if c.method == "sendMessage")
    assert "Mises en pause : &lt; 5" in text or "Mises en pause : < 5" in text
    [document] = [c for c in calls if c.method == "sendDocument"]
    csv_text = document.files["document"].decode("utf-8-sig")
    header, *rows = csv_text.splitlines()
    column = header.split(";").index("Mises en pause")
    assert rows[-1].split(";")[column] == "< 5"


async def test_a_paused_person_in_dumbea_is_told_in_their_register(tmp_path: Path) -> None:
    async with harness_for("dumbea", tmp_path, staff_chat_id=STAFF_CHAT) as h:
        claire = await staff_member(h, "Claire", "coordinator", None)
        youth = h.person("Kenzo")
        await ask_anonymously(youth, "Logement", None)
        await _pause(claire)
        assert re.search(r"(?:vos|tes) échanges", youth.last_reply)
        await youth.send("/rappel")
        assert re.search(r"(?:Vos|Tes) échanges .* en pause jusqu'au", youth.last_reply)
        assert "/urgence" in youth.last_reply
