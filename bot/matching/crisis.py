"""Crisis detection: the shared classifier, with reviewed phrase rules as a backstop.

Recall comes first: a message that speaks of suicide, abuse or immediate danger
must never be missed; the figurative expressions of the lexicon ("mort de rire",
"ce prof me tue") are blanked out before the patterns are tried, so that they do
not trigger. Both languages are always checked, whatever the person's language.

Phrases are matched word by word: each is indexed by its first word (or word
prefix), so a message is scanned once whatever the size of the lexicon.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Literal

from bot.matching.text import Normaliser
from bot.matching.triage import FAMILIES, Reader, Reading, TriageModel
from bot.territory import LANGUAGES, Crisis, CrisisCategory

_GAP = "zzgapzz"
_STAR = "zzstarzz"
MAX_GAP = 3
"""``...`` in a phrase stands for up to this many words."""
WINDOW = 8
"""Words of a combination must all fall within this many words of each other."""
BLANK = "|"
"""What a figurative expression is replaced by: a word no phrase contains."""

Step = tuple[str, str]
"""("w", word) an exact word, ("p", prefix) a word starting so, ("g", "") a gap."""
Span = tuple[int, int]


def compile_phrase(phrase: str, normaliser: Normaliser) -> tuple[Step, ...]:
    """A lexicon phrase as steps over normalised words ("mon pere ... frapp*")."""
    prepared = phrase.replace("...", f" {_GAP} ").replace("…", f" {_GAP} ")
    prepared = prepared.replace("*", _STAR)
    steps: list[Step] = []
    for word in normaliser.words(prepared):
        if word == _GAP:
            steps.append(("g", ""))
        elif word.endswith(_STAR):
            steps.append(("p", word[: -len(_STAR)]))
        else:
            steps.append(("w", word))
    while steps and steps[0][0] == "g":
        steps.pop(0)
    while steps and steps[-1][0] == "g":
        steps.pop()
    return tuple(steps)


def _fits(step: Step, word: str) -> bool:
    kind, value = step
    return word == value if kind == "w" else word.startswith(value)


def _end_of_match(steps: tuple[Step, ...], words: list[str], start: int) -> int | None:
    """Index of the last word of ``steps`` matched from ``start``, or ``None``."""

    def walk(k: int, j: int) -> int | None:
        if k == len(steps):
            return j - 1
        if steps[k][0] == "g":
            for skip in range(MAX_GAP + 1):
                end = walk(k + 1, j + skip)
                if end is not None:
                    return end
            return None
        if j < len(words) and _fits(steps[k], words[j]):
            return walk(k + 1, j + 1)
        return None

    return walk(0, start)


class PhraseSet:
    """Many phrases, found in a list of words in one pass."""

    def __init__(self, phrases: Iterable[tuple[Step, ...]]) -> None:
        self._by_word: dict[str, list[tuple[Step, ...]]] = defaultdict(list)
        self._by_prefix: list[tuple[str, tuple[Step, ...]]] = []
        for steps in phrases:
            if not steps:
                continue
            kind, value = steps[0]
            if kind == "w":
                self._by_word[value].append(steps)
            else:
                self._by_prefix.append((value, steps))

    def __bool__(self) -> bool:
        return bool(self._by_word or self._by_prefix)

    def spans(self, words: list[str]) -> list[Span]:
        """Every (first, last) word index where one of the phrases stands."""
        found: list[Span] = []
        for i, word in enumerate(words):
            candidates = list(self._by_word.get(word, ()))
            candidates += [steps for prefix, steps in self._by_prefix if word.startswith(prefix)]
            for steps in candidates:
                end = _end_of_match(steps, words, i)
                if end is not None:
                    found.append((i, end))
        return found

    def blank(self, words: list[str]) -> list[str]:
        """The words with every phrase of the set replaced by blanks, longest first."""
        out = list(words)
        for first, last in sorted(self.spans(words), key=lambda s: s[0] - s[1]):
            if all(w != BLANK for w in out[first : last + 1]):
                out[first : last + 1] = [BLANK] * (last - first + 1)
        return out


def _gap(a: Span, b: Span) -> int:
    """Words between two spans (0 when they touch or overlap)."""
    return max(0, b[0] - a[1], a[0] - b[1])


def _close_together(groups: list[list[Span]]) -> bool:
    """Whether one match per group can be picked, all within the window of the first."""
    if any(not g for g in groups):
        return False
    return any(
        all(any(_gap(anchor, s) <= WINDOW for s in g) for g in groups[1:]) for anchor in groups[0]
    )


@dataclass
class _Rules:
    """One category's rules, compiled for one language's normalisation."""

    category: CrisisCategory
    patterns: PhraseSet
    combinations: list[list[PhraseSet]]


class CrisisRules:
    """The reviewed phrase rules of one pack (shared core plus local words)."""

    def __init__(self, crisis: Crisis | None, normalisers: dict[str, Normaliser]) -> None:
        self._normalisers = normalisers
        self._figurative: dict[str, PhraseSet] = {}
        self._rules: dict[str, list[_Rules]] = {language: [] for language in normalisers}
        if crisis is None:
            return
        for language, normaliser in normalisers.items():
            # Phrases of both languages apply to both readings of a message: people mix.
            self._figurative[language] = PhraseSet(
                compile_phrase(p, normaliser)
                for lang in LANGUAGES
                for p in crisis.figurative.get(lang)
            )
            for category in crisis.categories:
                patterns = PhraseSet(
                    compile_phrase(p, normaliser)
                    for lang in LANGUAGES
                    for p in category.patterns.get(lang)
                )
                combinations = [
                    [PhraseSet(compile_phrase(p, normaliser) for p in group) for group in groups]
                    for groups in category.combinations
                ]
                self._rules[language].append(_Rules(category, patterns, combinations))

    def categories(self, text: str) -> list[CrisisCategory]:
        """The categories whose rules fire on the message, in the lexicon's order."""
        found: set[str] = set()
        for language, normaliser in self._normalisers.items():
            words = normaliser.words(text)
            figurative = self._figurative.get(language)
            if figurative:
                words = figurative.blank(words)
            for rules in self._rules[language]:
                if rules.category.id in found:
                    continue
                if rules.patterns.spans(words) or any(
                    _close_together([group.spans(words) for group in groups])
                    for groups in rules.combinations
                ):
                    found.add(rules.category.id)
        return [r.category for r in self._rules.get("fr", []) if r.category.id in found]


