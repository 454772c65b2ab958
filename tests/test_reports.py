"""The bilan: monthly figures in the territory's calendar, aggregates only, small counts
masked, delays that count the requests still waiting, French dates, a wide CSV for a
spreadsheet and a picture for a phone."""

from __future__ import annotations

import csv
import datetime as dt
import io
import random
import statistics
from collections.abc import AsyncIterator
from functools import cache
from pathlib import Path
from typing import Any

import pytest

from bot.i18n import Catalogs, Translator
from bot.staff.chart import chart
from bot.staff.reports import (
    Figures,
    csv_bytes,
    figures_chart_png,
    figures_csv,
    monthly_figures,
    stats_text,
    write_report,
)
from bot.staff.wording import duration
from bot.storage import Database
from bot.storage import attendance as attendance_store
from bot.storage import event_edits as event_edits_store
from bot.storage import events as events_store
from bot.storage import usage as usage_store
from bot.storage.requests import PastRequest, insert_past_requests
from bot.territory import Pack, content_root, load_pack

UTC = dt.UTC
YEAR = (dt.date(2026, 1, 1), dt.date(2026, 12, 31))
AFTER = dt.datetime(2027, 1, 5, 9, 0, tzinfo=UTC)
"""When the year's bilan is written: every request of the tests is older."""

# Personal data a request may hold: none of it may reach the figures.
PSEUDONYM = "pseudo-7f3a9c"
PHONE = "06 12 34 56 78"
DESCRIPTION = "Mon voisin Jean-Michel Dupré crie la nuit"
REFERENCE = "REF-QX42"


@cache
def pack(name: str) -> Pack:
    return load_pack(content_root() / name)


@cache
def catalogs() -> Catalogs:
    return Catalogs()


def tr(name: str, language: str = "fr") -> Translator:
    return catalogs().translator(language, pack(name).tz)


@pytest.fixture
async def db(tmp_path: Path) -> AsyncIterator[Database]:
    database = Database(tmp_path / "x.sqlite3")
    await database.open()
    yield database
    await database.close()


def at(text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(text).replace(tzinfo=UTC)


_counter = iter(range(1, 10**9))


def request(
    created: dt.datetime,
    *,
    claimed_after: float | None = None,
    closed_after: float | None = None,
    reference: str | None = None,
    **fields: Any,
) -> PastRequest:
    """A request of the past; delays in minutes after ``created``."""

    def later(minutes: float | None) -> dt.datetime | None:
        return None if minutes is None else created + dt.timedelta(minutes=minutes)

    fields.setdefault("team", "prevention-sante")
    fields.setdefault("theme", "sante")
    return PastRequest(
        reference=reference or f"R{next(_counter):06d}",
        created_at=created,
        claimed_at=later(claimed_after),
        closed_at=later(closed_after),
        **fields,
    )


async def insert(db: Database, *rows: PastRequest) -> None:
    await insert_past_requests(db, list(rows))


async def figures_of(
    db: Database,
    territory: str,
    start: dt.date = YEAR[0],
    end: dt.date = YEAR[1],
    now: dt.datetime = AFTER,
) -> Figures:
    return await monthly_figures(db, pack(territory), start, end, now=now)


def png_size(png: bytes) -> tuple[int, int]:
    """Width and height from the PNG's header."""
    return int.from_bytes(png[16:20], "big"), int.from_bytes(png[20:24], "big")


def chart_texts(figures: Figures, territory: str) -> list[str]:
    from matplotlib.text import Text

    drawn = chart(figures, pack(territory), tr(territory))
    return [t.get_text() for t in drawn.findobj(Text) if t.get_text()]


def message(figures: Figures, territory: str = "kremlin-bicetre") -> str:
    """The /stats message, its narrow no-break spaces (``2 046``, ``50 %``) read as spaces."""
    text = stats_text(figures, pack(territory), tr(territory))
    return text.replace("\u202f", " ").replace("\xa0", " ")


def csv_rows(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text), delimiter=";"))


