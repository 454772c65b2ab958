"""A linear text classifier read with numpy, trained with scikit-learn in a child process.

The crisis check showed what generalises to people nobody here has read: a linear model
over character n-grams (SMS spelling, typos), word n-grams (meaning) and word skeletons
(vowels dropped), trained on many ways of saying each thing. The same features serve two
more questions: which of the bot's own functions a message asks for (its *intent*), and
which knowledge-base entry a question is about. Each model is trained the first time
its examples are seen (a second or two), cached by their digest in
:func:`bot.answers.matching.triage.cache_dir`, and read here with numpy.
"""

from __future__ import annotations

import hashlib
import json
import subprocess
import sys
import threading
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np

from bot.answers.matching.reading import FEATURE_PARTS, Reader, analyse, gram_key, tfidf_vector
from bot.answers.matching.triage import _writable, cache_dir
from bot.territory import ContentError, Lexicon
from bot.text import tokens

TRAINING_VERSION = "2"
"""Bump when the training changes in a way the examples' digest cannot see."""


@dataclass(frozen=True)
class Example:
    label: str
    text: str


@dataclass(frozen=True)
class Ranked:
    """A message's labels, best first, with the linear model's margins."""

    labels: tuple[str, ...]
    margins: tuple[float, ...]

    @property
    def best(self) -> str | None:
        return self.labels[0] if self.labels else None

    @property
    def margin(self) -> float:
        return self.margins[0] if self.margins else float("-inf")

    @property
    def lead(self) -> float:
        """How far the best label is ahead of the second."""
        if len(self.margins) < 2:
            return float("inf") if self.margins else 0.0
        return self.margins[0] - self.margins[1]

    def margin_of(self, label: str) -> float:
        try:
            return self.margins[self.labels.index(label)]
        except ValueError:
            return float("-inf")


NOTHING = Ranked((), ())


PER_FEATURE = 64
"""A feature keeps its weights for at most this many labels, the strongest: with many
labels (2,000 entries) reading stays a few thousand additions, and memory small. A pack
of a few dozen entries is not touched."""


def _strongest(
    indptr: np.ndarray, indices: np.ndarray, data: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    lengths = np.diff(indptr)
    if not len(lengths) or lengths.max() <= PER_FEATURE:
        return indptr, indices, data
    keep = np.ones(len(data), dtype=bool)
    for row in np.flatnonzero(lengths > PER_FEATURE):
        start, end = indptr[row], indptr[row + 1]
        weakest = np.argsort(np.abs(data[start:end]))[: end - start - PER_FEATURE]
        keep[start + weakest] = False
    rows = np.repeat(np.arange(len(lengths)), lengths)
    counts = np.bincount(rows[keep], minlength=len(lengths))
    kept = np.concatenate([[0], np.cumsum(counts)]).astype(np.int64)
    return kept, indices[keep], data[keep]


class TextModel:
    """One weight column per label over hashed n-gram keys, as in the crisis model."""

    def __init__(self, arrays: dict[str, Any], vocabulary: dict[str, Any]) -> None:
        self._keys = np.asarray(arrays["keys"], dtype=np.uint32)
        self._columns = np.asarray(arrays["columns"], dtype=np.int64)
        self._idf = np.asarray(arrays["idf"], dtype=np.float32)
        self._indptr, self._indices, self._data = _strongest(
            np.asarray(arrays["w_indptr"], dtype=np.int64),
            np.asarray(arrays["w_indices"], dtype=np.int64),
            np.asarray(arrays["w_data"], dtype=np.float32),
        )
        self._bias = np.asarray(arrays["bias"], dtype=np.float32)
        self.labels: tuple[str, ...] = tuple(vocabulary["labels"])

    def rank(self, text: str, reader: Reader, top: int = 5) -> Ranked:
        """The best ``top`` labels; nothing for a message the model cannot read."""
        folded = tokens(text)
        if not any(len(t) > 1 and not t.isdigit() for t in folded):
            return NOTHING
        columns, values = tfidf_vector(text, reader, self._keys, self._columns, self._idf)
        if not len(columns):
            return NOTHING
        margins = self._bias.copy()
        starts, ends = self._indptr[columns], self._indptr[columns + 1]
        lengths = ends - starts
        total = int(lengths.sum())
        if total:
            at = np.repeat(starts - np.cumsum(lengths) + lengths, lengths) + np.arange(total)
            margins += np.bincount(self._indices[at], self._data[at] * np.repeat(values, lengths),
                                   minlength=len(margins)).astype(np.float32)  # fmt: skip
        order = np.argsort(-margins)[:top]
        return Ranked(tuple(self.labels[i] for i in order),
                      tuple(float(margins[i]) for i in order))  # fmt: skip


def digest(
    kind: str, examples: Sequence[Example], lexicon: Lexicon, c: float, balanced: bool = True
) -> str:
    sha = hashlib.sha256(f"{kind}\n{TRAINING_VERSION}\n{c}\n{balanced}\n".encode())
    for example in examples:
        sha.update(f"{example.label}\t{example.text}\n".encode())
    sha.update(lexicon.model_dump_json().encode())
    probe = analyse("Jveu parlé a kelkun svp", Reader(lexicon))
    sha.update(repr([[gram_key(p, g) for g in grams] for p, grams in zip(
        FEATURE_PARTS, probe, strict=True)]).encode())  # fmt: skip
    return sha.hexdigest()[:20]


_lock = threading.Lock()


@lru_cache(maxsize=16)
def _load(path: str) -> TextModel:
    with np.load(path + ".npz") as arrays:
        loaded = {k: arrays[k] for k in arrays.files}
    vocabulary = json.loads(Path(path + ".json").read_text(encoding="utf-8"))
    return TextModel(loaded, vocabulary)


def shared_text_model(
    kind: str, examples: Sequence[Example], lexicon: Lexicon, c: float, *, balanced: bool = True
) -> TextModel:
    """The model for these examples: trained once in a child process, then cached.

    ``balanced``: each label weighs the same whatever its number of examples; without,
    a label with many examples (what no entry answers) keeps its weight."""
    if len({e.label for e in examples}) < 2:
        raise ContentError([f"{kind}: a classifier needs examples of two labels at least"])
    stem = _writable(cache_dir()) / f"{kind}-{digest(kind, examples, lexicon, c, balanced)}"
    with _lock:
        if not Path(str(stem) + ".npz").exists() or not Path(str(stem) + ".json").exists():
            payload = json.dumps({
                "examples": [[e.label, e.text] for e in examples],
                "lexicon": lexicon.model_dump(), "c": c,
                "class_weight": "balanced" if balanced else None,
            }, ensure_ascii=False)  # fmt: skip
            command = [sys.executable, "-m", "bot.answers.matching.classifier_training", str(stem)]
            done = subprocess.run(  # noqa: S603 - our own module, with our own interpreter
                command, input=payload, capture_output=True, text=True, check=False,
                cwd=Path(__file__).resolve().parents[3],
            )  # fmt: skip
            if done.returncode != 0:
                last = (done.stderr.strip().splitlines() or ["no message"])[-1]
                raise ContentError([f"{kind}: the classifier could not be trained: {last}"])
        return _load(str(stem))
