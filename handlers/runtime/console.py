"""Console mode: chat with the real bot in a terminal, no Telegram needed.

The real Application runs (same handlers, database and job queue) with the
offline Bot API in place of HTTP. One message per input line; inline and reply
keyboard buttons are numbered and pressed by typing their number. Lines that
start with ``:`` are console commands (``:help`` lists them). The operator
chrome is English; everything the bot says goes through its catalogs.
"""

from __future__ import annotations

import asyncio
import shlex
import sys
from dataclasses import dataclass
from typing import Any, TextIO

from handlers.runtime.app import PassApp, running
from handlers.runtime.offline import Call, OfflineBotAPI, UpdateFactory, plain

HELP = """\
Console commands:
  :help                 this help
  :user NAME [fr|en]    talk as another (simulated) person; new names are new people
  :staff NAME           write in the staff group as a staff member
  :lang fr|en           the Telegram app language of the current person
  :sticker | :photo | :voice | :document   send that instead of text
  :edit TEXT            send an edited message
  :who                  who you are now
  :quit                 leave (end of input does the same)
Type a number to press the button with that number in the last message."""

DEFAULT_STAFF_CHAT = -1_001_000_000_001


@dataclass
class Persona:
    name: str
    user: dict[str, Any]
    chat: dict[str, Any]
    staff: bool = False


