"""Training a :class:`bot.answers.matching.classifier.TextModel` (scikit-learn), in its own
process.

python -m bot.answers.matching.classifier_training OUTPUT_STEM < {"examples", "lexicon", "c"}
"""

from __future__ import annotations

import json
import sys
from collections.abc import Sequence
from typing import Any

import numpy as np
from scipy.sparse import csr_matrix
from sklearn.svm import LinearSVC

from bot.answers.matching.classifier import Example, TextModel
from bot.answers.matching.reading import Reader
from bot.answers.matching.triage_training import featurise, vocabulary_keys, write
from bot.territory import Lexicon

PRUNE = 0.02
"""Weights smaller than this are dropped: the model is five times smaller, and the best label
changed for 2 of 254 development questions of Le Kremlin-Bicêtre (0.05: 6 of 254)."""


def train(
    examples: Sequence[Example],
    lexicon: Lexicon,
    c: float,
    seed: int = 0,
    class_weight: str | None = "balanced",
) -> tuple[dict[str, np.ndarray], dict[str, Any]]:
    parts, features = featurise([e.text for e in examples], Reader(lexicon), char_min_df=1,
                                word_min_df=1)  # fmt: skip
    model = LinearSVC(C=c, class_weight=class_weight, random_state=seed, max_iter=5000)
    model.fit(features, [e.label for e in examples])
    weights = model.coef_.T
    bias = model.intercept_
    labels = [str(label) for label in model.classes_]
    if len(labels) == 2:  # one column for two classes: make it two, one per label
        weights = np.hstack([-weights, weights])
        bias = np.array([-bias[0], bias[0]])
    keys, columns = vocabulary_keys(parts)
    # Sparse by feature: a feature keeps its weights for the labels where they matter.
    # With many labels (a pack of 2,000 entries) the dense matrix would not fit in memory.
    weights = np.asarray(weights, dtype=np.float32)
    weights[np.abs(weights) < PRUNE] = 0.0
    rows = csr_matrix(weights)
    arrays = {
        "keys": keys,
        "columns": columns,
        "idf": np.concatenate([part.idf_ for part in parts]).astype(np.float32),
        "w_indptr": rows.indptr.astype(np.int64),
        "w_indices": rows.indices.astype(np.int32),
        "w_data": rows.data.astype(np.float32),
        "bias": np.asarray(bias, dtype=np.float32),
    }
    return arrays, {"labels": labels, "size": len(examples)}


def trained(examples: Sequence[Example], lexicon: Lexicon, c: float) -> TextModel:
    """A model trained in this process (benches)."""
    arrays, vocabulary = train(examples, lexicon, c)
    return TextModel(arrays, vocabulary)


def main(argv: Sequence[str]) -> int:
    if len(argv) != 1:
        print(__doc__, file=sys.stderr)
        return 2
    payload = json.loads(sys.stdin.read())
    examples = [Example(str(label), str(text)) for label, text in payload["examples"]]
    arrays, vocabulary = train(examples, Lexicon.model_validate(payload["lexicon"]),
                               float(payload["c"]),
                               class_weight=payload.get("class_weight", "balanced"))  # fmt: skip
    from pathlib import Path

    write(Path(argv[0]), arrays, vocabulary)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
