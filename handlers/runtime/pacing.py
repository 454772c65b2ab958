"""Telegram's pace, per chat: about one message a second in one private chat.

PTB's ``AIORateLimiter`` paces the bot as a whole (~30 messages a second) and each group
(20 a minute), not a private chat. :class:`PacedRateLimiter` adds that: sends to one
person average one a second at most, with a burst of a few so that one reply made of
several messages (a text, a place, a document) is not held back.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable, Coroutine
from typing import Any

from telegram._utils.types import JSONDict
from telegram.ext import AIORateLimiter

from handlers.runtime.screen import SHOWN

PER_CHAT_INTERVAL = 1.0
"""Seconds between two messages to one chat, on average (Telegram's figure)."""
PER_CHAT_BURST = 3
"""Messages one chat may get at once before the pace applies."""
_FORGET_AFTER = 10_000
"""Chats remembered before those already back to a full burst are forgotten."""


class ChatPacer:
    """One message a second per chat on average, a burst of :data:`PER_CHAT_BURST`
    (the generic cell rate algorithm: one number per chat, no lock, no task)."""

    def __init__(
        self,
        interval: float = PER_CHAT_INTERVAL,
        burst: int = PER_CHAT_BURST,
        *,
        now: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], Awaitable[Any]] = asyncio.sleep,
    ) -> None:
        self._interval = interval
        self._tolerance = (burst - 1) * interval
        self._now = now
        self._sleep = sleep
        self._due: dict[int, float] = {}
        """Per chat, when its next message would be exactly on pace."""

    async def wait(self, chat_id: int) -> float:
        """Wait for this chat's turn; the seconds waited."""
        now = self._now()
        if len(self._due) > _FORGET_AFTER:
            self._due = {c: due for c, due in self._due.items() if due > now}
        due = max(self._due.get(chat_id, now), now)
        delay = max(0.0, due - self._tolerance - now)
        self._due[chat_id] = due + self._interval  # taken before waiting: order is kept
        if delay > 0:
            await self._sleep(delay)
        return delay


class PacedRateLimiter(AIORateLimiter):
    """PTB's limiter, plus :class:`ChatPacer` for the messages sent to one person."""

    def __init__(self, *args: Any, pacer: ChatPacer | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.pacer = pacer or ChatPacer()

    async def process_request(
        self,
        callback: Callable[..., Coroutine[Any, Any, bool | JSONDict | list[JSONDict]]],
        args: Any,
        kwargs: dict[str, Any],
        endpoint: str,
        data: dict[str, Any],
        rate_limit_args: int | None,
    ) -> bool | JSONDict | list[JSONDict]:
        chat_id = data.get("chat_id")
        if isinstance(chat_id, str) and chat_id.isdigit():
            chat_id = int(chat_id)
        if endpoint in SHOWN and isinstance(chat_id, int) and chat_id > 0:
            await self.pacer.wait(chat_id)
        return await super().process_request(
            callback, args, kwargs, endpoint, data, rate_limit_args
        )
