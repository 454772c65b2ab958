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
from collections.abc import Hashable, Iterable
from dataclasses import dataclass
from typing import Literal, cast

from bot.answers.matching.reading import Reader
from bot.answers.matching.text import Normaliser
from bot.answers.matching.triage import (
    CONCERN_AT,
    NO_READING,
    PUSH_FLOOR,
    RULE_FLOOR,
    URGENT_AT,
    URGENT_CRISIS_AT,
    Reading,
    TriageModel,
)
from bot.territory import FAMILIES, LANGUAGES, Crisis, CrisisCategory
from bot.text import tokens

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

    def __init__(
        self, phrases: Iterable[tuple[Step, ...]], tags: Iterable[Hashable] | None = None
    ) -> None:
        """``tags``: one per phrase, to tell apart in :meth:`tagged_spans` which one stood."""
        self._by_word: dict[str, list[tuple[tuple[Step, ...], Hashable]]] = defaultdict(list)
        # Prefix phrases by the prefix itself, and the prefix lengths in use: a word is
        # looked up once per length, not tried against every prefix.
        self._by_prefix: dict[str, list[tuple[tuple[Step, ...], Hashable]]] = defaultdict(list)
        phrases = list(phrases)
        tag_list: list[Hashable] = list(tags) if tags is not None else [None] * len(phrases)
        for steps, tag in zip(phrases, tag_list, strict=True):
            if not steps:
                continue
            kind, value = steps[0]
            if kind == "w":
                self._by_word[value].append((steps, tag))
            else:
                self._by_prefix[value].append((steps, tag))
        self._prefix_lengths = sorted({len(p) for p in self._by_prefix})

    def __bool__(self) -> bool:
        return bool(self._by_word or self._by_prefix)

    def tagged_spans(self, words: list[str]) -> list[tuple[Hashable, Span]]:
        """Every phrase that stands in the words: its tag, and its (first, last) word index."""
        found: list[tuple[Hashable, Span]] = []
        by_word, by_prefix = self._by_word, self._by_prefix
        for i, word in enumerate(words):
            candidates = list(by_word.get(word, ()))
            for length in self._prefix_lengths:
                if length > len(word):
                    break
                candidates += by_prefix.get(word[:length], ())
            for steps, tag in candidates:
                end = _end_of_match(steps, words, i)
                if end is not None:
                    found.append((tag, (i, end)))
        return found

    def spans(self, words: list[str]) -> list[Span]:
        """Every (first, last) word index where one of the phrases stands."""
        return [span for _, span in self.tagged_spans(words)]

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


class CrisisRules:
    """The reviewed phrase rules of one pack (shared core plus local words).

    Every phrase of every category is in one :class:`PhraseSet` per language, tagged
    with where it belongs, so a message is scanned once, whatever the number of rules.
    """

    def __init__(self, crisis: Crisis | None, normalisers: dict[str, Normaliser]) -> None:
        self._normalisers = normalisers
        self._figurative: dict[str, PhraseSet] = {}
        self._phrases: dict[str, PhraseSet] = {}
        self._categories: list[CrisisCategory] = []
        self._combinations: dict[str, list[int]] = {}
        """Per category, the number of word groups of each of its combinations."""
        if crisis is None:
            return
        self._categories = list(crisis.categories)
        for category in crisis.categories:
            self._combinations[category.id] = [len(groups) for groups in category.combinations]
        for language, normaliser in normalisers.items():
            # Phrases of both languages apply to both readings of a message: people mix.
            self._figurative[language] = PhraseSet(
                compile_phrase(p, normaliser)
                for lang in LANGUAGES
                for p in crisis.figurative.get(lang)
            )
            steps: list[tuple[Step, ...]] = []
            tags: list[Hashable] = []
            for category in crisis.categories:
                for lang in LANGUAGES:
                    for phrase in category.patterns.get(lang):
                        steps.append(compile_phrase(phrase, normaliser))
                        tags.append((category.id, -1, -1))
                for c, groups in enumerate(category.combinations):
                    for g, group in enumerate(groups):
                        for phrase in group:
                            steps.append(compile_phrase(phrase, normaliser))
                            tags.append((category.id, c, g))
            self._phrases[language] = PhraseSet(steps, tags)

    def categories(self, text: str) -> list[tuple[CrisisCategory, bool]]:
        """The categories whose rules fire on the message, in the lexicon's order, each
        with whether an explicit phrase fired (not only a combination of words)."""
        found: dict[str, bool] = {}
        for language, normaliser in self._normalisers.items():
            words = normaliser.words(text)
            figurative = self._figurative.get(language)
            if figurative:
                words = figurative.blank(words)
            phrases = self._phrases.get(language)
            if phrases is None:
                continue
            groups: dict[tuple[str, int], dict[int, list[Span]]] = defaultdict(
                lambda: defaultdict(list)
            )
            for tag, span in phrases.tagged_spans(words):
                category_id, combination, group = cast(tuple[str, int, int], tag)
                if combination < 0:
                    found[category_id] = True
                else:
                    groups[(category_id, combination)][group].append(span)
            for (category_id, combination), spans in groups.items():
                if category_id in found:
                    continue
                size = self._combinations[category_id][combination]
                if _close_together([spans.get(g, []) for g in range(size)]):
                    found[category_id] = False
        return [(c, found[c.id]) for c in self._categories if c.id in found]


