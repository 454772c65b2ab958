"""Coordinators create, edit and end permanences in a private chat with the bot.

kremlin-bicetre's shipped pack (no permanence in its file); the clock starts on Monday
23 November 2026, 10:00 in Paris.
"""

from __future__ import annotations

from bot.storage import permanences as permanence_store
from bot.storage import staff as staff_store
from tests.harness import Harness, Person

STAFF_CHAT = {"id": -100555, "type": "supergroup", "title": "Équipe"}


async def _staff(h: Harness, name: str = "Claire", role: str = "coordinator") -> Person:
    member = h.person(name)
    team = None if role == "coordinator" else h.services.pack.teams.teams[0].id
    await staff_store.save_staff(h.services.db, h.services.pseudonymise(member.id), name,
                                 role, team, h.clock.now(), None)  # fmt: skip
    return member


def _said(who: Person, last: int = 2) -> str:
    return "\n".join(c.text for c in who.replies[-last:])


async def _stored(h: Harness) -> list[permanence_store.PermanenceRecord]:
    return await permanence_store.list_permanences(h.services.db)


async def _first_steps(h: Harness, claire: Person) -> None:
    """Kind, title, place, quartier, team, theme."""
    pack = h.services.pack
    await claire.send("/nouvelle_permanence")
    assert "Nouvelle permanence" in claire.last_reply
    await claire.press("Régulière")
    assert "Son titre" in claire.last_reply
    await claire.send("Permanence jeunesse")
    assert "titre en anglais" in claire.last_reply
    await claire.send("Youth drop-in")
    await claire.send("Local de l'équipe")
    assert "Dans quel quartier" in claire.last_reply
    await claire.press(pack.places.quartiers[0].name)
    assert "Quelle équipe" in claire.last_reply
    await claire.press(pack.teams.teams[0].name.fr)
    assert "Sur quel thème" in claire.last_reply
    await claire.press("Aucun thème")


async def test_a_coordinator_creates_a_fortnightly_permanence_people_then_see(
    kb: Harness,
) -> None:
    pack = kb.services.pack
    claire = await _staff(kb)
    await _first_steps(kb, claire)
    assert "Quels jours" in claire.last_reply
    await claire.send("un mercredi sur deux le soir")
    assert "Je n'ai pas compris « soir »" in _said(claire)
    assert await _stored(kb) == []
    await claire.send("un mercredi sur deux de 14h à 17h")
    assert "Depuis quand" in claire.last_reply
    await claire.press("Dès maintenant")
    summary = claire.last_reply
    assert "Titre : Permanence jeunesse" in summary
    assert f"Quartier : {pack.places.quartiers[0].name}" in summary
    assert "Quand : le mercredi, toutes les 2 semaines, 14 h – 17 h" in summary
    assert "Prochaines dates : mercredi 25 novembre, mercredi 9 décembre" in summary
    assert await _stored(kb) == []  # nothing before "Enregistrer"
    await claire.press("Enregistrer")
    assert "Permanence enregistrée : « Permanence jeunesse » (identifiant : " in claire.last_reply
    [stored] = await _stored(kb)
    assert stored.rrule == "FREQ=WEEKLY;INTERVAL=2;BYDAY=WE" and stored.id == "permanence-jeunesse"
    assert stored.title_en == "Youth drop-in"
    jo = kb.person("Jo", language="en")
    await jo.send("/permanences")
    assert "Youth drop-in" in jo.last_reply

    sam = kb.person("Sam")
    await sam.send("/permanences")
    assert "Permanence jeunesse" in sam.last_reply
    # The date changes work on it.
    await claire.send("/permanence_annuler permanence-jeunesse 25/11")
    assert "Permanence annulée" in claire.last_reply


