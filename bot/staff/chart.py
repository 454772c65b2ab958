"""The bilan as a picture: one portrait image a coordinator reads on a phone (sent with
``/stats`` as a photo) and pastes into the annual report.

Few elements, large type: the period's key figures in words, requests per month, and
requests by theme. Counts from 1 to 4 are drawn as a pale "< 5" bar of one fixed height,
so that neither the label nor the bar gives them away; there is no number axis at all
(each bar carries its count), hence nothing negative; a period with nothing shows
"pas encore de données".
"""

from __future__ import annotations

import io
import textwrap
from typing import TYPE_CHECKING

from bot.i18n import Translator
from bot.staff.figures import Figures
from bot.staff.wording import SMALL, duration, label, shown, values
from bot.storage import usage as usage_store
from bot.territory import Pack

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

WIDTH, HEIGHT, DPI = 6.0, 7.5, 180
"""1080 × 1350 pixels: a phone's width, a portrait that Telegram shows whole."""
INK, BAR, PALE, MUTED = "#1f2933", "#c8102e", "#f1b5bf", "#52606d"
THEMES_SHOWN = 5
"""Themes drawn one by one; the others are one "Autres" bar."""


def _height(n: int) -> float:
    """A masked count is drawn half-way below the threshold, whatever it is."""
    return SMALL / 2 if 0 < n < SMALL else float(n)


def _colour(n: int) -> str:
    return PALE if 0 < n < SMALL else BAR


def _bare(axes: Axes) -> None:
    axes.spines[["top", "right", "left"]].set_visible(False)
    axes.tick_params(left=False, labelleft=False, length=0)


def _key_figures(figures: Figures, pack: Pack, tr: Translator) -> list[str]:
    claim = figures.time_to_claim
    if claim.count >= SMALL and claim.median is not None:
        median = duration(claim.median, tr)
        if not claim.median_exact:
            median = tr._("au moins {median}").format(median=median)
        contact = tr._("Premier contact : médiane {median}").format(median=median)
    else:
        contact = tr._("Premier contact : pas encore de données")
    return [
        tr._("{count} demandes de rappel").format(count=shown(figures.total, tr)),
        contact,
        tr._("{answered} réponses du bot · {unknown} « je ne sais pas »").format(
            answered=shown(figures.used(usage_store.ANSWER), tr),
            unknown=shown(figures.used(usage_store.UNKNOWN), tr),
        ),
        tr._("{held} événements · {signups} inscriptions").format(
            held=shown(figures.events.held, tr), signups=shown(figures.events.signups, tr)
        ),
    ]


def _months(axes: Axes, figures: Figures, tr: Translator) -> None:
    months = figures.months
    counts = [m.total for m in months]
    x = list(range(len(months)))
    pattern = "MMMMM" if len(months) <= 12 else "MMM yy"
    ticks = [tr.month(m.first_day, pattern) for m in months]
    bars = axes.bar(x, [_height(n) for n in counts], color=[_colour(n) for n in counts],
                    width=0.72)  # fmt: skip
    long = max(len(shown(n, tr)) for n in counts) > 3 or len(months) > 12
    axes.bar_label(bars, labels=[shown(n, tr) if n else "" for n in counts], padding=3,
                   fontsize=10 if long else 12, rotation=90 if long else 0, color=INK)  # fmt: skip
    axes.set_ylim(0, max(_height(n) for n in counts) * (1.45 if long else 1.25))
    axes.set_xticks(x, ticks, fontsize=12 if len(months) <= 12 else 9,
                    rotation=0 if len(months) <= 12 else 90)  # fmt: skip
    axes.set_title(tr._("Demandes de rappel par mois"), loc="left", fontsize=14, color=INK)
    _bare(axes)


def _themes(axes: Axes, figures: Figures, pack: Pack, tr: Translator) -> None:
    counts = figures.breakdown.get("theme", {})
    order = values(pack, "theme", counts)
    ranked = sorted(
        (t for t in order if counts.get(t)), key=lambda t: (-counts[t], order.index(t))
    )
    rows = [(label(pack, tr, "theme", t), counts[t]) for t in ranked[:THEMES_SHOWN]]
    rest = sum(counts[t] for t in ranked[THEMES_SHOWN:])
    if rest:
        rows.append((tr._("Autres"), rest))
    y = list(range(len(rows)))[::-1]  # the largest on top
    bars = axes.barh(y, [_height(n) for _, n in rows], color=[_colour(n) for _, n in rows],
                     height=0.66)  # fmt: skip
    axes.bar_label(bars, labels=[shown(n, tr) for _, n in rows], padding=4, fontsize=12,
                   color=INK)  # fmt: skip
    axes.set_yticks(y, [textwrap.shorten(name, 22, placeholder="…") for name, _ in rows],
                    fontsize=12)  # fmt: skip
    axes.set_xlim(0, max(_height(n) for _, n in rows) * 1.3)
    axes.set_title(tr._("Demandes par thème"), loc="left", fontsize=14, color=INK)
    axes.spines[["top", "right", "bottom"]].set_visible(False)
    axes.tick_params(bottom=False, labelbottom=False, length=0)


def chart(figures: Figures, pack: Pack, tr: Translator) -> Figure:
    """The picture, as a matplotlib figure (the object API: no pyplot, no global state,
    so it can be drawn in a worker thread)."""
    # matplotlib is heavy to import and only the bilan needs it.
    from matplotlib.figure import Figure

    figure = Figure(figsize=(WIDTH, HEIGHT), dpi=DPI)
    service = textwrap.fill(pack.territory.service.get(tr.language), 44)
    lines = service.count("\n") + 1
    figure.text(0.05, 0.975, service, fontsize=14, fontweight="bold", color=INK, va="top")
    top = 0.975 - 0.033 * lines
    figure.text(0.05, top, tr.period(figures.start, figures.end), fontsize=13, color=MUTED,
                va="top")  # fmt: skip
    if figures.empty:
        figure.text(0.5, 0.5, tr._("Pas encore de données sur cette période."), fontsize=15,
                    color=MUTED, ha="center", va="center")  # fmt: skip
        return figure
    key = "\n".join(_key_figures(figures, pack, tr))
    figure.text(0.05, top - 0.05, key, fontsize=13, color=INK, va="top", linespacing=1.5)
    if figures.total == 0:
        figure.text(0.5, 0.35, tr._("Aucune demande de rappel sur cette période."),
                    fontsize=14, color=MUTED, ha="center", va="center")  # fmt: skip
        return figure
    months = figure.add_axes((0.05, 0.36, 0.9, 0.24))
    _months(months, figures, tr)
    themes = figure.add_axes((0.36, 0.04, 0.58, 0.25))
    _themes(themes, figures, pack, tr)
    return figure


def figures_chart_png(figures: Figures, pack: Pack, tr: Translator) -> bytes:
    """The picture as PNG bytes, 1080 × 1350 pixels."""
    out = io.BytesIO()
    chart(figures, pack, tr).savefig(out, format="png", facecolor="white")
    return out.getvalue()
