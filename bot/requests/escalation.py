"""Nothing falls through the cracks: unclaimed requests are announced again, then the
coordinators are told. Due times are computed from the database alone, so the jobs
can be rebuilt at every start and never fire twice for the same announcement."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from bot.clock import Clock
from bot.i18n import Translator
from bot.requests.request_steps import subject_label
from bot.requests.timing import age, due
from bot.storage import Database, RequestRecord
from bot.storage import requests as store
from bot.territory import Pack
from bot.ui import Outgoing, Reply, esc


@dataclass(frozen=True)
class Reminder:
    """What to post (a reminder under the card, and for the coordinators if it is time),
    and when the request is next due."""

    record: RequestRecord
    posts: tuple[Outgoing, ...]
    next_due: dt.datetime | None


class Escalation:
    def __init__(self, db: Database, pack: Pack, clock: Clock, staff_chat: int | None) -> None:
        self._db = db
        self.pack = pack
        self._clock = clock
        self._staff_chat = staff_chat

    async def pending(self) -> list[tuple[int, dt.datetime]]:
        """Every open request and when it is next due: to rebuild the jobs at start."""
        out = []
        for record in await store.open_requests(self._db, None):
            when = due(self.pack, record)
            if when is not None:
                out.append((record.id, when))
        return out

    async def check(self, request_id: int, tr: Translator) -> Reminder | None:
        """The request is due: if nobody took it meanwhile, announce it again."""
        record = await store.get_request(self._db, request_id)
        if record is None or record.state != "open":
            return None
        when = due(self.pack, record)
        now = self._clock.now()
        if when is None or when > now:
            return None
        if not await store.count_announcement(self._db, record.id, record.announcements, now):
            return None  # another run counted it already
        fresh = await store.get_request(self._db, record.id)
        assert fresh is not None
        waited = age(tr, fresh.created_at, now)
        flag = "🔴 " if fresh.urgent else ""
        reminder = Reply(
            tr._("⏰ {flag}{reference} attend toujours d'être prise ({age}).").format(
                flag=flag, reference=fresh.reference, age=waited
            )
        )
        posts = []
        if fresh.card_chat_id is not None:
            posts.append(Outgoing(fresh.card_chat_id, tr.language, reminder,
                                  thread_id=fresh.card_thread_id,
                                  reply_to=fresh.card_message_id))  # fmt: skip
        coordination = self._staff_chat or fresh.card_chat_id
        assert self.pack.routing is not None
        if fresh.announcements >= self.pack.routing.delays.escalate_after:
            if fresh.escalated_at is None:
                await store.mark_escalated(self._db, fresh.id, now)
            escalation = Reply(
                tr._(
                    "🚨 <b>Coordination</b> : {flag}{reference} ({subject}) n'a pas été prise "
                    "depuis {age}. Qui peut s'en occuper ?"
                ).format(
                    flag=flag,
                    reference=fresh.reference,
                    subject=esc(subject_label(self.pack, tr, fresh.theme)),
                    age=waited,
                )
            )
            if coordination is not None:
                posts.append(Outgoing(coordination, tr.language, escalation))
        return Reminder(fresh, tuple(posts), due(self.pack, fresh))
