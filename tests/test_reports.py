"""The bilan: monthly figures in the territory's calendar, aggregates only."""

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
from bot.staff.reports import (
    Figures,
    figures_chart_png,
    figures_csv,
    monthly_figures,
    stats_text,
    write_report,
)
from bot.storage import Database
from bot.storage.requests import PastRequest, insert_past_requests
from bot.territory import Pack, content_root, load_pack

UTC = dt.UTC
YEAR = (dt.date(2026, 1, 1), dt.date(2026, 12, 31))

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
    figures = await monthly_figures(db, pack(territory), *YEAR)
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
    figures = await monthly_figures(db, pack("kremlin-bicetre"), *YEAR)
    totals = month_totals(figures)
    assert totals["2026-01"] == 1
    assert totals["2026-03"] == 0
    assert totals["2026-04"] == 1
    assert figures.total == 2


async def test_every_month_of_the_period_is_listed_even_without_requests(db: Database) -> None:
    await insert(db, request(at("2026-05-10T10:00:00")))
    figures = await monthly_figures(db, pack("kremlin-bicetre"), dt.date(2026, 3, 15), YEAR[1])
    assert [m.month for m in figures.months] == [f"2026-{n:02d}" for n in range(3, 13)]
    assert month_totals(figures)["2026-05"] == 1
    assert figures.months[0].time_to_claim.median is None


async def test_a_period_that_ends_before_it_starts_is_refused(db: Database) -> None:
    with pytest.raises(ValueError, match="before its start"):
        await monthly_figures(db, pack("dumbea"), dt.date(2026, 2, 1), dt.date(2026, 1, 1))


# --- breakdowns ------------------------------------------------------------------


async def test_requests_are_broken_down_by_each_dimension(db: Database) -> None:
    jan, feb = at("2026-01-10T10:00:00"), at("2026-02-10T10:00:00")
    await insert(
        db,
        request(jan, team="prevention", theme="sante", quartier="koutio", urgent=True),
        request(
            jan,
            team="prevention",
            theme="scolarite",
            channel="phone",
            state="closed",
            outcome="contacted",
            claimed_after=5,
            closed_after=60,
        ),
        request(
            jan,
            team="mediation",
            theme="conflit",
            quartier="koutio",
            state="claimed",
            claimed_after=30,
        ),
        request(feb, team="mediation", theme="logement", state="cancelled", closed_after=10),
    )
    figures = await monthly_figures(db, pack("dumbea"), *YEAR)
    jan_figures = figures.months[0]
    assert jan_figures.total == 3
    assert jan_figures.breakdown["team"] == {"prevention": 2, "mediation": 1}
    assert jan_figures.breakdown["theme"] == {"sante": 1, "scolarite": 1, "conflit": 1}
    assert jan_figures.breakdown["quartier"] == {"koutio": 2, "unknown": 1}
    assert jan_figures.breakdown["channel"] == {"telegram": 2, "phone": 1}
    assert jan_figures.breakdown["urgent"] == {"urgent": 1, "normal": 2}
    # Without an outcome, the state says where the request is.
    assert jan_figures.breakdown["outcome"] == {"open": 1, "contacted": 1, "claimed": 1}
    assert figures.months[1].breakdown["outcome"] == {"cancelled": 1}
    assert figures.total == 4
    assert figures.breakdown["team"] == {"prevention": 2, "mediation": 2}
    assert figures.count("urgent", "urgent") == 1


# --- delays ----------------------------------------------------------------------


async def test_median_and_90th_percentile_of_the_time_to_claim(db: Database) -> None:
    delays = [10, 20, 30, 40, 50, 60, 70, 80, 90, 100]
    start = at("2026-06-01T08:00:00")
    await insert(
        db,
        *(request(start, state="claimed", claimed_after=d) for d in reversed(delays)),
        request(start),  # not claimed yet: not measured
    )
    figures = await monthly_figures(db, pack("kremlin-bicetre"), *YEAR)
    june = figures.months[5]
    assert june.month == "2026-06"
    assert june.time_to_claim.count == 10
    assert june.time_to_claim.median == pytest.approx(55)
    assert june.time_to_claim.p90 == pytest.approx(91)  # as a spreadsheet's PERCENTILE
    assert june.time_to_claim.p90 == pytest.approx(
        statistics.quantiles(delays, n=10, method="inclusive")[8]
    )
    assert june.time_to_close.median is None
    assert figures.months[0].time_to_claim == figures.months[0].time_to_close


