"""The service itself: ``territory.yaml``, the places (quartiers, résidences, bailleurs),
the teams, and how requests are routed to them."""

from __future__ import annotations

import string
import zoneinfo
from typing import Annotated, Literal

from pydantic import (
    AfterValidator,
    Field,
    field_validator,
    model_validator,
)

from bot.territory.base import Identifier, OpeningSlot, Text, _Model


class Limits(_Model):
    """``limits:`` in ``territory.yaml``: how much one person may ask of the team at once.

    Against floods and scripts, never against someone in distress: a message that speaks
    of a crisis is never held back, and an urgent request from a crisis card is always
    sent (one at a time). The defaults follow the support bots on Telegram that teams
    already rely on (five messages to the staff per five minutes in the most used one),
    loosened for young people who write in many short messages.
    """

    open_requests: int = Field(default=3, ge=1, le=20)
    """Callback requests one person may have open at once (not counting an urgent one)."""
    requests_per_day: int = Field(default=6, ge=1, le=50)
    """New callback requests per 24 hours (cancelled ones count: no card flood)."""
    relayed_per_minute: int = Field(default=8, ge=1, le=60)
    """Messages passed on to the staff group per minute (a group takes ~20 a minute)."""
    messages_per_minute: int = Field(default=20, ge=5, le=120)
    """Messages to the bot itself per minute before a gentle "slow down"."""


class Territory(_Model):
    """``territory.yaml``: who the service is and when it works."""

    id: Identifier
    name: Text
    service: Text
    description: Text
    timezone: str
    default_language: Literal["fr", "en"] = "fr"
    opening_hours: tuple[OpeningSlot, ...] = ()
    contact: Text
    """How to reach the service in person (where no address is confirmed, who to ask)."""
    phone_prefix: str = Field(pattern=r"^\+[0-9]{1,4}$")
    """International prefix of the territory's phone numbers (+33, +687)."""
    phone_digits: int = Field(ge=5, le=12)
    """How many digits a local phone number has (10 in France, 6 in New Caledonia)."""
    reminders: tuple[Annotated[str, Field(pattern=r"^[1-9][0-9]?[dhm]$")], ...] = ("1d", "2h")
    """When registered people are reminded of an event: "1d" the day before at the same
    local time, "2h" two hours before, "30m"..."""
    retention_days: int = Field(default=365, ge=30, le=1095)
    """After this many days without activity, what we keep about a person is erased."""
    address: Literal["vous", "tu"] = Field(default="vous", alias="register")
    """``register:`` in the file: how the bot speaks French, "tu" (as youth lines do) or
    "vous"."""
    content_loop: bool = False
    """Opt-in: questions the bot could not answer are kept 30 days, without any link to
    the person, for coordinators to see (/sans_reponse); said in /confidentialite."""
    limits: Limits = Limits()

    @field_validator("timezone")
    @classmethod
    def _known_timezone(cls, value: str) -> str:
        try:
            zoneinfo.ZoneInfo(value)
        except (zoneinfo.ZoneInfoNotFoundError, ValueError) as exc:
            raise ValueError(f"unknown timezone {value!r} (e.g. 'Europe/Paris')") from exc
        return value


class Residence(_Model):
    id: Identifier
    name: str = Field(min_length=1)
    bailleur: Identifier | None = None


class Quartier(_Model):
    id: Identifier
    name: str = Field(min_length=1)
    residences: tuple[Residence, ...] = ()


class Bailleur(_Model):
    id: Identifier
    name: str = Field(min_length=1)
    description: Text | None = None


class Places(_Model):
    """``places.yaml``: the quartiers, their résidences and the bailleurs."""

    bailleurs: tuple[Bailleur, ...] = ()
    quartiers: tuple[Quartier, ...] = Field(min_length=1)


class Team(_Model):
    id: Identifier
    name: Text
    description: Text


class Teams(_Model):
    """``teams.yaml``."""

    teams: tuple[Team, ...] = Field(min_length=1)

    def name_of(self, team_id: str, language: str) -> str:
        """A team's name in ``language``; its identifier when the pack no longer has it."""
        team = next((t for t in self.teams if t.id == team_id), None)
        return team.name.get(language) if team else team_id


PROFILES: tuple[str, ...] = ("young", "resident", "parent")
"""Who is asking, when a pack routes by it: a young person, a resident, a parent."""


SUBJECTS_EXTRA: tuple[str, ...] = ("conflit", "famille", "autre")
"""Request subjects besides the pack's themes: a neighbour conflict, family and violence
(the subject of urgent requests made from a crisis card), something else."""


class RoutingRule(_Model):
    """Send requests matching every given condition to ``team``; no condition = all."""

    team: Identifier
    subjects: tuple[Identifier, ...] = ()
    profiles: tuple[Literal["young", "resident", "parent"], ...] = ()
    quartiers: tuple[Identifier, ...] = ()
    urgent: bool | None = None


class Delays(_Model):
    """How long a request may wait unclaimed, in the service's opening hours."""

    normal_minutes: int = Field(default=240, ge=5, le=10080)
    urgent_minutes: int = Field(default=15, ge=1, le=240)
    escalate_after: int = Field(default=2, ge=1, le=10)
    """Re-announcements before the coordinators are told."""


class Routing(_Model):
    """``routing.yaml``: which team a callback request goes to. First matching rule wins."""

    ask_profile: bool = False
    ask_quartier: bool = False
    delays: Delays = Delays()
    rules: tuple[RoutingRule, ...] = Field(min_length=1)

    @model_validator(mode="after")
    def _catch_all_last(self) -> Routing:
        last = self.rules[-1]
        if last.subjects or last.profiles or last.quartiers or last.urgent is not None:
            raise ValueError("the last rule must have no condition (it takes every request left)")
        return self

    def route(self, subject: str, profile: str | None, quartier: str | None, urgent: bool) -> str:
        """The team for a request."""
        for rule in self.rules:
            if rule.subjects and subject not in rule.subjects:
                continue
            if rule.profiles and profile not in rule.profiles:
                continue
            if rule.quartiers and quartier not in rule.quartiers:
                continue
            if rule.urgent is not None and rule.urgent != urgent:
                continue
            return rule.team
        return self.rules[-1].team


PLACEHOLDERS = ("reference", "prenom")
"""What a canned reply may say in braces: the request's reference, the mediator's first
name (or "the mediation team" when they keep it hidden)."""


def check_placeholders(value: str) -> str:
    try:
        names = {name for _, name, _, _ in string.Formatter().parse(value) if name is not None}
    except ValueError as exc:
        raise ValueError(f"braces must be balanced ({exc})") from None
    unknown = names - set(PLACEHOLDERS)
    if unknown:
        raise ValueError(
            f"unknown placeholder(s) {', '.join(sorted(unknown))}: use {{reference}} or {{prenom}}"
        )
    return value


class CannedText(Text):
    """A canned reply's words, in French and English, with its placeholders checked."""

    fr: Annotated[str, Field(min_length=1, max_length=1000), AfterValidator(check_placeholders)]
    en: Annotated[str | None, Field(max_length=1000)] = None

    @model_validator(mode="after")
    def _english_placeholders(self) -> CannedText:
        if self.en:
            check_placeholders(self.en)
        return self


class CannedReply(_Model):
    """A short reply a mediator sends in one tap from a request's card."""

    id: Identifier
    teams: tuple[Identifier, ...] = ()
    """The teams that use it; none: every team."""
    title: Text
    text: CannedText


class CannedReplies(_Model):
    """``replies.yaml`` (optional): the pack's canned replies."""

    replies: tuple[CannedReply, ...] = ()
