"""Who may do what, said kindly to those who may not."""

from __future__ import annotations

from bot.i18n import Translator
from bot.ui import Reply


def event_refusal(tr: Translator) -> Reply:
    """For anyone else than a coordinator: kind, and nothing changes."""
    return Reply(
        tr._(
            "Publier ou modifier un événement est réservé à la coordination de "
            "l'équipe. Pour voir les événements à venir : /evenements"
        )
    )


def event_in_private(tr: Translator) -> Reply:
    """/nouvel_evenement sent in the staff group: the questions are asked privately."""
    return Reply(
        tr._(
            "Pour publier ou modifier un événement, écrivez-moi en privé (touchez "
            "mon nom, puis « Envoyer un message ») : /nouvel_evenement"
        )
    )
