"""The service, assembled: created at start, opened in post_init, closed at shutdown."""

from __future__ import annotations

import logging

from bot.answers import ContentLoop, KnowledgeBase, Usage
from bot.broadcasts import Announcements, Broadcasts, Subscriptions
from bot.clock import Clock, SystemClock
from bot.config import Settings
from bot.conversations import Conversations
from bot.events import (
    Attendance,
    EventAdmin,
    EventChanges,
    Events,
    PackSync,
    RegistrationThreads,
    Reminders,
)
from bot.home import Payloads, Posters
from bot.i18n import Catalogs, Translator
from bot.inbox import Inbox
from bot.people import Pace, People, Pseudonymiser, Screen
from bot.permanences import PermanenceAdmin, PermanenceChanges
from bot.requests import CannedReplies, Escalation, Pauses, Queue, Relays, Requests
from bot.staff import Staffing
from bot.storage import Database
from bot.territory import Pack

log = logging.getLogger(__name__)


class Services:
    """Everything ``handlers/`` may call, reached as ``context.services``."""

    def __init__(
        self,
        settings: Settings,
        pack: Pack,
        *,
        clock: Clock | None = None,
        catalogs: Catalogs | None = None,
        knowledge: KnowledgeBase | None = None,
    ) -> None:
        self.settings = settings
        self.pack = pack
        self.clock: Clock = clock or SystemClock()
        self.catalogs = catalogs or Catalogs()
        self.db = Database(settings.db_path)
        self.default_language = settings.language or pack.territory.default_language
        self.knowledge = knowledge or KnowledgeBase(pack)
        self.pseudonymise = Pseudonymiser(settings.pseudonym_secret.reveal())
        self.people = People(self.db, self.pseudonymise, self.clock, self.default_language)
        self.screen = Screen(self.db, self.pseudonymise, self.clock)
        self.conversations = Conversations(self.db, self.clock)
        """Guided conversations in progress (a request being built, a sign-up's questions)."""
        self.inbox = Inbox(self.db, self.clock)
        self.content_loop = ContentLoop(self.db, pack, self.clock)
        self.usage = Usage(self.db, pack, self.clock)
        # Who a coordinator paused: asked before a callback request or a relayed message.
        self.pauses = Pauses(self.db, self.clock, self.translator, self.default_language)
        self.requests = Requests(self.db, pack, self.people, self.clock, self.pauses)
        self.queue = Queue(self.db, pack, self.clock)
        self.escalation = Escalation(self.db, pack, self.clock, settings.staff_chat_id)
        self.events = Events(self.db, pack, self.people, self.clock, self.translator)
        self.reminders = Reminders(self.db, pack, self.clock, self.translator)
        self.broadcasts = Broadcasts(self.db, pack, self.clock, self.translator)
        self.permanence_changes = PermanenceChanges(self.db, pack, self.clock, self.broadcasts)
        self.permanence_admin = PermanenceAdmin(self.db, self.clock, self.permanence_changes)
        self.subscriptions = Subscriptions(self.db, pack, self.clock)
        self.announcements = Announcements(
            self.db, pack, self.translator, self.conversations, self.broadcasts,
            self.subscriptions,
        )  # fmt: skip
        self.event_admin = EventAdmin(
            self.db, pack, self.clock, self.translator, self.queue, self.broadcasts
        )
        self.event_changes = EventChanges(self.db, self.clock, self.broadcasts)
        self.pack_events = PackSync(
            self.db, pack, self.clock, self.translator, self.broadcasts, settings.staff_chat_id
        )
        # Poster links are signed with a key derived from the pseudonym secret: a printed
        # poster keeps working as long as the bot keeps its identity.
        self.payloads = Payloads(settings.pseudonym_secret.reveal() + "|posters")
        self.staffing = Staffing(
            self.db, pack, self.clock, self.translator, self.default_language,
            self.pseudonymise, settings.staff_chat_id,
        )  # fmt: skip
        self.posters = Posters(self.db, pack, self.payloads, self.clock, self.translator,
                               self.permanence_changes.catalogue.find)  # fmt: skip
        self.canned = CannedReplies(self.db, pack, self.clock)
        self.pace = Pace(pack.territory.limits, self.clock)
        self.relays = Relays(
            self.db,
            self.clock,
            self.queue,
            self.translator,
            self.default_language,
            pace=self.pace,
            pauses=self.pauses,
        )
        self.attendance = Attendance(self.db, pack, self.clock, settings.staff_chat_id)
        self.registration_threads = RegistrationThreads(
            self.db, self.clock, self.translator, self.default_language
        )

    async def open(self) -> None:
        await self.db.open()
        log.info("territory %s, database schema v%s", self.pack.id, await self.db.schema_version())

    async def close(self) -> None:
        await self.screen.close()
        await self.db.close()

    def translator(self, language: str) -> Translator:
        """Text and dates in ``language``, in the territory's timezone."""
        return self.catalogs.translator(language, self.pack.tz, self.pack.territory.address)
