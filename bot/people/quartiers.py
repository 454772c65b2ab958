"""The person's quartier: optional, used to show what is near them."""

from __future__ import annotations

from bot import actions
from bot.i18n import Translator
from bot.territory import Pack
from bot.ui import Button, Reply, esc, rows


def choice(pack: Pack, tr: Translator, current: str | None) -> Reply:
    """The quartiers of the territory as buttons, and "I'd rather not say"."""
    buttons = [
        Button(("✅ " if q.id == current else "") + q.name, actions.quartier(q.id))
        for q in pack.places.quartiers
    ]
    buttons.append(
        Button(tr._("Je préfère ne pas le dire"), actions.quartier(actions.NO_QUARTIER))
    )
    text = tr._(
        "Dans quel quartier habitez-vous ? Je m'en sers seulement pour vous montrer "
        "ce qui se passe près de chez vous. Vous pouvez le changer ou l'effacer quand vous voulez."
    )
    return Reply(text, rows(*buttons, per_row=2))


def chosen(pack: Pack, tr: Translator, quartier_id: str | None) -> Reply:
    quartier = pack.quartier(quartier_id) if quartier_id else None
    if quartier is None:
        text = tr._("C'est noté : je ne garde aucun quartier pour vous.")
    else:
        text = tr._("C'est noté : {quartier}.").format(quartier=esc(quartier.name))
    return Reply(text, ((Button(tr._("⬅️ Menu principal"), actions.menu("main")),),), edit=True)
