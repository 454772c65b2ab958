"""``python -m bot doctor``: what an operator checks before (and while) the bot runs.

One line per check, in the order things depend on each other: configuration, territory
pack, database, token, webhook or polling, staff group and its team topics, command menus.
Nothing is changed: the database is opened read-only, and Telegram is only asked.
"""

from __future__ import annotations

import asyncio
import sqlite3
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from telegram import Bot, BotCommandScope, BotCommandScopeAllPrivateChats, BotCommandScopeChat
from telegram.constants import ChatMemberStatus, ChatType
from telegram.error import InvalidToken, NetworkError, TelegramError
from telegram.request import BaseRequest

from bot.config import Settings
from bot.home import menu
from bot.i18n import Catalogs, Translator
from bot.storage import LATEST, FileReport, inspect
from bot.territory import ContentError, Pack, editor_report, find_pack, load_pack


@dataclass(frozen=True)
class Result:
    name: str
    ok: bool | None
    """True: fine; False: to fix before relying on the bot; None: a note (done at start)."""
    detail: str


def show(name: str, ok: bool | None, detail: str) -> str:
    mark = {True: "✓", False: "✗", None: "•"}[ok]
    if sys.stdout.isatty():
        colour = {True: "32", False: "31", None: "33"}[ok]
        mark = f"\033[{colour}m{mark}\033[0m"
    return f"{mark} {name}: {detail}"


async def diagnose(settings: Settings, request: BaseRequest | None = None) -> list[Result]:
    """Every check; ``request`` replaces HTTP (tests)."""
    results = [
        Result(
            "configuration",
            True,
            f"mode {settings.mode}, territory {settings.territory}, database {settings.db_path}",
        )
    ]
    pack = _check_pack(settings, results)
    report = await _check_database(settings, results)
    if settings.token is None:
        results.append(Result("Telegram", None, "no TELEGRAM_BOT_TOKEN: the console only"))
        return results
    bot = Bot(
        settings.token.reveal(),
        base_url=settings.bot_api_url,
        request=request,
        get_updates_request=request,
    )
    try:
        await bot.initialize()  # getMe
    except InvalidToken:
        results.append(Result("token", False, "refused by Telegram: check TELEGRAM_BOT_TOKEN"))
        return results
    except (NetworkError, TelegramError) as exc:
        results.append(
            Result(
                "token",
                False,
                f"cannot reach the Bot API at {settings.bot_api_url} ({type(exc).__name__})",
            )
        )
        return results
    try:
        results.append(Result("token", True, f"@{bot.username} (id {bot.id})"))
        await _check_updates(bot, settings, results)
        await _check_staff_group(bot, settings, pack, report, results)
        if pack is not None:
            await _check_menus(bot, settings, pack, results)
    except TelegramError as exc:
        results.append(Result("Telegram", False, f"the Bot API failed a check: {exc}"))
    except (AttributeError, KeyError, TypeError, ValueError) as exc:  # not Telegram's answers
        results.append(
            Result(
                "Telegram",
                False,
                f"the Bot API at {settings.bot_api_url} "
                f"answered in an unexpected shape ({type(exc).__name__})",
            )
        )
    finally:
        await bot.shutdown()
    return results


def _check_pack(settings: Settings, results: list[Result]) -> Pack | None:
    try:
        pack = load_pack(find_pack(settings.territory))
    except ContentError as exc:
        results.append(
            Result(
                "territory pack",
                False,
                f"{len(exc.problems)} problems, the first: "
                f"{exc.problems[0]} (python -m bot check-content)",
            )
        )
        return None
    warnings = editor_report(pack)
    detail = (
        f"{pack.id}: {len(pack.answers)} answers, {len(pack.teams.teams)} teams, "
        f"{len(pack.numbers.numbers)} numbers"
    )
    if warnings:
        detail += f"; {len(warnings)} warnings for editors (python -m bot check-content)"
    results.append(Result("territory pack", True, detail))
    return pack


async def _check_database(settings: Settings, results: list[Result]) -> FileReport | None:
    path = settings.db_path
    if not path.exists():
        results.append(Result("database", None, f"no file yet at {path}: made at first start"))
        return None
    try:
        report = await asyncio.to_thread(inspect, path)
    except sqlite3.Error as exc:
        results.append(
            Result(
                "database",
                False,
                f"{path}: {exc}: restore the last backup, or name another file with PASSERELLE_DB",
            )
        )
        return None
    if report.integrity != "ok":
        results.append(
            Result(
                "database",
                False,
                f"integrity check failed ({report.integrity}): restore the last backup",
            )
        )
    elif report.version > LATEST:
        results.append(
            Result(
                "database",
                False,
                f"schema {report.version} is newer than this "
                f"version of Passerelle ({LATEST}): run the version that wrote it",
            )
        )
    else:
        detail = f"integrity ok, schema {report.version}"
        if report.version < LATEST:
            detail += f" ({LATEST - report.version} migrations to apply at next start)"
        if report.unhandled:
            detail += f"; {report.unhandled} updates in the inbox, handled at next start"
        results.append(Result("database", True, detail))
    if report.readable_by_others:
        results.append(
            Result(
                "database file",
                False,
                f"other users of this machine can read it (personal data): chmod 600 {path}",
            )
        )
    return report


