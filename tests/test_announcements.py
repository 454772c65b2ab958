"""A coordinator's own words: /annonce to subscribers, and "✉️ Écrire aux inscrits"."""

from __future__ import annotations

import datetime as dt
import re

from bot.storage import broadcasts as broadcast_store
from bot.storage import staff as staff_store
from tests.harness import Harness, Person, answer_sign_up
from tests.test_attendance import STAFF_CHAT, braderie_with_people, in_group, staff_member
from tests.test_signup import make_event, open_event


async def _coordinator(h: Harness, name: str = "Claire") -> Person:
    member = h.person(name)
    await staff_store.save_staff(h.services.db, h.services.pseudonymise(member.id), name,
                                 "coordinator", None, h.clock.now(), None)  # fmt: skip
    return member


async def _subscribe(who: Person, *labels: str, quartier: str | None = None) -> None:
    if quartier is not None:
        await who.send("/quartier")
        await who.press(quartier)
    await who.send("/abonnements")
    for label in labels:
        await who.press(label)


def _received(h: Harness, who: Person, words: str) -> list[str]:
    return [
        c.text
        for c in h.calls("sendMessage") + h.calls("sendPhoto")
        if c.chat_id == who.id and words in c.text and "Aperçu" not in c.text
    ]


async def _sent(h: Harness) -> None:
    await h.advance(dt.timedelta(seconds=2))


async def test_an_announcement_to_a_quartier_reaches_its_subscribers_once(dumbea: Harness) -> None:
    pack = dumbea.services.pack
    koutio, other = pack.places.quartiers[0], pack.places.quartiers[1]
    near, far, everywhere, nobody = (dumbea.person(n) for n in ("A", "B", "C", "D"))
    await _subscribe(near, "Atelier de prévention", quartier=koutio.name)
    await _subscribe(far, "Atelier de prévention", quartier=other.name)
    await _subscribe(everywhere, "Braderie solidaire")
    await nobody.send("/start")
    claire = await _coordinator(dumbea)
    await claire.send("/annonce")
    assert "Nouvelle annonce" in claire.last_reply
    await claire.send("Alerte cyclonique : la distribution est déplacée à demain.")
    assert "Qui reçoit" in claire.last_reply
    await claire.press("Un quartier")
    await claire.press(koutio.name)
    preview, confirm = (c.text for c in claire.replies[-2:])
    assert "Annonce de l'équipe" in preview and "Alerte cyclonique" in preview
    assert "/abonnements" in preview
    assert "Il ira à 2 personnes" in confirm and koutio.name in confirm
    assert "Envoyer" in " ".join(claire.last_buttons)
    await claire.press("Envoyer")
    assert "C'est parti : 2 personnes" in claire.last_reply
    await claire.press_data("an:go.send")  # a double tap on the same preview
    await _sent(dumbea)
    assert len(_received(dumbea, near, "Alerte cyclonique")) == 1
    assert len(_received(dumbea, everywhere, "Alerte cyclonique")) == 1
    assert _received(dumbea, far, "Alerte cyclonique") == []
    assert _received(dumbea, nobody, "Alerte cyclonique") == []
    assert "Diffusion terminée" in claire.last_reply and "Envoyés : 2" in claire.last_reply
    assert len(await broadcast_store.recent_broadcasts(dumbea.services.db)) == 1


async def test_themes_in_abonnements_and_a_photo_to_a_theme(kb: Harness) -> None:
    health, housing = kb.person("Sam"), kb.person("Léa")
    await health.send("/langue")
    await health.press("English")
    await _subscribe(health, "Health")
    assert any("✅" in b and "Health" in b for b in health.last_buttons)
    await _subscribe(housing, "Logement")
    claire = await _coordinator(kb)
    await claire.send("/annonce")
    await claire.send_media("photo", caption="Atelier complet, merci !")
    await claire.press("Un thème")
    await claire.press("Santé")
    preview = kb.calls("sendPhoto")[-1]
    assert preview.chat_id == claire.id and "Atelier complet" in preview.text
    assert "Il ira à 1 personne" in claire.last_reply
    await claire.press("Envoyer")
    await _sent(kb)
    [received] = [c for c in kb.calls("sendPhoto") if c.chat_id == health.id]
    # The bot's own words in the person's language (the coordinator's stay as written).
    assert "To stop receiving these announcements" in received.text
    assert "Atelier complet" in received.text
    assert _received(kb, housing, "Atelier complet") == []


async def test_only_coordinators_and_an_empty_audience_sends_nothing(kb: Harness) -> None:
    resident = kb.person("Sam")
    await resident.send("/annonce")
    assert "réservées à la coordination" in resident.last_reply
    await resident.press_data("an:go.send")
    claire = await _coordinator(kb)
    await claire.send("/annonce")
    await claire.send("Réunion des habitants")
    # Typed labels work as the buttons.
    await claire.send("toutes les personnes abonnées")
    assert "Personne ne recevrait ce message" in claire.last_reply
    assert not any("Envoyer" in b for b in claire.last_buttons)
    await claire.press_data("an:go.send")
    assert await broadcast_store.recent_broadcasts(kb.services.db) == []
    await claire.send("annuler")
    assert "rien n'a été envoyé" in claire.last_reply
    await claire.send("Bonjour")  # the conversation is over: a question again
    assert "Qui reçoit" not in claire.last_reply
    # An event being written is not lost to an announcement.
    await claire.send("/nouvel_evenement")
    await claire.send("/annonce")
    assert "événement en cours d'écriture" in claire.last_reply


