"""/abonnements: choosing the announcements one receives."""

from __future__ import annotations

from telegram import Update

from bot import actions
from bot.broadcasts import subscriptions
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