def month_totals(figures: Figures) -> dict[str, int]:
    return {m.month: m.total for m in figures.months}


# --- months in the territory's calendar ------------------------------------------


@pytest.mark.parametrize(
    ("territory", "month"), [("kremlin-bicetre", "2026-01"), ("dumbea", "2026-02")]
)
async def test_a_late_evening_request_counts_in_the_territorys_month(
    db: Database, territory: str, month: str
) -> None:
    # 22:30 UTC on 31 January: 23:30 in Paris, 09:30 on 1 February in Nouméa.
    await insert(db, request(at("2026-01-31T22:30:00"), team="x", theme="sante"))
    figures = await figures_of(db, territory)
    assert [m.month for m in figures.months if m.total] == [month]
    assert figures.total == 1


async def test_months_follow_daylight_saving_time(db: Database) -> None:
    await insert(
        db,
        # 00:30 on 1 April in Paris (summer time, UTC+2): April, not March.
        request(at("2026-03-31T22:30:00")),
        # 00:30 on 1 January 2026 in Paris: inside the year.
        request(at("2025-12-31T23:30:00")),
        # 00:30 on 1 January 2027 in Paris: outside it.
        request(at("2026-12-31T23:30:00")),
    )
    figures = await figures_of(db, "kremlin-bicetre")
    totals = month_totals(figures)
    assert totals["2026-01"] == 1
    assert totals["2026-03"] == 0
    assert totals["2026-04"] == 1
    assert figures.total == 2


async def test_every_month_of_the_period_is_listed_even_without_requests(db: Database) -> None:
    await insert(db, request(at("2026-05-10T10:00:00")))
    figures = await figures_of(db, "kremlin-bicetre", dt.date(2026, 3, 15))
    assert [m.month for m in figures.months] == [f"2026-{n:02d}" for n in range(3, 13)]
    assert month_totals(figures)["2026-05"] == 1
    assert figures.months[0].time_to_claim.median is None


async def test_a_period_that_ends_before_it_starts_is_refused(db: Database) -> None:
    with pytest.raises(ValueError, match="before its start"):
        await figures_of(db, "dumbea", dt.date(2026, 2, 1), dt.date(2026, 1, 1))


# --- breakdowns ------------------------------------------------------------------


async def test_requests_are_broken_down_by_each_dimension(db: Database) -> None:
    jan, feb = at("2026-01-10T10:00:00"), at("2026-02-10T10:00:00")
    await insert(
        db,
        request(jan, team="prevention", theme="sante", quartier="koutio", urgent=True,
                profile="young"),
        request(jan, team="prevention", theme="scolarite", channel="phone", state="closed",
                outcome="contacted", claimed_after=5, closed_after=60, profile="parent",
                rating="good"),
        request(jan, team="mediation", theme="conflit", quartier="koutio", state="claimed",
                claimed_after=30, profile="young"),
        request(feb, team="mediation", theme="logement", state="cancelled", closed_after=10),
    )  # fmt: skip
    figures = await figures_of(db, "dumbea")
    jan_figures = figures.months[0]
    assert jan_figures.total == 3
    assert jan_figures.breakdown["team"] == {"prevention": 2, "mediation": 1}
    assert jan_figures.breakdown["theme"] == {"sante": 1, "scolarite": 1, "conflit": 1}
    assert jan_figures.breakdown["quartier"] == {"koutio": 2, "unknown": 1}
    assert jan_figures.breakdown["channel"] == {"telegram": 2, "phone": 1}
    assert jan_figures.breakdown["urgent"] == {"urgent": 1, "normal": 2}
    assert jan_figures.breakdown["profile"] == {"young": 2, "parent": 1}
    assert jan_figures.breakdown["rating"] == {"good": 1}  # only the rated ones
    # Without an outcome, the state says where the request is.
    assert jan_figures.breakdown["outcome"] == {"open": 1, "contacted": 1, "claimed": 1}
    assert figures.months[1].breakdown["outcome"] == {"cancelled": 1}
    assert figures.months[1].breakdown["profile"] == {"unknown": 1}
    assert figures.total == 4
    assert figures.breakdown["team"] == {"prevention": 2, "mediation": 2}
    assert figures.count("urgent", "urgent") == 1


