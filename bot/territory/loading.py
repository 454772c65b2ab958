"""Territory packs: the editable description of one deployment.

A pack is a folder under ``content/`` holding YAML files a coordinator can edit
in a text editor. It is loaded once at start into frozen, typed models; any
problem is reported with the file, the entry and the field so that the person
who edited the file can find and fix it without reading Python.

Files of a pack (all UTF-8 YAML):

``territory.yaml``  the service: names, description, timezone, languages,
                    opening hours, how to reach the service
``places.yaml``     quartiers with their résidences, and the bailleurs
``teams.yaml``      the teams requests are routed to
``themes.yaml``     the themes answers and requests are filed under
``partners.yaml``   the places to go: institutions, associations, offices
``numbers.yaml``    emergency and listening numbers (only from FACTS.md)
``events.yaml``     optional: events declared in the pack, published at start
``replies.yaml``    optional: canned replies mediators send in one tap
"""

from __future__ import annotations

import zoneinfo
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

import yaml
from pydantic import (
    BaseModel,
    ValidationError,
)

from bot.territory.base import ContentError, Text, _Model
from bot.territory.calendar import PackEvents, Permanences
from bot.territory.crisis import CATEGORIES, Crisis, CrisisCategory, SharedCrisis, merge_crisis
from bot.territory.kinds import KIND_IDS, kind
from bot.territory.knowledge import (
    INTENTS,
    NO_INTENT,
    Answer,
    AnswerFile,
    HelpNumber,
    Lexicon,
    Numbers,
    Partner,
    Partners,
    Phrasing,
    Synonyms,
    Theme,
    Themes,
    read_phrasings,
)
from bot.territory.service import (
    SUBJECTS_EXTRA,
    CannedReplies,
    Places,
    Quartier,
    Routing,
    Teams,
    Territory,
)


@dataclass(frozen=True)
class Pack:
    """A loaded, validated territory pack."""

    path: Path
    territory: Territory
    places: Places
    teams: Teams
    themes: Themes
    partners: Partners
    numbers: Numbers
    answers: tuple[tuple[str, Answer], ...] = ()
    """(theme id, entry) for every entry of every ``answers/*.yaml``."""
    crisis: Crisis | None = None
    routing: Routing | None = None
    permanences: Permanences = field(default_factory=Permanences)
    events: PackEvents = field(default_factory=PackEvents)
    replies: CannedReplies = field(default_factory=CannedReplies)
    synonyms: Synonyms = field(default_factory=Synonyms)
    lexicon: Lexicon = field(default_factory=Lexicon)
    phrasings: tuple[Phrasing, ...] = ()
    """More ways of asking for each entry (``questions/*.tsv``): the matcher learns from
    them and from the entries' own questions."""
    out_of_scope: tuple[Phrasing, ...] = ()
    """What no entry answers (``common/out_of_scope*.tsv``): "I don't know" is honest."""
    intent_phrasings: tuple[Phrasing, ...] = ()
    """Ways of asking for the bot's own functions: ``common/intent_corpus*.tsv``, then the
    pack's own ``intents.tsv``."""

    @property
    def id(self) -> str:
        return self.territory.id

    @property
    def tz(self) -> zoneinfo.ZoneInfo:
        return zoneinfo.ZoneInfo(self.territory.timezone)

    def quartier(self, quartier_id: str) -> Quartier | None:
        return next((q for q in self.places.quartiers if q.id == quartier_id), None)

    def theme(self, theme_id: str) -> Theme | None:
        return next((t for t in self.themes.themes if t.id == theme_id), None)

    def partner(self, partner_id: str) -> Partner | None:
        return next((p for p in self.partners.partners if p.id == partner_id), None)

    def answer(self, answer_id: str) -> Answer | None:
        return next((a for _, a in self.answers if a.id == answer_id), None)

    def theme_of(self, answer_id: str) -> str | None:
        return next((t for t, a in self.answers if a.id == answer_id), None)

    def answers_in(self, theme_id: str) -> tuple[Answer, ...]:
        return tuple(a for t, a in self.answers if t == theme_id)

    def number(self, number_id: str) -> HelpNumber | None:
        return next((n for n in self.numbers.numbers if n.id == number_id), None)

    def crisis_category(self, category_id: str) -> CrisisCategory | None:
        if self.crisis is None:
            return None
        return next((c for c in self.crisis.categories if c.id == category_id), None)

    def emergency_numbers(self) -> tuple[HelpNumber, ...]:
        return tuple(n for n in self.numbers.numbers if n.kind == "emergency")

    def listening_numbers(self) -> tuple[HelpNumber, ...]:
        return tuple(n for n in self.numbers.numbers if n.kind == "listening")


