"""``python -m bot``: the command line.

This is the composition root: the one module of ``bot/`` that reaches into
``handlers/`` (lazily, to start the Telegram side). The service itself never does.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import sys
import tempfile
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from bot.config import OPTIONS, ConfigError, Settings, load_settings
from bot.logs import setup_logging
from bot.staff import COORDINATOR, MEDIATOR
from bot.storage import DatabaseError
from bot.territory import ContentError, Pack, editor_report, find_pack, load_pack

if TYPE_CHECKING:
    pass

log = logging.getLogger("passerelle")


def _parser() -> argparse.ArgumentParser:
    table = "\n".join(f"  {var:<28} {doc}" for _, var, doc in OPTIONS)
    parser = argparse.ArgumentParser(
        prog="python -m bot",
        description="Passerelle: the Telegram assistant of a social-mediation service.",
        formatter_class=argparse.RawDescriptionHelpFormatter,
        epilog=f"Configuration (environment variables, or a TOML file named by "
        f"PASSERELLE_CONFIG):\n{table}",
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)

    run = sub.add_parser(
        "run", help="serve Telegram (polling or webhook), or the console without a token"
    )
    run.add_argument("--config", type=Path, help="a TOML configuration file")

    console = sub.add_parser("console", help="chat with the bot in this terminal (no Telegram)")
    console.add_argument("--territory", help="territory pack: dumbea, kremlin-bicetre or a path")
    console.add_argument("--db", help="database file (default: a fresh temporary one)")
    console.add_argument("--language", choices=("fr", "en"), help="the simulated app language")
    console.add_argument("--config", type=Path, help="a TOML configuration file")

    check = sub.add_parser(
        "check-content", help="validate territory packs; non-zero on error or warning"
    )
    check.add_argument("packs", nargs="+", help="pack folders, e.g. content/dumbea")

    report = sub.add_parser(
        "report", help="the bilan: figures per month as report.csv and report.png"
    )
    report.add_argument("--from", dest="start", required=True, help="first day, 2026-01-01")
    report.add_argument("--to", dest="end", required=True, help="last day, 2026-12-31")
    report.add_argument("--out", default="report", help="folder to write into (default report/)")
    report.add_argument("--language", choices=("fr", "en"), help="default: the pack's")
    report.add_argument("--config", type=Path, help="a TOML configuration file")

    staff = sub.add_parser("staff", help="register staff from the server (the first coordinator)")
    staff.add_argument("action", choices=("add", "remove", "list"))
    staff.add_argument("--telegram-id", type=int, help="their Telegram user id")
    staff.add_argument("--name", help="the first name shown to colleagues")
    staff.add_argument("--role", choices=(MEDIATOR, COORDINATOR), default=MEDIATOR)
    staff.add_argument("--team", help="team id from the pack's teams.yaml (mediators)")
    staff.add_argument("--config", type=Path, help="a TOML configuration file")

    backup = sub.add_parser(
        "backup", help="copy the database while the bot runs, checked (restore: see README)"
    )
    backup.add_argument("file", type=Path, help="where to write the copy")
    backup.add_argument("--config", type=Path, help="a TOML configuration file")

    doctor = sub.add_parser(
        "doctor", help="check configuration, database, token, webhook, staff group and menus"
    )
    doctor.add_argument("--config", type=Path, help="a TOML configuration file")

    ask = sub.add_parser("ask", help="show how the bot understands a question (for editors)")
    ask.add_argument("--territory", required=True, help="dumbea, kremlin-bicetre or a path")
    ask.add_argument("--language", choices=("fr", "en"), default="fr")
    ask.add_argument("question", nargs="*", help="the question, as a person would type it")
    ask.add_argument(
        "--jsonl",
        action="store_true",
        help="read one message per line on standard input, print one JSON object per line",
    )
    return parser


def _fail(title: str, problems: Sequence[str]) -> int:
    print(f"{title}:", file=sys.stderr)
    for problem in problems:
        print(f"  - {problem}", file=sys.stderr)
    return 2


def _load(settings: Settings) -> Pack:
    return load_pack(find_pack(settings.territory))


def check_content(paths: Sequence[str]) -> int:
    """Validate each pack; print every problem; exit 1 if any pack is broken."""
    status = 0
    for name in paths:
        try:
            pack = load_pack(find_pack(name))
        except ContentError as exc:
            _fail(f"{name}: the pack has errors", exc.problems)
            status = 1
            continue
        warnings = editor_report(pack)
        for warning in warnings:
            print(f"  warning: {warning}")
        if warnings:
            status = 1
        print(
            f"{name}: {'OK' if not warnings else 'to fix'} — "
            f"{len(pack.places.quartiers)} quartiers, {len(pack.teams.teams)} teams, "
            f"{len(pack.themes.themes)} themes, {len(pack.partners.partners)} partners, "
            f"{len(pack.numbers.numbers)} numbers, {len(pack.answers)} answers"
            + (f", {len(warnings)} warnings" if warnings else "")
        )
    return status


def _ask(args: argparse.Namespace) -> int:
    from bot.answers import KnowledgeBase, probe

    if not args.jsonl and not args.question:
        return _fail("ask", ["give a question, or --jsonl to read them on standard input"])
    try:
        pack = load_pack(find_pack(args.territory))
    except ContentError as exc:
        return _fail(f"{args.territory}: the pack has errors", exc.problems)
    kb = KnowledgeBase(pack)
    if args.jsonl:
        probe.ask_jsonl(kb, args.language, sys.stdin, sys.stdout)
    else:
        probe.ask(kb, args.language, " ".join(args.question))
    return 0


def _report(args: argparse.Namespace) -> int:
    """Write the bilan from the database named by the configuration (PASSERELLE_DB)."""
    import datetime as dt

    from bot.staff import write_report
    from bot.storage import Database

    try:
        start, end = dt.date.fromisoformat(args.start), dt.date.fromisoformat(args.end)
    except ValueError:
        return _fail("report", ["--from and --to are dates such as 2026-01-01"])
    if end < start:
        return _fail("report", ["--to is before --from"])
    try:
        settings = load_settings(config_file=args.config, overrides={"mode": "console"})
        pack = _load(settings)
    except ConfigError as exc:
        return _fail("Passerelle cannot start, the configuration has problems", exc.problems)
    except ContentError as exc:
        return _fail(f"the territory pack {settings.territory!r} has errors", exc.problems)
    if not settings.db_path.exists():
        return _fail("report", [f"no database at {settings.db_path} (set PASSERELLE_DB)"])

    async def run() -> list[Path]:
        db = Database(settings.db_path)
        await db.open()
        try:
            language = args.language or settings.language or pack.territory.default_language
            return await write_report(db, pack, start, end, Path(args.out), language)
        finally:
            await db.close()

    for path in asyncio.run(run()):
        print(path)
    return 0


def _staff(args: argparse.Namespace) -> int:
    """Add, remove or list staff in the configured database (same secret as the bot)."""
    import datetime as dt

    from bot.people import Pseudonymiser
    from bot.storage import Database
    from bot.storage import staff as staff_store

    try:
        settings = load_settings(config_file=args.config)
        pack = _load(settings)
    except ConfigError as exc:
        return _fail("Passerelle cannot start, the configuration has problems", exc.problems)
    except ContentError as exc:
        return _fail(f"the territory pack {settings.territory!r} has errors", exc.problems)
    teams = [t.id for t in pack.teams.teams]
    if args.action in ("add", "remove") and args.telegram_id is None:
        return _fail("staff", ["--telegram-id is required"])
    if args.action == "add" and not args.name:
        return _fail("staff", ["--name is required"])
    if args.action == "add" and args.role == MEDIATOR and args.team not in teams:
        return _fail("staff", [f"--team must be one of: {', '.join(teams)}"])
    from bot.config import CONSOLE_PSEUDONYM_SECRET

    if settings.pseudonym_secret.reveal() == CONSOLE_PSEUDONYM_SECRET:
        print(
            "warning: PASSERELLE_PSEUDONYM_SECRET is not set; staff registered now will be "
            "recognised by the console only. Set it to the bot's secret.",
            file=sys.stderr,
        )
    pseudonymise = Pseudonymiser(settings.pseudonym_secret.reveal())

    async def run() -> int:
        db = Database(settings.db_path)
        await db.open()
        try:
            if args.action == "add":
                team = args.team if args.role == MEDIATOR else None
                now = dt.datetime.now(dt.UTC)
                await staff_store.save_staff(
                    db, pseudonymise(args.telegram_id), args.name, args.role, team, now, None
                )
                print(f"{args.name} is now {args.role}" + (f" of {team}" if team else ""))
            elif args.action == "remove":
                removed = await staff_store.remove_staff(db, pseudonymise(args.telegram_id))
                print("removed" if removed else "not a staff member")
            else:
                for member in await staff_store.list_staff(db):
                    print(f"{member.display_name}\t{member.role}\t{member.team or '-'}")
            return 0
        finally:
            await db.close()

    return asyncio.run(run())


def _backup(args: argparse.Namespace) -> int:
    """Copy the configured database (PASSERELLE_DB) to FILE, consistent and checked."""
    import sqlite3

    from bot.storage import BackupError, backup

    try:
        settings = load_settings(config_file=args.config, overrides={"mode": "console"})
    except ConfigError as exc:
        return _fail("backup: the configuration has problems", exc.problems)
    try:
        done = backup(settings.db_path, args.file)
    except (BackupError, sqlite3.Error, OSError) as exc:
        return _fail("backup failed", [str(exc)])
    held = ", ".join(f"{count} {table}" for table, count in done.counts.items())
    print(f"backup written: {done.path} ({done.size} bytes, schema {done.version}, "
          f"integrity ok; {held})")  # fmt: skip
    return 0


def _doctor(args: argparse.Namespace) -> int:
    from handlers.runtime.doctor import diagnose, show

    try:
        settings = load_settings(config_file=args.config)
    except ConfigError as exc:
        print(show("configuration", False, "; ".join(exc.problems)))
        return 1
    results = asyncio.run(diagnose(settings))
    for result in results:
        print(show(result.name, result.ok, result.detail))
    return 0 if all(r.ok is not False for r in results) else 1


def _console(
    settings: Settings, pack: Pack, language: str | None, *, examples: bool = False
) -> int:
    from bot.services import Services
    from handlers.runtime.app import build_application
    from handlers.runtime.console import console_settings, run_console
    from handlers.runtime.offline import OfflineBotAPI

    settings = console_settings(settings)  # the simulated staff group, unless one is named
    api = OfflineBotAPI()
    services = Services(settings, pack)
    app = build_application(services, request=api)
    try:
        asyncio.run(
            run_console(
                app,
                api,
                staff_chat_id=settings.staff_chat_id,
                language=language or services.default_language,
                examples=examples,
            )
        )
    except KeyboardInterrupt:
        print()
    return 0


def webhook_options(settings: Settings) -> dict[str, Any]:
    """How the webhook server listens, from the settings (validated at load)."""
    from urllib.parse import urlparse

    assert settings.webhook_url is not None
    assert settings.webhook_secret is not None
    return {
        "listen": settings.webhook_listen,
        "port": settings.webhook_port,
        "url_path": urlparse(settings.webhook_url).path.lstrip("/"),
        "webhook_url": settings.webhook_url,
        "secret_token": settings.webhook_secret.reveal(),
    }


async def _preflight(settings: Settings) -> str | None:
    """The database, then the Bot API, checked before anything runs: one plain line naming
    what to fix, instead of a traceback or minutes of retries."""
    from telegram import Bot
    from telegram.error import InvalidToken, NetworkError, TelegramError

    from bot.storage import Database

    database = Database(settings.db_path)
    try:
        await database.open()
    except DatabaseError as exc:
        return str(exc)
    finally:
        await database.close()
    assert settings.token is not None
    bot = Bot(settings.token.reveal(), base_url=settings.bot_api_url)
    try:
        async with bot:  # initialising is getMe
            pass
    except InvalidToken:
        return "the Bot API refused the token: check TELEGRAM_BOT_TOKEN (from @BotFather)"
    except NetworkError as exc:
        return (
            f"cannot reach the Bot API at {settings.bot_api_url} ({type(exc).__name__}): "
            "check the network or PASSERELLE_BOT_API_URL"
        )
    except TelegramError as exc:
        return f"the Bot API answered getMe with an error ({exc}): check the token and URL"
    ports = (
        [("PASSERELLE_WEBHOOK_PORT", settings.webhook_port)] if settings.mode == "webhook" else []
    )
    if settings.health_port is not None:
        ports.append(("PASSERELLE_HEALTH_PORT", settings.health_port))
    for variable, port in ports:
        problem = _cannot_listen(settings.webhook_listen, port)
        if problem is not None:
            return f"cannot listen on {settings.webhook_listen}:{port} ({problem}): " \
                   f"stop what uses it, or change {variable}"  # fmt: skip
    return None


def _cannot_listen(host: str, port: int) -> str | None:
    """Why a server could not listen on host:port, or None if it can."""
    import socket

    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except OSError as exc:
        return str(exc.strerror or exc)
    family, kind, proto, _, address = infos[0]
    with socket.socket(family, kind, proto) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind(address)
        except OSError as exc:
            return str(exc.strerror or exc)
    return None


def _serve(settings: Settings, pack: Pack) -> int:
    from telegram import Update
    from telegram.error import TelegramError

    from bot.services import Services
    from handlers.runtime.app import build_application

    problem = asyncio.run(_preflight(settings))
    if problem is not None:
        return _fail("Passerelle cannot start", [problem])
    services = Services(settings, pack)
    app = build_application(services, concurrent_updates=True)
    try:
        if settings.mode == "webhook":
            app.run_webhook(**webhook_options(settings), allowed_updates=Update.ALL_TYPES)
        else:
            app.run_polling(allowed_updates=Update.ALL_TYPES)
    except TelegramError as exc:  # e.g. setWebhook refused: the URL, its certificate
        return _fail("Passerelle stopped", [f"the Bot API refused: {exc}"])
    except OSError as exc:  # e.g. the port taken between the check and the start
        return _fail("Passerelle stopped", [f"{exc.strerror or exc}"])
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    if args.command == "check-content":
        return check_content(args.packs)
    if args.command == "ask":
        return _ask(args)
    if args.command == "report":
        return _report(args)
    if args.command == "staff":
        return _staff(args)
    if args.command == "backup":
        return _backup(args)
    if args.command == "doctor":
        return _doctor(args)

    overrides: dict[str, Any] = {}
    if args.command == "console":
        overrides = {"mode": "console", "territory": args.territory, "db": args.db}
    try:
        settings = load_settings(config_file=args.config, overrides=overrides)
    except ConfigError as exc:
        return _fail("Passerelle cannot start, the configuration has problems", exc.problems)

    secrets = tuple(
        s.reveal()
        for s in (settings.token, settings.pseudonym_secret, settings.webhook_secret)
        if s
    )
    setup_logging("WARNING" if settings.mode == "console" else settings.log_level, secrets)

    try:
        pack = _load(settings)
    except ContentError as exc:
        return _fail(
            f"Passerelle cannot start, the territory pack {settings.territory!r} has errors",
            exc.problems,
        )

    tmp: tempfile.TemporaryDirectory[str] | None = None
    try:
        if settings.mode == "console":
            if args.command == "run":
                print("No TELEGRAM_BOT_TOKEN: starting the console instead of Telegram.")
            print(_territory_line(pack, args.command))
            if settings.source.get("db") == "default":
                tmp = tempfile.TemporaryDirectory(prefix="passerelle-")
                settings = _with_db(settings, Path(tmp.name) / "console.sqlite3")
            return _console(
                settings, pack, getattr(args, "language", None), examples=tmp is not None
            )
        log.info("starting in %s mode, territory %s", settings.mode, pack.id)
        return _serve(settings, pack)
    except DatabaseError as exc:
        return _fail("Passerelle cannot start", [str(exc)])
    finally:
        if tmp is not None:
            tmp.cleanup()


TERRITORIES = ("kremlin-bicetre", "dumbea")
"""The packs under content/, named in the console's first lines."""


def _territory_line(pack: Pack, command: str) -> str:
    """Which territory the console runs, and how to pick the other one."""
    others = [t for t in TERRITORIES if t != pack.id]
    how = " or ".join(
        f"make run TERRITORY={t}" if command == "run" else f"python -m bot console --territory {t}"
        for t in others
    )
    return f"Territory: {pack.id}. For the other one: {how}."


def _with_db(settings: Settings, path: Path) -> Settings:
    from dataclasses import replace

    return replace(settings, db_path=path)


if __name__ == "__main__":
    sys.exit(main())
