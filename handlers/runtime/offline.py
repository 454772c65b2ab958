"""An in-process Bot API: the real Application runs, nothing leaves the machine.

:class:`OfflineBotAPI` replaces python-telegram-bot's HTTP request class. It
answers the Bot API methods the bot uses with well-formed results, keeps the
messages it "sent" so that edits and button presses work, and records every
call. :class:`UpdateFactory` builds the updates a person's app would send.
Console mode, the test harness and the benchmarks all stand on these two.
"""

from __future__ import annotations

import asyncio
import html
import itertools
import json
import re
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from html.parser import HTMLParser
from typing import Any

import httpx
from telegram import Bot, Update
from telegram.error import NetworkError, TimedOut
from telegram.request import BaseRequest, RequestData

BOT_USER: dict[str, Any] = {
    "id": 7_000_000_001,
    "is_bot": True,
    "first_name": "Passerelle",
    "username": "passerelle_bot",
    "can_join_groups": True,
    "can_read_all_group_messages": False,
    "supports_inline_queries": False,
}

_TAG = re.compile(r"<[^>]+>")
_TELEGRAM_TAGS = frozenset(
    ("b", "strong", "i", "em", "u", "ins", "s", "strike", "del", "span", "tg-spoiler", "a",
     "tg-emoji", "code", "pre", "blockquote")
)  # fmt: skip
MAX_TEXT, MAX_CAPTION, MAX_CALLBACK_DATA, MAX_BUTTONS = 4096, 1024, 64, 100
"""Telegram's limits: characters of a message after entities are parsed, of a caption,
bytes of a button's callback data, buttons of an inline keyboard."""
MAX_ALERT = 200
"""Characters of the text answering a callback query (its toast or alert)."""
MAX_DELETE = 100
"""Message ids in one deleteMessages."""
DELETE_WITHIN = 48 * 3600
"""Seconds during which a bot may delete a message."""


class _TelegramHTML(HTMLParser):
    """Telegram's HTML parse mode: a few tags, balanced; anything else is refused."""

    def __init__(self, text: str) -> None:
        super().__init__(convert_charrefs=True)
        self._source = text
        self._open: list[str] = []
        self._parts: list[str] = []
        self.error: str | None = None
        self.feed(text)
        self.close()
        if self.error is None and self._open:
            self.error = f'Can\'t find end tag corresponding to start tag "{self._open[-1]}"'

    @property
    def text(self) -> str:
        return "".join(self._parts)

    def _offset(self) -> int:
        line, column = self.getpos()
        before = "".join(self._source.splitlines(keepends=True)[: line - 1])
        return len((before + self._source.splitlines(keepends=True)[line - 1][:column]).encode())

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if self.error is None and tag not in _TELEGRAM_TAGS:
            self.error = f'Unsupported start tag "{tag}" at byte offset {self._offset()}'
        self._open.append(tag)

    def handle_endtag(self, tag: str) -> None:
        if self.error is None and (not self._open or self._open[-1] != tag):
            self.error = (
                f'Can\'t find end tag corresponding to start tag "{tag}"'
                if tag in _TELEGRAM_TAGS
                else f'Unsupported end tag "{tag}" at byte offset {self._offset()}'
            )
        if self._open:
            self._open.pop()

    def handle_data(self, data: str) -> None:
        self._parts.append(data)


def _stray_angle(text: str) -> str | None:
    """Telegram reads every ``<`` as the start of a tag, whatever follows it (``<équipe>``,
    ``a < b``), where Python's parser takes some for text."""
    at = text.find("<")
    while at != -1:
        end = at + 1
        while end < len(text) and not text[end].isspace() and text[end] != ">":
            end += 1
        name = text[at + 1 : end].lower()
        offset = len(text[:at].encode())
        if end == len(text):
            return f"Unclosed start tag at byte offset {offset}"
        if name.startswith("/"):
            if name[1:] not in _TELEGRAM_TAGS:
                return f'Unsupported end tag "{name[1:]}" at byte offset {offset}'
        elif name not in _TELEGRAM_TAGS:
            return f'Unsupported start tag "{name}" at byte offset {offset}'
        at = text.find("<", end)
    return None


