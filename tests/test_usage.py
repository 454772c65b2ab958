"""What the bot itself did, counted for the bilan as people live it: questions answered,
suggestions, "I don't know", crisis cards wherever they appear. Counts only: a day, a
kind, a theme or a tier, never the words and never who."""

from __future__ import annotations

import datetime as dt

from bot.storage import event_edits as event_edits_store
from bot.storage import staff as staff_store
from bot.storage import usage as store
from tests.harness import Harness

STAFF_CHAT = -1001234567890


async def counted(h: Harness) -> dict[tuple[str, str], int]:
    """Today's counts (the territory's day), as (kind, key) → n."""
    today = h.clock.now().astimezone(h.services.pack.tz).date()
    return {(c.kind, c.key): c.n for c in await store.monthly_counts(h.services.db, today, today)}


def theme_of(h: Harness, entry: str) -> str:
    theme = h.services.pack.theme_of(entry)
    assert theme is not None
    return theme


async def test_answers_suggestions_and_unknowns_are_counted_by_theme(kb: Harness) -> None:
    knowledge = kb.services.knowledge
    # What the knowledge base makes of each message (the premise of the counts below).
    assert knowledge.understand("comment avoir la CMU", "fr").verdict.answer_ids[0] == (
        "couverture-maladie"
    )
    assert knowledge.understand("papiers", "fr").verdict.kind == "suggest"
    assert knowledge.understand("je cherche un stage", "fr").verdict.kind == "none"
    sam = kb.person()
    await sam.send("comment avoir la CMU")
    await sam.send("mutuelle")
    await sam.send("papiers")
    await sam.send("je cherche un stage")
    suggested = knowledge.understand("papiers", "fr").verdict.answer_ids[0]
    assert await counted(kb) == {
        ("answer", theme_of(kb, "couverture-maladie")): 2,
        ("suggestion", theme_of(kb, suggested)): 1,
        ("unknown", "none"): 1,
    }


async def test_what_the_bot_does_itself_is_not_a_question(kb: Harness) -> None:
    sam = kb.person()
    await sam.send("/start")
    await sam.send("bonjour")  # the menu, an intent followed
    await sam.press("Numéros d'urgence")
    assert await counted(kb) == {}


async def test_a_crisis_card_is_counted_by_its_tier(kb: Harness) -> None:
    for text, tier in (("je veux me suicider", "concern"),
                       ("j'ai des idées noires en ce moment", "urgent")):  # fmt: skip
        signal = kb.services.knowledge.detect_crisis(text)
        assert signal is not None and signal.tier == tier
    sam = kb.person()
    await sam.send("je veux me suicider")  # the check-in: "are you safe?"
    await sam.send("j'ai des idées noires en ce moment")  # the urgent card
    counts = await counted(kb)
    assert counts[("crisis", "concern")] == 1
    assert counts[("crisis", "urgent")] == 1
    # A check-in holds the answer back: no question counted as answered with it.
    assert not any(kind == "answer" for kind, _ in counts)


async def test_i_am_in_danger_on_a_check_in_counts_an_urgent_card(kb: Harness) -> None:
    sam = kb.person()
    await sam.send("je veux me suicider")
    await sam.press("Je suis en danger")
    assert "Appelez le" in sam.last_reply
    assert await counted(kb) == {("crisis", "concern"): 1, ("crisis", "urgent"): 1}


async def test_a_crisis_card_during_a_callback_request_is_counted(kb: Harness) -> None:
    sam = kb.person()
    await sam.send("/rappel")
    await sam.press("Santé")
    await sam.send("jveux plus vivre")
    assert any("Appelez le" in c.text for c in sam.replies)
    assert await counted(kb) == {("crisis", "urgent"): 1}


async def test_a_crisis_card_during_a_sign_up_is_counted(kb: Harness) -> None:
    now = kb.clock.now()
    await event_edits_store.create_event(
        kb.services.db, kind="workshop", title_fr="Atelier", title_en=None, place="Centre",
        quartier=None, starts_at=now + dt.timedelta(days=3), ends_at=None, capacity=10,
        deadline=None, now=now,
    )  # fmt: skip
    sam = kb.person()
    await sam.send("/evenements")
    await sam.press("Atelier")
    await sam.press("Je m'inscris")
    await sam.send("jveux plus vivre")
    assert await counted(kb) == {("crisis", "urgent"): 1}


async def test_counts_hold_no_words_and_nobody(kb: Harness) -> None:
    sam = kb.person()
    for text in ("comment avoir la CMU", "le chat du voisin est bleu", "je cherche un stage"):
        await sam.send(text)
    rows = await kb.services.db.all("SELECT * FROM usage_count")
    assert rows
    themes = {t.id for t in kb.services.pack.themes.themes}
    for row in rows:
        assert set(row.keys()) == {"day", "kind", "key", "n"}
        assert row["key"] in themes | {"none", "urgent", "concern"}
    dumped = " ".join(str(tuple(row)) for row in rows)
    assert "CMU" not in dumped and "bleu" not in dumped and str(sam.id) not in dumped


async def test_stats_shows_what_the_bot_did_and_sends_the_chart_as_a_photo(
    kb: Harness,
) -> None:
    claire = kb.person("Claire")
    claire.chat = {"id": STAFF_CHAT, "type": "supergroup", "title": "Équipe", "is_forum": True}
    await staff_store.save_staff(kb.services.db, kb.services.pseudonymise(claire.id), "Claire",
                                 "coordinator", None, kb.clock.now(), None)  # fmt: skip
    sam = kb.person()
    for _ in range(5):
        await sam.send("comment avoir la CMU")
    await sam.send("je cherche un stage")
    calls = await claire.send("/stats")
    [text] = [c.text for c in calls if c.method == "sendMessage"]
    assert "Bilan du 1er janvier au 23 novembre 2026" in text
    assert "Questions posées au bot : 6" in text
    assert "Réponses données : 5" in text
    assert "« Je ne sais pas » : < 5" in text
    [photo] = [c for c in calls if c.method == "sendPhoto"]
    assert photo.files["photo"].startswith(b"\x89PNG")
    [table] = [c for c in calls if c.method == "sendDocument"]
    assert table.files["document"].startswith(b"\xef\xbb\xbfMois;")