async def test_odd_counts_and_a_single_request(db: Database) -> None:
    await insert(
        db,
        *(request(at("2026-03-02T08:00:00"), state="claimed", claimed_after=d) for d in (7, 1, 3)),
        request(at("2026-04-02T08:00:00"), state="claimed", claimed_after=42),
    )
    figures = await monthly_figures(db, pack("dumbea"), *YEAR)
    march, april = figures.months[2], figures.months[3]
    assert (march.time_to_claim.median, march.time_to_claim.p90) == (3, pytest.approx(6.2))
    assert (april.time_to_claim.median, april.time_to_claim.p90) == (42, 42)


async def test_the_periods_delays_are_the_real_median_not_an_average(db: Database) -> None:
    jan = [request(at("2026-01-05T08:00:00"), state="claimed", claimed_after=d) for d in (1, 2)]
    feb = [request(at("2026-02-05T08:00:00"), state="claimed", claimed_after=100)]
    await insert(db, *jan, *feb)
    figures = await monthly_figures(db, pack("dumbea"), *YEAR)
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
    figures = await monthly_figures(db, pack("kremlin-bicetre"), *YEAR)
    september = figures.months[8]
    assert september.time_to_close.count == 2
    assert september.time_to_close.median == 180
    assert september.time_to_claim.median == 15


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
    return await monthly_figures(db, pack("kremlin-bicetre"), *YEAR)


def assert_anonymous(text: str) -> None:
    for secret in (PSEUDONYM, PHONE, "0612345678", DESCRIPTION, "Jean-Michel", REFERENCE):
        assert secret not in text


async def test_the_figures_hold_no_personal_data(db: Database) -> None:
    figures = await personal_fixture(db)
    assert_anonymous(repr(figures))  # what the chart and the message are drawn from


async def test_the_csv_is_a_tidy_table_without_personal_data(db: Database) -> None:
    figures = await personal_fixture(db)
    kb = pack("kremlin-bicetre")
    text = figures_csv(figures, kb, tr("kremlin-bicetre", "en"))
    assert_anonymous(text)
    rows = list(csv.DictReader(io.StringIO(text)))
    assert list(rows[0]) == ["month", "dimension", "value", "label", "count"]
    by_key = {(r["month"], r["dimension"], r["value"]): r for r in rows}
    assert by_key["2026-02", "total", "all"]["count"] == "2"
    feb_housing = by_key["2026-02", "team", "logement-cadre-de-vie"]
    assert feb_housing["label"] == "Housing & living environment"
    assert feb_housing["count"] == "1"
    # Every known value has its row, so the months line up in a pivot table.
    assert by_key["2026-01", "team", "socio-educatif"]["count"] == "0"
    assert by_key["2026-02", "quartier", "martinets-plateau"]["label"] == "Martinets-Le Plateau"
    assert by_key["2026-02", "quartier", "unknown"]["count"] == "1"
    assert by_key["2026-02", "theme", "conflit"]["count"] == "1"
    assert by_key["2026-03", "urgent", "urgent"]["count"] == "1"
    assert by_key["2026-02", "outcome", "contacted"]["count"] == "1"
    assert by_key["2026-02", "time_to_claim_median_min", ""]["count"] == "15"
    assert by_key["2026-02", "time_to_close_p90_min", ""]["count"] == "90"
    assert by_key["2026-03", "time_to_claim_median_min", ""]["count"] == ""
    # The whole period last, for the report's yearly figures.
    assert by_key["2026-01-01/2026-12-31", "total", "all"]["count"] == "3"
    assert {r["month"] for r in rows} == {
        *(f"2026-{n:02d}" for n in range(1, 13)),
        "2026-01-01/2026-12-31",
    }


