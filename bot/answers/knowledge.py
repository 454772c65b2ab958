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
from bot.answers import intents
from bot.answers.matching.classifier import NOTHING, Example, Ranked, shared_text_model
from bot.answers.matching.crisis import CrisisDetector, CrisisSignal
from bot.answers.matching.index import LanguageIndex, Match
from bot.answers.matching.text import Normaliser
from bot.answers.matching.triage import (
    Reader,
    known_words,
    local_words,
    shared_corrector,
    shared_model,
)
from bot.i18n import Translator
from bot.territory import LANGUAGES, NO_INTENT, CrisisCategory, HelpNumber, Pack, Partner
from bot.ui import Button, Reply, Venue, esc, rows

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


# --- What the person sees ------------------------------------------------------------------


def _menu_row(tr: Translator) -> tuple[Button, ...]:
    return (Button(tr._("🏠 Menu principal"), actions.menu("main")),)


def _mediator_button(tr: Translator, about: str | None = None) -> Button:
    return Button(tr._("🙋 Parler à un médiateur"), actions.mediator(about))


def _emergency_button(tr: Translator) -> Button:
    """The safety net under every reply that is not a confident answer."""
    return Button(tr._("🆘 Numéros d'urgence"), actions.menu("urgence"))


def themes(pack: Pack, tr: Translator, *, edit: bool = False) -> Reply:
    """The theme menu: the first step of browsing."""
    buttons = [
        Button(f"{t.emoji} {t.name.get(tr.language)}".strip(), actions.theme(t.id))
        for t in pack.themes.themes
        if pack.answers_in(t.id)
    ]
    text = tr._("Écrivez votre question avec vos mots, à tout moment. Ou choisissez un thème :")
    keyboard = (
        *rows(*buttons, per_row=2),
        (Button(tr._("📍 Où aller ?"), actions.where(None)),),
        _menu_row(tr),
    )
    return Reply(text, keyboard, edit=edit)


def topics(pack: Pack, tr: Translator, theme_id: str) -> Reply:
    """The entries of one theme."""
    theme = pack.theme(theme_id)
    assert theme is not None
    buttons = [
        Button(a.title.get(tr.language), actions.answer(a.id)) for a in pack.answers_in(theme_id)
    ]
    text = f"{theme.emoji} <b>{esc(theme.name.get(tr.language))}</b>\n" + tr._(
        "Choisissez un sujet :"
    )
    keyboard = (
        *rows(*buttons, per_row=2),
        (Button(tr._("⬅️ Thèmes"), actions.theme(actions.ALL)), *_menu_row(tr)),
    )
    return Reply(text, keyboard, edit=True)


def partner_text(partner: Partner, tr: Translator) -> str:
    """A partner as a short block: what it is, and how to reach it where we know."""
    lines = [f"📍 <b>{esc(partner.name.get(tr.language))}</b>"]
    lines.append(esc(partner.description.get(tr.language)))
    if partner.address:
        lines.append(f"🏠 {esc(partner.address)}")
    if partner.phone:
        lines.append(f"☎️ {esc(partner.phone)}")
    if partner.hours:
        lines.append(f"🕒 {esc(partner.hours.get(tr.language))}")
    if partner.website:
        lines.append(f"🌐 {esc(partner.website)}")
    return "\n".join(lines)


def _venues(partners: list[Partner], tr: Translator) -> tuple[Venue, ...]:
    return tuple(
        Venue(p.name.get(tr.language), p.address or "", p.latitude, p.longitude)
        for p in partners
        if p.latitude is not None and p.longitude is not None
    )


