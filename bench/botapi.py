"""A rate-limited Bot API on 127.0.0.1, for benches that run the bot as a real process.

It answers what ``python -m bot run`` calls over HTTP (``/bot<token>/<method>``): getMe,
deleteWebhook, setMyCommands, getUpdates (long-polls, then answers the queued updates or
``[]``), sendMessage, sendPhoto, editMessageText, answerCallbackQuery, and ``true`` for
any other method. Bodies may be form-encoded (what python-telegram-bot's ``HTTPXRequest``
posts: strings as they are, other values JSON-encoded), multipart (when a file is
uploaded) or JSON.

Messages (``send*`` except sendChatAction, ``copy*``, ``forward*``, ``editMessage*``) go
through Telegram's usual limits, as token buckets: ``rate`` per second overall (burst
``rate``), ``per_chat`` per second in one chat (burst 1) and ``group_per_minute`` in a
group (negative chat id, burst the same). A message over a limit is refused with
HTTP 429 and ``retry_after`` in whole seconds, as Telegram does. Chats in ``blocked``
answer 403 "Forbidden: bot was blocked by the user".

Every accepted message is recorded (:class:`Sent`: method, chat, monotonic time, a
hash of its text, and the server's current ``tag``), in memory and, with
``record_path``, one JSON line each in a file; ``listeners`` are called with each
record before the answer is written (a bench can kill the bot at that very moment).

    api = BotAPI(rate=30)
    await api.start()          # api.url: "http://127.0.0.1:<port>/bot"
    ...
    await api.close()
"""

from __future__ import annotations

import asyncio
import contextlib
import email.parser
import email.policy
import hashlib
import itertools
import json
import math
import re
import time
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import IO, Any
from urllib.parse import parse_qsl, urlsplit

Params = dict[str, Any]

_PATH = re.compile(r"^/bot(?P<token>[^/]+)/(?P<method>[A-Za-z]+)$")
_MAX_BODY = 64 * 1024 * 1024
_LONGEST_POLL = 60.0
"""Seconds at most a getUpdates waits, whatever ``timeout`` asks."""


def is_message(method: str) -> bool:
    """Whether a method puts a message in a chat, and so counts against the limits."""
    if method == "sendChatAction":
        return False
    return method.startswith(("send", "copyMessage", "forwardMessage", "editMessage"))


def text_hash(text: str) -> str:
    """A short stable fingerprint of a message's text: enough to tell two texts apart."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


class TokenBucket:
    """``rate`` tokens a second, at most ``capacity`` saved; one token per message."""

    def __init__(self, rate: float, capacity: float, now: float) -> None:
        self.rate = rate
        self.capacity = capacity
        self.tokens = capacity
        self.stamp = now

    def wait(self, now: float) -> float:
        """Seconds until one token is there (0: there is one now)."""
        self.tokens = min(self.capacity, self.tokens + (now - self.stamp) * self.rate)
        self.stamp = now
        # A hair of tolerance: a client pacing at exactly ``rate`` must not be refused
        # because of float rounding.
        return 0.0 if self.tokens >= 1.0 - 1e-9 else (1.0 - self.tokens) / self.rate

    def take(self) -> None:
        self.tokens -= 1.0

    @property
    def full(self) -> bool:
        return self.tokens >= self.capacity


@dataclass(frozen=True)
class Sent:
    """One message the server accepted."""

    method: str
    chat_id: int | str
    at: float
    """``time.monotonic()`` (or the injected clock) when it was accepted."""
    text_hash: str
    tag: str
    """The server's ``tag`` at that moment (e.g. which bot process sent it)."""


class Refused(Exception):
    def __init__(self, status: int, description: str, retry_after: int | None = None) -> None:
        super().__init__(description)
        self.status = status
        self.description = description
        self.retry_after = retry_after

    def payload(self) -> dict[str, Any]:
        body: dict[str, Any] = {
            "ok": False,
            "error_code": self.status,
            "description": self.description,
        }
        if self.retry_after is not None:
            body["parameters"] = {"retry_after": self.retry_after}
        return body


