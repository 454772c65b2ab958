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

import hashlib
import json
import os
import re
import subprocess
import sys
import tempfile
import threading
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np

from bot.answers.matching.corpus import NONE, CorpusLine, corpus_digest, corpus_root, load_corpus
from bot.answers.matching.reading import FEATURE_PARTS, Reader, analyse, gram_key, tfidf_vector
from bot.territory import ContentError, Lexicon
from bot.text import tokens

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
