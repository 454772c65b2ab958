"""Reading a message as every classifier does: spelling corrected, words, skeletons and
character n-grams, hashed and weighted (tf-idf)."""

from __future__ import annotations

import zlib
from collections.abc import Iterable
from functools import lru_cache
from itertools import pairwise
from zlib import crc32

import numpy as np
from rapidfuzz import process
from rapidfuzz.distance import DamerauLevenshtein

from bot.answers.matching.corpus import _EMOJI, load_corpus
from bot.territory import Lexicon
from bot.text import fold, tokens


class Corrector:
    """Words written wrong, read as the word of the corpus they are one or two edits from.

    Only a word the corpus does not know is corrected ("mourire" → "mourir"), never one
    it knows, and only to a word with the same first letter: typos rarely touch it.
    """

    def __init__(self, known: Iterable[str]) -> None:
        self._known = frozenset(known)
        self._by_initial: dict[str, list[str]] = {}
        for word in sorted(self._known):
            if len(word) >= 3 and word.isalpha():
                self._by_initial.setdefault(word[0], []).append(word)

    @lru_cache(maxsize=20_000)  # noqa: B019 - one corrector per process, words repeat
    def correct(self, word: str) -> str | None:
        if len(word) < 4 or word in self._known or not word.isalpha():
            return None
        limit = 1 if len(word) < 8 else 2
        found = process.extractOne(
            word,
            self._by_initial.get(word[0], []),
            scorer=DamerauLevenshtein.distance,
            score_cutoff=limit,
        )
        return None if found is None else str(found[0])


class Reader:
    """Turns a message into the two texts the features are drawn from.

    The words are expanded with the shared lexicon of both languages (people mix
    them), and a pack's local words are added beside the words as written: a
    pack can teach the model a word, never hide one from it.
    """

    def __init__(
        self,
        lexicon: Lexicon,
        local: dict[str, str] | None = None,
        corrector: Corrector | None = None,
    ) -> None:
        self._corrector = corrector
        expansions: dict[str, list[str]] = {}
        for language in ("en", "fr"):  # French last: it wins where both define a token
            for key, value in lexicon.get(language).expansions.items():
                expansions[fold(key)] = tokens(value)
        self._expansions = expansions
        self._local = dict(local or {})

    def words(self, text: str, folded: list[str] | None = None) -> list[str]:
        """The words, SMS spellings expanded, local and corrected words beside them.

        ``folded``: ``tokens(text)``, when the caller has it already."""
        out: list[str] = []
        for token in tokens(text) if folded is None else folded:
            expanded = self._expansions.get(token)
            if (
                expanded is None
                and len(token) >= 4
                and token[0] == "j"
                and token[1] not in "aeiouy"
            ):
                expanded = ["je", *self._expansions.get(token[1:], [token[1:]])]
            out.extend(expanded or (token,))
            local = self._local.get(token)
            if local is not None:
                out.extend(local.split())
            elif self._corrector is not None and expanded is None:
                fix = self._corrector.correct(token)
                if fix is not None:  # read as written, and as corrected
                    out.append(fix)
        out.extend(_EMOJI.findall(text))
        return out

    def chars(self, text: str) -> str:
        return " ".join(tokens(text))

    def corrected(self, text: str) -> str | None:
        """The message with its misspelt words corrected, or ``None`` if none was."""
        if self._corrector is None:
            return None
        words = tokens(text)
        fixed = [self._corrector.correct(w) or w for w in words]
        return " ".join(fixed) if fixed != words else None

    def skeletons(self, text: str) -> list[str]:
        """The words' consonant skeletons: "tabassé", "tabasser" and "tbss" all read
        "tbs"; "frère", "frer" and "frr" read "fr". SMS drops vowels and doubles or drops
        letters; the skeleton is what stays."""
        return [skeleton(word) for word in self.words(text) if not _EMOJI.match(word)]


MIN_CHARS, MAX_CHARS = 2, 5
"""Character n-grams, from two to five characters."""

_VOWELS = str.maketrans("", "", "aeiouy")


