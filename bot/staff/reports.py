"""The bilan: month-by-month figures of callback requests, for the annual report.

A coordinator gets them as a short message (``/stats``), or as a CSV and a PNG
chart to paste into the report (``python -m bot report``). Figures come from the
database alone and are aggregates only: counts, medians and percentiles, never
anything that could single a person out.

Months are the territory's calendar months; delays are in minutes from the
moment the request was made, counted around the clock (nights and week-ends
included), for the requests created in the month.
"""

from __future__ import annotations

import asyncio
import csv
import datetime as dt
import io
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from babel.dates import format_date
from babel.numbers import format_decimal, format_percent

from bot.i18n import N_, Catalogs, Translator
from bot.storage import Database
from bot.storage import reports as storage
from bot.territory import SUBJECTS_EXTRA, Pack
from bot.ui import esc

DIMENSIONS = storage.DIMENSIONS
"""``theme``, ``team``, ``quartier``, ``channel``, ``urgent``, ``outcome``."""

CSV_COLUMNS: tuple[str, ...] = ("month", "dimension", "value", "label", "count")
CSV_NAME, CHART_NAME = "report.csv", "report.png"

_CHANNELS: dict[str, str] = {
    "telegram": N_("Par message Telegram"),
    "phone": N_("Rappel par téléphone"),
}
_URGENCY: dict[str, str] = {
    storage.URGENT: N_("Urgente"),
    storage.NOT_URGENT: N_("Non urgente"),
}
# Closed requests have an outcome; the others are counted by their state.
_OUTCOMES: dict[str, str] = {
    "contacted": N_("Personne contactée"),
    "oriented": N_("Orientée vers un partenaire"),
    "no_answer": N_("Personne injoignable"),
    "not_needed": N_("Plus besoin"),
    "open": N_("En attente"),
    "claimed": N_("En cours"),
    "cancelled": N_("Annulée par la personne"),
    "closed": N_("Clôturée sans suite notée"),
}
_SUBJECTS: dict[str, str] = {
    "conflit": N_("Conflit de voisinage"),
    "autre": N_("Autre demande"),
}
_DELAY_ROWS: tuple[tuple[str, str], ...] = (
    ("time_to_claim_median_min", N_("Délai de prise en charge, médiane (minutes)")),
    ("time_to_claim_p90_min", N_("Délai de prise en charge, 9 demandes sur 10 (minutes)")),
    ("time_to_close_median_min", N_("Délai de clôture, médiane (minutes)")),
    ("time_to_close_p90_min", N_("Délai de clôture, 9 demandes sur 10 (minutes)")),
)


@dataclass(frozen=True)
class Delays:
    """A delay in minutes over ``count`` requests; ``None`` when none was measured."""

    count: int = 0
    median: float | None = None
    p90: float | None = None
    """90 % of the requests took at most this long."""


@dataclass(frozen=True)
class MonthFigures:
    """The requests created in one month of the territory's calendar."""

    month: str
    """``YYYY-MM``."""
    total: int
    breakdown: dict[str, dict[str, int]]
    """dimension → value → number of requests (values without requests are absent)."""
    time_to_claim: Delays
    time_to_close: Delays

    def count(self, dimension: str, value: str) -> int:
        return self.breakdown.get(dimension, {}).get(value, 0)

    @property
    def first_day(self) -> dt.date:
        year, month = self.month.split("-")
        return dt.date(int(year), int(month), 1)


@dataclass(frozen=True)
class Figures:
    """The requests created from ``start`` to ``end`` (both days included, local time)."""

    start: dt.date
    end: dt.date
    months: tuple[MonthFigures, ...]
    """Every month of the period, in order, those without requests included."""
    total: int
    breakdown: dict[str, dict[str, int]]
    """dimension → value → number of requests over the whole period."""
    time_to_claim: Delays
    time_to_close: Delays
    """Over the whole period (not an average of the months' medians)."""

    def count(self, dimension: str, value: str) -> int:
        return self.breakdown.get(dimension, {}).get(value, 0)


def _utc_midnight(day: dt.date, pack: Pack) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(), pack.tz).astimezone(dt.UTC)


def _delays(stats: storage.DelayStats | None) -> Delays:
    if stats is None:
        return Delays()
    return Delays(stats.count, stats.median_minutes, stats.p90_minutes)


