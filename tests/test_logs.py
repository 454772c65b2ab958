from __future__ import annotations

import logging

from bot.logs import RedactSecrets


def test_tokens_and_secrets_are_masked_in_logs() -> None:
    token = "123456789:" + "x" * 35
    record = logging.LogRecord(
        "httpx", logging.INFO, __file__, 1, "POST https://api.telegram.org/bot%s/getMe %s",
        (token, "my-pseudonym-secret"), None,
    )  # fmt: skip
    RedactSecrets(("my-pseudonym-secret",)).filter(record)
    message = record.getMessage()
    assert token not in message
    assert "my-pseudonym-secret" not in message
    assert "[token]" in message and "[secret]" in message