_FILES: dict[str, type[_Model]] = {
    "territory.yaml": Territory,
    "places.yaml": Places,
    "teams.yaml": Teams,
    "themes.yaml": Themes,
    "partners.yaml": Partners,
    "numbers.yaml": Numbers,
}


def _describe_location(data: Any, loc: tuple[int | str, ...]) -> str:
    """Turn a pydantic location into ``partners[3] (id: cafat) → phone``."""
    parts: list[str] = []
    node = data
    for step in loc:
        if isinstance(step, int):
            label = f"[{step + 1}]"
            if isinstance(node, list) and step < len(node):
                node = node[step]
                if isinstance(node, dict) and "id" in node:
                    label += f" (id: {node['id']})"
            else:
                node = None
            parts.append(label)
        else:
            parts.append(f" → {step}" if parts else str(step))
            node = node.get(step) if isinstance(node, dict) else None
    return "".join(parts) or "(whole file)"


def _read_yaml(path: Path, problems: list[str]) -> Any:
    try:
        with path.open(encoding="utf-8") as fh:
            return yaml.safe_load(fh)
    except FileNotFoundError:
        problems.append(f"{path}: file missing")
    except UnicodeDecodeError:
        problems.append(f"{path}: not UTF-8 text (save it as UTF-8)")
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        reason = getattr(exc, "problem", None) or str(exc)
        problems.append(f"{path}:{where}: not valid YAML ({reason})")
    return None


def _validate(path: Path, model: type[_Model], problems: list[str]) -> Any:
    data = _read_yaml(path, problems)
    if data is None:
        if path.exists() and not problems:
            problems.append(f"{path}: file is empty")
        return None
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        for err in exc.errors():
            where = _describe_location(data, tuple(err["loc"]))
            problems.append(f"{path}: {where}: {err['msg']}")
        return None


_M = TypeVar("_M", bound=_Model)


def _optional(path: Path, model: type[_M], problems: list[str]) -> _M:
    """An optional file: validated when it is there, empty when it is not."""
    return _validate(path, model, problems) if path.exists() else model()