# --- delays ----------------------------------------------------------------------


async def test_median_and_90th_percentile_of_the_time_to_claim(db: Database) -> None:
    delays = [10, 20, 30, 40, 50, 60, 70, 80, 90, 100]
    start = at("2026-06-01T08:00:00")
    await insert(db, *(request(start, state="claimed", claimed_after=d) for d in reversed(delays)))
    figures = await figures_of(db, "kremlin-bicetre")
    june = figures.months[5]
    assert june.month == "2026-06"
    assert june.time_to_claim.count == 10
    assert june.time_to_claim.median == pytest.approx(55)
    assert june.time_to_claim.p90 == pytest.approx(91)  # as a spreadsheet's PERCENTILE
    assert june.time_to_claim.p90 == pytest.approx(
        statistics.quantiles(delays, n=10, method="inclusive")[8]
    )
    assert (june.time_to_claim.median_exact, june.time_to_claim.p90_exact) == (True, True)
    # None is closed yet: all ten wait for it, counted with their wait so far.
    assert june.time_to_close.waiting == 10
    assert not june.time_to_close.median_exact
    assert figures.months[0].time_to_claim == figures.months[0].time_to_close


async def test_requests_still_waiting_count_in_the_delays_with_their_wait_so_far(
    db: Database,
) -> None:
    start = at("2026-06-01T08:00:00")
    now = at("2026-06-02T08:00:00")
    await insert(
        db,
        *(request(start, state="claimed", claimed_after=d) for d in range(10, 101, 10)),
        request(start),  # nobody has called them back yet: a day so far
        request(start),
        request(start, state="cancelled", closed_after=5),  # withdrawn: says nothing
    )
    figures = await figures_of(db, "kremlin-bicetre", now=now)
    claim = figures.time_to_claim
    assert (claim.count, claim.waiting) == (12, 2)
    assert claim.median == pytest.approx(65)  # above the 55 of the ten answered alone
    assert claim.median_exact  # both waiting ones are beyond it: they cannot move it
    # The 90th percentile reaches into the waiting ones: only a lower bound.
    assert claim.p90 == pytest.approx(100 + (1440 - 100) * 0.9)
    assert not claim.p90_exact
    text = message(figures, "kremlin-bicetre")
    assert "médiane 1 h 05" in text
    assert "au moins 21 h 46 pour 9 demandes sur 10" in text
    assert "sur 12 demandes, dont &lt; 5 encore en attente" in text


async def test_a_median_reached_by_waiting_requests_is_said_as_a_lower_bound(
    db: Database,
) -> None:
    start = at("2026-06-01T08:00:00")
    await insert(db, request(start, state="claimed", claimed_after=30),
                 *(request(start) for _ in range(5)))  # fmt: skip
    figures = await figures_of(db, "kremlin-bicetre", now=start + dt.timedelta(hours=3))
    assert not figures.time_to_claim.median_exact
    text = message(figures, "kremlin-bicetre")
    assert "médiane d'au moins 3 h" in text
    assert "9 demandes sur 10" not in text  # six requests: no "9 out of 10"


async def test_odd_counts_and_a_single_request(db: Database) -> None:
    await insert(
        db,
        *(request(at("2026-03-02T08:00:00"), state="claimed", claimed_after=d) for d in (7, 1, 3)),
        request(at("2026-04-02T08:00:00"), state="claimed", claimed_after=42),
    )
    figures = await figures_of(db, "dumbea")
    march, april = figures.months[2], figures.months[3]
    assert (march.time_to_claim.median, march.time_to_claim.p90) == (3, pytest.approx(6.2))
    assert (april.time_to_claim.median, april.time_to_claim.p90) == (42, 42)