async def test_a_french_csv_opens_in_a_french_spreadsheet(db: Database) -> None:
    figures = await personal_fixture(db)
    text = figures_csv(figures, pack("kremlin-bicetre"), tr("kremlin-bicetre", "fr"))
    assert text.splitlines()[0] == "month;dimension;value;label;count"
    rows = list(csv.DictReader(io.StringIO(text), delimiter=";"))
    labels = {r["value"]: r["label"] for r in rows if r["dimension"] == "team"}
    assert labels["logement-cadre-de-vie"] == "Logement et cadre de vie"


async def test_the_chart_is_a_png(db: Database) -> None:
    figures = await personal_fixture(db)
    for language in ("fr", "en"):
        png = figures_chart_png(figures, pack("kremlin-bicetre"), tr("kremlin-bicetre", language))
        assert png.startswith(b"\x89PNG\r\n\x1a\n")
        assert len(png) > 10_000


async def test_a_chart_of_an_empty_period_still_draws(db: Database) -> None:
    figures = await monthly_figures(db, pack("dumbea"), dt.date(2026, 1, 1), dt.date(2026, 1, 31))
    png = figures_chart_png(figures, pack("dumbea"), tr("dumbea"))
    assert png.startswith(b"\x89PNG")


async def test_the_stats_message_gives_the_totals(db: Database) -> None:
    figures = await personal_fixture(db)
    text = stats_text(figures, pack("kremlin-bicetre"), tr("kremlin-bicetre"))
    assert_anonymous(text)
    assert "<b>3</b> demandes, dont 1 urgente" in text
    assert "1 janvier 2026" in text
    assert "31 décembre 2026" in text
    assert "Prévention / santé : 2" in text
    assert "Logement et cadre de vie : 1" in text
    assert "Santé : 1" in text
    assert "Conflit de voisinage : 1" in text
    assert "Personne contactée : 1" in text
    assert "Prise en charge : médiane 15 min" in text
    assert "Clôture : médiane 1 h 30" in text


async def test_the_stats_message_escapes_pack_labels(db: Database) -> None:
    await insert(db, request(at("2026-02-03T09:00:00"), team="x", theme="<b>"))
    text = stats_text(
        await monthly_figures(db, pack("dumbea"), *YEAR), pack("dumbea"), tr("dumbea")
    )
    assert "&lt;b&gt; : 1" in text


async def test_the_stats_message_of_an_empty_period(db: Database) -> None:
    figures = await monthly_figures(db, pack("dumbea"), *YEAR)
    text = stats_text(figures, pack("dumbea"), tr("dumbea", "en"))
    assert "Aucune demande" in text or "No request" in text


async def test_write_report_writes_the_csv_and_the_chart(db: Database, tmp_path: Path) -> None:
    await personal_fixture(db)
    out = tmp_path / "report" / "2026"
    paths = await write_report(db, pack("kremlin-bicetre"), *YEAR, out, "fr", catalogs=catalogs())
    assert paths == [out / "report.csv", out / "report.png"]
    raw = paths[0].read_bytes()
    assert raw.startswith(b"\xef\xbb\xbfmonth;")  # a BOM: spreadsheets read it as UTF-8
    assert_anonymous(raw.decode("utf-8-sig"))
    assert paths[1].read_bytes().startswith(b"\x89PNG")


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
    figures = await monthly_figures(db, kb, *YEAR)
    assert len(figures.months) == 12
    assert figures.total == 10_000
    assert sum(m.total for m in figures.months) == 10_000
    for dimension in ("theme", "team", "quartier", "channel", "urgent", "outcome"):
        assert sum(figures.breakdown[dimension].values()) == 10_000
    claims = [r for r in rows if r.claimed_at]
    assert figures.time_to_claim.count == len(claims)
    median = figures.time_to_claim.median
    assert median is not None
    assert 250 < median < 350
    assert stats_text(figures, kb, tr("kremlin-bicetre")).count("\n") < 40
