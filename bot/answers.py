"""Answers: the knowledge base, found by browsing or from the person's own words.

A free-text message is first checked for a crisis (the emergency numbers come
before anything else), then matched against the knowledge base. The bot answers
only when it is confident; otherwise it shows what it found, or says plainly
that it does not know, and always offers a human.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from bot import actions
from bot.i18n import Translator
from bot.matching.crisis import CrisisDetector, CrisisSignal
from bot.matching.index import LanguageIndex, Match
from bot.matching.text import Normaliser
from bot.territory import LANGUAGES, HelpNumber, Pack, Partner
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


@dataclass(frozen=True)
class Verdict:
    """What to do with a question: answer it, offer choices, or say we don't know."""

    kind: Literal["answer", "suggest", "none"]
    answer_ids: tuple[str, ...]
    match: Match


class KnowledgeBase:
    """The pack's entries, indexed in both languages, and its crisis lexicon."""

    def __init__(self, pack: Pack) -> None:
        self.pack = pack
        entries = [answer for _, answer in pack.answers]
        self.normalisers = {
            lang: Normaliser(lang, pack.lexicon, pack.synonyms) for lang in LANGUAGES
        }
        self.indexes = {lang: LanguageIndex(self.normalisers[lang], entries) for lang in LANGUAGES}
        self.crisis = CrisisDetector(pack.crisis, self.normalisers)

    def match(self, text: str, language: str) -> Match:
        """Match in the person's language, and in the other: people write in either."""
        own = self.indexes[language].search(text)
        other_language = "en" if language == "fr" else "fr"
        other = self.indexes[other_language].search(text)
        own_conf = own.best.confidence if own.best else 0.0
        other_conf = other.best.confidence if other.best else 0.0
        return other if other_conf > own_conf + 0.05 else own

    def decide(self, text: str, language: str) -> Verdict:
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


def answer(pack: Pack, tr: Translator, answer_id: str, *, edit: bool = False) -> Reply:
    """One entry: the short answer, where to go, and a human at hand."""
    entry = pack.answer(answer_id)
    assert entry is not None
    partners = [p for p in (pack.partner(pid) for pid in entry.partners) if p is not None]
    parts = [f"<b>{esc(entry.title.get(tr.language))}</b>", entry.answer.get(tr.language)]
    if partners:
        parts.append("\n\n".join(partner_text(p, tr) for p in partners))
    related = [a for a in (pack.answer(i) for i in entry.see_also) if a is not None]
    keyboard: list[tuple[Button, ...]] = [(_mediator_button(tr, answer_id),)]
    keyboard += [(Button("➡️ " + a.title.get(tr.language), actions.answer(a.id)),) for a in related]
    theme = pack.theme_of(answer_id)
    back = Button(tr._("⬅️ Retour"), actions.theme(theme or actions.ALL))
    keyboard.append((back, *_menu_row(tr)))
    return Reply("\n\n".join(parts), tuple(keyboard), venues=_venues(partners, tr), edit=edit)


def suggestions(pack: Pack, tr: Translator, answer_ids: tuple[str, ...]) -> Reply:
    """Not sure: what was found, as choices, and a human."""
    buttons = []
    for answer_id in answer_ids:
        entry = pack.answer(answer_id)
        if entry is not None:
            buttons.append((Button(entry.title.get(tr.language), actions.answer(answer_id)),))
    text = tr._("Je ne suis pas sûr d'avoir compris. Voici ce que j'ai trouvé :")
    keyboard = (*buttons, (_mediator_button(tr),), _menu_row(tr))
    return Reply(text, keyboard)


def dont_know(tr: Translator) -> Reply:
    """Nothing fits: say so plainly, offer the themes and a human."""
    text = tr._(
        "Je n'ai pas de réponse à cette question. Je connais la santé, le logement, "
        "l'école et l'emploi, les droits et la vie du quartier. Vous pouvez reformuler, "
        "choisir un thème, ou demander à un médiateur."
    )
    keyboard = (
        (Button(tr._("📚 Thèmes"), actions.theme(actions.ALL)),),
        (_mediator_button(tr),),
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
    line = f"<b>{esc(number.number)}</b> — {esc(number.label.get(tr.language))}"
    if number.hours:
        line += f" ({esc(number.hours.get(tr.language))})"
    return line


def crisis(pack: Pack, tr: Translator, signal: CrisisSignal) -> Reply:
    """Before anything else: calm words, the numbers, and a human quickly."""
    numbers: list[HelpNumber] = []
    for category in signal.categories:
        for number_id in category.numbers:
            number = pack.number(number_id)
            if number is not None and number not in numbers:
                numbers.append(number)
    for number in pack.emergency_numbers():
        if number not in numbers:
            numbers.append(number)
    messages = []
    for category in signal.categories:
        message = category.message.get(tr.language)
        if message not in messages:
            messages.append(message)
    text = "\n".join(
        (
            *(esc(m) for m in messages),
            "",
            tr._(
                "<b>Êtes-vous en sécurité, là, maintenant ?</b> Si vous êtes en danger, "
                "appelez tout de suite le {number}."
            ).format(number=esc(pack.emergency_numbers()[0].number)),
            "",
            tr._("📞 <b>Vous pouvez appeler :</b>"),
            *(_number_line(n, tr) for n in numbers),
            "",
            tr._("Vous pouvez aussi demander qu'un médiateur vous contacte vite."),
        )
    )
    keyboard = (
        (Button(tr._("🙋 Être contacté·e vite par un médiateur"), actions.mediator("urgent")),),
        (Button(tr._("🚨 Tous les numéros"), actions.menu("urgence")),),
    )
    return Reply(text, keyboard)


def urgent_notice(pack: Pack, tr: Translator) -> Reply:
    """Before an urgent request's questions: the emergency number stays in sight."""
    text = tr._(
        "Votre demande sera marquée <b>urgente</b> : l'équipe la verra en premier. "
        "Si vous êtes en danger maintenant, n'attendez pas : appelez le {number}."
    ).format(number=esc(pack.emergency_numbers()[0].number))
    return Reply(text)


def respond(kb: KnowledgeBase, tr: Translator, text: str) -> tuple[Reply, ...]:
    """Everything the bot answers to a free-text message, crisis first."""
    replies: list[Reply] = []
    signal = kb.detect_crisis(text)
    if signal is not None:
        replies.append(crisis(kb.pack, tr, signal))
    verdict = kb.decide(text, tr.language)
    if verdict.kind == "answer":
        replies.append(answer(kb.pack, tr, verdict.answer_ids[0]))
    elif verdict.kind == "suggest":
        replies.append(suggestions(kb.pack, tr, verdict.answer_ids))
    elif signal is None:
        replies.append(dont_know(tr))
    return tuple(replies)
