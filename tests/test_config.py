"""Configuration: every problem reported at once, plainly; secrets never printed."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from bot.config import ConfigError, Secret, load_settings

TOKEN = "123456789:" + "A" * 35
SECRET = "s" * 40


def problems(env: dict[str, str], **kwargs: object) -> list[str]:
    with pytest.raises(ConfigError) as exc:
        load_settings(env, **kwargs)  # type: ignore[arg-type]
    return exc.value.problems


def test_no_token_means_console_with_defaults() -> None:
    settings = load_settings({})
    assert settings.mode == "console"
    assert settings.territory == "kremlin-bicetre"


def test_token_means_polling_and_needs_territory_and_secret() -> None:
    found = problems({"TELEGRAM_BOT_TOKEN": TOKEN})
    assert any("PASSERELLE_TERRITORY" in p for p in found)
    assert any("PASSERELLE_PSEUDONYM_SECRET" in p for p in found)


def test_polling_without_token_is_refused() -> None:
    found = problems({"PASSERELLE_MODE": "polling", "PASSERELLE_TERRITORY": "dumbea"})
    assert any("TELEGRAM_BOT_TOKEN" in p for p in found)


def test_all_problems_are_reported_together() -> None:
    found = problems(
        {
            "TELEGRAM_BOT_TOKEN": "not-a-token",
            "PASSERELLE_MODE": "webhook",
            "PASSERELLE_BOT_API_URL": "ftp://x",
            "PASSERELLE_LANGUAGE": "de",
            "PASSERELLE_STAFF_CHAT_ID": "12",
            "PASSERELLE_PSEUDONYM_SECRET": "short",
            "PASSERELLE_WEBHOOK_PORT": "99999",
            "PASSERELLE_LOG_LEVEL": "LOUD",
        }
    )
    text = "\n".join(found)
    for words in ("bot token", "http(s) URL", "not fr or en", "negative", "too short",
                  "https URL", "secret of 16", "port number", "LOUD"):  # fmt: skip
        assert words in text, words
    assert "not-a-token" not in text


def test_secrets_never_print_themselves() -> None:
    settings = load_settings(
        {
            "TELEGRAM_BOT_TOKEN": TOKEN,
            "PASSERELLE_TERRITORY": "dumbea",
            "PASSERELLE_PSEUDONYM_SECRET": SECRET,
        }
    )
    assert settings.mode == "polling"
    assert TOKEN not in repr(settings)
    assert SECRET not in repr(settings)
    assert str(Secret("x")) == "Secret('********')"


def test_toml_file_with_environment_winning(tmp_path: Path) -> None:
    config = tmp_path / "passerelle.toml"
    config.write_text(
        'territory = "dumbea"\nlanguage = "en"\nmode = "console"\nstaff_chat_id = -1001\n'
    )
    settings = load_settings({"PASSERELLE_LANGUAGE": "fr"}, config_file=config)
    assert settings.territory == "dumbea"
    assert settings.language == "fr"
    assert settings.staff_chat_id == -1001


def test_toml_file_errors_are_named(tmp_path: Path) -> None:
    config = tmp_path / "bad.toml"
    config.write_text('territory = "dumbea"\ncolour = "blue"\n')
    assert any("unknown setting 'colour'" in p for p in problems({}, config_file=config))
    config.write_text("territory = [")
    assert any("not valid TOML" in p for p in problems({}, config_file=config))
    assert any("does not exist" in p for p in problems({}, config_file=tmp_path / "nope.toml"))


def test_cli_reports_problems_without_traceback(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PASSERELLE_", "TELEGRAM_"))}
    env.update({"TELEGRAM_BOT_TOKEN": TOKEN, "PASSERELLE_DB": str(tmp_path / "x.db")})
    result = subprocess.run(
        [sys.executable, "-m", "bot", "run"], env=env, capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 2
    assert "PASSERELLE_TERRITORY" in result.stderr
    assert "Traceback" not in result.stderr
    assert TOKEN not in result.stderr + result.stdout


def test_cli_help_lists_subcommands() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "bot", "--help"], capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0
    for sub in ("run", "console", "check-content", "TELEGRAM_BOT_TOKEN", "PASSERELLE_DB"):
        assert sub in result.stdout
