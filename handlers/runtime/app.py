"""The map of what the bot does with each update: every handler is registered here, in
order.

Reading this file is reading what the bot does with each kind of update.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from telegram import BotCommand, BotCommandScopeAllPrivateChats, BotCommandScopeChat
from telegram.error import TelegramError
from telegram.ext import (
    Application,
    ApplicationBuilder,
    CallbackQueryHandler,
    CommandHandler,
    ContextTypes,
    MessageHandler,
    filters,
)
from telegram.request import BaseRequest, HTTPXRequest

from bot import actions, conversations
from bot.home import menu
from bot.services import Services
from handlers import (
    answers,
    broadcasts,
    events,
    home,
    people,
    permanences,
    requests,
    staff,
)
from handlers.runtime import delivery, flows, jobs
from handlers.runtime.context import SERVICES_KEY, Context, services_of
from handlers.runtime.delivery import DeliveryTrackingRequest
from handlers.runtime.errors import on_error
from handlers.runtime.health import start_health, stop_health
from handlers.runtime.inbox import DurableApplication, DurableQueue, open_inbox
from handlers.runtime.pacing import PacedRateLimiter
from handlers.runtime.screen import ScreenRequest

log = logging.getLogger(__name__)

PassApp = Application[Any, Context, Any, Any, Any, Any]

PRIVATE = filters.ChatType.PRIVATE

# Handler groups: lower numbers run first, and one handler at most runs per group.
GROUP_ARRIVAL = -3
"""Every message of a private chat: noted for a quick exit, and a flood slowed down."""
GROUP_FLOWS = -2
"""What is sent during a sign-up's questions or an event being published (a sticker too:
the question is asked again)."""
GROUP_STEPS = -1
"""Text typed while a request is being built: consumed there (ApplicationHandlerStop)."""
GROUP_MAIN = 0
"""Commands, buttons and free text (the main group; ``bot/conversations.py`` names the
guided conversations, which come before it)."""


RATE_PER_SECOND = 30
"""Messages a second overall, Telegram's usual figure."""
RATE_BURST = 20


