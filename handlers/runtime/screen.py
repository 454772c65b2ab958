"""What the bot shows in private chats, noted for a quick exit (ids only, never a word).

Every message the bot sends leaves through the request layer, whichever handler or job
sent it; :class:`ScreenRequest` notes there the id of each one that lands in a private
chat, so that "🚪 Effacer l'écran" can delete them. The person's own messages are noted
by the first handler (see :mod:`handlers.people`).
"""

from __future__ import annotations

import json
import logging
from collections.abc import Awaitable, Callable
from typing import Any

from telegram.request import BaseRequest, RequestData

log = logging.getLogger(__name__)

SHOWN = frozenset(
    {
        "sendMessage", "sendPhoto", "sendDocument", "sendVenue", "sendLocation", "sendVideo",
        "sendVoice", "sendAudio", "sendAnimation", "sendSticker", "sendContact", "sendPoll",
        "sendMediaGroup", "copyMessage", "forwardMessage",
    }
)  # fmt: skip
"""Methods that put a new message on someone's screen."""

Seen = Callable[[int, int], Awaitable[None]]


class ScreenRequest(BaseRequest):
    """Wraps the request layer; notes the message ids the bot leaves in private chats."""

    def __init__(self, inner: BaseRequest, seen: Seen) -> None:
        self.inner = inner
        self.seen = seen

    @property
    def read_timeout(self) -> float | None:
        return self.inner.read_timeout

    async def initialize(self) -> None:
        await self.inner.initialize()

    async def shutdown(self) -> None:
        await self.inner.shutdown()

    async def do_request(
        self,
        url: str,
        method: str,
        request_data: RequestData | None = None,
        read_timeout: Any = BaseRequest.DEFAULT_NONE,
        write_timeout: Any = BaseRequest.DEFAULT_NONE,
        connect_timeout: Any = BaseRequest.DEFAULT_NONE,
        pool_timeout: Any = BaseRequest.DEFAULT_NONE,
    ) -> tuple[int, bytes]:
        code, payload = await self.inner.do_request(
            url, method, request_data, read_timeout=read_timeout, write_timeout=write_timeout,
            connect_timeout=connect_timeout, pool_timeout=pool_timeout,
        )  # fmt: skip
        if code == 200 and request_data is not None and url.rsplit("/", 1)[-1] in SHOWN:
            chat_id = request_data.parameters.get("chat_id")
            if isinstance(chat_id, str) and chat_id.isdigit():
                chat_id = int(chat_id)
            # A private chat's id is the person's: positive. Groups and channels are not noted.
            if isinstance(chat_id, int) and chat_id > 0:
                await self._note(chat_id, payload)
        return code, payload

    async def _note(self, chat_id: int, payload: bytes) -> None:
        try:
            result = json.loads(payload).get("result")
            messages = result if isinstance(result, list) else [result]
            for message in messages:
                await self.seen(chat_id, int(message["message_id"]))
        except Exception as exc:
            log.warning("a message id was not noted for quick exit (%s)", type(exc).__name__)
