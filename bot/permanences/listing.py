"""``/permanences``: the next 30 days, the person's quartier first, then the whole
territory's and the other quartiers', each under its name; a cancelled date is shown
struck through with the next date of the same permanence that still holds."""

from __future__ import annotations

import datetime as dt

from bot import actions
from bot.i18n import Translator
from bot.permanences.schedule import Occurrence
from bot.territory import Pack
from bot.ui import Button, Reply, Venue, esc

WINDOW = dt.timedelta(days=30)
"""How far ahead ``/permanences`` shows."""

LOOKAHEAD = dt.timedelta(days=62)
"""How far after the window the next date after a cancelled one is looked for."""

LIMIT = 3500
"""A Telegram message holds 4096 characters: the listing stops before."""

ALL = ""
"""The group of the permanences of the whole territory (no quartier)."""


def _line(pack: Pack, tr: Translator, o: Occurrence, following: Occurrence | None) -> str:
    p = o.permanence
    place_quartier = pack.quartier(p.quartier) if p.quartier else None
    where_text = esc(p.place.get(tr.language))
    if place_quartier is not None:
        where_text += f" ({esc(place_quartier.name)})"
    line = (
        f"<b>{tr.day(o.start)}, {tr.hours(o.start, o.end)}</b>\n"
        f"{esc(p.title.get(tr.language))} · {where_text}"
    )
    if o.cancelled:
        line = f"<s>{line}</s>\n" + tr._("❌ Annulée")
    elif o.added:
        line += "\n" + tr._("➕ Date ajoutée")
    elif o.moved:
        line += "\n" + tr._("↪️ Date ou horaire modifié")
    if o.note is not None:
        line += f" — {esc(o.note.get(tr.language))}"
    if o.cancelled and o.reason:
        line += f" — {esc(o.reason)}"
    if o.cancelled and following is not None:
        line += "\n" + tr._("➡️ Prochaine date : {when}").format(
            when=f"{tr.day(following.start)}, {tr.hours(following.start, following.end)}"
        )
    return line


def _groups(pack: Pack, quartier: str | None, shown: list[Occurrence]) -> list[str]:
    """The order of the groups: the person's quartier, the whole territory, the others."""
    present = {o.permanence.quartier or ALL for o in shown}
    order = [q for q in (quartier, ALL) if q is not None]
    order += [q.id for q in pack.places.quartiers if q.id != quartier]
    order += sorted(present - set(order))  # a quartier no longer in the pack
    return [g for g in order if g in present]


def upcoming(
    pack: Pack, tr: Translator, now: dt.datetime, quartier: str | None, found: list[Occurrence]
) -> Reply:
    """The next 30 days' permanences, grouped by quartier (the person's first), from
    ``found``: the occurrences from ``now`` to ``now + WINDOW + LOOKAHEAD`` (the
    later ones only tell which date follows a cancelled one). Places are sent as venues
    where they are located."""
    end = now + WINDOW
    shown = [o for o in found if o.start < end and o.end > now]
    home = (Button(tr._("🏠 Menu principal"), actions.menu("main")),)
    header = tr._("📅 <b>Permanences des 30 prochains jours</b>")
    if not shown:
        text = "\n\n".join((
            header,
            tr._("Aucune permanence n'est annoncée ces 30 prochains jours."),
            tr._("Pour rencontrer l'équipe : {contact}").format(
                contact=esc(pack.territory.contact.get(tr.language))),
        ))  # fmt: skip
        return Reply(text, (home,), edit=True)
    lines = [header]
    venues: list[Venue] = []
    cut = False
    for group in _groups(pack, quartier, shown):
        where = pack.quartier(group) if group != ALL else None
        title = f"📍 {esc(where.name)}" if where else tr._("🌍 Tout le territoire")
        block = [f"\n<b>— {title} —</b>"]
        for o in (o for o in shown if (o.permanence.quartier or ALL) == group):
            following = next(
                (n for n in found if n.permanence.id == o.permanence.id
                 and n.start > o.start and not n.cancelled), None,
            ) if o.cancelled else None  # fmt: skip
            block.append("\n" + _line(pack, tr, o, following))
            partner = pack.partner(o.permanence.partner) if o.permanence.partner else None
            if (
                partner is not None
                and partner.latitude is not None
                and partner.longitude is not None
                and not o.cancelled
                and all(v.title != partner.name.get(tr.language) for v in venues)
            ):
                venues.append(Venue(partner.name.get(tr.language), partner.address or "",
                                    partner.latitude, partner.longitude))  # fmt: skip
        if sum(len(x) + 1 for x in (*lines, *block)) > LIMIT:
            cut = True
            break
        lines += block
    if cut:
        lines.append("\n" + tr._("… et d'autres permanences plus loin."))
    return Reply("\n".join(lines), (home,), venues=tuple(venues[:5]), edit=True)