def register(app: PassApp) -> None:
    """Add every handler. Order matters inside a group: the first match wins."""

    def command(names: tuple[str, ...], callback: Any) -> None:
        app.add_handler(CommandHandler(names, callback, filters=PRIVATE), GROUP_MAIN)

    def staff_command(names: tuple[str, ...], callback: Any) -> None:
        app.add_handler(
            CommandHandler(names, callback, filters=filters.ChatType.GROUPS), GROUP_MAIN
        )

    app.add_handler(
        MessageHandler(PRIVATE & filters.UpdateType.MESSAGE, people.arrived), GROUP_ARRIVAL
    )
    # The way out, before any guided conversation can take the words.
    app.add_handler(CommandHandler(("effacer", "clear"), people.quick_exit, filters=PRIVATE),
                    GROUP_ARRIVAL + 1)  # fmt: skip

    # A guided conversation (a sign-up's questions, an event being published) takes what
    # is typed for it before anything else; then a request being built.
    flows.register_flow(conversations.SIGNUP, events.signup_input)
    flows.register_flow(conversations.EVENT_ADMIN, events.step_input)
    flows.register_flow(conversations.PERMANENCE_ADMIN, permanences.admin_input)
    flows.register_flow(conversations.ANNOUNCE, broadcasts.announce_input)
    flows.register_flow(conversations.EVENT_REPLY, events.reply_input)
    app.add_handler(
        MessageHandler(PRIVATE & filters.UpdateType.MESSAGE & ~filters.COMMAND,
                       flows.input_in_flow),
        GROUP_FLOWS,
    )  # fmt: skip
    app.add_handler(
        MessageHandler(PRIVATE & filters.TEXT & ~filters.COMMAND, requests.step_text), GROUP_STEPS
    )

    # Commands, French name first, English alias after.
    command(("start",), home.start)
    command(("menu",), home.show_menu)
    command(("aide", "help"), home.show_help)
    command(("urgence", "emergency", "sos"), home.show_numbers)
    command(("langue", "language"), people.ask_language)
    command(("quartier",), people.ask_quartier)
    command(("themes", "question", "questions"), answers.themes_command)
    command(("oualler", "where"), answers.where_command)
    command(("rappel", "callback"), requests.start_request)
    command(("permanences",), permanences.show_permanences)
    command(("evenements", "events"), events.list_events)
    command(("mes_inscriptions", "my_registrations"), events.my_registrations)
    command(("abonnements", "subscriptions", "annonces"), broadcasts.show_subscriptions)
    command(("mes_demandes", "my_requests"), requests.my_requests)

    # The staff group.
    staff_command(("file", "queue"), staff.queue_command)
    staff_command(("mes_suivis", "my_followups"), staff.my_followups)
    staff_command(("staff_ajouter", "staff_add"), staff.add_staff)
    staff_command(("staff_retirer", "staff_remove"), staff.remove_staff)
    staff_command(("staff", "equipe"), staff.list_staff)
    staff_command(("topic",), staff.set_topic)
    staff_command(("stats", "bilan"), staff.stats_command)
    staff_command(("sans_reponse", "unanswered"), staff.unanswered_command)
    staff_command(("reponses_types", "canned_replies"), staff.canned_list_command)
    staff_command(("reponse_type_ajouter", "add_canned_reply"), staff.canned_add_command)
    staff_command(("reponse_type_retirer", "remove_canned_reply"), staff.canned_remove_command)
    staff_command(("pauses",), staff.pauses_command)
    staff_command(("note",), staff.note_command)
    staff_command(("notes",), staff.notes_command)
    staff_command(("prenom", "show_name"), staff.show_name_command)
    staff_command(("affiche", "poster"), staff.poster_command)
    staff_command(("annuler_evenement", "cancel_event"), staff.cancel_event_command)
    # Coordinators publish, edit and cancel events privately with the bot.
    command(("nouvel_evenement", "new_event"), events.new_event)
    command(("modifier_evenement", "edit_event"), events.edit_event)
    command(("annuler_evenement", "cancel_event"), staff.cancel_event_command)
    staff_command(
        ("nouvel_evenement", "new_event", "modifier_evenement", "edit_event"),
        events.in_the_group,
    )
    staff_command(("inscrits", "attendees"), events.attendees_command)
    staff_command(("presences", "attendance"), events.attendance_command)
    # Coordinators create, edit and end permanences privately with the bot.
    command(("nouvelle_permanence", "new_permanence"), permanences.new_permanence)
    command(("modifier_permanence", "edit_permanence"), permanences.edit_permanence)
    staff_command(
        ("nouvelle_permanence", "new_permanence", "modifier_permanence", "edit_permanence"),
        permanences.admin_in_the_group,
    )
    # Permanence dates: coordinators, in the staff group or privately with the bot.
    for names, callback in (
        (("permanence_annuler", "cancel_permanence"), permanences.cancel_command),
        (("permanence_ajouter", "add_permanence"), permanences.add_command),
        (("permanence_retablir", "restore_permanence"), permanences.restore_command),
    ):
        staff_command(names, callback)
        command(names, callback)
    staff_command(("diffusions", "broadcasts"), broadcasts.overview_command)
    # Coordinators write their own announcements privately with the bot.
    command(("annonce", "announce"), broadcasts.announce_command)
    staff_command(("annonce", "announce"), broadcasts.announce_in_group)
    command(("diffusions", "broadcasts"), broadcasts.overview_command)
    # A reply to a request's card, in the staff group, is for the person.
    app.add_handler(
        MessageHandler(
            filters.ChatType.GROUPS & filters.REPLY & ~filters.COMMAND, staff.reply_to_card
        ),
        GROUP_MAIN,
    )
    command(("confidentialite", "privacy"), people.show_privacy)
    command(("oublier", "forget"), people.ask_forget)

    # Buttons, by the prefix of their callback data (see bot/actions.py).
    def button(kind: str, callback: Any) -> None:
        app.add_handler(CallbackQueryHandler(callback, pattern=f"^{kind}:"), GROUP_MAIN)

    button(actions.QUICK_EXIT, people.quick_exit)
    button(actions.MENU, home.menu_button)
    button(actions.LANGUAGE, people.language_button)
    button(actions.FORGET, people.forget_button)
    button(actions.QUARTIER, people.quartier_button)
    button(actions.THEME, answers.theme_button)
    button(actions.ANSWER, answers.answer_button)
    button(actions.FEEDBACK, answers.feedback_button)
    button(actions.INTENT, answers.offered_function_button)
    button(actions.WHERE, answers.where_button)
    button(actions.MEDIATOR, requests.mediator_button)
    button(actions.CRISIS, requests.crisis_button)
    button(actions.REQUEST, requests.step_button)
    button(actions.MY_REQUEST, requests.my_request_button)
    button(actions.STAFF, staff.card_button)
    button(actions.PAUSE, staff.pause_button)
    button(actions.EVENT, events.event_button)
    button(actions.EVENT_ADMIN, events.step_button)
    button(actions.EVENT_CANCEL, staff.event_cancel_button)
    button(actions.SIGNUP, events.signup_button)
    button(actions.PRESENCE, events.presence_button)
    button(actions.PERMANENCE, permanences.permanence_button)
    button(actions.PERMANENCE_ADMIN, permanences.admin_button)
    button(actions.SUBSCRIPTION, broadcasts.subscription_button)
    button(actions.ANNOUNCE, broadcasts.announce_button)
    # Anything else pressed is forged or from an older version: a kind word.
    app.add_handler(CallbackQueryHandler(home.stale_button), GROUP_MAIN)

    # Edited messages first, so that an edited command is not run a second time.
    app.add_handler(
        MessageHandler(filters.UpdateType.EDITED & PRIVATE, home.edited_message),
        GROUP_MAIN,
    )
    app.add_handler(MessageHandler(PRIVATE & filters.COMMAND, home.unknown_command), GROUP_MAIN)
    app.add_handler(
        # Any other text is a question (crisis check first).
        MessageHandler(PRIVATE & filters.TEXT & ~filters.COMMAND, answers.question),
        GROUP_MAIN,
    )
    app.add_handler(
        MessageHandler(
            PRIVATE & filters.UpdateType.MESSAGE & ~filters.TEXT, home.unsupported_content
        ),
        GROUP_MAIN,
    )
    # In groups, residents' commands get an invitation to talk privately.
    app.add_handler(
        CommandHandler(("start", "menu", "aide", "help"), home.group_message,
                       filters=filters.ChatType.GROUPS),
        GROUP_MAIN,
    )  # fmt: skip

    app.add_error_handler(on_error)


