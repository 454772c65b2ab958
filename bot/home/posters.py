"""Posters: a signed deep link and a printable QR code for an event, a permanence or a callback.

A poster in the hall of a résidence carries ``https://t.me/<bot>?start=PAYLOAD``;
opening it lands the person on the event's sign-up, the permanence or the callback
request. Telegram hands the payload back to ``/start`` as untrusted text, so it is
signed with a keyed HMAC (like the pseudonyms in :mod:`bot.people.privacy`): a payload
that was typed, shortened, altered or signed with another secret reads as
``None`` and the person simply gets the main menu.

Payloads (Telegram allows 64 characters of ``A-Za-z0-9_-``)::

    r_<sig>            the callback request
    e_<id>_<sig>       an event, by its positive integer id
    p_<pack id>_<sig>  a permanence, by its id in the territory pack

``<sig>`` is the first 10 characters of the unpadded URL-safe base64 of
HMAC-SHA256(secret, "<kind>:<value>"): 60 bits, plenty for a printed poster
(nobody can try 2^60 links through Telegram), and the longest payload is 53
characters.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import io
import math
import re

from bot.i18n import Translator
from bot.staff import staff_only_reply
from bot.storage import Database, StaffRecord
from bot.storage import events as event_store
from bot.territory import Pack
from bot.ui import Document, Reply, esc

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

# A4 is 21 cm wide: at 300 dpi a symbol of about 1600 px prints about 13.5 cm wide,
# readable from a couple of metres in a hall and still inside the printer's margins.
_PRINT_DPI = 300
_TARGET_PX = 1600
_MIN_SCALE = 10
_QUIET_ZONE = 4  # modules: the white margin the QR standard asks for


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

    def make(self, kind: str, value: str) -> str:
        """The signed payload for ``kind`` (``"r"``, ``"e"`` or ``"p"``) and its ``value``.

        ``value`` is ``""`` for the callback request, an event's positive integer id
        as text for an event, a pack id for a permanence. Raises :class:`ValueError`
        for anything else: a poster must never carry a link that cannot be read back.
        """
        if kind not in KINDS:
            raise ValueError(f"unknown poster kind: {kind!r}")
        if not isinstance(value, str) or not _valid_value(kind, value):
            raise ValueError(f"invalid value for poster kind {kind!r}: {value!r}")
        signature = self._signature(kind, value)
        return f"{kind}_{value}_{signature}" if value else f"{kind}_{signature}"

    def read(self, payload: str | None) -> tuple[str, str] | None:
        """``(kind, value)`` when ``payload`` is exactly one this service signed, else ``None``.

        Never raises: the payload comes from whoever opened the link. The legacy
        plain ``"rappel"`` reads as the callback request.
        """
        if not isinstance(payload, str) or _PAYLOAD.fullmatch(payload) is None:
            return None
        if payload == LEGACY_CALLBACK:
            return (CALLBACK, "")
        if len(payload) < 2 + _SIG_LENGTH or payload[1] != "_":
            return None
        kind, signature = payload[0], payload[-_SIG_LENGTH:]
        if len(payload) == 2 + _SIG_LENGTH:
            value = ""
        elif payload[-_SIG_LENGTH - 1] == "_":
            value = payload[2 : -_SIG_LENGTH - 1]
        else:
            return None
        if kind not in KINDS or not _valid_value(kind, value) or not _SIG.fullmatch(signature):
            return None
        if not hmac.compare_digest(signature, self._signature(kind, value)):
            return None
        return (kind, value)


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


def qr_png(url: str) -> bytes:
    """A black-on-white PNG QR code of ``url``, sized to print about 13 cm wide on A4.

    Error correction is at least Q (a poster in a hall gets scratched and
    stained), with the standard 4-module quiet zone and 300 dpi recorded in the
    file so that printing it at 100 % gives the intended size.
    """
    import segno  # imported here: only staff making posters need it

    code = segno.make(url, error="q", micro=False, boost_error=True)
    width, _ = code.symbol_size(scale=1, border=_QUIET_ZONE)
    scale = max(_MIN_SCALE, math.floor(_TARGET_PX / width))
    out = io.BytesIO()
    code.save(out, kind="png", scale=scale, border=_QUIET_ZONE, dpi=_PRINT_DPI)
    return out.getvalue()


def poster(tr: Translator, title: str, url: str, png_name: str) -> Reply:
    """The staff answer with the link and the QR code to print for ``title``.

    ``title`` names what the poster opens (an event, a permanence, the callback
    request) in the staff member's language; ``png_name`` is the file name of the
    attached QR code.
    """
    text = "\n".join(
        (
            tr._("🖨 <b>Affiche : {title}</b>").format(title=esc(title)),
            "",
            tr._(
                "À afficher dans le hall d'une résidence, au local ou chez un partenaire : "
                "en scannant le QR code, une personne arrive directement sur « {title} » "
                "dans Passerelle, sans avoir à chercher."
            ).format(title=esc(title)),
            "",
            tr._("<b>Le lien</b> (à mettre aussi sur un flyer ou dans un message) :"),
            esc(url),
            "",
            tr._(
                "<b>Pour imprimer</b> : ouvrez le fichier PNG ci-dessous et imprimez-le sur une "
                "feuille A4, à 100 % (sans « ajuster à la page ») ; le QR code mesure alors "
                "environ 13 cm. Gardez la marge blanche autour du code, et essayez-le avec "
                "votre téléphone avant de l'afficher."
            ),
        )
    )
    # Captions are sent as plain text (no parse mode): the title is not HTML-escaped.
    caption = tr._("QR code à imprimer : {title}").format(title=title)
    return Reply(text, documents=(Document(png_name, qr_png(url), caption),))


class Posters:
    """/affiche: the posters staff print, each with its own counted link."""

    def __init__(self, db: Database, pack: Pack, payloads: Payloads) -> None:
        self._db = db
        self._pack = pack
        self._payloads = payloads

    async def poster(self, member: StaffRecord | None, tr: Translator, args: list[str],
        bot_username: str,
    ) -> Reply:  # fmt: skip
        """/affiche rappel | evenement <id> | permanence <id>: a link and a QR code to print."""
        if member is None:
            return staff_only_reply(tr)
        usage = Reply(tr._("Écrivez /affiche rappel, /affiche evenement &lt;numéro&gt; ou "
                           "/affiche permanence &lt;identifiant&gt;."))  # fmt: skip
        what = args[0].lower() if args else ""
        if what == "rappel":
            payload = self._payloads.make("r", "")
            title = tr._("Demander à être rappelé·e par un·e médiateur·rice")
        elif what in ("evenement", "event") and len(args) > 1 and args[1].isdigit():
            event = await event_store.get_event(self._db, int(args[1]))
            if event is None:
                return usage
            payload = self._payloads.make("e", str(event.id))
            title = event.title(tr.language)
        elif what == "permanence" and len(args) > 1:
            permanence = next(
                (p for p in self._pack.permanences.permanences if p.id == args[1]), None
            )
            if permanence is None:
                return usage
            payload = self._payloads.make("p", permanence.id)
            title = permanence.title.get(tr.language)
        else:
            return usage
        url = link(bot_username, payload)
        return poster(tr, title, url, f"affiche-{what}.png")
