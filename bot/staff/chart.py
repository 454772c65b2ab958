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
from bot.staff.wording import SMALL, label, median_words, shown, values
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


def _key_figures(figures: Figures, tr: Translator) -> list[str]:
    contact = tr._("Premier contact : {delay}").format(
        delay=median_words(figures.time_to_claim, tr)
    )
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
    few = len(months) <= 12
    if few:  # J F M A…: the year is in the title
        ticks = [tr.month(m.first_day, "MMMMM") for m in months]
    else:  # the year under its first month, nothing else: no crowd of labels
        ticks = [str(m.first_day.year) if i == 0 or m.first_day.month == 1 else ""
                 for i, m in enumerate(months)]  # fmt: skip
    bars = axes.bar(x, [_height(n) for n in counts], color=[_colour(n) for n in counts],
                    width=0.72)  # fmt: skip
    long = max(len(shown(n, tr)) for n in counts) > 3 or not few
    axes.bar_label(bars, labels=[shown(n, tr) if n else "" for n in counts], padding=3,
                   fontsize=9 if long else 12, rotation=90 if long else 0, color=INK)  # fmt: skip
    axes.set_ylim(0, max(_height(n) for n in counts) * (1.45 if long else 1.25))
    axes.set_xlim(-0.6, len(months) - 0.4)
    axes.set_xticks(x, ticks, fontsize=12, ha="center" if few else "left")
    _bare(axes)


def _themes(axes: Axes, figures: Figures, pack: Pack, tr: Translator) -> None:
    """One bar per theme, its name above it: the whole width for the words."""
    counts = figures.breakdown.get("theme", {})
    order = values(pack, "theme", counts)
    ranked = sorted(
        (t for t in order if counts.get(t)), key=lambda t: (-counts[t], order.index(t))
    )
    rows = [(label(pack, tr, "theme", t), counts[t]) for t in ranked[:THEMES_SHOWN]]
    rest = sum(counts[t] for t in ranked[THEMES_SHOWN:])
    if rest:
        rows.append((tr._("Autres"), rest))
    widest = max(max(_height(n) for _, n in rows), 2.0 * SMALL)
    for i, (name, n) in enumerate(rows):
        y = -i  # the largest on top
        axes.barh(y, _height(n), color=_colour(n), height=0.4, left=0)
        axes.text(0, y + 0.26, textwrap.shorten(name, 40, placeholder="…"), fontsize=12,
                  color=INK, va="bottom")  # fmt: skip
        axes.text(_height(n) + widest * 0.02, y, shown(n, tr), fontsize=12, color=INK,
                  va="center")  # fmt: skip
    axes.set_xlim(0, widest * 1.15)
    axes.set_ylim(-THEMES_SHOWN - 1 + 0.6, 0.75)  # the same thickness whatever the count
    axes.set_axis_off()


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
    key = "\n".join(_key_figures(figures, tr))
    figure.text(0.05, top - 0.05, key, fontsize=13, color=INK, va="top", linespacing=1.5)
    if figures.total == 0:
        figure.text(0.5, 0.35, tr._("Aucune demande de rappel sur cette période."),
                    fontsize=14, color=MUTED, ha="center", va="center")  # fmt: skip
        return figure
    figure.text(0.05, 0.69, tr._("Demandes de rappel par mois"), fontsize=14, color=INK,
                fontweight="bold", va="top")  # fmt: skip
    _months(figure.add_axes((0.05, 0.47, 0.9, 0.18)), figures, tr)
    figure.text(0.05, 0.405, tr._("Demandes par thème"), fontsize=14, color=INK,
                fontweight="bold", va="top")  # fmt: skip
    _themes(figure.add_axes((0.05, 0.015, 0.88, 0.34)), figures, pack, tr)
    return figure


def figures_chart_png(figures: Figures, pack: Pack, tr: Translator) -> bytes:
    """The picture as PNG bytes, 1080 × 1350 pixels."""
    out = io.BytesIO()
    chart(figures, pack, tr).savefig(out, format="png", facecolor="white")
    return out.getvalue()