async def test_the_periods_delays_are_the_real_median_not_an_average(db: Database) -> None:
    jan = [request(at("2026-01-05T08:00:00"), state="claimed", claimed_after=d) for d in (1, 2)]
    feb = [request(at("2026-02-05T08:00:00"), state="claimed", claimed_after=100)]
    await insert(db, *jan, *feb)
    figures = await figures_of(db, "dumbea")
    assert figures.time_to_claim.count == 3
    assert figures.time_to_claim.median == 2


async def test_time_to_close_counts_the_closed_requests_not_the_cancelled(
    db: Database,
) -> None:
    day = at("2026-09-01T12:00:00")
    await insert(
        db,
        request(day, state="closed", outcome="oriented", claimed_after=10, closed_after=120),
        request(day, state="closed", outcome="no_answer", claimed_after=20, closed_after=240),
        request(day, state="cancelled", closed_after=1),
    )
    figures = await figures_of(db, "kremlin-bicetre")
    september = figures.months[8]
    assert september.time_to_close.count == 2
    assert september.time_to_close.median == 180
    assert september.time_to_claim.median == 15


# --- what a coordinator reads ----------------------------------------------------


async def test_a_single_request_makes_no_percentile_claim(db: Database) -> None:
    # Claimed 20 seconds after it was made: once read "9 demandes sur 10 en moins de 0 min".
    created = at("2026-03-02T08:00:00")
    await insert(db, request(created, state="claimed", claimed_after=1 / 3))
    text = message(await figures_of(db, "dumbea"), "dumbea")
    assert "9 demandes sur 10" not in text
    assert "0 min" not in text
    assert "médiane" not in text
    assert "trop peu de demandes (moins de 5)" in text
    assert "Demandes de rappel : &lt; 5" in text


async def test_delays_under_a_minute_are_said_in_words(db: Database) -> None:
    created = at("2026-03-02T08:00:00")
    await insert(db, *(request(created, state="claimed", claimed_after=1 / 3) for _ in range(10)))
    text = message(await figures_of(db, "dumbea"), "dumbea")
    assert "médiane moins d'une minute · 9 demandes sur 10 en moins d'une minute" in text


def test_delays_read_as_a_coordinator_says_them() -> None:
    fr = tr("dumbea")
    assert duration(0.4, fr) == "moins d'une minute"
    assert duration(45, fr) == "45 min"
    assert duration(130, fr) == "2 h 10"
    assert duration(120, fr) == "2 h"
    assert duration(3 * 24 * 60 + 100, fr) == "3 jours"


async def test_no_data_yet_is_said_rather_than_zeros(db: Database) -> None:
    figures = await figures_of(db, "dumbea")
    text = message(figures, "dumbea")
    assert "Pas encore de données sur cette période." in text
    assert "0 min" not in text
    await usage_store.count(db, dt.date(2026, 5, 4), usage_store.ANSWER, "sante", 7)
    text = message(await figures_of(db, "dumbea"), "dumbea")
    assert "Demandes de rappel : 0" in text
    assert "Questions posées au bot : 7" in text
    assert "Premier contact" not in text  # no request: no delay to speak of


@pytest.mark.parametrize(("language", "first", "last"), [
    ("fr", "1er janvier 2026", "31 décembre 2026"),
    ("en", "1 January 2026", "31 December 2026"),
])  # fmt: skip
def test_dates_are_written_as_in_the_readers_language(
    language: str, first: str, last: str
) -> None:
    words = tr("kremlin-bicetre", language)
    assert words.date(dt.date(2026, 1, 1)) == first
    assert words.date(dt.date(2026, 12, 31)) == last


