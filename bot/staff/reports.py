"""The bilan, for the annual report: per month and for the whole period, callback
requests (by team, theme, quartier, public, outcome), the time to first contact,
ratings, what the bot itself did (answers, suggestions, "I don't know", crisis cards)
and the events held.

A coordinator gets it as a message, a wide CSV and a picture with ``/stats``, or as the
same CSV and picture from ``python -m bot report``. Nothing in it identifies a person:
aggregates only, and counts from 1 to 4 read ``< 5`` everywhere.
"""

from __future__ import annotations

import asyncio
import csv
import datetime as dt
import io
from collections.abc import Callable
from functools import partial
from pathlib import Path

from babel.numbers import format_decimal

from bot.i18n import Catalogs, Translator
from bot.staff.chart import figures_chart_png
from bot.staff.figures import DIMENSIONS, Delays, Figures, MonthFigures, Tally, monthly_figures
from bot.staff.summary import stats_text
from bot.staff.wording import (
    COLUMNS,
    P90_FROM,
    SMALL,
    TIERS,
    label,
    poster_keys,
    poster_label,
    shown,
    theme_label,
    values,
)
from bot.storage import Database
from bot.storage import pauses as pause_store
from bot.storage import posters as poster_store
from bot.storage import usage as usage_store
from bot.territory import Pack

__all__ = [
    "CHART_NAME",
    "CSV_NAME",
    "DIMENSIONS",
    "Figures",
    "MonthFigures",
    "csv_bytes",
    "figures_chart_png",
    "figures_csv",
    "monthly_figures",
    "stats_text",
    "write_report",
]

CSV_NAME, CHART_NAME = "report.csv", "report.png"
_CSV_DIMENSIONS = ("team", "theme", "quartier", "profile", "outcome", "rating", "channel")

Column = tuple[str, Callable[[Tally], str]]
"""A column's name, and how a month's (or the total's) cell is read."""


def _hours(minutes: float | None, exact: bool, tr: Translator) -> str:
    """A delay in hours with one decimal (``2,5``), ``≥ 2,5`` for a lower bound."""
    if minutes is None:
        return ""
    hours = format_decimal(minutes / 60, format="0.0", locale=tr.locale)
    return hours if exact else f"≥ {hours}"


def _delay_columns(title: str, pick: Callable[[Tally], Delays], tr: Translator) -> list[Column]:
    def median(t: Tally) -> str:
        d = pick(t)
        return _hours(d.median, d.median_exact, tr) if d.count >= SMALL else ""

    def p90(t: Tally) -> str:
        d = pick(t)
        return _hours(d.p90, d.p90_exact, tr) if d.count >= P90_FROM else ""

    return [
        (tr._("{delay}, médiane (heures)").format(delay=title), median),
        (tr._("{delay}, 9 demandes sur 10 (heures)").format(delay=title), p90),
        (tr._("{delay}, demandes comptées").format(delay=title),
         lambda t: shown(pick(t).count, tr)),
        (tr._("{delay}, dont encore en attente").format(delay=title),
         lambda t: shown(pick(t).waiting, tr)),
    ]  # fmt: skip


def _cell(get: Callable[[Tally], int]) -> Callable[[Tally], str]:
    def read(tally: Tally) -> str:
        n = get(tally)
        # Plain digits, no thousands separator: a spreadsheet reads them as numbers.
        return f"< {SMALL}" if 0 < n < SMALL else str(n)

    return read


