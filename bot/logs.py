"""Logging that cannot leak a secret: a token in any log line is masked."""

from __future__ import annotations

import logging
import re

_TOKEN = re.compile(r"[0-9]{5,12}:[A-Za-z0-9_-]{30,}")


class RedactSecrets(logging.Filter):
    """Mask bot tokens and configured secrets wherever they appear in a record."""

    def __init__(self, secrets: tuple[str, ...] = ()) -> None:
        super().__init__()
        self._secrets = tuple(s for s in secrets if len(s) >= 8)

    def _clean(self, text: str) -> str:
        text = _TOKEN.sub("[token]", text)
        for secret in self._secrets:
            text = text.replace(secret, "[secret]")
        return text

    def filter(self, record: logging.LogRecord) -> bool:
        if record.name.startswith("telegram") and record.args:
            # E.g. the webhook server's "Received data was: %r" with a whole update, at
            # ERROR: a library's dump of what Telegram sent is never written out.
            record.args = _withheld(record.args)
        message = record.getMessage()
        cleaned = self._clean(message)
        if cleaned != message:
            record.msg, record.args = cleaned, None
        return True


def _is_payload(value: object) -> bool:
    return isinstance(value, bytes | bytearray | dict | list) or hasattr(value, "to_dict")


def _withheld(args: object) -> tuple[object, ...] | dict[str, object]:
    if isinstance(args, dict):
        return {k: "[withheld]" if _is_payload(v) else v for k, v in args.items()}
    values = args if isinstance(args, tuple) else (args,)
    return tuple("[withheld]" if _is_payload(v) else v for v in values)


def setup_logging(level: str = "INFO", secrets: tuple[str, ...] = ()) -> None:
    handler = logging.StreamHandler()
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    handler.addFilter(RedactSecrets(secrets))
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level)
    cap_library_loggers(root.level)


LIBRARY_CAPS: dict[str, int] = {
    # httpx logs every request URL, and Bot API URLs contain the token.
    "httpx": logging.WARNING,
    "httpcore": logging.WARNING,
    "apscheduler": logging.WARNING,
    # At DEBUG, aiosqlite logs every SQL statement with its parameters (pseudonyms, phone
    # numbers, a person's words) and python-telegram-bot every request and update (Telegram
    # ids, message texts): never below INFO, whatever PASSERELLE_LOG_LEVEL says.
    "aiosqlite": logging.INFO,
    "telegram": logging.INFO,
    "telegram.ext": logging.INFO,
}


def cap_library_loggers(floor: int = logging.NOTSET) -> None:
    """No log level ever writes a person's words or identifiers through a library; and a
    library says no more than ``floor`` lets the bot say (the console's WARNING keeps
    python-telegram-bot's "Application started" off the terminal)."""
    for name, level in LIBRARY_CAPS.items():
        logging.getLogger(name).setLevel(max(level, floor))
