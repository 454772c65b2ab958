"""The knowledge base's files: themes, partners, numbers, answers, the lexicon and
synonyms, and the ways of asking (phrasings, intents)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from pydantic import (
    Field,
    model_validator,
)

from bot.territory.base import LANGUAGES, Identifier, PhoneNumber, Text, _Model


class Theme(_Model):
    id: Identifier
    name: Text
    emoji: str = ""


class Themes(_Model):
    """``themes.yaml``."""

    themes: tuple[Theme, ...] = Field(min_length=1)


class Partner(_Model):
    """A place to go. Unknown facts are left out, never guessed."""

    id: Identifier
    name: Text
    description: Text
    themes: tuple[Identifier, ...] = ()
    quartier: Identifier | None = None
    address: str | None = None
    phone: PhoneNumber | None = None
    hours: Text | None = None
    website: str | None = Field(default=None, pattern=r"^https://")
    latitude: float | None = Field(default=None, ge=-90, le=90)
    longitude: float | None = Field(default=None, ge=-180, le=180)

    @model_validator(mode="after")
    def _coordinates_in_pairs(self) -> Partner:
        if (self.latitude is None) != (self.longitude is None):
            raise ValueError("give both 'latitude' and 'longitude', or neither")
        return self


class Partners(_Model):
    """``partners.yaml``."""

    partners: tuple[Partner, ...] = ()


class HelpNumber(_Model):
    """An emergency or listening number. Every number must come from FACTS.md."""

    id: Identifier
    number: PhoneNumber
    kind: Literal["emergency", "listening"]
    label: Text
    hours: Text | None = None
    note: Text | None = None
    sms: bool = False
    """The number takes text messages (114, silent alerts)."""


class Numbers(_Model):
    """``numbers.yaml``: emergency numbers first, then listening lines."""

    numbers: tuple[HelpNumber, ...] = Field(min_length=1)


class Phrases(_Model):
    """Lists of phrases in French and English."""

    fr: tuple[str, ...] = ()
    en: tuple[str, ...] = ()

    def get(self, language: str) -> tuple[str, ...]:
        return self.en if language == "en" else self.fr


class Answer(_Model):
    """One entry of the knowledge base."""

    id: Identifier
    title: Text
    questions: Phrases
    """How people ask it, in their own words: what free text is matched against."""
    keywords: Phrases = Phrases()
    answer: Text
    partners: tuple[Identifier, ...] = ()
    see_also: tuple[Identifier, ...] = ()
    sensitive: bool = False
    """``sensitive: true`` for what a shared phone should not show (violence, sexuality,
    pregnancy, mental health, addictions): the answer offers "🚪 Effacer l'écran"."""

    @model_validator(mode="after")
    def _enough(self) -> Answer:
        if len(self.questions.fr) < 2:
            raise ValueError("give at least 2 French questions")
        for language in LANGUAGES:
            text = self.answer.get(language)
            if len(text) > 1000:
                raise ValueError(f"the {language} answer is {len(text)} characters: keep it "
                                 "under 1000 (a phone screen)")  # fmt: skip
        return self


class AnswerFile(_Model):
    """``answers/<theme>.yaml``."""

    theme: Identifier
    entries: tuple[Answer, ...] = Field(min_length=1)


class Synonyms(_Model):
    """``synonyms.yaml``: each word on the left stands for all the words on its right."""

    fr: dict[str, tuple[str, ...]] = Field(default_factory=dict)
    en: dict[str, tuple[str, ...]] = Field(default_factory=dict)

    def get(self, language: str) -> dict[str, tuple[str, ...]]:
        return self.en if language == "en" else self.fr


class LanguageLexicon(_Model):
    expansions: dict[str, str] = Field(default_factory=dict)
    """A word as typed (SMS, youth spelling) → the words it stands for."""
    stopwords: tuple[str, ...] = ()


class Lexicon(_Model):
    """``content/common/lexicon.yaml``: how people write, shared by every pack."""

    fr: LanguageLexicon = LanguageLexicon()
    en: LanguageLexicon = LanguageLexicon()

    def get(self, language: str) -> LanguageLexicon:
        return self.en if language == "en" else self.fr


@dataclass(frozen=True)
class Phrasing:
    """One way of asking: the entry or intent it is for, its language, the text."""

    label: str
    language: str
    text: str


INTENTS: tuple[str, ...] = (
    "greeting", "thanks", "goodbye", "help", "privacy", "callback", "permanences", "events",
    "signup", "my_requests", "erase", "language", "boundary",
)  # fmt: skip
"""What a person can ask of the bot itself, in their own words (``none``: a question)."""


NO_INTENT = "none"


def read_phrasings(file: Path, head: str, labels: set[str], problems: list[str]) -> list[Phrasing]:
    """A tab-separated file ``<head>\tlang\ttext``; each bad line is one problem naming
    the file, the line and the field."""
    try:
        lines = file.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as exc:
        problems.append(f"{file}: cannot be read ({exc})")
        return []
    if not lines or lines[0].strip().split("\t") != [head, "lang", "text"]:
        problems.append(f"{file}: line 1: the header must be {head}<tab>lang<tab>text")
        return []
    found: list[Phrasing] = []
    for number, line in enumerate(lines[1:], start=2):
        if not line.strip() or line.startswith("#"):
            continue
        fields = line.split("\t")
        if len(fields) != 3:
            problems.append(f"{file}: line {number}: 3 fields separated by tabs, not "
                            f"{len(fields)}")  # fmt: skip
            continue
        label, language, text = (f.strip() for f in fields)
        if label not in labels:
            problems.append(f"{file}: line {number}: {head} {label!r} does not exist")
        elif language not in LANGUAGES:
            problems.append(f"{file}: line {number}: lang must be fr or en, not {language!r}")
        elif not text:
            problems.append(f"{file}: line {number}: the text is empty")
        else:
            found.append(Phrasing(label, language, text))
    return found