def skeleton(word: str) -> str:
    """A word's first letter, then its consonants with repeats squashed."""
    if len(word) <= 2 or word.isdigit():
        return word
    rest = word[1:].translate(_VOWELS)
    squashed = "".join(c for i, c in enumerate(rest) if i == 0 or c != rest[i - 1])
    return word[0] + squashed


FEATURE_PARTS: tuple[str, ...] = ("chars", "words", "skeletons")
"""The three readings a message's features are drawn from, in the weight matrix's order."""

_PART_SEEDS = {part: zlib.crc32(part.encode()) for part in ("chars", "words", "skeletons")}


def gram_key(part: str, gram: str) -> int:
    """An n-gram's 32-bit key in its part's vocabulary (a collision costs one feature)."""
    return zlib.crc32(gram.encode(), _PART_SEEDS[part])


def analyse(
    text: str, reader: Reader, folded: list[str] | None = None
) -> tuple[list[str], list[str], list[str]]:
    """The message's n-grams of each part: characters, words, and word skeletons (the same
    as :meth:`Reader.chars`, :meth:`Reader.words` and :meth:`Reader.skeletons` give, with
    the message folded and read once)."""
    folded = tokens(text) if folded is None else folded
    words = reader.words(text, folded)
    return (
        char_grams(" ".join(folded)),
        word_grams(words),
        word_grams([skeleton(w) for w in words if not _EMOJI.match(w)]),
    )


@lru_cache(maxsize=256)
def hashed_grams(text: str, reader: Reader) -> tuple[np.ndarray, ...]:
    """The message's n-gram keys, per part: read once, whichever model asks (the crisis
    check, the intents, the entries read the same message with the same reader)."""
    return tuple(
        np.array([crc32(g.encode(), _PART_SEEDS[name]) for g in grams], dtype=np.uint32)
        for name, grams in zip(FEATURE_PARTS, analyse(text, reader), strict=True)
    )


def tfidf_vector(
    text: str, reader: Reader, keys: np.ndarray, columns: np.ndarray, idf: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """A message's feature columns and tf-idf values (each part l2-normalised), in a model
    whose vocabulary is ``keys`` (sorted) → ``columns``."""
    parts = []
    for grams in hashed_grams(text, reader):
        if not len(grams):
            continue
        at = np.searchsorted(keys, grams)
        at[at >= len(keys)] = 0
        known = keys[at] == grams
        if not known.any():
            continue
        found, tf = np.unique(columns[at[known]], return_counts=True)
        values = (1.0 + np.log(tf.astype(np.float32))) * idf[found]
        values /= np.linalg.norm(values)
        parts.append((found, values))
    if not parts:
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.float32)
    return np.concatenate([p[0] for p in parts]), np.concatenate([p[1] for p in parts])


def word_grams(words: list[str]) -> list[str]:
    grams = list(words)
    grams += [f"{a} {b}" for a, b in pairwise(words)]
    return grams


def char_grams(text: str) -> list[str]:
    """Character 2- to 5-grams inside word boundaries (scikit-learn's ``char_wb``)."""
    grams: list[str] = []
    for word in text.split():
        padded = f" {word} "
        length = len(padded)
        for n in range(MIN_CHARS, MAX_CHARS + 1):
            if length < n:
                if n == MIN_CHARS:
                    grams.append(padded)
                break
            grams.extend(padded[i : i + n] for i in range(length - n + 1))
    return grams


@lru_cache(maxsize=1)
def known_words() -> frozenset[str]:
    """Every word of the corpus, folded: words people write, so not typos of another word."""
    return frozenset(word for line in load_corpus() for word in tokens(line.text))


@lru_cache(maxsize=1)
def shared_corrector() -> Corrector:
    """The corrector of every pack: the corpus' words are the words people write."""
    return Corrector(known_words())


def local_words(synonyms: Iterable[tuple[str, Iterable[str]]]) -> dict[str, str]:
    """A pack's synonyms as "word as written → canonical words", for :class:`Reader`."""
    local: dict[str, str] = {}
    for canonical, variants in synonyms:
        target = " ".join(tokens(canonical))
        for variant in variants:
            folded = tokens(variant)
            if len(folded) == 1 and folded[0] != target:
                local[folded[0]] = target
    return local
