"""The staff group: /inscrits (the attendee list and its CSV) and /presences (attendance
on the day, marked with buttons)."""

from __future__ import annotations

from telegram import Update

from bot.events import attendance
from handlers.runtime.context import Context
from handlers.runtime.render import reply


async def attendees_command(update: Update, context: Context) -> None:
    """/inscrits <n>: the event's confirmed list and waiting list, with a CSV."""
    chat = update.effective_chat
    if chat is None:
        return
    tr, member = await context.staff(update)
    answer = await attendance.attendee_list(
        context.services, member, tr, context.args or [], chat.id
    )
    await reply(update, context, answer)


async def attendance_command(update: Update, context: Context) -> None:
    """/presences <n>: the message on which staff mark who came."""
    chat = update.effective_chat
    if chat is None:
        return
    tr, member = await context.staff(update)
    answer = await attendance.attendance_sheet(
        context.services, member, tr, context.args or [], chat.id
    )
    await reply(update, context, answer)


async def presence_button(update: Update, context: Context) -> None:
    """A name pressed on the attendance message (or ◀ ▶).

    The press is answered once, with the reason when it is refused (not staff, before
    the day, a forged button), which is why this does not go through
    ``context.pressed``: Telegram accepts a single answer per press.
    """
    query = update.callback_query
    if query is None:
        return
    tr, member = await context.staff(update)
    pressed = await attendance.press(context.services, member, tr, query.data)
    await query.answer(pressed.notice or None, show_alert=pressed.alert)
    context.answered = True
    if pressed.reply is not None:
        await reply(update, context, pressed.reply)
