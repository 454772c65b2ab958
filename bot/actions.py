"""Callback data: the grammar of every inline button, validated on the way back.

A button's data comes back from the person's phone and can be forged, so it is
parsed here and anything unexpected becomes ``None`` (answered with a kind word).
Format: ``<kind>:<argument>``, ASCII, 64 bytes at most.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

MENU = "m"
LANGUAGE = "l"
FORGET = "f"
QUARTIER = "q"
THEME = "t"
ANSWER = "a"
WHERE = "w"
MEDIATOR = "h"
REQUEST = "r"
"""A step of a callback request: ``r:<step>.<value>``."""
MY_REQUEST = "mr"
"""The person's own request: ``mr:cancel.<id>``, ``mr:write.<id>``, ``mr:rate.<id>.<rating>``."""
EVENT = "ev"
"""An event: ``ev:show.<id>``, ``ev:join.<id>``, ``ev:leave.<registration>``."""
SUBSCRIPTION = "ab"
"""A choice of /abonnements: ``ab:t.<topic>``, ``ab:z.quartier|all``, ``ab:stop.all``."""
EVENT_ADMIN = "ea"
EVENT_CANCEL = "ec"
"""Cancelling an event: ``ec:yes.<event>``, ``ec:no.<event>``, ``ec:undo.<event>.<broadcast>``."""
"""A step of a coordinator publishing or editing an event: ``ea:<step>.<value>``."""
STAFF = "s"
"""A staff action on a card: ``s:<action>.<id>[.<value>]``."""
PERMANENCE = "pm"
PERMANENCE_ADMIN = "pa"
"""A step of a coordinator creating or editing a permanence: ``pa:<step>.<value>``."""
"""A coordinator cancelling a permanence date: ``pm:<step>.<permanence>.<YYYYMMDD>``."""
SIGNUP = "su"
"""A step of a sign-up's questions: ``su:<step>.<value>.<event>``."""
PRESENCE = "pr"
"""Attendance on the day: ``pr:on.<registration>.<page>``, ``pr:off.<registration>.<page>``,
``pr:page.<event>.<page>``."""
CRISIS = "cr"
"""A choice on a crisis card: ``cr:<choice>.<category>[.<entry>]`` — ``d`` I am in danger,
``o`` someone is, ``t`` I need to talk, ``q`` it was just a question (about ``entry``),
``c`` be contacted quickly."""
CRISIS_CHOICES: tuple[str, ...] = ("d", "o", "t", "q", "c")
INTENT = "do"
"""One of the bot's own functions, offered when a message seemed to ask for it:
``do:<function>`` (see :data:`INTENT_CHOICES`)."""
ANNOUNCE = "an"
"""A step of a coordinator's announcement: ``an:<step>.<value>``; ``an:reg.<event>`` under
an attendee list begins one to those registered."""
PAUSE = "pz"
"""A coordinator pausing someone from a request card: ``pz:ask.<request>``,
``pz:for.<request>.<duration>``, ``pz:why.<request>.<duration>-<reason>``; lifting a pause
from /pauses: ``pz:lift.<pause>``."""
FEEDBACK = "fb"
"""👍 / 👎 under an answer: ``fb:<up|down>.<entry id>``."""
QUICK_EXIT = "x"
"""🚪 Effacer l'écran: ``x:now``."""
ALL = "-"
"""Argument meaning "no particular one": all themes, no quartier, no subject."""
URGENT = "urgent"

MENU_ENTRIES: tuple[str, ...] = (
    "main",
    "ask",
    "permanences",
    "events",
    "callback",
    "mine",
    "registrations",
    "subscriptions",
    "urgence",
    "language",
    "privacy",
)
FORGET_CHOICES: tuple[str, ...] = ("yes", "no")
INTENT_CHOICES: tuple[str, ...] = (
    "help", "privacy", "callback", "permanences", "events", "signup", "my_requests", "erase",
    "language",
)  # fmt: skip
"""The functions a button can open (greetings, thanks, goodbyes and boundaries are replies,
not choices)."""

_SHAPE = re.compile(r"^([a-z]{1,3}):([A-Za-z0-9_.-]{1,60})$")


@dataclass(frozen=True)
class Action:
    kind: str
    argument: str


def menu(entry: str) -> str:
    if entry not in MENU_ENTRIES:
        raise ValueError(entry)
    return f"{MENU}:{entry}"


def quick_exit() -> str:
    return f"{QUICK_EXIT}:now"


def language(code: str) -> str:
    return f"{LANGUAGE}:{code}"


def forget(choice: str) -> str:
    if choice not in FORGET_CHOICES:
        raise ValueError(choice)
    return f"{FORGET}:{choice}"


def quartier(quartier_id: str) -> str:
    """``q:<id>`` for a quartier of the pack, ``q:-`` for "I'd rather not say"."""
    return f"{QUARTIER}:{quartier_id}"


NO_QUARTIER = ALL


