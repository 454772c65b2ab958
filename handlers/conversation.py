"""The first conversation: /start, the menu, help, emergency numbers, language, privacy."""

from __future__ import annotations

from telegram import Update

from bot import actions, emergency, menu, navigation, privacy, quartiers
from handlers.context import Context
from handlers.render import reply


async def start(update: Update, context: Context) -> None:
    session = await context.session(update)
    await reply(update, context, menu.welcome(context.services.pack, session.tr))


async def show_menu(update: Update, context: Context) -> None:
    session = await context.session(update)
    await reply(update, context, menu.main_menu(session.tr))


async def show_help(update: Update, context: Context) -> None:
    session = await context.session(update)
    await reply(update, context, menu.help_text(context.services.pack, session.tr))


async def show_numbers(update: Update, context: Context) -> None:
    session = await context.session(update)
    await reply(update, context, emergency.numbers(context.services.pack, session.tr))


async def menu_button(update: Update, context: Context) -> None:
    query = update.callback_query
    assert query is not None  # registered for callback queries only
    session = await context.session(update)
    action = actions.parse(query.data)
    if action is None or action.kind != actions.MENU:
        await query.answer(menu.stale_button(session.tr), show_alert=True)
        return
    await query.answer()
    answer = navigation.open_entry(context.services.pack, session.tr, action.argument)
    await reply(update, context, answer)


async def ask_language(update: Update, context: Context) -> None:
    session = await context.session(update)
    await reply(update, context, menu.language_choice(session.tr))


async def language_button(update: Update, context: Context) -> None:
    query = update.callback_query
    assert query is not None
    session = await context.session(update)
    action = actions.parse(query.data)
    if action is None or action.kind != actions.LANGUAGE:
        await query.answer(menu.stale_button(session.tr), show_alert=True)
        return
    await context.services.people.choose_language(session.person, action.argument)
    tr = context.retranslate(action.argument)
    await query.answer()
    await reply(update, context, menu.language_changed(tr))


async def show_privacy(update: Update, context: Context) -> None:
    session = await context.session(update)
    await reply(update, context, privacy.policy(context.services.pack, session.tr))


async def ask_forget(update: Update, context: Context) -> None:
    session = await context.session(update)
    await reply(update, context, privacy.forget_confirmation(session.tr))


async def forget_button(update: Update, context: Context) -> None:
    query = update.callback_query
    assert query is not None
    session = await context.session(update)
    action = actions.parse(query.data)
    if action is None or action.kind != actions.FORGET:
        await query.answer(menu.stale_button(session.tr), show_alert=True)
        return
    await query.answer()
    if action.argument == "yes":
        erased = await context.services.people.forget(session.person)
        await reply(update, context, privacy.forgotten(session.tr, erased))
    else:
        await reply(update, context, privacy.kept(session.tr))


async def ask_quartier(update: Update, context: Context) -> None:
    session = await context.session(update)
    pack = context.services.pack
    await reply(update, context, quartiers.choice(pack, session.tr, session.person.quartier))


async def quartier_button(update: Update, context: Context) -> None:
    query = update.callback_query
    assert query is not None
    session = await context.session(update)
    pack = context.services.pack
    action = actions.parse(query.data)
    known = action is not None and (
        action.argument == actions.NO_QUARTIER or pack.quartier(action.argument) is not None
    )
    if action is None or action.kind != actions.QUARTIER or not known:
        await query.answer(menu.stale_button(session.tr), show_alert=True)
        return
    quartier = None if action.argument == actions.NO_QUARTIER else action.argument
    await context.services.people.choose_quartier(session.person, quartier)
    await query.answer()
    await reply(update, context, quartiers.chosen(pack, session.tr, quartier))