async def monthly_figures(db: Database, pack: Pack, start: dt.date, end: dt.date) -> Figures:
    """Figures of the requests created from ``start`` to ``end`` included (days in the
    territory's timezone), month by month and for the whole period."""
    if end < start:
        raise ValueError("the end of the period is before its start")
    lo, hi = _utc_midnight(start, pack), _utc_midnight(end + dt.timedelta(days=1), pack)
    months = storage.months_between(lo, hi, pack.tz)
    counts = await storage.request_counts(db, lo, hi, pack.tz)
    delays = {(d.month, d.kind): d for d in await storage.request_delays(db, lo, hi, pack.tz)}

    per_month: dict[str, dict[str, dict[str, int]]] = {m.key: {} for m in months}
    overall: dict[str, dict[str, int]] = {}
    for c in counts:
        per_month[c.month].setdefault(c.dimension, {})[c.value] = c.count
        by_value = overall.setdefault(c.dimension, {})
        by_value[c.value] = by_value.get(c.value, 0) + c.count

    def total(breakdown: dict[str, dict[str, int]]) -> int:
        # Every request has exactly one team: the team counts add up to the total.
        return sum(breakdown.get("team", {}).values())

    return Figures(
        start=start,
        end=end,
        months=tuple(
            MonthFigures(
                month=key,
                total=total(breakdown),
                breakdown=breakdown,
                time_to_claim=_delays(delays.get((key, "claim"))),
                time_to_close=_delays(delays.get((key, "close"))),
            )
            for key, breakdown in per_month.items()
        ),
        total=total(overall),
        breakdown=overall,
        time_to_claim=_delays(delays.get((None, "claim"))),
        time_to_close=_delays(delays.get((None, "close"))),
    )


# --- labels -------------------------------------------------------------------------


def _known_values(pack: Pack, dimension: str) -> tuple[str, ...]:
    """The values a dimension can take, in the order a reader expects them."""
    if dimension == "theme":
        return (*(t.id for t in pack.themes.themes), *SUBJECTS_EXTRA)
    if dimension == "team":
        return tuple(t.id for t in pack.teams.teams)
    if dimension == "quartier":
        return (*(q.id for q in pack.places.quartiers), storage.UNKNOWN_QUARTIER)
    if dimension == "channel":
        return tuple(_CHANNELS)
    if dimension == "urgent":
        return tuple(_URGENCY)
    if dimension == "outcome":
        # 'closed' without an outcome should not happen: shown only if it does.
        return tuple(o for o in _OUTCOMES if o != "closed")
    raise ValueError(f"unknown dimension {dimension!r}")


def _values(pack: Pack, dimension: str, seen: Iterable[str]) -> list[str]:
    """Known values first, then any the pack no longer has (a team that was renamed)."""
    known = _known_values(pack, dimension)
    return [*known, *sorted(set(seen) - set(known))]


def label(pack: Pack, tr: Translator, dimension: str, value: str) -> str:
    """What a reader calls ``value`` of ``dimension``, in ``tr``'s language (plain text)."""
    language = tr.language
    if dimension == "theme":
        theme = pack.theme(value)
        if theme is not None:
            return theme.name.get(language)
        return tr._(_SUBJECTS[value]) if value in _SUBJECTS else value
    if dimension == "team":
        team = next((t for t in pack.teams.teams if t.id == value), None)
        return team.name.get(language) if team is not None else value
    if dimension == "quartier":
        if value == storage.UNKNOWN_QUARTIER:
            return tr._("Quartier non précisé")
        quartier = pack.quartier(value)
        return quartier.name if quartier is not None else value
    names = {"channel": _CHANNELS, "urgent": _URGENCY, "outcome": _OUTCOMES}.get(dimension, {})
    return tr._(names[value]) if value in names else value


# --- CSV ----------------------------------------------------------------------------


def figures_csv(figures: Figures, pack: Pack, tr: Translator) -> str:
    """One tidy table: a row per month, dimension and value, with the label in
    ``tr``'s language; then the delays; then the same rows for the whole period
    (month ``2026-01-01/2026-12-31``).

    Columns: ``month, dimension, value, label, count``. ``dimension`` is ``total``,
    one of :data:`DIMENSIONS`, or a delay (``time_to_claim_median_min``…, whose
    ``count`` is a number of minutes, empty when no request was measured). Every
    known value has its row, zeros included, so months line up in a pivot table.
    French files use ``;`` between columns, as a French spreadsheet expects.
    """
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";" if tr.language == "fr" else ",", lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    total_label = tr._("Demandes reçues")

    def rows(
        month: str,
        total: int,
        breakdown: dict[str, dict[str, int]],
        claim: Delays,
        close: Delays,
    ) -> None:
        writer.writerow((month, "total", "all", total_label, total))
        for dimension in DIMENSIONS:
            counts = breakdown.get(dimension, {})
            for value in _values(pack, dimension, counts):
                label_ = label(pack, tr, dimension, value)
                writer.writerow((month, dimension, value, label_, counts.get(value, 0)))
        minutes = (claim.median, claim.p90, close.median, close.p90)
        for (dimension, text), value_ in zip(_DELAY_ROWS, minutes, strict=True):
            writer.writerow((month, dimension, "", tr._(text), _whole(value_)))

    for m in figures.months:
        rows(m.month, m.total, m.breakdown, m.time_to_claim, m.time_to_close)
    period = f"{figures.start.isoformat()}/{figures.end.isoformat()}"
    rows(period, figures.total, figures.breakdown, figures.time_to_claim, figures.time_to_close)
    return buffer.getvalue()