async def test_typed_send_and_edit(kb: Harness) -> None:
    sam = kb.person("Sam")
    await _subscribe(sam, "Cinéma")
    claire = await _coordinator(kb)
    await claire.send("/annonce")
    await claire.send("Premier jet")
    await claire.send("Un type d'événement")
    await claire.press("Cinéma")
    await claire.send("Modifier")
    assert "Nouvelle annonce" in claire.last_reply
    await claire.send("Le film de samedi commence à 20 h.")
    await claire.press("Toutes les personnes abonnées")
    await claire.send("Envoyer")
    await _sent(kb)
    assert len(_received(kb, sam, "20 h")) == 1
    assert _received(kb, sam, "Premier jet") == []


async def test_writing_to_those_registered_from_the_attendee_list(bot: Harness) -> None:
    event_id = await braderie_with_people(bot)
    nadia = await staff_member(bot, "Nadia")  # a mediator: may see the list, not write
    await nadia.send(f"/inscrits {event_id}")
    await nadia.press("Écrire aux inscrits")
    assert any("coordination" in a for a in nadia.alerts)
    claire = await staff_member(bot, "Claire", role="coordinator")
    await claire.send(f"/inscrits {event_id}")
    bot.api.blocked.add(claire.id)  # she never opened a private chat with the bot
    await claire.press("Écrire aux inscrits")
    assert any(re.search(r"Je ne peux pas (?:vous |t.)écrire en privé", a) for a in claire.alerts)
    bot.api.blocked.discard(claire.id)
    await claire.press("Écrire aux inscrits")
    privately = Person(bot, claire.id, "Claire", "fr")
    privately.user = claire.user
    assert "à qui ?" in privately.last_reply
    assert "Inscriptions confirmées (3)" in " ".join(privately.last_buttons)
    await privately.send("inscriptions confirmees")  # typed, count aside
    await privately.send("Apportez vos tables : le terrain est en herbe.")
    assert "Il ira à 3 personnes" in privately.last_reply
    await privately.press("Envoyer")
    await _sent(bot)
    told = [c for c in bot.calls("sendMessage") if "terrain est en herbe" in c.text
            and c.chat_id != claire.id]  # fmt: skip
    assert len(told) == 3
    assert all("Braderie de Noël" in c.text and "/mes_inscriptions" in c.text for c in told)


async def test_writing_to_one_registration_and_hearing_back(kb: Harness) -> None:
    event_id = await make_event(kb, "workshop", "Atelier CV")
    lina, theo = kb.person("Lina"), kb.person("Théo")
    for who in (lina, theo):
        await open_event(who, "Atelier CV")
        await answer_sign_up(who)
    stranger = in_group(kb, "Bob")
    nadia = await staff_member(kb, "Nadia")
    await nadia.send(f"/inscrits {event_id}")
    await stranger.press("1. Lina")
    assert any("Réservé à l'équipe" in a for a in stranger.alerts)
    await nadia.press("1. Lina")
    card = nadia.latest_message()
    assert card is not None and "Échange avec Lina" in card["text"]

    await nadia.send("Pensez à apporter une clé USB.", reply_to=card)
    assert "L'équipe · Atelier CV" in lina.last_reply and "clé USB" in lina.last_reply
    assert "Nadia" not in lina.last_reply
    assert "Transmis" in nadia.last_reply
    assert not any("clé USB" in c.text for c in theo.replies)

    await lina.press("Répondre")
    await lina.send("D'accord, merci !")
    assert "Transmis à l'équipe" in lina.last_reply
    answer = [c for c in kb.calls("sendMessage") if c.chat_id == STAFF_CHAT][-1]
    assert "Lina · Atelier CV répond" in answer.text and "D'accord" in answer.text
    assert answer.params["reply_parameters"]["message_id"] == card["message_id"]
    assert str(lina.id) not in answer.text
    # Her next words are a question again; the staff can answer her answer.
    await lina.send("c'est quoi une permanence")
    assert [c for c in kb.calls("sendMessage") if c.chat_id == STAFF_CHAT][-1] == answer
    await nadia.send("Parfait, à samedi.", reply_to=answer.result)
    assert "Parfait, à samedi." in lina.last_reply
    # "Répondre" pressed, then a day away: the words are not taken for an answer.
    await lina.press("Répondre")
    await kb.advance(dt.timedelta(hours=25))
    await lina.send("ok")
    assert "n'a pas été transmis" in lina.last_reply
    # Her erasure takes her words out of the group (the card, the staff's own, stays).
    await lina.send("/oublier")
    await lina.press("Oui, tout effacer")
    assert (STAFF_CHAT, answer.result["message_id"]) not in kb.api.messages
    assert (STAFF_CHAT, card["message_id"]) in kb.api.messages
    await nadia.send("Encore là ?", reply_to=card)
    assert "Encore là" not in lina.last_reply


async def test_a_caption_too_long_for_a_photo_and_a_sticker_get_the_question_again(
    kb: Harness,
) -> None:
    claire = await _coordinator(kb)
    await claire.send("/annonce")
    await claire.send_media("sticker")
    assert "une photo avec une légende" in claire.replies[-2].text
    await claire.send_media("photo", caption="x" * 1000)
    assert "doit tenir en" in claire.replies[-2].text
    assert "Nouvelle annonce" in claire.last_reply
    await claire.send("x" * 1000)  # without the photo, it fits
    assert "Qui reçoit" in claire.last_reply
