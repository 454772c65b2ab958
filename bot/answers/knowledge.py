"""Answers: the knowledge base, found by browsing or from the person's own words.

A free-text message is first checked for a crisis (the emergency numbers come
before anything else), then matched against the knowledge base. The bot answers
only when it is confident; otherwise it shows what it found, or says plainly
that it does not know, and always offers a human.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Literal

from bot import actions
from bot.answers.matching.classifier import NOTHING, Example, Ranked, shared_text_model
from bot.answers.matching.crisis import CrisisDetector, CrisisSignal
from bot.answers.matching.index import LanguageIndex, Match
from bot.answers.matching.reading import Reader, known_words, local_words, shared_corrector
from bot.answers.matching.text import Normaliser
from bot.answers.matching.triage import shared_model
from bot.territory import LANGUAGES, NO_INTENT, Pack

ANSWER_CONFIDENCE = 0.55
"""At or above this, with a clear lead, the best entry is given as the answer."""

SUGGEST_CONFIDENCE = 0.35

SUGGEST_SCORE = 3.0
"""At or above both, the entries are offered as choices; below, "I don't know". The score
is the evidence itself (a rare word, or several words, in common with the entry); the
confidence is the share of the question it explains."""

LEAD = 1.3
"""The best entry must score this many times the runner-up to be answered alone."""

MAX_SUGGESTIONS = 3

ENTRY_C = 0.5
"""Regularisation of the entry classifier (bench/matcher.py, development sets). Its labels
are not balanced: what no entry answers keeps the weight of its many examples (on the
development sets: honest "I don't know" 90 -> 94 %, right entry first 96.4 -> 95.6 %)."""

INTENT_C = 0.5

CLASSIFIER_ANSWER = 0.2
"""The entry classifier answers alone at or above this margin (its own boundary), with
:data:`CLASSIFIER_LEAD` over the runner-up."""

CLASSIFIER_LEAD = 0.25

CLASSIFIER_SUGGEST = -0.45
"""At or above this margin, the classifier's best entries are offered as choices."""

INTENT_MARGIN = -0.4
"""An intent is recognised at or above this margin, ahead of "none" by
:data:`INTENT_LEAD`. Chosen on a fifth of the intents' corpus held out of training, with
the development questions as what must not be taken for one: recall 72 -> 82 %, false
intents on 254 knowledge questions 4 -> 4 (0.0 and 0.3 before)."""

INTENT_LEAD = 0.15

BOUNDARY_MARGIN = 0.0
"""A boundary ("je suis là pour aider avec respect") reads as a reproach to someone who was
not rude, venting about a teacher say: it is given only at this margin. Each corpus held
out in turn, boundaries recognised 88 -> 82 % (folds with earlier corpora), boundaries
given to development questions 3 -> 0."""

OFFER_LEAD = -0.6
"""Not sure enough to act on, an intent of :data:`bot.actions.INTENT_CHOICES` is still
offered as a one-tap choice when its margin is within this of "none"'s (and at least
:data:`OFFER_MARGIN`): "did you mean...", as the entries' suggestions. Chosen with
bench/intents.py, each corpus held out in turn (2,868 requests): reached 80.0 -> 83.3 %,
a button offered to 24 of 776 answerable and 21 of 240 out-of-scope questions (-0.8:
83.6 %, 44 and 37)."""

OFFER_MARGIN = -1.0

NOT_AN_ENTRY = "_none"
"""The entry classifier's label for what no entry is about (greetings, thanks...)."""


@dataclass(frozen=True)
class Verdict:
    """What to do with a question: answer it, offer choices, or say we don't know."""

    kind: Literal["answer", "suggest", "none"]
    answer_ids: tuple[str, ...]
    match: Match
    ranked: Ranked = NOTHING
    """What the entry classifier made of it."""


def intent_of(
    ranked: Ranked, margin_at: float = INTENT_MARGIN, lead_at: float = INTENT_LEAD
) -> str | None:
    """The intent the intent classifier reads, when it is sure enough of it."""
    best = ranked.best
    if best == "boundary":
        margin_at = max(margin_at, BOUNDARY_MARGIN)
    if best is None or best == NO_INTENT or ranked.margin < margin_at:
        return None
    if ranked.margin - ranked.margin_of(NO_INTENT) < lead_at:
        return None
    return best


