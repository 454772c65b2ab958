from __future__ import annotations

import logging
from pathlib import Path

import pytest

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


def test_a_library_dump_of_an_update_is_withheld_at_any_level() -> None:
    data = b'{"update_id": 1, "message": {"from": {"id": 4242}, "text": "je suis en danger"}}'
    record = logging.LogRecord(
        "telegram.ext._utils.webhookhandler", logging.ERROR, __file__, 1,
        "Something went wrong processing the data received from Telegram. Received data "
        "was: %r", (data,), None,
    )  # fmt: skip
    RedactSecrets().filter(record)
    message = record.getMessage()
    assert "danger" not in message and "4242" not in message
    assert "Received data was: '[withheld]'" in message


async def test_a_whole_story_at_debug_logs_no_identifier_and_no_words(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    from bot.logs import cap_library_loggers
    from tests.harness import harness_for

    staff_chat = -1_009_990_001
    caplog.set_level(logging.DEBUG)
    cap_library_loggers()
    async with harness_for("kremlin-bicetre", tmp_path, staff_chat_id=staff_chat) as h:
        sam = h.person("Samira")
        await sam.send("/rappel")
        await sam.press("Santé")
        await sam.send("ma soeur ne mange plus depuis une semaine")
        await sam.press("Par téléphone")
        await sam.send("06 55 44 33 22")
        await sam.press("J'accepte")
        await sam.press("matin")
        await sam.press("ne pas le dire")
        await sam.press("Envoyer")
        await sam.send("jveu plus vivre")
        pseudonym = h.services.pseudonymise(sam.id)
    log = "\n".join(r.getMessage() for r in caplog.records)
    assert caplog.records, "nothing was logged at all"
    for secret in (str(sam.id), pseudonym, "06 55 44 33 22", "0655443322", "ne mange plus",
                   "jveu plus vivre", "Samira"):  # fmt: skip
        assert secret not in log, secret