async def _check_updates(bot: Bot, settings: Settings, results: list[Result]) -> None:
    info = await bot.get_webhook_info()
    if settings.mode == "polling":
        if info.url:
            results.append(
                Result(
                    "updates",
                    None,
                    f"a webhook is set ({info.url}): starting in polling mode removes it",
                )
            )
        else:
            results.append(
                Result(
                    "updates",
                    True,
                    f"polling; {info.pending_update_count} updates waiting at Telegram",
                )
            )
        return
    if not info.url:
        results.append(Result("webhook", None, "not set yet: the bot sets it at start"))
    elif info.url != settings.webhook_url:
        results.append(
            Result(
                "webhook",
                False,
                f"set to {info.url}, not {settings.webhook_url}: "
                "is another instance running with this token?",
            )
        )
    else:
        results.append(
            Result("webhook", True, f"{info.url}, {info.pending_update_count} updates waiting")
        )
    if info.last_error_message:
        results.append(
            Result(
                "webhook delivery",
                False,
                f"Telegram's last error: {info.last_error_message} (check the reverse proxy)",
            )
        )


async def _check_staff_group(
    bot: Bot,
    settings: Settings,
    pack: Pack | None,
    report: FileReport | None,
    results: list[Result],
) -> None:
    chat_id = settings.staff_chat_id
    if chat_id is None:
        results.append(
            Result(
                "staff group",
                False,
                "PASSERELLE_STAFF_CHAT_ID is not set: requests would wait in /file, unseen",
            )
        )
        return
    try:
        chat = await bot.get_chat(chat_id)
        member = await bot.get_chat_member(chat_id, bot.id)
    except TelegramError as exc:
        results.append(
            Result(
                "staff group",
                False,
                f"the bot cannot see {chat_id} ({exc}): add "
                "it to the group, and check PASSERELLE_STAFF_CHAT_ID",
            )
        )
        return
    problems = []
    if chat.type != ChatType.SUPERGROUP:
        problems.append("it is not a supergroup")
    elif not chat.is_forum:
        problems.append("its Topics are off (turn them on in the group's settings)")
    if member.status != ChatMemberStatus.ADMINISTRATOR:
        problems.append(
            "the bot is not an administrator (make it one, with the rights to "
            "manage topics and delete messages)"
        )
    else:
        missing = [
            right
            for right in ("can_manage_topics", "can_delete_messages")
            if not getattr(member, right, False)
        ]
        if missing:
            problems.append(f"the bot's administrator rights lack {', '.join(missing)}")
    title = chat.title or str(chat_id)
    if problems:
        results.append(Result("staff group", False, f"{title}: " + "; ".join(problems)))
    else:
        results.append(Result("staff group", True, f"{title}: topics on, the bot administers"))
    if pack is None:
        return
    topics = report.team_topics if report is not None else {}
    for team in pack.teams.teams:
        topic = topics.get(team.id)
        if topic is None:
            results.append(
                Result(
                    f"team {team.id}",
                    False,
                    f"no topic yet: a coordinator sends /topic {team.id} inside the team's topic",
                )
            )
        elif topic[0] != chat_id:
            results.append(
                Result(
                    f"team {team.id}",
                    False,
                    f"its topic is in another group "
                    f"({topic[0]}): send /topic {team.id} in the staff group",
                )
            )
        else:
            results.append(Result(f"team {team.id}", True, f"cards go to topic {topic[1]}"))


async def _check_menus(bot: Bot, settings: Settings, pack: Pack, results: list[Result]) -> None:
    catalogs = Catalogs()
    default = settings.language or pack.territory.default_language
    scopes: list[tuple[str, BotCommandScope, Callable[[Translator], Sequence[tuple[str, str]]]]]
    scopes = [("command menu", BotCommandScopeAllPrivateChats(), menu.command_menu)]
    if settings.staff_chat_id is not None:
        scopes.append(
            ("staff menu", BotCommandScopeChat(settings.staff_chat_id), menu.staff_command_menu)
        )
    for name, scope, expected in scopes:
        stale = []
        for language in (None, "fr", "en"):
            wanted = expected(
                catalogs.translator(language or default, pack.tz, pack.territory.address)
            )
            shown = [
                (c.command, c.description)
                for c in await bot.get_my_commands(scope=scope, language_code=language)
            ]
            if shown != list(wanted):
                stale.append(language or "default")
        if stale:
            results.append(
                Result(
                    name,
                    None,
                    f"not as this version has it ({', '.join(stale)}): "
                    "the bot publishes it at start",
                )
            )
        else:
            results.append(Result(name, True, "published in French, English and by default"))
