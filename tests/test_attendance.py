"""The attendee list for the staff (in the group, and as a CSV for Excel), and
attendance marked on the day with buttons."""

from __future__ import annotations

import csv
import datetime as dt
import io
from pathlib import Path

from bot.storage import events as store
from bot.storage import staff as staff_store
from handlers.runtime.offline import Call
from tests.harness import Harness, Person, harness_for
from tests.test_signup import make_event, open_event

STAFF_CHAT = -100777


async def staff_member(h: Harness, name: str, role: str = "mediator") -> Person:
    member = h.person(name)
    member.chat = {"id": STAFF_CHAT, "type": "supergroup", "title": "Équipe"}
    await staff_store.save_staff(
        h.services.db, h.services.pseudonymise(member.id), name, role,
        None if role == "coordinator" else h.services.pack.teams.teams[0].id,
        h.clock.now(), None,
    )  # fmt: skip
    return member


def in_group(h: Harness, name: str) -> Person:
    """Someone in the staff group who is not registered staff."""
    person = h.person(name)
    person.chat = {"id": STAFF_CHAT, "type": "supergroup", "title": "Équipe"}
    return person


def csv_rows(calls: list[Call]) -> list[list[str]]:
    [document] = [c for c in calls if c.method == "sendDocument"]
    content = document.files["document"]
    assert content.startswith(b"\xef\xbb\xbf")  # the BOM French Excel needs
    return list(csv.reader(io.StringIO(content.decode("utf-8-sig")), delimiter=";"))


def shown(calls: list[Call]) -> str:
    return "\n".join(c.text for c in calls if c.method in ("sendMessage", "editMessageText"))


async def braderie_with_people(h: Harness) -> int:
    """Three stall-holders through the questions, and one on the waiting list."""
    event_id = await make_event(h, "braderie", "Braderie de Noël", capacity=6)
    for name, as_, stands in (
        ("Les Amis du Quartier", "association", "3"),
        ("=Léo", "particulier", "2"),
        ("Mme K", "particulier", "1"),
        ("Zoé", "particulier", "2"),
    ):
        person = h.person(name)
        await open_event(person, "Braderie de Noël")
        await person.send(name)
        await person.press(as_)
        await person.send(f"{stands} rue des Lilas, Dumbéa")  # the register's address
        await person.press(stands)
        await person.press("Confirmer")
    return event_id


async def test_the_staff_list_and_its_csv(bot: Harness) -> None:
    event_id = await braderie_with_people(bot)
    nadia = await staff_member(bot, "Nadia")
    calls = await nadia.send(f"/inscrits {event_id}")
    text = shown(calls)
    assert "Inscrits · Braderie de Noël" in text and "📅" in text
    assert "Confirmés : 6 sur 6 stands" in text
    assert "1. Les Amis du Quartier · 3 stands · association" in text
    assert "2. =Léo · 2 stands · particulier" in text
    assert "3. Mme K · 1 stand · particulier" in text
    assert "Liste d'attente (1 inscription)" in text and "1. Zoé · 2 stands" in text
    rows = csv_rows(calls)
    assert rows[0] == ["n°", "état", "nom", "places", "détails", "adresse", "contact", "présent"]
    assert rows[1] == ["1", "inscrit·e", "Les Amis du Quartier", "3", "association",
                       "3 rue des Lilas, Dumbéa", "", ""]  # fmt: skip
    assert rows[2][2] == "'=Léo"  # never run as a spreadsheet formula
    assert rows[4] == ["1", "liste d'attente", "Zoé", "2", "particulier",
                       "2 rue des Lilas, Dumbéa", "", ""]  # fmt: skip
    # The alias works too.
    assert "Inscrits · Braderie de Noël" in shown(await nadia.send(f"/attendees {event_id}"))