@dataclass(frozen=True)
class CrisisSignal:
    """What a message revealed: how urgent, what about, and whether about someone else."""

    tier: Literal["urgent", "concern"]
    category: CrisisCategory
    about_other: bool
    by_rule: bool
    """A reviewed phrase rule fired (the backstop), whatever the classifier said."""
    reading: Reading

    @property
    def urgent(self) -> bool:
        return self.tier == "urgent"

    @property
    def family(self) -> str:
        return FAMILIES.get(self.category.id, self.category.id)

    @property
    def child(self) -> bool:
        return self.category.child

    @property
    def ids(self) -> tuple[str, ...]:
        return (self.category.id,)


class CrisisDetector:
    """Finds a crisis in a message, for one pack: the shared classifier, then the rules.

    The classifier recognises the crisis in words nobody wrote for it; the phrase
    rules are the backstop for what must never be missed. A rule that fires makes
    the message at least a concern; the classifier decides whether it is urgent.
    """

    def __init__(
        self,
        crisis: Crisis | None,
        normalisers: dict[str, Normaliser],
        model: TriageModel | None,
        reader: Reader | None = None,
    ) -> None:
        self.rules = CrisisRules(crisis, normalisers)
        self.model = model
        self.reader = reader
        self._cards = {c.id: c for c in crisis.categories} if crisis else {}

    def detect(self, text: str) -> CrisisSignal | None:
        """The crisis the message speaks of, or ``None``."""
        if not self._cards:
            return None
        reading = (
            self.model.read(text, self.reader)
            if self.model is not None
            else Reading(0.0, None, 0.0, 0.0, 0.0)
        )
        fired = self.rules.categories(text)
        tier = reading.tier
        category_id = reading.category if tier != "none" else None
        if fired:
            chosen = fired[0]
            if category_id is not None:
                family = FAMILIES.get(category_id)
                # A rule of the same family is more specific ("fire" within "danger").
                same = [c for c in fired if FAMILIES.get(c.id) == family]
                chosen = same[0] if same else self._cards.get(category_id, chosen)
            category_id = chosen.id
            if tier == "none":
                tier = "concern"
        if tier == "none" or category_id is None or category_id not in self._cards:
            return None
        return CrisisSignal(
            tier=tier,
            category=self._cards[category_id],
            about_other=reading.about_other,
            by_rule=bool(fired),
            reading=reading,
        )
