"""Posters: signed deep-link payloads, links and printable QR codes."""

from __future__ import annotations

import re
import struct
import zoneinfo

import pytest
from babel.support import NullTranslations

from bot.home.posters import Payloads, link, poster, qr_png
from bot.i18n import Translator

SECRET = "poster-secret-for-tests"
TELEGRAM_PAYLOAD = re.compile(r"[A-Za-z0-9_-]{1,64}")
LONGEST_PACK_ID = "a" + "b-_9" * 9 + "zzz"  # 40 characters, the longest a pack allows


@pytest.fixture
def payloads() -> Payloads:
    return Payloads(SECRET)


def _png_size(png: bytes) -> tuple[int, int]:
    # The IHDR chunk always comes first: width and height are big-endian at 16..24.
    assert png[12:16] == b"IHDR"
    width, height = struct.unpack(">II", png[16:24])
    return width, height


# -- round trips ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kind", "value"),
    [
        ("r", ""),
        ("e", "1"),
        ("e", "42"),
        ("e", str(2**63 - 1)),
        ("p", "maison-de-quartier"),
        ("p", "pij_mardi"),
        ("p", "0"),
        ("p", LONGEST_PACK_ID),
    ],
)
def test_a_payload_reads_back_as_what_was_signed(
    payloads: Payloads, kind: str, value: str
) -> None:
    payload = payloads.make(kind, value)
    assert TELEGRAM_PAYLOAD.fullmatch(payload)
    assert payload.startswith(f"{kind}_")
    assert payloads.read(payload) == (kind, value)


def test_the_callback_payload_has_no_value_part(payloads: Payloads) -> None:
    payload = payloads.make("r", "")
    assert re.fullmatch(r"r_[A-Za-z0-9_-]{10}", payload)


def test_the_legacy_callback_poster_still_works(payloads: Payloads) -> None:
    assert payloads.read("rappel") == ("r", "")


def test_payloads_are_stable_for_a_secret(payloads: Payloads) -> None:
    # Posters are printed: the same secret must give the same link after a restart.
    assert Payloads(SECRET).make("e", "12") == payloads.make("e", "12")
    assert Payloads("another secret").make("e", "12") != payloads.make("e", "12")


def test_every_event_and_permanence_payload_fits_telegram(payloads: Payloads) -> None:
    for event_id in range(1, 2001):
        payload = payloads.make("e", str(event_id))
        assert TELEGRAM_PAYLOAD.fullmatch(payload), payload
        assert payloads.read(payload) == ("e", str(event_id))
    alphabet = "abcdefghijklmnopqrstuvwxyz0123456789_-"
    for shift in range(len(alphabet) * 3):
        pack_id = "p" + "".join(alphabet[(shift + i * 7) % len(alphabet)] for i in range(39))
        payload = payloads.make("p", pack_id)
        assert len(pack_id) == 40
        assert TELEGRAM_PAYLOAD.fullmatch(payload), payload
        assert payloads.read(payload) == ("p", pack_id)


# -- what make() refuses --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kind", "value"),
    [
        ("x", "1"),
        ("", ""),
        ("ee", "1"),
        ("r", "1"),
        ("e", ""),
        ("e", "0"),
        ("e", "-3"),
        ("e", "007"),
        ("e", "1.5"),
        ("e", str(2**63)),
        ("p", ""),
        ("p", "Majuscule"),
        ("p", "-debut"),
        ("p", "é"),
        ("p", "a" * 41),
        ("p", "avec espace"),
    ],
)
def test_make_refuses_what_could_not_be_read_back(
    payloads: Payloads, kind: str, value: str
) -> None:
    with pytest.raises(ValueError, match="poster"):
        payloads.make(kind, value)


def test_an_empty_secret_is_refused() -> None:
    with pytest.raises(ValueError, match="secret"):
        Payloads("")


# -- what read() rejects --------------------------------------------------------------------


def _tampered(payloads: Payloads) -> list[object]:
    event = payloads.make("e", "12")
    sig = event[-10:]
    permanence = payloads.make("p", "pij")
    callback = payloads.make("r", "")
    other = Payloads("someone else's secret")
    flipped = sig[:-1] + ("A" if sig[-1] != "A" else "B")
    return [
        # a changed value, keeping the signature
        f"e_13_{sig}",
        f"e_012_{sig}",
        f"e_{2**63}_{sig}",
        f"p_pjj_{permanence[-10:]}",
        # a changed kind
        f"p_12_{sig}",
        f"r_{sig}",
        f"x_12_{sig}",
        f"E_12_{sig}",
        f"e_{callback[-10:]}",
        f"e_pij_{permanence[-10:]}",
        # a changed, shorter or longer signature
        f"e_12_{flipped}",
        f"e_12_{sig.swapcase()}" if sig.swapcase() != sig else f"e_12_{flipped}",
        event[:-1],
        event[:-5],
        "e_12_",
        "e_12",
        event + "A",
        event + "_",
        callback[:-1],
        callback + "x",
        # signed with another secret
        other.make("e", "12"),
        other.make("p", "pij"),
        other.make("r", ""),
        # extra characters, wrong separators
        "x" + event,
        event.replace("_", "-", 1),
        "e__12_" + sig,
        "e_12__" + sig,
        " " + event,
        event + " ",
        event + "\n",
        "/start " + event,
        # too long, not Telegram's alphabet, not ASCII
        "e_" + "1" * 52 + "_" + sig,
        "a" * 65,
        "p_" + "a" * 52 + "_" + sig,
        "e_12_" + sig[:-1] + "é",
        "e_١٢_" + sig,
        "rappél",
        "e.12." + sig,
        "e+12+" + sig,
        # legacy spellings that were never printed
        "Rappel",
        "rappel_",
        "rappel2",
        # nothing at all, or not text
        "",
        "_",
        "r",
        "r_",
        None,
        12,
        b"rappel",
        ["rappel"],
    ]