def offered_intent(
    ranked: Ranked, lead_at: float = OFFER_LEAD, margin_at: float = OFFER_MARGIN
) -> str | None:
    """The function worth offering as a choice: the best intent that is not "none", when
    it is one a button can open and near enough to "none"."""
    best = next(((label, margin) for label, margin in zip(ranked.labels, ranked.margins,
                 strict=True) if label != NO_INTENT), None)  # fmt: skip
    if best is None or best[0] not in actions.INTENT_CHOICES or best[1] < margin_at:
        return None
    return best[0] if best[1] - ranked.margin_of(NO_INTENT) >= lead_at else None


def confident(
    ranked: Ranked, answer_at: float = CLASSIFIER_ANSWER, lead_at: float = CLASSIFIER_LEAD
) -> str | None:
    """The entry the classifier answers alone: its best label, an entry, at or above the
    answering margin and ahead of the next entry by the lead."""
    entries = [(label, margin) for label, margin in zip(ranked.labels, ranked.margins,
               strict=True) if label != NOT_AN_ENTRY]  # fmt: skip
    if not entries or ranked.best != entries[0][0]:
        return None
    first, margin = entries[0]
    lead = margin - entries[1][1] if len(entries) > 1 else float("inf")
    return first if margin >= answer_at and lead >= lead_at else None


def combine(
    lexical: Verdict,
    ranked: Ranked,
    answer_at: float = CLASSIFIER_ANSWER,
    lead_at: float = CLASSIFIER_LEAD,
    suggest_at: float = CLASSIFIER_SUGGEST,
) -> Verdict:
    """The classifier's reading and the word index's verdict, made one."""
    entries = [(label, margin) for label, margin in zip(ranked.labels, ranked.margins,
               strict=True) if label != NOT_AN_ENTRY]  # fmt: skip
    if not entries:
        return replace(lexical, ranked=ranked)
    sure = confident(ranked, answer_at, lead_at)
    if sure is not None:
        return Verdict("answer", (sure,), lexical.match, ranked)
    if ranked.best == NOT_AN_ENTRY:
        # What no entry is about, by the classifier: the word index answers only an entry
        # the classifier also sees among its best; else "I don't know" is the honest reply.
        near = {label for label, _ in entries[:MAX_SUGGESTIONS]}
        if lexical.kind == "answer" and lexical.answer_ids[0] in near:
            return replace(lexical, ranked=ranked)
        return Verdict("none", (), lexical.match, ranked)
    if lexical.kind == "answer":
        return replace(lexical, ranked=ranked)
    offered = [label for label, m in entries if m >= suggest_at]
    offered += [i for i in lexical.answer_ids if i not in offered]
    if not offered:
        return replace(lexical, ranked=ranked)
    return Verdict("suggest", tuple(offered[:MAX_SUGGESTIONS]), lexical.match, ranked)


@dataclass(frozen=True)
class Understanding:
    """What the bot makes of a free-text message, in the order it acts on it."""

    signal: CrisisSignal | None
    """A crisis: its card comes before anything else."""
    intent: str | None
    """The bot's own function asked for, followed at once (never with a crisis)."""
    offered: str | None
    """A function offered as a one-tap choice: read without enough certainty to act on it,
    or behind the safety check of a crisis card ("C'était juste une question")."""
    verdict: Verdict
    """What the knowledge base found (nothing looked up when an intent is followed)."""


def entry_examples(pack: Pack) -> list[Example]:
    """Every way of asking for each entry: its title, its own questions, ``questions/``."""
    examples: list[Example] = []
    for _, entry in pack.answers:
        for language in LANGUAGES:
            examples.append(Example(entry.id, entry.title.get(language)))
            examples += [Example(entry.id, q) for q in entry.questions.get(language)]
    examples += [Example(p.label, p.text) for p in pack.phrasings]
    return examples


def intent_examples(pack: Pack) -> list[Example]:
    """The intents' phrasings; every way of asking for an entry is "none" (a question)."""
    examples = [Example(p.label, p.text) for p in pack.intent_phrasings]
    examples += [Example(NO_INTENT, e.text) for e in entry_examples(pack)]
    examples += [Example(NO_INTENT, p.text) for p in pack.out_of_scope]
    return examples