def test_a_french_period_is_said_with_the_first_of_the_month() -> None:
    fr = tr("kremlin-bicetre")
    assert fr.period(*YEAR) == "du 1er janvier au 31 décembre 2026"
    assert fr.period(dt.date(2026, 3, 1), dt.date(2026, 3, 31)) == "du 1er au 31 mars 2026"
    assert fr.period(dt.date(2025, 9, 1), dt.date(2026, 6, 30)) == (
        "du 1er septembre 2025 au 30 juin 2026"
    )


async def test_the_stats_message_gives_the_years_figures(db: Database) -> None:
    day = at("2026-02-03T09:00:00")
    await insert(
        db,
        *(request(day, team="logement-cadre-de-vie", theme="logement", state="closed",
                  outcome="contacted", claimed_after=15, closed_after=90, rating="good")
          for _ in range(6)),
        *(request(day, theme="conflit", quartier="martinets-plateau", urgent=True)
          for _ in range(5)),
        request(day, state="closed", outcome="oriented", claimed_after=15, closed_after=90,
                rating="bad"),
    )  # fmt: skip
    text = message(await figures_of(db, "kremlin-bicetre"))
    assert "Bilan du 1er janvier au 31 décembre 2026" in text
    assert "Demandes de rappel : 12</b>, dont 5 urgentes" in text
    assert "Par mois : janv. 0 · févr. 12 · mars 0" in text
    assert "Logement et cadre de vie : 6 (50 %)" in text
    assert "Prévention / santé : 6 (50 %)" in text
    assert "Conflit de voisinage : 5" in text
    assert "Martinets-Le Plateau : 5" in text
    assert "Personne contactée : 6" in text
    assert "Orientée vers un partenaire : &lt; 5" in text
    assert "Premier contact" in text and "sur 12 demandes, dont 5 encore en attente" in text
    assert "😊 Bien 6 · 🙁 Pas bien &lt; 5" in text
    assert "Par public" not in text  # Le Kremlin-Bicêtre does not ask who is writing


async def test_the_stats_message_escapes_pack_labels(db: Database) -> None:
    await insert(db, request(at("2026-02-03T09:00:00"), team="x", theme="<b>"))
    text = message(await figures_of(db, "dumbea"), "dumbea")
    assert "&lt;b&gt; : &lt; 5" in text


# --- small counts ----------------------------------------------------------------


async def small_and_large(db: Database) -> Figures:
    day = at("2026-04-07T09:00:00")
    await insert(
        db,
        *(request(day, team="socio-educatif", theme="scolarite") for _ in range(3)),
        *(request(day, team="prevention-sante", theme="sante") for _ in range(7)),
    )
    return await figures_of(db, "kremlin-bicetre")


async def test_counts_under_five_read_less_than_five_in_the_message(db: Database) -> None:
    text = message(await small_and_large(db), "kremlin-bicetre")
    assert "Socio-éducatif : &lt; 5" in text
    assert "Socio-éducatif : 3" not in text
    assert "Prévention / santé : 7 (70 %)" in text
    assert "(30 %)" not in text  # a share would give the small count away


async def test_counts_under_five_read_less_than_five_in_the_csv(db: Database) -> None:
    figures = await small_and_large(db)
    rows = csv_rows(figures_csv(figures, pack("kremlin-bicetre"), tr("kremlin-bicetre")))
    april, total = rows[3], rows[-1]
    assert april["Équipe : Socio-éducatif"] == "< 5"
    assert april["Équipe : Prévention / santé"] == "7"
    assert total["Thème : École, formation, emploi"] == "< 5"
    assert rows[0]["Équipe : Socio-éducatif"] == "0"  # nothing stays 0


async def test_counts_under_five_read_less_than_five_on_the_chart(db: Database) -> None:
    figures = await small_and_large(db)
    texts = chart_texts(figures, "kremlin-bicetre")
    assert "< 5" in texts and "7" in texts and "10" in texts
    assert "3" not in texts
    # And the bar does not give it away: a small count is drawn at one fixed height.
    drawn = chart(figures, pack("kremlin-bicetre"), tr("kremlin-bicetre"))
    themes = drawn.axes[1]
    widths = sorted(round(p.get_width(), 2) for p in themes.patches)
    assert widths == [2.5, 7.0]


