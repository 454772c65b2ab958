"""Limits against floods: how fast one person may write to the bot and to the team.

Sliding windows in memory, per pseudonym: they guard against a burst or a script, and a
restart forgetting them costs nothing. What must hold across restarts (how many callback
requests a person has open) is counted in the database, in the same transaction that
opens one. A message that speaks of a crisis is never held back: callers check for a
crisis first and do not ask here.
"""

from __future__ import annotations

import datetime as dt
import math
from collections import deque
from dataclasses import dataclass

from bot.clock import Clock
from bot.i18n import Translator
from bot.territory import Limits
from bot.ui import Reply

MINUTE = dt.timedelta(minutes=1)
_MAX_TRACKED = 20_000
"""People tracked at once before the idle ones are dropped (memory stays bounded)."""

MESSAGES, RELAYED = "messages", "relayed"


@dataclass(frozen=True)
class Wait:
    """Held back: possible again in ``seconds``; ``tell`` the person only the first time
    (the bot does not answer a flood with a flood)."""

    seconds: int
    tell: bool


class Pace:
    """Counts each person's recent messages to the bot, and those passed on to the team."""

    def __init__(self, limits: Limits, clock: Clock) -> None:
        self._caps = {MESSAGES: limits.messages_per_minute, RELAYED: limits.relayed_per_minute}
        self._clock = clock
        self._seen: dict[tuple[str, str], deque[dt.datetime]] = {}
        self._told: dict[tuple[str, str], dt.datetime] = {}

    def message(self, pseudonym: str) -> Wait | None:
        """A message to the bot: ``None`` to go on, a :class:`Wait` when it is one too many."""
        return self._take(MESSAGES, pseudonym)

    def relayed(self, pseudonym: str) -> Wait | None:
        """A message to be passed on to the team (a mediator reads it)."""
        return self._take(RELAYED, pseudonym)

    def _take(self, kind: str, pseudonym: str) -> Wait | None:
        now = self._clock.now()
        key = (kind, pseudonym)
        times = self._seen.get(key)
        if times is None:
            if len(self._seen) >= _MAX_TRACKED:
                self._drop_idle(now)
            times = self._seen[key] = deque()
        while times and now - times[0] >= MINUTE:
            times.popleft()
        if len(times) < self._caps[kind]:
            times.append(now)
            self._told.pop(key, None)
            return None
        free_at = times[0] + MINUTE
        seconds = max(1, math.ceil((free_at - now).total_seconds()))
        told = self._told.get(key)
        tell = told is None or told < now - MINUTE
        if tell:
            self._told[key] = now
        return Wait(seconds, tell)

    def _drop_idle(self, now: dt.datetime) -> None:
        for key in [
            k for k, times in self._seen.items() if not times or now - times[-1] >= MINUTE
        ]:
            del self._seen[key]
            self._told.pop(key, None)


def slow_down(tr: Translator, wait: Wait) -> Reply:
    """Too many messages at once to the bot."""
    return Reply(
        tr.n_(
            "Doucement 🙂 Vous m'avez écrit beaucoup de messages d'un coup. Je vous réponds "
            "de nouveau dans {n} seconde. En cas d'urgence : /urgence",
            "Doucement 🙂 Vous m'avez écrit beaucoup de messages d'un coup. Je vous réponds "
            "de nouveau dans {n} secondes. En cas d'urgence : /urgence",
            wait.seconds,
        ).format(n=wait.seconds)
    )


def relay_held(tr: Translator, wait: Wait) -> Reply:
    """Too many messages at once for the mediator: the last one was not passed on."""
    return Reply(
        tr.n_(
            "La personne qui suit votre demande vient de recevoir plusieurs messages de "
            "vous : celui-ci n'est pas transmis. Vous pourrez de nouveau écrire dans {n} "
            "seconde. En cas d'urgence : /urgence",
            "La personne qui suit votre demande vient de recevoir plusieurs messages de "
            "vous : celui-ci n'est pas transmis. Vous pourrez de nouveau écrire dans {n} "
            "secondes. En cas d'urgence : /urgence",
            wait.seconds,
        ).format(n=wait.seconds)
    )
