"""Scheduled work on requests: one job per open request, named after it, rebuilt at start."""

from __future__ import annotations

import datetime as dt
import logging
from typing import Any

from telegram.ext import Application

from handlers.runtime.context import Context, services_of
from handlers.runtime.render import send, update_message

log = logging.getLogger(__name__)


def job_name(request_id: int) -> str:
    return f"request:unclaimed:{request_id}"


def schedule_check(app: Application[Any, Any, Any, Any, Any, Any], request_id: int,
                   when: dt.datetime | None) -> None:  # fmt: skip
    """(Re)place the request's job; ``None`` removes it (the request was taken or closed)."""
    job_queue = app.job_queue
    if job_queue is None:  # pragma: no cover - the job-queue extra is a dependency
        return
    for job in job_queue.get_jobs_by_name(job_name(request_id)):
        job.schedule_removal()
    if when is not None:
        job_queue.run_once(check_unclaimed, when=when, data=request_id, name=job_name(request_id))


async def rebuild(app: Application[Any, Any, Any, Any, Any, Any]) -> None:
    """At start: a job for every open request and every reminder, from the database alone."""
    services = services_of(app)
    now = services.clock.now()
    for request_id, when in await services.escalation.pending():
        schedule_check(app, request_id, max(when, now + dt.timedelta(seconds=1)))
    for event_id in await services.reminders.upcoming():
        await schedule_reminders(app, event_id)


async def schedule_reminders(
    app: Application[Any, Any, Any, Any, Any, Any], event_id: int
) -> None:
    """(Re)place an event's reminder jobs; one already due (the bot was down) runs now."""
    services = services_of(app)
    job_queue = app.job_queue
    if job_queue is None:  # pragma: no cover
        return
    now = services.clock.now()
    for reminder, when in await services.reminders.schedule(event_id):
        name = f"event:reminder:{event_id}:{reminder}"
        for job in job_queue.get_jobs_by_name(name):
            job.schedule_removal()
        job_queue.run_once(send_reminders, when=max(when, now + dt.timedelta(seconds=1)),
                           data=(event_id, reminder), name=name)  # fmt: skip


async def send_reminders(context: Context) -> None:
    job = context.job
    if job is None or not isinstance(job.data, tuple):
        return
    event_id, reminder = job.data
    for due in await context.services.reminders.due(event_id, reminder):
        await send(context.application, due)


async def check_unclaimed(context: Context) -> None:
    job = context.job
    if job is None or not isinstance(job.data, int):
        return
    services = context.services
    tr = services.translator(services.default_language)
    reminder = await services.escalation.check(job.data, tr)
    if reminder is None:
        return
    for post in reminder.posts:
        await send(context.application, post)
    record = reminder.record
    if record.card_chat_id is not None and record.card_message_id is not None:
        # The card says it has waited past the team's delay.
        card = await services.queue.card(record, tr)
        await update_message(context.bot, record.card_chat_id, record.card_message_id, card)
    schedule_check(context.application, record.id, reminder.next_due)