class BotAPI:
    """The local Bot API server; see the module's docstring."""

    def __init__(
        self,
        *,
        rate: float = 30.0,
        per_chat: float = 1.0,
        group_per_minute: float = 20.0,
        token: str | None = None,
        blocked: Iterable[int] = (),
        record_path: Path | None = None,
        username: str = "passerelle_bench_bot",
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.rate = rate
        self.per_chat = per_chat
        self.group_per_minute = group_per_minute
        self.token = token
        """When set, any other token gets 401 Unauthorized."""
        self.blocked = set(blocked)
        self.username = username
        self.clock = clock
        self.tag = ""
        self.sent: list[Sent] = []
        self.listeners: list[Callable[[Sent], None]] = []
        self.calls: Counter[str] = Counter()
        """Every request received, by method (refused ones included)."""
        self.refused = 0
        """429 answers."""
        self.refusals: list[tuple[float, int | str, float]] = []
        """Each 429: when, to which chat, and how long a token was still missing (s)."""
        self.forbidden = 0
        """403 answers (blocked chats)."""
        self.host = "127.0.0.1"
        self.port = 0
        self._record_path = record_path
        self._record: IO[str] | None = None
        self._overall = TokenBucket(rate, rate, clock())
        self._chats: dict[int | str, TokenBucket] = {}
        self._groups: dict[int | str, TokenBucket] = {}
        self._message_ids = itertools.count(1)
        self._updates: list[dict[str, Any]] = []
        self._new_update = asyncio.Event()
        self._server: asyncio.Server | None = None
        self._connections: set[asyncio.Task[None]] = set()
        self._closing = False

    # --- life -----------------------------------------------------------------------------

    @property
    def url(self) -> str:
        """The base URL to give the bot (``PASSERELLE_BOT_API_URL``)."""
        return f"http://{self.host}:{self.port}/bot"

    async def start(self, host: str = "127.0.0.1", port: int = 0) -> None:
        """Listen (``port`` 0: a free one, see :attr:`port`)."""
        if self._record_path is not None:
            self._record = self._record_path.open("a", encoding="utf-8")
        self._server = await asyncio.start_server(self._connection, host, port)
        self.host, self.port = self._server.sockets[0].getsockname()[:2]

    async def close(self) -> None:
        self._closing = True
        self._new_update.set()  # long polls answer now
        if self._server is not None:
            self._server.close()
            await self._server.wait_closed()
        for task in list(self._connections):
            task.cancel()
        await asyncio.gather(*self._connections, return_exceptions=True)
        if self._record is not None:
            self._record.close()
            self._record = None

    async def __aenter__(self) -> BotAPI:
        await self.start()
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.close()

    def push_update(self, update: dict[str, Any]) -> None:
        """Queue an update for getUpdates (``update_id`` is numbered if missing)."""
        if "update_id" not in update:
            last = self._updates[-1]["update_id"] if self._updates else 0
            update = {"update_id": last + 1, **update}
        self._updates.append(update)
        self._new_update.set()

    def hold(self, seconds: float) -> None:
        """Refuse every message for about ``seconds`` from now, as Telegram's flood control
        sometimes does: the overall bucket is left that many seconds in debt."""
        self._overall.wait(self.clock())
        self._overall.tokens = min(self._overall.tokens, 0.0) - seconds * self.rate

    def load_records(self) -> list[Sent]:
        """What the record file holds (every process's run that wrote to it)."""
        if self._record_path is None or not self._record_path.exists():
            return []
        with self._record_path.open(encoding="utf-8") as lines:
            return [Sent(**json.loads(line)) for line in lines if line.strip()]

    # --- HTTP/1.1 -------------------------------------------------------------------------

    async def _connection(
        self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter
    ) -> None:
        task = asyncio.current_task()
        assert task is not None
        self._connections.add(task)
        try:
            while not self._closing:
                request = await _read_request(reader)
                if request is None:
                    break
                verb, target, headers, body = request
                status, payload = await self._answer(verb, target, headers, body)
                data = json.dumps(payload).encode("utf-8")
                keep = headers.get("connection", "").lower() != "close"
                writer.write(
                    f"HTTP/1.1 {status} {_REASONS.get(status, 'OK')}\r\n"
                    "Content-Type: application/json\r\n"
                    f"Content-Length: {len(data)}\r\n"
                    f"Connection: {'keep-alive' if keep else 'close'}\r\n\r\n".encode("latin-1")
                    + data
                )
                await writer.drain()
                if not keep:
                    break
        except (ConnectionError, asyncio.IncompleteReadError, asyncio.LimitOverrunError):
            pass  # the client went away (a killed bot): nothing to answer
        except asyncio.CancelledError:
            pass
        finally:
            self._connections.discard(task)
            writer.close()
            with contextlib.suppress(Exception):
                await writer.wait_closed()

    async def _answer(
        self, verb: str, target: str, headers: dict[str, str], body: bytes
    ) -> tuple[int, dict[str, Any]]:
        split = urlsplit(target)
        match = _PATH.match(split.path)
        if match is None:
            return 404, Refused(404, "Not Found").payload()
        method = match["method"]
        self.calls[method] += 1
        if self.token is not None and match["token"] != self.token:
            return 401, Refused(401, "Unauthorized").payload()
        try:
            params: Params = dict(parse_qsl(split.query))
            params.update(_parse_body(headers.get("content-type", ""), body))
            result = await self._call(method, params)
        except Refused as refused:
            return refused.status, refused.payload()
        except (ValueError, KeyError, TypeError) as exc:
            return 400, Refused(400, f"Bad Request: {exc}").payload()
        return 200, {"ok": True, "result": result}

    # --- the Bot API ----------------------------------------------------------------------

    def _bot_user(self) -> dict[str, Any]:
        token = self.token or "1:x"
        bot_id = int(token.split(":", 1)[0]) if token.split(":", 1)[0].isdigit() else 1
        return {
            "id": bot_id,
            "is_bot": True,
            "first_name": "Passerelle (bench)",
            "username": self.username,
            "can_join_groups": True,
            "can_read_all_group_messages": False,
            "supports_inline_queries": False,
        }

    async def _call(self, method: str, params: Params) -> Any:
        if method == "getMe":
            return self._bot_user()
        if method == "getUpdates":
            return await self._get_updates(params)
        if method in ("getMyCommands", "getChatAdministrators"):
            return []
        if not is_message(method):
            return True
        chat_id = _chat(params)
        self._limit(chat_id)
        if isinstance(chat_id, int) and chat_id in self.blocked:
            self.forbidden += 1
            raise Refused(403, "Forbidden: bot was blocked by the user")
        text = str(params.get("text") or params.get("caption") or "")
        record = Sent(method, chat_id, self.clock(), text_hash(text), self.tag)
        self.sent.append(record)
        if self._record is not None:
            self._record.write(json.dumps(asdict(record)) + "\n")
            self._record.flush()
        for listener in list(self.listeners):
            listener(record)
        return self._message(method, chat_id, params)

    def _limit(self, chat_id: int | str) -> None:
        """Take a token from every bucket the message goes through, or refuse it whole."""
        now = self.clock()
        buckets = [self._overall]
        if self.per_chat:
            buckets.append(self._bucket(self._chats, chat_id, self.per_chat, 1.0, now))
        is_group = isinstance(chat_id, str) or chat_id < 0
        if is_group and self.group_per_minute:
            per_second = self.group_per_minute / 60.0
            buckets.append(
                self._bucket(self._groups, chat_id, per_second, self.group_per_minute, now)
            )
        wait = max(bucket.wait(now) for bucket in buckets)
        if wait > 0:
            self.refused += 1
            self.refusals.append((now, chat_id, wait))
            retry_after = max(1, math.ceil(wait))
            raise Refused(429, f"Too Many Requests: retry after {retry_after}", retry_after)
        for bucket in buckets:
            bucket.take()

    def _bucket(
        self,
        buckets: dict[int | str, TokenBucket],
        chat_id: int | str,
        rate: float,
        capacity: float,
        now: float,
    ) -> TokenBucket:
        bucket = buckets.get(chat_id)
        if bucket is None:
            if len(buckets) > 100_000:  # forget the chats whose bucket has refilled
                for key in [k for k, b in buckets.items() if b.wait(now) == 0 and b.full]:
                    del buckets[key]
            bucket = buckets[chat_id] = TokenBucket(rate, capacity, now)
        return bucket

    def _message(self, method: str, chat_id: int | str, params: Params) -> Any:
        if "inline_message_id" in params:
            return True
        chat: dict[str, Any] = {"id": chat_id, "type": "private", "first_name": "Bench"}
        if isinstance(chat_id, str) or chat_id < 0:
            chat = {"id": chat_id, "type": "supergroup", "title": "Bench group"}
        if method.startswith("editMessage"):
            message_id = int(params.get("message_id") or 0)
        else:
            message_id = next(self._message_ids)
        message: dict[str, Any] = {
            "message_id": message_id,
            "date": int(time.time()),
            "chat": chat,
            "from": self._bot_user(),
        }
        if method.startswith("editMessage"):
            message["edit_date"] = int(time.time())
        if method == "sendPhoto":
            message["photo"] = [
                {"file_id": "bench-photo", "file_unique_id": "bench", "width": 1, "height": 1}
            ]
            if params.get("caption"):
                message["caption"] = str(params["caption"])
        elif params.get("text") is not None:
            message["text"] = str(params["text"])
        markup = params.get("reply_markup")
        if isinstance(markup, str) and markup:
            markup = json.loads(markup)
        if isinstance(markup, dict) and "inline_keyboard" in markup:
            message["reply_markup"] = markup
        if params.get("message_thread_id") not in (None, ""):
            message["message_thread_id"] = int(params["message_thread_id"])
        return message

    async def _get_updates(self, params: Params) -> list[dict[str, Any]]:
        offset = int(params.get("offset") or 0)
        limit = int(params.get("limit") or 100)
        timeout = min(float(params.get("timeout") or 0), _LONGEST_POLL)
        deadline = asyncio.get_running_loop().time() + timeout
        while True:
            if offset:
                self._updates = [u for u in self._updates if u["update_id"] >= offset]
            if self._updates or self._closing:
                return self._updates[:limit]
            left = deadline - asyncio.get_running_loop().time()
            if left <= 0:
                return []
            self._new_update.clear()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._new_update.wait(), left)


