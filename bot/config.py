"""Configuration from the environment (and optionally a TOML file), checked at start.

Every problem is reported at once, one plain line each, so that whoever deploys
the bot can fix them all in one go. Secrets are wrapped so that they never end
up in a log line or a traceback.
"""

from __future__ import annotations

import os
import re
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal
from urllib.parse import urlparse

Mode = Literal["polling", "webhook", "console"]
MODES: tuple[Mode, ...] = ("polling", "webhook", "console")

CONSOLE_PSEUDONYM_SECRET = "console-mode-only-not-a-secret"  # noqa: S105 - not a secret
"""Used only in console mode when no secret is configured: nothing real is stored there."""


class Secret:
    """A string that does not print itself."""

    __slots__ = ("_value",)

    def __init__(self, value: str) -> None:
        self._value = value

    def reveal(self) -> str:
        return self._value

    def __repr__(self) -> str:
        return "Secret('********')"

    __str__ = __repr__

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Secret) and other._value == self._value

    def __hash__(self) -> int:
        return hash(self._value)


@dataclass(frozen=True)
class Settings:
    """Everything the service needs to start. Build it with :func:`load_settings`."""

    mode: Mode
    token: Secret | None
    bot_api_url: str
    db_path: Path
    territory: str
    pseudonym_secret: Secret
    language: str | None = None
    staff_chat_id: int | None = None
    webhook_url: str | None = None
    webhook_listen: str = "127.0.0.1"
    webhook_port: int = 8443
    webhook_secret: Secret | None = None
    health_port: int | None = None
    """Where GET /health answers (on webhook_listen); None: no health endpoint."""
    log_level: str = "INFO"
    source: dict[str, str] = field(default_factory=dict, compare=False)
    """Where each value came from (``env``, ``file``, ``default``): for ``--help`` and errors."""


class ConfigError(Exception):
    """The configuration is unusable; ``problems`` has one sentence per problem."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("\n".join(problems))
        self.problems = problems


HEALTH_PORT = 8444
"""The health endpoint's port in webhook mode, unless configured."""

# One row per setting: (key in the TOML file, environment variable, description).
OPTIONS: tuple[tuple[str, str, str], ...] = (
    (
        "token",
        "TELEGRAM_BOT_TOKEN",
        "Bot token from @BotFather (required to poll or serve a webhook)",
    ),
    (
        "mode",
        "PASSERELLE_MODE",
        "polling, webhook or console (default: polling with a token, else console)",
    ),
    (
        "bot_api_url",
        "PASSERELLE_BOT_API_URL",
        "Bot API base URL (default https://api.telegram.org/bot)",
    ),
    ("db", "PASSERELLE_DB", "SQLite database file (default passerelle.sqlite3)"),
    ("territory", "PASSERELLE_TERRITORY", "territory pack: an id under content/ or a folder path"),
    (
        "language",
        "PASSERELLE_LANGUAGE",
        "default interface language, fr or en (default: the pack's)",
    ),
    ("staff_chat_id", "PASSERELLE_STAFF_CHAT_ID", "id of the staff supergroup (negative number)"),
    (
        "pseudonym_secret",
        "PASSERELLE_PSEUDONYM_SECRET",
        "secret key turning Telegram ids into pseudonyms (32+ characters)",
    ),
    (
        "webhook_url",
        "PASSERELLE_WEBHOOK_URL",
        "public https URL Telegram posts updates to (webhook mode)",
    ),
    (
        "webhook_listen",
        "PASSERELLE_WEBHOOK_LISTEN",
        "address the webhook server listens on (default 127.0.0.1)",
    ),
    (
        "webhook_port",
        "PASSERELLE_WEBHOOK_PORT",
        "port the webhook server listens on (default 8443)",
    ),
    (
        "webhook_secret",
        "PASSERELLE_WEBHOOK_SECRET",
        "secret token Telegram sends with each update (webhook mode)",
    ),
    (
        "health_port",
        "PASSERELLE_HEALTH_PORT",
        f"port of GET /health on the webhook address (default {HEALTH_PORT} in webhook mode, "
        "none in polling; 0 turns it off)",
    ),
    ("log_level", "PASSERELLE_LOG_LEVEL", "DEBUG, INFO, WARNING or ERROR (default INFO)"),
)
CONFIG_FILE_VARIABLE = "PASSERELLE_CONFIG"

_TOKEN_SHAPE = r"^[0-9]{5,12}:[A-Za-z0-9_-]{30,}$"  # noqa: S105 - a pattern


def _read_file(path: Path, problems: list[str]) -> dict[str, Any]:
    try:
        with path.open("rb") as fh:
            data = tomllib.load(fh)
    except FileNotFoundError:
        problems.append(f"{CONFIG_FILE_VARIABLE}: the file {path} does not exist")
        return {}
    except tomllib.TOMLDecodeError as exc:
        problems.append(f"{path}: not valid TOML ({exc})")
        return {}
    known = {key for key, _, _ in OPTIONS}
    for key in data:
        if key not in known:
            problems.append(f"{path}: unknown setting {key!r} (known: {', '.join(sorted(known))})")
    return {k: v for k, v in data.items() if k in known}


