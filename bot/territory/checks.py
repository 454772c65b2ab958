"""Checks for content editors, beyond the schema: what would make matching worse."""

from __future__ import annotations

from collections import defaultdict

from bot.territory.base import LANGUAGES
from bot.territory.loading import Pack, pack_warnings
from bot.text import tokens


def _norm(text: str) -> str:
    return " ".join(tokens(text))


def duplicate_questions(pack: Pack) -> list[str]:
    """The same question (ignoring case, accents, punctuation) given twice."""
    problems = []
    for language in LANGUAGES:
        seen: dict[str, str] = {}
        for theme, entry in pack.answers:
            for question in entry.questions.get(language):
                key = _norm(question)
                if key in seen:
                    where = "the same entry" if seen[key] == entry.id else f"entry {seen[key]}"
                    problems.append(
                        f"{pack.path / 'answers' / theme}.yaml: entry {entry.id} → questions "
                        f"({language}): {question!r} is already a question of {where}"
                    )
                else:
                    seen[key] = entry.id
    return problems


def colliding_synonyms(pack: Pack) -> list[str]:
    """Synonyms that blur two entries apart, or a word given two meanings."""
    problems = []
    path = pack.path / "synonyms.yaml"
    for language in LANGUAGES:
        groups = pack.synonyms.get(language)
        owner: dict[str, str] = {}
        for canonical, variants in groups.items():
            for variant in variants:
                word = _norm(variant)
                if word in owner and owner[word] != canonical:
                    problems.append(
                        f"{path}: {language} → {canonical}: {variant!r} is also a synonym "
                        f"of {owner[word]!r}"
                    )
                owner[word] = canonical
        for variant, canonical in owner.items():
            if _norm(canonical) != variant and variant in {_norm(c) for c in groups}:
                problems.append(
                    f"{path}: {language} → {canonical}: {variant!r} is itself a group of its own"
                )
        keyword_entries: dict[str, set[str]] = defaultdict(set)
        for _, entry in pack.answers:
            for keyword in entry.keywords.get(language):
                keyword_entries[_norm(keyword)].add(entry.id)
        for canonical, variants in groups.items():
            with_canonical = keyword_entries.get(_norm(canonical), set())
            for variant in variants:
                with_variant = keyword_entries.get(_norm(variant), set())
                if with_canonical - with_variant and with_variant - with_canonical:
                    problems.append(
                        f"{path}: {language} → {canonical}: {variant!r} is a keyword of "
                        f"{', '.join(sorted(with_variant - with_canonical))} but "
                        f"{canonical!r} one of {', '.join(sorted(with_canonical - with_variant))}:"
                        " the synonym makes these entries harder to tell apart"
                    )
    return problems


def editor_report(pack: Pack) -> list[str]:
    """Every warning an editor should fix before shipping the pack."""
    report = pack_warnings(pack) + duplicate_questions(pack) + colliding_synonyms(pack)
    if pack.crisis is None:
        report.append(f"{pack.path / 'crisis.yaml'}: no crisis lexicon")
    else:
        required = {"suicide", "self-harm", "violence-home", "sexual-violence", "danger",
                    "homeless-tonight"}  # fmt: skip
        for missing in sorted(required - {c.id for c in pack.crisis.categories}):
            report.append(f"{pack.path / 'crisis.yaml'}: no category {missing!r}")
    return report
