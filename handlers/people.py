"""The person's own settings: language, quartier, what is kept about them, and erasing it."""

from __future__ import annotations

from telegram import Update
from telegram.constants import ChatType
from telegram.ext import ApplicationHandlerStop

from bot import actions
from bot.home import menu
from bot.people import privacy, quartiers, screen, slow_down
from handlers.requests import refresh_card
from handlers.runtime.context import Context
from handlers.runtime.render import delete_messages, reply

NEVER_HELD = frozenset({"effacer", "clear", "urgence", "emergency", "sos"})
"""Commands answered even in the middle of a flood: the way out and the numbers."""


async def arrived(update: Update, context: Context) -> None:
    """Every message of a private chat, first of all: its id is noted for a quick exit,
    then a flood is slowed down (never a message that speaks of a crisis, never the way
    out or the numbers)."""
    message = update.effective_message
    user = update.effective_user
    if message is None or user is None:
        return
    services = context.services
    await services.screen.seen(message.chat_id, message.message_id)
    wait = services.pace.message(services.pseudonymise(user.id))
    if wait is None:
        return
    # Over the limit (rare): what is never held back is checked only now.
    text = message.text or message.caption or ""
    command = text[1:].split("@")[0].split(maxsplit=1) if text.startswith("/") else []
    if command and command[0].lower() in NEVER_HELD:
        return
    if text and services.knowledge.detect_crisis(text) is not None:
        return
    if (await context.staff(update))[1] is not None:
        return  # staff filling in a form are not a flood
    if wait.tell:
        session = await context.session(update)
        await reply(update, context, slow_down(session.tr, wait))
    raise ApplicationHandlerStop


async def quick_exit(update: Update, context: Context) -> None:
    """🚪 Effacer l'écran, or /effacer: every message of the chat the bot can still delete
    goes, the person's and its own; one neutral greeting stays. Requests, registrations
    and settings stay; only a form being filled in stops."""
    chat = update.effective_chat
    if chat is None:
        return
    query = update.callback_query
    private = chat.type == ChatType.PRIVATE  # a forged press in a group deletes nothing
    if (
        query is not None
        and await context.pressed(update, actions.QUICK_EXIT, lambda _: private) is None
    ):
        return
    if not private:
        return
    message = update.effective_message
    current = message.message_id if message is not None else None
    services = context.services
    ids = await services.screen.wipe(chat.id, current)
    await delete_messages(context, ((chat.id, message_id) for message_id in ids))
    session = await context.session(update)
    # A question no longer on screen must not catch the next words typed: a request or a
    # sign-up being filled in stops (nothing of it was sent or booked yet).
    await services.conversations.clear(session.person.pseudonym)
    await reply(update, context, screen.neutral(session.tr))
    raise ApplicationHandlerStop


async def ask_language(update: Update, context: Context) -> None:
    session = await context.session(update)
    await reply(update, context, menu.language_choice(session.tr))


async def language_button(update: Update, context: Context) -> None:
    action = await context.pressed(update, actions.LANGUAGE)
    if action is None:
        return
    session = await context.session(update)
    await context.services.people.choose_language(session.person, action.argument)
    await reply(update, context, menu.language_changed(context.retranslate(action.argument)))


async def show_privacy(update: Update, context: Context) -> None:
    session = await context.session(update)
    await reply(update, context, privacy.policy(context.services.pack, session.tr))


async def ask_forget(update: Update, context: Context) -> None:
    session = await context.session(update)
    await reply(update, context, privacy.forget_confirmation(session.tr))


async def forget_button(update: Update, context: Context) -> None:
    action = await context.pressed(update, actions.FORGET)
    if action is None:
        return
    session = await context.session(update)
    if action.argument == "yes":
        services = context.services
        if update.effective_chat is not None:
            await services.screen.forget(update.effective_chat.id)
        shown = await services.requests.open_of(session.person)
        erasure = await services.people.forget(session.person)
        # The staff group must show the truth: the request withdrawn, the words gone.
        for request_id in shown:
            record = await services.requests.get(request_id)
            if record is not None:
                await refresh_card(context, record)
        await delete_messages(context, erasure.relayed)
        # A double tap: the other tap erased it first; what the person sees is still true.
        erased = erasure.erased or session.person.known
        await reply(update, context, privacy.forgotten(session.tr, erased))
    else:
        await reply(update, context, privacy.kept(session.tr))


async def ask_quartier(update: Update, context: Context) -> None:
    session = await context.session(update)
    pack = context.services.pack
    await reply(update, context, quartiers.choice(pack, session.tr, session.person.quartier))


async def quartier_button(update: Update, context: Context) -> None:
    pack = context.services.pack
    action = await context.pressed(
        update,
        actions.QUARTIER,
        lambda arg: arg == actions.NO_QUARTIER or pack.quartier(arg) is not None,
    )
    if action is None:
        return
    session = await context.session(update)
    quartier = None if action.argument == actions.NO_QUARTIER else action.argument
    await context.services.people.choose_quartier(session.person, quartier)
    await reply(update, context, quartiers.chosen(pack, session.tr, quartier))
