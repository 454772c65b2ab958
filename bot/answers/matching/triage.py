"""Crisis triage that generalises: a classifier trained on a corpus of messages.

Phrase lists recognise the words they were written for and little else; a
person in crisis rarely uses them. The classifier reads two things at once:
character n-grams of the folded text, which carry SMS spelling, typos and
fragments of words ("jveu pa rentré", "scarif"), and word n-grams of the
normalised words, which carry meaning ("plus la", "rentrer maison"). It is
trained, reproducibly and in a second or two, from the corpus in
``content/common/crisis_corpus/`` when the bot starts; the same corpus, so the
same model, serves every territory. A pack adds only its local words (its
synonyms, added beside the words as written) and its reviewed phrases, which
stay as a backstop in :mod:`bot.answers.matching.crisis`.

Three linear classifiers share the features: the category (or none), the
tier (none, concern, urgent) and the person (the writer or someone else).
"""

from __future__ import annotations

import csv
import hashlib
import json
import os
import re
import subprocess
import sys
import tempfile
import threading
import zlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from itertools import pairwise
from pathlib import Path
from typing import Any
from zlib import crc32

import numpy as np
from rapidfuzz import process
from rapidfuzz.distance import DamerauLevenshtein

from bot.territory import ContentError, Lexicon
from bot.text import fold, tokens

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
NONE = "none"
TIERS: tuple[str, ...] = ("none", "concern", "urgent")
PERSONS: tuple[str, ...] = ("self", "other")

CORPUS_HEADER = ("category", "tier", "person", "lang", "text")
_EMOJI = re.compile(r"[\U0001F300-\U0001FAFF\u2600-\u27BF]")

# Thresholds on the model's probabilities, chosen on out-of-fold predictions over the
# training corpus (bench/triage_tune.py prints the trade-off), never on a sealed set.
CONCERN_AT = 0.45
"""A crisis probability at or above this gets at least the gentle check-in."""
URGENT_CRISIS_AT = 0.6
"""The urgent card needs a crisis probability at least this sure."""
URGENT_AT = 0.5
"""An urgent probability at or above this (with the crisis one above) gets the urgent card."""
RULE_FLOOR = 0.2
"""A phrase rule that fires where the classifier saw no crisis still gets the check-in, if
the classifier gives it at least this: dark words in a plainly harmless message
("this kebab is gonna kill me") do not."""
PUSH_FLOOR = 0.25
"""An explicit phrase about oneself makes the card urgent if the classifier's urgent reading
is at least this: a past told calmly ("je me scarifiais au collège") stays a check-in."""
OTHER_AT = 0.5
"""A probability that the message is about someone else at or above this."""


@dataclass(frozen=True)
class CorpusLine:
    """One training message, labelled."""

    category: str
    tier: str
    person: str
    lang: str
    text: str


@dataclass(frozen=True)
class Reading:
    """What the classifier makes of one message."""

    crisis: float
    """How likely the message speaks of a crisis of any kind (0.5: the classifier's boundary
    between the best crisis category and none)."""
    category: str | None
    """The most likely category, or ``None`` when no category stands out."""
    category_probability: float
    urgent: float
    """Probability that the crisis is urgent (an act, danger now...)."""
    other: float
    """Probability that the message is about someone else."""

    @property
    def about_other(self) -> bool:
        return self.other >= OTHER_AT


NO_READING = Reading(crisis=0.0, category=None, category_probability=0.0, urgent=0.0, other=0.0)
"""What a message the classifier cannot read says: nothing."""


def corpus_root() -> Path:
    return Path(__file__).resolve().parents[3] / "content" / "common" / "crisis_corpus"


def load_corpus(folder: Path | None = None) -> list[CorpusLine]:
    """Every ``*.tsv`` of the corpus folder; a bad line is named with its file and field."""
    folder = folder or corpus_root()
    files = sorted(folder.glob("*.tsv"))
    if not files:
        raise ContentError([f"{folder}: no *.tsv training file for the crisis classifier"])
    lines: list[CorpusLine] = []
    problems: list[str] = []
    allowed = {
        "category": (*CATEGORIES, NONE),
        "tier": TIERS,
        "person": PERSONS,
        "lang": ("fr", "en"),
    }
    for path in files:
        with path.open(encoding="utf-8", newline="") as handle:
            rows = csv.reader(handle, delimiter="\t", quoting=csv.QUOTE_NONE)
            for number, row in enumerate(rows, 1):
                if not row or not "".join(row).strip() or row[0].startswith("#"):
                    continue
                if tuple(row) == CORPUS_HEADER:
                    continue
                where = f"{path.name}:{number}"
                if len(row) != len(CORPUS_HEADER):
                    problems.append(f"{where}: {len(row)} fields, expected 5 ({CORPUS_HEADER})")
                    continue
                record = dict(zip(CORPUS_HEADER, (v.strip() for v in row), strict=True))
                bad = [k for k, values in allowed.items() if record[k] not in values]
                if (record["tier"] == NONE) != (record["category"] == NONE):
                    bad.append("tier")
                if not record["text"]:
                    bad.append("text")
                if bad:
                    problems.extend(f"{where}: field {k!r} is {record[k]!r}" for k in bad)
                    continue
                lines.append(CorpusLine(**record))
    if problems:
        raise ContentError(problems[:20])
    seen = {line.text for line in lines}
    for extra in everyday_requests(folder.parent):
        if extra.text not in seen:  # the corpus says it first (it may be a crisis there)
            seen.add(extra.text)
            lines.append(extra)
    return lines