def _cross_check(pack: Pack) -> list[str]:
    """References between files: every id used must be defined, ids unique."""
    problems: list[str] = []
    base = pack.path

    def unique(file: str, kind: str, ids: list[str]) -> None:
        seen: set[str] = set()
        for item in ids:
            if item in seen:
                problems.append(f"{base / file}: {kind} id {item!r} is used twice")
            seen.add(item)

    unique("places.yaml", "quartier", [q.id for q in pack.places.quartiers])
    unique(
        "places.yaml",
        "résidence",
        [r.id for q in pack.places.quartiers for r in q.residences],
    )
    unique("places.yaml", "bailleur", [b.id for b in pack.places.bailleurs])
    unique("teams.yaml", "team", [t.id for t in pack.teams.teams])
    unique("replies.yaml", "reply", [r.id for r in pack.replies.replies])
    team_ids = {t.id for t in pack.teams.teams}
    for reply in pack.replies.replies:
        for team in reply.teams:
            if team not in team_ids:
                problems.append(f"{base / 'replies.yaml'}: reply {reply.id} → teams: "
                                f"{team!r} is not defined in teams.yaml")  # fmt: skip
    unique("themes.yaml", "theme", [t.id for t in pack.themes.themes])
    unique("partners.yaml", "partner", [p.id for p in pack.partners.partners])
    unique("numbers.yaml", "number", [n.id for n in pack.numbers.numbers])

    bailleurs = {b.id for b in pack.places.bailleurs}
    for q in pack.places.quartiers:
        for r in q.residences:
            if r.bailleur and r.bailleur not in bailleurs:
                problems.append(
                    f"{base / 'places.yaml'}: quartier {q.id} → résidence {r.id} → bailleur: "
                    f"{r.bailleur!r} is not defined under 'bailleurs'"
                )
    themes = {t.id for t in pack.themes.themes}
    quartiers = {q.id for q in pack.places.quartiers}
    for p in pack.partners.partners:
        for theme in p.themes:
            if theme not in themes:
                problems.append(
                    f"{base / 'partners.yaml'}: partner {p.id} → themes: "
                    f"{theme!r} is not defined in themes.yaml"
                )
        if p.quartier and p.quartier not in quartiers:
            problems.append(
                f"{base / 'partners.yaml'}: partner {p.id} → quartier: "
                f"{p.quartier!r} is not defined in places.yaml"
            )
    unique("answers/", "answer", [a.id for _, a in pack.answers])
    partners = {p.id for p in pack.partners.partners}
    answer_ids = {a.id for _, a in pack.answers}
    for theme, entry in pack.answers:
        where = f"{base / 'answers'}/{theme}: entry {entry.id}"
        if theme not in themes:
            problems.append(f"{where}: theme {theme!r} is not defined in themes.yaml")
        for partner in entry.partners:
            if partner not in partners:
                problems.append(f"{where} → partners: {partner!r} is not defined in partners.yaml")
        for other in entry.see_also:
            if other not in answer_ids:
                problems.append(f"{where} → see_also: no entry {other!r}")
    teams = {t.id for t in pack.teams.teams}
    subjects = themes | set(SUBJECTS_EXTRA)
    for i, rule in enumerate(pack.routing.rules if pack.routing else (), 1):
        where = f"{base / 'routing.yaml'}: rules[{i}]"
        if rule.team not in teams:
            problems.append(f"{where} → team: {rule.team!r} is not defined in teams.yaml")
        for subject in rule.subjects:
            if subject not in subjects:
                problems.append(
                    f"{where} → subjects: {subject!r} is neither a theme nor one of "
                    f"{', '.join(SUBJECTS_EXTRA)}"
                )
        for quartier in rule.quartiers:
            if quartier not in quartiers:
                problems.append(f"{where} → quartiers: {quartier!r} is not in places.yaml")
    unique("permanences.yaml", "permanence", [p.id for p in pack.permanences.permanences])
    for permanence in pack.permanences.permanences:
        where = f"{base / 'permanences.yaml'}: permanence {permanence.id}"
        if permanence.team not in teams:
            problems.append(f"{where} → team: {permanence.team!r} is not in teams.yaml")
        if permanence.quartier and permanence.quartier not in quartiers:
            problems.append(f"{where} → quartier: {permanence.quartier!r} is not in places.yaml")
        if permanence.theme and permanence.theme not in themes:
            problems.append(f"{where} → theme: {permanence.theme!r} is not in themes.yaml")
        if permanence.partner and permanence.partner not in partners:
            problems.append(f"{where} → partner: {permanence.partner!r} is not in partners.yaml")
    problems += _cross_check_events(pack, quartiers)
    problems += _cross_check_crisis(pack, base, themes)
    if pack.territory.id != base.name:
        problems.append(
            f"{base / 'territory.yaml'}: id: {pack.territory.id!r} must match the folder "
            f"name {base.name!r}"
        )
    if not pack.emergency_numbers():
        problems.append(f"{base / 'numbers.yaml'}: numbers: no emergency number is listed")
    return problems


