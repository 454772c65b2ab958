"""Events declared in a pack's events.yaml: validated at load, kept in step at every start."""

from __future__ import annotations

import datetime as dt
import logging
import textwrap
from pathlib import Path

import pytest

from bot.storage import event_edits as event_edits_store
from bot.territory import ContentError, content_root, load_pack
from tests.harness import Harness, Person, answer_sign_up, harness_for, pack_copy

WORKSHOP = """
events:
  - id: atelier-sante
    kind: workshop
    title: {fr: Atelier santé, en: Health workshop}
    description: {fr: "Pour les 15-25 ans.", en: "For 15 to 25 year olds."}
    place: "Point Information Jeunesse"
    starts: "STARTS"
    ends: "ENDS"
    capacity: CAPACITY
    deadline: "2026-12-10"
    cancelled: CANCELLED
  - id: jamais-publie
    kind: cinema
    title: {fr: Cinéma plein air, en: Open-air cinema}
    place: "Parc"
    starts: "2026-12-19 20:00"
    cancelled: true
"""


def _pack(
    tmp_path: Path,
    folder: str,
    *,
    starts: str = "2026-12-12 14:00",
    ends: str = "17:00",
    capacity: int = 1,
    cancelled: bool = False,
    text: str | None = None,
) -> Path:
    """A copy of the Kremlin-Bicêtre pack whose events.yaml says what the test needs."""
    if text is None:
        text = (textwrap.dedent(WORKSHOP).replace("STARTS", starts).replace("ENDS", ends)
                .replace("CAPACITY", str(capacity))
                .replace("CANCELLED", "true" if cancelled else "false"))  # fmt: skip
    return pack_copy(tmp_path / folder, {"events.yaml": text})


def _told(h: Harness, who: Person, words: str) -> list[str]:
    return [c.text for c in h.calls("sendMessage") if c.chat_id == who.id and words in c.text]


async def _topics(h: Harness) -> list[str]:
    rows = await h.services.db.all("SELECT topic FROM broadcast ORDER BY id")
    return [r["topic"] for r in rows]


async def test_pack_events_are_published_once_whatever_the_restarts(tmp_path: Path) -> None:
    pack = str(_pack(tmp_path, "a"))
    for _ in range(2):
        async with harness_for(pack, tmp_path) as h:
            assert await h.services.db.value("SELECT COUNT(*) FROM event") == 1
            assert await _topics(h) == ["event:1:new"]
    async with harness_for(pack, tmp_path) as h:
        sam = h.person("Sam")
        await sam.send("/evenements")
        await sam.press("Atelier santé")
        assert "Point Information Jeunesse" in sam.last_reply
        assert "samedi 12 décembre, 14 h – 17 h" in sam.last_reply
        assert "1 place libre" in sam.last_reply
        assert "Inscriptions jusqu'au jeudi 10 décembre, 23 h 59" in sam.last_reply
        event = await event_edits_store.event_by_pack_key(h.services.db, "atelier-sante")
        assert event is not None and event.description_en == "For 15 to 25 year olds."
        assert await event_edits_store.event_by_pack_key(h.services.db, "jamais-publie") is None


async def test_a_move_in_the_file_is_told_once_and_a_larger_capacity_promotes(
    tmp_path: Path,
) -> None:
    async with harness_for(str(_pack(tmp_path, "a")), tmp_path) as h:
        ana, ben = h.person("Ana"), h.person("Ben")
        for who in (ana, ben):
            await who.send("/evenements")
            await who.press("Atelier santé")
            await who.press("Je m'inscris")
            await answer_sign_up(who)
        assert "liste d'attente" in ben.last_reply
    moved = str(_pack(tmp_path, "b", starts="2026-12-13 15:00", ends="18:00", capacity=2))
    for attempt in range(2):
        async with harness_for(moved, tmp_path) as h:
            ana.h = ben.h = h
            await h.advance(dt.timedelta(seconds=5))
            changes = _told(h, ana, "Changement")
            if attempt == 0:
                [told] = changes
                assert "samedi 12 décembre, 14 h – 17 h" in told
                assert "dimanche 13 décembre, 15 h – 18 h" in told
                assert len(_told(h, ben, "Changement")) == 1
                assert len(_told(h, ben, "une place s'est libérée")) == 1
            else:
                assert changes == [] and _told(h, ben, "une place s'est libérée") == []
            event = await event_edits_store.event_by_pack_key(h.services.db, "atelier-sante")
            assert event is not None and event.revision == 1 and event.capacity == 2
            assert await _topics(h) == ["event:1:new", "event:1:moved:1"]
    cancelled = str(_pack(tmp_path, "c", starts="2026-12-13 15:00", ends="18:00", capacity=2,
                          cancelled=True))  # fmt: skip
    for attempt in range(2):
        async with harness_for(cancelled, tmp_path) as h:
            ana.h = h
            await h.advance(dt.timedelta(seconds=5))
            assert len(_told(h, ana, "est annulé")) == (1 if attempt == 0 else 0)
            assert (await _topics(h))[-1] == "event:1:cancelled"


