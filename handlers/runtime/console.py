"""Console mode: chat with the real bot in a terminal, no Telegram needed.

The real Application runs (same handlers, database and job queue) with the
offline Bot API in place of HTTP. One message per input line; inline and reply
keyboard buttons are numbered and pressed by typing their number. Lines that
start with ``:`` are console commands (``:help`` lists them). The operator
chrome is English; everything the bot says goes through its catalogs.

The console has a simulated staff group: ``:staff NAME`` registers NAME as staff in
the console's own database and writes as them there, so that a newcomer can play both
sides of a callback request — the person who asks, and the mediator who takes it,
answers through the bot, notes and closes it.
"""

from __future__ import annotations

import asyncio
import re
import shlex
import sys
from dataclasses import dataclass, replace
from typing import Any, TextIO

from bot.config import Settings
from bot.samples import seed_examples
from bot.staff import COORDINATOR, MEDIATOR, ROLES
from bot.storage import StaffRecord
from handlers.runtime.app import PassApp, running
from handlers.runtime.context import services_of
from handlers.runtime.offline import Call, OfflineBotAPI, UpdateFactory, plain

HELP = """\
Console commands:
  :help                 this help
  :user NAME [fr|en]    talk as another (simulated) person, in their private chat with the
                        bot; new names are new people
  :staff NAME [TEAM] [coordinateur]
                        register NAME as staff in this console's database (a mediator of
                        TEAM, from the pack's teams.yaml, or a coordinator) and write as
                        them in the staff group; again with other words changes the role
  :group | :private     the current person writes in the staff group, or to the bot privately
  :cards                the cards in the staff group that have buttons, numbered to press
  :reply [R-XXXX] TEXT  in the staff group, reply to the last card shown (or to that
                        request's card): TEXT goes to the person; /note, /notes work as TEXT
  :note [R-XXXX] TEXT   an internal note on that card (/note TEXT in reply to it)
  :notes [R-XXXX]       its notes (/notes in reply to it)
  :lang fr|en           the Telegram app language of the current person
  :sticker | :photo | :voice | :document   send that instead of text
  :edit TEXT            send an edited message
  :who                  who you are now
  :quit                 leave (end of input does the same)
Type a number to press the button with that number in the last message with buttons of
the chat you write in (in the staff group, usually the last card shown)."""

DEFAULT_STAFF_CHAT = -1_001_000_000_001
"""The simulated staff group's id, when the configuration names none."""

_REFERENCE = re.compile(r"^R-[A-Z0-9]{4}$", re.IGNORECASE)

MessageKey = tuple[int, int]
"""(chat id, message id) of a message the bot sent."""


def console_settings(settings: Settings) -> Settings:
    """The settings of a console run: cards go to the simulated staff group when the
    configuration names no staff group."""
    if settings.staff_chat_id is not None:
        return settings
    return replace(settings, staff_chat_id=DEFAULT_STAFF_CHAT)