_LAUGHTER = frozenset(
    ("lol", "lool", "mdr", "mdrr", "ptdr", "ptdrr", "xd", "haha", "hahaha", "jk", "lmao", "lmfao")
)
_LAUGHING_FACES = ("😂", "🤣", "💀", "😹")


def laughing(text: str) -> bool:
    """Whether the message laughs ("mdr", "lol", 😂): then an explicit phrase is no proof
    of urgency on its own, and the classifier decides the tier alone."""
    return any(face in text for face in _LAUGHING_FACES) or not _LAUGHTER.isdisjoint(tokens(text))


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
        """The crisis the message speaks of, or ``None``.

        The classifier decides when it is sure enough (:data:`CONCERN_AT`); the urgent
        card needs a surer reading (:data:`URGENT_CRISIS_AT`) and either the classifier's
        urgent tier or an explicit reviewed phrase about oneself. A rule that fires where
        the classifier saw little (:data:`RULE_FLOOR`) still gets the check-in.
        """
        if not self._cards:
            return None
        reading = self.model.scan(text, self.reader) if self.model is not None else NO_READING
        fired = self.rules.categories(text)
        corrected = self.reader.corrected(text) if self.reader is not None else None
        if corrected is not None:  # the words as written, and as corrected
            seen = {c.id for c, _ in fired}
            fired += [(c, e) for c, e in self.rules.categories(corrected) if c.id not in seen]
        explicit = any(by_pattern for _, by_pattern in fired)
        category_id: str | None = None
        tier: Literal["urgent", "concern"] = "concern"
        if reading.category is not None and reading.crisis >= CONCERN_AT:
            category_id = reading.category
            family = FAMILIES.get(category_id)
            # A rule naming a narrower kind of the same family refines the classifier's
            # ("fire" within "danger", "sextortion" within "sexual-violence").
            narrower = [c.id for c, _ in fired if FAMILIES.get(c.id) == family and c.id != family]
            if narrower and category_id not in narrower:
                category_id = narrower[0]
            # An explicit reviewed phrase about oneself is urgent; about someone else (often
            # a calm question for a friend), the classifier's tier decides.
            pushed = (
                explicit
                and not reading.about_other
                and reading.urgent >= PUSH_FLOOR
                and not laughing(text)
            )
            if reading.crisis >= URGENT_CRISIS_AT and (reading.urgent >= URGENT_AT or pushed):
                tier = "urgent"
        elif fired and reading.crisis >= RULE_FLOOR:
            category_id = fired[0][0].id
        if category_id is None or category_id not in self._cards:
            return None
        return CrisisSignal(
            tier=tier,
            category=self._cards[category_id],
            about_other=reading.about_other,
            by_rule=bool(fired),
            reading=reading,
        )