def _columns(figures: Figures, pack: Pack, tr: Translator) -> list[Column]:
    """Every figure of the bilan as a column; a value nobody had over the whole period
    (a quartier without a request all year) has no column."""
    counts: list[tuple[str, Callable[[Tally], int]]] = [
        (tr._("Demandes"), lambda t: t.total),
        (tr._("Demandes urgentes"), partial(Tally.count, dimension="urgent", value="urgent")),
    ]
    for dimension in _CSV_DIMENSIONS:
        seen = figures.breakdown.get(dimension, {})
        for value in (v for v in values(pack, dimension, seen) if seen.get(v)):
            name = tr._("{group} : {label}").format(
                group=tr._(COLUMNS[dimension]), label=label(pack, tr, dimension, value)
            )
            counts.append((name, partial(Tally.count, dimension=dimension, value=value)))
    columns = [(name, _cell(get)) for name, get in counts]
    columns += _delay_columns(tr._("Premier contact"), lambda t: t.time_to_claim, tr)
    columns += _delay_columns(tr._("Clôture"), lambda t: t.time_to_close, tr)
    counts = []
    for kind, title in (
        (usage_store.ANSWER, tr._("Réponses données")),
        (usage_store.SUGGESTION, tr._("Suggestions proposées")),
    ):
        counts.append((title, partial(Tally.used, kind=kind)))
        seen = figures.usage.get(kind, {})
        for key in (k for k in [*values(pack, "theme", seen), usage_store.NO_KEY] if seen.get(k)):
            name = tr._("{group} : {label}").format(group=title, label=theme_label(pack, tr, key))
            counts.append((name, partial(Tally.used, kind=kind, key=key)))
    counts.append((tr._("« Je ne sais pas »"), partial(Tally.used, kind=usage_store.UNKNOWN)))
    for tier, title in TIERS.items():
        counts.append((tr._(title), partial(Tally.used, kind=usage_store.CRISIS, key=tier)))
    counts += [
        (tr._("Événements tenus"), lambda t: t.events.held),
        (tr._("Inscriptions"), lambda t: t.events.signups),
        (tr._("Restées en liste d'attente"), lambda t: t.events.waitlisted),
        (tr._("Présent·es"), lambda t: t.events.present),
        (tr._("Absent·es"), lambda t: t.events.absent),
        (tr._("Présence non notée"), lambda t: t.events.unmarked),
    ]
    arrivals = figures.usage.get(poster_store.ARRIVAL, {})
    if arrivals:  # a period without any poster arrival has no poster column
        kind = poster_store.ARRIVAL
        counts.append((tr._("Arrivées par les affiches"), partial(Tally.used, kind=kind)))
        for key in poster_keys(arrivals):
            name = tr._("{group} : {label}").format(
                group=tr._("Arrivées"),
                label=poster_label(pack, tr, key, figures.posters.get(key)),
            )
            counts.append((name, partial(Tally.used, kind=kind, key=key)))
    if figures.used(pause_store.PAUSE):  # likewise for pauses
        counts.append((tr._("Mises en pause"), partial(Tally.used, kind=pause_store.PAUSE)))
    return columns + [(name, _cell(get)) for name, get in counts]


def figures_csv(figures: Figures, pack: Pack, tr: Translator) -> str:
    """One row per month and a last "Total" row; one column per figure, named in
    ``tr``'s language. French files use ``;`` between columns and a decimal comma, as a
    French spreadsheet expects. Counts from 1 to 4 read ``< 5``; delays are in hours,
    empty when too few requests were measured, ``≥ 2,5`` when requests still waiting
    could raise them. (Written with a byte-order mark: see :func:`csv_bytes`.)"""
    buffer = io.StringIO()
    writer = csv.writer(
        buffer, delimiter=";" if tr.language == "fr" else ",", lineterminator="\r\n"
    )
    columns = _columns(figures, pack, tr)
    writer.writerow([tr._("Mois"), *(name for name, _ in columns)])
    for month in figures.months:
        writer.writerow([tr.month(month.first_day), *(cell(month) for _, cell in columns)])
    writer.writerow([tr._("Total"), *(cell(figures) for _, cell in columns)])
    return buffer.getvalue()


def csv_bytes(text: str) -> bytes:
    """UTF-8 with a byte-order mark: spreadsheets then read the accents right."""
    return ("\ufeff" + text).encode("utf-8")


# --- files --------------------------------------------------------------------------


def _write(out_dir: Path, csv_text: str, png: bytes) -> list[Path]:
    out_dir.mkdir(parents=True, exist_ok=True)
    csv_path, png_path = out_dir / CSV_NAME, out_dir / CHART_NAME
    csv_path.write_bytes(csv_bytes(csv_text))
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
    *,
    now: dt.datetime | None = None,
) -> list[Path]:
    """Write ``report.csv`` and ``report.png`` for the period (``end`` included) into
    ``out_dir``, created if needed; return their paths. ``now``: when the figures stand
    (requests still waiting, events held), the present moment by default."""
    tr = (catalogs or Catalogs()).translator(language, pack.tz, pack.territory.address)
    figures = await monthly_figures(db, pack, start, end, now=now or dt.datetime.now(dt.UTC))
    csv_text = figures_csv(figures, pack, tr)
    # Drawing and writing block for a moment: keep the event loop free.
    png = await asyncio.to_thread(figures_chart_png, figures, pack, tr)
    return await asyncio.to_thread(_write, out_dir, csv_text, png)
