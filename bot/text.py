"""Words as every check reads them: folded (no case, accents or ligatures), in tokens."""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

_LIGATURES = str.maketrans({"œ": "oe", "æ": "ae", "ß": "ss", "’": "'", "ʼ": "'", "`": "'"})
_TOKEN = re.compile(r"[a-z0-9]+")
_REPEATS = re.compile(r"([a-z])\1{2,}")


def fold(text: str) -> str:
    """Lowercase, without accents or ligatures: "Élève" → "eleve"."""
    text = text.lower().translate(_LIGATURES)
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def tokens(text: str) -> list[str]:
    """Folded tokens; elisions ("j'ai", "l'école") split on the apostrophe."""
    return list(_tokens(text))


@lru_cache(maxsize=2048)
def _tokens(text: str) -> tuple[str, ...]:
    # A message is tokenised by each of its checks (crisis, intent, entries): once is enough.
    return tuple(_REPEATS.sub(r"\1", t) for t in _TOKEN.findall(fold(text)))
