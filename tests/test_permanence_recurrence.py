"""Reading how a permanence recurs, in French and English words (bot/permanences/recurrence)."""

from __future__ import annotations

import datetime as dt
from gettext import NullTranslations
from zoneinfo import ZoneInfo

import pytest

from bot.i18n import Translator
from bot.permanences.recurrence import (
    Recurrence,
    RecurrenceProblem,
    describe,
    parse_period,
    parse_recurrence,
    problem_text,
)

TZ = ZoneInfo("Europe/Paris")
TODAY = dt.date(2026, 11, 23)
FR = Translator("fr", NullTranslations(), TZ)
H14_17 = (dt.time(14), dt.time(17))


def read(text: str) -> Recurrence:
    found = parse_recurrence(text, TODAY, TZ)
    assert isinstance(found, Recurrence), found
    return found


@pytest.mark.parametrize(
    ("text", "rule", "hours"),
    [
        ("tous les mercredis de 14h à 17h", "FREQ=WEEKLY;BYDAY=WE", H14_17),
        ("le mercredi 14h-17h", "FREQ=WEEKLY;BYDAY=WE", H14_17),
        ("Mercredi, 14h – 17h", "FREQ=WEEKLY;BYDAY=WE", H14_17),
        ("chaque mercredi de 14 h à 17 h", "FREQ=WEEKLY;BYDAY=WE", H14_17),
        ("un mercredi sur deux", "FREQ=WEEKLY;INTERVAL=2;BYDAY=WE", None),
        ("un mercredi sur 2 de 9h30 à 12h", "FREQ=WEEKLY;INTERVAL=2;BYDAY=WE",
         (dt.time(9, 30), dt.time(12))),
        ("tous les 15 jours le mercredi", "FREQ=WEEKLY;INTERVAL=2;BYDAY=WE", None),
        ("toutes les deux semaines le jeudi 14:00-17:00", "FREQ=WEEKLY;INTERVAL=2;BYDAY=TH",
         H14_17),
        ("une semaine sur deux, le mardi", "FREQ=WEEKLY;INTERVAL=2;BYDAY=TU", None),
        ("le premier mardi du mois", "FREQ=MONTHLY;BYDAY=1TU", None),
        ("le 1er mardi de chaque mois 14h-17h", "FREQ=MONTHLY;BYDAY=1TU", H14_17),
        ("le dernier vendredi du mois", "FREQ=MONTHLY;BYDAY=-1FR", None),
        ("le premier et le troisième mardi du mois", "FREQ=MONTHLY;BYDAY=1TU,3TU", None),
        ("lundi et jeudi 9h-12h", "FREQ=WEEKLY;BYDAY=MO,TH", (dt.time(9), dt.time(12))),
        ("les lundis, mercredis et vendredis", "FREQ=WEEKLY;BYDAY=MO,WE,FR", None),
        ("du lundi au vendredi 9h-12h", "FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR",
         (dt.time(9), dt.time(12))),
        ("every Wednesday 2pm-5pm", "FREQ=WEEKLY;BYDAY=WE", H14_17),
        ("every other Wednesday from 2 to 5pm", "FREQ=WEEKLY;INTERVAL=2;BYDAY=WE", H14_17),
        ("every 2 weeks on Thursday", "FREQ=WEEKLY;INTERVAL=2;BYDAY=TH", None),
        ("first Tuesday of the month 9:30-12:00", "FREQ=MONTHLY;BYDAY=1TU",
         (dt.time(9, 30), dt.time(12))),
        ("the last Friday of each month", "FREQ=MONTHLY;BYDAY=-1FR", None),
        ("every second Tuesday of the month", "FREQ=MONTHLY;BYDAY=2TU", None),
        ("Mondays and Thursdays 9am-12pm", "FREQ=WEEKLY;BYDAY=MO,TH", (dt.time(9), dt.time(12))),
    ],
)  # fmt: skip
def test_phrasings_are_read_as_rules(
    text: str, rule: str, hours: tuple[dt.time, dt.time] | None
) -> None:
    found = read(text)
    assert (found.rrule, found.hours) == (rule, hours)


def test_start_and_end_in_words_or_digits() -> None:
    found = read("tous les mercredis de 14h à 17h à partir du 5 janvier jusqu'au 30 juin")
    assert (found.start, found.until) == (dt.date(2027, 1, 5), dt.date(2027, 6, 30))
    found = read("du 05/01 au 30/06/2027 le mercredi")
    assert (found.start, found.until) == (dt.date(2027, 1, 5), dt.date(2027, 6, 30))
    assert read("le mardi jusqu'au 31/12").until == dt.date(2026, 12, 31)


@pytest.mark.parametrize(
    ("text", "reason", "words"),
    [
        ("tous les mercredis sauf pendant les vacances", "unknown", "sauf pendant vacances"),
        ("Bonjour", "unknown", "Bonjour"),
        ("à partir du 5 janvier", "no_day", ""),
        ("mercredi 17h-14h", "hours", "17h-14h"),
        ("mercredi 25h-26h", "hours", "25h-26h"),
        ("tous les mercredis à 14h", "hours", "14h"),
        ("le mercredi du 30 juin au 5 janvier 2026", "until", ""),
    ],
)
def test_what_is_not_understood_is_named(text: str, reason: str, words: str) -> None:
    found = parse_recurrence(text, TODAY, TZ)
    assert found == RecurrenceProblem(reason, words)
    assert problem_text(found, FR)


def test_the_coordinator_is_told_the_words_not_understood() -> None:
    found = parse_recurrence("le mercredi sauf l'été", TODAY, TZ)
    assert isinstance(found, RecurrenceProblem)
    assert "Je n'ai pas compris « sauf l'été »" in problem_text(found, FR)


@pytest.mark.parametrize(
    ("text", "period"),
    [
        ("à partir du 5 janvier", (dt.date(2027, 1, 5), None)),
        ("jusqu'au 30 juin", (None, dt.date(2027, 6, 30))),
        ("du 05/01 au 30/06", (dt.date(2027, 1, 5), dt.date(2027, 6, 30))),
        ("dès maintenant, sans fin", (None, None)),
        ("from 5 January until 30 June", (dt.date(2027, 1, 5), dt.date(2027, 6, 30))),
    ],
)
def test_a_period_alone(text: str, period: tuple[dt.date | None, dt.date | None]) -> None:
    assert parse_period(text, TODAY, TZ) == period


def test_a_period_refuses_other_words() -> None:
    assert isinstance(parse_period("le mercredi", TODAY, TZ), RecurrenceProblem)
    assert isinstance(parse_period("bientôt", TODAY, TZ), RecurrenceProblem)


@pytest.mark.parametrize(
    ("rule", "words"),
    [
        ("FREQ=WEEKLY;BYDAY=WE", "chaque mercredi"),
        ("FREQ=WEEKLY;BYDAY=MO,TH", "chaque lundi et jeudi"),
        ("FREQ=WEEKLY;INTERVAL=2;BYDAY=WE", "le mercredi, toutes les 2 semaines"),
        ("FREQ=MONTHLY;BYDAY=1TU", "le premier mardi du mois"),
        ("FREQ=MONTHLY;BYDAY=1TU,3TU", "le premier et troisième mardi du mois"),
        ("FREQ=MONTHLY;BYDAY=-1FR", "le dernier vendredi du mois"),
        ("FREQ=DAILY;COUNT=3", "FREQ=DAILY;COUNT=3"),
    ],
)
def test_rules_said_back_in_words(rule: str, words: str) -> None:
    assert describe(rule, FR) == words
