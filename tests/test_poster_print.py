"""Posters worth printing: what the page says, the PDF and its preview, each poster's own
link counted apart, and the bilan saying which poster brought how many people."""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
import struct
from collections.abc import AsyncIterator
from functools import cache
from pathlib import Path

import pytest

from bot.home.poster_drawing import PosterText, Rendered, draw, printable, render
from bot.home.poster_words import (
    callback_words,
    event_words,
    permanence_words,
    poster_text,
    recurrence,
)
from bot.home.posters import qr_matrix
from bot.i18n import Catalogs, Translator
from bot.staff import write_report
from bot.storage import EventRecord
from bot.storage import event_edits as event_edits_store
from bot.storage import staff as staff_store
from bot.storage import usage as usage_store
from bot.territory import Pack, content_root, load_pack
from tests.harness import Harness, Person, harness_for, pack_copy

STAFF_CHAT = -1_009_990_001
URL = "https://t.me/smp_dumbea_bot?start=E_7_12_abcdefghij"
# 14 h – 17 h in Nouméa (UTC+11) on Saturday 12 December 2026.
STARTS = dt.datetime(2026, 12, 12, 3, 0, tzinfo=dt.UTC)
ENDS = dt.datetime(2026, 12, 12, 6, 0, tzinfo=dt.UTC)
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
"""


@cache
def _pack(name: str) -> Pack:
    return load_pack(content_root() / name)


@cache
def _catalogs() -> Catalogs:
    return Catalogs()


def _tr(language: str = "fr", pack: str = "dumbea") -> Translator:
    return _catalogs().translator(language, _pack(pack).tz, "tu")


def _event(title_fr: str = "⚽ Tournoi de foot U15", title_en: str | None = None) -> EventRecord:
    return EventRecord(
        id=12, kind="tournoi", title_fr=title_fr, title_en=title_en, description_fr=None,
        description_en=None, place="Terrain de Koutio", quartier=None, starts_at=STARTS,
        ends_at=ENDS, capacity=None, deadline=None, state="published",
    )  # fmt: skip


def _event_text() -> PosterText:
    tr = _tr()
    return poster_text(_pack("dumbea"), tr, "e", event_words(tr, _event()), URL, 7)


def _plain(text: str) -> str:
    """Non-breaking spaces as plain ones."""
    return text.replace("\u00a0", " ")


def _png_size(png: bytes) -> tuple[int, int]:
    assert png.startswith(b"\x89PNG\r\n\x1a\n") and png[12:16] == b"IHDR"
    width, height = struct.unpack(">II", png[16:24])
    return width, height


@pytest.fixture(scope="module")
def drawn() -> Rendered:
    """One render of an event's poster, shared by the tests that read it."""
    return render(_event_text(), qr_matrix(URL), "Tournoi de foot U15")


# -- what the page says ---------------------------------------------------------------------


def test_an_event_poster_says_who_what_when_where_and_what_to_do() -> None:
    texts = draw(_event_text(), [[0]]).texts
    words = " | ".join(_plain(t.get_text()).replace("\n", " ") for t in texts)
    for expected in (
        "Croix-Rouge française — Service Mobile de Proximité (Dumbéa)",
        "ÉVÉNEMENT",
        "Tournoi de foot U15",
        "Samedi 12 décembre, 14 h – 17 h",  # the territory's time, not UTC
        "Terrain de Koutio",
        "Scanne pour t'inscrire",
        "t.me/smp_dumbea_bot?start=E_7_12_abcdefghij",
        "Affiche n° 7",
    ):
        assert expected in words, expected
    assert "⚽" not in words  # no emoji on the page: the fonts have none to print


def test_each_kind_of_poster_has_its_call_to_action(tmp_path: Path) -> None:
    tr = _tr()
    callback = poster_text(_pack("dumbea"), tr, "r", callback_words(tr), URL, 1)
    assert callback.call == "Scanne pour être rappelé·e"
    assert "médiateur·rice" in " ".join(callback.details)
    pack = load_pack(pack_copy(tmp_path, {"permanences.yaml": PERMANENCES}))
    [permanence] = pack.permanences.permanences
    said = permanence_words(pack, tr, permanence)
    text = poster_text(pack, tr, "p", said, URL, 2)
    assert text.title == "Permanence santé"
    assert tuple(map(_plain, text.details)) == (
        "Chaque mardi, 14 h – 17 h",
        "Point Information Jeunesse",
    )
    assert "14\u00a0h\u00a0–\u00a017\u00a0h" in text.details[0]  # never cut in two
    assert text.call == "Scanne pour voir les prochaines dates"


