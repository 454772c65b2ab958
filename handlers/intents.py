"""The bot's own functions asked for in free text: each intent goes where its command or
button goes (see ``bot/intents.py``)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from telegram import Update

from bot import actions
from bot.answers import intents
from handlers import events, home, people, permanences, requests
from handlers.runtime.context import Context
from handlers.runtime.render import reply

Route = Callable[[Update, Context, str], Awaitable[None]]


async def _events(update: Update, context: Context, text: str) -> None:
    session = await context.session(update)
    kind = intents.kind_mentioned(text)
    listing = await context.services.events.listing(session.tr, session.person.quartier, kind)
    await reply(update, context, listing)


async def _signup(update: Update, context: Context, text: str) -> None:
    session = await context.session(update)
    kind = intents.kind_mentioned(text)
    page = await context.services.events.to_join(session.tr, session.person.quartier, kind)
    await reply(update, context, page)


async def _mine(update: Update, context: Context, text: str) -> None:
    if intents.about_registrations(text):
        await events.my_registrations(update, context)
    else:
        await requests.my_requests(update, context)


def _simple(make: Callable[..., object]) -> Route:
    async def send(update: Update, context: Context, text: str) -> None:
        session = await context.session(update)
        await reply(update, context, make(session.tr))  # type: ignore[arg-type]

    return send


def _handler(handle: Callable[[Update, Context], Awaitable[None]]) -> Route:
    async def run(update: Update, context: Context, text: str) -> None:
        await handle(update, context)

    return run


ROUTES: dict[str, Route] = {
    "greeting": _handler(home.show_menu),
    "help": _handler(home.show_help),
    "thanks": _simple(intents.thanks),
    "goodbye": _simple(intents.goodbye),
    "boundary": _simple(intents.boundary),
    "privacy": _handler(people.show_privacy),
    "callback": _handler(requests.start_request),
    "permanences": _handler(permanences.show_permanences),
    "events": _events,
    "signup": _signup,
    "my_requests": _mine,
    "erase": _handler(people.ask_forget),
    "language": _handler(people.ask_language),
}


async def act(update: Update, context: Context, intent: str, text: str = "") -> bool:
    """Do what the intent asks (``text``: the person's words, for the kind of event they
    name); ``False`` for an intent this version does not know."""
    route = ROUTES.get(intent)
    if route is None:
        return False
    await route(update, context, text)
    return True


async def button(update: Update, context: Context) -> None:
    """A function offered as a choice ("did you mean..."): opened below, the message
    that offered it (a crisis card, perhaps) stays on screen."""
    action = await context.pressed(update, actions.INTENT)
    if action is None:
        return
    context.keep_pressed = True
    await act(update, context, action.argument)
