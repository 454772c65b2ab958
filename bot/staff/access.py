"""Who may do what, said kindly to those who may not.

The one rule: anyone registered as staff works the queue of their team (a member
without a team, every team's); a coordinator may also do everything that changes the
service for others: the team, its topics, events, permanences, announcements, the
figures. Everybody else is told kindly, and nothing changes.
"""

from __future__ import annotations

from typing import TypeGuard

from bot.i18n import Translator
from bot.storage import StaffRecord
from bot.ui import Reply

MEDIATOR = "mediator"
COORDINATOR = "coordinator"
ROLES = {"mediateur": MEDIATOR, "mediator": MEDIATOR,
         "coordinateur": COORDINATOR, "coordinator": COORDINATOR}  # fmt: skip
"""The words for a role, as a coordinator may type them."""


def coordinates(member: StaffRecord | None) -> TypeGuard[StaffRecord]:
    """Whether ``member`` may change the service for others (a coordinator)."""
    return member is not None and member.role == COORDINATOR


def teams_seen(member: StaffRecord) -> str | None:
    """The team whose requests ``member`` works on; ``None``: every team."""
    return None if coordinates(member) else member.team


def may_handle(member: StaffRecord, team: str) -> bool:
    """Whether ``member`` may take, pass on or close a request of ``team``."""
    return coordinates(member) or member.team in (None, team)


def may_act_for(member: StaffRecord, holder: str | None) -> bool:
    """Whether ``member`` may move a request that ``holder`` has taken."""
    return coordinates(member) or holder in (None, member.pseudonym)


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


def staff_only(tr: Translator) -> str:
    return tr._("Réservé à l'équipe de médiation. Rien n'a été changé.")


def staff_only_reply(tr: Translator) -> Reply:
    return Reply(staff_only(tr))


def staff_group_only_reply(tr: Translator) -> Reply:
    return Reply(tr._("Cette commande ne s'utilise que dans le groupe de l'équipe."))


def coordinators_only(tr: Translator) -> Reply:
    return Reply(tr._("Réservé à la coordination."))