def test_every_tampered_payload_reads_as_nothing(payloads: Payloads) -> None:
    for candidate in _tampered(payloads):
        assert payloads.read(candidate) is None, candidate  # type: ignore[arg-type]


def test_reading_never_raises_on_arbitrary_text(payloads: Payloads) -> None:
    alphabet = "ABCXYZabcxyz0189_-éè é\x00/?=&+."
    for length in range(70):
        for start in range(len(alphabet)):
            candidate = "".join(alphabet[(start + i * 5) % len(alphabet)] for i in range(length))
            assert payloads.read(candidate) is None, candidate
            assert payloads.read("e_" + candidate) is None, candidate
            assert payloads.read("p_" + candidate) is None, candidate


# -- links ----------------------------------------------------------------------------------


def test_a_link_opens_the_bot_with_the_payload(payloads: Payloads) -> None:
    payload = payloads.make("p", "pij")
    assert link("PasserelleBot", payload) == f"https://t.me/PasserelleBot?start={payload}"
    assert link("smp_dumbea_bot", "rappel") == "https://t.me/smp_dumbea_bot?start=rappel"


@pytest.mark.parametrize(
    "username",
    [
        "",
        "@PasserelleBot",
        "bot",
        "1PasserelleBot",
        "_PasserelleBot",
        "Passerelle Bot",
        "Passerelle-Bot",
        "Passerellé_bot",
        "a" * 33,
        "PasserelleBot/x",
        "PasserelleBot?start=x",
    ],
)
def test_a_link_needs_a_real_username(username: str) -> None:
    with pytest.raises(ValueError, match="username"):
        link(username, "rappel")


def test_the_longest_usernames_are_accepted() -> None:
    assert link("abcd", "rappel").startswith("https://t.me/abcd?")
    assert link("a" * 32, "rappel").startswith(f"https://t.me/{'a' * 32}?")


@pytest.mark.parametrize("payload", ["", "a" * 65, "a b", "é", "a&b=c", "a\n"])
def test_a_link_needs_a_telegram_payload(payload: str) -> None:
    with pytest.raises(ValueError, match="payload"):
        link("PasserelleBot", payload)


# -- QR codes and the poster reply ----------------------------------------------------------


def test_the_qr_code_is_a_printable_png(payloads: Payloads) -> None:
    url = link("a" * 32, payloads.make("p", LONGEST_PACK_ID))  # the longest possible link
    png = qr_png(url)
    assert png.startswith(b"\x89PNG\r\n\x1a\n")
    width, height = _png_size(png)
    assert width == height
    # About 13 cm at 300 dpi: big enough to scan from afar, small enough for A4.
    assert 1200 <= width <= 2000
    assert b"pHYs" in png  # the print resolution travels with the file
    assert len(png) < 200_000


def test_short_links_still_give_a_large_qr_code() -> None:
    width, _ = _png_size(qr_png("https://t.me/abcd?start=rappel"))
    assert 1200 <= width <= 2000


def test_the_qr_code_depends_on_the_link(payloads: Payloads) -> None:
    first = qr_png(link("PasserelleBot", payloads.make("e", "1")))
    second = qr_png(link("PasserelleBot", payloads.make("e", "2")))
    assert first != second
    assert qr_png(link("PasserelleBot", payloads.make("e", "1"))) == first


def _tr() -> Translator:
    return Translator("fr", NullTranslations(), zoneinfo.ZoneInfo("Pacific/Noumea"))


def test_the_poster_reply_gives_the_link_the_file_and_how_to_print(payloads: Payloads) -> None:
    url = link("PasserelleBot", payloads.make("e", "7"))
    reply = poster(_tr(), "Tournoi de foot <U15> & familles", url, "affiche-tournoi.png")
    assert "Tournoi de foot &lt;U15&gt; &amp; familles" in reply.text
    assert "<U15>" not in reply.text
    assert url in reply.text
    assert "imprimer" in reply.text.lower()
    assert "A4" in reply.text
    (document,) = reply.documents
    assert document.filename == "affiche-tournoi.png"
    assert document.content == qr_png(url)
    # The caption is sent as plain text: it keeps the title as written.
    assert "Tournoi de foot <U15> & familles" in document.caption


def test_the_poster_text_is_valid_telegram_html(payloads: Payloads) -> None:
    url = link("PasserelleBot", payloads.make("r", ""))
    reply = poster(_tr(), "Demande de rappel", url, "rappel.png")
    tags = re.findall(r"</?([a-z]+)[^>]*>", reply.text)
    assert set(tags) <= {"b", "i", "a", "code"}
    assert tags.count("b") % 2 == 0
