"""Crisis detection: fixed, reviewed triggers from the pack's crisis lexicon.

Recall comes first: a message that speaks of suicide, abuse or immediate danger
must never be missed; the figurative expressions of the lexicon ("mort de rire",
"ce prof me tue") are blanked out before the patterns are tried, so that they do
not trigger. Both languages are always checked, whatever the person's language.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from bot.matching.text import Normaliser
from bot.territory import LANGUAGES, Crisis, CrisisCategory

_GAP = "zzgapzz"
_STAR = "zzstarzz"
WINDOW = 8
"""Words of a combination must all fall within this many words of each other."""


@dataclass(frozen=True)
class CrisisSignal:
    """What a message revealed: the categories, in the lexicon's order."""

    categories: tuple[CrisisCategory, ...]

    @property
    def child(self) -> bool:
        return any(c.child for c in self.categories)

    @property
    def ids(self) -> tuple[str, ...]:
        return tuple(c.id for c in self.categories)


def compile_phrase(phrase: str, normaliser: Normaliser) -> str:
    """A lexicon phrase as a regex over space-joined words ("mon pere ... frapp*")."""
    prepared = phrase.replace("...", f" {_GAP} ").replace("…", f" {_GAP} ")
    prepared = re.sub(r"\*", _STAR, prepared)
    words = normaliser.words(prepared)
    parts: list[str] = []
    for word in words:
        if word == _GAP:
            parts.append(r"(?:[a-z0-9]+ ){0,3}")
        elif word.endswith(_STAR):
            parts.append(re.escape(word[: -len(_STAR)]) + r"[a-z0-9]*" + " ")
        else:
            parts.append(re.escape(word) + " ")
    if not parts or all(p.startswith("(?:") for p in parts):
        return ""
    body = "".join(parts)
    if body.endswith(" "):
        body = body[:-1]
    elif body.endswith(r"(?:[a-z0-9]+ ){0,3}"):
        body = body[: -len(r"(?:[a-z0-9]+ ){0,3}")].rstrip(" ")
    return r"(?:(?<= )|^)" + body + r"(?= |$)"


Span = tuple[int, int]


def _spans(pattern: re.Pattern[str], text: str) -> list[Span]:
    """First and last word index of each match of ``pattern`` in space-joined ``text``."""
    return [
        (text.count(" ", 0, m.start()), text.count(" ", 0, max(m.start(), m.end() - 1)))
        for m in pattern.finditer(text)
    ]


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


Combination = list[dict[str, re.Pattern[str]]]


class CrisisDetector:
    """Finds crisis categories in a message, for one pack."""

    def __init__(self, crisis: Crisis | None, normalisers: dict[str, Normaliser]) -> None:
        self._normalisers = normalisers
        self._categories: list[tuple[CrisisCategory, dict[str, re.Pattern[str]]]] = []
        self._combinations: dict[str, list[Combination]] = {}
        self._figurative: dict[str, re.Pattern[str] | None] = {}
        if crisis is None:
            return
        for language in LANGUAGES:
            normaliser = normalisers[language]
            # Like patterns, figurative phrases of both languages apply to both readings.
            phrases = [
                compile_phrase(p, normaliser)
                for lang in LANGUAGES
                for p in crisis.figurative.get(lang)
            ]
            phrases = [p for p in phrases if p]
            # Longest first, so that "je suis mort de rire" wins over "mort".
            phrases.sort(key=len, reverse=True)
            self._figurative[language] = re.compile("|".join(phrases)) if phrases else None
        for category in crisis.categories:
            compiled: dict[str, re.Pattern[str]] = {}
            for language in LANGUAGES:
                normaliser = normalisers[language]
                # Patterns of both languages are tried on both normalisations: people mix.
                phrases = [
                    compile_phrase(p, normaliser)
                    for lang in LANGUAGES
                    for p in category.patterns.get(lang)
                ]
                phrases = [p for p in phrases if p]
                if phrases:
                    compiled[language] = re.compile("|".join(phrases))
            self._categories.append((category, compiled))
            combos: list[Combination] = []
            for groups in category.combinations:
                combo: Combination = []
                for group in groups:
                    by_language: dict[str, re.Pattern[str]] = {}
                    for language in LANGUAGES:
                        phrases = [compile_phrase(p, normalisers[language]) for p in group]
                        phrases = [p for p in phrases if p]
                        if phrases:
                            by_language[language] = re.compile("|".join(phrases))
                    combo.append(by_language)
                combos.append(combo)
            self._combinations[category.id] = combos

    def detect(self, text: str) -> CrisisSignal | None:
        """The crisis categories the message speaks of, or ``None``."""
        found: list[CrisisCategory] = []
        prepared: dict[str, str] = {}
        for language, normaliser in self._normalisers.items():
            joined = " ".join(normaliser.words(text))
            figurative = self._figurative.get(language)
            if figurative is not None:
                joined = figurative.sub(" | ", joined)
            prepared[language] = joined
        for category, compiled in self._categories:
            if any(p.search(prepared[lang]) for lang, p in compiled.items()) or any(
                self._combined(combo, prepared) for combo in self._combinations[category.id]
            ):
                found.append(category)
        return CrisisSignal(tuple(found)) if found else None

    @staticmethod
    def _combined(combo: Combination, prepared: dict[str, str]) -> bool:
        for language, text in prepared.items():
            groups = [
                _spans(group[language], text) if language in group else [] for group in combo
            ]
            if _close_together(groups):
                return True
        return False