def _whole(minutes: float | None) -> str:
    # Whole minutes: finer is noise, and a decimal separator is one more thing a
    # spreadsheet can misread.
    return "" if minutes is None else str(round(minutes))


# --- chart --------------------------------------------------------------------------


def figures_chart_png(figures: Figures, pack: Pack, tr: Translator) -> bytes:
    """A chart for the report: requests per month stacked by team, and the median time
    to claim per month. Words in ``tr``'s language."""
    # matplotlib is heavy to import and only the reports need it. The object API
    # (no pyplot) renders with Agg, needs no display and keeps no global state, so
    # the chart can be drawn in a worker thread.
    from matplotlib.figure import Figure
    from matplotlib.ticker import MaxNLocator

    months = figures.months
    x = list(range(len(months)))
    many = len(months) > 18
    pattern = "MMM yy" if many else "MMM\nyyyy"
    ticks = [format_date(m.first_day, pattern, locale=tr.locale) for m in months]
    seen = {team for m in months for team in m.breakdown.get("team", {})}
    teams = [t for t in _values(pack, "team", seen) if any(m.count("team", t) for m in months)]

    figure = Figure(figsize=(10, 7.5), dpi=150, layout="constrained")
    top, bottom = figure.subplots(2, 1, sharex=True, height_ratios=(2, 1))
    figure.suptitle(
        tr._("{service} — du {start} au {end}").format(
            service=pack.territory.service.get(tr.language),
            start=format_date(figures.start, "long", locale=tr.locale),
            end=format_date(figures.end, "long", locale=tr.locale),
        ),
        fontsize=11,
    )

    base = [0] * len(months)
    for i, team in enumerate(teams):
        heights = [m.count("team", team) for m in months]
        top.bar(x, heights, bottom=base, color=f"C{i % 10}", label=label(pack, tr, "team", team))
        base = [b + h for b, h in zip(base, heights, strict=True)]
    if teams and not many:  # the month's total above its bar
        top.bar_label(
            top.containers[-1],
            labels=[format_decimal(t, locale=tr.locale) if t else "" for t in base],
            padding=2,
            fontsize=8,
        )
    top.set_title(tr._("Demandes de rappel par mois et par équipe"), loc="left", fontsize=10)
    top.set_ylabel(tr._("Demandes"))
    top.yaxis.set_major_locator(MaxNLocator(integer=True))
    # Room above the bars for the legend, laid out in a row or two.
    columns = min(len(teams), 3) or 1
    legend_rows = -(-len(teams) // columns)
    top.set_ylim(0, max(max(base, default=0), 1) * (1.15 + 0.08 * legend_rows))
    if teams:
        top.legend(loc="upper left", ncols=columns, fontsize=8, frameon=False)

    medians = [m.time_to_claim.median for m in months]
    in_hours = max((v for v in medians if v is not None), default=0) >= 120
    scale = 60 if in_hours else 1
    bars = bottom.bar(x, [(v or 0) / scale for v in medians], color="0.45")
    if not many:
        bottom.bar_label(
            bars,
            labels=["" if v is None else duration(v, tr) for v in medians],
            padding=2,
            fontsize=8,
        )
    bottom.margins(y=0.2)
    bottom.set_title(tr._("Délai médian de prise en charge"), loc="left", fontsize=10)
    bottom.set_ylabel(tr._("heures") if in_hours else tr._("minutes"))
    if many:
        bottom.set_xticks(x, ticks, rotation=45, ha="right")
    else:
        bottom.set_xticks(x, ticks)

    for axes in (top, bottom):
        axes.spines[["top", "right"]].set_visible(False)
        axes.grid(axis="y", color="0.9")
        axes.set_axisbelow(True)

    out = io.BytesIO()
    figure.savefig(out, format="png")
    return out.getvalue()


# --- /stats -------------------------------------------------------------------------


def duration(minutes: float, tr: Translator) -> str:
    """``45 min``, ``2 h 05``, ``3 j 4 h``: a delay as a coordinator says it."""
    whole = round(minutes)
    if whole < 60:
        return tr._("{minutes} min").format(minutes=whole)
    hours, rest = divmod(whole, 60)
    if hours < 48:
        if rest == 0:
            return tr._("{hours} h").format(hours=hours)
        return tr._("{hours} h {minutes}").format(hours=hours, minutes=f"{rest:02d}")
    days, hours = divmod(hours, 24)
    return tr._("{days} j {hours} h").format(days=days, hours=hours)


def stats_text(figures: Figures, pack: Pack, tr: Translator) -> str:
    """A short summary of the period for the coordinators' chat (HTML)."""
    locale = tr.locale
    lines = [
        tr._("<b>Demandes de rappel</b> du {start} au {end}").format(
            start=esc(format_date(figures.start, "long", locale=locale)),
            end=esc(format_date(figures.end, "long", locale=locale)),
        )
    ]
    if figures.total == 0:
        lines.append(tr._("Aucune demande sur cette période."))
        return "\n".join(lines)
    total = format_decimal(figures.total, locale=locale)
    urgent = format_decimal(figures.count("urgent", storage.URGENT), locale=locale)
    lines.append(
        tr.n_(
            "<b>{total}</b> demande, dont {urgent} urgente.",
            "<b>{total}</b> demandes, dont {urgent} urgentes.",
            figures.total,
        ).format(total=total, urgent=urgent)
    )

    def section(title: str, dimension: str) -> None:
        counts = figures.breakdown.get(dimension, {})
        lines.append("")
        lines.append(f"<b>{esc(title)}</b>")
        order = _values(pack, dimension, counts)
        # Largest first; the pack's order breaks ties so the list does not jump around.
        for value in sorted(
            (v for v in order if counts.get(v)), key=lambda v: (-counts[v], order.index(v))
        ):
            lines.append(
                tr._("• {label} : {count} ({share})").format(
                    label=esc(label(pack, tr, dimension, value)),
                    count=format_decimal(counts[value], locale=locale),
                    share=format_percent(counts[value] / figures.total, locale=locale),
                )
            )

    section(tr._("Par équipe"), "team")
    section(tr._("Par thème"), "theme")
    section(tr._("Suites données"), "outcome")

    lines.append("")
    lines.append(f"<b>{esc(tr._('Délais'))}</b>")
    for text, delays in (
        (N_("Prise en charge"), figures.time_to_claim),
        (N_("Clôture"), figures.time_to_close),
    ):
        if delays.median is None or delays.p90 is None:
            measured = tr._("{what} : pas encore mesuré").format(what=tr._(text))
        else:
            measured = tr._(
                "{what} : médiane {median}, 9 demandes sur 10 en moins de {p90}"
            ).format(
                what=tr._(text), median=duration(delays.median, tr), p90=duration(delays.p90, tr)
            )
        lines.append(esc(measured))
    return "\n".join(lines)


# --- files --------------------------------------------------------------------------


def _write(out_dir: Path, csv_text: str, png: bytes) -> list[Path]:
    out_dir.mkdir(parents=True, exist_ok=True)
    csv_path, png_path = out_dir / CSV_NAME, out_dir / CHART_NAME
    # With a byte-order mark, spreadsheets open the file as UTF-8 (accents intact).
    csv_path.write_text(csv_text, encoding="utf-8-sig", newline="")
    png_path.write_bytes(png)
    return [csv_path, png_path]


async def write_report(
    db: Database,
    pack: Pack,
    start: dt.date,
    end: dt.date,
    out_dir: Path,
    language: str,
    catalogs: Catalogs | None = None,
) -> list[Path]:
    """Write ``report.csv`` and ``report.png`` for the period (``end`` included) into
    ``out_dir``, created if needed; return their paths."""
    tr = (catalogs or Catalogs()).translator(language, pack.tz, pack.territory.address)
    figures = await monthly_figures(db, pack, start, end)
    csv_text = figures_csv(figures, pack, tr)
    # Drawing and writing block for a moment: keep the event loop free.
    png = await asyncio.to_thread(figures_chart_png, figures, pack, tr)
    return await asyncio.to_thread(_write, out_dir, csv_text, png)