NOT_CRISES: tuple[str, ...] = ("out_of_scope.tsv",)
"""Files beside the corpus whose every line is, by construction, not a crisis: questions
nobody here answers. They teach the crisis check what is not one, with the packs' ways of
asking their questions. The intents' corpus is not among them: taught as "not a crisis",
it made the check less sensitive to a request to the bot mixed with a crisis ("on peut
s'inscrire au tournoi ? et sinon mon père me cogne" fell from urgent to a check-in)."""


SENSITIVE_ENTRIES = frozenset((
    "violences-conjugales", "harcelement", "harcelement-rue", "harcelement-travail",
    "sante-mentale", "maison-ados-cmp", "addictions", "police-plainte", "hebergement",
    "expulsion", "grossesse", "contraception", "depistage", "soins-confidentiels",
    "droits-mineurs", "separation-parents", "cddf",
))  # fmt: skip
"""Knowledge-base entries whose ways of asking may speak of abuse, distress or danger:
kept out of the crisis check's examples of what is not a crisis."""


def everyday_requests(common: Path) -> list[CorpusLine]:
    """Lines that are not crises by construction: the out-of-scope corpora, and the packs'
    ways of asking (``*/questions/*.tsv``) for entries that are not
    sensitive (those were written without any crisis in them)."""
    files: list[tuple[Path, frozenset[str] | None]] = [(common / n, None) for n in NOT_CRISES]
    files += [(path, None) for path in sorted(common.glob("out_of_scope?*.tsv"))]
    files += [
        (path, SENSITIVE_ENTRIES) for path in sorted(common.parent.glob("*/questions/*.tsv"))
    ]
    lines: list[CorpusLine] = []
    for path, skip in files:
        if not path.exists():
            continue
        with path.open(encoding="utf-8", newline="") as handle:
            for row in csv.reader(handle, delimiter="\t", quoting=csv.QUOTE_NONE):
                if len(row) != 3 or row[1] not in ("fr", "en") or not row[2].strip():
                    continue
                if skip is not None and row[0] in skip:
                    continue
                lines.append(CorpusLine(NONE, NONE, "self", row[1], row[2].strip()))
    return lines


def corpus_digest(lines: Sequence[CorpusLine]) -> str:
    """A short fingerprint of the corpus: the model it gives is the same for the same digest."""
    digest = hashlib.sha256()
    for line in lines:
        digest.update("\t".join((line.category, line.tier, line.person, line.text)).encode())
        digest.update(b"\n")
    return digest.hexdigest()[:16]


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


MIN_CHARS, MAX_CHARS = 2, 5


_MINIMISERS = re.compile(
    r"\b(?:lo+l|md+r+|ptdr+|xd|(?:ha){2,}|jk|lmf?ao|tkt|c(?:'est| ?est)? rien|"
    r"c(?:'est)? pas grave|pas grave|no big deal|idc|whatever|anyway|bref)\b|[😂🤣💀😹]",
    re.IGNORECASE,
)
"""What people in crisis write to make light of it."""


def _sigmoid(x: float) -> float:
    return float(1.0 / (1.0 + np.exp(-x)))


