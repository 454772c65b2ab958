"""Guided conversations other than a callback request: a sign-up's questions, a
coordinator publishing an event. Their steps live in the database (``conversation``),
so a person who walks away or a restart finds them where they were.

Each flow registers the function that takes the text (or photo) typed during it;
one read tells which flow, if any, the person is in.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from telegram import Update
from telegram.ext import ApplicationHandlerStop

from handlers.runtime.context import Context

FlowHandler = Callable[[Update, Context], Awaitable[None]]

FLOW_INPUT: dict[str, FlowHandler] = {}
"""flow name (``conversation.flow``) -> what to do with a message typed during it."""


def register_flow(flow: str, handler: FlowHandler) -> None:
    FLOW_INPUT[flow] = handler


async def input_in_flow(update: Update, context: Context) -> None:
    """Text or a photo sent during a guided conversation goes to it, and nowhere else."""
    session = await context.session(update)
    if not session.person.known:  # nothing stored: no conversation
        return
    flow, _ = await context.services.requests.destination(session.person)
    handler = FLOW_INPUT.get(flow) if flow else None
    if handler is None:
        return  # a callback request's steps, a relay, or a question: the next groups
    await handler(update, context)
    raise ApplicationHandlerStop