# --- what leaves: CSV, chart, message --------------------------------------------


async def personal_fixture(db: Database) -> Figures:
    await insert(
        db,
        request(
            at("2026-02-03T09:00:00"),
            team="logement-cadre-de-vie",
            theme="logement",
            quartier="martinets-plateau",
            channel="phone",
            state="closed",
            outcome="contacted",
            claimed_after=15,
            closed_after=90,
            pseudonym=PSEUDONYM,
            phone=PHONE,
            description=DESCRIPTION,
            reference=REFERENCE,
        ),
        request(at("2026-02-04T09:00:00"), theme="conflit", pseudonym=PSEUDONYM),
        request(at("2026-03-04T09:00:00"), urgent=True),
    )
    return await figures_of(db, "kremlin-bicetre")


def assert_anonymous(text: str) -> None:
    for secret in (PSEUDONYM, PHONE, "0612345678", DESCRIPTION, "Jean-Michel", REFERENCE):
        assert secret not in text


async def test_the_figures_hold_no_personal_data(db: Database) -> None:
    figures = await personal_fixture(db)
    assert_anonymous(repr(figures))  # what the chart and the message are drawn from
    assert_anonymous(message(figures, "kremlin-bicetre"))
    assert_anonymous(" ".join(chart_texts(figures, "kremlin-bicetre")))


async def test_the_csv_is_wide_in_french_for_a_spreadsheet(db: Database) -> None:
    day = at("2026-02-03T09:00:00")
    await insert(db, *(request(day, state="claimed", claimed_after=30) for _ in range(10)))
    await usage_store.count(db, dt.date(2026, 2, 3), usage_store.ANSWER, "sante", 6)
    await usage_store.count(db, dt.date(2026, 2, 3), usage_store.CRISIS, "urgent", 1)
    figures = await figures_of(db, "kremlin-bicetre")
    text = figures_csv(figures, pack("kremlin-bicetre"), tr("kremlin-bicetre"))
    lines = text.splitlines()
    assert len(lines) == 1 + 12 + 1  # the names, a row per month, the total
    header = lines[0].split(";")
    assert header[:3] == ["Mois", "Demandes", "Demandes urgentes"]
    assert {"Équipe : Prévention / santé", "Thème : Santé", "Premier contact, médiane (heures)",
            "Réponses données : Santé", "« Je ne sais pas »", "Cartes de crise urgentes",
            "Événements tenus", "Inscriptions", "Restées en liste d'attente", "Présent·es",
            "Absent·es"} <= set(header)  # fmt: skip
    assert not any(name.startswith(("month", "dimension", "count")) for name in header)
    # Values no request had all year get no column: no sea of zeros.
    assert "Équipe : Socio-éducatif" not in header
    rows = csv_rows(text)
    assert [r["Mois"] for r in rows] == [
        "janvier 2026", "février 2026", "mars 2026", "avril 2026", "mai 2026", "juin 2026",
        "juillet 2026", "août 2026", "septembre 2026", "octobre 2026", "novembre 2026",
        "décembre 2026", "Total",
    ]  # fmt: skip
    february, total = rows[1], rows[-1]
    assert february["Demandes"] == total["Demandes"] == "10"
    assert february["Premier contact, médiane (heures)"] == "0,5"  # a decimal comma
    assert february["Réponses données : Santé"] == "6"
    assert february["Cartes de crise urgentes"] == "< 5"
    assert rows[0]["Premier contact, médiane (heures)"] == ""  # nothing measured
    assert csv_bytes(text).startswith(b"\xef\xbb\xbfMois;Demandes;")  # a BOM: UTF-8 for Excel


async def test_the_csv_holds_no_personal_data(db: Database) -> None:
    figures = await personal_fixture(db)
    assert_anonymous(figures_csv(figures, pack("kremlin-bicetre"), tr("kremlin-bicetre")))


