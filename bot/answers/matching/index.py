"""The matcher: which knowledge-base entry a free-text question is about.

Each entry is indexed from its title, keywords, example questions and answer,
each field with its own weight. A question scores, for each entry, the sum of
the inverse document frequencies of its terms that the entry contains (times the
field's weight), plus adjacent-term pairs. The *confidence* is the share of the
question's own weight that the entry explains: a question that is mostly about
something no entry mentions ("quelle heure est-il à Tokyo") has a low one,
whatever it shares with an entry by chance.

Words not in the vocabulary are corrected to a close one (Damerau-Levenshtein)
before scoring: typos are the rule, not the exception, at 23:40 on a phone.
"""

from __future__ import annotations

import heapq
import math
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from itertools import pairwise
from operator import itemgetter

from rapidfuzz import process
from rapidfuzz.distance import DamerauLevenshtein

from bot.answers.matching.text import Normaliser
from bot.territory import Answer

FIELD_WEIGHTS: dict[str, float] = {
    "title": 1.0,
    "keywords": 1.0,
    "questions": 0.9,
    "answer": 0.3,
}
PAIR_FACTOR = 0.5
"""Weight of a pair of adjacent terms, relative to its rarer term."""
TYPO_PENALTY = 0.8
UNKNOWN_SHARE = 1.0
"""An unknown word weighs as much as the rarest known term: it is what the question is about."""
MIN_TYPO_LENGTH = 6
MAX_TERMS = 40
"""Only the first terms of a very long message are matched (the crisis check reads it all)."""


ANCHOR_DF = 1
"""A word found in at most this many entries, in their title, keywords or questions,
points at them on its own ("rsma", "cv", "pij")."""


@dataclass(frozen=True)
class Candidate:
    answer_id: str
    score: float
    confidence: float
    anchored: bool = False
    """The question has a word that is characteristic of this entry."""


@dataclass(frozen=True)
class Match:
    """The ranked candidates for one question in one language."""

    language: str
    candidates: tuple[Candidate, ...]
    terms: tuple[str, ...] = ()
    corrected: dict[str, str] = field(default_factory=dict)
    unknown: tuple[str, ...] = ()

    @property
    def best(self) -> Candidate | None:
        return self.candidates[0] if self.candidates else None

    @property
    def runner_up(self) -> Candidate | None:
        return self.candidates[1] if len(self.candidates) > 1 else None


def _pairs(terms: list[str]) -> list[str]:
    return [f"{a}+{b}" for a, b in pairwise(terms) if a != b]


class LanguageIndex:
    """The entries of one pack in one language."""

    def __init__(
        self, normaliser: Normaliser, answers: list[Answer], known: frozenset[str] = frozenset()
    ) -> None:
        self.normaliser = normaliser
        self.known = known
        """Words people really write (the crisis corpus): never "corrected" into another."""
        self.language = normaliser.language
        self.ids = [a.id for a in answers]
        strength: list[dict[str, float]] = []
        surface_counts: Counter[str] = Counter()
        for answer in answers:
            own: dict[str, float] = defaultdict(float)
            in_questions: Counter[str] = Counter()
            for name, texts in self._fields(answer):
                weight = FIELD_WEIGHTS[name]
                for text in texts:
                    words = [w for w in normaliser.words(text) if normaliser.is_content(w)]
                    surface_counts.update(words)
                    terms = [normaliser.stem(w) for w in words]
                    for term in terms:
                        own[term] = max(own[term], weight)
                    for pair in _pairs(terms):
                        own[pair] = max(own[pair], weight)
                    if name == "questions":
                        in_questions.update(set(terms))
            for term, count in in_questions.items():
                if count >= 2:  # said in several ways: characteristic of the entry
                    own[term] = min(1.2, own[term] + 0.1 * min(count - 1, 3))
            strength.append(dict(own))
        self.postings: dict[str, list[tuple[int, float]]] = defaultdict(list)
        for index, own in enumerate(strength):
            for term, value in own.items():
                self.postings[term].append((index, value))
        n = max(len(answers), 1)
        self.idf = {t: math.log(1 + n / len(p)) for t, p in self.postings.items()}
        self.max_idf = max(self.idf.values(), default=1.0)
        # Surface words (before stemming) for typo correction, most frequent first.
        self.vocabulary = [w for w, _ in surface_counts.most_common() if len(w) >= 4]
        self._vocabulary_stems = {w: normaliser.stem(w) for w in self.vocabulary}
        self._by_initial: dict[str, list[str]] = defaultdict(list)
        for word in self.vocabulary:
            self._by_initial[word[0]].append(word)

    def _fields(self, answer: Answer) -> list[tuple[str, tuple[str, ...]]]:
        lang = self.language
        title = answer.title.en if lang == "en" else answer.title.fr
        text = answer.answer.en if lang == "en" else answer.answer.fr
        return [
            ("title", (title,) if title else ()),
            ("keywords", answer.keywords.get(lang)),
            ("questions", answer.questions.get(lang)),
            ("answer", (text,) if text else ()),
        ]

    def _correct(self, word: str) -> str | None:
        """A vocabulary word one or two edits away from an unknown ``word``.

        Typos rarely touch the first letter; requiring it keeps "sommet" from
        becoming "sommeil".
        """
        if len(word) < MIN_TYPO_LENGTH or not self.vocabulary or word.isdigit():
            return None
        if word in self.known:  # "classe" is not a typo of "casse", nor "rentre" of "rendre"
            return None
        limit = 1 if len(word) < 9 else 2
        candidates = self._by_initial.get(word[0], [])
        found = process.extractOne(
            word, candidates, scorer=DamerauLevenshtein.distance, score_cutoff=limit
        )
        return None if found is None else found[0]

    def search(self, text: str, limit: int = 5) -> Match:
        normaliser = self.normaliser
        words = [w for w in normaliser.words(text) if normaliser.is_content(w)][:MAX_TERMS]
        terms: list[str] = []
        weights: dict[str, float] = {}
        corrected: dict[str, str] = {}
        unknown: list[str] = []
        for word in words:
            term = normaliser.stem(word)
            if term in self.idf:
                weights.setdefault(term, self.idf[term])
            else:
                fix = self._correct(word)
                if fix is None:
                    unknown.append(word)
                    weights.setdefault(term, self.max_idf * UNKNOWN_SHARE)
                else:
                    corrected[word] = fix
                    term = self._vocabulary_stems[fix]
                    weights.setdefault(term, self.idf.get(term, self.max_idf) * TYPO_PENALTY)
            terms.append(term)
        total = sum(weights.values())
        if not total:
            return Match(self.language, (), tuple(terms), corrected, tuple(unknown))
        scores: dict[int, float] = defaultdict(float)
        anchored: set[int] = set()
        for term, weight in weights.items():
            postings = self.postings.get(term, ())
            for index, value in postings:
                scores[index] += weight * value
                if len(postings) <= ANCHOR_DF and value >= FIELD_WEIGHTS["keywords"]:
                    anchored.add(index)
        for pair in set(_pairs(terms)):
            if pair in self.postings:
                a, b = pair.split("+", 1)
                bonus = PAIR_FACTOR * min(weights.get(a, 0.0), weights.get(b, 0.0))
                for index, value in self.postings[pair]:
                    scores[index] += bonus * value
        ranked = heapq.nlargest(limit, scores.items(), key=itemgetter(1))
        candidates = tuple(
            Candidate(
                self.ids[i], round(score, 4), round(min(1.0, score / total), 4), i in anchored
            )
            for i, score in ranked
        )
        return Match(self.language, candidates, tuple(terms), corrected, tuple(unknown))
