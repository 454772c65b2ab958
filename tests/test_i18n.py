"""Catalogs: English complete, catalogs in step with the source."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from babel.messages.catalog import Catalog
from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parents[1]
LOCALES = ROOT / "locales"


def _read(path: Path, locale: str | None = None) -> Catalog:
    with path.open("rb") as fh:
        return read_po(fh, locale=locale)


def _ids(catalog: Catalog) -> set[str]:
    return {m.id if isinstance(m.id, str) else m.id[0] for m in catalog if m.id}


def test_every_message_has_an_english_translation() -> None:
    catalog = _read(LOCALES / "en" / "LC_MESSAGES" / "messages.po", "en")
    missing = []
    for message in catalog:
        if not message.id:
            continue
        strings = [message.string] if isinstance(message.string, str) else list(message.string)
        if message.fuzzy or not all(strings):
            missing.append(message.id)
    assert missing == [], f"untranslated or fuzzy in locales/en: {missing}"


TU = LOCALES / "fr" / "LC_MESSAGES" / "tutoiement.po"


def test_every_message_has_its_tu_form() -> None:
    """The French interface exists in both registers: a string missing in "tu" fails."""
    catalog = _read(TU, "fr")
    missing = []
    for message in catalog:
        if not message.id:
            continue
        strings = [message.string] if isinstance(message.string, str) else list(message.string)
        if message.fuzzy or not all(strings):
            missing.append(message.id)
    assert missing == [], f"no tu form in {TU.relative_to(ROOT)}: {missing}"


def test_the_tu_register_says_tu() -> None:
    for message in _read(TU, "fr"):
        strings = [message.string] if isinstance(message.string, str) else list(message.string)
        for string in strings:
            assert not re.search(r"\b(?:vous|votre|vos)\b", string, re.IGNORECASE), string


@pytest.mark.parametrize("path", [LOCALES / "en" / "LC_MESSAGES" / "messages.po", TU])
def test_placeholders_survive_translation(path: Path) -> None:
    catalog = _read(path)
    for message in catalog:
        if not message.id:
            continue
        source = message.id if isinstance(message.id, str) else message.id[0]
        strings = [message.string] if isinstance(message.string, str) else list(message.string)
        for string in strings:
            assert set(re.findall(r"\{\w+\}", source)) == set(re.findall(r"\{\w+\}", string)), (
                source
            )
            tags = sorted(re.findall(r"</?\w+>", source))
            assert tags == sorted(re.findall(r"</?\w+>", string)), source


def test_catalogs_are_in_step_with_the_source() -> None:
    keywords = {**DEFAULT_KEYWORDS, "_": None, "N_": None, "n_": (1, 2)}
    method_map = [("bot/**.py", "python"), ("handlers/**.py", "python")]
    source = {
        msgid if isinstance(msgid, str) else msgid[0]
        for _, _, msgid, _, _ in extract_from_dir(str(ROOT), method_map, keywords=keywords)
    }
    assert source, "extraction found no message"
    stale = "run `make i18n` and translate the new English entries"
    assert _ids(_read(LOCALES / "messages.pot")) == source, stale
    for language in ("fr", "en"):
        catalog = _read(LOCALES / language / "LC_MESSAGES" / "messages.po", language)
        assert _ids(catalog) == source, f"locales/{language}: {stale}"
    assert _ids(_read(TU, "fr")) == source, f"{TU.relative_to(ROOT)}: {stale}"
