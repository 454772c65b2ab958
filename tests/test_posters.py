"""Posters: signed deep-link payloads, links and printable QR codes."""

from __future__ import annotations

import re

import pytest

from bot.home.posters import Payloads, link, qr_matrix

SECRET = "poster-secret-for-tests"
TELEGRAM_PAYLOAD = re.compile(r"[A-Za-z0-9_-]{1,64}")
LONGEST_PACK_ID = "a" + "b-_9" * 9 + "zzz"  # 40 characters, the longest a pack allows


@pytest.fixture
def payloads() -> Payloads:
    return Payloads(SECRET)


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


# -- numbered posters ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kind", "value", "number"),
    [
        ("r", "", 1),
        ("e", "12", 7),
        ("e", str(2**63 - 1), 999_999_999),
        ("p", "pij_mardi", 3),
        ("p", LONGEST_PACK_ID, 999_999_999),
    ],
)
def test_a_posters_payload_carries_its_number(
    payloads: Payloads, kind: str, value: str, number: int
) -> None:
    payload = payloads.make(kind, value, number)
    assert TELEGRAM_PAYLOAD.fullmatch(payload), payload
    assert payload.startswith(f"{kind.upper()}_{number}_")
    found = payloads.read_link(payload)
    assert found is not None
    assert (found.kind, found.value, found.poster) == (kind, value, number)
    assert payloads.read(payload) == (kind, value)


def test_two_posters_of_one_event_have_two_links(payloads: Payloads) -> None:
    first, second = payloads.make("e", "12", 1), payloads.make("e", "12", 2)
    assert first != second != payloads.make("e", "12")
    assert payloads.read(first) == payloads.read(second) == ("e", "12")


def test_links_printed_before_posters_had_numbers_still_work(payloads: Payloads) -> None:
    found = payloads.read_link(payloads.make("e", "12"))
    assert found is not None and found.poster is None
    legacy = payloads.read_link("rappel")
    assert legacy is not None and (legacy.kind, legacy.poster) == ("r", None)


@pytest.mark.parametrize("number", [0, -1, 1_000_000_000, True, "3", 2.0])
def test_a_poster_number_must_fit_the_link(payloads: Payloads, number: object) -> None:
    with pytest.raises(ValueError, match="poster"):
        payloads.make("e", "12", number)  # type: ignore[arg-type]


def test_a_tampered_posters_link_reads_as_nothing(payloads: Payloads) -> None:
    payload = payloads.make("e", "12", 7)
    sig = payload[-10:]
    callback = payloads.make("r", "", 7)
    permanence = payloads.make("p", "pij", 7)
    legacy = payloads.make("e", "12")
    for candidate in [
        f"E_8_12_{sig}",  # another poster's number, same signature
        f"E_7_13_{sig}",  # another event
        f"E_07_12_{sig}",  # not canonical
        f"E_0_12_{sig}",
        f"e_7_12_{sig}",  # lower case: read as an old link of event "7_12"
        f"P_7_12_{sig}",
        f"R_7_{sig}",
        f"R_8_{callback[-10:]}",
        f"R_7_x_{callback[-10:]}",
        f"P_7_pjj_{permanence[-10:]}",
        f"E_7_{legacy[-10:]}",
        f"E_7_12_{legacy[-10:]}",  # an old link's signature on a numbered one
        "E_7_12_" + sig[:-1] + ("A" if sig[-1] != "A" else "B"),
        f"E__12_{sig}",
        f"E_7__{sig}",
        f"E_1234567890_12_{sig}",
        Payloads("another secret").make("e", "12", 7),
    ]:
        assert payloads.read_link(candidate) is None, candidate


# -- the QR code ----------------------------------------------------------------------------


def test_the_qr_code_has_its_quiet_zone_and_depends_on_the_link(payloads: Payloads) -> None:
    url = link("a" * 32, payloads.make("p", LONGEST_PACK_ID, 999_999_999))  # the longest
    matrix = qr_matrix(url)
    assert len(matrix) == len(matrix[0])
    assert set().union(*map(set, matrix)) == {0, 1}
    for border in (matrix[:4], [row[:4] for row in matrix]):
        assert not any(any(row) for row in border)  # four light modules all round
    assert qr_matrix(link("a" * 32, payloads.make("e", "1", 1))) != qr_matrix(
        link("a" * 32, payloads.make("e", "1", 2))
    )
