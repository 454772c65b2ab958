"""The whole story of an event, as the service lives it.

A resident subscribes; a coordinator publishes a workshop; the announcement reaches
every subscriber once, although the bot is restarted in the middle of it; fifty people
race for ten places; one gives hers back and the first on the waiting list is told;
reminders come at the right local time, in Paris across the end of summer time and in
Nouméa.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import re
from collections import Counter
from pathlib import Path

import pytest

from bot.storage import broadcasts as broadcast_store
from bot.storage import event_edits as event_edits_store
from bot.storage import events as event_store
from bot.storage import staff as staff_store
from tests.harness import Harness, Person, StopSwitch, answer_sign_up, harness_for

# Monday 19 October 2026 in Paris; summer time ends on Sunday 25 October at 03:00.
PARIS_START = dt.datetime(2026, 10, 19, 9, 0, tzinfo=dt.UTC)
# Sunday 25 October, 10:00 in Paris is 09:00 UTC (winter time again).
WORKSHOP_STARTS = dt.datetime(2026, 10, 25, 9, 0, tzinfo=dt.UTC)


async def _coordinator(h: Harness) -> Person:
    claire = h.person("Claire")
    await staff_store.save_staff(h.services.db, h.services.pseudonymise(claire.id), "Claire",
                                   "coordinator", None, h.clock.now(), None)  # fmt: skip
    return claire


async def _publish(h: Harness, claire: Person) -> int:
    """The coordinator publishes the workshop from her phone, step by step; its id."""
    await claire.send("/nouvel_evenement")
    await claire.press("Atelier")
    await claire.send("Atelier premiers secours")
    await claire.send("First-aid workshop")
    await claire.send("25/10 10h")  # Sunday, in Paris time
    await claire.send("12h")
    await claire.send("Centre social")
    await claire.press("Tout le territoire")
    await claire.send("10")
    await claire.press("Jusqu'au début")
    await claire.send("Les gestes qui sauvent, pour les 15-25 ans.")
    await claire.press("Passer")  # no English description
    await claire.press("Pas de photo")
    assert "samedi" not in claire.last_reply and "dimanche 25 octobre, 10 h" in claire.last_reply
    await claire.press("Publier")
    [event] = await event_store.upcoming_events(h.services.db, h.clock.now())
    assert (event.starts_at, event.capacity) == (WORKSHOP_STARTS, 10)
    return event.id


def _announcements(calls: list[object]) -> Counter[int]:
    return Counter(
        c.chat_id  # type: ignore[attr-defined]
        for c in calls
        if getattr(c, "method", "") == "sendMessage" and "ne plus recevoir" in c.text  # type: ignore[attr-defined]
    )


def _reminders(h: Harness) -> Counter[int]:
    return Counter(c.chat_id for c in h.calls("sendMessage") if "Rappel" in c.text)


async def test_the_story_of_a_workshop_in_paris(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The bot will be stopped (as by SIGTERM) in the middle of the announcement.
    switch = StopSwitch(monkeypatch)

    async with harness_for("kremlin-bicetre", tmp_path, start=PARIS_START) as first:
        sam = first.person("Sam")
        await sam.send("/start")
        await sam.send("/abonnements")
        await sam.press("Atelier de prévention")
        for i in range(59):  # the rest of the neighbourhood, subscribed the same way
            await broadcast_store.save_subscription(first.services.db, f"voisin{i:02d}", None,
                                                    frozenset({"workshop"}), 800_000 + i,
                                                    first.clock.now())  # fmt: skip
        subscribers = {sam.id, *(800_000 + i for i in range(59))}

        def interrupt(call: object) -> None:
            if sum(_announcements(first.api.calls).values()) == 25:
                switch.stopping = True

        first.api.listeners.append(interrupt)
        claire = await _coordinator(first)
        event_id = await _publish(first, claire)
        await first.advance(dt.timedelta(seconds=2))
        before_restart = _announcements(first.api.calls)
        assert 25 <= sum(before_restart.values()) < 60
        switch.stopping = False

    async with harness_for("kremlin-bicetre", tmp_path, start=first.clock.now()) as h:
        await h.advance(dt.timedelta(seconds=2))  # the broadcast goes on where it stopped
        told = before_restart + _announcements(h.api.calls)
        assert set(told) == subscribers  # nobody missed
        assert set(told.values()) == {1}  # nobody twice
        # The coordinator's progress message says it is done.
        progress = [c.text for c in h.api.calls if c.chat_id == claire.id]
        assert "Diffusion terminée" in progress[-1] and "Restants : 0" in progress[-1]

        # Fifty people race for the ten places.
        people = [h.person(f"P{i:02d}") for i in range(50)]
        for person in people:
            await person.send("/evenements")
            await person.press("Atelier premiers secours")
            await person.press("Je m'inscris")
            await person.send(person.user["first_name"])
            await person.press("1")
        confirms = []
        for person in people:
            message, data = person.find_button("Confirmer")
            confirms.append(h.factory.callback(person.user, message, data))
        await asyncio.gather(*(h.deliver(update) for update in confirms))

        assert await event_store.counts(h.services.db, event_id) == {
            "confirmed": 10, "waitlisted": 40,
        }  # fmt: skip
        answers = {p.id: " ".join(c.text for c in p.replies[-3:]) for p in people}
        placed = [p for p in people if "vous êtes inscrit·e à" in answers[p.id]]
        waiting = {
            int(m.group(1)): p
            for p in people
            if (m := re.search(r"liste d'attente, en position (\d+)", answers[p.id]))
        }
        assert len(placed) == 10
        assert sorted(waiting) == list(range(1, 41))  # forty waitlisted, in order
        first_in_line = waiting[1]

        # One gives her place back: the first on the waiting list is promoted and told.
        leaver = placed[3]
        await leaver.send("/mes_inscriptions")
        await leaver.press("Me désinscrire")
        await leaver.press("Oui, libérer ma place")
        assert "une place s'est libérée" in first_in_line.last_reply
        assert "une place s'est libérée" not in waiting[2].last_reply
        assert (await event_store.counts(h.services.db, event_id))["confirmed"] == 10

        # Saturday 24 October, 10:00 in Paris (summer time, UTC+2) is 08:00 UTC.
        await h.advance(dt.datetime(2026, 10, 24, 7, 59, tzinfo=dt.UTC) - h.clock.now())
        assert _reminders(h) == Counter()
        await h.advance(dt.timedelta(minutes=2))
        reminded = _reminders(h)
        expected = {p.id for p in placed if p is not leaver} | {first_in_line.id}
        assert set(reminded) == expected and set(reminded.values()) == {1}
        reminder = next(c.text for c in h.calls("sendMessage") if "Rappel" in c.text)
        assert "dimanche 25 octobre, 10 h" in reminder and "Centre social" in reminder
        # Two hours before: 07:00 UTC on Sunday, after the clocks went back.
        await h.advance(dt.datetime(2026, 10, 25, 6, 59, tzinfo=dt.UTC) - h.clock.now())
        assert set(_reminders(h).values()) == {1}
        await h.advance(dt.timedelta(minutes=2))
        assert set(_reminders(h)) == expected and set(_reminders(h).values()) == {2}


async def test_reminders_in_noumea_come_at_local_time(tmp_path: Path) -> None:
    # Wednesday 2 December 2026, 14:00 in Nouméa (UTC+11, no summer time) is 03:00 UTC.
    starts = dt.datetime(2026, 12, 2, 3, 0, tzinfo=dt.UTC)
    async with harness_for(
        "dumbea", tmp_path, start=dt.datetime(2026, 11, 27, tzinfo=dt.UTC)
    ) as h:
        event_id = await event_edits_store.create_event(
            h.services.db, kind="cinema", title_fr="Cinéma plein air",
            title_en="Open-air cinema", place="Plateau sportif", quartier=None,
            starts_at=starts, ends_at=None, capacity=None, deadline=None, now=h.clock.now(),
        )  # fmt: skip
        ana = h.person("Ana")
        await ana.send("/evenements")
        await ana.press("Cinéma plein air")
        await ana.press("Je m'inscris")
        await answer_sign_up(ana, "Ana", 2)
        assert (await event_store.counts(h.services.db, event_id))["confirmed"] == 2
        await h.advance(dt.datetime(2026, 12, 1, 2, 59, tzinfo=dt.UTC) - h.clock.now())
        assert _reminders(h) == Counter()
        await h.advance(dt.timedelta(minutes=2))  # Tuesday 14:00 in Nouméa
        [reminder] = [c.text for c in h.calls("sendMessage") if "Rappel" in c.text]
        assert "mercredi 2 décembre, 14 h" in reminder
        await h.advance(dt.datetime(2026, 12, 2, 1, 1, tzinfo=dt.UTC) - h.clock.now())
        assert _reminders(h)[ana.id] == 2  # 12:00 in Nouméa, two hours before
