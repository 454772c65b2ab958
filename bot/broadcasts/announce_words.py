"""The words and shapes of a coordinator's announcement (``announcing.py``): what an
answer produces, the preview, the refusals, and reading a typed button label."""

from __future__ import annotations

import re
from dataclasses import dataclass

from bot.i18n import Translator
from bot.text import tokens
from bot.ui import Reply

_COUNT = re.compile(r"\s*\(\d+\)\s*$")


@dataclass(frozen=True)
class Preview:
    """The message exactly as people will receive it (with its photo, if any)."""

    reply: Reply
    photo: str | None = None


@dataclass(frozen=True)
class AnnounceStep:
    """What an answer produced: messages for the coordinator (replies and a preview, in
    order), and the broadcast to start sending, if one was created."""

    messages: tuple[Reply | Preview, ...]
    broadcast: int | None = None


def refusal(tr: Translator) -> Reply:
    return Reply(
        tr._(
            "Les annonces sont réservées à la coordination de l'équipe. Pour choisir "
            "celles que vous recevez : /abonnements"
        )
    )


def announce_in_private(tr: Translator) -> Reply:
    """/annonce sent in the staff group: the questions are asked privately."""
    return Reply(
        tr._(
            "Pour écrire une annonce, écrivez-moi en privé (touchez mon nom, puis "
            "« Envoyer un message ») : /annonce"
        )
    )


def write_first(tr: Translator) -> Reply:
    """The bot cannot open a private chat: the coordinator must write to it first."""
    return Reply(
        tr._(
            "Je ne peux pas vous écrire en privé : ouvrez d'abord une conversation "
            "avec moi (touchez mon nom, puis « Démarrer »), puis réessayez."
        )
    )


def same_words(typed: str, label: str) -> bool:
    """A typed answer that says a button's label (emoji, case, accents and a count in
    brackets aside): "tous" for "Tous (12)"."""
    words = tokens(typed)
    return bool(words) and words in (tokens(label), tokens(_COUNT.sub("", label)))


def continue_privately(tr: Translator) -> Reply:
    """The pop-up in the staff group once the questions were sent privately."""
    return Reply(tr._("✉️ La suite se passe en privé avec le bot."))
