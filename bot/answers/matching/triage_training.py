"""Training the crisis classifier from the corpus (scikit-learn), in its own process.

    python -m bot.answers.matching.triage_training CORPUS_FOLDER OUTPUT_STEM < lexicon.json

The bot calls this once per corpus (see :func:`bot.answers.matching.triage.shared_model`):
it writes ``OUTPUT_STEM.npz`` (idf weights, one weight matrix, biases) and
``OUTPUT_STEM.json`` (the vocabulary and labels), which the bot reads with numpy.
Training is deterministic: the same corpus and lexicon give the same arrays.
"""

from __future__ import annotations

import json
import os
import sys
import tempfile
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
from scipy.sparse import csr_matrix, hstack
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.svm import LinearSVC

from bot.answers.matching.corpus import NONE, CorpusLine, load_corpus
from bot.answers.matching.reading import (
    FEATURE_PARTS,
    MAX_CHARS,
    MIN_CHARS,
    Reader,
    gram_key,
    word_grams,
)
from bot.answers.matching.triage import TriageModel
from bot.territory import ContentError, Lexicon

C = 0.8
"""Regularisation, chosen with bench/triage.py on the development sets."""
MIN_DF = 1
"""Word and skeleton n-grams are all kept, even those seen once: leaving them out (2) cost
recall on the development sets (99.6 % -> 99.2 %; with vowels dropped 99.2 % -> 98.3 %)."""
SKELETONS = True
"""Whether word skeletons are a third part of the features (bench/triage.py measures it)."""


def _identity(document: Any) -> Any:
    return document


def featurise(
    texts: Sequence[str],
    reader: Reader,
    *,
    char_min_df: int,
    word_min_df: int,
    skeletons: bool = True,
) -> tuple[list[TfidfVectorizer], csr_matrix]:
    """The tf-idf vectorisers of each part, fitted, and the messages' feature matrix."""
    parts = [
        TfidfVectorizer(analyzer="char_wb", ngram_range=(MIN_CHARS, MAX_CHARS),
                        min_df=char_min_df, sublinear_tf=True, dtype=np.float32),
        TfidfVectorizer(analyzer=_identity, min_df=word_min_df, sublinear_tf=True,
                        dtype=np.float32),
        TfidfVectorizer(analyzer=_identity, min_df=word_min_df, sublinear_tf=True,
                        dtype=np.float32),
    ][: len(FEATURE_PARTS) if skeletons else 2]  # fmt: skip
    documents = [
        [reader.chars(t) for t in texts],
        [word_grams(reader.words(t)) for t in texts],
        [word_grams(reader.skeletons(t)) for t in texts],
    ]
    features = hstack(
        [part.fit_transform(docs) for part, docs in zip(parts, documents, strict=False)]
    ).tocsr()
    return parts, features


def vocabulary_keys(parts: Sequence[TfidfVectorizer]) -> tuple[np.ndarray, np.ndarray]:
    """Every n-gram as its 32-bit key (sorted) and its column in the weight matrix."""
    keys: list[int] = []
    columns: list[int] = []
    offset = 0
    for name, part in zip(FEATURE_PARTS, parts, strict=False):
        for gram, column in part.vocabulary_.items():
            keys.append(gram_key(name, gram))
            columns.append(offset + int(column))
        offset += len(part.vocabulary_)
    order = np.argsort(np.asarray(keys, dtype=np.uint32), kind="stable")
    return (np.asarray(keys, dtype=np.uint32)[order],
            np.asarray(columns, dtype=np.int32)[order])  # fmt: skip


def _fit(features: csr_matrix, labels: list[str], seed: int) -> LinearSVC:
    # Chosen by measurement (bench/triage.py): on the development sets a linear SVM over
    # both kinds of n-grams caught every crisis with the fewest alarms, and it trains in a
    # second where logistic regression took ten.
    model = LinearSVC(C=C, class_weight="balanced", random_state=seed, max_iter=5000)
    model.fit(features, labels)
    return model


def train(lines: Sequence[CorpusLine], lexicon: Lexicon, seed: int = 0) -> tuple[
    dict[str, np.ndarray], dict[str, Any]
]:  # fmt: skip
    """The arrays and vocabulary of :class:`bot.answers.matching.triage.TriageModel`."""
    if not lines:
        raise ValueError("an empty corpus")
    parts, features = featurise([line.text for line in lines], Reader(lexicon), char_min_df=2,
                                word_min_df=MIN_DF, skeletons=SKELETONS)  # fmt: skip
    category = _fit(features, [line.category for line in lines], seed)
    # Tier and person are read only once a crisis is recognised: trained on crises.
    crises = [i for i, line in enumerate(lines) if line.category != NONE]
    tier = _fit(features[crises], [lines[i].tier for i in crises], seed)
    person = _fit(features[crises], [lines[i].person for i in crises], seed)
    weights = np.vstack([category.coef_, tier.coef_, person.coef_]).T
    arrays: dict[str, np.ndarray] = {
        "idf": np.concatenate([part.idf_ for part in parts]).astype(np.float32),
        "weights": weights.astype(np.float32),
        "bias": np.concatenate([category.intercept_, tier.intercept_, person.intercept_]).astype(
            np.float32
        ),
    }

    # The vocabulary travels as sorted 32-bit keys, not strings: the bot looks n-grams up
    # with numpy and carries no dictionary of a hundred thousand strings.
    arrays["keys"], arrays["columns"] = vocabulary_keys(parts)
    sizes = {name: len(part.vocabulary_) for name, part in zip(FEATURE_PARTS, parts, strict=False)}
    vocabulary = {
        "sizes": sizes,
        "categories": [str(c) for c in category.classes_],
        "tier_positive": str(tier.classes_[1]),
        "person_positive": str(person.classes_[1]),
        "lexicon": lexicon.model_dump(),
        "size": len(lines),
    }
    return arrays, vocabulary


def trained(lines: Sequence[CorpusLine], lexicon: Lexicon, seed: int = 0) -> TriageModel:
    """A model trained here, in this process (for tests and benches)."""
    arrays, vocabulary = train(lines, lexicon, seed)
    return TriageModel(arrays, vocabulary)


def write(stem: Path, arrays: dict[str, np.ndarray], vocabulary: dict[str, Any]) -> None:
    """Both files, each written whole then renamed: a reader never sees half a model."""
    stem.parent.mkdir(parents=True, exist_ok=True)
    for suffix, save in (
        (".json", lambda f: f.write(json.dumps(vocabulary, ensure_ascii=False).encode())),
        (".npz", lambda f: np.savez(f, **arrays)),  # type: ignore[arg-type]
    ):
        with tempfile.NamedTemporaryFile(dir=stem.parent, delete=False) as handle:
            save(handle)
        os.replace(handle.name, str(stem) + suffix)


def main(argv: Sequence[str]) -> int:
    if len(argv) != 2:
        print(__doc__, file=sys.stderr)
        return 2
    folder, stem = Path(argv[0]), Path(argv[1])
    try:
        lexicon = Lexicon.model_validate_json(sys.stdin.read())
        arrays, vocabulary = train(load_corpus(folder), lexicon)
    except ContentError as exc:
        print("; ".join(exc.problems), file=sys.stderr)
        return 2
    write(stem, arrays, vocabulary)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