_REASONS = {
    200: "OK",
    400: "Bad Request",
    401: "Unauthorized",
    403: "Forbidden",
    404: "Not Found",
    429: "Too Many Requests",
}


def _chat(params: Params) -> int | str:
    raw = params.get("chat_id")
    if raw is None or raw == "":
        raise KeyError("chat_id is empty")
    if isinstance(raw, int):
        return raw
    text = str(raw).strip()
    return int(text) if re.fullmatch(r"-?\d+", text) else text


async def _read_request(
    reader: asyncio.StreamReader,
) -> tuple[str, str, dict[str, str], bytes] | None:
    """One HTTP/1.1 request, or ``None`` when the client closed the connection."""
    line = await reader.readline()
    if not line.strip():
        return None
    verb, target, _version = line.decode("latin-1").rstrip("\r\n").split(" ", 2)
    headers: dict[str, str] = {}
    while True:
        raw = await reader.readline()
        if raw in (b"\r\n", b"\n", b""):
            break
        name, _, value = raw.decode("latin-1").partition(":")
        headers[name.strip().lower()] = value.strip()
    if "chunked" in headers.get("transfer-encoding", "").lower():
        chunks = []
        while True:
            size = int((await reader.readline()).split(b";")[0].strip() or b"0", 16)
            if size == 0:
                while (await reader.readline()) not in (b"\r\n", b"\n", b""):
                    pass  # trailers
                break
            chunks.append(await reader.readexactly(size))
            await reader.readexactly(2)
        body = b"".join(chunks)
    else:
        length = int(headers.get("content-length") or 0)
        if length > _MAX_BODY:
            raise ConnectionError("body too large")
        body = await reader.readexactly(length) if length else b""
    return verb, target, headers, body


def _parse_body(content_type: str, body: bytes) -> Params:
    """The call's parameters, whichever way the client encoded them."""
    if not body:
        return {}
    kind = content_type.split(";", 1)[0].strip().lower()
    if kind == "application/json":
        data = json.loads(body)
        if not isinstance(data, dict):
            raise ValueError("the JSON body is not an object")
        return data
    if kind == "multipart/form-data":
        head = f"Content-Type: {content_type}\r\n\r\n".encode("latin-1")
        message = email.parser.BytesParser(policy=email.policy.HTTP).parsebytes(head + body)
        params: Params = {}
        for part in message.iter_parts():
            name = part.get_param("name", header="content-disposition")
            if not isinstance(name, str):
                continue
            payload = part.get_payload(decode=True)
            content = payload if isinstance(payload, bytes) else b""
            if part.get_filename() is not None:
                params[name] = f"<file {len(content)} bytes>"
            else:
                params[name] = content.decode(part.get_content_charset() or "utf-8")
        return params
    return dict(parse_qsl(body.decode("utf-8"), keep_blank_values=True))
