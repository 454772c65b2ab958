"""Canned replies: one tap on a card sends a prepared message to the person, in their
language, through the relay; coordinators add their own from the group."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.storage import requests as store
from bot.territory import ContentError, load_pack
from tests.harness import Harness, Person, harness_for, pack_copy
from tests.test_requests import STAFF_CHAT, ask_anonymously, cards, staff_member


@pytest.fixture
async def kb(tmp_path: Path) -> AsyncIterator[Harness]:
    async with harness_for("kremlin-bicetre", tmp_path, staff_chat_id=STAFF_CHAT) as h:
        yield h


async def _claimed(kb: Harness, youth: Person) -> tuple[Person, int]:
    nadia = await staff_member(kb, "Nadia", "mediator", "prevention-sante")
    await ask_anonymously(youth, "Santé")
    [record] = await store.open_requests(kb.services.db, None)
    await nadia.press_data(f"s:claim.{record.id}", cards(kb)[0])
    return nadia, record.id


def _card(kb: Harness) -> dict[str, object]:
    [card] = cards(kb)
    return kb.api.messages[(STAFF_CHAT, int(str(card["message_id"])))]


def _labels(message: dict[str, object]) -> list[str]:
    markup = message.get("reply_markup") or {}
    return [b["text"] for row in markup.get("inline_keyboard", []) for b in row]  # type: ignore[union-attr]


async def test_one_tap_sends_a_canned_reply_in_the_persons_language(kb: Harness) -> None:
    youth = kb.person("Lina")
    nadia, request_id = await _claimed(kb, youth)
    await youth.send("/langue")
    await youth.press("English")  # she chose English after asking
    await nadia.press_data(f"s:canned.{request_id}", _card(kb))
    choices = _labels(_card(kb))
    assert "💬 Premier contact" in choices and "⬅️ Retour" in choices
    await nadia.press_data(f"s:canned.{request_id}.premier-contact", _card(kb))
    reference = (await store.get_request(kb.services.db, request_id)).reference  # type: ignore[union-attr]
    assert f"Hello, this is the mediation team. I have your request {reference}" in (
        youth.last_reply
    )
    assert "Transmis" in nadia.alerts[-1]
    assert "💬 Réponses types" in _labels(_card(kb))  # the card's own buttons are back


async def test_the_mediators_first_name_fills_prenom_when_shown(kb: Harness) -> None:
    youth = kb.person("Lina")
    nadia, request_id = await _claimed(kb, youth)
    await nadia.send("/prenom oui")
    await nadia.press_data(f"s:canned.{request_id}.premier-contact", _card(kb))
    assert "Bonjour, ici Nadia." in youth.last_reply


async def test_only_the_holder_sends_and_a_forged_reply_sends_nothing(kb: Harness) -> None:
    youth = kb.person("Lina")
    nadia, request_id = await _claimed(kb, youth)
    omar = await staff_member(kb, "Omar", "mediator", "prevention-sante")
    before = len(youth.replies)
    await omar.press_data(f"s:canned.{request_id}.premier-contact", _card(kb))
    assert "Seul·e la personne qui a pris la demande" in omar.alerts[-1]
    for forged in ("inconnue", "_999", "~1"):
        await nadia.press_data(f"s:canned.{request_id}.{forged}", _card(kb))
        assert re.search(r"n'existe plus|plus valable", nadia.alerts[-1])
    assert len(youth.replies) == before


async def test_coordinators_add_and_remove_canned_replies_from_the_group(kb: Harness) -> None:
    claire = await staff_member(kb, "Claire", "coordinator", None)
    paul = await staff_member(kb, "Paul", "mediator", "socio-educatif")
    await paul.send("/reponse_type_ajouter prevention-sante Merci | Merci pour {reference}")
    assert "Réservé à la coordination" in paul.last_reply
    await claire.send("/reponse_type_ajouter prevention-sante Oups | Bonjour {nom}")
    assert "Écrivez /reponse_type_ajouter" in claire.last_reply
    await claire.send("/reponse_type_ajouter prevention-sante Merci | Merci pour {reference} !")
    assert "Réponse type n° 1 ajoutée" in claire.last_reply
    await claire.send("/reponses_types")
    assert "Merci (prevention-sante) · n° 1" in claire.last_reply

    youth = kb.person("Lina")
    nadia, request_id = await _claimed(kb, youth)
    await nadia.press_data(f"s:canned.{request_id}", _card(kb))
    assert "💬 Merci" in _labels(_card(kb))
    await nadia.press_data(f"s:canned.{request_id}._1", _card(kb))
    assert youth.last_reply.endswith("!") and "Merci pour R-" in youth.last_reply

    await claire.send("/reponse_type_retirer 1")
    assert "retirée" in claire.last_reply
    await nadia.press_data(f"s:canned.{request_id}", _card(kb))
    assert "💬 Merci" not in _labels(_card(kb))


async def test_another_teams_reply_is_not_offered_nor_sent(kb: Harness) -> None:
    claire = await staff_member(kb, "Claire", "coordinator", None)
    await claire.send("/reponse_type_ajouter socio-educatif École | Pour l'école, {reference}")
    youth = kb.person("Lina")
    nadia, request_id = await _claimed(kb, youth)
    await nadia.press_data(f"s:canned.{request_id}", _card(kb))
    assert "💬 École" not in _labels(_card(kb))
    before = len(youth.replies)
    await nadia.press_data(f"s:canned.{request_id}._1", _card(kb))
    assert len(youth.replies) == before


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "      fr: Bonjour {nom}\n",
            "replies.yaml: replies[1] (id: a) → text → fr: Value error, "
            "unknown placeholder(s) nom",
        ),
        ("      fr: Bonjour {reference\n", "braces must be balanced"),
    ],
)
def test_a_broken_replies_file_is_refused_at_start_naming_the_field(
    tmp_path: Path, text: str, expected: str
) -> None:
    folder = pack_copy(tmp_path, {"replies.yaml": (
        "replies:\n  - id: a\n    title:\n      fr: A\n    text:\n" + text)})  # fmt: skip
    with pytest.raises(ContentError) as raised:
        load_pack(folder)
    assert expected in str(raised.value)


def test_a_reply_for_an_unknown_team_is_refused(tmp_path: Path) -> None:
    folder = pack_copy(tmp_path, {"replies.yaml": (
        "replies:\n  - id: a\n    teams: [nulle-part]\n    title:\n      fr: A\n"
        "    text:\n      fr: Bonjour\n")})  # fmt: skip
    with pytest.raises(ContentError) as raised:
        load_pack(folder)
    assert "replies.yaml: reply a → teams: 'nulle-part' is not defined in teams.yaml" in str(
        raised.value
    )