async def test_the_chart_is_a_phone_sized_png(db: Database) -> None:
    figures = await personal_fixture(db)
    for language in ("fr", "en"):
        png = figures_chart_png(figures, pack("kremlin-bicetre"), tr("kremlin-bicetre", language))
        assert png.startswith(b"\x89PNG\r\n\x1a\n")
        assert png_size(png) == (1080, 1350)  # a phone's width, a portrait shown whole


async def test_a_chart_of_an_empty_period_says_so_without_axes(db: Database) -> None:
    figures = await figures_of(db, "dumbea", dt.date(2026, 1, 1), dt.date(2026, 1, 31))
    drawn = chart(figures, pack("dumbea"), tr("dumbea"))
    assert drawn.axes == []  # no axis at all, so no negative one
    assert "Pas encore de données sur cette période." in chart_texts(figures, "dumbea")
    assert "du 1er au 31 janvier 2026" in chart_texts(figures, "dumbea")
    assert figures_chart_png(figures, pack("dumbea"), tr("dumbea")).startswith(b"\x89PNG")


async def test_the_charts_axes_never_go_below_zero(db: Database) -> None:
    figures = await small_and_large(db)
    drawn = chart(figures, pack("kremlin-bicetre"), tr("kremlin-bicetre"))
    months, themes = drawn.axes  # bars up from 0, bars right from 0
    assert months.get_ylim()[0] == 0
    assert themes.get_xlim()[0] == 0


async def test_write_report_writes_the_csv_and_the_chart(db: Database, tmp_path: Path) -> None:
    await personal_fixture(db)
    out = tmp_path / "report" / "2026"
    paths = await write_report(
        db, pack("kremlin-bicetre"), *YEAR, out, "fr", catalogs=catalogs(), now=AFTER
    )
    assert paths == [out / "report.csv", out / "report.png"]
    raw = paths[0].read_bytes()
    assert raw.startswith(b"\xef\xbb\xbfMois;")  # a BOM: spreadsheets read it as UTF-8
    assert_anonymous(raw.decode("utf-8-sig"))
    assert png_size(paths[1].read_bytes()) == (1080, 1350)


# --- what the bot did, and the events --------------------------------------------


async def test_the_bots_day_counts_add_up_per_month_and_theme(db: Database) -> None:
    await usage_store.count(db, dt.date(2026, 3, 31), usage_store.ANSWER, "sante")
    await usage_store.count(db, dt.date(2026, 3, 1), usage_store.ANSWER, "sante", 6)
    await usage_store.count(db, dt.date(2026, 4, 1), usage_store.ANSWER, "logement", 2)
    await usage_store.count(db, dt.date(2026, 4, 2), usage_store.UNKNOWN, "")
    await usage_store.count(db, dt.date(2026, 4, 2), usage_store.CRISIS, "concern", 5)
    await usage_store.count(db, dt.date(2027, 1, 1), usage_store.ANSWER, "sante")  # outside
    figures = await figures_of(db, "kremlin-bicetre")
    march, april = figures.months[2], figures.months[3]
    assert march.usage == {"answer": {"sante": 7}}
    assert april.used("answer") == 2 and april.used("unknown", "none") == 1
    assert figures.used("answer") == 9
    assert figures.used("crisis", "concern") == 5
    text = message(figures, "kremlin-bicetre")
    assert "Questions posées au bot : 10" in text
    assert "Réponses données : 9 — Santé 7 · Logement &lt; 5" in text
    assert "« Je ne sais pas » : &lt; 5" in text
    assert "Cartes de crise montrées : 5" in text
    assert "De vigilance (sécurité demandée) : 5" in text