def answer(
    pack: Pack, tr: Translator, answer_id: str, *, edit: bool = False, ask_feedback: bool = True
) -> Reply:
    """One entry: the short answer, where to go, a human at hand, and "did this help?"."""
    entry = pack.answer(answer_id)
    assert entry is not None
    partners = [p for p in (pack.partner(pid) for pid in entry.partners) if p is not None]
    parts = [f"<b>{esc(entry.title.get(tr.language))}</b>", entry.answer.get(tr.language)]
    if partners:
        parts.append("\n\n".join(partner_text(p, tr) for p in partners))
    related = [a for a in (pack.answer(i) for i in entry.see_also) if a is not None]
    keyboard: list[tuple[Button, ...]] = []
    if ask_feedback:
        parts.append(tr._("<i>Ça vous a aidé ?</i>"))
        keyboard.append((Button("👍", actions.feedback(True, answer_id)),
                         Button("👎", actions.feedback(False, answer_id))))  # fmt: skip
    keyboard.append((_mediator_button(tr, answer_id),))
    keyboard += [(Button("➡️ " + a.title.get(tr.language), actions.answer(a.id)),) for a in related]
    theme = pack.theme_of(answer_id)
    back = Button(tr._("⬅️ Retour"), actions.theme(theme or actions.ALL))
    keyboard.append((back, *_menu_row(tr)))
    return Reply("\n\n".join(parts), tuple(keyboard), venues=_venues(partners, tr), edit=edit)


def suggestions(
    pack: Pack, tr: Translator, answer_ids: tuple[str, ...], offered: str | None = None
) -> Reply:
    """Not sure: what was found, as choices (a function of the bot's last), and a human."""
    buttons = []
    for answer_id in answer_ids:
        entry = pack.answer(answer_id)
        if entry is not None:
            buttons.append((Button(entry.title.get(tr.language), actions.answer(answer_id)),))
    if offered is not None:
        buttons.append((intents.offer_button(tr, offered),))
    text = tr._("Je ne suis pas sûr d'avoir compris. Voici ce que j'ai trouvé :")
    keyboard = (*buttons, (_mediator_button(tr),), (_emergency_button(tr),), _menu_row(tr))
    return Reply(text, keyboard)


def dont_know(tr: Translator, offered: str | None = None) -> Reply:
    """Nothing fits: say so plainly, offer the themes and a human (and, first, the
    function of the bot's the message may have asked for)."""
    text = tr._(
        "Je n'ai pas de réponse à cette question. Je connais la santé, le logement, "
        "l'école et l'emploi, les droits et la vie du quartier. Vous pouvez reformuler, "
        "choisir un thème, ou demander à un médiateur."
    )
    keyboard = (
        *([(intents.offer_button(tr, offered),)] if offered is not None else []),
        (Button(tr._("📚 Thèmes"), actions.theme(actions.ALL)),),
        (_mediator_button(tr),),
        (_emergency_button(tr),),
        _menu_row(tr),
    )
    return Reply(text, keyboard)


def where_to_go(
    pack: Pack, tr: Translator, theme_id: str | None, quartier_id: str | None
) -> Reply:
    """The directory of partners: by theme, near the person's quartier when they chose one."""
    if theme_id is None:
        buttons = [
            Button(f"{t.emoji} {t.name.get(tr.language)}".strip(), actions.where(t.id))
            for t in pack.themes.themes
            if any(t.id in p.themes for p in pack.partners.partners)
        ]
        text = tr._(
            "📍 <b>Où aller ?</b> Les lieux et services qui peuvent vous aider, par thème :"
        )
        return Reply(text, (*rows(*buttons, per_row=2), _menu_row(tr)), edit=True)
    theme = pack.theme(theme_id)
    assert theme is not None
    partners = [
        p
        for p in pack.partners.partners
        if theme_id in p.themes and (p.quartier is None or quartier_id in (None, p.quartier))
    ]
    # Those of the person's own quartier first.
    partners.sort(key=lambda p: p.quartier != quartier_id or quartier_id is None)
    header = f"📍 <b>{esc(theme.name.get(tr.language))}</b>"
    body = "\n\n".join(partner_text(p, tr) for p in partners) or tr._(
        "Aucun lieu n'est encore indiqué pour ce thème : demandez à un médiateur."
    )
    keyboard = (
        (_mediator_button(tr),),
        (Button(tr._("⬅️ Retour"), actions.where(None)), *_menu_row(tr)),
    )
    return Reply(f"{header}\n\n{body}", keyboard, venues=_venues(partners, tr), edit=True)


