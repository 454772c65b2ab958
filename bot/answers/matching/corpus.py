"""The crisis corpus: its categories and families, its files, and the everyday requests that
are its negatives."""

from __future__ import annotations

import csv
import hashlib
import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from bot.territory import CATEGORIES, ContentError

NONE = "none"

TIERS: tuple[str, ...] = ("none", "concern", "urgent")

PERSONS: tuple[str, ...] = ("self", "other")

CORPUS_HEADER = ("category", "tier", "person", "lang", "text")

_EMOJI = re.compile(r"[\U0001F300-\U0001FAFF\u2600-\u27BF]")


@dataclass(frozen=True)
class CorpusLine:
    """One training message, labelled."""

    category: str
    tier: str
    person: str
    lang: str
    text: str


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
