"""The bot's own functions asked for in free text: each intent goes where its command or
button goes (see ``bot/intents.py``)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from telegram import Update

from bot import intents
from handlers import conversation, requests
from handlers.context import Context
from handlers.render import reply


async def _events(update: Update, context: Context) -> None:
    session = await context.session(update)
    text = update.effective_message.text if update.effective_message else ""
    kind = intents.kind_mentioned(text or "")
    listing = await context.services.events.listing(session.tr, session.person.quartier, kind)
    await reply(update, context, listing)


async def _signup(update: Update, context: Context) -> None:
    session = await context.session(update)
    text = update.effective_message.text if update.effective_message else ""
    kind = intents.kind_mentioned(text or "")
    page = await context.services.events.to_join(session.tr, session.person.quartier, kind)
    await reply(update, context, page)


def _simple(make: Callable[..., object]) -> Callable[[Update, Context], Awaitable[None]]:
    async def send(update: Update, context: Context) -> None:
        session = await context.session(update)
        await reply(update, context, make(session.tr))  # type: ignore[arg-type]

    return send


ROUTES: dict[str, Callable[[Update, Context], Awaitable[None]]] = {
    "greeting": conversation.show_menu,
    "help": conversation.show_help,
    "thanks": _simple(intents.thanks),
    "goodbye": _simple(intents.goodbye),
    "boundary": _simple(intents.boundary),
    "privacy": conversation.show_privacy,
    "callback": requests.start_request,
    "permanences": conversation.show_permanences,
    "events": _events,
    "signup": _signup,
    "my_requests": requests.my_requests,
    "erase": conversation.ask_forget,
    "language": conversation.ask_language,
}


async def act(update: Update, context: Context, intent: str) -> bool:
    """Do what the intent asks; ``False`` for an intent this version does not know."""
    route = ROUTES.get(intent)
    if route is None:
        return False
    await route(update, context)
    return True
