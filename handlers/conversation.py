"""The first conversation: /start, the menu, help, emergency numbers, language, privacy."""

from __future__ import annotations

from telegram import Update

from bot import actions, permanences
from bot.home import emergency, menu, navigation
from bot.people import privacy, quartiers
from handlers.context import Context
from handlers.events import list_events, my_registrations
from handlers.render import delete_messages, reply
from handlers.requests import my_requests, refresh_card, start_request
from handlers.subscriptions import show_subscriptions


async def start(update: Update, context: Context) -> None:
    session = await context.session(update)
    if not context.args:
        await reply(update, context, menu.welcome(context.services.pack, session.tr))
        return
    # A poster's link: t.me/<bot>?start=<payload>, signed so it cannot be forged.
    services = context.services
    target = services.payloads.read(context.args[0])
    if target is not None and target[0] == "r":
        await start_request(update, context)
        return
    if (
        target is not None
        and target[0] == "e"
        and await services.events.open_for_sign_up(int(target[1]))
    ):
        await reply(update, context, await services.events.detail(session.tr, int(target[1])))
        return
    if target is not None and target[0] == "p" and permanences.exists(services.pack, target[1]):
        await show_permanences(update, context)
        return
    await reply(update, context, menu.broken_link(session.tr))


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
    action = await context.pressed(update, actions.MENU)
    if action is None:
        return
    if action.argument == "callback":
        await start_request(update, context)
        return
    if action.argument == "mine":
        await my_requests(update, context)
        return
    if action.argument == "permanences":
        await show_permanences(update, context)
        return
    if action.argument == "events":
        await list_events(update, context)
        return
    if action.argument == "registrations":
        await my_registrations(update, context)
        return
    if action.argument == "subscriptions":
        await show_subscriptions(update, context)
        return
    session = await context.session(update)
    answer = navigation.open_entry(context.services.pack, session.tr, action.argument)
    await reply(update, context, answer)


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


async def show_permanences(update: Update, context: Context) -> None:
    """/permanences: the next seven days, near the person when they chose a quartier."""
    session = await context.session(update)
    services = context.services
    now = services.clock.now()
    # Dates cancelled or added from Telegram apply on top of the pack's own changes.
    changes = await services.permanence_changes.between(now, now + permanences.WINDOW)
    listing = permanences.upcoming(
        services.pack, session.tr, now, session.person.quartier, changes
    )
    await reply(update, context, listing)
