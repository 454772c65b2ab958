"""Announcements: /abonnements, choosing the ones one receives, and /diffusions, what was
broadcast and how far each one went (for coordinators)."""

from __future__ import annotations

from telegram import Update

from bot import actions
from bot.broadcasts import subscriptions
from bot.staff import coordinates, coordinators_only
from handlers.runtime.context import Context
from handlers.runtime.render import reply


async def show_subscriptions(update: Update, context: Context) -> None:
    session = await context.session(update)
    if update.callback_query is not None and not context.answered:
        await update.callback_query.answer()
    shown = await context.services.subscriptions.show(
        session.person, session.tr, edit=update.callback_query is not None
    )
    await reply(update, context, shown)


async def subscription_button(update: Update, context: Context) -> None:
    action = await context.pressed(update, actions.SUBSCRIPTION, subscriptions.valid_argument)
    if action is None:
        return
    session = await context.session(update)
    chat = update.effective_chat
    assert chat is not None
    changed = await context.services.subscriptions.change(
        session.person, session.tr, action.argument, chat.id
    )
    await reply(update, context, changed)


async def overview_command(update: Update, context: Context) -> None:
    """/diffusions: coordinators see what was broadcast and how far each one went."""
    services = context.services
    tr, member = await context.staff(update)
    if not coordinates(member):
        await reply(update, context, coordinators_only(tr))
        return
    await reply(update, context, await services.broadcasts.overview(tr))