def theme(theme_id: str) -> str:
    """``t:<theme>`` lists a theme's entries; ``t:-`` the themes."""
    return f"{THEME}:{theme_id}"


def answer(answer_id: str) -> str:
    return f"{ANSWER}:{answer_id}"


def intent(name: str) -> str:
    if name not in INTENT_CHOICES:
        raise ValueError(name)
    return f"{INTENT}:{name}"


def feedback(helpful: bool, answer_id: str) -> str:
    return f"{FEEDBACK}:{'up' if helpful else 'down'}.{answer_id}"


def where(theme_id: str | None) -> str:
    """``w:<theme>`` the partners of a theme; ``w:-`` the directory's themes."""
    return f"{WHERE}:{theme_id or ALL}"


def mediator(about: str | None) -> str:
    """``h:<entry>`` ask a mediator about an entry, ``h:urgent`` after a crisis, ``h:-``."""
    return f"{MEDIATOR}:{about or ALL}"


def request_step(step: str, value: str) -> str:
    return f"{REQUEST}:{step}.{value}"


def my_request(action: str, request_id: int, value: str | None = None) -> str:
    return f"{MY_REQUEST}:{action}.{request_id}" + (f".{value}" if value else "")


def event(action: str, identifier: int) -> str:
    return f"{EVENT}:{action}.{identifier}"


def event_admin(step: str, value: str) -> str:
    return f"{EVENT_ADMIN}:{step}.{value}"


def permanence_admin(step: str, value: str) -> str:
    return f"{PERMANENCE_ADMIN}:{step}.{value}"


def staff(action: str, request_id: int, value: str | None = None) -> str:
    return f"{STAFF}:{action}.{request_id}" + (f".{value}" if value else "")


def pause(step: str, identifier: int, value: str | None = None) -> str:
    """See :data:`PAUSE` (checked by :func:`bot.requests.pauses.valid`)."""
    return f"{PAUSE}:{step}.{identifier}" + (f".{value}" if value else "")


def signup_step(step: str, value: str, event_id: int) -> str:
    return f"{SIGNUP}:{step}.{value}.{event_id}"


def presence(action: str, identifier: int, page: int) -> str:
    return f"{PRESENCE}:{action}.{identifier}.{page}"


def crisis(choice: str, category: str, entry: str | None = None) -> str:
    if choice not in CRISIS_CHOICES:
        raise ValueError(choice)
    data = f"{CRISIS}:{choice}.{category}" + (f".{entry}" if entry else "")
    # An entry id too long for Telegram's 64 bytes is left out: the question is then asked again.
    return data if len(data.encode()) <= 64 else f"{CRISIS}:{choice}.{category}"


def split(argument: str) -> list[str]:
    """The dot-separated parts of a compound argument."""
    return argument.split(".")


_COMPOUND = re.compile(r"^[a-z]{1,12}(?:\.[a-z0-9_-]{1,40}){1,2}$")

# Kinds whose argument is an id from the territory pack: checked against the pack
# by the service, here only for its shape.
_PACK_IDS = re.compile(r"^(?:[a-z0-9][a-z0-9_-]{0,39}|-)$")

_ALLOWED: dict[str, tuple[str, ...]] = {
    MENU: MENU_ENTRIES,
    LANGUAGE: ("fr", "en"),
    FORGET: FORGET_CHOICES,
    INTENT: INTENT_CHOICES,
    QUICK_EXIT: ("now",),
}


def parse(data: str | None) -> Action | None:
    """The action behind a button press, or ``None`` if it is not one of ours."""
    if not data or len(data) > 64:
        return None
    match = _SHAPE.match(data)
    if match is None:
        return None
    kind, argument = match.groups()
    if kind in (REQUEST, MY_REQUEST, STAFF, EVENT, SUBSCRIPTION, SIGNUP, PRESENCE, PERMANENCE,
                EVENT_ADMIN, EVENT_CANCEL, PERMANENCE_ADMIN, CRISIS, FEEDBACK,
                ANNOUNCE, PAUSE):  # fmt: skip
        return Action(kind, argument) if _COMPOUND.match(argument) else None
    if kind in (QUARTIER, THEME, ANSWER, WHERE, MEDIATOR):
        return Action(kind, argument) if _PACK_IDS.match(argument) else None
    allowed = _ALLOWED.get(kind)
    if allowed is None or argument not in allowed:
        return None
    return Action(kind, argument)


def permanence(step: str, permanence_id: str, day: str) -> str:
    """``pm:<step>.<permanence id>.<YYYYMMDD>`` (see :mod:`bot.permanences.changes`)."""
    return f"{PERMANENCE}:{step}.{permanence_id}.{day}"


def event_cancel(step: str, event_id: int, broadcast_id: int | None = None) -> str:
    return f"{EVENT_CANCEL}:{step}.{event_id}" + (f".{broadcast_id}" if broadcast_id else "")


def announce(step: str, value: str) -> str:
    """``an:<step>.<value>`` (see :mod:`bot.broadcasts.announcing`)."""
    return f"{ANNOUNCE}:{step}.{value}"
