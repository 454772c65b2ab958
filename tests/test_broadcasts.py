"""Announcements: only to those who asked, once each, resumable, blocked people left alone."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest

from bot.broadcasts.delivery import Where
from bot.storage import broadcasts as broadcast_store
from bot.storage import event_edits as event_edits_store
from handlers.runtime import delivery as sender
from tests.harness import Harness, StopSwitch, harness_for


async def _event(h: Harness, *, kind: str = "workshop", quartier: str | None = None) -> int:
    now = h.clock.now()
    return await event_edits_store.create_event(
        h.services.db, kind=kind, title_fr="Atelier santé", title_en="Health workshop",
        place="Centre social", quartier=quartier, starts_at=now + dt.timedelta(days=5),
        ends_at=None, capacity=10, deadline=None, now=now,
    )  # fmt: skip


async def _announce(h: Harness, event_id: int, progress: Where | None = None) -> int:
    broadcast_id = await h.services.broadcasts.announce_event(event_id, progress=progress)
    assert broadcast_id is not None
    await sender.launch(h.app, broadcast_id)
    await h.advance(dt.timedelta(seconds=2))
    return broadcast_id


async def _subscribers(h: Harness, n: int, topic: str = "workshop") -> list[int]:
    """``n`` people subscribed (as /abonnements would store them); their chat ids."""
    chats = []
    for i in range(n):
        chat_id = 900_000 + i
        await broadcast_store.save_subscription(
            h.services.db, f"sub{i:04d}", None, frozenset({topic}), chat_id, h.clock.now()
        )
        chats.append(chat_id)
    return chats


def _announcements(h: Harness, chat_id: int) -> list[str]:
    return [c.text for c in h.calls("sendMessage") if c.chat_id == chat_id and "Nouveau" in c.text]


async def test_nobody_is_subscribed_without_saying_so(bot: Harness) -> None:
    sam = bot.person()
    await sam.send("/start")
    await sam.send("/abonnements")
    assert re.search(r"Rien n'est envoyé sans (?:votre|ton) accord", sam.last_reply)
    assert await broadcast_store.count_subscribers(bot.services.db) == 0
    await _announce(bot, await _event(bot))
    assert _announcements(bot, sam.id) == []


async def test_a_subscriber_gets_a_new_event_once_with_a_sign_up_button(bot: Harness) -> None:
    sam, other = bot.person("Sam"), bot.person("Léa")
    await sam.send("/abonnements")
    await sam.press("Atelier de prévention")
    assert "✅ 🧩 Atelier de prévention" in sam.last_buttons
    await other.send("/abonnements")
    await other.press("Braderie solidaire")
    event_id = await _event(bot)
    broadcast_id = await _announce(bot, event_id)
    [announcement] = _announcements(bot, sam.id)
    assert "Atelier santé" in announcement and "Centre social" in announcement
    assert _announcements(bot, other.id) == []
    # The announcement is made once, whatever is pressed or restarted after.
    assert await bot.services.broadcasts.announce_event(event_id) is None
    await sender.launch(bot.app, broadcast_id)
    await bot.advance(dt.timedelta(seconds=2))
    assert len(_announcements(bot, sam.id)) == 1
    await sam.press("Voir et m'inscrire")
    assert "Je m'inscris" in " ".join(sam.last_buttons)


async def test_subscribers_of_another_quartier_are_not_told(dumbea: Harness) -> None:
    quartiers = [q.id for q in dumbea.services.pack.places.quartiers]
    near, far, everywhere = dumbea.person("A"), dumbea.person("B"), dumbea.person("C")
    for who, quartier in ((near, quartiers[0]), (far, quartiers[1]), (everywhere, None)):
        if quartier is not None:
            await who.send("/quartier")
            await who.press(dumbea.services.pack.quartier(quartier).name)  # type: ignore[union-attr]
        await who.send("/abonnements")
        await who.press("Atelier de prévention")
    await _announce(dumbea, await _event(dumbea, quartier=quartiers[0]))
    assert len(_announcements(dumbea, near.id)) == 1
    assert _announcements(dumbea, far.id) == []
    assert len(_announcements(dumbea, everywhere.id)) == 1
    # Widening one's zone to the whole territory: the next one reaches them too.
    await far.send("/abonnements")
    await far.press("Tout le territoire")
    await _announce(dumbea, await _event(dumbea, quartier=quartiers[0]))
    assert len(_announcements(dumbea, far.id)) == 1


async def test_stopping_everything_and_forged_subscription_buttons(kb: Harness) -> None:
    sam = kb.person()
    await sam.send("/abonnements")
    await sam.press("Atelier de prévention")
    await sam.press("Tout arrêter")
    assert "ne recevrez plus aucune annonce" in sam.last_reply
    assert await broadcast_store.count_subscribers(kb.services.db) == 0
    for data in ("ab:t.nothing", "ab:z.mars", "ab:stop.now", "ab:t", "ab:t.workshop.x"):
        await sam.press_data(data)
    assert await broadcast_store.count_subscribers(kb.services.db) == 0
    await _announce(kb, await _event(kb))
    assert _announcements(kb, sam.id) == []


async def test_who_blocked_the_bot_is_marked_and_not_retried(kb: Harness) -> None:
    chats = await _subscribers(kb, 5)
    kb.api.blocked.add(chats[2])
    first = await _announce(kb, await _event(kb))
    progress = await kb.services.broadcasts.progress(first)
    assert (progress.sent, progress.blocked, progress.remaining, progress.done) == (4, 1, 0, True)
    second = await _announce(kb, await _event(kb))
    assert (await kb.services.broadcasts.progress(second)).total == 4
    tries = [c for c in kb.api.calls if c.chat_id == chats[2]]
    assert tries == []  # refused calls are not recorded as sent: none reached them


async def test_the_coordinator_sees_the_progress(kb: Harness) -> None:
    await _subscribers(kb, 3)
    staff_chat = -100_777
    await _announce(kb, await _event(kb), progress=Where(staff_chat))
    shown = [c for c in kb.api.calls if c.chat_id == staff_chat]
    assert shown, "no progress message"
    final = kb.api.messages[(staff_chat, shown[0].result["message_id"])]["text"]
    assert "Diffusion terminée" in final and "Envoyés : 3" in final and "Restants : 0" in final


async def test_a_crash_mid_broadcast_resumes_without_duplicates(tmp_path: Path) -> None:
    async with harness_for("kremlin-bicetre", tmp_path) as first:
        chats = await _subscribers(first, 30)
        event_id = await _event(first)
        broadcast_id = await first.services.broadcasts.announce_event(event_id)
        assert broadcast_id is not None
        db = first.services.db
        # The state a hard kill leaves: ten delivered, one request in flight, the rest pending.
        pending = await broadcast_store.next_recipients(db, broadcast_id, 11)
        for recipient in pending[:10]:
            await broadcast_store.mark(db, broadcast_id, recipient.pseudonym, "sent",
                                       first.clock.now())  # fmt: skip
        await broadcast_store.mark(db, broadcast_id, pending[10].pseudonym, "sending",
                                   first.clock.now())  # fmt: skip
    async with harness_for("kremlin-bicetre", tmp_path, start=first.clock.now()) as second:
        await second.advance(dt.timedelta(seconds=2))
        progress = await second.services.broadcasts.progress(broadcast_id)
        assert (progress.sent, progress.uncertain, progress.remaining) == (29, 1, 0)
        assert progress.done
        delivered = {c.chat_id for c in second.calls("sendMessage") if "Nouveau" in c.text}
        assert len(delivered) == 19  # the nineteen still pending, each once
        assert len([c for c in second.calls("sendMessage") if "Nouveau" in c.text]) == 19
        assert delivered <= set(chats)
    async with harness_for("kremlin-bicetre", tmp_path, start=second.clock.now()) as third:
        await third.advance(dt.timedelta(seconds=2))
        assert [c for c in third.calls("sendMessage") if "Nouveau" in c.text] == []


async def test_a_stop_mid_broadcast_lets_the_rest_go_after_the_restart(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    switch = StopSwitch(monkeypatch)
    async with harness_for("kremlin-bicetre", tmp_path) as first:
        await _subscribers(first, 40)
        sent: list[int] = []

        def count(call: object) -> None:
            if getattr(call, "method", "") == "sendMessage":
                sent.append(1)
                if len(sent) == 15:
                    switch.stopping = True  # as if SIGTERM arrived now

        first.api.listeners.append(count)
        broadcast_id = await _announce(first, await _event(first))
        switch.stopping = False
        partway = await first.services.broadcasts.progress(broadcast_id)
        assert 15 <= partway.sent < 40 and partway.uncertain == 0 and not partway.done
    async with harness_for("kremlin-bicetre", tmp_path, start=first.clock.now()) as second:
        await second.advance(dt.timedelta(seconds=2))
        done = await second.services.broadcasts.progress(broadcast_id)
        assert (done.sent, done.remaining, done.uncertain, done.done) == (40, 0, 0, True)
        again = [c for c in second.calls("sendMessage") if "Nouveau" in c.text]
        assert len(again) == 40 - partway.sent


async def test_who_blocked_then_came_back_is_written_to_again(kb: Harness) -> None:
    sam = kb.person()
    await sam.send("/abonnements")
    await sam.press("Atelier de prévention")
    kb.api.blocked.add(sam.id)
    await _announce(kb, await _event(kb))
    assert _announcements(kb, sam.id) == []
    kb.api.blocked.discard(sam.id)
    await sam.send("/start")  # writing again means the bot is unblocked
    await _announce(kb, await _event(kb))
    assert len(_announcements(kb, sam.id)) == 1


async def test_coordinators_list_the_broadcasts_and_residents_cannot(kb: Harness) -> None:
    from bot.storage import staff as staff_store

    await _subscribers(kb, 2)
    await _announce(kb, await _event(kb))
    claire, sam = kb.person("Claire"), kb.person("Sam")
    await staff_store.save_staff(kb.services.db, kb.services.pseudonymise(claire.id), "Claire",
                                   "coordinator", None, kb.clock.now(), None)  # fmt: skip
    await sam.send("/diffusions")
    assert "Réservé à la coordination" in sam.last_reply
    await claire.send("/diffusions")
    assert "Dernières diffusions" in claire.last_reply
    assert "Atelier santé" in claire.last_reply and "Envoyés : 2" in claire.last_reply


async def test_the_events_list_offers_to_hear_of_the_next_ones(kb: Harness) -> None:
    sam = kb.person()
    await sam.send("/evenements")
    await sam.press("Être prévenu·e des prochains")
    assert re.search(r"Rien n'est envoyé sans (?:votre|ton) accord", sam.last_reply)
    assert await broadcast_store.count_subscribers(kb.services.db) == 0


async def test_an_unexpected_fault_on_one_delivery_does_not_stop_the_others(
    kb: Harness, monkeypatch: pytest.MonkeyPatch
) -> None:
    chats = await _subscribers(kb, 12)
    real = kb.services.broadcasts.message_for

    def faulty(record: object, recipient: broadcast_store.Recipient) -> object:
        if recipient.chat_id == chats[5]:
            raise RuntimeError("a bug")
        return real(record, recipient)  # type: ignore[arg-type]

    monkeypatch.setattr(kb.services.broadcasts, "message_for", faulty)
    broadcast_id = await _announce(kb, await _event(kb))
    progress = await kb.services.broadcasts.progress(broadcast_id)
    assert (progress.sent, progress.failed, progress.done) == (11, 1, True)
