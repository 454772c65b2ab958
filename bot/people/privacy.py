"""Privacy: pseudonyms, and what the person is told about their data."""

from __future__ import annotations

import hashlib
import hmac

from bot import actions
from bot.i18n import Translator
from bot.people.screen import exit_button, explained
from bot.territory import Pack
from bot.ui import Button, Reply, rows


class Pseudonymiser:
    """Keyed HMAC-SHA256 of a Telegram id.

    Without the secret, a pseudonym cannot be linked back to a Telegram account
    by trying every id; with it, the same person always gets the same pseudonym.
    """

    def __init__(self, secret: str) -> None:
        if not secret:
            raise ValueError("the pseudonym secret is empty")
        self._key = secret.encode("utf-8")

    def __call__(self, telegram_id: int) -> str:
        digest = hmac.new(self._key, str(int(telegram_id)).encode("ascii"), hashlib.sha256)
        return digest.hexdigest()[:32]


def policy(pack: Pack, tr: Translator) -> Reply:
    """The answer to /confidentialite: what is stored, why, for how long, how to erase it."""
    months = max(1, round(pack.territory.retention_days / 30))
    text = "\n".join(
        (
            tr._("🔒 <b>Vos données</b>"),
            "",
            tr._(
                "<b>Ce que je garde</b> : un identifiant chiffré à la place de votre compte "
                "Telegram, et seulement les choix que vous faites : langue, quartier."
            ),
            tr._(
                "<b>Ce que je ne garde pas</b> : votre nom, votre pseudo, votre numéro, le texte "
                "de vos questions."
            ),
            tr._(
                "<b>Pourquoi</b> : pour vous répondre dans votre langue et vous montrer ce qui "
                "se passe près de chez vous. Rien n'est vendu ni partagé."
            ),
            tr.n_(
                "<b>Combien de temps</b> : tout est effacé après {n} mois sans activité.",
                "<b>Combien de temps</b> : tout est effacé après {n} mois sans activité.",
                months,
            ).format(n=months),
            tr._(
                "<b>Tout effacer</b> : /oublier, à tout moment, sans avoir à vous justifier "
                "ni à demander à vos parents."
            ),
        )
    )
    if pack.territory.content_loop:
        text += "\n" + tr._(
            "<b>Pour améliorer les réponses</b> : quand je n'ai pas de réponse, la question "
            "est gardée 30 jours, sans aucun lien avec vous (chiffres, adresses e-mail et "
            "@pseudos retirés), jamais quand vous parlez d'une urgence. L'équipe la lit pour "
            "ajouter les réponses qui manquent."
        )
    text += "\n\n" + explained(tr)
    text += "\n\n" + tr._(
        "<b>Limites</b> : pour protéger l'équipe des envois en masse, une même personne peut "
        "avoir {open} demandes de rappel en cours et en faire {day} par 24 heures, et m'écrire "
        "{minute} messages par minute ({relayed} pour un·e médiateur·rice). Un message qui "
        "parle d'une urgence passe toujours."
    ).format(
        open=pack.territory.limits.open_requests,
        day=pack.territory.limits.requests_per_day,
        minute=pack.territory.limits.messages_per_minute,
        relayed=pack.territory.limits.relayed_per_minute,
    )
    return Reply(
        text,
        rows(
            Button(tr._("🗑 Tout effacer"), actions.menu("privacy")),
            Button(tr._("⬅️ Menu principal"), actions.menu("main")),
            exit_button(tr),
        ),
    )


def forget_confirmation(tr: Translator, *, edit: bool = False) -> Reply:
    """Ask before erasing: the buttons say exactly what will happen."""
    return Reply(
        tr._(
            "Voulez-vous vraiment effacer tout ce que je sais de vous (langue, quartier, "
            "choix) ? On ne pourra pas revenir en arrière."
        ),
        rows(
            Button(tr._("Oui, tout effacer"), actions.forget("yes")),
            Button(tr._("Non, garder"), actions.forget("no")),
            per_row=2,
        ),
        edit=edit,
    )


def forgotten(tr: Translator, erased: bool) -> Reply:
    if erased:
        text = tr._(
            "C'est fait : tout ce qui vous concernait est effacé. "
            "Vous pouvez revenir quand vous voulez avec /start."
        )
    else:
        text = tr._("Il n'y avait rien à effacer : je ne gardais rien sur vous.")
    return Reply(text, edit=True)


def kept(tr: Translator) -> Reply:
    return Reply(tr._("D'accord, rien n'est effacé."), edit=True)
