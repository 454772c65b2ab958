"""What every file of a pack shares: languages, ids, phone numbers, bilingual texts,
opening slots, and the error naming a file and field."""

from __future__ import annotations

import datetime as dt
import re
from typing import Annotated, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    model_validator,
)

LANGUAGES: tuple[str, ...] = ("fr", "en")
"""Interface languages, French first."""


_ID = r"^[a-z0-9][a-z0-9_-]{0,39}$"


Identifier = Annotated[str, Field(pattern=_ID)]
"""A short lowercase id used in files, buttons and the database (``sante``, ``sic``)."""


_PHONE = re.compile(r"^\+?[0-9][0-9 ]{0,18}[0-9]$")


def _check_phone(value: str) -> str:
    if not _PHONE.match(value):
        raise ValueError("a phone number has digits and spaces only, e.g. '05 30 30' or '3114'")
    return value


PhoneNumber = Annotated[str, AfterValidator(_check_phone)]


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True)


class Text(_Model):
    """A piece of text in French (required) and English (expected)."""

    fr: str = Field(min_length=1)
    en: str | None = None

    def get(self, language: str) -> str:
        """The text in ``language``, falling back to French."""
        if language == "en" and self.en:
            return self.en
        return self.fr


Weekday = Literal["mon", "tue", "wed", "thu", "fri", "sat", "sun"]


WEEKDAYS: tuple[Weekday, ...] = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


class OpeningSlot(_Model):
    """The service is open on ``days`` from ``opens`` to ``closes`` (local time)."""

    days: tuple[Weekday, ...] = Field(min_length=1)
    opens: dt.time
    closes: dt.time

    @model_validator(mode="after")
    def _ordered(self) -> OpeningSlot:
        if self.closes <= self.opens:
            raise ValueError("'closes' must be after 'opens'")
        return self


class ContentError(Exception):
    """A pack could not be loaded. ``problems`` are human-readable, one per issue."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("\n".join(problems))
        self.problems = problems
