"""Versioned schema migrations, applied once each, in order, in a transaction.

Never edit a migration that has shipped: add the next one.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Migration:
    version: int
    name: str
    statements: tuple[str, ...]


MIGRATIONS: tuple[Migration, ...] = (
    Migration(
        1,
        "people",
        (
            # A person is known only by a keyed pseudonym of their Telegram id.
            """CREATE TABLE person (
                pseudonym    TEXT PRIMARY KEY,
                language     TEXT CHECK (language IN ('fr', 'en')),
                quartier     TEXT,
                residence    TEXT,
                created_at   TEXT NOT NULL,
                last_seen_at TEXT NOT NULL
            )""",
            "CREATE INDEX person_last_seen ON person (last_seen_at)",
            # The chat id needed to write back is the Telegram id itself in a private
            # chat: it lives apart, only when a feature needs it, and goes with erasure.
            """CREATE TABLE person_chat (
                pseudonym  TEXT PRIMARY KEY REFERENCES person (pseudonym) ON DELETE CASCADE,
                chat_id    INTEGER NOT NULL,
                blocked_at TEXT
            )""",
            """CREATE TABLE consent (
                pseudonym  TEXT NOT NULL REFERENCES person (pseudonym) ON DELETE CASCADE,
                purpose    TEXT NOT NULL,
                granted    INTEGER NOT NULL CHECK (granted IN (0, 1)),
                decided_at TEXT NOT NULL,
                PRIMARY KEY (pseudonym, purpose)
            )""",
        ),
    ),
    Migration(
        2,
        "callback requests and the staff queue",
        (
            # Staff are employees acting for the service: known by pseudonym too, with the
            # first name they choose to show and their role.
            """CREATE TABLE staff (
                pseudonym    TEXT PRIMARY KEY,
                display_name TEXT NOT NULL,
                role         TEXT NOT NULL CHECK (role IN ('mediator', 'coordinator')),
                team         TEXT,
                show_name    INTEGER NOT NULL DEFAULT 0 CHECK (show_name IN (0, 1)),
                added_at     TEXT NOT NULL,
                added_by     TEXT
            )""",
            # Where each team's cards go: the staff group, and its forum topic if any.
            """CREATE TABLE team_topic (
                team      TEXT PRIMARY KEY,
                chat_id   INTEGER NOT NULL,
                thread_id INTEGER
            )""",
            # A callback request. The person's pseudonym goes with erasure (ON DELETE SET
            # NULL): what remains is anonymous and still counts in the figures.
            """CREATE TABLE request (
                id               INTEGER PRIMARY KEY,
                reference        TEXT NOT NULL UNIQUE,
                pseudonym        TEXT REFERENCES person (pseudonym) ON DELETE SET NULL,
                team             TEXT NOT NULL,
                theme            TEXT NOT NULL,
                profile          TEXT,
                quartier         TEXT,
                urgent           INTEGER NOT NULL DEFAULT 0 CHECK (urgent IN (0, 1)),
                channel          TEXT NOT NULL CHECK (channel IN ('telegram', 'phone')),
                phone            TEXT,
                availability     TEXT,
                description      TEXT,
                source           TEXT NOT NULL,
                state            TEXT NOT NULL
                                 CHECK (state IN ('open', 'claimed', 'closed', 'cancelled')),
                claimed_by       TEXT REFERENCES staff (pseudonym) ON DELETE SET NULL,
                created_at       TEXT NOT NULL,
                first_claimed_at TEXT,
                claimed_at       TEXT,
                closed_at        TEXT,
                outcome          TEXT CHECK (outcome IN
                                 ('contacted', 'oriented', 'no_answer', 'not_needed')),
                unreachable      INTEGER NOT NULL DEFAULT 0,
                announcements    INTEGER NOT NULL DEFAULT 0,
                escalated_at     TEXT,
                card_chat_id     INTEGER,
                card_thread_id   INTEGER,
                card_message_id  INTEGER,
                CHECK (phone IS NULL OR channel = 'phone')
            )""",
            "CREATE INDEX request_state_team ON request (state, team)",
            "CREATE INDEX request_person ON request (pseudonym, state)",
            "CREATE INDEX request_created ON request (created_at)",
            "CREATE INDEX request_card ON request (card_chat_id, card_message_id)",
            # What happened to a request, for the card and the figures. Relayed messages
            # are counted here, never stored.
            """CREATE TABLE request_event (
                id         INTEGER PRIMARY KEY,
                request_id INTEGER NOT NULL REFERENCES request (id) ON DELETE CASCADE,
                at         TEXT NOT NULL,
                kind       TEXT NOT NULL,
                actor      TEXT,
                detail     TEXT
            )""",
            "CREATE INDEX request_event_request ON request_event (request_id, at)",
            # A conversation in progress (the steps of a request), so that a person who
            # comes back later, or a restart, finds it where it was.
            """CREATE TABLE conversation (
                pseudonym  TEXT PRIMARY KEY REFERENCES person (pseudonym) ON DELETE CASCADE,
                flow       TEXT NOT NULL,
                step       TEXT NOT NULL,
                data       TEXT NOT NULL,
                updated_at TEXT NOT NULL
            )""",
        ),
    ),
    Migration(
        3,
        "relay messages",
        (
            # Which request a bot message in the staff group belongs to (its card, or a
            # relayed message), so that a mediator can reply to any of them. No text.
            """CREATE TABLE relay_message (
                chat_id    INTEGER NOT NULL,
                message_id INTEGER NOT NULL,
                request_id INTEGER NOT NULL REFERENCES request (id) ON DELETE CASCADE,
                PRIMARY KEY (chat_id, message_id)
            )""",
        ),
    ),
    Migration(
        4,
        "events and registrations",
        (
            # An event, declared in the pack (pack_key) or published from Telegram.
            """CREATE TABLE event (
                id             INTEGER PRIMARY KEY,
                pack_key       TEXT UNIQUE,
                kind           TEXT NOT NULL,
                title_fr       TEXT NOT NULL,
                title_en       TEXT,
                description_fr TEXT,
                description_en TEXT,
                place          TEXT NOT NULL,
                quartier       TEXT,
                starts_at      TEXT NOT NULL,
                ends_at        TEXT,
                capacity       INTEGER CHECK (capacity IS NULL OR capacity > 0),
                deadline       TEXT,
                state          TEXT NOT NULL DEFAULT 'published'
                               CHECK (state IN ('published', 'cancelled')),
                created_at     TEXT NOT NULL,
                created_by     TEXT
            )""",
            "CREATE INDEX event_starts ON event (state, starts_at)",
            # A place taken (or waited for). ``places``: people, stands or one team.
            """CREATE TABLE registration (
                id         INTEGER PRIMARY KEY,
                event_id   INTEGER NOT NULL REFERENCES event (id) ON DELETE CASCADE,
                pseudonym  TEXT NOT NULL REFERENCES person (pseudonym) ON DELETE CASCADE,
                state      TEXT NOT NULL
                           CHECK (state IN ('confirmed', 'waitlisted', 'cancelled', 'declined')),
                places     INTEGER NOT NULL DEFAULT 1 CHECK (places > 0),
                details    TEXT,
                created_at TEXT NOT NULL,
                updated_at TEXT NOT NULL,
                attended   INTEGER CHECK (attended IN (0, 1))
            )""",
            # One active registration per person and event, whatever the concurrency.
            "CREATE UNIQUE INDEX registration_active ON registration (event_id, pseudonym)"
            " WHERE state IN ('confirmed', 'waitlisted')",
            "CREATE INDEX registration_queue ON registration (event_id, state, id)",
        ),
    ),
    Migration(
        5,
        "event reminders",
        (
            # A reminder sent to a registration, so that none is ever sent twice.
            """CREATE TABLE reminder_sent (
                registration_id INTEGER NOT NULL REFERENCES registration (id) ON DELETE CASCADE,
                reminder        TEXT NOT NULL,
                sent_at         TEXT NOT NULL,
                PRIMARY KEY (registration_id, reminder)
            )""",
        ),
    ),
    Migration(
        6,
        "event details, subscriptions, broadcasts, permanence changes",
        (
            # What an event carries beyond its date: a photo (Telegram file id), the unit
            # its capacity counts (braderie: stands or metres), the age categories of a
            # tournament (JSON list), and a revision bumped each time it is moved.
            "ALTER TABLE event ADD COLUMN photo_file_id TEXT",
            "ALTER TABLE event ADD COLUMN unit TEXT",
            "ALTER TABLE event ADD COLUMN categories TEXT",
            "ALTER TABLE event ADD COLUMN revision INTEGER NOT NULL DEFAULT 0",
            "ALTER TABLE event ADD COLUMN updated_at TEXT",
            # Announcements a person asked for: where (NULL: the whole territory) ...
            """CREATE TABLE subscriber (
                pseudonym  TEXT PRIMARY KEY REFERENCES person (pseudonym) ON DELETE CASCADE,
                quartier   TEXT,
                created_at TEXT NOT NULL,
                updated_at TEXT NOT NULL
            )""",
            # ... and about what: an event kind, or 'permanence' for permanence changes.
            """CREATE TABLE subscription (
                pseudonym TEXT NOT NULL REFERENCES subscriber (pseudonym) ON DELETE CASCADE,
                topic     TEXT NOT NULL,
                PRIMARY KEY (pseudonym, topic)
            ) WITHOUT ROWID""",
            "CREATE INDEX subscription_topic ON subscription (topic, pseudonym)",
            # One announcement, sent once: ``topic`` names what it announces
            # ('event:12:new', 'event:12:moved:2', ...) so it can never be made twice.
            # ``content`` is the message per language (JSON), fixed when it is created.
            """CREATE TABLE broadcast (
                id                  INTEGER PRIMARY KEY,
                topic               TEXT NOT NULL UNIQUE,
                content             TEXT NOT NULL,
                state               TEXT NOT NULL DEFAULT 'running'
                                    CHECK (state IN ('running', 'done')),
                created_at          TEXT NOT NULL,
                created_by          TEXT,
                finished_at         TEXT,
                progress_chat_id    INTEGER,
                progress_thread_id  INTEGER,
                progress_message_id INTEGER
            )""",
            # Who gets it: a snapshot taken when it is created. 'sending' is set at the
            # moment the request leaves for Telegram; a row found 'sending' after a crash
            # may or may not have arrived, and becomes 'uncertain' (never sent twice).
            """CREATE TABLE broadcast_delivery (
                broadcast_id INTEGER NOT NULL REFERENCES broadcast (id) ON DELETE CASCADE,
                pseudonym    TEXT NOT NULL REFERENCES person (pseudonym) ON DELETE CASCADE,
                state        TEXT NOT NULL DEFAULT 'pending' CHECK (state IN
                             ('pending', 'sending', 'sent', 'blocked', 'failed', 'uncertain')),
                attempts     INTEGER NOT NULL DEFAULT 0,
                updated_at   TEXT,
                PRIMARY KEY (broadcast_id, pseudonym)
            ) WITHOUT ROWID""",
            "CREATE INDEX broadcast_delivery_state ON broadcast_delivery (broadcast_id, state)",
            # A permanence date changed from Telegram by a coordinator: a date cancelled
            # (with the reason given, shown to people as typed), or a date added (with its
            # hours). The pack's own changes stay in its files.
            """CREATE TABLE permanence_change (
                id            INTEGER PRIMARY KEY,
                permanence_id TEXT NOT NULL,
                date          TEXT NOT NULL,
                action        TEXT NOT NULL CHECK (action IN ('cancelled', 'added')),
                opens         TEXT,
                closes        TEXT,
                note          TEXT,
                created_at    TEXT NOT NULL,
                created_by    TEXT,
                UNIQUE (permanence_id, date, action)
            )""",
        ),
    ),
    Migration(
        7,
        "relayed message times, durable inbox",
        (
            # When a relayed message reached the staff group: erasure deletes those the
            # bot can still delete (Telegram allows 48 hours). Earlier rows stay NULL.
            "ALTER TABLE relay_message ADD COLUMN sent_at TEXT",
            # Each update taken from Telegram, kept from before its arrival is confirmed
            # until it has been handled, so that a crash in between loses nothing. The
            # payload holds the message itself: it is cleared once handled; the bare id
            # stays two days, so that an update Telegram sends again is not handled twice.
            """CREATE TABLE inbox (
                update_id   INTEGER PRIMARY KEY,
                payload     TEXT,
                received_at TEXT NOT NULL,
                attempts    INTEGER NOT NULL DEFAULT 0
            )""",
        ),
    ),
    Migration(
        8,
        "content loop",
        (
            # 👍 / 👎 under answers: counts per entry and day, nothing about who tapped.
            """CREATE TABLE answer_feedback (
                entry_id  TEXT NOT NULL,
                day       TEXT NOT NULL,
                helpful   INTEGER NOT NULL DEFAULT 0,
                unhelpful INTEGER NOT NULL DEFAULT 0,
                PRIMARY KEY (entry_id, day)
            ) WITHOUT ROWID""",
            # Questions the bot could not answer (packs that opt in): the words with digits,
            # e-mail addresses and @handles removed, the day, no link to anyone; 30 days.
            """CREATE TABLE unanswered (
                id       INTEGER PRIMARY KEY,
                language TEXT NOT NULL,
                text     TEXT NOT NULL,
                day      TEXT NOT NULL
            )""",
        ),
    ),
    Migration(
        9,
        "closing well, canned replies, what the bot did",
        (
            # The one-tap rating a person gives when their request is closed: the only
            # thing kept of their answer (no text), counted in the bilan.
            "ALTER TABLE request ADD COLUMN rating TEXT"
            " CHECK (rating IS NULL OR rating IN ('good', 'neutral', 'bad'))",
            # Short replies a mediator sends in one tap, added by coordinators from the
            # group (the pack's own are in its files). ``team`` NULL: every team.
            """CREATE TABLE canned_reply (
                id         INTEGER PRIMARY KEY,
                team       TEXT,
                language   TEXT NOT NULL,
                title      TEXT NOT NULL,
                text       TEXT NOT NULL,
                created_by TEXT REFERENCES staff (pseudonym) ON DELETE SET NULL,
                created_at TEXT NOT NULL
            )""",
            # What the bot itself did, counted per day: questions answered, suggestions,
            # "I don't know" (by theme), crisis cards (by tier). Counts only, no text,
            # nobody.
            """CREATE TABLE usage_count (
                day  TEXT NOT NULL,
                kind TEXT NOT NULL,
                key  TEXT NOT NULL,
                n    INTEGER NOT NULL DEFAULT 0,
                PRIMARY KEY (day, kind, key)
            ) WITHOUT ROWID""",
        ),
    ),
    Migration(
        10,
        "closing in two steps",
        (
            # A close being prepared on a card: the outcome chosen and by whom, while the
            # mediator may still add a word for the person (the word itself is never kept).
            "ALTER TABLE request ADD COLUMN closing_outcome TEXT",
            "ALTER TABLE request ADD COLUMN closing_at TEXT",
        ),
    ),
    Migration(
        11,
        "permanences created from Telegram",
        (
            # A permanence a coordinator created from Telegram, beside the pack's
            # permanences.yaml (same fields): ``rrule`` NULL when it has one-off ``dates``
            # only (ISO dates, comma-separated); ``until`` its last day, set when it ends.
            """CREATE TABLE permanence (
                id         TEXT PRIMARY KEY,
                title_fr   TEXT NOT NULL,
                title_en   TEXT,
                place_fr   TEXT NOT NULL,
                place_en   TEXT,
                team       TEXT NOT NULL,
                theme      TEXT,
                quartier   TEXT,
                rrule      TEXT,
                start      TEXT NOT NULL,
                until      TEXT,
                dates      TEXT NOT NULL DEFAULT '',
                opens      TEXT NOT NULL,
                closes     TEXT NOT NULL,
                created_by TEXT REFERENCES staff (pseudonym) ON DELETE SET NULL,
                created_at TEXT NOT NULL,
                updated_at TEXT NOT NULL
            )""",
        ),
    ),
    Migration(
        12,
        "posters",
        (
            # Each poster printed with /affiche: what it opens (r the callback request,
            # e an event by its id, p a permanence by its pack id) and in which language.
            # Its id travels in the poster's signed link; arrivals through it are counted
            # per day in usage_count (kind 'poster', key the id): counts only, never who.
            """CREATE TABLE poster (
                id         INTEGER PRIMARY KEY AUTOINCREMENT,
                kind       TEXT NOT NULL CHECK (kind IN ('r', 'e', 'p')),
                target     TEXT NOT NULL,
                language   TEXT NOT NULL CHECK (language IN ('fr', 'en')),
                created_at TEXT NOT NULL
            )""",
        ),
    ),
    Migration(
        13,
        "writing to one registration",
        (
            # Which staff-group message belongs to the exchange with which registration
            # (its thread card, the person's answers): a reply to one reaches the person.
            # Message ids only, never the words; gone with the registration. The person's
            # own answers (``from_person``) are deleted from the group at their erasure.
            """CREATE TABLE registration_message (
                chat_id         INTEGER NOT NULL,
                message_id      INTEGER NOT NULL,
                thread_id       INTEGER,
                from_person     INTEGER NOT NULL DEFAULT 0,
                registration_id INTEGER NOT NULL REFERENCES registration (id)
                                ON DELETE CASCADE,
                created_at      TEXT NOT NULL,
                PRIMARY KEY (chat_id, message_id)
            )""",
            "CREATE INDEX registration_message_by_registration"
            " ON registration_message (registration_id, created_at)",
        ),
    ),
    Migration(
        14,
        "an event's cancellation reason",
        (
            # Typed by the coordinator who cancels an event, told to those registered and
            # shown on its page; kept while the cancellation waits for confirmation too.
            "ALTER TABLE event ADD COLUMN cancel_reason TEXT",
        ),
    ),
    Migration(
        15,
        "quick exit: the message ids on a person's screen",
        (
            # What the bot needs to wipe a private chat's screen on request: message ids
            # and when they were seen, never a word. Keyed by pseudonym (the chat of a
            # private conversation is the person), kept 48 hours (as long as Telegram lets
            # a bot delete them), gone with the person's erasure.
            """CREATE TABLE screen_message (
                pseudonym  TEXT NOT NULL,
                message_id INTEGER NOT NULL,
                seen_at    TEXT NOT NULL,
                PRIMARY KEY (pseudonym, message_id)
            ) WITHOUT ROWID""",
            "CREATE INDEX screen_message_seen ON screen_message (seen_at)",
        ),
    ),
    Migration(
        16,
        "pausing a person",
        (
            # A coordinator paused someone (from a request card): no callback request, no
            # relay until ``until``, or until lifted (``ended_at``). The reason is for
            # staff only: ``reason`` a key of the buttons, ``reason_text`` typed. Gone
            # with the person's erasure; the count of pauses is kept in usage_count.
            """CREATE TABLE pause (
                id          INTEGER PRIMARY KEY,
                pseudonym   TEXT NOT NULL REFERENCES person (pseudonym) ON DELETE CASCADE,
                request_id  INTEGER REFERENCES request (id) ON DELETE SET NULL,
                reason      TEXT NOT NULL,
                reason_text TEXT,
                paused_by   TEXT REFERENCES staff (pseudonym) ON DELETE SET NULL,
                created_at  TEXT NOT NULL,
                until       TEXT NOT NULL,
                ended_at    TEXT,
                lifted_by   TEXT REFERENCES staff (pseudonym) ON DELETE SET NULL
            )""",
            # One current pause a person, whoever presses at the same moment.
            "CREATE UNIQUE INDEX pause_current ON pause (pseudonym) WHERE ended_at IS NULL",
            # A coordinator about to type a reason ("Autre raison"): for which request,
            # how long, and the bot's prompt a reply to which is the reason.
            """CREATE TABLE pause_draft (
                request_id  INTEGER NOT NULL REFERENCES request (id) ON DELETE CASCADE,
                drafted_by  TEXT NOT NULL,
                duration    TEXT NOT NULL,
                chat_id     INTEGER,
                message_id  INTEGER,
                created_at  TEXT NOT NULL,
                PRIMARY KEY (request_id, drafted_by)
            )""",
        ),
    ),
)
