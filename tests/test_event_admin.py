"""Coordinators publish, edit and cancel events in a private chat with the bot."""

from __future__ import annotations

import asyncio
import dataclasses
import datetime as dt
import re
import zoneinfo
from pathlib import Path

import pytest

from bot.events.dates import DateProblem, parse_moment
from bot.storage import event_edits as event_edits_store
from bot.storage import events as store
from bot.storage import staff as staff_store
from bot.storage.broadcasts import save_subscription
from tests.harness import Harness, Person, answer_sign_up, harness_for

NOUMEA = zoneinfo.ZoneInfo("Pacific/Noumea")
PARIS = zoneinfo.ZoneInfo("Europe/Paris")


async def _staff(h: Harness, name: str = "Claire", role: str = "coordinator") -> Person:
    """Someone registered as staff (as /staff_ajouter would), writing to the bot privately."""
    member = h.person(name)
    team = None if role == "coordinator" else h.services.pack.teams.teams[0].id
    await staff_store.save_staff(h.services.db, h.services.pseudonymise(member.id), name,
                                   role, team, h.clock.now(), None)  # fmt: skip
    return member


async def _send_photo(h: Harness, who: Person, widths: tuple[int, ...]) -> None:
    """A photo as Telegram sends it: the same picture in several sizes."""
    message = h.factory._base_message(who.user, who.chat)
    message["photo"] = [{"file_id": f"photo-{w}", "file_unique_id": f"u-{w}", "width": w,
                         "height": w * 3 // 4} for w in widths]  # fmt: skip
    await h.deliver(h.factory._update(message=message))


def _said(who: Person, last: int = 2) -> str:
    """The last few things the person was shown, as one text."""
    return "\n".join(c.text for c in who.replies[-last:])


async def _count(h: Harness, table: str) -> int:
    return int(await h.services.db.value(f"SELECT COUNT(*) FROM {table}"))  # noqa: S608


async def _workshop(h: Harness, *, days: int = 5, capacity: int | None = None) -> int:
    now = h.clock.now()
    return await event_edits_store.create_event(
        h.services.db, kind="workshop", title_fr="Atelier santé", title_en="Health workshop",
        place="Centre social", quartier=None, starts_at=now + dt.timedelta(days=days),
        ends_at=now + dt.timedelta(days=days, hours=2), capacity=capacity, deadline=None,
        now=now, created_by="someone",
    )  # fmt: skip


async def _sign_up(who: Person) -> None:
    await who.send("/evenements")
    await who.press("Atelier santé")
    await who.press("Je m'inscris")
    await answer_sign_up(who)


async def test_a_coordinator_publishes_a_tournament_and_a_resident_sees_it(
    dumbea: Harness,
) -> None:
    h = dumbea
    koutio = h.services.pack.places.quartiers[0]
    fan = h.person("Fan")
    await save_subscription(h.services.db, h.services.pseudonymise(fan.id), None,
                            frozenset({"tournament"}), fan.id, h.clock.now())  # fmt: skip
    claire = await _staff(h)
    await claire.send("/nouvel_evenement")
    assert "Quel type d'événement" in claire.last_reply
    await claire.press("Tournoi")
    assert "Le titre, en français" in claire.last_reply
    await claire.send("Tournoi de foot des jeunes")
    assert "Le titre en anglais" in claire.last_reply
    await claire.send("Youth football tournament")
    assert "Quel jour et à quelle heure" in claire.last_reply
    await claire.send("samedi 12 décembre 14h")
    assert "À quelle heure se termine" in claire.last_reply
    await claire.send("18h")
    assert "Où a-t-il lieu" in claire.last_reply
    await claire.send("Terrain municipal")
    assert "Pour quel quartier" in claire.last_reply
    await claire.press(koutio.name)
    assert "Combien d'équipes au plus" in claire.last_reply
    await claire.send("16")
    assert "catégories d'âge" in claire.last_reply
    await claire.press("U11")  # the usual categories
    assert "Jusqu'à quand peut-on s'inscrire" in claire.last_reply
    await claire.send("10/12 18h")
    assert "Une description en français" in claire.last_reply
    await claire.send("Équipes de 5 joueurs, goûter offert.")
    assert "La description en anglais" in claire.last_reply
    await claire.press("Passer")
    assert "Une photo ou une affiche" in claire.last_reply
    await _send_photo(h, claire, (90, 320, 1280))
    summary = claire.last_reply
    assert re.search(r"vérifie(?:z)? avant de publier", summary)
    for shown in ("Tournoi sportif", "Tournoi de foot des jeunes", "Youth football tournament",
                  "samedi 12 décembre, 14 h – 18 h", "Terrain municipal", koutio.name,
                  "16 équipes", "U11, U13, U15, U18, Adultes", "jeudi 10 décembre, 18 h",
                  "Équipes de 5 joueurs", "Photo : oui"):  # fmt: skip
        assert shown in summary, shown
    assert await _count(h, "event") == 0  # nothing exists before "Publier"
    message, data = claire.find_button("Publier")
    taps = [h.factory.callback(claire.user, message, data) for _ in range(2)]
    await asyncio.gather(*(h.deliver(tap) for tap in taps))  # two taps at once
    published = [c.text for c in claire.replies if "C'est publié" in c.text]
    assert len(published) == 1 and "n° 1" in published[0]
    assert any("C'est déjà publié" in c.text for c in claire.replies)
    await h.deliver(h.factory.callback(claire.user, message, data))  # and once more later
    assert "n'existe plus : déjà publié" in claire.last_reply
    assert await _count(h, "event") == 1
    assert await _count(h, "conversation") == 0
    event = await store.get_event(h.services.db, 1)
    assert event is not None
    assert event.kind == "tournament" and event.quartier == koutio.id and event.capacity == 16
    assert event.starts_at == dt.datetime(2026, 12, 12, 3, 0, tzinfo=dt.UTC)  # 14 h in Nouméa
    assert event.categories == ("U11", "U13", "U15", "U18", "Adultes")
    assert event.photo_file_id == "photo-1280"  # the largest size
    sam = h.person("Sam")
    await sam.send("/evenements")
    await sam.press("Tournoi de foot")
    assert (
        "Terrain municipal" in sam.last_reply
        and "16 équipes peuvent encore s'inscrire" in sam.last_reply
    )
    await h.advance(dt.timedelta(seconds=5))  # the announcement goes out, with its photo
    [announced] = [c for c in h.calls("sendPhoto") if c.chat_id == fan.id]
    assert "Nouveau : Tournoi de foot des jeunes" in announced.text
    assert await _count(h, "broadcast") == 1


async def test_bad_answers_get_a_kind_word_and_the_same_question(kb: Harness) -> None:
    h = kb
    claire = await _staff(h)
    await claire.send("/new_event")
    await claire.send("bonjour")
    assert "boutons" in _said(claire) and "Quel type d'événement" in claire.last_reply
    await claire.press_data("ea:kind.spaceship")  # forged
    assert "pas proposé" in _said(claire) and "Quel type d'événement" in claire.last_reply
    await claire.press("Braderie")
    await _send_photo(h, claire, (320,))
    assert "pas une photo" in _said(claire) and "Le titre, en français" in claire.last_reply
    await claire.send("x" * 4000)
    assert "4000 caractères, 80 au plus" in _said(claire)
    assert "Le titre, en français" in claire.last_reply
    await claire.send("Braderie solidaire de printemps")
    await claire.press("Passer")
    for garbage, why in (("n'importe quoi", "pas compris"), ("31/02 14h", "n'existe pas"),
                         ("12/12", "Il manque l'heure"), ("01/01/2020 10h", "déjà passé"),
                         ("dimanche 12 décembre 2026 14h", "n'est pas un dimanche"),
                         ("x" * 4000, "trop long")):  # fmt: skip
        await claire.send(garbage)
        assert why in _said(claire), garbage
        assert "Quel jour et à quelle heure" in claire.last_reply
    await claire.send("12/12/2026 14:30")
    await claire.send("12h")
    assert "après le début" in _said(claire) and "se termine" in claire.last_reply
    await claire.press("Pas d'heure de fin")
    await claire.send("y" * 4000)
    assert "trop long" in _said(claire) and "Où a-t-il lieu" in claire.last_reply
    await claire.send("Parvis de la mairie")
    await claire.send("Martinets")
    assert "boutons" in _said(claire) and "Pour quel quartier" in claire.last_reply
    await claire.press_data("ea:quartier.nowhere")
    assert "pas proposé" in _said(claire) and "Pour quel quartier" in claire.last_reply
    await claire.press("Tout le territoire")
    assert "se comptent en" in claire.last_reply
    await claire.press("Des stands")
    for garbage in ("abc", "0", "100000", "-3"):
        await claire.send(garbage)
        assert "un nombre entre 1 et 9999" in _said(claire), garbage
        assert "Combien de stands au plus" in claire.last_reply
    await claire.send("40")
    await claire.send("14/12/2026 10h")
    assert "avant le début" in _said(claire) and "Jusqu'à quand" in claire.last_reply
    await claire.press("Jusqu'au début")
    await claire.send("z" * 801)
    assert "801 caractères, 800 au plus" in _said(claire)
    await claire.press("Passer")
    await claire.send("voilà")
    assert "Envoyez une photo" in _said(claire) and "Une photo" in claire.last_reply
    await claire.press("Pas de photo")
    assert "40 stands" in claire.last_reply and "jusqu'au début" in claire.last_reply
    await claire.send("c'est bon")
    assert "boutons" in _said(claire) and "vérifiez avant de publier" in claire.last_reply
    for forged in ("ea:change.nonsense", "ea:publish.now", "ea:save.-", "ea:photo.keep"):
        await claire.press_data(forged)
        assert "vérifiez avant de publier" in claire.last_reply, forged
    await claire.press("✏️ Places")
    await claire.press("Sans limite")
    assert "Places : sans limite" in claire.last_reply
    assert await _count(h, "event") == 0
    await claire.press("Publier")
    assert await _count(h, "event") == 1


async def test_mediators_and_residents_are_refused_and_nothing_changes(dumbea: Harness) -> None:
    h = dumbea
    event_id = await _workshop(h)
    nadia = await _staff(h, "Nadia", role="mediator")
    sam = h.person("Sam")
    for who in (nadia, sam):
        for command in ("/nouvel_evenement", "/new_event", f"/modifier_evenement {event_id}"):
            await who.send(command)
            assert "réservé à la coordination" in who.last_reply, command
        await who.press_data("ea:kind.tournament")
        assert "réservé à la coordination" in who.last_reply
        await who.press_data(f"ea:edit.{event_id}")
        assert "réservé à la coordination" in who.last_reply
        await who.send(f"/annuler_evenement {event_id}")
        assert "Réservé à la coordination" in who.last_reply
    assert await _count(h, "conversation") == 0
    event = await store.get_event(h.services.db, event_id)
    assert event is not None and event.state == "published"
    claire = await _staff(h)
    claire.chat = {"id": -100555, "type": "supergroup", "title": "Équipe"}
    await claire.send("/nouvel_evenement")  # in the staff group: the questions are private
    assert re.search(r"écri(?:vez|s)-moi en privé", claire.last_reply)
    assert await _count(h, "conversation") == 0


async def test_abandoning_leaves_no_event_and_no_draft(dumbea: Harness) -> None:
    h = dumbea
    claire = await _staff(h)
    await claire.send("/nouvel_evenement")
    await claire.press("Atelier")
    await claire.send("Atelier CV")
    await claire.press("Passer")
    await claire.send("demain 14h")
    await claire.press("Abandonner")
    assert "rien n'a été publié" in claire.last_reply
    assert await _count(h, "event") == 0 and await _count(h, "conversation") == 0
    await claire.press_data("ea:publish.-")
    assert "n'existe plus" in claire.last_reply
    await claire.send("Atelier CV")  # an ordinary question again, not a step
    assert await _count(h, "event") == 0


async def test_a_restart_in_the_middle_resumes_at_the_same_step(tmp_path: Path) -> None:
    async with harness_for("dumbea", tmp_path) as first:
        claire = await _staff(first)
        await claire.send("/nouvel_evenement")
        await claire.press("Cinéma")
        await claire.send("Cinéma sous les étoiles")
        await claire.press("Passer")
        await claire.send("19/12 19h")
        assert "se termine" in claire.last_reply
    async with harness_for("dumbea", tmp_path) as second:
        claire.h = second
        await claire.send("22h")
        assert "Où a-t-il lieu" in claire.last_reply
        await claire.send("/nouvel_evenement")
        assert "on reprend" in claire.last_reply and "Où a-t-il lieu" in claire.last_reply
        await claire.send("Plateau sportif")
        assert "Pour quel quartier" in claire.last_reply
        assert await _count(second, "event") == 0


async def test_moving_an_event_tells_those_registered_once_and_reminds_at_the_new_time(
    dumbea: Harness,
) -> None:
    h = dumbea
    event_id = await _workshop(h, days=5)
    ana, ben = h.person("Ana"), h.person("Ben")
    for who in (ana, ben):
        await _sign_up(who)

    def reminders(who: Person) -> list[str]:
        return [
            c.text for c in h.calls("sendMessage") if c.chat_id == who.id and "Rappel" in c.text
        ]

    def moves(who: Person) -> list[str]:
        return [c.text for c in h.calls("sendMessage")
                if c.chat_id == who.id and "Changement" in c.text]  # fmt: skip

    await h.advance(dt.timedelta(days=4, minutes=1))  # the day-before reminder
    assert len(reminders(ana)) == 1
    claire = await _staff(h)
    await claire.send(f"/modifier_evenement {event_id}")
    assert "Modifier l'événement n° 1" in claire.last_reply
    assert not any("Type" in b for b in claire.last_buttons)  # fixed once published
    await claire.press("✏️ Date et heure")
    new_start = (h.clock.now() + dt.timedelta(days=6)).astimezone(NOUMEA)
    await claire.send(new_start.strftime("%d/%m/%Y %H:%M"))
    assert "L'heure de fin n'allait plus" in _said(claire) and "se termine" in claire.last_reply
    await claire.press("Pas d'heure de fin")
    assert "Modifier l'événement" in claire.last_reply
    message, data = claire.find_button("Enregistrer")
    await h.deliver(h.factory.callback(claire.user, message, data))
    assert "C'est enregistré" in claire.last_reply and "prévenues" in claire.last_reply
    await h.deliver(h.factory.callback(claire.user, message, data))  # twice
    assert "n'existe plus : déjà publié, enregistré" in claire.last_reply
    event = await store.get_event(h.services.db, event_id)
    assert event is not None and event.revision == 1 and event.ends_at is None
    await h.advance(dt.timedelta(seconds=5))
    for who in (ana, ben):
        [told] = moves(who)
        assert "Avant" in told and "Désormais" in told and "/mes_inscriptions" in told
    # The old time passes without a reminder; the new day-before one comes.
    await h.advance(dt.timedelta(days=4, hours=23))
    assert len(reminders(ana)) == 1
    await h.advance(dt.timedelta(hours=2))
    assert len(reminders(ana)) == 2
    assert new_start.strftime("%-d") in reminders(ana)[-1]
    assert len(moves(ana)) == 1


async def test_a_larger_capacity_promotes_and_a_smaller_one_is_refused(kb: Harness) -> None:
    h = kb
    event_id = await _workshop(h, capacity=2)
    ana, ben, cleo = h.person("Ana"), h.person("Ben"), h.person("Cléo")
    for who in (ana, ben, cleo):
        await _sign_up(who)
    assert "liste d'attente" in cleo.last_reply
    claire = await _staff(h)
    await claire.send(f"/edit_event {event_id}")
    await claire.press("✏️ Places")
    await claire.send("1")
    assert "2 places sont déjà confirmées" in _said(claire)
    assert "Combien de personnes au plus" in claire.last_reply
    await claire.send("3")
    await claire.press("Enregistrer")
    assert "1 personne passe de la liste d'attente" in claire.last_reply
    assert "une place s'est libérée" in cleo.last_reply
    counts = await store.counts(h.services.db, event_id)
    assert counts == {"confirmed": 3}


async def test_cancelled_past_and_unknown_events_cannot_be_edited(dumbea: Harness) -> None:
    h = dumbea
    claire = await _staff(h)
    await claire.send("/modifier_evenement")
    assert "Aucun événement à venir" in claire.last_reply
    soon = await _workshop(h, days=1)
    cancelled = await _workshop(h, days=3)
    await store.cancel_event(h.services.db, cancelled)
    await claire.send("/modifier_evenement")
    day = h.services.translator("fr").day(h.clock.now() + dt.timedelta(days=1))
    assert claire.last_buttons == [f"n° {soon} · {day} · Atelier santé"[:60]]
    await claire.press("Atelier santé")
    assert "Modifier l'événement n° 1" in claire.last_reply
    await claire.send(f"/modifier_evenement {cancelled}")
    assert "annulé" in claire.last_reply
    await claire.send("/modifier_evenement 99")
    assert "pas d'événement n° 99" in claire.last_reply
    await claire.send("/modifier_evenement abc")
    assert "suivi du numéro" in claire.last_reply
    await h.advance(dt.timedelta(days=1, hours=1))
    await claire.send(f"/modifier_evenement {soon}")
    assert "déjà commencé" in claire.last_reply


async def test_an_edit_left_open_while_the_event_is_cancelled_is_not_saved(
    dumbea: Harness,
) -> None:
    h = dumbea
    event_id = await _workshop(h)
    claire = await _staff(h)
    await claire.send(f"/modifier_evenement {event_id}")
    await claire.press("✏️ Lieu")
    await claire.send("Salle du conseil")
    await store.cancel_event(h.services.db, event_id)
    await claire.press("Enregistrer")
    assert "annulé" in claire.last_reply
    event = await store.get_event(h.services.db, event_id)
    assert event is not None and event.place == "Centre social"


async def test_a_coordinator_cancels_privately_and_people_are_told_once(kb: Harness) -> None:
    h = kb
    event_id = await _workshop(h)
    ana = h.person("Ana")
    await _sign_up(ana)
    claire = await _staff(h)
    await claire.send(f"/annuler_evenement {event_id} Salle indisponible")
    await claire.press("Oui, annuler")
    assert "1 personne sera prévenue dans 5 minutes" in claire.last_reply
    await claire.send(f"/cancel_event {event_id} encore")
    assert "déjà annulé" in claire.last_reply
    await h.advance(dt.timedelta(minutes=5, seconds=5))
    told = [c for c in h.calls("sendMessage") if c.chat_id == ana.id and "est annulé" in c.text]
    assert len(told) == 1


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("12/12 14h", (2026, 12, 12, 14, 0)),
        ("12/12/2026 14:30", (2026, 12, 12, 14, 30)),
        ("12.12.26 9h05", (2026, 12, 12, 9, 5)),
        ("samedi 12 décembre 14h", (2026, 12, 12, 14, 0)),
        ("sam. 12 déc. à 14 h 30", (2026, 12, 12, 14, 30)),
        ("le 1er janvier à midi", (2027, 1, 1, 12, 0)),  # no year: the next one
        ("2026-12-12 14:00", (2026, 12, 12, 14, 0)),
        ("Saturday 12 December 2pm", (2026, 12, 12, 14, 0)),
        ("December 12, 2:30 pm", (2026, 12, 12, 14, 30)),
        ("demain 18h", (2026, 11, 24, 18, 0)),
        ("vendredi 10h", (2026, 11, 27, 10, 0)),
    ],
)
def test_dates_typed_the_french_way(typed: str, expected: tuple[int, ...]) -> None:
    now = dt.datetime(2026, 11, 23, 9, 0, tzinfo=dt.UTC)  # Monday 23, 20 h in Nouméa
    assert parse_moment(typed, now, NOUMEA) == dt.datetime(*expected, tzinfo=NOUMEA)


