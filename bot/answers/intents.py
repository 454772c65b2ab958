"""What a person asks of the bot itself, in their own words: the replies of the bot's own
(greeting, thanks, goodbye, a boundary) and what an intent needs from the message.

Which intent a message carries is read by a classifier trained on
``content/common/intent_corpus.tsv`` and a pack's ``intents.tsv`` (see
:meth:`bot.answers.knowledge.KnowledgeBase.intent`); ``handlers/intents.py`` sends each intent to
the function it names (the menu, a callback request, the permanences, the events...).
"""

from __future__ import annotations

import re

from bot import actions
from bot.i18n import Translator
from bot.territory import BRADERIE, CINEMA, MEETING, TOURNAMENT, WORKSHOP
from bot.text import fold
from bot.ui import Button, Reply

_KIND_WORDS: tuple[tuple[str, re.Pattern[str]], ...] = tuple(
    (kind, re.compile(pattern))
    for kind, pattern in (
        (BRADERIE, r"\b(?:braderie|vide ?grenier|brocante|flea ?market|garage sale|stand)s?\b"),
        (TOURNAMENT, r"\b(?:tournoi|tournament|foot|football|futsal|basket|volley|match|"
                     r"equipe|team)s?\b"),
        (CINEMA, r"\b(?:cine|cinema|film|movie|projection|ecran)s?\b"),
        (WORKSHOP, r"\b(?:atelier|workshop)s?\b"),
        (MEETING, r"\b(?:reunion|meeting|assemblee|concertation)s?\b"),
    )
)  # fmt: skip


def kind_mentioned(text: str) -> str | None:
    """The kind of event a message names ("la braderie", "le tournoi"), if one."""
    folded = fold(text).replace("-", " ")
    found = [kind for kind, pattern in _KIND_WORDS if pattern.search(folded)]
    return found[0] if len(found) == 1 else None


_REGISTRATIONS = re.compile(
    r"\b(?:inscri\w*|desinscri\w*|registration|registered|signed up|sign ?up|"
    r"liste d'?attente|waiting ?list)\b"
)


def about_registrations(text: str) -> bool:
    """Whether "my requests" means the events one is registered for ("je suis inscrit à
    quoi ?"), not the callback requests."""
    return bool(_REGISTRATIONS.search(fold(text)))


def _menu_row(tr: Translator) -> tuple[Button, ...]:
    return (Button(tr._("🏠 Menu principal"), actions.menu("main")),)


def offer_button(tr: Translator, intent: str) -> Button:
    """The one-tap choice of a function the message may have asked for."""
    labels = {
        "help": tr._("❓ Comment ça marche"),
        "privacy": tr._("🔒 Confidentialité"),
        "callback": tr._("📞 Être rappelé·e"),
        "permanences": tr._("📅 Permanences"),
        "events": tr._("🎉 Événements"),
        "signup": tr._("✍️ S'inscrire à un événement"),
        "my_requests": tr._("📋 Mes demandes"),
        "erase": tr._("🗑 Effacer mes données"),
        "language": tr._("🌐 Langue / Language"),
    }
    return Button(labels[intent], actions.intent(intent))


def thanks(tr: Translator) -> Reply:
    return Reply(
        tr._("Avec plaisir ! Si vous avez une autre question, écrivez-la ici."), (_menu_row(tr),)
    )


def goodbye(tr: Translator) -> Reply:
    return Reply(
        tr._("À bientôt ! Je suis là quand vous voulez. En cas d'urgence : /urgence"),
        (_menu_row(tr),),
    )


def boundary(tr: Translator) -> Reply:
    """A short, kind limit for rude or flirting messages: no lecture, the door stays open."""
    return Reply(
        tr._(
            "Je suis un assistant, là pour aider avec respect. Si vous avez une question, "
            "ou besoin de parler à quelqu'un de l'équipe, je suis là."
        ),
        (
            (Button(tr._("🙋 Parler à un·e médiateur·rice"), actions.mediator(None)),),
            _menu_row(tr),
        ),
    )