@dataclass
class Persona:
    name: str
    user: dict[str, Any]
    private: dict[str, Any]
    """Their private chat with the bot."""
    chat: dict[str, Any]
    """Where they write now: their private chat, or the staff group."""


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
        self.services = services_of(app)
        self.factory = UpdateFactory(app.bot, self.api)
        self.staff_chat_id = (
            staff_chat_id or self.services.settings.staff_chat_id or DEFAULT_STAFF_CHAT
        )
        self.group: dict[str, Any] = {
            "id": self.staff_chat_id, "type": "supergroup", "title": "Staff", "is_forum": True,
        }  # fmt: skip
        self.personas: dict[str, Persona] = {}
        self._next_id = 100_001
        self.current = self._persona("Sam", language)
        self.numbered: list[tuple[MessageKey | None, dict[str, Any]]] = []
        """What each number presses: the button, and the message it belongs to."""
        self.keyboards: dict[int, MessageKey] = {}
        """Per chat, the last message shown with buttons (its buttons are read live)."""
        self.group_shown: list[MessageKey] = []
        """The staff group's messages, in the order they were last shown (sent or edited)."""
        api.listeners.append(self._show)

    # --- people ----------------------------------------------------------------------------

    def _persona(self, name: str, language: str = "fr") -> Persona:
        if name not in self.personas:
            user = self.factory.user(self._next_id, name, language)
            self._next_id += 1
            private = self.factory.private_chat(user)
            self.personas[name] = Persona(name, user, private, private)
        return self.personas[name]

    @property
    def in_group(self) -> bool:
        return bool(self.current.chat["id"] == self.staff_chat_id)

    @property
    def prompt(self) -> str:
        return (
            f"{self.current.name} [staff group]> " if self.in_group else f"{self.current.name}> "
        )

    def _switch(self, persona: Persona, chat: dict[str, Any]) -> None:
        """Write as ``persona`` in ``chat``; numbers press that chat's last buttons."""
        self.current = persona
        persona.chat = chat
        self.numbered = []
        key = self.keyboards.get(chat["id"])
        message = self.api.messages.get(key) if key else None
        if key is None or message is None or not _rows(message):
            return
        self.say(f"the last message with buttons here: {_first_line(message)}")
        self._number(key, _rows(message))

    def _role(self, member: StaffRecord | None) -> str:
        if member is None:
            return "not staff"
        if member.role == COORDINATOR:
            return "coordinator (every team)"
        return f"mediator of {member.team} ({self._team_name(member.team)})"

    def _team_name(self, team: str | None) -> str:
        return self.services.pack.teams.name_of(team or "", self.services.default_language)

    # --- output ---------------------------------------------------------------------------

    def say(self, text: str) -> None:
        """A line of console chrome (not the bot's words)."""
        self.out.write(f"({text})\n")

    def _label(self, chat_id: int | None) -> str:
        if chat_id == self.current.chat["id"]:
            return ""
        if chat_id == self.staff_chat_id:
            return " → staff group"
        for persona in self.personas.values():
            if persona.private["id"] == chat_id:
                return f" → {persona.name}"
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
        elif call.method == "deleteMessages" and call.chat_id == self.current.chat["id"]:
            # The console cannot unprint; it says what a phone would no longer show.
            write("🧹 (messages deleted from the phone's screen)\n")
        self.out.flush()

    def _buttons(self, call: Call) -> None:
        """Remember the buttons per chat; number them when they are in the current chat."""
        rows = call.buttons
        chat_id = call.chat_id
        message = call.result if isinstance(call.result, dict) else None
        key = (int(chat_id), int(message["message_id"])) if message and chat_id else None
        if key is not None and chat_id == self.staff_chat_id:
            if key in self.group_shown:
                self.group_shown.remove(key)
            self.group_shown.append(key)
        if chat_id is not None and key is not None:
            if rows:
                self.keyboards[chat_id] = key
            elif self.keyboards.get(chat_id) == key:  # its buttons went away
                del self.keyboards[chat_id]
        if chat_id != self.current.chat["id"]:
            if rows:  # shown, to be pressed from that chat
                labels = (f"[{b.get('text', '')}]" for row in rows for b in row)
                self.out.write("   " + "   ".join(labels) + "\n")
            return
        if rows:
            self.numbered = []
            self._number(key, rows)
        elif key is not None and any(k == key for k, _ in self.numbered):
            self.numbered = []

    def _number(self, key: MessageKey | None, rows: list[list[dict[str, Any]]]) -> None:
        """Print ``rows`` numbered after the buttons already numbered, and keep them."""
        for row in rows:
            labels = []
            for button in row:
                self.numbered.append((key, button))
                labels.append(f"[{len(self.numbered)}] {button.get('text', '')}")
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
                await self._press(*self.numbered[index])
                return True
        await self._send(self.factory.text(self.current.user, line, chat=self.current.chat))
        return True

    async def _press(self, key: MessageKey | None, button: dict[str, Any]) -> None:
        message = self.api.messages.get(key) if key else None
        if "url" in button:
            self.out.write(f"(opens {button['url']})\n")
        elif "callback_data" in button and message is not None:
            update = self.factory.callback(self.current.user, message, button["callback_data"])
            await self._send(update)
        else:  # a reply-keyboard button sends its text
            text = button.get("text", "")
            await self._send(self.factory.text(self.current.user, text, chat=self.current.chat))

    async def _send(self, update: Any) -> None:
        if not self.in_group:
            # In a private chat, numbers press the buttons of the bot's answer to this, if
            # any; in the group, the last card shown stays pressable between messages.
            self.numbered = []
            self.keyboards.pop(self.current.chat["id"], None)
        await self.app.process_update(update)

    async def _command(self, text: str) -> bool:
        try:
            words = shlex.split(text)
        except ValueError:
            words = text.split()
        if not words:
            return True
        name, args = words[0].lower(), words[1:]
        # What follows the command, as typed: shlex would eat the apostrophes of French.
        parts = text.strip().split(None, 1)
        rest = parts[1].strip() if len(parts) > 1 else ""
        if name in ("quit", "exit", "q"):
            return False
        if name == "help":
            self.out.write(HELP + "\n")
        elif name == "user" and args:
            language = args[1] if len(args) > 1 else "fr"
            persona = self._persona(args[0], language)
            self.say(f"you are now {persona.name}")
            self._switch(persona, persona.private)
        elif name == "staff":
            await self._staff(args)
        elif name in ("group", "private"):
            await self._chat(name)
        elif name == "cards":
            await self._cards()
        elif name in ("reply", "note", "notes"):
            command = {"reply": "", "note": "/note ", "notes": "/notes"}[name]
            await self._reply(rest, command, usage=name)
        elif name == "lang" and args and args[0] in ("fr", "en"):
            self.current.user["language_code"] = args[0]
            self.say(f"{self.current.name}'s app is now in {args[0]}")
        elif name == "who":
            member = await self.services.staffing.member(self.current.user["id"])
            where = "in the staff group" if self.in_group else "in their private chat"
            role = "person" if member is None else "staff member"
            self.say(
                f"{role} {self.current.name}, Telegram id {self.current.user['id']}"
                + (f", {self._role(member)}" if member else "")
                + f", {where}"
            )
        elif name in ("sticker", "photo", "voice", "document", "video", "location"):
            await self._send(self.factory.media(self.current.user, name))
        elif name == "edit":
            await self._send(self.factory.edited(self.current.user, rest or "…"))
        else:
            self.say(f"unknown console command :{name} — try :help")
        self.out.flush()
        return True

    # --- the staff group ----------------------------------------------------------------

    async def _staff(self, args: list[str]) -> None:
        """``:staff NAME [TEAM] [coordinateur]``: register, then write in the staff group."""
        staffing = self.services.staffing
        teams = staffing.team_ids()
        if not args:
            self.say(f"usage: :staff NAME [TEAM] [coordinateur] — teams: {', '.join(teams)}")
            return
        name, words = args[0], args[1:]
        role: str | None = None
        team: str | None = None
        for word in words:
            if word.lower() in ROLES:
                role = ROLES[word.lower()]
            elif word in teams:
                team = word
            else:
                known = ", ".join(f"{t} ({self._team_name(t)})" for t in teams)
                self.say(
                    f"no team {word!r} in this pack; its teams: {known}; "
                    "or coordinateur — nothing changed"
                )
                return
        persona = self._persona(name)
        member = await staffing.member(persona.user["id"])
        if member is None or role is not None or team is not None:
            if role is None:
                role = MEDIATOR if team is not None else COORDINATOR
            if role == MEDIATOR and team is None:
                team = teams[0]
                self.say(f"no team given: {name} is a mediator of the pack's first team, {team}")
            elif role == COORDINATOR and team is None and not words:
                self.say(
                    f"no team given: {name} is a coordinator, who sees every team's requests; "
                    f":staff {name} TEAM makes a mediator of one team: {', '.join(teams)}"
                )
            elif role == COORDINATOR and team is not None:
                self.say(f"a coordinator sees every team's requests: {team} is not kept")
            member = await staffing.enrol(persona.user["id"], name, role, team)
        self.say(f"you are now staff member {name}, {self._role(member)}, in the staff group")
        self._switch(persona, self.group)

    async def _chat(self, where: str) -> None:
        persona = self.current
        if where == "private":
            self.say(f"{persona.name} now writes to the bot privately")
            self._switch(persona, persona.private)
            return
        member = await self.services.staffing.member(persona.user["id"])
        note = "" if member else f" — not registered as staff: :staff {persona.name} to register"
        self.say(f"{persona.name} now writes in the staff group{note}")
        self._switch(persona, self.group)

    async def _cards(self) -> None:
        """The staff group's cards that have buttons, numbered one after the other."""
        if not self.in_group:
            self.say("the cards are in the staff group: :staff NAME, or :group, first")
            return
        cards = [(key, message) for key, message, _ in await self._group_cards() if _rows(message)]
        if not cards:
            self.say("no card with buttons in the staff group")
            return
        self.say("the cards of the staff group:")
        self.numbered = []
        for key, message in cards:
            self.out.write(f"   {_first_line(message)}\n")
            self._number(key, _rows(message))

    async def _group_cards(self) -> list[tuple[MessageKey, dict[str, Any], str]]:
        """(message, its content, the request's reference) of every card in the staff group,
        the last shown last."""
        cards = []
        for key in self.group_shown:
            message = self.api.messages.get(key)
            record = await self.services.queue.card_request(*key) if message else None
            if message is not None and record is not None:
                cards.append((key, message, record.reference))
        return cards

    async def _reply(self, text: str, command: str, *, usage: str) -> None:
        """Send ``command + text`` in reply to the last card shown, or to a reference's."""
        syntax = f":{usage} [R-XXXX]" + ("" if usage == "notes" else " TEXT")
        if not self.in_group:
            self.say(f"{syntax} is for the staff group: :staff NAME, or :group, first")
            return
        words = text.split(None, 1)
        reference = words[0].upper() if words and _REFERENCE.match(words[0]) else None
        if reference is not None:
            text = words[1] if len(words) > 1 else ""
        if not text.strip() and usage != "notes":
            self.say(f"usage: {syntax}")
            return
        cards = await self._group_cards()
        if not cards:
            self.say("no card in the staff group yet: a person asks to be called back first "
                     "(/rappel)")  # fmt: skip
            return
        if reference is None:
            key = cards[-1][0]
        else:
            found = [k for k, _, ref in cards if ref == reference]
            if not found:
                known = ", ".join(sorted({ref for _, _, ref in cards}))
                self.say(f"no card {reference} in the staff group; its cards: {known} "
                         "— nothing sent")  # fmt: skip
                return
            key = found[-1]
        message = self.api.messages[key]
        update = self.factory.text(
            self.current.user, command + text.strip(), chat=self.group, reply_to=message
        )
        await self._send(update)