def _utf16_length(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


def refusal(method: str, params: dict[str, Any]) -> str | None:
    """What real Telegram would answer "Bad Request" with, or ``None`` if it takes it."""
    markup = params.get("reply_markup")
    if isinstance(markup, str):
        markup = json.loads(markup)
    rows = (markup or {}).get("inline_keyboard", []) if isinstance(markup, dict) else []
    if sum(len(row) for row in rows) > MAX_BUTTONS:
        return "Bad Request: reply markup is too long"
    for row in rows:
        for button in row:
            data = button.get("callback_data")
            if data is not None and not 1 <= len(str(data).encode()) <= MAX_CALLBACK_DATA:
                return "Bad Request: BUTTON_DATA_INVALID"
    if method == "answerCallbackQuery" and len(str(params.get("text") or "")) > MAX_ALERT:
        return "Bad Request: MESSAGE_TOO_LONG"
    if method == "copyMessage" and not (params.get("from_chat_id") and params.get("message_id")):
        return "Bad Request: message to copy not found"
    for key, limit, too_long in (
        ("text", MAX_TEXT, "Bad Request: message is too long"),
        ("caption", MAX_CAPTION, "Bad Request: message caption is too long"),
    ):
        if key not in params or method not in _WITH[key]:
            continue
        value = str(params[key])
        if params.get("parse_mode") == "HTML":
            parsed = _TelegramHTML(value)
            error = _stray_angle(value) or parsed.error
            if error:
                return f"Bad Request: can't parse entities: {error}"
            value = parsed.text
        if key == "text" and not value.strip():
            return "Bad Request: message text is empty"
        if _utf16_length(value) > limit:
            return too_long
    return None


_WITH = {
    "text": ("sendMessage", "editMessageText"),
    "caption": ("sendPhoto", "sendDocument", "editMessageCaption", "copyMessage"),
}


ADMIN_RIGHTS = dict.fromkeys(
    ("can_be_edited", "is_anonymous", "can_manage_chat", "can_delete_messages",
     "can_manage_video_chats", "can_restrict_members", "can_promote_members", "can_change_info",
     "can_invite_users", "can_post_stories", "can_edit_stories", "can_delete_stories",
     "can_pin_messages", "can_manage_topics"),
    True,
)  # fmt: skip


def _scope_key(params: dict[str, Any]) -> tuple[str, str]:
    scope = params.get("scope") or {"type": "default"}
    scope = json.loads(scope) if isinstance(scope, str) else scope
    return json.dumps(scope, sort_keys=True), str(params.get("language_code") or "")


def _ids(value: Any) -> list[int]:
    """A list parameter as PTB sends it (JSON text)."""
    return [int(i) for i in (json.loads(value) if isinstance(value, str) else value or ())]


def plain(text: str) -> str:
    """HTML message text as a person reads it."""
    return html.unescape(_TAG.sub("", text))


@dataclass
class Call:
    """One Bot API request the bot made."""

    method: str
    params: dict[str, Any]
    result: Any = None
    files: dict[str, bytes] = field(default_factory=dict)

    @property
    def chat_id(self) -> int | None:
        value = self.params.get("chat_id")
        return int(value) if value is not None else None

    @property
    def text(self) -> str:
        """The text as shown to the person (HTML tags removed)."""
        return plain(str(self.params.get("text") or self.params.get("caption") or ""))

    @property
    def buttons(self) -> list[list[dict[str, Any]]]:
        markup = self.params.get("reply_markup") or {}
        if isinstance(markup, str):
            markup = json.loads(markup)
        rows: list[list[dict[str, Any]]] = markup.get("inline_keyboard") or markup.get(
            "keyboard", []
        )
        return rows


_SENDS = frozenset({"sendMessage", "sendPhoto", "sendDocument", "copyMessage"})


class BlockedByUser(Exception):
    pass


class OfflineBotAPI(BaseRequest):
    """Answers Bot API calls in memory.

    ``blocked`` holds chat ids whose person blocked the bot: calls to them fail
    as Telegram fails them (403), so that the service's handling can be tested.
    ``gone`` holds chats that no longer exist (an account deleted): 400, "chat not
    found". ``faults`` are what befalls the next messages sent, one each, in order:
    ``"network"`` (the request never reaches Telegram: nothing is recorded) or
    ``"timeout"`` (it reaches Telegram, which records the message, but the answer
    never comes back), raised as PTB's HTTP layer raises them.
    """

    def __init__(
        self, bot_user: dict[str, Any] | None = None, now: Callable[[], float] | None = None
    ) -> None:
        self.bot_user = dict(bot_user or BOT_USER)
        self.now = now or time.time
        """The Bot API's clock (a test's controllable one): message dates, the 48 hours."""
        self.calls: list[Call] = []
        self.refused: list[tuple[str, str]] = []
        """(method, Telegram's error text) of every request refused, as real Telegram would."""
        self.messages: dict[tuple[int, int], dict[str, Any]] = {}
        self.blocked: set[int] = set()
        self.gone: set[int] = set()
        self.faults: list[str] = []
        self.listeners: list[Callable[[Call], None]] = []
        self._message_ids: dict[int, itertools.count[int]] = {}
        self._lock = asyncio.Lock()
        self._answered: set[str] = set()
        self.updates: list[dict[str, Any]] = []
        self.forums: set[int] = set()
        """Groups with topics turned on."""
        self.administered: set[int] = set()
        """Groups where the bot is an administrator (with every right)."""
        self.commands: dict[tuple[str, str], list[dict[str, str]]] = {}
        """The command menus set, per (scope, language)."""
        self.webhook_url = ""
        """What getUpdates hands out, as Telegram keeps it until an offset confirms it."""

    @property
    def read_timeout(self) -> float | None:
        return None

    async def initialize(self) -> None:
        return None

    async def shutdown(self) -> None:
        return None

    def next_message_id(self, chat_id: int) -> int:
        counter = self._message_ids.setdefault(chat_id, itertools.count(1))
        return next(counter)

    async def do_request(
        self,
        url: str,
        method: str,
        request_data: RequestData | None = None,
        read_timeout: Any = None,
        write_timeout: Any = None,
        connect_timeout: Any = None,
        pool_timeout: Any = None,
    ) -> tuple[int, bytes]:
        api_method = url.rsplit("/", 1)[-1]
        params = dict(request_data.parameters) if request_data else {}
        files: dict[str, bytes] = {}
        if request_data and request_data.contains_files:
            for name, value in request_data.multipart_data.items():
                content = value[1] if isinstance(value, tuple) else value
                files[name] = content if isinstance(content, bytes) else b""
        chat_id = params.get("chat_id")
        if isinstance(chat_id, int | str) and int(chat_id) in self.blocked:
            return 403, json.dumps(
                {
                    "ok": False,
                    "error_code": 403,
                    "description": "Forbidden: bot was blocked by the user",
                }
            ).encode()
        if isinstance(chat_id, int | str) and int(chat_id) in self.gone:
            return 400, json.dumps(
                {"ok": False, "error_code": 400, "description": "Bad Request: chat not found"}
            ).encode()
        fault = self.faults.pop(0) if self.faults and api_method in _SENDS else None
        if fault == "network":  # as HTTPXRequest turns an httpx.ConnectError
            raise NetworkError("httpx.ConnectError: offline") from httpx.ConnectError("offline")
        if api_method == "answerCallbackQuery":
            # Telegram takes one answer per press; a second one fails.
            query_id = str(params.get("callback_query_id"))
            if query_id in self._answered:
                return 400, json.dumps(
                    {"ok": False, "error_code": 400,
                     "description": "Bad Request: query is too old and response timeout "
                                    "expired or query ID is invalid"}
                ).encode()  # fmt: skip
            if refusal(api_method, params) is None:
                self._answered.add(query_id)
        refused = (
            refusal(api_method, params)
            or self._unmodified(api_method, params)
            or self._undeletable(api_method, params)
        )
        if refused is not None:
            self.refused.append((api_method, refused))
            return 400, json.dumps(
                {"ok": False, "error_code": 400, "description": refused}
            ).encode()
        result = self._answer(api_method, params)
        if api_method == "getUpdates" and not result and params.get("timeout"):
            await asyncio.sleep(0.02)  # a long poll with nothing to give, briefly
        call = Call(api_method, params, result, files)
        self.calls.append(call)
        for listener in list(self.listeners):
            listener(call)
        if fault == "timeout":  # delivered, but the answer is lost on the way back
            raise TimedOut("Timed out") from httpx.ReadTimeout("offline")
        return 200, json.dumps({"ok": True, "result": result}).encode()

    def _deletable(self, chat_id: int, message_id: int) -> bool:
        message = self.messages.get((chat_id, message_id))
        return message is not None and self.now() - float(message["date"]) <= DELETE_WITHIN

    def _undeletable(self, method: str, params: dict[str, Any]) -> str | None:
        """Bots delete messages less than 48 hours old, as Telegram allows, and only once;
        deleteMessages skips those it cannot delete, and fails when none could be."""
        if method == "deleteMessages":
            ids = _ids(params.get("message_ids"))
            if not 1 <= len(ids) <= MAX_DELETE:
                return "Bad Request: message_ids must contain 1-100 message identifiers"
            chat_id = int(params.get("chat_id", 0))
            if not any(self._deletable(chat_id, int(i)) for i in ids):
                return "Bad Request: message to delete not found"
            return None
        if method != "deleteMessage":
            return None
        key = (int(params.get("chat_id", 0)), int(params.get("message_id", 0)))
        message = self.messages.get(key)
        if message is None:
            return "Bad Request: message to delete not found"
        if self.now() - float(message["date"]) > DELETE_WITHIN:
            return "Bad Request: message can't be deleted for everyone"
        return None

    def _unmodified(self, method: str, params: dict[str, Any]) -> str | None:
        """An edit that changes nothing is refused, as Telegram does."""
        if method not in ("editMessageText", "editMessageReplyMarkup", "editMessageCaption"):
            return None
        key = (int(params.get("chat_id", 0)), int(params.get("message_id", 0)))
        message = self.messages.get(key)
        if message is None:
            return None
        same_text = "text" not in params or params["text"] == message.get("text")
        same_caption = "caption" not in params or params["caption"] == message.get("caption")
        same_markup = (params.get("reply_markup") or None) == (message.get("reply_markup") or None)
        if same_text and same_caption and same_markup:
            return (
                "Bad Request: message is not modified: specified new message content and reply "
                "markup are exactly the same as a current content and reply markup of the message"
            )
        return None

    # --- the Bot API, as far as Passerelle uses it --------------------------------------

    def _message(self, params: dict[str, Any], **content: Any) -> dict[str, Any]:
        chat_id = int(params["chat_id"])
        message: dict[str, Any] = {
            "message_id": self.next_message_id(chat_id),
            "date": int(self.now()),
            "chat": {"id": chat_id, "type": "private" if chat_id > 0 else "supergroup"},
            "from": self.bot_user,
            **content,
        }
        if params.get("reply_markup"):
            message["reply_markup"] = params["reply_markup"]
        if params.get("message_thread_id"):
            message["message_thread_id"] = params["message_thread_id"]
            message["is_topic_message"] = True
        self.messages[(chat_id, message["message_id"])] = message
        return message

    def _answer(self, method: str, params: dict[str, Any]) -> Any:
        if method == "getMe":
            return self.bot_user
        if method == "sendMessage":
            return self._message(params, text=params.get("text", ""))
        if method in ("editMessageText", "editMessageReplyMarkup", "editMessageCaption"):
            key = (int(params.get("chat_id", 0)), int(params.get("message_id", 0)))
            message = self.messages.get(key)
            if message is None:
                return True
            if "text" in params:
                message["text"] = params["text"]
            if "caption" in params:
                message["caption"] = params["caption"]
            if params.get("reply_markup"):
                message["reply_markup"] = params["reply_markup"]
            else:
                message.pop("reply_markup", None)
            return message
        if method == "sendVenue":
            venue = {
                "location": {"latitude": params["latitude"], "longitude": params["longitude"]},
                "title": params["title"],
                "address": params["address"],
            }
            return self._message(params, venue=venue, location=venue["location"])
        if method == "sendDocument":
            return self._message(
                params,
                document={"file_id": "doc", "file_unique_id": "doc"},
                caption=params.get("caption", ""),
            )
        if method == "copyMessage":
            # Telegram answers with the new message's id only (a MessageId).
            copied = self._message(params, caption=params.get("caption", ""),
                                   copy_of=[int(params["from_chat_id"]),
                                            int(params["message_id"])])  # fmt: skip
            return {"message_id": copied["message_id"]}
        if method == "sendPhoto":
            return self._message(
                params,
                photo=[{"file_id": "photo", "file_unique_id": "photo", "width": 1, "height": 1}],
                caption=params.get("caption", ""),
            )
        if method == "deleteMessage":
            self.messages.pop((int(params["chat_id"]), int(params["message_id"])), None)
            return True
        if method == "deleteMessages":
            chat_id = int(params["chat_id"])
            for message_id in _ids(params.get("message_ids")):
                if self._deletable(chat_id, int(message_id)):
                    self.messages.pop((chat_id, int(message_id)))
            return True
        if method == "getUpdates":
            # As Telegram: an offset confirms every update below it, which is then gone.
            offset = int(params.get("offset") or 0)
            self.updates = [u for u in self.updates if int(u["update_id"]) >= offset]
            return self.updates[: int(params.get("limit") or 100)]
        if method == "getChat":
            chat_id = int(params["chat_id"])
            chat: dict[str, Any] = {"id": chat_id, "accent_color_id": 0,
                                    "max_reaction_count": 11}  # fmt: skip
            if chat_id > 0:
                return {**chat, "type": "private", "first_name": "Sam"}
            return {**chat, "type": "supergroup", "title": "Équipe",
                    "is_forum": chat_id in self.forums}  # fmt: skip
        if method == "getChatMember":
            chat_id, user_id = int(params["chat_id"]), int(params["user_id"])
            user = self.bot_user if user_id == self.bot_user["id"] else {
                "id": user_id, "is_bot": False, "first_name": "Membre"}  # fmt: skip
            if chat_id in self.administered and user_id == self.bot_user["id"]:
                return {"status": "administrator", "user": user, **ADMIN_RIGHTS}
            return {"status": "member", "user": user}
        if method == "setMyCommands":
            self.commands[_scope_key(params)] = json.loads(params["commands"]) if isinstance(
                params["commands"], str) else list(params["commands"])  # fmt: skip
            return True
        if method == "getMyCommands":
            return self.commands.get(_scope_key(params), [])
        if method == "setWebhook":
            self.webhook_url = str(params["url"])
            return True
        if method == "deleteWebhook":
            self.webhook_url = ""
            return True
        if method == "getWebhookInfo":
            return {"url": self.webhook_url, "has_custom_certificate": False,
                    "pending_update_count": len(self.updates)}  # fmt: skip
        # setMyCommands, answerCallbackQuery, sendChatAction, deleteMessage, …
        return True


_CALLBACK_IDS = itertools.count(1)
"""Callback query ids are unique across every factory, as Telegram's are: the offline
Bot API refuses a second answer to the same one."""


class UpdateFactory:
    """Builds the updates a person's Telegram app would send."""

    def __init__(self, bot: Bot, api: OfflineBotAPI | None = None) -> None:
        self.bot = bot
        self.api = api
        """With the offline Bot API, the person's messages are kept there as Telegram keeps
        them: numbered in the same sequence as the bot's in that chat, dated by its clock
        (and deletable by the bot for 48 hours)."""
        self._update_ids = itertools.count(1)
        self._message_ids = itertools.count(1_000_000)

    @staticmethod
    def user(
        user_id: int, first_name: str = "Sam", language_code: str | None = "fr"
    ) -> dict[str, Any]:
        user: dict[str, Any] = {"id": user_id, "is_bot": False, "first_name": first_name}
        if language_code:
            user["language_code"] = language_code
        return user

    @staticmethod
    def private_chat(user: dict[str, Any]) -> dict[str, Any]:
        return {"id": user["id"], "type": "private", "first_name": user["first_name"]}

    def _base_message(self, user: dict[str, Any], chat: dict[str, Any] | None) -> dict[str, Any]:
        chat = chat or self.private_chat(user)
        if self.api is not None:
            message_id, date = self.api.next_message_id(int(chat["id"])), int(self.api.now())
        else:
            message_id, date = next(self._message_ids), int(time.time())
        return {"message_id": message_id, "date": date, "chat": chat, "from": user}

    def _update(self, **content: Any) -> Update:
        message = content.get("message")
        if self.api is not None and message is not None:
            self.api.messages[(int(message["chat"]["id"]), int(message["message_id"]))] = message
        update = Update.de_json({"update_id": next(self._update_ids), **content}, self.bot)
        assert update is not None
        return update

    def text(
        self,
        user: dict[str, Any],
        text: str,
        *,
        chat: dict[str, Any] | None = None,
        reply_to: dict[str, Any] | None = None,
        thread_id: int | None = None,
    ) -> Update:
        message = self._base_message(user, chat)
        message["text"] = text
        if text.startswith("/"):
            length = len(text.split()[0])
            message["entities"] = [{"type": "bot_command", "offset": 0, "length": length}]
        if reply_to is not None:
            message["reply_to_message"] = reply_to
        if thread_id is not None:
            message["message_thread_id"] = thread_id
            message["is_topic_message"] = True
        return self._update(message=message)

    def media(
        self,
        user: dict[str, Any],
        kind: str,
        *,
        chat: dict[str, Any] | None = None,
        reply_to: dict[str, Any] | None = None,
        caption: str | None = None,
    ) -> Update:
        """A sticker, photo, voice note, document… (content is irrelevant to the bot)."""
        message = self._base_message(user, chat)
        if reply_to is not None:
            message["reply_to_message"] = reply_to
        if caption is not None:
            message["caption"] = caption
        file = {"file_id": f"{kind}-id", "file_unique_id": f"{kind}-uid"}
        samples: dict[str, Any] = {
            "sticker": {**file, "type": "regular", "width": 512, "height": 512,
                        "is_animated": False, "is_video": False},
            "photo": [{**file, "width": 90, "height": 90}],
            "voice": {**file, "duration": 3},
            "video": {**file, "width": 1, "height": 1, "duration": 1},
            "document": {**file, "file_name": "scan.pdf"},
            "location": {"latitude": -22.2, "longitude": 166.4},
            "contact": {"phone_number": "000", "first_name": "X"},
        }  # fmt: skip
        message[kind] = samples[kind]
        return self._update(message=message)

    def edited(self, user: dict[str, Any], text: str) -> Update:
        message = self._base_message(user, None)
        message["text"] = text
        message["edit_date"] = int(time.time())
        return self._update(edited_message=message)

    def callback(self, user: dict[str, Any], message: dict[str, Any], data: str) -> Update:
        """The person pressed an inline button of ``message`` (a message the bot sent)."""
        return self._update(
            callback_query={
                "id": str(next(_CALLBACK_IDS)),
                "from": user,
                "chat_instance": f"ci-{message['chat']['id']}",
                "message": message,
                "data": data,
            }
        )