def test_dates_that_cannot_be_taken() -> None:
    now = dt.datetime(2026, 11, 23, 9, 0, tzinfo=dt.UTC)
    for typed, reason in (
        ("bientôt", "nonsense"), ("12/12", "no_time"), ("14h", "no_date"),
        ("30/02 10h", "no_such_date"), ("25h", "nonsense"), ("dimanche 12/12/2026 14h", "weekday"),
        ("12/12 14h lol", "nonsense"),
    ):  # fmt: skip
        problem = parse_moment(typed, now, NOUMEA)
        assert isinstance(problem, DateProblem) and problem.reason == reason, typed
    # Paris moves its clocks on 28 March 2027: 2:30 does not exist that night.
    gap = parse_moment("28/03/2027 2h30", now, PARIS)
    assert isinstance(gap, DateProblem) and gap.reason == "gap"
    # A time alone is on the given day; a date alone, at the given time (a deadline).
    base = dt.date(2026, 12, 12)
    evening = dt.datetime(2026, 12, 12, 18, 0, tzinfo=NOUMEA)
    assert parse_moment("18h", now, NOUMEA, base_day=base) == evening
    late = dt.datetime(2026, 12, 10, 23, 59, tzinfo=NOUMEA)
    assert parse_moment("10/12", now, NOUMEA, day_only=dt.time(23, 59)) == late


