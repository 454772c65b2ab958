"""The bilan as a message (``/stats``): the whole period in a screen or two, small counts
masked, delays in working words."""

from __future__ import annotations

from collections.abc import Callable

from babel.numbers import format_percent

from bot.i18n import Translator
from bot.staff.figures import Delays, Figures, MonthFigures
from bot.staff.wording import (
    GROUPS,
    P90_FROM,
    SMALL,
    TIER_WORDS,
    duration,
    label,
    median_words,
    poster_keys,
    poster_label,
    shown,
    theme_label,
    values,
)
from bot.storage import pauses as pause_store
from bot.storage import posters as poster_store
from bot.storage import reports as storage
from bot.storage import usage as usage_store
from bot.territory import Pack
from bot.ui import esc

UNKNOWN = storage.UNKNOWN_QUARTIER


def delay_lines(delays: Delays, tr: Translator) -> list[str]:
    """A delay in words (plain text): "pas encore de données", too few requests, or the
    median (and the 90th percentile from ten requests), said as a lower bound when
    requests still waiting could move it, and how many are still waiting."""
    said = [median_words(delays, tr)]
    if delays.count < SMALL:
        return said
    if delays.count >= P90_FROM and delays.p90 is not None:
        if not delays.p90_exact:
            said.append(tr._("au moins {p90} pour 9 demandes sur 10").format(
                p90=duration(delays.p90, tr)))  # fmt: skip
        elif delays.p90 < 1:
            said.append(tr._("9 demandes sur 10 en moins d'une minute"))
        else:
            said.append(tr._("9 demandes sur 10 en {p90} au plus").format(
                p90=duration(delays.p90, tr)))  # fmt: skip
    count = shown(delays.count, tr)
    if delays.waiting:
        over = tr._(
            "sur {count} demandes, dont {waiting} encore en attente "
            "(comptées avec leur attente jusqu'ici)"
        ).format(count=count, waiting=shown(delays.waiting, tr))
    else:
        over = tr._("sur {count} demandes").format(count=count)
    return [" · ".join(said), over]


def _counts(
    pack: Pack, tr: Translator, dimension: str, counts: dict[str, int], total: int
) -> list[str]:
    order = values(pack, dimension, counts)
    lines = []
    # Largest first; the pack's order breaks ties so the list does not jump around.
    for value in sorted(
        (v for v in order if counts.get(v)), key=lambda v: (-counts[v], order.index(v))
    ):
        n = counts[value]
        text = tr._("• {label} : {count}").format(label=label(pack, tr, dimension, value),
                                                  count=shown(n, tr))  # fmt: skip
        if n >= SMALL and total:
            text += f" ({format_percent(n / total, locale=tr.locale)})"
        lines.append(esc(text))
    return lines


def _by_theme(pack: Pack, tr: Translator, counts: dict[str, int]) -> str:
    order = values(pack, "theme", counts)
    keys = sorted(counts, key=lambda k: (-counts[k], order.index(k) if k in order else 99, k))
    return " · ".join(f"{theme_label(pack, tr, k)} {shown(counts[k], tr)}" for k in keys)


def _per_month(figures: Figures, tr: Translator, count: Callable[[MonthFigures], int]) -> str:
    """``Par mois : janv. 12 · févr. < 5 …`` (HTML-escaped)."""
    pattern = "MMM" if len(figures.months) <= 12 else "MMM yy"  # "janv." or "janv. 26"
    per_month = " · ".join(
        f"{tr.month(m.first_day, pattern)} {shown(count(m), tr)}" for m in figures.months
    )
    return esc(tr._("Par mois : {months}").format(months=per_month))


def _requests(figures: Figures, pack: Pack, tr: Translator) -> list[str]:
    total, urgent = figures.total, figures.count("urgent", "urgent")
    if urgent:
        heading = tr._("<b>Demandes de rappel : {total}</b>, dont {urgent} urgentes")
    else:
        heading = tr._("<b>Demandes de rappel : {total}</b>")
    lines = [heading.format(total=esc(shown(total, tr)), urgent=esc(shown(urgent, tr)))]
    if figures.total == 0:
        return lines
    lines.append(_per_month(figures, tr, lambda m: m.total))
    for dimension in ("team", "theme", "quartier", "profile", "outcome"):
        counts = figures.breakdown.get(dimension, {})
        if set(counts) <= {UNKNOWN}:  # not asked in this territory: nothing to say
            continue
        lines += ["", f"<b>{esc(tr._(GROUPS[dimension]))}</b>"]
        lines += _counts(pack, tr, dimension, counts, figures.total)
    for title, delays in (
        (tr._("Premier contact"), figures.time_to_claim),
        (tr._("Clôture"), figures.time_to_close),
    ):
        lines += ["", f"<b>{esc(title)}</b>", *map(esc, delay_lines(delays, tr))]
    ratings = figures.breakdown.get("rating", {})
    if ratings:
        said = " · ".join(
            f"{label(pack, tr, 'rating', r)} {shown(ratings[r], tr)}"
            for r in values(pack, "rating", ratings) if ratings.get(r)
        )  # fmt: skip
        lines += ["", f"<b>{esc(tr._(GROUPS['rating']))}</b>", esc(said)]
    return lines


