"""Permanences: the next dates, for the person's quartier first; coordinators cancel,
add or restore a date (/permanence_annuler, /permanence_ajouter, /permanence_retablir and
the buttons of the cancellation list, ``pm:``)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from telegram import Update

from bot import actions, permanences
from bot.broadcasts import Where
from bot.i18n import Translator
from bot.permanences import Outcome, button_target, permanence_in_private, refusal
from bot.staff import coordinates
from bot.storage import StaffRecord
from bot.ui import Reply
from handlers.runtime import delivery
from handlers.runtime.context import Context
from handlers.runtime.render import reply


def _where(update: Update) -> Where | None:
    """Where the coordinator watches the announcement go (the topic they wrote in)."""
    chat, message = update.effective_chat, update.effective_message
    if chat is None:
        return None
    thread = message.message_thread_id if message and message.is_topic_message else None
    return Where(chat.id, thread)


async def _show(update: Update, context: Context, outcome: Outcome) -> None:
    await reply(update, context, outcome.reply)
    await delivery.launch(context.application, outcome.broadcast)


Command = Callable[[StaffRecord | None, Translator, list[str], Where | None], Awaitable[Outcome]]


async def _command(update: Update, context: Context, run: Command) -> None:
    tr, member = await context.staff(update)
    await _show(update, context, await run(member, tr, context.args or [], _where(update)))


async def cancel_command(update: Update, context: Context) -> None:
    """/permanence_annuler [<id> <JJ/MM> [raison]]."""
    await _command(update, context, context.services.permanence_changes.cancel_command)


async def add_command(update: Update, context: Context) -> None:
    """/permanence_ajouter <id> <JJ/MM> [14h-17h]."""
    await _command(update, context, context.services.permanence_changes.add_command)


async def restore_command(update: Update, context: Context) -> None:
    """/permanence_retablir <id> <JJ/MM>."""
    await _command(update, context, context.services.permanence_changes.restore_command)


async def permanence_button(update: Update, context: Context) -> None:
    """A date chosen in the cancellation list, its confirmation, or "keep it"."""
    query = update.callback_query
    if query is None:
        return
    tr, member = await context.staff(update)
    if not coordinates(member):
        await query.answer(refusal(tr), show_alert=True)
        return
    action = await context.pressed(
        update, actions.PERMANENCE, lambda argument: button_target(argument) is not None
    )
    if action is None:
        return
    outcome = await context.services.permanence_changes.pressed(
        member, tr, action.argument, _where(update)
    )
    await _show(update, context, outcome)


async def show_permanences(update: Update, context: Context) -> None:
    """/permanences: the next 30 days, the person's quartier first, then the others."""
    session = await context.session(update)
    services = context.services
    now = services.clock.now()
    # The pack's and the database's permanences, with the dates changed from Telegram;
    # further than the window only to find the date after a cancelled one.
    found = await services.permanence_changes.occurrences(
        now, now + permanences.WINDOW + permanences.LOOKAHEAD
    )
    listing = permanences.upcoming(services.pack, session.tr, now, session.person.quartier, found)
    await reply(update, context, listing)


# --- coordinators create, edit and end a permanence, privately with the bot ---------------


async def _replies(update: Update, context: Context, replies: list[Reply]) -> None:
    for answer in replies:
        await reply(update, context, answer)


async def new_permanence(update: Update, context: Context) -> None:
    """/nouvelle_permanence: a coordinator begins (or takes up) a permanence."""
    session = await context.session(update)
    admin = context.services.permanence_admin
    await _replies(update, context, await admin.start_new(session.person, session.tr))


async def edit_permanence(update: Update, context: Context) -> None:
    """/modifier_permanence [id]: the list with ids, or one permanence to change or end."""
    session = await context.session(update)
    args = context.args or []
    admin = context.services.permanence_admin
    replies = await admin.start_edit(session.person, session.tr, args[0] if args else None)
    await _replies(update, context, replies)


async def admin_in_the_group(update: Update, context: Context) -> None:
    """The same commands in the staff group: one is asked to write privately."""
    services = context.services
    await reply(
        update, context, permanence_in_private(services.translator(services.default_language))
    )


async def admin_button(update: Update, context: Context) -> None:
    """A button of the permanence conversation (``pa:``)."""
    action = await context.pressed(update, actions.PERMANENCE_ADMIN)
    if action is None:
        return
    step, value = actions.split(action.argument)[:2]
    session = await context.session(update)
    admin = context.services.permanence_admin
    await _replies(
        update, context, await admin.answer_button(session.person, session.tr, step, value)
    )


async def admin_input(update: Update, context: Context) -> None:
    """What is typed while a permanence is being written (anything else: the step again)."""
    message = update.effective_message
    if message is None:
        return
    session = await context.session(update)
    admin = context.services.permanence_admin
    replies = await admin.answer_text(session.person, session.tr, message.text or "")
    await _replies(update, context, replies)