async def test_a_move_saved_just_before_a_crash_is_told_at_the_next_start(tmp_path: Path) -> None:
    async with harness_for("dumbea", tmp_path) as first:
        event_id = await _workshop(first)
        ana = first.person("Ana")
        await _sign_up(ana)
        event = await store.get_event(first.services.db, event_id)
        assert event is not None
        later = event_edits_store.EventFields.of(event)
        later = dataclasses.replace(later, starts_at=event.starts_at + dt.timedelta(days=1),
                                    ends_at=None)  # fmt: skip
        # Saved, and the bot killed before the message to those registered was created.
        await event_edits_store.update_event(first.services.db, event_id, later, first.clock.now())
    for attempt in range(2):
        async with harness_for("dumbea", tmp_path) as again:
            ana.h = again
            await again.advance(dt.timedelta(seconds=5))
            told = [c.text for c in again.calls("sendMessage")
                    if c.chat_id == ana.id and "Changement" in c.text]  # fmt: skip
            assert len(told) == (1 if attempt == 0 else 0)
            if told:
                assert "Désormais" in told[0] and "Avant" not in told[0]


async def test_a_sticker_or_a_voice_note_while_writing_an_event_asks_the_step_again(
    kb: Harness,
) -> None:
    claire = await _staff(kb)
    await claire.send("/nouvel_evenement")
    await claire.press("Atelier")
    for kind in ("sticker", "voice"):
        await kb.deliver(kb.factory.media(claire.user, kind))
        assert "j'attends du texte ou un bouton" in _said(claire)
        assert "Le titre, en français" in claire.last_reply
    assert await _count(kb, "event") == 0