async def test_a_tournament_list_shows_how_to_reach_each_team(kb: Harness) -> None:
    event_id = await make_event(kb, "tournament", "Tournoi de foot", capacity=8)
    for team, contact in (("Les Lions", "06 12 34 56 78"), ("Les Aigles", None)):
        coach = kb.person("Coach")
        await open_event(coach, "Tournoi de foot")
        await coach.send(team)
        await coach.press("7")
        await coach.press("U15")
        await coach.press("C'est noté")  # a parent's authorisation, on the day
        if contact:
            await coach.press("Par téléphone")
            await coach.send(contact)
        else:
            await coach.press("Par Telegram")
        await coach.press("Confirmer")
    nadia = await staff_member(kb, "Nadia")
    calls = await nadia.send(f"/inscrits {event_id}")
    text = shown(calls)
    assert "Confirmés : 2 sur 8 équipes" in text
    assert "1. Les Lions · U15, 7 joueurs, autorisation parentale à apporter · 06 12 34 56 78" in (
        text
    )  # players under 18: the authorisation the pack chose is shown
    assert "2. Les Aigles · U15, 7 joueurs, autorisation parentale à apporter · par Telegram" in (
        text
    )
    rows = csv_rows(calls)
    assert rows[1] == ["1", "inscrit·e", "Les Lions", "1",
                       "U15, 7 joueurs, autorisation parentale à apporter", "",
                       "06 12 34 56 78", ""]  # fmt: skip
    assert rows[2][6] == "par Telegram"


async def test_the_list_is_for_staff_only_and_says_how_to_use_it(bot: Harness) -> None:
    event_id = await braderie_with_people(bot)
    stranger = in_group(bot, "Inconnu")
    calls = await stranger.send(f"/inscrits {event_id}")
    assert "Réservé à l'équipe" in shown(calls)
    assert not [c for c in calls if c.method == "sendDocument"]
    assert "Réservé à l'équipe" in shown(await stranger.send(f"/presences {event_id}"))
    nadia = await staff_member(bot, "Nadia")
    usage = shown(await nadia.send("/inscrits"))
    assert "/inscrits suivi du numéro" in usage and f"{event_id} · " in usage
    assert "/inscrits suivi du numéro" in shown(await nadia.send("/inscrits demain"))
    assert "pas d'événement n° 999" in shown(await nadia.send("/inscrits 999"))
    assert "/presences suivi du numéro" in shown(await nadia.send("/presences"))


async def test_only_in_the_staff_group_when_one_is_configured(tmp_path: Path) -> None:
    async with harness_for("kremlin-bicetre", tmp_path, staff_chat_id=STAFF_CHAT) as h:
        event_id = await make_event(h, "workshop", "Atelier")
        nadia = await staff_member(h, "Nadia")
        nadia.chat = {"id": -100999, "type": "supergroup", "title": "Autre groupe"}
        calls = await nadia.send(f"/inscrits {event_id}")
        assert "que dans le groupe de l'équipe" in shown(calls)
        assert not [c for c in calls if c.method == "sendDocument"]


async def test_a_long_list_is_split_into_messages_that_fit(kb: Harness) -> None:
    event_id = await make_event(kb, "workshop", "Grand atelier", capacity=None)
    for i in range(150):
        await store.sign_up(
            kb.services.db,
            event_id,
            f"p{i:03d}",
            kb.clock.now(),
            places=2,
            details={"name": f"Personne {i:03d} " + "x" * 45, "people": 2},
        )
    nadia = await staff_member(kb, "Nadia")
    calls = await nadia.send(f"/inscrits {event_id}")
    messages = [c for c in calls if c.method == "sendMessage"]
    assert len(messages) > 1
    assert all(len(str(c.params["text"])) <= 4096 for c in messages)
    assert "Confirmés : 300 personnes (sans limite)" in messages[0].text
    assert "150. Personne 149" in messages[-1].text
    assert calls[-1].method == "sendDocument"  # the CSV comes after the whole list
    assert len(csv_rows(calls)) == 151