async def _post_init(app: PassApp) -> None:
    services = services_of(app)
    await services.open()
    # What a previous run took from Telegram and did not handle goes first in the queue.
    await open_inbox(app, services.inbox)
    await events.on_start(app)  # the pack's events.yaml, before the jobs are rebuilt
    await publish_commands(app)
    schedule_jobs(app)
    await jobs.rebuild(app)
    await delivery.rebuild(app)
    await requests.post_missing_cards(app)
    await start_health(app)


async def _post_shutdown(app: PassApp) -> None:
    await stop_health(app)
    await services_of(app).close()


async def publish_commands(app: PassApp) -> None:
    """The command menu per language, for private chats and (when configured) the staff
    group; a failure here must not stop the bot."""
    services = services_of(app)
    scope = BotCommandScopeAllPrivateChats()
    try:
        for language in (None, "fr", "en"):
            tr = services.translator(language or services.default_language)
            commands = [BotCommand(name, text) for name, text in menu.command_menu(tr)]
            await app.bot.set_my_commands(commands, scope=scope, language_code=language)
    except TelegramError as exc:
        log.warning("could not publish the command menu: %s", type(exc).__name__)
    staff_chat_id = services.settings.staff_chat_id
    if staff_chat_id is None:
        return
    # Telegram picks the most specific scope: in the staff group this list replaces the
    # residents' one, which stays out of staff's way (and staff commands out of theirs).
    staff_scope = BotCommandScopeChat(staff_chat_id)
    try:
        for language in (None, "fr", "en"):
            tr = services.translator(language or services.default_language)
            commands = [BotCommand(name, text) for name, text in menu.staff_command_menu(tr)]
            await app.bot.set_my_commands(commands, scope=staff_scope, language_code=language)
    except TelegramError as exc:
        # E.g. the bot not (yet) a member of that group: its commands still work.
        log.warning("could not publish the staff command menu: %s", type(exc).__name__)


