"""Poster links: signed deep-link payloads, each poster's own.

A poster in the hall of a résidence carries ``https://t.me/<bot>?start=PAYLOAD``;
opening it lands the person on the event's sign-up, the permanence or the callback
request. Telegram hands the payload back to ``/start`` as untrusted text, so it is
signed with a keyed HMAC (like the pseudonyms in :mod:`bot.people.privacy`): a payload
that was typed, shortened, altered or signed with another secret reads as
``None`` and the person simply gets the main menu.

Payloads (Telegram allows 64 characters of ``A-Za-z0-9_-``)::

    R_<poster>_<sig>             the callback request, on poster number <poster>
    E_<poster>_<id>_<sig>        an event, by its positive integer id
    P_<poster>_<pack id>_<sig>   a permanence, by its id in the territory pack

and, printed before posters had numbers (still read, not counted per poster)::

    r_<sig>  e_<id>_<sig>  p_<pack id>_<sig>  rappel

``<poster>`` is the poster's number (1 to 999,999,999, canonical digits) and comes
first: pack ids may hold ``_``, poster numbers never. ``<sig>`` is the first 10
characters of the unpadded URL-safe base64 of HMAC-SHA256(secret, "<kind>:<value>"), or
of "<kind>:<value>:<poster>" for a numbered poster: 60 bits, plenty for a printed poster
(nobody can try 2^60 links through Telegram). The longest payload, a permanence's
40-character id on poster 999,999,999, is 63 characters.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import re
from dataclasses import dataclass

CALLBACK = "r"
EVENT = "e"
PERMANENCE = "p"
KINDS: tuple[str, ...] = (CALLBACK, EVENT, PERMANENCE)

LEGACY_CALLBACK = "rappel"
"""The plain payload of the first callback posters, printed before payloads were signed."""

_SIG_LENGTH = 10
_PAYLOAD = re.compile(r"[A-Za-z0-9_-]{1,64}")
_SIG = re.compile(rf"[A-Za-z0-9_-]{{{_SIG_LENGTH}}}")
# Canonical form only ("7", never "07"), and at most SQLite's 64-bit rowids.
_EVENT_ID = re.compile(r"[1-9][0-9]{0,18}")
_EVENT_ID_MAX = 2**63 - 1
# The same shape as the ids of bot.territory.loading.
_PACK_ID = re.compile(r"[a-z0-9][a-z0-9_-]{0,39}")
_USERNAME = re.compile(r"[A-Za-z][A-Za-z0-9_]{3,31}")

_POSTER = re.compile(r"[1-9][0-9]{0,8}")
POSTER_MAX = 999_999_999


@dataclass(frozen=True)
class PosterLink:
    """What a poster's link opens: ``kind`` and ``value`` as :meth:`Payloads.make` took
    them, and the poster's number (``None`` for a link printed before posters had one)."""

    kind: str
    value: str
    poster: int | None = None


def _valid_value(kind: str, value: str) -> bool:
    if kind == CALLBACK:
        return value == ""
    if kind == EVENT:
        return _EVENT_ID.fullmatch(value) is not None and int(value) <= _EVENT_ID_MAX
    if kind == PERMANENCE:
        return _PACK_ID.fullmatch(value) is not None
    return False


class Payloads:
    """Signs and reads ``/start`` payloads with a keyed HMAC-SHA256."""

    def __init__(self, secret: str) -> None:
        if not secret:
            raise ValueError("the poster secret is empty")
        self._key = secret.encode("utf-8")

    def _signature(self, kind: str, value: str) -> str:
        digest = hmac.new(self._key, f"{kind}:{value}".encode("ascii"), hashlib.sha256).digest()
        return base64.urlsafe_b64encode(digest).decode("ascii").rstrip("=")[:_SIG_LENGTH]

    def make(self, kind: str, value: str, poster: int | None = None) -> str:
        """The signed payload for ``kind`` (``"r"``, ``"e"`` or ``"p"``) and its ``value``,
        on poster number ``poster`` (``None``: a link of no poster in particular).

        ``value`` is ``""`` for the callback request, an event's positive integer id
        as text for an event, a pack id for a permanence. Raises :class:`ValueError`
        for anything else: a poster must never carry a link that cannot be read back.
        """
        if kind not in KINDS:
            raise ValueError(f"unknown poster kind: {kind!r}")
        if not isinstance(value, str) or not _valid_value(kind, value):
            raise ValueError(f"invalid value for poster kind {kind!r}: {value!r}")
        if poster is None:
            signature = self._signature(kind, value)
            return f"{kind}_{value}_{signature}" if value else f"{kind}_{signature}"
        if isinstance(poster, bool) or not isinstance(poster, int) or not 0 < poster <= POSTER_MAX:
            raise ValueError(f"invalid poster number: {poster!r}")
        signature = self._signature(kind, f"{value}:{poster}")
        head = f"{kind.upper()}_{poster}"
        return f"{head}_{value}_{signature}" if value else f"{head}_{signature}"

    def read(self, payload: str | None) -> tuple[str, str] | None:
        """``(kind, value)`` when ``payload`` is exactly one this service signed, else ``None``.

        Never raises: the payload comes from whoever opened the link. The legacy
        plain ``"rappel"`` reads as the callback request.
        """
        found = self.read_link(payload)
        return None if found is None else (found.kind, found.value)

    def read_link(self, payload: str | None) -> PosterLink | None:
        """What ``payload`` opens and on which poster, when this service signed exactly
        it; else ``None``. Never raises."""
        if not isinstance(payload, str) or _PAYLOAD.fullmatch(payload) is None:
            return None
        if payload == LEGACY_CALLBACK:
            return PosterLink(CALLBACK, "")
        if len(payload) < 2 + _SIG_LENGTH or payload[1] != "_":
            return None
        kind, signature = payload[0], payload[-_SIG_LENGTH:]
        if not _SIG.fullmatch(signature):
            return None
        if kind.lower() in KINDS and kind.isupper():
            return self._numbered(kind.lower(), payload, signature)
        if len(payload) == 2 + _SIG_LENGTH:
            value = ""
        elif payload[-_SIG_LENGTH - 1] == "_":
            value = payload[2 : -_SIG_LENGTH - 1]
        else:
            return None
        if kind not in KINDS or not _valid_value(kind, value):
            return None
        if not hmac.compare_digest(signature, self._signature(kind, value)):
            return None
        return PosterLink(kind, value)

    def _numbered(self, kind: str, payload: str, signature: str) -> PosterLink | None:
        if payload[-_SIG_LENGTH - 1] != "_":
            return None
        number, _, value = payload[2 : -_SIG_LENGTH - 1].partition("_")
        if kind == CALLBACK and _ != "":
            return None
        if _POSTER.fullmatch(number) is None or not _valid_value(kind, value):
            return None
        expected = self._signature(kind, f"{value}:{number}")
        if not hmac.compare_digest(signature, expected):
            return None
        return PosterLink(kind, value, int(number))


def link(bot_username: str, payload: str) -> str:
    """The deep link ``https://t.me/<bot_username>?start=<payload>``.

    Raises :class:`ValueError` when the username (without ``@``) or the payload
    does not have the shape Telegram accepts.
    """
    if not isinstance(bot_username, str) or _USERNAME.fullmatch(bot_username) is None:
        raise ValueError(f"not a Telegram bot username: {bot_username!r}")
    if not isinstance(payload, str) or _PAYLOAD.fullmatch(payload) is None:
        raise ValueError(f"not a Telegram start payload: {payload!r}")
    return f"https://t.me/{bot_username}?start={payload}"