class TriageModel:
    """The trained classifiers as arrays: a vocabulary, idf weights and one weight matrix.

    Reading a message is a sum of a few hundred weight rows, done with numpy; the
    training (scikit-learn, :mod:`bot.answers.matching.triage_training`) runs in a child
    process, so the bot never carries scikit-learn in its memory.
    """

    def __init__(self, arrays: dict[str, Any], vocabulary: dict[str, Any]) -> None:
        self._keys = np.asarray(arrays["keys"], dtype=np.uint32)
        self._columns = np.asarray(arrays["columns"], dtype=np.int64)
        self._category_labels: list[str] = list(vocabulary["categories"])
        self._none_column = self._category_labels.index(NONE)
        self._n_categories = len(self._category_labels)
        self._urgent_sign = 1.0 if vocabulary["tier_positive"] == "urgent" else -1.0
        self._other_sign = 1.0 if vocabulary["person_positive"] == "other" else -1.0
        self._idf = np.asarray(arrays["idf"], dtype=np.float32)
        self._weights = np.ascontiguousarray(arrays["weights"], dtype=np.float32)
        self._bias = np.asarray(arrays["bias"], dtype=np.float32)
        self.reader = Reader(Lexicon.model_validate(vocabulary["lexicon"]))

    def scan(self, text: str, reader: Reader | None = None) -> Reading:
        """The message read as written, and without its minimisers ("mdr", "c rien", "tkt",
        😂) when it has some: a person in crisis often laughs it off, and the reading that
        sees a crisis speaks for the message."""
        whole = self.read(text, reader)
        stripped = _MINIMISERS.sub(" ", text)
        if stripped == text:
            return whole
        bare = self.read(stripped, reader)
        return bare if bare.crisis > whole.crisis else whole

    def read(self, text: str, reader: Reader | None = None) -> Reading:
        """What the classifier makes of one message (a pack's reader adds its local words).

        A message without a word of two letters ("2", "?", "06 12", "éééé") says nothing
        the classifier can read, and neither does one of which it knows no n-gram: the
        reading would be its biases alone. It is an answer to a question, not a crisis.
        """
        folded = tokens(text)
        if not any(len(t) > 1 and not t.isdigit() for t in folded):
            return NO_READING
        columns, values = tfidf_vector(
            text, reader or self.reader, self._keys, self._columns, self._idf
        )
        if not len(columns):
            return NO_READING
        margins = self._bias + values @ self._weights[columns]
        n = self._n_categories
        category = margins[:n].copy()
        none = float(category[self._none_column])
        category[self._none_column] = -np.inf
        best = int(category.argmax())
        # Margins read as probabilities through a logistic: 0.5 is the SVM's own boundary.
        return Reading(
            crisis=_sigmoid(2.0 * (float(category[best]) - none)),
            category=self._category_labels[best],
            category_probability=_sigmoid(2.0 * float(category[best])),
            urgent=_sigmoid(self._urgent_sign * float(margins[n])),
            other=_sigmoid(self._other_sign * float(margins[n + 1])),
        )


TRAINING_VERSION = "4"
"""Bump when the training changes in a way the corpus digest cannot see."""
_lock = threading.Lock()


def cache_dir() -> Path:
    """Where trained models are kept between starts (``PASSERELLE_CACHE_DIR`` to choose)."""
    chosen = os.environ.get("PASSERELLE_CACHE_DIR")
    if chosen:
        return Path(chosen)
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "passerelle"


def model_digest(lines: Sequence[CorpusLine], lexicon: Lexicon) -> str:
    digest = hashlib.sha256(corpus_digest(lines).encode())
    digest.update(lexicon.model_dump_json().encode())
    digest.update(TRAINING_VERSION.encode())
    # The way n-grams become keys and skeletons, so that a change there retrains by itself.
    probe = analyse("Jveu pa rentré, il m'a frappé 😢", Reader(lexicon))
    digest.update(repr([[gram_key(p, g) for g in grams] for p, grams in zip(
        FEATURE_PARTS, probe, strict=True)]).encode())  # fmt: skip
    return digest.hexdigest()[:20]


@lru_cache(maxsize=4)
def _load(path: str) -> TriageModel:
    with np.load(path + ".npz") as arrays:
        loaded = {k: arrays[k] for k in arrays.files}
    vocabulary = json.loads(Path(path + ".json").read_text(encoding="utf-8"))
    return TriageModel(loaded, vocabulary)


def shared_model(lexicon: Lexicon, folder: Path | None = None) -> TriageModel:
    """The model for this corpus and lexicon: trained once, then read from the cache.

    Training runs in a child process (a few seconds, the first time a corpus is seen)
    and leaves its arrays in :func:`cache_dir`; every pack of every process shares them.
    """
    folder = folder or corpus_root()
    lines = load_corpus(folder)
    stem = _writable(cache_dir()) / f"triage-{model_digest(lines, lexicon)}"
    with _lock:
        if not Path(str(stem) + ".npz").exists() or not Path(str(stem) + ".json").exists():
            _train_in_child(folder, lexicon, stem)
        return _load(str(stem))


def _writable(folder: Path) -> Path:
    """The cache folder, or one in the temporary directory when it cannot be written."""
    try:
        folder.mkdir(parents=True, exist_ok=True)
        probe = folder / f".probe-{os.getpid()}"
        probe.touch()
        probe.unlink()
    except OSError:
        folder = Path(tempfile.gettempdir()) / "passerelle-cache"
        folder.mkdir(parents=True, exist_ok=True)
    return folder


def _train_in_child(folder: Path, lexicon: Lexicon, stem: Path) -> None:
    command = [
        sys.executable,
        "-m",
        "bot.answers.matching.triage_training",
        str(folder),
        str(stem),
    ]
    done = subprocess.run(  # noqa: S603 - our own module, with our own interpreter
        command,
        input=lexicon.model_dump_json(),
        capture_output=True,
        text=True,
        check=False,
        cwd=Path(__file__).resolve().parents[3],
    )
    if done.returncode != 0:
        last = (done.stderr.strip().splitlines() or ["no message"])[-1]
        raise ContentError([f"{folder}: the crisis classifier could not be trained: {last}"])


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
