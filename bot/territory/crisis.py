"""The crisis cards of a pack, the shared categories and families of FACTS.md 'Warning
signs', and how a pack's cards extend the shared ones."""

from __future__ import annotations

from pydantic import (
    Field,
)

from bot.territory.base import Identifier, Text, _Model
from bot.territory.knowledge import Phrases

CATEGORIES: tuple[str, ...] = (
    "suicide",
    "self-harm",
    "violence-home",
    "sexual-violence",
    "sextortion",
    "danger",
    "fire",
    "homeless-tonight",
    "overdose",
    "child-alone",
    "forced-marriage",
)
"""What a crisis can be about, finely enough to name the number that fits."""

FAMILIES: dict[str, str] = {
    "suicide": "suicide",
    "self-harm": "self-harm",
    "violence-home": "violence-home",
    "sexual-violence": "sexual-violence",
    "sextortion": "sexual-violence",
    "danger": "danger",
    "fire": "danger",
    "homeless-tonight": "homeless-tonight",
    "overdose": "someone-else",
    "child-alone": "someone-else",
    "forced-marriage": "someone-else",
}
"""The families of FACTS.md "Warning signs", which the figures are reported by."""


class CrisisCategory(_Model):
    """A kind of crisis, as this territory answers it: who to call, and what to say."""

    id: Identifier
    emergency: Identifier
    """The one number that fits, called first on the urgent card (an id of numbers.yaml)."""
    listening: tuple[Identifier, ...] = ()
    """The listening and help lines that fit, after it."""
    subject: Identifier = "autre"
    """The subject of the urgent request made from the card: a theme or an extra subject."""
    message: Text
    """A short, calm, reviewed sentence to a person who speaks of themselves."""
    message_other: Text
    """The same, to a person who speaks of someone else ("your friend")."""
    patterns: Phrases = Phrases()
    """Local words that reveal this crisis, added to the shared rules of
    ``content/common/crisis.yaml``: ``*`` ends a word prefix (``suicid*``), ``...``
    stands for up to three words (``mon pere ... frappe``)."""
    combinations: tuple[tuple[tuple[str, ...], ...], ...] = ()
    """Groups of words that together reveal the crisis when each group has a word within
    a few words of the others: ``[[pere, mere, copain], [frapp*, tap*, cogn*]]``. Groups
    may mix French and English words."""
    child: bool = False
    """A disclosure that may concern a child: the staff's safeguarding procedure applies."""

    @property
    def numbers(self) -> tuple[Identifier, ...]:
        """The card's numbers, the emergency one first."""
        return (self.emergency, *(n for n in self.listening if n != self.emergency))


class Crisis(_Model):
    """``crisis.yaml``."""

    categories: tuple[CrisisCategory, ...] = Field(min_length=1)
    figurative: Phrases = Phrases()
    """Expressions that sound dark but are not ("mort de rire"): removed before matching."""


class SharedCrisisCategory(_Model):
    id: Identifier
    patterns: Phrases = Phrases()
    combinations: tuple[tuple[tuple[str, ...], ...], ...] = ()


class SharedCrisis(_Model):
    """``content/common/crisis.yaml``: crisis rules every territory inherits."""

    categories: tuple[SharedCrisisCategory, ...] = ()
    figurative: Phrases = Phrases()


def merge_crisis(own: Crisis, shared: SharedCrisis) -> Crisis:
    """The pack's crisis lexicon with the shared rules of the same categories added."""
    by_id = {c.id: c for c in shared.categories}
    categories = []
    for category in own.categories:
        common = by_id.get(category.id)
        if common is not None:
            category = category.model_copy(
                update={
                    "patterns": Phrases(
                        fr=category.patterns.fr + common.patterns.fr,
                        en=category.patterns.en + common.patterns.en,
                    ),
                    "combinations": category.combinations + common.combinations,
                }
            )
        categories.append(category)
    figurative = Phrases(
        fr=own.figurative.fr + shared.figurative.fr, en=own.figurative.en + shared.figurative.en
    )
    return own.model_copy(update={"categories": tuple(categories), "figurative": figurative})
