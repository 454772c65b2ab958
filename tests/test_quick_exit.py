"""Quick exit: "🚪 Effacer l'écran" deletes every message of the conversation the bot can
still delete, the person's and its own, then leaves one neutral greeting; requests and
registrations stay. Only message ids are kept for this, 48 hours."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.storage import event_edits as event_edits_store
from bot.storage import requests as store
from tests.harness import Harness, Person, answer_sign_up, harness_for
from tests.test_requests import STAFF_CHAT, ask_anonymously, cards, staff_member

NEUTRAL = ("Bonjour", "/start")


@pytest.fixture
async def kb(tmp_path: Path) -> AsyncIterator[Harness]:
    async with harness_for("kremlin-bicetre", tmp_path, staff_chat_id=STAFF_CHAT) as h:
        yield h


def on_screen(kb: Harness, person: Person) -> list[dict[str, object]]:
    """What the person's Telegram app still shows, oldest first."""
    chat = person.chat["id"]
    return sorted(
        (m for (c, _), m in kb.api.messages.items() if c == chat),
        key=lambda m: int(str(m["message_id"])),
    )


async def test_the_exit_wipes_a_whole_conversation_and_keeps_the_request(kb: Harness) -> None:
    now = kb.clock.now()
    event_id = await event_edits_store.create_event(
        kb.services.db, kind="workshop", title_fr="Atelier santé", title_en="Health workshop",
        place="Centre social", quartier=None, starts_at=now + dt.timedelta(days=3),
        ends_at=now + dt.timedelta(days=3, hours=2), capacity=5,
        deadline=now + dt.timedelta(days=2), now=now, description_fr="Pour les 15-25 ans.",
    )  # fmt: skip
    lina = kb.person("Lina")
    await lina.send("/evenements")
    await lina.press("Atelier santé")
    await lina.press("Je m'inscris")
    await answer_sign_up(lina)
    await lina.send("/start")
    await lina.send("mon copain me frappe")  # a crisis card, with its numbers
    await lina.send("c'est quoi la pilule du lendemain ?")
    await ask_anonymously(lina, "Santé", "je veux parler à quelqu'un")
    await lina.send_media("sticker")
    before = on_screen(kb, lina)
    assert len(before) > 15
    assert any("🚪 Effacer l'écran" in str(m.get("reply_markup")) for m in before)
    [request] = await store.open_requests(kb.services.db, None)

    await lina.press("Effacer l'écran")

    [left] = on_screen(kb, lina)
    assert all(word in str(left["text"]) for word in NEUTRAL)
    assert "reply_markup" not in left
    for word in ("frappe", "pilule", "demande", "Santé", "urgence", "3919", "119"):
        assert word not in str(left["text"])
    # Deleted by batches Telegram accepts, none refused.
    deletions = kb.calls("deleteMessages")
    assert deletions and all(len(c.params["message_ids"]) <= 100 for c in deletions)
    assert not [r for r in kb.api.refused if r[0].startswith("delete")]
    # Nothing else changed: the request is open, its card in the staff group is there.
    again = await store.get_request(kb.services.db, request.id)
    assert again is not None and again.state == "open"
    assert len(cards(kb)) == 1
    [registration] = await kb.services.db.all(
        "SELECT state FROM registration WHERE event_id = ?", (event_id,)
    )
    assert registration["state"] == "confirmed"
    # The screen log is empty but for the greeting (kept for the next exit).
    await kb.services.screen.flush()
    rows = await kb.services.db.all("SELECT message_id FROM screen_message")
    assert [r["message_id"] for r in rows] == [left["message_id"]]


async def test_the_command_and_older_messages(kb: Harness) -> None:
    sam = kb.person("Sam")
    await sam.send("bonjour")
    await kb.advance(dt.timedelta(hours=49))  # Telegram no longer lets these go
    old = on_screen(kb, sam)
    await sam.send("j'ai besoin d'un préservatif")
    await sam.send("/effacer")
    shown = on_screen(kb, sam)
    assert shown[: len(old)] == old  # older than 48 hours: still there, nothing refused
    assert len(shown) == len(old) + 1 and NEUTRAL[0] in str(shown[-1]["text"])
    assert not [r for r in kb.api.refused if r[0] == "deleteMessage"]
    # The ids seen before 48 hours are gone from the log too.
    assert await kb.services.screen.tidy() == 0
    await sam.send("/clear")  # the English name; the greeting goes, a new one comes
    [left] = on_screen(kb, sam)[len(old) :]
    assert NEUTRAL[0] in str(left["text"])