async def test_an_event_removed_from_the_file_is_left_as_it_is(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    async with harness_for(str(_pack(tmp_path, "a")), tmp_path):
        pass
    empty = str(_pack(tmp_path, "b", text="events: []\n"))
    with caplog.at_level(logging.WARNING, logger="bot.events.pack_sync"):
        async with harness_for(empty, tmp_path) as h:
            event = await event_edits_store.event_by_pack_key(h.services.db, "atelier-sante")
            assert event is not None and event.state == "published"
    assert any("atelier-sante is no longer in the file" in r.getMessage() for r in caplog.records)


async def test_a_pack_event_is_edited_in_its_file_but_may_be_cancelled_from_telegram(
    tmp_path: Path,
) -> None:
    from bot.storage import staff as staff_store

    pack = str(_pack(tmp_path, "a"))
    async with harness_for(pack, tmp_path) as h:
        claire = h.person("Claire")
        pseudonym = h.services.pseudonymise(claire.id)
        await staff_store.save_staff(
            h.services.db, pseudonym, "Claire", "coordinator", None, h.clock.now(), None
        )
        await claire.send("/modifier_evenement 1")
        assert "events.yaml" in claire.last_reply
        await claire.send("/annuler_evenement 1 Intervenant absent")
        await claire.press("Oui, annuler")
        assert "Événement annulé" in claire.last_reply
    async with harness_for(pack, tmp_path) as h:  # the file still says it is on
        event = await event_edits_store.event_by_pack_key(h.services.db, "atelier-sante")
        assert event is not None and event.state == "cancelled"


def test_a_broken_events_file_names_the_file_the_entry_and_the_field(tmp_path: Path) -> None:
    broken = """
    events:
      - id: tournoi
        kind: tournament
        title: {fr: Tournoi}
        place: Stade
        starts: 2026-12-12
        ends: 17:00
        capacity: 0
    """
    with pytest.raises(ContentError) as caught:
        load_pack(_pack(tmp_path, "a", text=textwrap.dedent(broken)))
    problems = "\n".join(caught.value.problems)
    assert "events.yaml: events[1] (id: tournoi) → starts" in problems
    assert "in quotes" in problems
    assert "events[1] (id: tournoi) → ends" in problems
    assert "events[1] (id: tournoi) → capacity" in problems
    crossed = """
    events:
      - id: concert
        kind: concert
        title: {fr: Concert}
        place: Parc
        starts: "2026-12-12 20:00"
      - id: braderie
        kind: braderie
        title: {fr: Braderie}
        place: Parvis
        quartier: nulle-part
        unit: teams
        starts: "2026-12-12 08:00"
        deadline: "2026-12-12 09:00"
    """
    with pytest.raises(ContentError) as caught:
        load_pack(_pack(tmp_path, "b", text=textwrap.dedent(crossed)))
    problems = "\n".join(caught.value.problems)
    assert "events[2] (id: braderie): Value error, 'deadline' must be before 'starts'" in problems
    bad_order = textwrap.dedent(crossed).replace('deadline: "2026-12-12 09:00"', "")
    with pytest.raises(ContentError) as caught:
        load_pack(_pack(tmp_path, "c", text=bad_order))
    problems = "\n".join(caught.value.problems)
    assert "events.yaml: event concert → kind: 'concert' is not one of" in problems
    assert "event braderie → quartier: 'nulle-part' is not in places.yaml" in problems
    assert "event braderie → unit: a braderie counts stands or metres" in problems


@pytest.mark.parametrize("territory", ["dumbea", "kremlin-bicetre"])
def test_the_example_in_each_events_file_is_valid(tmp_path: Path, territory: str) -> None:
    shipped = (content_root() / territory / "events.yaml").read_text(encoding="utf-8")
    lines = shipped.splitlines()
    start = lines.index("# events:")
    example = [line[2:] for line in lines[start:] if line.startswith("# ")]
    pack = load_pack(pack_copy(tmp_path, {"events.yaml": "\n".join(example)}, territory))
    assert [e.id for e in pack.events.events] == ["tournoi-exemple"]
    assert load_pack(content_root() / territory).events.events == ()