async def test_attendance_is_marked_by_staff_from_the_day_on(bot: Harness) -> None:
    event_id = await make_event(bot, "workshop", "Atelier cuisine", capacity=3)
    ana = bot.person("Ana")
    await open_event(ana, "Atelier cuisine")
    await ana.send("Ana")
    await ana.press("2")
    await ana.press("Confirmer")
    ben = bot.person("Ben")
    await open_event(ben, "Atelier cuisine")
    await ben.send("Ben")
    await ben.press("2")
    await ben.press("Confirmer")  # waiting list: not on the attendance sheet
    nadia = await staff_member(bot, "Nadia")
    await nadia.send(f"/presences {event_id}")
    assert "Présences · Atelier cuisine" in nadia.last_reply
    assert nadia.last_buttons == ["⬜ Ana · 2"]
    assert "à partir du jour de l'événement" in nadia.last_reply

    # Before the day: the reason, nothing changes.
    await nadia.press("Ana")
    assert "à partir du jour de l'événement, le" in nadia.alerts[-1]
    attended = "SELECT attended FROM registration WHERE details LIKE '%Ana%'"
    assert await bot.services.db.value(attended) is None

    await bot.advance(dt.timedelta(days=3) - dt.timedelta(hours=1))
    await nadia.press("Ana")
    assert nadia.last_buttons == ["✅ Ana · 2"]
    assert "Présents : 1 sur 1" in nadia.last_reply
    assert await bot.services.db.value(attended) == 1
    # A resident in the group presses: a pop-up, nothing changes.
    stranger = in_group(bot, "Inconnu")
    await stranger.press("Ana")
    assert "Réservé à l'équipe" in stranger.alerts[-1]
    assert await bot.services.db.value(attended) == 1
    # The CSV's "présent" column follows.
    rows = csv_rows(await nadia.send(f"/inscrits {event_id}"))
    assert rows[1][2] == "Ana" and rows[1][7] == "oui"
    assert "présent·e" in nadia.replies[-2].text
    # Pressed again on the sheet (the list now has its own "✉️" buttons): not there after all.
    await nadia.press("✅ Ana")
    assert nadia.find_button("⬜ Ana · 2")  # the sheet, edited in place
    assert await bot.services.db.value(attended) == 0
    rows = csv_rows(await nadia.send(f"/inscrits {event_id}"))
    assert rows[1][7] == "non"


async def test_the_attendance_sheet_is_paginated(kb: Harness) -> None:
    event_id = await make_event(kb, "cinema", "Cinéma plein air", capacity=None, days=1)
    for i in range(25):
        await store.sign_up(kb.services.db, event_id, f"p{i:02d}", kb.clock.now(),
                            details={"name": f"Nom{i:02d}", "people": 1})  # fmt: skip
    nadia = await staff_member(kb, "Nadia")
    await kb.advance(dt.timedelta(hours=23))
    await nadia.send(f"/presences {event_id}")
    assert len(nadia.last_buttons) == 21 and nadia.last_buttons[-1] == "▶"
    assert "Page 1 sur 2" in nadia.last_reply
    await nadia.press("▶")
    assert nadia.last_buttons == [f"⬜ Nom{i:02d} · 1" for i in range(20, 25)] + ["◀"]
    await nadia.press("Nom23")
    assert "✅ Nom23 · 1" in nadia.last_buttons and "Page 2 sur 2" in nadia.last_reply
    await nadia.press("◀")
    assert nadia.last_buttons[0] == "⬜ Nom00 · 1"


async def test_forged_presence_buttons_change_nothing(kb: Harness) -> None:
    event_id = await make_event(kb, "workshop", "Atelier", days=1, capacity=1)
    first = await store.sign_up(kb.services.db, event_id, "p1", kb.clock.now(),
                                details={"name": "Ana", "people": 1})  # fmt: skip
    waiting = await store.sign_up(kb.services.db, event_id, "p2", kb.clock.now())
    assert waiting.state == "waitlisted"
    nadia = await staff_member(kb, "Nadia")
    await kb.advance(dt.timedelta(hours=23))
    before = len(nadia.alerts)
    for data in (
        "pr:on.99999.0",
        f"pr:on.{waiting.registration_id}.0",
        "pr:zap.1.0",
        f"pr:on.{first.registration_id}",
        "pr:page.999.0",
        "pr:on.x.0",
        f"pr:on.{first.registration_id}.99999",
        "pr:" + "1" * 70,
    ):
        await nadia.press_data(data)
    assert len(nadia.alerts) == before + 8  # each answered with a pop-up
    assert await kb.services.db.value("SELECT COUNT(*) FROM registration WHERE attended IS NOT "
                                      "NULL") == 0  # fmt: skip
    # A resident forging a press on a registration: nothing either.
    sam = kb.person()
    await sam.press_data(f"pr:on.{first.registration_id}.0")
    assert "Réservé à l'équipe" in sam.alerts[-1]
    assert await kb.services.db.value("SELECT attended FROM registration WHERE id = ?",
                                      (first.registration_id,)) is None  # fmt: skip
