"""Storage: the only package that speaks SQL.

:class:`Database` owns the single aiosqlite connection; the modules beside it, one per
domain, expose functions named after the service's vocabulary, so the rest of ``bot/``
never writes a query. Other packages import the modules (``from bot.storage import
events as store``) and the records below."""

from __future__ import annotations

from bot.storage.attendance import Attendee
from bot.storage.broadcasts import Audience, BroadcastRecord, Recipient, SubscriptionRecord
from bot.storage.conversations import ConversationRecord
from bot.storage.database import Database, DatabaseError, from_db_time, to_db_time
from bot.storage.event_edits import EventFields
from bot.storage.events import EventRecord, SignUp
from bot.storage.files import LATEST, BackupError, FileReport, backup, inspect
from bot.storage.pauses import PauseRecord
from bot.storage.permanences import ADDED, CANCELLED, DateChange, PermanenceRecord
from bot.storage.requests import RequestRecord
from bot.storage.staff import StaffRecord

__all__ = [
    "ADDED",
    "CANCELLED",
    "LATEST",
    "Attendee",
    "Audience",
    "BackupError",
    "BroadcastRecord",
    "ConversationRecord",
    "Database",
    "DatabaseError",
    "DateChange",
    "EventFields",
    "EventRecord",
    "FileReport",
    "PauseRecord",
    "PermanenceRecord",
    "Recipient",
    "RequestRecord",
    "SignUp",
    "StaffRecord",
    "SubscriptionRecord",
    "backup",
    "from_db_time",
    "inspect",
    "to_db_time",
]