def _rows(message: dict[str, Any]) -> list[list[dict[str, Any]]]:
    """The buttons a message carries now."""
    markup = message.get("reply_markup") or {}
    rows: list[list[dict[str, Any]]] = markup.get("inline_keyboard") or markup.get("keyboard", [])
    return rows


def _first_line(message: dict[str, Any]) -> str:
    text = plain(str(message.get("text") or message.get("caption") or ""))
    return text.strip().splitlines()[0] if text.strip() else "…"


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
    examples: bool = False,
) -> None:
    """Read lines until end of input or ``:quit``. With ``examples`` (the console's own
    fresh database), the example permanences and events are added first."""
    stdin = stdin or sys.stdin
    out = out or sys.stdout
    interactive = stdin.isatty()
    async with running(app):
        console = Console(app, api, out, staff_chat_id=staff_chat_id, language=language)
        if examples:
            services = console.services
            if await seed_examples(services.db, services.pack, services.clock.now()):
                out.write("This temporary database starts with examples (titles marked "
                          "[Exemple]): try /permanences and /evenements.\n")  # fmt: skip
        if interactive:
            out.write("Passerelle console — type a message, a number to press a button, :help.\n")
            out.write("Try /start, or /rappel then :staff Lea to take the request.\n")
        while True:
            if interactive:
                out.write(console.prompt)
                out.flush()
            line = await asyncio.to_thread(stdin.readline)
            if not line:
                break
            if not interactive:
                out.write(f"{console.prompt}{line.rstrip()}\n")
            if not await console.handle(line):
                break