def load_settings(
    env: Mapping[str, str] | None = None,
    *,
    config_file: Path | None = None,
    overrides: Mapping[str, Any] | None = None,
) -> Settings:
    """Read settings: ``overrides`` (command line) beat ``env`` which beats the TOML file.

    Raises :class:`ConfigError` listing every problem found.
    """
    env = os.environ if env is None else env
    problems: list[str] = []
    file_values: dict[str, Any] = {}
    file_path = config_file or (
        Path(env[CONFIG_FILE_VARIABLE]) if env.get(CONFIG_FILE_VARIABLE) else None
    )
    if file_path is not None:
        file_values = _read_file(file_path, problems)

    raw: dict[str, Any] = {}
    source: dict[str, str] = {}
    for key, variable, _ in OPTIONS:
        if overrides and overrides.get(key) is not None:
            raw[key], source[key] = overrides[key], "command line"
        elif env.get(variable, "").strip():
            raw[key], source[key] = env[variable].strip(), variable
        elif key in file_values:
            raw[key], source[key] = file_values[key], str(file_path)
        else:
            source[key] = "default"

    def where(key: str) -> str:
        return source.get(key, key) if source.get(key) != "default" else key

    token_raw = raw.get("token")
    token = Secret(str(token_raw)) if token_raw else None
    if token is not None and not re.match(_TOKEN_SHAPE, token.reveal()):
        problems.append(
            f"{where('token')}: this does not look like a bot token "
            "(digits, a colon, then about 35 letters; ask @BotFather)"
        )

    mode_raw = str(raw.get("mode", "")).strip().lower()
    mode: Mode
    if not mode_raw:
        mode = "polling" if token else "console"
    elif mode_raw in MODES:
        mode = mode_raw
    else:
        problems.append(f"{where('mode')}: {mode_raw!r} is not a mode (polling, webhook, console)")
        mode = "console"

    if mode in ("polling", "webhook") and token is None:
        problems.append(
            f"TELEGRAM_BOT_TOKEN: required in {mode} mode (or run without a mode for the console)"
        )

    bot_api_url = str(raw.get("bot_api_url", "https://api.telegram.org/bot")).rstrip("/")
    parsed = urlparse(bot_api_url)
    if parsed.scheme not in ("http", "https") or not parsed.netloc:
        problems.append(f"{where('bot_api_url')}: {bot_api_url!r} is not an http(s) URL")

    db_path = Path(str(raw.get("db", "passerelle.sqlite3"))).expanduser()
    if db_path.parent and not db_path.parent.exists():
        problems.append(f"{where('db')}: the folder {db_path.parent} does not exist")

    territory = str(raw.get("territory", "")).strip()
    if not territory:
        if mode == "console":
            territory = "kremlin-bicetre"
        else:
            problems.append(
                f"PASSERELLE_TERRITORY: required in {mode} mode (dumbea, kremlin-bicetre)"
            )

    language = raw.get("language")
    if language is not None:
        language = str(language).strip().lower()
        if language not in ("fr", "en"):
            problems.append(f"{where('language')}: {language!r} is not fr or en")
            language = None

    staff_chat_id: int | None = None
    if raw.get("staff_chat_id") not in (None, ""):
        try:
            staff_chat_id = int(raw["staff_chat_id"])
        except (TypeError, ValueError):
            problems.append(f"{where('staff_chat_id')}: must be a number such as -1001234567890")
        else:
            if staff_chat_id >= 0:
                problems.append(
                    f"{where('staff_chat_id')}: a group's id is negative (-100…); "
                    "add the bot to the group and use the id it reports"
                )

    secret_raw = raw.get("pseudonym_secret")
    if secret_raw:
        pseudonym_secret = Secret(str(secret_raw))
        if len(pseudonym_secret.reveal()) < 32:
            problems.append(
                f"{where('pseudonym_secret')}: too short, use 32 characters or more "
                "(e.g. `python -c 'import secrets; print(secrets.token_urlsafe(32))'`)"
            )
    elif mode == "console":
        pseudonym_secret = Secret(CONSOLE_PSEUDONYM_SECRET)
    else:
        pseudonym_secret = Secret("")
        problems.append(
            "PASSERELLE_PSEUDONYM_SECRET: required outside the console; keep it safe and never "
            "change it, or people lose their settings"
        )

    webhook_url = raw.get("webhook_url")
    webhook_secret = Secret(str(raw["webhook_secret"])) if raw.get("webhook_secret") else None
    if mode == "webhook":
        if not webhook_url or urlparse(str(webhook_url)).scheme != "https":
            problems.append(f"{where('webhook_url')}: webhook mode needs a public https URL")
        if webhook_secret is None or not re.match(
            r"^[A-Za-z0-9_-]{16,256}$", webhook_secret.reveal()
        ):
            problems.append(
                f"{where('webhook_secret')}: webhook mode needs a secret of 16 to 256 "
                "letters, digits, _ or -"
            )

    def port(key: str, default: int | None) -> int | None:
        if raw.get(key) in (None, ""):
            return default
        try:
            value = int(raw[key])
            if not 0 <= value <= 65535 or (value == 0 and key == "webhook_port"):
                raise ValueError
        except (TypeError, ValueError):
            problems.append(f"{where(key)}: must be a port number (1–65535)")
            return default
        return value or None  # 0: no health endpoint

    webhook_port = port("webhook_port", 8443) or 8443
    health_port = port("health_port", HEALTH_PORT if mode == "webhook" else None)

    log_level = str(raw.get("log_level", "INFO")).upper()
    if log_level not in ("DEBUG", "INFO", "WARNING", "ERROR"):
        problems.append(
            f"{where('log_level')}: {log_level!r} is not DEBUG, INFO, WARNING or ERROR"
        )

    if problems:
        raise ConfigError(problems)
    return Settings(
        mode=mode,
        token=token,
        bot_api_url=bot_api_url,
        db_path=db_path,
        territory=territory,
        pseudonym_secret=pseudonym_secret,
        language=language,
        staff_chat_id=staff_chat_id,
        webhook_url=str(webhook_url) if webhook_url else None,
        webhook_listen=str(raw.get("webhook_listen", "127.0.0.1")),
        webhook_port=webhook_port,
        webhook_secret=webhook_secret,
        health_port=health_port,
        log_level=log_level,
        source=source,
    )