def _cross_check_crisis(pack: Pack, base: Path, themes: set[str]) -> list[str]:
    """Every kind of crisis the check can recognise has a card, with numbers that exist."""

    problems: list[str] = []
    if pack.crisis is None:
        return problems
    where = base / "crisis.yaml"
    numbers = {n.id: n for n in pack.numbers.numbers}
    ids = [c.id for c in pack.crisis.categories]
    for missing in (c for c in CATEGORIES if c not in ids):
        problems.append(f"{where}: categories: no card for {missing!r} (every kind of crisis "
                        f"needs one: {', '.join(CATEGORIES)})")  # fmt: skip
    for unknown in (c for c in ids if c not in CATEGORIES):
        problems.append(f"{where}: category {unknown} → id: not a kind of crisis the check "
                        f"recognises ({', '.join(CATEGORIES)})")  # fmt: skip
    for category in pack.crisis.categories:
        if category.emergency in numbers and numbers[category.emergency].kind != "emergency":
            problems.append(f"{where}: category {category.id} → emergency: "
                            f"{category.emergency!r} is not an emergency number")  # fmt: skip
        for key, values in (("emergency", (category.emergency,)),
                            ("listening", category.listening)):  # fmt: skip
            for number in values:
                if number not in numbers:
                    problems.append(f"{where}: category {category.id} → {key}: "
                                    f"{number!r} is not defined in numbers.yaml")  # fmt: skip
        if category.subject not in themes and category.subject not in SUBJECTS_EXTRA:
            problems.append(f"{where}: category {category.id} → subject: "
                            f"{category.subject!r} is neither a theme nor one of "
                            f"{', '.join(SUBJECTS_EXTRA)}")  # fmt: skip
    return problems


def _cross_check_events(pack: Pack, quartiers: set[str]) -> list[str]:
    """``events.yaml`` against the code's event kinds and the pack's quartiers."""

    problems: list[str] = []
    seen: set[str] = set()
    for event in pack.events.events:
        where = f"{pack.path / 'events.yaml'}: event {event.id}"
        if event.id in seen:
            problems.append(f"{pack.path / 'events.yaml'}: event id {event.id!r} is used twice")
        seen.add(event.id)
        found = kind(event.kind)
        if found is None:
            problems.append(f"{where} → kind: {event.kind!r} is not one of {', '.join(KIND_IDS)}")
        elif event.unit is not None and event.unit not in found.units:
            problems.append(
                f"{where} → unit: a {event.kind} counts {' or '.join(found.units)}, "
                f"not {event.unit!r}"
            )
        if event.categories and event.kind != "tournament":
            problems.append(f"{where} → categories: only a tournament has age categories")
        if event.quartier and event.quartier not in quartiers:
            problems.append(f"{where} → quartier: {event.quartier!r} is not in places.yaml")
    return problems