def schedule_jobs(app: PassApp) -> None:
    """Recurring jobs; each has a name derived from what it is about."""
    services = services_of(app)
    job_queue = app.job_queue
    if job_queue is None:  # pragma: no cover - the job-queue extra is a dependency
        raise RuntimeError("python-telegram-bot was installed without its job-queue extra")
    for job in job_queue.get_jobs_by_name("retention:daily"):
        job.schedule_removal()
    job_queue.run_daily(
        _apply_retention,
        time=dt.time(3, 30, tzinfo=services.pack.tz),
        name="retention:daily",
    )


async def _apply_retention(context: Context) -> None:
    services = context.services
    retention = await services.people.apply_retention(services.pack.territory.retention_days)
    if retention.erased:
        log.info("retention: erased %d inactive people", retention.erased)
    # As after /oublier, the staff group must show the truth: withdrawn, no words.
    for request_id in retention.withdrawn:
        record = await services.requests.get(request_id)
        if record is not None:
            await requests.refresh_card(context, record)
    await services.inbox.tidy()
    await services.content_loop.tidy()
    await services.screen.tidy()
    contacts = await services.events.forget_past_contacts()
    if contacts:
        log.info("retention: erased the contact of %d teams after their event", contacts)


def build_application(
    services: Services,
    *,
    request: BaseRequest | None = None,
    rate_limited: bool | None = None,
    concurrent_updates: bool = False,
) -> PassApp:
    """The real Application; ``request`` replaces HTTP (console mode and tests)."""
    settings = services.settings
    token = settings.token.reveal() if settings.token else "0:offline"
    builder = (
        ApplicationBuilder()
        .token(token)
        .base_url(settings.bot_api_url)
        .base_file_url(_file_url(settings.bot_api_url))
        .context_types(ContextTypes(context=Context))
        .post_init(_post_init)
        .post_shutdown(_post_shutdown)
        .concurrent_updates(concurrent_updates)
        .application_class(DurableApplication)
        .update_queue(DurableQueue())
    )
    # Broadcast deliveries are marked at the moment their request leaves (after the
    # rate limiter's wait), which keeps a crash's uncertainty to the requests in flight.
    main_request = ScreenRequest(
        DeliveryTrackingRequest(
            request if request is not None else HTTPXRequest(connection_pool_size=256)
        ),
        services.screen.seen,
    )
    builder = builder.request(main_request)
    if request is not None:
        builder = builder.get_updates_request(request)
    if rate_limited if rate_limited is not None else request is None:
        # Telegram's limits: ~30 messages/s overall, 1/s per private chat (the pacer), 20/min
        # per group. Retry what it refuses.
        # The bucket allows bursts of 20 (still 30/s): after a RetryAfter pause, the sends
        # already waiting plus a fresh burst must stay under Telegram's own burst, or one
        # 429 brings the next (measured with bench/broadcast.py --hiccup 1).
        limiter = PacedRateLimiter(
            overall_max_rate=RATE_BURST,
            overall_time_period=RATE_BURST / RATE_PER_SECOND,
            max_retries=3,
        )
        builder = builder.rate_limiter(limiter)  # type: ignore[arg-type]
    app: PassApp = builder.build()
    app.bot_data[SERVICES_KEY] = services
    register(app)
    return app


def _file_url(api_url: str) -> str:
    return api_url[: -len("/bot")] + "/file/bot" if api_url.endswith("/bot") else api_url


@asynccontextmanager
async def running(app: PassApp) -> AsyncIterator[PassApp]:
    """Start the application as run_polling does, without polling (console, tests)."""
    await app.initialize()
    try:
        if app.post_init:
            await app.post_init(app)
        await app.start()
        try:
            yield app
        finally:
            await app.stop()
    finally:
        await app.shutdown()
        if app.post_shutdown:
            await app.post_shutdown(app)
