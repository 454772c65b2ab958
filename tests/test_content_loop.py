"""The content loop: "did this help?" under answers, and the questions left unanswered."""

from __future__ import annotations

import datetime as dt
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.answers import scrub
from bot.storage import staff as staff_store
from tests.harness import Harness, Person, harness_for

STAFF_CHAT = -1_009_990_002


@pytest.fixture
async def kb(tmp_path: Path) -> AsyncIterator[Harness]:
    async with harness_for("kremlin-bicetre", tmp_path, staff_chat_id=STAFF_CHAT) as h:
        yield h


async def staff(h: Harness, name: str, role: str) -> Person:
    member = h.person(name)
    member.chat = {"id": STAFF_CHAT, "type": "supergroup", "title": "Équipe"}
    team = None if role == "coordinator" else h.services.pack.teams.teams[0].id
    await staff_store.save_staff(h.services.db, h.services.pseudonymise(member.id), name, role,
                                 team, h.clock.now(), None)  # fmt: skip
    return member


async def test_an_answer_asks_whether_it_helped_and_counts_one_tap(kb: Harness) -> None:
    sam = kb.person("Sam")
    await sam.send("j'ai mal aux dents et pas d'argent pour le dentiste")
    assert "Ça vous a aidé ?" in sam.last_reply
    assert "👍" in sam.last_buttons and "👎" in sam.last_buttons
    await sam.press("👎")
    assert "👍" not in sam.last_buttons  # one tap: the question goes away
    assert "Ça vous a aidé ?" not in sam.last_reply
    assert "Merci pour votre avis !" in sam.alerts
    row = await kb.services.db.one("SELECT entry_id, helpful, unhelpful FROM answer_feedback")
    assert row is not None and (row["helpful"], row["unhelpful"]) == (0, 1)
    assert "pseudonym" not in str(await kb.services.db.all("PRAGMA table_info(answer_feedback)"))


async def test_a_forged_vote_counts_nothing(kb: Harness) -> None:
    sam = kb.person("Sam")
    await sam.send("/menu")
    await sam.press_data("fb:up.no-such-entry")
    await sam.press_data("fb:maybe.hygiene")
    assert await kb.services.db.value("SELECT COUNT(*) FROM answer_feedback") == 0


def test_what_could_name_or_reach_someone_is_removed() -> None:
    cleaned = scrub("jsuis Lina 06 12 34 56 78, lina.b@mail.fr, @lina_b, www.insta.com/lina ok")
    assert "06" not in cleaned and "mail.fr" not in cleaned and "lina_b" not in cleaned
    assert "insta" not in cleaned
    assert cleaned.startswith("jsuis Lina ## ## ## ## ##")


async def test_unanswered_questions_are_kept_without_a_person_and_never_a_crisis(
    kb: Harness,
) -> None:
    sam = kb.person("Sam")
    await sam.send("c quoi le score du match psg hier soir 2 1 ?")
    assert "pas de réponse" in sam.last_reply
    await sam.send("je veux mourir")  # a crisis: never kept
    rows = await kb.services.db.all("SELECT language, text, day FROM unanswered")
    assert [(r["language"], r["text"]) for r in rows] == [
        ("fr", "c quoi le score du match psg hier soir # # ?")
    ]
    columns = {r["name"] for r in await kb.services.db.all("PRAGMA table_info(unanswered)")}
    assert columns == {"id", "language", "text", "day"}  # nothing that links to Sam
    await kb.advance(dt.timedelta(days=31))
    assert await kb.services.db.value("SELECT COUNT(*) FROM unanswered") == 0


async def test_a_pack_that_did_not_opt_in_keeps_nothing_and_says_nothing(tmp_path: Path) -> None:
    async with harness_for("dumbea", tmp_path) as h:
        sam = h.person("Sam")
        await sam.send("c quoi le score du match psg hier soir ?")
        await sam.send("/confidentialite")
        assert "30 jours" not in sam.last_reply
        assert await h.services.db.value("SELECT COUNT(*) FROM unanswered") == 0


async def test_coordinators_see_unanswered_questions_grouped_and_as_csv(kb: Harness) -> None:
    for text in ("score du match psg ?", "le score du match du psg", "recette du gratin"):
        await kb.person("Sam").send(text)
    mediator = await staff(kb, "Omar", "mediator")
    await mediator.send("/sans_reponse")
    assert "Réservé à la coordination" in mediator.last_reply
    nadia = await staff(kb, "Nadia", "coordinator")
    await nadia.send("/sans_reponse")
    texts = [c.text for c in kb.calls("sendMessage") if c.chat_id == STAFF_CHAT]
    assert "2 × « le score du match du psg »" in texts[-1]
    assert "1 × « recette du gratin »" in texts[-1]
    [document] = [c for c in kb.calls("sendDocument") if c.chat_id == STAFF_CHAT]
    table = next(iter(document.files.values())).decode("utf-8-sig")
    assert table.splitlines()[0] == "jour,langue,question,groupe"
    assert len(table.splitlines()) == 4


async def test_the_privacy_screen_says_so_when_the_pack_keeps_questions(kb: Harness) -> None:
    sam = kb.person("Sam")
    await sam.send("/confidentialite")
    assert "gardée 30 jours, sans aucun lien avec vous" in sam.last_reply


async def test_the_report_fits_one_telegram_message_however_long_the_questions(
    kb: Harness,
) -> None:
    words = ("pizza", "volcan", "guitare", "planete", "echecs", "tennis", "manga", "chanson",
             "fusee", "dinosaure", "pyramide", "robot", "jardin", "sirene", "comete", "violon",
             "banquise", "cactus", "tsunami", "kangourou")  # fmt: skip
    for n, word in enumerate(words):
        long_question = " ".join(f"{word}{i}" for i in range(40))  # nothing alike: 20 groups
        await kb.person(f"P{n}").send(long_question)
    nadia = await staff(kb, "Nadia", "coordinator")
    await nadia.send("/sans_reponse")
    assert not kb.api.refused  # the offline Bot API refuses over 4,096 characters, as Telegram
    assert (
        "Sans réponse" in [c.text for c in kb.calls("sendMessage") if c.chat_id == STAFF_CHAT][-1]
    )
