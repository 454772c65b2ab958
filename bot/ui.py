"""What the service answers, independent of Telegram.

``bot/`` returns :class:`Reply` objects; ``handlers/`` renders them as Telegram
messages. Text is HTML (the subset Telegram accepts): everything interpolated
into it must go through :func:`esc`.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass, field

from bot.text import tokens


def esc(value: object) -> str:
    """Escape a value for the HTML text of a reply."""
    return html.escape(str(value), quote=False)


POPUP_LIMIT = 200
"""Telegram shows at most 200 characters in the pop-up answering a button."""


def popup(text: str) -> str:
    """A reply's HTML text as a button's pop-up: plain text, 200 characters at most."""
    plain = html.unescape(re.sub(r"<[^>]+>", "", text))
    return plain if len(plain) <= POPUP_LIMIT else plain[: POPUP_LIMIT - 1] + "…"


@dataclass(frozen=True)
class Button:
    """An inline button: ``action`` is the callback data (64 bytes at most), or a URL."""

    label: str
    action: str = ""
    url: str | None = None

    def __post_init__(self) -> None:
        if self.url is None and not 0 < len(self.action.encode()) <= 64:
            raise ValueError(f"callback data must be 1–64 bytes: {self.action!r}")


@dataclass(frozen=True)
class Venue:
    """A place to show on a map; only sent when coordinates are known."""

    title: str
    address: str
    latitude: float
    longitude: float


@dataclass(frozen=True)
class Document:
    """A file sent with a reply (a calendar entry, a list, a chart)."""

    filename: str
    content: bytes
    caption: str = ""


@dataclass(frozen=True)
class Reply:
    """One message to show the person."""

    text: str
    buttons: tuple[tuple[Button, ...], ...] = ()
    venues: tuple[Venue, ...] = ()
    documents: tuple[Document, ...] = ()
    photos: tuple[Document, ...] = ()
    """Pictures sent after the text, shown inline (a chart, a poster); the caption is
    the document's."""
    edit: bool = False
    """Replace the message the pressed button belongs to, instead of sending a new one."""
    extra: tuple[Reply, ...] = field(default=())
    """Further messages to send after this one."""


def typed_button(shown: Reply, text: str | None) -> Button | None:
    """The button of ``shown`` whose label the person typed instead of pressing it
    ("Jusqu'au début", "jusqu au debut", "✅ Oui"): same words, case, accents and emoji
    aside; ``None`` when no label matches exactly one button."""
    words = tokens(text or "")
    if not words:
        return None
    found = [b for row in shown.buttons for b in row if b.url is None and tokens(b.label) == words]
    return found[0] if len(found) == 1 else None


def rows(*buttons: Button, per_row: int = 1) -> tuple[tuple[Button, ...], ...]:
    """Lay buttons out ``per_row`` to a row."""
    return tuple(tuple(buttons[i : i + per_row]) for i in range(0, len(buttons), per_row))


@dataclass(frozen=True)
class Outgoing:
    """A message for someone other than the person acting: who, in which language, what.

    Notices, reminders, relayed messages, cards and broadcasts all take this shape, and
    ``handlers/runtime/render.send`` is their one way out (with one rule for failures).
    ``chat_id`` is where it goes: a person's private chat, or the staff group.
    ``pseudonym`` names the person when it is one, so that a refusal ("the person
    blocked the bot") is noted against them. ``language`` is the one ``reply`` is
    written in. ``thread_id`` and ``reply_to`` place it in a topic, under a card.
    ``request_id`` ties a relayed message to its request: a mediator's reply to it
    reaches the request, and a person who blocked the bot leaves it unreachable.
    ``copy_of`` passes a person's or a mediator's own message on, with Telegram's copy.
    """

    chat_id: int
    language: str
    reply: Reply
    pseudonym: str | None = None
    thread_id: int | None = None
    reply_to: int | None = None
    photo: str | None = None
    request_id: int | None = None
    copy_of: tuple[int, int] | None = None
    """(chat, message) of a message to pass on as it is (a photo, a voice note: the bot
    never downloads nor keeps it), with ``reply.text`` as its caption."""
