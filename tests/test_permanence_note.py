"""The reason a coordinator gives for cancelling a permanence date shows in /permanences.

The pack is kremlin-bicetre's with one synthetic permanence, every Tuesday and Thursday
14 h – 17 h; the clock starts on Monday 23 November 2026, 10:00 in Paris.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.storage import staff as staff_store
from tests.harness import Harness, Person, harness_for, pack_copy

PERMANENCES = """
permanences:
  - id: sante-mardi
    title: {fr: Permanence santé, en: Health drop-in}
    team: prevention-sante
    place: {fr: Point Information Jeunesse, en: Youth information centre}
    rrule: FREQ=WEEKLY;BYDAY=TU,TH
    start: 2026-01-06
    opens: "14:00"
    closes: "17:00"
    changes:
      - {date: 2026-11-24, opens: "15:00", note: {fr: Horaire d'hiver, en: Winter hours}}
"""

STAFF_CHAT = {"id": -100555, "type": "supergroup", "title": "Équipe"}


@pytest.fixture
async def h(tmp_path: Path) -> AsyncIterator[Harness]:
    pack = pack_copy(tmp_path, {"permanences.yaml": PERMANENCES})
    async with harness_for(str(pack), tmp_path) as harness:
        yield harness


async def _coordinator(h: Harness) -> Person:
    claire = h.person("Claire")
    claire.chat = STAFF_CHAT
    await staff_store.save_staff(
        h.services.db, h.services.pseudonymise(claire.id), "Claire", "coordinator", None,
        h.clock.now(), None,
    )  # fmt: skip
    return claire


async def _listing(who: Person) -> str:
    """``/permanences`` as sent (HTML), to see what is escaped."""
    await who.send("/permanences")
    return str(who.replies[-1].params["text"])


async def test_the_reason_shows_as_typed_on_the_cancelled_date(h: Harness) -> None:
    claire = await _coordinator(h)
    await claire.send("/permanence_annuler sante-mardi 26/11 Réunion <b>d'équipe</b> & bilan")
    assert "Permanence annulée" in claire.last_reply
    assert await h.services.db.value("SELECT note FROM permanence_change") == (
        "Réunion <b>d'équipe</b> & bilan"
    )

    sam = h.person("Sam")
    listing = await _listing(sam)
    assert "❌ Annulée — Réunion &lt;b&gt;d'équipe&lt;/b&gt; &amp; bilan" in listing
    assert "<b>d'équipe</b>" not in listing  # escaped, never markup
    # The date not cancelled keeps only the pack's own note, and no reason.
    [tuesday] = [line for line in listing.split("\n\n") if "24 novembre" in line]
    assert "Horaire d'hiver" in tuesday and "Réunion" not in tuesday

    # In English, the words around it are translated; the reason stays as typed.
    alex = h.person("Alex", language="en")
    listing = await _listing(alex)
    assert "❌ Cancelled — Réunion &lt;b&gt;d'équipe&lt;/b&gt; &amp; bilan" in listing


async def test_no_reason_no_dash_and_a_new_cancellation_brings_its_own(h: Harness) -> None:
    claire = await _coordinator(h)
    await claire.send("/permanence_annuler sante-mardi 26/11")
    sam = h.person("Sam")
    listing = await _listing(sam)
    [december] = [line for line in listing.split("\n\n") if "26 novembre" in line]
    assert "❌ Annulée\n➡️ Prochaine date : mardi 1 décembre" in december  # no dash

    # Restored, then cancelled again with a reason: the new reason, not an old one.
    await claire.send("/permanence_retablir sante-mardi 26/11")
    assert "Permanence rétablie" in claire.last_reply
    assert "Annulée" not in await _listing(sam)
    await claire.send("/permanence_annuler sante-mardi 26/11 Grève des transports")
    assert "❌ Annulée — Grève des transports" in await _listing(sam)


async def test_a_reason_too_long_changes_nothing(h: Harness) -> None:
    claire = await _coordinator(h)
    await claire.send("/permanence_annuler sante-mardi 26/11 " + "x" * 201)
    assert "trop longue" in claire.last_reply
    assert await h.services.db.value("SELECT COUNT(*) FROM permanence_change") == 0
    assert "Annulée" not in await _listing(h.person("Sam"))
