"""A team's phone number, given for a tournament, does not outlive the tournament."""

from __future__ import annotations

import datetime as dt

from tests.harness import Harness
from tests.test_signup import make_event, open_event, registrations


async def test_the_team_contact_is_erased_the_night_after_the_event(kb: Harness) -> None:
    await make_event(kb, "tournament", "Tournoi de foot", capacity=8,
                     categories=("U13", "U15"))  # fmt: skip
    coach = kb.person("Coach")
    await open_event(coach, "Tournoi de foot")
    await coach.send("Les Lions")
    await coach.send("9")
    await coach.press("U15")
    await coach.press("C'est noté")  # a parent's authorisation, on the day
    await coach.press("Par téléphone")
    await coach.send("06 12 34 56 78")
    await coach.press("Confirmer")
    [row] = await registrations(kb)
    assert row["details"]["phone"] == "06 12 34 56 78"
    await kb.advance(dt.timedelta(days=2))  # the event is tomorrow: still needed
    [row] = await registrations(kb)
    assert row["details"]["phone"] == "06 12 34 56 78"
    await kb.advance(dt.timedelta(days=10))  # over: the nightly retention erases it
    [row] = await registrations(kb)
    assert "phone" not in row["details"] and row["details"]["team"] == "Les Lions"


async def test_an_exhibitors_address_is_erased_after_the_braderie(kb: Harness) -> None:
    await make_event(kb, "braderie", "Braderie de Noël", capacity=8, unit="stands")
    seller = kb.person("Mme K")
    await open_event(seller, "Braderie de Noël")
    await seller.send("Mme K")
    await seller.press("professionnel")
    await seller.send("8 avenue de Fontainebleau, Le Kremlin-Bicêtre")
    await seller.press("2")
    await seller.press("Confirmer")
    [row] = await registrations(kb)
    assert row["details"]["as"] == "professional" and "avenue" in row["details"]["address"]
    await kb.advance(dt.timedelta(days=12))  # over: the nightly retention erases it
    [row] = await registrations(kb)
    assert "address" not in row["details"] and row["details"]["name"] == "Mme K"
