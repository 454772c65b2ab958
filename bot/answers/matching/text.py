"""From what people type to words and terms a machine can compare.

``words``: folded (case, accents, ligatures), elisions split, letters repeated
for emphasis squashed ("stppp"), SMS spellings expanded ("jsp" → "je sais pas")
and the pack's synonyms mapped to their canonical word ("keuf" → "police").
``terms``: the words that tell questions apart (no stopwords, no numbers),
stemmed (Snowball), as used by the matcher. Crisis detection works on words.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from functools import cache, lru_cache

import snowballstemmer

from bot.territory import Lexicon, Synonyms
from bot.text import fold, tokens

_CONSONANTS = frozenset("bcdfghjklmnpqrstvwxz")


@cache
def _stemmer(algorithm: str) -> Callable[[str], str]:
    """One cached Snowball stemmer per language, shared by every pack (stemming is slow)."""
    stem: Callable[[str], str] = lru_cache(maxsize=200_000)(
        snowballstemmer.stemmer(algorithm).stemWord
    )
    return stem


class Normaliser:
    """Words and terms of one language, for one pack (its synonyms)."""

    def __init__(self, language: str, lexicon: Lexicon, synonyms: Synonyms) -> None:
        self.language = language
        own = lexicon.get(language)
        self._expansions = {fold(k): tokens(v) for k, v in own.expansions.items()}
        self._synonyms: dict[str, str] = {}
        for canonical, variants in synonyms.get(language).items():
            target = " ".join(tokens(canonical))
            for variant in variants:
                for word in tokens(variant)[:1]:
                    self._synonyms[word] = target
        self.stopwords = frozenset(fold(w) for w in own.stopwords)
        self.stem = _stemmer("english" if language == "en" else "french")

    @property
    def synonyms(self) -> Mapping[str, str]:
        return self._synonyms

    def _expand(self, token: str) -> list[str]:
        expanded = self._expansions.get(token)
        if expanded is not None:
            return expanded
        # "jpleure", "jvois", "jcomprends": in French, j + consonant is always "je …".
        if (
            self.language == "fr"
            and len(token) >= 4
            and token[0] == "j"
            and token[1] in _CONSONANTS
        ):
            return ["je", *self._expansions.get(token[1:], [token[1:]])]
        return [token]

    def words(self, text: str) -> list[str]:
        """Folded words with SMS spellings expanded and synonyms mapped."""
        out: list[str] = []
        for token in tokens(text):
            for word in self._expand(token):
                mapped = self._synonyms.get(word)
                if mapped is None:
                    out.append(word)
                else:
                    out.extend(mapped.split())
        return out

    def is_content(self, word: str) -> bool:
        """Whether a word tells questions apart (helpline numbers such as 3919 do)."""
        if word.isdigit():
            return 3 <= len(word) <= 4
        return len(word) > 1 and word not in self.stopwords

    def terms(self, text: str) -> list[str]:
        """Stemmed content words, in order."""
        return [self.stem(w) for w in self.words(text) if self.is_content(w)]