def load_pack(path: Path) -> Pack:
    """Load and validate the pack in folder ``path``; raise :class:`ContentError`."""
    if not path.is_dir():
        raise ContentError([f"{path}: no such territory folder"])
    problems: list[str] = []
    loaded = {name: _validate(path / name, model, problems) for name, model in _FILES.items()}
    if problems:
        raise ContentError(problems)
    answers: list[tuple[str, Answer]] = []
    answer_dir = path / "answers"
    for file in sorted(answer_dir.glob("*.yaml")) if answer_dir.is_dir() else []:
        answer_file = _validate(file, AnswerFile, problems)
        if answer_file is not None:
            answers += [(answer_file.theme, entry) for entry in answer_file.entries]
    crisis = _validate(path / "crisis.yaml", Crisis, problems)
    synonyms = _optional(path / "synonyms.yaml", Synonyms, problems)
    lexicon = _validate(common_file(path, "lexicon.yaml"), Lexicon, problems)
    shared_crisis = _validate(common_file(path, "crisis.yaml"), SharedCrisis, problems)
    routing = _validate(path / "routing.yaml", Routing, problems)
    permanences = _optional(path / "permanences.yaml", Permanences, problems)
    events = _optional(path / "events.yaml", PackEvents, problems)
    replies = _optional(path / "replies.yaml", CannedReplies, problems)
    if problems:
        raise ContentError(problems)
    entry_ids = {entry.id for _, entry in answers}
    phrasings: list[Phrasing] = []
    for file in sorted((path / "questions").glob("*.tsv")):
        phrasings += read_phrasings(file, "entry", entry_ids, problems)
    intent_labels = {*INTENTS, NO_INTENT}
    intent_phrasings: list[Phrasing] = []
    common = sorted(common_file(path, "intent_corpus.tsv").parent.glob("intent_corpus*.tsv"))
    for file in (*common, path / "intents.tsv"):
        if file.exists():
            intent_phrasings += read_phrasings(file, "intent", intent_labels, problems)
    out_of_scope: list[Phrasing] = []
    for outside in sorted(common_file(path, "out_of_scope.tsv").parent.glob("out_of_scope*.tsv")):
        out_of_scope += read_phrasings(outside, "label", {"out"}, problems)
    if problems:
        raise ContentError(problems)
    pack = Pack(
        path=path,
        phrasings=tuple(phrasings),
        out_of_scope=tuple(out_of_scope),
        intent_phrasings=tuple(intent_phrasings),
        territory=loaded["territory.yaml"],
        places=loaded["places.yaml"],
        teams=loaded["teams.yaml"],
        themes=loaded["themes.yaml"],
        partners=loaded["partners.yaml"],
        numbers=loaded["numbers.yaml"],
        answers=tuple(answers),
        crisis=merge_crisis(crisis, shared_crisis),
        routing=routing,
        permanences=permanences or Permanences(),
        events=events or PackEvents(),
        replies=replies or CannedReplies(),
        synonyms=synonyms or Synonyms(),
        lexicon=lexicon,
    )
    problems = _cross_check(pack)
    if problems:
        raise ContentError(problems)
    return pack


def pack_warnings(pack: Pack) -> list[str]:
    """Problems that do not stop the bot but that an editor should fix (missing English)."""
    warnings: list[str] = []

    def walk(node: Any, where: str, file: str) -> None:
        if isinstance(node, Text):
            if not node.en:
                warnings.append(f"{pack.path / file}: {where}: English text missing")
            return
        if isinstance(node, BaseModel):
            ident = getattr(node, "id", None)
            for name in type(node).model_fields:
                child = getattr(node, name)
                label = f"{where} → {name}" if where else name
                if ident and where:
                    label = f"{where} (id: {ident}) → {name}"
                walk(child, label, file)
        elif isinstance(node, tuple):
            for i, child in enumerate(node):
                walk(child, f"{where}[{i + 1}]", file)

    for file, model in (
        ("territory.yaml", pack.territory),
        ("places.yaml", pack.places),
        ("teams.yaml", pack.teams),
        ("themes.yaml", pack.themes),
        ("partners.yaml", pack.partners),
        ("numbers.yaml", pack.numbers),
        ("events.yaml", pack.events),
    ):
        walk(model, "", file)
    for theme, entry in pack.answers:
        walk(entry, f"entry {entry.id}", f"answers/{theme}.yaml")
        if entry.questions.fr and not entry.questions.en:
            warnings.append(
                f"{pack.path / 'answers' / theme}.yaml: entry {entry.id} → questions: "
                "English questions missing (English messages cannot match it)"
            )
    if pack.crisis is not None:
        walk(pack.crisis, "", "crisis.yaml")
        for category in pack.crisis.categories:
            if not category.patterns.en:
                warnings.append(
                    f"{pack.path / 'crisis.yaml'}: category {category.id} → patterns: "
                    "English patterns missing"
                )
    return warnings


def common_file(pack_path: Path, name: str) -> Path:
    """A shared file: from ``common/`` beside the pack, else the one shipped with the code."""
    beside = pack_path.parent / "common" / name
    return beside if beside.exists() else content_root() / "common" / name


def content_root() -> Path:
    """The ``content/`` folder shipped with the code."""
    return Path(__file__).resolve().parents[2] / "content"


def find_pack(name_or_path: str) -> Path:
    """A pack given by id (``dumbea``) or by folder path."""
    candidate = Path(name_or_path)
    if candidate.is_dir():
        return candidate
    return content_root() / name_or_path
