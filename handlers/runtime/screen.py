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

from telegram.request import BaseRequest, RequestData

from handlers.runtime.layers import RequestLayer

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


class ScreenRequest(RequestLayer):
    """Notes the message ids the bot leaves in private chats."""

    def __init__(self, inner: BaseRequest, seen: Seen) -> None:
        super().__init__(inner)
        self.seen = seen

    async def answered(
        self, method: str, request_data: RequestData | None, code: int, payload: bytes
    ) -> None:
        if code != 200 or request_data is None or method not in SHOWN:
            return
        chat_id = request_data.parameters.get("chat_id")
        if isinstance(chat_id, str) and chat_id.isdigit():
            chat_id = int(chat_id)
        # A private chat's id is the person's: positive. Groups and channels are not noted.
        if isinstance(chat_id, int) and chat_id > 0:
            await self._note(chat_id, payload)

    async def _note(self, chat_id: int, payload: bytes) -> None:
        try:
            result = json.loads(payload).get("result")
            messages = result if isinstance(result, list) else [result]
            for message in messages:
                await self.seen(chat_id, int(message["message_id"]))
        except Exception as exc:
            log.warning("a message id was not noted for quick exit (%s)", type(exc).__name__)