class KnowledgeBase:
    """The pack's entries, indexed in both languages, and its crisis lexicon."""

    def __init__(self, pack: Pack) -> None:
        self.pack = pack
        entries = [answer for _, answer in pack.answers]
        self.normalisers = {
            lang: Normaliser(lang, pack.lexicon, pack.synonyms) for lang in LANGUAGES
        }
        known = known_words()
        self.indexes = {
            lang: LanguageIndex(self.normalisers[lang], entries, known) for lang in LANGUAGES
        }
        local = local_words(
            (canonical, variants)
            for lang in LANGUAGES
            for canonical, variants in pack.synonyms.get(lang).items()
        )
        self.reader = Reader(pack.lexicon, local, shared_corrector())
        self.crisis = CrisisDetector(
            pack.crisis, self.normalisers, shared_model(pack.lexicon), self.reader
        )
        entry_training = entry_examples(pack)
        entry_training += [
            Example(NOT_AN_ENTRY, p.text) for p in pack.intent_phrasings if p.label != NO_INTENT
        ]
        entry_training += [Example(NOT_AN_ENTRY, p.text) for p in pack.out_of_scope]
        self.entry_model = (
            shared_text_model(
                f"entries-{pack.id}", entry_training, pack.lexicon, ENTRY_C, balanced=False
            )
            if len({e.label for e in entry_training}) >= 2
            else None
        )
        intents = intent_examples(pack)
        self.intent_model = (
            shared_text_model(f"intents-{pack.id}", intents, pack.lexicon, INTENT_C)
            if any(e.label != NO_INTENT for e in intents)
            else None
        )

    def intent(self, text: str) -> str | None:
        """The bot's own function the message asks for, or ``None`` (a question)."""
        if self.intent_model is None:
            return None
        return intent_of(self.intent_model.rank(text, self.reader))

    def understand(self, text: str, language: str) -> Understanding:
        """Crisis first, then the bot's own functions, then the knowledge base."""
        signal = self.detect_crisis(text)
        ranked = (
            NOTHING if self.intent_model is None else self.intent_model.rank(text, self.reader)
        )
        sure = intent_of(ranked)
        if signal is None and sure is not None:
            return Understanding(None, sure, None, Verdict("none", (), Match(language, ())))
        offered = None
        if signal is None or not signal.urgent:
            offered = sure if sure in actions.INTENT_CHOICES else offered_intent(ranked)
        return Understanding(signal, None, offered, self.decide(text, language))

    def match(self, text: str, language: str) -> Match:
        """Match in the person's language, and in the other: people write in either."""
        own = self.indexes[language].search(text)
        other_language = "en" if language == "fr" else "fr"
        other = self.indexes[other_language].search(text)
        own_conf = own.best.confidence if own.best else 0.0
        other_conf = other.best.confidence if other.best else 0.0
        return other if other_conf > own_conf + 0.05 else own

    def decide(self, text: str, language: str) -> Verdict:
        """The classifier, trained on many ways of asking, speaks first; the word index
        (rare words in common with an entry) answers where it is sure, and adds its
        candidates to the choices."""
        if self.entry_model is None:
            return self.lexical(text, language)
        ranked = self.entry_model.rank(text, self.reader)
        sure = confident(ranked)
        if sure is not None:  # the word index would not change it: no need to search it
            return Verdict("answer", (sure,), Match(language, ()), ranked)
        return combine(self.lexical(text, language), ranked)

    def lexical(self, text: str, language: str) -> Verdict:
        """The word index alone: what the matcher was before the classifier."""
        match = self.match(text, language)
        best, second = match.best, match.runner_up
        if best is None or best.confidence < SUGGEST_CONFIDENCE:
            return Verdict("none", (), match)
        if best.score < SUGGEST_SCORE and not best.anchored:
            return Verdict("none", (), match)
        clear_lead = second is None or best.score >= LEAD * second.score
        if best.confidence >= ANSWER_CONFIDENCE and clear_lead:
            return Verdict("answer", (best.answer_id,), match)
        floor = max(SUGGEST_CONFIDENCE, best.confidence / 2)
        ids = tuple(
            c.answer_id for c in match.candidates[:MAX_SUGGESTIONS] if c.confidence >= floor
        )
        return Verdict("suggest", ids, match)

    def detect_crisis(self, text: str) -> CrisisSignal | None:
        return self.crisis.detect(text)