def test_a_poster_in_english_has_the_english_title_and_dates() -> None:
    tr = _tr("en")
    _, title, details = event_words(tr, _event("Tournoi", "Football tournament"))
    assert title == "Football tournament"
    assert _plain(details[0]) == "Saturday 12 December, 2 PM – 5 PM"


@pytest.mark.parametrize(
    ("rule", "said"),
    [
        ("FREQ=WEEKLY;BYDAY=TU", "Chaque mardi"),
        ("FREQ=WEEKLY;BYDAY=TH,TU", "Chaque mardi et jeudi"),
        ("FREQ=WEEKLY;INTERVAL=2;BYDAY=WE", "Un mercredi sur deux"),
        ("FREQ=MONTHLY;BYDAY=1WE", "Le premier mercredi du mois"),
        ("FREQ=MONTHLY;BYDAY=-1FR", "Le dernier vendredi du mois"),
        ("FREQ=WEEKLY;INTERVAL=3;BYDAY=WE", None),
        ("FREQ=DAILY", None),
        ("FREQ=WEEKLY;BYDAY=TU;UNTIL=20261231", None),
    ],
)
def test_a_permanences_days_are_said_only_when_the_rule_is_simple(
    rule: str, said: str | None
) -> None:
    assert recurrence(_tr(), rule) == said


def test_what_the_fonts_cannot_print_is_left_out() -> None:
    assert printable("⚽️ Tournoi  des 🇫🇷 quartiers 👩🏽‍🤝‍👩🏻 ") == "Tournoi des quartiers"
    assert printable("Affiche n° 7 · rappelé·e – « ok »") == "Affiche n° 7 · rappelé·e – « ok »"


# -- the files ------------------------------------------------------------------------------


def test_the_pdf_is_one_a4_portrait_page(drawn: Rendered) -> None:
    assert drawn.pdf.startswith(b"%PDF-")
    [box] = re.findall(rb"/MediaBox \[ *0 0 ([0-9.]+) ([0-9.]+) *\]", drawn.pdf)
    width, height = (float(v) for v in box)
    assert (round(width), round(height)) == (595, 842)  # A4 in points: 210 × 297 mm
    assert len(drawn.pdf) < 500_000


def test_the_png_preview_is_a_portrait_telegram_shows_whole(drawn: Rendered) -> None:
    width, height = _png_size(drawn.png)
    assert 800 <= width <= 1280
    assert abs(height / width - 297 / 210) < 0.01
    assert len(drawn.png) < 1_000_000


# -- in the staff group, and through the links ---------------------------------------------