def _bot(figures: Figures, pack: Pack, tr: Translator) -> list[str]:
    answered = figures.used(usage_store.ANSWER)
    suggested = figures.used(usage_store.SUGGESTION)
    unknown = figures.used(usage_store.UNKNOWN)
    asked = answered + suggested + unknown
    heading = tr._("<b>Questions posées au bot : {count}</b>")
    lines = ["", heading.format(count=esc(shown(asked, tr)))]
    if asked:
        for title, kind, n in (
            (tr._("Réponses données"), usage_store.ANSWER, answered),
            (tr._("Suggestions proposées"), usage_store.SUGGESTION, suggested),
        ):
            line = tr._("• {label} : {count}").format(label=title, count=shown(n, tr))
            if n:
                line += " — " + _by_theme(pack, tr, figures.usage.get(kind, {}))
            lines.append(esc(line))
        line = tr._("• {label} : {count}").format(
            label=tr._("« Je ne sais pas »"), count=shown(unknown, tr)
        )
        lines.append(esc(line))
    cards = figures.used(usage_store.CRISIS)
    heading = tr._("<b>Cartes de crise montrées : {count}</b>")
    lines += ["", heading.format(count=esc(shown(cards, tr)))]
    if cards:
        for tier, text in TIER_WORDS.items():
            line = tr._("• {label} : {count}").format(
                label=tr._(text), count=shown(figures.used(usage_store.CRISIS, tier), tr)
            )
            lines.append(esc(line))
    return lines


def _events(figures: Figures, tr: Translator) -> list[str]:
    e = figures.events
    heading = tr._("<b>Événements tenus : {count}</b>")
    lines = ["", heading.format(count=esc(shown(e.held, tr)))]
    if e.held:
        lines.append(
            esc(
                tr._(
                    "Inscriptions : {signups} · restées en liste d'attente : {waitlisted}"
                ).format(signups=shown(e.signups, tr), waitlisted=shown(e.waitlisted, tr))
            )
        )
        lines.append(esc(tr._(
            "Présences : {present} présent·es, {absent} absent·es, {unmarked} non notées"
        ).format(present=shown(e.present, tr), absent=shown(e.absent, tr),
                 unmarked=shown(e.unmarked, tr))))  # fmt: skip
    return lines


def _posters(figures: Figures, pack: Pack, tr: Translator) -> list[str]:
    """Arrivals through each poster's link, when there were any."""
    arrivals = figures.used(poster_store.ARRIVAL)
    if not arrivals:
        return []
    heading = tr._("<b>Arrivées par les affiches : {count}</b>")
    lines = ["", heading.format(count=esc(shown(arrivals, tr)))]
    counts = figures.usage.get(poster_store.ARRIVAL, {})
    for key in poster_keys(counts):
        name = poster_label(pack, tr, key, figures.posters.get(key))
        lines.append(
            esc(tr._("• {label} : {count}").format(label=name, count=shown(counts[key], tr)))
        )
    return lines


def _pauses(figures: Figures, tr: Translator) -> list[str]:
    """Pauses started by coordinators (counted anonymously), when there were any."""
    started = figures.used(pause_store.PAUSE)
    if not started:
        return []
    heading = tr._("<b>Mises en pause : {count}</b>").format(count=esc(shown(started, tr)))
    return ["", heading, _per_month(figures, tr, lambda m: m.used(pause_store.PAUSE))]


def stats_text(figures: Figures, pack: Pack, tr: Translator) -> str:
    """A summary of the period for the coordinators' chat (HTML): requests, delays,
    ratings, what the bot did, events. Counts from 1 to 4 read ``< 5``."""
    title = tr._("<b>Bilan {period}</b>").format(period=esc(tr.period(figures.start, figures.end)))
    if figures.empty:
        return "\n".join([title, tr._("Pas encore de données sur cette période.")])
    lines = [title, ""]
    lines += _requests(figures, pack, tr)
    lines += _bot(figures, pack, tr)
    lines += _events(figures, tr)
    lines += _posters(figures, pack, tr)
    lines += _pauses(figures, tr)
    return "\n".join(lines)
