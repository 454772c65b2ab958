"""How long a request has waited, and when it is due: shared by the queue's lists and
cards and by the escalation jobs."""

from __future__ import annotations

import datetime as dt

from bot.i18n import Translator
from bot.storage import RequestRecord
from bot.territory import Pack, add_working_minutes


def age(tr: Translator, since: dt.datetime, now: dt.datetime) -> str:
    minutes = max(0, int((now - since).total_seconds() // 60))
    if minutes < 60:
        return tr.n_("{n} min", "{n} min", minutes).format(n=minutes)
    hours = minutes // 60
    if hours < 48:
        return tr.n_("{n} h", "{n} h", hours).format(n=hours)
    days = hours // 24
    return tr.n_("{n} jour", "{n} jours", days).format(n=days)


def due(pack: Pack, record: RequestRecord, rounds: int | None = None) -> dt.datetime | None:
    """When an open request must next be announced again (``None`` if it is not open);
    ``rounds=1``: when the team's delay for taking it runs out."""
    if record.state != "open" or pack.routing is None:
        return None
    delays = pack.routing.delays
    rounds = record.announcements + 1 if rounds is None else rounds
    if record.urgent:  # urgent requests do not wait for opening hours
        return record.created_at + dt.timedelta(minutes=delays.urgent_minutes * rounds)
    return add_working_minutes(pack, record.created_at, delays.normal_minutes * rounds)


def overdue(pack: Pack, record: RequestRecord, now: dt.datetime) -> bool:
    """Whether an open request has waited past its team's delay (working hours count)."""
    first = due(pack, record, rounds=1)
    return first is not None and now >= first