def _number_line(number: HelpNumber, tr: Translator) -> str:
    line = f"<b>{esc(number.number)}</b>" + (" ✉️" if number.sms else "")
    line += f" — {esc(number.label.get(tr.language))}"
    if number.hours:
        line += f" ({esc(number.hours.get(tr.language))})"
    return line


def _listening(pack: Pack, category: CrisisCategory) -> list[HelpNumber]:
    return [n for n in (pack.number(i) for i in category.listening) if n is not None]


def _call_first(pack: Pack, tr: Translator, category: CrisisCategory, about_other: bool) -> str:
    """The one number that fits, first: never two emergency numbers to choose between."""
    number = pack.number(category.emergency)
    assert number is not None  # checked when the pack is loaded
    values = {"number": esc(number.number), "label": esc(number.label.get(tr.language))}
    if about_other:
        return tr._(
            "🚨 <b>Si cette personne est en danger maintenant, appelez le {number}</b> ({label})."
        ).format(**values)
    return tr._("🚨 <b>En danger maintenant ? Appelez le {number}</b> ({label}).").format(**values)


def _numbers_footer(pack: Pack, tr: Translator, category: CrisisCategory) -> str:
    """The numbers kept in sight under an answer: the emergency one, then who listens."""
    lines = [_call_first(pack, tr, category, about_other=False)]
    listening = _listening(pack, category)
    if listening:
        lines.append(tr._("💬 Pour en parler :") + " " + _number_line(listening[0], tr))
    return "\n".join(lines)


def _message(category: CrisisCategory, tr: Translator, about_other: bool) -> str:
    text = (category.message_other if about_other else category.message).get(tr.language)
    return esc(text)


def crisis(pack: Pack, tr: Translator, signal: CrisisSignal) -> Reply:
    """Before anything else: the card of the crisis' tier."""
    if signal.urgent:
        return urgent_card(pack, tr, signal.category, about_other=signal.about_other)
    return check_in(pack, tr, signal.category, signal.about_other, None)


def urgent_card(
    pack: Pack, tr: Translator, category: CrisisCategory, *, about_other: bool
) -> Reply:
    """An act, a plan, danger now: the number that fits, who listens, and a human in one tap."""
    lines = [_message(category, tr, about_other), "", _call_first(pack, tr, category, about_other)]
    listening = _listening(pack, category)
    if listening:
        lines += ["", tr._("💬 <b>Pour en parler, tout de suite :</b>")]
        lines += [_number_line(n, tr) for n in listening]
    lines += ["", tr._("Un médiateur peut aussi vous contacter vite, ici ou par téléphone.")]
    keyboard = (
        (Button(tr._("🙋 Être contacté·e vite"), actions.crisis("c", category.id)),),
        (Button(tr._("🚨 Tous les numéros"), actions.menu("urgence")),),
    )
    return Reply("\n".join(lines), keyboard)


def check_in(
    pack: Pack,
    tr: Translator,
    category: CrisisCategory,
    about_other: bool,
    answer_id: str | None,
    offered: str | None = None,
) -> Reply:
    """Distress without an act, or a calm question: a gentle check before anything else.
    "C'était juste une question" then opens the entry, or the function asked for."""
    question = (
        tr._("<b>Cette personne est-elle en sécurité, là, maintenant ?</b>")
        if about_other
        else tr._("<b>Est-ce que vous êtes en sécurité, là, maintenant ?</b>")
    )
    lines = [_message(category, tr, about_other), "", question]
    listening = _listening(pack, category)
    if listening:
        lines += ["", tr._("💬 Pour en parler :") + " " + _number_line(listening[0], tr)]
    danger = (
        Button(tr._("🚨 Elle ou il est en danger"), actions.crisis("o", category.id))
        if about_other
        else Button(tr._("🚨 Je suis en danger"), actions.crisis("d", category.id))
    )
    keyboard = (
        (danger,),
        (Button(tr._("💬 J'ai besoin de parler"), actions.crisis("t", category.id)),),
        (Button(tr._("C'était juste une question"), actions.intent(offered) if offered is not None
                else actions.crisis("q", category.id, answer_id)),),
    )  # fmt: skip
    return Reply("\n".join(lines), keyboard)