class Console:
    def __init__(
        self,
        app: PassApp,
        api: OfflineBotAPI,
        out: TextIO,
        *,
        staff_chat_id: int | None = None,
        language: str = "fr",
    ) -> None:
        self.app = app
        self.api = api
        self.out = out
        self.factory = UpdateFactory(app.bot)
        self.staff_chat_id = staff_chat_id or DEFAULT_STAFF_CHAT
        self.personas: dict[str, Persona] = {}
        self._next_id = 100_001
        self.current = self._persona("Sam", language)
        self.numbered: list[dict[str, Any]] = []
        self.numbered_message: dict[str, Any] | None = None
        api.listeners.append(self._show)

    # --- people ----------------------------------------------------------------------------

    def _persona(self, name: str, language: str = "fr", staff: bool = False) -> Persona:
        key = ("staff:" if staff else "") + name
        if key not in self.personas:
            user = self.factory.user(self._next_id, name, language)
            self._next_id += 1
            chat = (
                {
                    "id": self.staff_chat_id,
                    "type": "supergroup",
                    "title": "Staff",
                    "is_forum": True,
                }
                if staff
                else self.factory.private_chat(user)
            )
            self.personas[key] = Persona(name, user, chat, staff)
        return self.personas[key]

    # --- output ---------------------------------------------------------------------------

    def _label(self, chat_id: int | None) -> str:
        if chat_id == self.current.chat["id"]:
            return ""
        for persona in self.personas.values():
            if persona.chat["id"] == chat_id:
                return f" → {'staff group' if persona.staff else persona.name}"
        return f" → chat {chat_id}"

    def _show(self, call: Call) -> None:
        write = self.out.write
        if call.method in ("sendMessage", "sendPhoto", "sendDocument"):
            header = "🤖" + self._label(call.chat_id)
            if call.method == "sendDocument":
                names = ", ".join(call.files) or "file"
                write(f"{header} [file: {names}]\n")
            write(f"{header}\n{_indent(call.text)}\n")
            self._buttons(call)
        elif call.method in ("editMessageText", "editMessageReplyMarkup"):
            write(f"🤖{self._label(call.chat_id)} (message updated)\n")
            if call.method == "editMessageText":
                write(f"{_indent(call.text)}\n")
            self._buttons(call)
        elif call.method == "sendVenue":
            p = call.params
            write(f"📍 {p['title']} — {p['address']} ({p['latitude']}, {p['longitude']})\n")
        elif call.method == "answerCallbackQuery" and call.params.get("text"):
            write(f"ⓘ {call.params['text']}\n")
        self.out.flush()

    def _buttons(self, call: Call) -> None:
        rows = call.buttons
        if call.chat_id != self.current.chat["id"]:
            return
        self.numbered = [button for row in rows for button in row]
        message = call.result if isinstance(call.result, dict) else None
        self.numbered_message = message if self.numbered else None
        n = 0
        for row in rows:
            labels = []
            for button in row:
                n += 1
                labels.append(f"[{n}] {button.get('text', '')}")
            self.out.write("   " + "   ".join(labels) + "\n")

    # --- input ----------------------------------------------------------------------------

    async def handle(self, line: str) -> bool:
        """Process one input line; ``False`` means the operator wants to leave."""
        line = line.rstrip("\n")
        if not line.strip():
            return True
        if line.startswith(":"):
            return await self._command(line[1:])
        if line.strip().isdigit() and self.numbered:
            index = int(line.strip()) - 1
            if 0 <= index < len(self.numbered):
                await self._press(self.numbered[index])
                return True
        await self._send(self.factory.text(self.current.user, line, chat=self.current.chat))
        return True

    async def _press(self, button: dict[str, Any]) -> None:
        if "url" in button:
            self.out.write(f"(opens {button['url']})\n")
        elif "callback_data" in button and self.numbered_message is not None:
            update = self.factory.callback(
                self.current.user, self.numbered_message, button["callback_data"]
            )
            await self._send(update)
        else:  # a reply-keyboard button sends its text
            text = button.get("text", "")
            await self._send(self.factory.text(self.current.user, text, chat=self.current.chat))

    async def _send(self, update: Any) -> None:
        self.numbered = []
        await self.app.process_update(update)

    async def _command(self, text: str) -> bool:
        try:
            words = shlex.split(text)
        except ValueError:
            words = text.split()
        if not words:
            return True
        name, args = words[0].lower(), words[1:]
        if name in ("quit", "exit", "q"):
            return False
        if name == "help":
            self.out.write(HELP + "\n")
        elif name == "user" and args:
            language = args[1] if len(args) > 1 else "fr"
            self.current = self._persona(args[0], language)
            self.out.write(f"(you are now {self.current.name})\n")
        elif name == "staff" and args:
            self.current = self._persona(args[0], "fr", staff=True)
            self.out.write(f"(you are now staff member {args[0]}, in the staff group)\n")
        elif name == "lang" and args and args[0] in ("fr", "en"):
            self.current.user["language_code"] = args[0]
            self.out.write(f"({self.current.name}'s app is now in {args[0]})\n")
        elif name == "who":
            role = "staff member" if self.current.staff else "person"
            self.out.write(
                f"({role} {self.current.name}, Telegram id {self.current.user['id']})\n"
            )
        elif name in ("sticker", "photo", "voice", "document", "video", "location"):
            await self._send(self.factory.media(self.current.user, name))
        elif name == "edit":
            await self._send(self.factory.edited(self.current.user, " ".join(args) or "…"))
        else:
            self.out.write(f"(unknown console command :{name} — try :help)\n")
        self.out.flush()
        return True


def _indent(text: str) -> str:
    return "\n".join("   " + line for line in plain(text).splitlines())


async def run_console(
    app: PassApp,
    api: OfflineBotAPI,
    *,
    stdin: TextIO | None = None,
    out: TextIO | None = None,
    staff_chat_id: int | None = None,
    language: str = "fr",
) -> None:
    """Read lines until end of input or ``:quit``."""
    stdin = stdin or sys.stdin
    out = out or sys.stdout
    interactive = stdin.isatty()
    async with running(app):
        console = Console(app, api, out, staff_chat_id=staff_chat_id, language=language)
        if interactive:
            out.write("Passerelle console — type a message, a number to press a button, :help.\n")
            out.write("Try /start.\n")
        while True:
            if interactive:
                out.write(f"{console.current.name}> ")
                out.flush()
            line = await asyncio.to_thread(stdin.readline)
            if not line:
                break
            if not interactive:
                out.write(f"{console.current.name}> {line.rstrip()}\n")
            if not await console.handle(line):
                break
