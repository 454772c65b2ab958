"""What the person sees of the knowledge base: themes, answers, choices, "I don't know", and
the crisis cards that come before them."""

from __future__ import annotations

from bot import actions
from bot.answers import intents
from bot.answers.knowledge import Understanding
from bot.answers.matching.crisis import CrisisSignal
from bot.i18n import Translator
from bot.people import exit_button
from bot.territory import CrisisCategory, HelpNumber, Pack, Partner
from bot.ui import Button, Reply, Venue, esc, rows


def _menu_row(tr: Translator) -> tuple[Button, ...]:
    return (Button(tr._("🏠 Menu principal"), actions.menu("main")),)


def _mediator_button(tr: Translator, about: str | None = None) -> Button:
    return Button(tr._("🙋 Parler à un·e médiateur·rice"), actions.mediator(about))


def _exit_row(tr: Translator) -> tuple[Button, ...]:
    """The quick exit, under what a shared phone should not show."""
    return (exit_button(tr),)


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
    pack: Pack,
    tr: Translator,
    answer_id: str,
    *,
    edit: bool = False,
    ask_feedback: bool = True,
    after_crisis: bool = False,
) -> Reply:
    """One entry: the short answer, where to go, a human at hand, and "did this help?";
    the quick exit under a sensitive entry, and under any shown ``after_crisis``."""
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
    if entry.sensitive or after_crisis:
        keyboard.append(_exit_row(tr))
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
        "choisir un thème, ou demander à un·e médiateur·rice."
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
        "Aucun lieu n'est encore indiqué pour ce thème : demandez à un·e médiateur·rice."
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
    lines += [
        "",
        tr._("Un·e médiateur·rice peut aussi vous contacter vite, ici ou par téléphone."),
    ]
    keyboard = (
        (Button(tr._("🙋 Être contacté·e vite"), actions.crisis("c", category.id)),),
        (Button(tr._("🚨 Tous les numéros"), actions.menu("urgence")),),
        _exit_row(tr),
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
        _exit_row(tr),
    )  # fmt: skip
    return Reply("\n".join(lines), keyboard)


def need_to_talk(pack: Pack, tr: Translator, category: CrisisCategory) -> Reply:
    """ "J'ai besoin de parler": the listening lines that fit, and a mediator."""
    lines = [tr._("Vous pouvez en parler, maintenant, à des personnes formées pour écouter :")]
    lines += [_number_line(n, tr) for n in _listening(pack, category)]
    lines += ["", _call_first(pack, tr, category, about_other=False), ""]
    lines.append(
        tr._("Et un·e médiateur·rice de l'équipe peut vous répondre, ici ou par téléphone.")
    )
    keyboard = (
        (Button(tr._("🙋 Parler à un·e médiateur·rice"), actions.crisis("c", category.id)),),
        (Button(tr._("🚨 Tous les numéros"), actions.menu("urgence")),),
        _exit_row(tr),
    )
    return Reply("\n".join(lines), keyboard)  # a new message: the card stays on screen


def just_a_question(
    pack: Pack, tr: Translator, category: CrisisCategory, answer_id: str | None
) -> Reply:
    """ "C'était juste une question": the answer, with the numbers kept at the bottom."""
    footer = _numbers_footer(pack, tr, category)
    if answer_id is not None and pack.answer(answer_id) is not None:
        entry = answer(pack, tr, answer_id, after_crisis=True)
        return Reply(f"{entry.text}\n\n{footer}", entry.buttons, venues=entry.venues)
    text = tr._("D'accord. Posez votre question avec d'autres mots, ou choisissez un thème.")
    keyboard = (
        (Button(tr._("📚 Thèmes"), actions.theme(actions.ALL)),),
        (_mediator_button(tr),),
        _menu_row(tr),
        _exit_row(tr),
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
            replies.append(answer(pack, tr, verdict.answer_ids[0], after_crisis=True))
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