async def test_back_typed_labels_and_abandon(kb: Harness) -> None:
    pack = kb.services.pack
    claire = await _staff(kb)
    await claire.send("/nouvelle_permanence")
    await claire.send("régulière")  # the button's label, typed
    assert "Son titre" in claire.last_reply
    await claire.send("Permanence santé")
    await claire.press("Retour")
    assert "Son titre" in claire.last_reply
    await claire.send("Permanence logement")
    await claire.send("passer")  # no English title
    await claire.send("Loge du gardien")
    await claire.send("Tout le territoire")  # typed
    assert "Quelle équipe" in claire.last_reply
    await claire.send("n'importe quoi")
    assert "Répondez avec les boutons" in _said(claire)
    await claire.send(pack.teams.teams[-1].name.fr.upper())
    assert "Sur quel thème" in claire.last_reply
    await claire.send("Abandonner")
    assert "rien n'a été enregistré" in claire.last_reply
    assert await _stored(kb) == []
    # The flow is over: what is typed now is a question again.
    await claire.send("/nouvelle_permanence")
    assert "Revient-elle régulièrement" in claire.last_reply


async def test_a_one_off_date(kb: Harness) -> None:
    claire = await _staff(kb)
    await claire.send("/nouvelle_permanence")
    await claire.press("Une ou quelques dates")
    await claire.send("Permanence d'hiver")
    await claire.press("Passer")
    await claire.send("Gymnase")
    await claire.press("Tout le territoire")
    await claire.press(kb.services.pack.teams.teams[0].name.fr)
    await claire.press("Aucun thème")
    assert "Quelle(s) date(s)" in claire.last_reply
    await claire.send("12/12 et 19/12")
    assert "De quelle heure" in claire.last_reply
    await claire.send("9h-12h")
    assert "Quand : samedi 12 décembre, samedi 19 décembre, 9 h – 12 h" in claire.last_reply
    await claire.press("Enregistrer")
    [stored] = await _stored(kb)
    assert stored.rrule is None and len(stored.dates) == 2


async def test_edit_and_end_a_permanence(kb: Harness) -> None:
    claire = await _staff(kb)
    await _first_steps(kb, claire)
    await claire.send("tous les mardis 14h-17h")
    await claire.press("Dès maintenant")
    await claire.press("Enregistrer")
    await claire.send("/modifier_permanence")
    assert "permanence-jeunesse" in claire.last_reply
    await claire.press("permanence-jeunesse")
    assert "Modifier la permanence « permanence-jeunesse »" in claire.last_reply
    await claire.press("Horaires")
    await claire.send("15h-18h")
    assert "Quand : chaque mardi, 15 h – 18 h" in claire.last_reply
    await claire.press("Enregistrer")
    assert "Permanence modifiée" in claire.last_reply
    [stored] = await _stored(kb)
    assert stored.opens.hour == 15
    await claire.send("/modifier_permanence permanence-jeunesse")
    await claire.press("Terminer la permanence")
    assert "n'a plus lieu après aujourd'hui" in claire.last_reply
    sam = kb.person("Sam")
    await sam.send("/permanences")
    assert "Permanence jeunesse" not in sam.last_reply


async def test_non_coordinators_are_refused_kindly(kb: Harness) -> None:
    mediator = await _staff(kb, "Malik", "mediator")
    await mediator.send("/nouvelle_permanence")
    assert "Seule la coordination peut créer ou modifier une permanence" in mediator.last_reply
    sam = kb.person("Sam")
    await sam.send("/modifier_permanence")
    assert "Seule la coordination" in sam.last_reply
    claire = await _staff(kb)
    claire.chat = STAFF_CHAT
    await claire.send("/nouvelle_permanence")
    assert "écrivez-moi en privé" in claire.last_reply


async def test_one_off_dates_with_their_hours_in_english(kb: Harness) -> None:
    claire = await _staff(kb)
    await claire.send("/nouvelle_permanence")
    await claire.press("Une ou quelques dates")
    await claire.send("Winter drop-in")
    await claire.press("Passer")
    await claire.send("Gymnase")
    await claire.press("Tout le territoire")
    await claire.press(kb.services.pack.teams.teams[0].name.fr)
    await claire.press("Aucun thème")
    await claire.send("12/12, 19/12 from 2pm to 5pm")
    assert "Quand : samedi 12 décembre, samedi 19 décembre, 14 h – 17 h" in claire.last_reply
    await claire.send("/nouvelle_permanence")  # resumed where it was
    assert "on reprend" in claire.last_reply