async def test_the_menu_the_crisis_cards_and_sensitive_answers_offer_it(kb: Harness) -> None:
    sam = kb.person("Sam")
    await sam.send("/menu")
    assert "🚪 Effacer l'écran" in sam.last_buttons
    for words in ("je veux mourir", "mon père me frappe", "j'ai envie de disparaître"):
        await sam.send(words)
        card = on_screen(kb, sam)[-1]
        assert any(number in str(card["text"]) for number in ("3114", "119", "17"))
        assert "🚪 Effacer l'écran" in sam.last_buttons, words
    await sam.send("mon copain me crie dessus tout le temps")  # a gentle check first
    assert "🚪 Effacer l'écran" in sam.last_buttons
    await sam.press("J'ai besoin de parler")
    assert "🚪 Effacer l'écran" in sam.last_buttons
    await sam.press("C'était juste une question")
    assert "🚪 Effacer l'écran" in sam.last_buttons
    await sam.send("/urgence")
    assert "🚪 Effacer l'écran" in sam.last_buttons
    await sam.send("contraception")
    assert "🚪 Effacer l'écran" in str(on_screen(kb, sam)[-1].get("reply_markup"))
    await sam.send("comment faire une demande de logement social ?")
    assert "🚪 Effacer l'écran" not in str(on_screen(kb, sam)[-1].get("reply_markup"))
    await sam.send("/confidentialite")
    assert "Effacer l'écran" in sam.last_reply and "Suppression automatique" in sam.last_reply


async def test_erasure_forgets_the_ids_and_nothing_is_kept_but_ids(kb: Harness) -> None:
    sam = kb.person("Sam")
    await sam.send("/start")
    await sam.send("mon beau-père me touche")
    columns = await kb.services.db.all("PRAGMA table_info(screen_message)")
    assert [c["name"] for c in columns] == ["pseudonym", "message_id", "seen_at"]
    await kb.services.screen.flush()
    assert await kb.services.db.value("SELECT COUNT(*) FROM screen_message") > 2
    await sam.send("/oublier")
    await sam.press("Oui, tout effacer")
    pseudonym = kb.services.pseudonymise(sam.id)
    left = await kb.services.db.value(
        "SELECT COUNT(*) FROM screen_message WHERE pseudonym = ? AND message_id < ?",
        (pseudonym, sam.latest_message()["message_id"]),  # type: ignore[index]
    )
    assert left == 0


async def test_a_forged_exit_button_wipes_nothing(kb: Harness) -> None:
    sam = kb.person("Sam")
    await sam.send("/start")
    before = on_screen(kb, sam)
    await sam.press_data("x:all")
    assert on_screen(kb, sam) == before
    assert "plus valable" in sam.alerts[-1]
    # In the staff group, a forged exit on a card deletes nothing.
    claire = await staff_member(kb, "Claire", "coordinator", None)
    await ask_anonymously(sam, "Santé")
    [card] = cards(kb)
    await claire.press_data("x:now", card)
    assert cards(kb) == [card]
    assert not kb.calls("deleteMessages")
    assert "plus valable" in claire.alerts[-1]


SENSITIVE_SUBJECTS = re.compile(
    r"violence|contracep|grossesse|depistage|sante-mentale|addiction|harcelement|ecoute-ados"
)


@pytest.mark.parametrize("territory", ["kremlin-bicetre", "dumbea"])
def test_each_pack_marks_its_sensitive_answers(territory: str) -> None:
    from bot.territory import find_pack, load_pack

    pack = load_pack(find_pack(territory))
    entries = [entry for _, entry in pack.answers]
    marked = {entry.id for entry in entries if entry.sensitive}
    expected = {entry.id for entry in entries if SENSITIVE_SUBJECTS.search(entry.id)}
    assert expected and expected <= marked
    assert not {e.id for e in entries if e.id.startswith(("cv-", "bruit", "papiers"))} & marked


async def test_in_english_too(tmp_path: Path) -> None:
    async with harness_for("dumbea", tmp_path) as bot:
        ana = bot.person("Ana", language="en")
        await ana.send("/menu")
        assert "🚪 Clear the screen" in ana.last_buttons
        await ana.press("Clear the screen")
        [left] = on_screen(bot, ana)
        assert str(left["text"]) == "👋 Hello! Type /start to begin."


async def test_more_than_a_hundred_messages_go_in_batches(kb: Harness) -> None:
    sam = kb.person("Sam")
    for _ in range(60):
        await sam.send_media("sticker")  # each gets a kind word: 120 messages
        await kb.advance(dt.timedelta(seconds=4))
    assert len(on_screen(kb, sam)) == 120
    await sam.send("/effacer")
    assert len(on_screen(kb, sam)) == 1
    batches = [len(c.params["message_ids"]) for c in kb.calls("deleteMessages")]
    assert len(batches) == 2 and max(batches) == 100


async def test_a_form_being_filled_stops_so_that_the_next_words_are_not_taken(
    kb: Harness,
) -> None:
    sam = kb.person("Sam")
    await sam.send("/rappel")
    await sam.press("Santé")
    if "Vous êtes" in sam.last_reply:
        await sam.press("jeune")
    assert "Passer ⏭" in sam.last_buttons  # asked to describe it in their words
    await sam.send("/effacer")
    await sam.send("la mission locale c'est où ?")
    assert "Mission Locale" in sam.last_reply  # an answer, not the request's description
    assert not await store.open_requests(kb.services.db, None)
