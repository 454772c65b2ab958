"""Coordinators cancel, add and restore permanence dates from Telegram; subscribers are told.

The pack is kremlin-bicetre's with synthetic permanences (as in test_permanences.py):
the clock starts on Monday 23 November 2026, 10:00 in Paris.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.permanences.change_notes import parse_day, parse_hours
from bot.storage import staff as staff_store
from bot.storage.broadcasts import save_subscription
from bot.territory import content_root, load_pack
from tests.harness import Harness, Person, harness_for, pack_copy

PERMANENCES = """
permanences:
  - id: sante-mardi
    title: {fr: Permanence santé, en: Health drop-in}
    team: prevention-sante
    place: {fr: Point Information Jeunesse, en: Youth information centre}
    rrule: FREQ=WEEKLY;BYDAY=TU
    start: 2026-01-06
    opens: "14:00"
    closes: "17:00"
    changes:
      - {date: 2026-12-08, cancelled: true, note: {fr: Formation, en: Training}}
  - id: logement-quinzaine
    title: {fr: Permanence logement, en: Housing drop-in}
    team: logement-cadre-de-vie
    quartier: QUARTIER
    place: {fr: Loge du gardien, en: Caretaker's lodge}
    rrule: FREQ=WEEKLY;INTERVAL=2;BYDAY=WE
    start: 2026-11-25
    opens: "09:30"
    closes: "12:00"
"""

STAFF_CHAT = {"id": -100555, "type": "supergroup", "title": "Équipe"}
TOLD = dt.timedelta(seconds=5)


def _pack_dir(tmp_path: Path) -> Path:
    quartier = load_pack(content_root() / "kremlin-bicetre").places.quartiers[0].id
    return pack_copy(tmp_path, {"permanences.yaml": PERMANENCES.replace("QUARTIER", quartier)})


@pytest.fixture
async def h(tmp_path: Path) -> AsyncIterator[Harness]:
    async with harness_for(str(_pack_dir(tmp_path)), tmp_path) as harness:
        yield harness


async def _staff(h: Harness, name: str, role: str, *, in_group: bool = True) -> Person:
    member = h.person(name)
    if in_group:
        member.chat = STAFF_CHAT
    await staff_store.save_staff(
        h.services.db, h.services.pseudonymise(member.id), name, role,
        None if role == "coordinator" else "prevention-sante", h.clock.now(), None,
    )  # fmt: skip
    return member


async def _subscriber(h: Harness, name: str, quartier: str | None = None) -> Person:
    """Someone who asked for permanence announcements (in a quartier, or everywhere)."""
    who = h.person(name)
    await save_subscription(h.services.db, h.services.pseudonymise(who.id), quartier,
                            frozenset({"permanence"}), who.id, h.clock.now())  # fmt: skip
    return who


def _told(h: Harness, who: Person, words: str) -> list[str]:
    """The announcements ``who`` received that contain ``words``."""
    return [c.text for c in h.calls("sendMessage") if c.chat_id == who.id and words in c.text]


def _html(who: Person) -> str:
    """The last reply as sent (HTML), to see what is struck through."""
    return str(who.replies[-1].params["text"])


async def _rows(h: Harness) -> int:
    return int(await h.services.db.value("SELECT COUNT(*) FROM permanence_change"))


async def _broadcasts(h: Harness) -> int:
    return int(await h.services.db.value("SELECT COUNT(*) FROM broadcast"))


# --- cancelling -----------------------------------------------------------------------------


async def test_a_coordinator_cancels_tuesday_and_subscribers_are_told_once(h: Harness) -> None:
    claire = await _staff(h, "Claire", "coordinator")
    ana = await _subscriber(h, "Ana")
    await claire.send("/permanence_annuler")
    assert "Quelle date annuler" in claire.last_reply
    assert any("mardi 24 novembre, 14 h · Permanence santé" in b for b in claire.last_buttons)
    await claire.press("mardi 24 novembre")
    assert "Annuler « Permanence santé », mardi 24 novembre, 14 h – 17 h ?" in claire.last_reply
    assert await _rows(h) == 0  # nothing before the confirmation
    confirmation, confirm = claire.find_button("Oui, annuler")
    await claire.press("Oui, annuler")
    assert "Permanence annulée : « Permanence santé », mardi 24 novembre, 14 h – 17 h" in (
        claire.last_reply
    )
    assert "1 abonné·e va être prévenu·e" in claire.last_reply
    assert "/permanence_retablir sante-mardi 24/11/2026" in claire.last_reply

    sam = h.person("Sam")
    await sam.send("/permanences")
    assert "<s><b>mardi 24 novembre, 14 h – 17 h</b>" in _html(sam)
    assert "❌ Annulée" in _html(sam)

    # Needs the lead's sender (handlers/runtime/delivery.py).
    await h.advance(TOLD)
    [told] = _told(h, ana, "Annulée : Permanence santé")
    assert "mardi 24 novembre, 14 h – 17 h" in told and "Point Information Jeunesse" in told

    # The same cancellation again, by command or by the old button: nothing more.
    await claire.send("/permanence_annuler sante-mardi 24/11")
    assert "déjà annulée" in claire.last_reply
    await claire.press_data(confirm, confirmation)  # the button pressed twice
    assert "déjà annulée" in claire.last_reply
    await h.advance(TOLD)
    assert len(_told(h, ana, "Annulée : Permanence santé")) == 1
    assert await _rows(h) == 1 and await _broadcasts(h) == 1


async def test_cancel_directly_with_a_reason_shown_to_people(h: Harness) -> None:
    claire = await _staff(h, "Claire", "coordinator")
    ana = await _subscriber(h, "Ana")
    await claire.send("/permanence_annuler sante-mardi 01/12 " + "x" * 201)
    assert "trop longue" in claire.last_reply and await _rows(h) == 0
    await claire.send("/permanence_annuler sante-mardi 01/12/2026 Réunion <b>d'équipe</b>")
    assert "Permanence annulée" in claire.last_reply and "mardi 1 décembre" in claire.last_reply
    await h.advance(TOLD)  # needs the lead's sender
    [told] = _told(h, ana, "Annulée")
    assert "💬 Réunion <b>d'équipe</b>" in told  # escaped: shown as typed


async def test_the_list_offers_only_dates_still_on(h: Harness) -> None:
    claire = await _staff(h, "Claire", "coordinator")
    await claire.send("/permanence_annuler sante-mardi 24/11")
    await claire.send("/permanence_annuler")
    labels = claire.last_buttons
    assert not any("24 novembre" in b for b in labels)  # cancelled already
    assert any("mardi 1 décembre" in b for b in labels)
    assert not any("8 décembre" in b for b in labels)  # cancelled in the pack
    assert any("mercredi 25 novembre, 9 h 30 · Permanence logement" in b for b in labels)
    await claire.press("mardi 1 décembre")
    await claire.press("Non, la garder")
    assert "Rien n'a été changé" in claire.last_reply
    assert await _rows(h) == 1


async def test_quartier_subscribers_are_told_of_their_quartier_only(h: Harness) -> None:
    here, elsewhere = (q.id for q in h.services.pack.places.quartiers[:2])
    claire = await _staff(h, "Claire", "coordinator")
    near, far, everywhere = (await _subscriber(h, "Near", here),
                             await _subscriber(h, "Far", elsewhere),
                             await _subscriber(h, "All"))  # fmt: skip
    await claire.send("/permanence_annuler logement-quinzaine 25/11")
    assert "2 abonné·e·s vont être prévenu·e·s" in claire.last_reply
    await h.advance(TOLD)  # needs the lead's sender
    assert len(_told(h, near, "Annulée : Permanence logement")) == 1
    assert len(_told(h, everywhere, "Annulée : Permanence logement")) == 1
    assert _told(h, far, "Permanence logement") == []


# --- adding ---------------------------------------------------------------------------------


async def test_a_coordinator_adds_a_date_and_it_shows(h: Harness) -> None:
    claire = await _staff(h, "Claire", "coordinator")
    ana = await _subscriber(h, "Ana")
    await claire.send("/permanence_ajouter sante-mardi 26/11 10h-12h")
    assert "Date ajoutée : « Permanence santé », jeudi 26 novembre, 10 h – 12 h" in (
        claire.last_reply
    )
    assert "1 abonné·e va être prévenu·e" in claire.last_reply
    await claire.send("/add_permanence logement-quinzaine 27/11")  # the pack's own hours
    assert "vendredi 27 novembre, 9 h 30 – 12 h" in claire.last_reply
    sam = h.person("Sam")
    await sam.send("/permanences")
    assert "<b>jeudi 26 novembre, 10 h – 12 h</b>" in _html(sam)
    assert "➕ Date ajoutée" in _html(sam)
    assert "<b>vendredi 27 novembre, 9 h 30 – 12 h</b>" in _html(sam)
    await claire.send("/permanence_ajouter sante-mardi 26/11 10h-12h")
    assert "déjà ajoutée" in claire.last_reply
    await h.advance(TOLD)  # needs the lead's sender
    [told] = _told(h, ana, "Date supplémentaire : Permanence santé")
    assert "jeudi 26 novembre, 10 h – 12 h" in told
    assert await _rows(h) == 2 and await _broadcasts(h) == 2


async def test_adding_is_checked(h: Harness) -> None:
    claire = await _staff(h, "Claire", "coordinator")
    await claire.send("/permanence_ajouter sante-mardi 26/11 17h-14h")
    assert "L'heure de fin doit être après" in claire.last_reply
    await claire.send("/permanence_ajouter sante-mardi 26/11 demain")
    assert "Horaires non compris" in claire.last_reply
    await claire.send("/permanence_ajouter sante-mardi 24/11 10:00-12:00")
    assert "a déjà lieu le mardi 24 novembre, 14 h – 17 h" in claire.last_reply
    await claire.send("/permanence_ajouter sante-mardi 20/11")
    assert "est passé" in claire.last_reply
    await claire.send("/permanence_ajouter sante-mardi 08/12")
    assert "est annulée le mardi 8 décembre" in claire.last_reply
    await claire.send("/permanence_ajouter")
    assert "Écrivez /permanence_ajouter" in claire.last_reply
    assert await _rows(h) == 0 and await _broadcasts(h) == 0


async def test_an_added_date_can_be_cancelled_and_restored(h: Harness) -> None:
    claire = await _staff(h, "Claire", "coordinator")
    await claire.send("/permanence_ajouter sante-mardi 26/11 10h-12h")
    await claire.send("/permanence_annuler sante-mardi 26/11")
    assert "Permanence annulée" in claire.last_reply
    sam = h.person("Sam")
    await sam.send("/permanences")
    assert "<s><b>jeudi 26 novembre, 10 h – 12 h</b>" in _html(sam)
    await claire.send("/permanence_retablir sante-mardi 26/11")
    assert "Permanence rétablie" in claire.last_reply
    await sam.send("/permanences")
    assert "<s><b>jeudi 26 novembre" not in _html(sam) and "Date ajoutée" in _html(sam)


# --- restoring ------------------------------------------------------------------------------


async def test_restoring_a_cancellation_is_announced_once(h: Harness) -> None:
    claire = await _staff(h, "Claire", "coordinator")
    ana = await _subscriber(h, "Ana")
    await claire.send("/permanence_annuler sante-mardi 24/11")
    await claire.send("/restore_permanence sante-mardi 24/11")
    assert "Permanence rétablie : « Permanence santé », mardi 24 novembre, 14 h – 17 h" in (
        claire.last_reply
    )
    sam = h.person("Sam")
    await sam.send("/permanences")
    assert "<s><b>mardi 24 novembre" not in _html(sam)  # only the pack's 8 December is
    await claire.send("/permanence_retablir sante-mardi 24/11")
    assert "n'est pas annulée : rien à rétablir" in claire.last_reply
    await claire.send("/permanence_retablir sante-mardi 08/12")
    assert "fichiers du territoire" in claire.last_reply
    await h.advance(TOLD)  # needs the lead's sender
    assert len(_told(h, ana, "Annulée : Permanence santé")) == 1
    assert len(_told(h, ana, "Rétablie : Permanence santé")) == 1
    # Cancelled again after all: that is news too.
    await claire.send("/permanence_annuler sante-mardi 24/11")
    assert "1 abonné·e va être prévenu·e" in claire.last_reply
    await h.advance(TOLD)
    assert len(_told(h, ana, "Annulée : Permanence santé")) == 2


# --- what is refused ------------------------------------------------------------------------


async def test_bad_dates_and_ids_get_a_reason_and_change_nothing(h: Harness) -> None:
    claire = await _staff(h, "Claire", "coordinator")
    await claire.send("/permanence_annuler inconnue 24/11")
    assert "Je ne connais pas la permanence « inconnue »" in claire.last_reply
    assert "sante-mardi, logement-quinzaine" in claire.last_reply
    await claire.send("/permanence_annuler sante-mardi 31/02")
    assert "n'est pas une date" in claire.last_reply
    await claire.send("/permanence_annuler sante-mardi mardi")
    assert "n'est pas une date" in claire.last_reply
    await claire.send("/permanence_annuler sante-mardi 25/11")
    assert "n'a pas lieu le mercredi 25 novembre" in claire.last_reply
    assert "Ses prochaines dates : mardi 24 novembre, mardi 1 décembre" in claire.last_reply
    await claire.send("/permanence_annuler sante-mardi 17/11")
    assert "est passé" in claire.last_reply
    await claire.send("/permanence_annuler sante-mardi 08/12")
    assert "déjà annulée" in claire.last_reply  # in the pack's files
    await claire.send("/permanence_annuler <b>x</b> 24/11")
    assert "« <b>x</b> »" in claire.last_reply  # escaped: shown as typed
    await claire.send("/permanence_retablir sante-mardi")
    assert "Écrivez /permanence_retablir" in claire.last_reply
    assert await _rows(h) == 0 and await _broadcasts(h) == 0


async def test_a_mediator_and_a_resident_are_refused(h: Harness) -> None:
    nadia = await _staff(h, "Nadia", "mediator")
    sam = h.person("Sam")
    for who in (nadia, sam):
        for command in ("/permanence_annuler", "/permanence_annuler sante-mardi 24/11",
                        "/permanence_ajouter sante-mardi 26/11", "/cancel_permanence",
                        "/permanence_retablir sante-mardi 24/11"):  # fmt: skip
            await who.send(command)
            assert "Seule la coordination peut changer les dates" in who.last_reply
    assert await _rows(h) == 0 and await _broadcasts(h) == 0


async def test_a_coordinator_may_do_it_privately_with_the_bot(h: Harness) -> None:
    cleo = await _staff(h, "Cléo", "coordinator", in_group=False)
    await cleo.send("/permanence_annuler sante-mardi 24/11")
    assert "Permanence annulée" in cleo.last_reply
    assert await _rows(h) == 1


async def test_forged_buttons_change_nothing(h: Harness) -> None:
    claire = await _staff(h, "Claire", "coordinator")
    nadia = await _staff(h, "Nadia", "mediator")
    sam = h.person("Sam")
    for who in (sam, nadia):
        await who.press_data("pm:cancel.sante-mardi.20261124")
    assert sum("Seule la coordination" in a for a in sam.alerts) == 2
    await claire.send("/permanence_annuler")
    for data in ("pm:cancel.inconnue.20261124", "pm:cancel.sante-mardi.20261125",
                 "pm:cancel.sante-mardi.20261340", "pm:drop.sante-mardi.20261124",
                 "pm:cancel.sante-mardi", "pm:cancel.sante-mardi.20261117"):  # fmt: skip
        await claire.press_data(data)
    assert await _rows(h) == 0 and await _broadcasts(h) == 0


# --- time -----------------------------------------------------------------------------------


async def test_the_week_across_the_daylight_saving_change_keeps_14h(tmp_path: Path) -> None:
    thursday = dt.datetime(2026, 3, 26, 9, 0, tzinfo=dt.UTC)  # Paris changes on the 29th
    async with harness_for(str(_pack_dir(tmp_path)), tmp_path, start=thursday) as h:
        claire = await _staff(h, "Claire", "coordinator")
        await claire.send("/permanence_ajouter sante-mardi 28/03")  # before the change
        await claire.send("/permanence_ajouter sante-mardi 30/03")  # after it
        await claire.send("/permanence_annuler sante-mardi 31/03")
        sam = h.person("Sam")
        await sam.send("/permanences")
        shown = _html(sam)
        assert "<b>samedi 28 mars, 14 h – 17 h</b>" in shown
        assert "<b>lundi 30 mars, 14 h – 17 h</b>" in shown
        assert "<s><b>mardi 31 mars, 14 h – 17 h</b>" in shown
        found = await h.services.permanence_changes.occurrences(
            thursday, thursday + dt.timedelta(days=7)
        )
        assert [o.start.hour for o in found if o.permanence.id == "sante-mardi"] == [13, 12, 12]


# --- reading what is typed ------------------------------------------------------------------


def test_dates_as_coordinators_type_them() -> None:
    today = dt.date(2026, 11, 23)
    assert parse_day("24/11", today) == dt.date(2026, 11, 24)
    assert parse_day("5/1", today) == dt.date(2027, 1, 5)  # next January, typed in November
    assert parse_day("17/11", today) == dt.date(2026, 11, 17)  # last week: refused as past
    assert parse_day("24/11/2027", today) == dt.date(2027, 11, 24)
    assert parse_day("24.11.26", today) == dt.date(2026, 11, 24)
    assert parse_day("2026-11-24", today) == dt.date(2026, 11, 24)
    assert parse_day("29/02", dt.date(2027, 11, 23)) == dt.date(2028, 2, 29)
    for wrong in ("31/02", "mardi", "", "24/13", "1/1/1", "99999/1"):
        assert parse_day(wrong, today) is None


def test_hours_as_coordinators_type_them() -> None:
    two, five = dt.time(14), dt.time(17)
    for typed in ("14h-17h", "14:00-17:00", "14h00 – 17h00", "14-17", "14 h - 17 h"):
        assert parse_hours(typed) == (two, five), typed
    assert parse_hours("9h30-12h") == (dt.time(9, 30), dt.time(12))
    for wrong in ("25h-26h", "14h", "demain", "14h60-15h"):
        assert parse_hours(wrong) is None