def need_to_talk(pack: Pack, tr: Translator, category: CrisisCategory) -> Reply:
    """ "J'ai besoin de parler": the listening lines that fit, and a mediator."""
    lines = [tr._("Vous pouvez en parler, maintenant, à des personnes formées pour écouter :")]
    lines += [_number_line(n, tr) for n in _listening(pack, category)]
    lines += ["", _call_first(pack, tr, category, about_other=False), ""]
    lines.append(tr._("Et un médiateur de l'équipe peut vous répondre, ici ou par téléphone."))
    keyboard = (
        (Button(tr._("🙋 Parler à un médiateur"), actions.crisis("c", category.id)),),
        (Button(tr._("🚨 Tous les numéros"), actions.menu("urgence")),),
    )
    return Reply("\n".join(lines), keyboard)  # a new message: the card stays on screen


def just_a_question(
    pack: Pack, tr: Translator, category: CrisisCategory, answer_id: str | None
) -> Reply:
    """ "C'était juste une question": the answer, with the numbers kept at the bottom."""
    footer = _numbers_footer(pack, tr, category)
    if answer_id is not None and pack.answer(answer_id) is not None:
        entry = answer(pack, tr, answer_id)
        return Reply(f"{entry.text}\n\n{footer}", entry.buttons, venues=entry.venues)
    text = tr._("D'accord. Posez votre question avec d'autres mots, ou choisissez un thème.")
    keyboard = (
        (Button(tr._("📚 Thèmes"), actions.theme(actions.ALL)),),
        (_mediator_button(tr),),
        _menu_row(tr),
    )
    return Reply(f"{text}\n\n{footer}", keyboard)


def urgent_notice(pack: Pack, tr: Translator) -> Reply:
    """Before an urgent request's questions: the emergency number stays in sight."""
    text = tr._(
        "Votre demande sera marquée <b>urgente</b> : l'équipe la verra en premier. "
        "Si vous êtes en danger maintenant, n'attendez pas : appelez le {number}."
    ).format(number=esc(pack.emergency_numbers()[0].number))
    return Reply(text)


def respond(pack: Pack, tr: Translator, understood: Understanding) -> tuple[Reply, ...]:
    """Everything the bot answers to a free-text message whose intent it does not follow
    (see :meth:`KnowledgeBase.understand`), crisis first."""
    signal, verdict, offered = understood.signal, understood.verdict, understood.offered
    if signal is not None and signal.urgent:
        replies = [urgent_card(pack, tr, signal.category, about_other=signal.about_other)]
        if verdict.kind == "answer":
            replies.append(answer(pack, tr, verdict.answer_ids[0]))
        return tuple(replies)
    if signal is not None:
        # The answer waits behind "C'était juste une question": safety is asked first.
        best = verdict.answer_ids[0] if verdict.answer_ids else None
        return (check_in(pack, tr, signal.category, signal.about_other, best, offered),)
    if verdict.kind == "answer":
        return (answer(pack, tr, verdict.answer_ids[0]),)
    if verdict.kind == "suggest":
        return (suggestions(pack, tr, verdict.answer_ids, offered),)
    return (dont_know(tr, offered),)


def unanswered(replies: tuple[Reply, ...], tr: Translator) -> bool:
    """Whether :func:`respond` said "I don't know" (and nothing else)."""
    return len(replies) == 1 and replies[0].text == dont_know(tr).text
