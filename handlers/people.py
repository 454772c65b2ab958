"""The person's own settings: language, quartier, what is kept about them, and erasing it."""

from __future__ import annotations

from telegram import Update

from bot import actions
from bot.home import menu
from bot.people import privacy, quartiers
from handlers.requests import refresh_card
from handlers.runtime.context import Context
from handlers.runtime.render import delete_messages, reply


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