@pytest.fixture(scope="module")
def pack_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One copy for the module: the harness loads a pack once per folder."""
    return pack_copy(tmp_path_factory.mktemp("pack"), {"permanences.yaml": PERMANENCES})


@pytest.fixture
async def kb(tmp_path: Path, pack_dir: Path) -> AsyncIterator[Harness]:
    async with harness_for(str(pack_dir), tmp_path, staff_chat_id=STAFF_CHAT) as h:
        yield h


async def _staff(h: Harness, name: str, role: str) -> Person:
    member = h.person(name)
    member.chat = {"id": STAFF_CHAT, "type": "supergroup", "title": "Équipe", "is_forum": True}
    await staff_store.save_staff(h.services.db, h.services.pseudonymise(member.id), name, role,
                                 None, h.clock.now(), None)  # fmt: skip
    return member


async def _event_id(h: Harness) -> int:
    now = h.clock.now()
    return await event_edits_store.create_event(
        h.services.db, kind="braderie", title_fr="Braderie solidaire", title_en="Charity sale",
        place="Square Pasteur", quartier=None, starts_at=now + dt.timedelta(days=5),
        ends_at=None, capacity=20, deadline=None, now=now,
    )  # fmt: skip


def _payload(calls: list) -> str:  # type: ignore[type-arg]
    text = next(c.text for c in calls if c.method == "sendMessage")
    found = re.search(r"\?start=([A-Za-z0-9_-]+)", text)
    assert found is not None
    return found.group(1)


async def _arrivals(h: Harness) -> dict[str, int]:
    today = h.clock.now().astimezone(h.services.pack.tz).date()
    counts = await usage_store.monthly_counts(h.services.db, today, today)
    return {c.key: c.n for c in counts if c.kind == "poster"}


async def test_affiche_sends_the_preview_as_a_photo_and_the_pdf_to_print(kb: Harness) -> None:
    claire = await _staff(kb, "Claire", "coordinator")
    calls = await claire.send(f"/affiche evenement {await _event_id(kb)}")
    text = next(c.text for c in calls if c.method == "sendMessage")
    assert "Affiche n° 1 : Braderie solidaire" in text
    [document] = [c for c in calls if c.method == "sendDocument"]
    assert document.files["document"].startswith(b"%PDF-")
    assert document.params.get("filename", "affiche-1.pdf") == "affiche-1.pdf"
    [photo] = [c for c in calls if c.method == "sendPhoto"]
    assert _png_size(photo.files["photo"])[0] >= 800
    assert re.fullmatch(r"E_1_[0-9]+_[A-Za-z0-9_-]{10}", _payload(calls))


async def test_the_other_language_is_asked_at_the_end(kb: Harness) -> None:
    claire = await _staff(kb, "Claire", "coordinator")
    event_id = await _event_id(kb)
    calls = await claire.send(f"/affiche evenement {event_id} en")
    assert "Affiche en anglais" in next(c.text for c in calls if c.method == "sendMessage")
    assert [c for c in calls if c.method == "sendPhoto"]
    calls = await claire.send(f"/affiche evenement {event_id} de")
    assert not [c for c in calls if c.method == "sendPhoto"]
    assert "Écrivez /affiche rappel" in claire.last_reply


async def test_two_posters_of_one_event_are_counted_apart(kb: Harness, tmp_path: Path) -> None:
    claire = await _staff(kb, "Claire", "coordinator")
    event_id = await _event_id(kb)
    hall = _payload(await claire.send(f"/affiche evenement {event_id}"))
    school = _payload(await claire.send(f"/affiche evenement {event_id}"))
    assert hall != school
    for name in ("A", "B", "C", "D", "E"):
        resident = kb.person(name)
        await resident.send(f"/start {hall}")
        assert "Braderie solidaire" in resident.last_reply  # then the link does what it did
        assert any("Je m'inscris" in b for b in resident.last_buttons)
    await kb.person("F").send(f"/start {school}")
    assert await _arrivals(kb) == {"1": 5, "2": 1}

    calls = await claire.send("/stats")
    [stats] = [c.text for c in calls if c.method == "sendMessage"]
    assert "Arrivées par les affiches : 6" in stats
    assert "Affiche n° 1 — événement « Braderie solidaire » : 5" in stats
    assert "Affiche n° 2 — événement « Braderie solidaire » : < 5" in stats
    [table] = [c for c in calls if c.method == "sendDocument"]
    rows = list(csv.reader(io.StringIO(table.files["document"].decode("utf-8-sig")),
                           delimiter=";"))  # fmt: skip
    header, total = rows[0], rows[-1]
    assert total[header.index("Arrivées par les affiches")] == "6"
    assert total[header.index("Arrivées : Affiche n° 1 — événement « Braderie solidaire »")] == "5"
    assert (
        total[header.index("Arrivées : Affiche n° 2 — événement « Braderie solidaire »")] == "< 5"
    )

    # The same columns from the server (python -m bot report).
    today = kb.clock.now().astimezone(kb.services.pack.tz).date()
    csv_path, _ = await write_report(kb.services.db, kb.services.pack, today, today,
                                     tmp_path / "bilan", "fr", now=kb.clock.now())  # fmt: skip
    written = csv_path.read_text(encoding="utf-8-sig")
    assert "Arrivées : Affiche n° 1 — événement « Braderie solidaire »" in written


async def test_a_forged_or_tampered_poster_link_is_refused_and_not_counted(kb: Harness) -> None:
    claire = await _staff(kb, "Claire", "coordinator")
    payload = _payload(await claire.send(f"/affiche evenement {await _event_id(kb)}"))
    rest = payload[2:].split("_", 1)[1]
    sam = kb.person("Sam")
    for forged in (f"E_2_{rest}", payload[:-1] + ("A" if payload[-1] != "A" else "B"),
                   "E_1_1_AAAAAAAAAA", payload.lower()):  # fmt: skip
        await sam.send(f"/start {forged}")
        assert "plus valable" in sam.last_reply
    assert await _arrivals(kb) == {}


async def test_a_callback_and_a_permanence_poster_are_counted_and_followed(
    kb: Harness,
) -> None:
    claire = await _staff(kb, "Claire", "coordinator")
    callback = _payload(await claire.send("/affiche rappel"))
    permanence = _payload(await claire.send("/affiche permanence sante-mardi"))
    assert callback.startswith("R_1_") and permanence.startswith("P_2_sante-mardi_")
    sam = kb.person("Sam")
    await sam.send(f"/start {permanence}")
    assert "Permanences des 30 prochains jours" in sam.last_reply
    await sam.send(f"/start {callback}")
    assert "C'est à quel sujet" in sam.last_reply
    assert await _arrivals(kb) == {"1": 1, "2": 1}
    calls = await claire.send("/stats")
    [stats] = [c.text for c in calls if c.method == "sendMessage"]
    assert "Affiche n° 1 — demande de rappel : < 5" in stats
    assert "Affiche n° 2 — permanence « Permanence santé » : < 5" in stats


async def test_a_period_without_poster_arrivals_says_nothing_of_posters(kb: Harness) -> None:
    claire = await _staff(kb, "Claire", "coordinator")
    await claire.send("/affiche rappel")  # printed, nobody came yet
    await kb.person("Sam").send("comment avoir la CMU")
    calls = await claire.send("/stats")
    [stats] = [c.text for c in calls if c.method == "sendMessage"]
    assert "affiche" not in stats.lower()


def test_long_words_shrink_rather_than_overlap() -> None:
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    link = "t.me/" + "a" * 32 + "?start=P_999999999_" + "b" * 40 + "_abcdefghij"
    text = PosterText(
        service="Service de médiation de la Ville du Kremlin-Bicêtre et de ses partenaires",
        kicker="Permanence",
        title="Permanence logement et cadre de vie des résidences du quartier avec les "
        "bailleurs sociaux du territoire, les associations de locataires et la mairie",
        details=("Le premier mercredi du mois, 14\u00a0h\u00a0–\u00a017\u00a0h\u00a030",
                 "Local de la médiation, rez-de-chaussée du bâtiment B, résidence des "
                 "Martinets, à côté de la loge du gardien, entrée par le parking"),
        call="Scanne pour voir les prochaines dates",
        link=link,
        footer="Affiche n° 999999999",
    )  # fmt: skip
    figure = draw(text, qr_matrix("https://" + link))
    renderer = FigureCanvasAgg(figure).get_renderer()
    page = figure.bbox
    boxes = [t.get_window_extent(renderer) for t in figure.texts if t.get_text()]
    boxes.append(figure.axes[0].get_window_extent(renderer))  # the QR code
    for i, box in enumerate(boxes):
        assert page.x0 <= box.x0 and box.x1 <= page.x1 and page.y0 <= box.y0 <= box.y1 <= page.y1
        for other in boxes[i + 1 :]:
            assert not box.overlaps(other), (box, other)


async def test_no_poster_for_an_event_that_is_over_or_cancelled(kb: Harness) -> None:
    claire = await _staff(kb, "Claire", "coordinator")
    event_id = await _event_id(kb)
    await kb.advance(dt.timedelta(days=6))
    calls = await claire.send(f"/affiche evenement {event_id}")
    assert not [c for c in calls if c.method in ("sendPhoto", "sendDocument")]
    assert "déjà commencé" in claire.last_reply


async def test_a_permanence_created_from_telegram_has_its_poster_and_link(kb: Harness) -> None:
    from bot.samples import WEEKLY_ID, seed_examples

    await seed_examples(kb.services.db, kb.services.pack, kb.clock.now())
    claire = await _staff(kb, "Claire", "coordinator")
    calls = await claire.send(f"/affiche permanence {WEEKLY_ID}")
    sent = {c.method for c in calls if c.method in ("sendPhoto", "sendDocument")}
    assert sent == {"sendPhoto", "sendDocument"}  # the preview and the PDF
    resident = kb.person("Sam")
    await resident.send(f"/start {_payload(calls)}")
    assert "Permanence d'accueil" in resident.last_reply
    assert await _arrivals(kb) == {"1": 1}
