"""What a person is told when they already have as many callback requests as allowed."""

from __future__ import annotations

from bot.i18n import Translator
from bot.storage import request_limits as allowed
from bot.territory import Pack
from bot.ui import Reply


def too_many(pack: Pack, tr: Translator, refused: allowed.TooManyRequests) -> Reply:
    """Why no new request can be made now, and when it can."""
    limits = pack.territory.limits
    if refused.limit == allowed.DAY and refused.free_at is not None:
        text = tr.n_(
            "Vous avez fait {n} demande de rappel ces dernières 24 heures : c'est le "
            "maximum. Vous pourrez en faire une nouvelle à partir du {moment}.",
            "Vous avez fait {n} demandes de rappel ces dernières 24 heures : c'est le "
            "maximum. Vous pourrez en faire une nouvelle à partir du {moment}.",
            limits.requests_per_day,
        ).format(n=limits.requests_per_day, moment=tr.moment(refused.free_at))
    elif refused.limit == allowed.URGENT:
        text = tr._(
            "Votre demande urgente est déjà envoyée : l'équipe la voit en premier. "
            "Pour y ajouter quelque chose : /mes_demandes"
        )
    else:
        text = tr.n_(
            "Vous avez déjà {n} demande en cours : c'est le maximum en même temps. Vous "
            "pourrez en faire une autre dès que l'une d'elles sera close ou annulée.",
            "Vous avez déjà {n} demandes en cours : c'est le maximum en même temps. Vous "
            "pourrez en faire une autre dès que l'une d'elles sera close ou annulée.",
            limits.open_requests,
        ).format(n=limits.open_requests)
    lines = (text, tr._("Pour les suivre : /mes_demandes · En cas d'urgence : /urgence"))
    return Reply("\n".join(lines))