async def test_events_held_sign_ups_waiting_lists_and_attendance(db: Database) -> None:
    published = at("2026-05-01T08:00:00")

    async def event(starts: dt.datetime, capacity: int | None = 2) -> int:
        return await event_edits_store.create_event(
            db, kind="workshop", title_fr="Atelier", title_en=None, place="Centre social",
            quartier=None, starts_at=starts, ends_at=None, capacity=capacity, deadline=None,
            now=published,
        )  # fmt: skip

    held = await event(at("2026-06-10T14:00:00"))
    taken = [await events_store.sign_up(db, held, f"p{i}", published) for i in range(3)]
    assert [t.state for t in taken] == ["confirmed", "confirmed", "waitlisted"]
    await attendance_store.set_attended(db, taken[0].registration_id, True, published)
    await attendance_store.set_attended(db, taken[1].registration_id, False, published)
    cancelled = await event(at("2026-06-20T14:00:00"))
    await events_store.sign_up(db, cancelled, "p9", published)
    await events_store.cancel_event(db, cancelled)
    later = await event(at("2026-12-20T14:00:00"))  # not held yet when the bilan is made
    await events_store.sign_up(db, later, "p8", published)
    figures = await figures_of(db, "kremlin-bicetre", now=at("2026-12-01T00:00:00"))
    june = figures.months[5]
    assert (june.events.held, june.events.signups, june.events.waitlisted) == (1, 2, 1)
    assert (june.events.present, june.events.absent, june.events.unmarked) == (1, 1, 0)
    assert figures.events == june.events
    assert figures.months[11].events.held == 0
    rows = csv_rows(figures_csv(figures, pack("kremlin-bicetre"), tr("kremlin-bicetre")))
    assert (rows[5]["Événements tenus"], rows[5]["Inscriptions"]) == ("< 5", "< 5")
    text = message(figures, "kremlin-bicetre")
    assert "Événements tenus : &lt; 5" in text
    assert "Inscriptions : &lt; 5 · restées en liste d'attente : &lt; 5" in text


# --- a year of a busy service ----------------------------------------------------


async def test_a_year_of_ten_thousand_requests(db: Database) -> None:
    kb = pack("kremlin-bicetre")
    rng = random.Random(2026)
    teams = [t.id for t in kb.teams.teams]
    themes = [t.id for t in kb.themes.themes]
    quartiers = [q.id for q in kb.places.quartiers]
    start = at("2026-01-01T00:00:00")
    rows = []
    for _ in range(10_000):
        created = start + dt.timedelta(minutes=rng.randrange(365 * 24 * 60 - 120))
        fate = rng.random()
        claimed = rng.uniform(1, 600) if fate < 0.8 else None
        closed = claimed + rng.uniform(5, 3000) if claimed is not None and fate < 0.6 else None
        rows.append(
            request(
                created,
                team=rng.choice(teams),
                theme=rng.choice(themes),
                quartier=rng.choice([*quartiers, None]),
                urgent=rng.random() < 0.1,
                state="closed" if closed else "claimed" if claimed else "open",
                outcome=rng.choice(["contacted", "oriented", "no_answer"]) if closed else None,
                claimed_after=claimed,
                closed_after=closed,
            )
        )
    await insert(db, *rows)
    figures = await figures_of(db, "kremlin-bicetre")
    assert len(figures.months) == 12
    assert figures.total == 10_000
    assert sum(m.total for m in figures.months) == 10_000
    for dimension in ("theme", "team", "quartier", "channel", "urgent", "outcome", "profile"):
        assert sum(figures.breakdown[dimension].values()) == 10_000
    # The claimed ones, and the open ones with their wait so far.
    assert figures.time_to_claim.count == 10_000
    assert figures.time_to_claim.waiting == sum(r.claimed_at is None for r in rows)
    claims = sorted((r.claimed_at - r.created_at).total_seconds() / 60 for r in rows
                    if r.claimed_at is not None)  # fmt: skip
    median = figures.time_to_claim.median
    assert median is not None
    assert median >= claims[len(claims) // 2]  # the waiting ones only push it up
    text = message(figures)
    assert len(text) < 4096  # one Telegram message
