"""Interface languages: gettext catalogs (Babel) and locale-aware dates.

Source strings are French (the service's first language); ``locales/en`` holds
the English catalog. Code asks for a :class:`Translator` for one person and
calls ``tr._("…")``, so that ``pybabel extract`` finds every string.
"""

from __future__ import annotations

import datetime as dt
import io
import logging
import zoneinfo
from pathlib import Path

from babel import Locale
from babel.dates import format_date, format_datetime, format_time
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.support import NullTranslations, Translations

log = logging.getLogger(__name__)

LOCALES_DIR = Path(__file__).resolve().parent.parent / "locales"
DOMAIN = "messages"
SUPPORTED: tuple[str, ...] = ("fr", "en")
TU_DOMAIN = "tutoiement"
"""The French interface in the "tu" register: ``locales/fr/LC_MESSAGES/tutoiement.po``
maps each source string (French, "vous") to its "tu" form. A pack chooses its register."""
REGISTERS: tuple[str, ...] = ("vous", "tu")


def N_(message: str) -> str:
    """Mark a string for extraction without translating it yet (module constants)."""
    return message


def _load(directory: Path, language: str, domain: str = DOMAIN) -> NullTranslations:
    """The compiled catalog when it is up to date, else the .po compiled in memory."""
    po = directory / language / "LC_MESSAGES" / f"{domain}.po"
    mo = po.with_suffix(".mo")
    if mo.exists() and (not po.exists() or mo.stat().st_mtime >= po.stat().st_mtime):
        with mo.open("rb") as fh:
            return Translations(fh, domain=domain)
    if po.exists():
        # A developer edited a .po without `make`: still show their text.
        with po.open("rb") as fh:
            catalog = read_po(fh, locale=language, domain=domain)
        buf = io.BytesIO()
        write_mo(buf, catalog, use_fuzzy=False)
        buf.seek(0)
        return Translations(buf, domain=domain)
    log.warning("no catalog %s for language %s in %s", domain, language, directory)
    return NullTranslations()


class Translator:
    """Text and dates for one language, in one territory's timezone."""

    def __init__(
        self, language: str, translations: NullTranslations, tz: dt.tzinfo, register: str = "vous"
    ) -> None:
        self.language = language
        self.register = register
        """How French speaks to the person: "vous" or "tu" (English has one register)."""
        self.locale = Locale.parse(language)
        self._translations = translations
        self.tz = tz

    def _(self, message: str) -> str:
        """Translate an interface string."""
        return self._translations.gettext(message)

    def n_(self, singular: str, plural: str, n: int) -> str:
        """Translate a string that depends on a count."""
        return self._translations.ngettext(singular, plural, n)

    def local(self, moment: dt.datetime) -> dt.datetime:
        """``moment`` (aware) in the territory's timezone."""
        if moment.tzinfo is None:
            raise ValueError("naive datetime: every moment in Passerelle carries its timezone")
        return moment.astimezone(self.tz)

    def day(self, moment: dt.datetime | dt.date) -> str:
        """``mardi 24 novembre`` / ``Tuesday 24 November``."""
        if isinstance(moment, dt.datetime):
            moment = self.local(moment).date()
        return format_date(moment, "EEEE d MMMM", locale=self.locale)

    def date(self, day: dt.date, *, year: bool = True) -> str:
        """``1er janvier 2026``, ``31 décembre 2026`` / ``1 January 2026``."""
        pattern = "MMMM y" if year else "MMMM"
        return f"{self._day_of_month(day)} {format_date(day, pattern, locale=self.locale)}"

    def _day_of_month(self, day: dt.date) -> str:
        # French writes the first of the month as an ordinal: "1er janvier".
        return "1er" if self.language == "fr" and day.day == 1 else str(day.day)

    def period(self, start: dt.date, end: dt.date) -> str:
        """``du 1er janvier au 31 décembre 2026``, ``du 1er au 31 mars 2026``, ``du 15 mars
        2025 au 14 mars 2026`` / ``from 1 January to 31 December 2026``: the year once."""
        if start.year != end.year:
            first = self.date(start)
        elif start.month != end.month:
            first = self.date(start, year=False)
        else:
            first = self._day_of_month(start)
        return self._("du {start} au {end}").format(start=first, end=self.date(end))

    def month(self, day: dt.date, pattern: str = "MMMM y") -> str:
        """``janvier 2026`` (``pattern``: Babel's, e.g. ``MMM`` for ``janv.``)."""
        return format_date(day, pattern, locale=self.locale)

    def hour(self, moment: dt.datetime | dt.time) -> str:
        """``14 h``, ``14 h 30`` / ``2 PM``, ``2:30 PM``."""
        when = self.local(moment).time() if isinstance(moment, dt.datetime) else moment
        if self.language == "fr":
            pattern = "H 'h'" if when.minute == 0 else "H 'h' mm"
        else:
            pattern = "h a" if when.minute == 0 else "h:mm a"
        return format_time(when, pattern, locale=self.locale)

    def hours(self, start: dt.datetime | dt.time, end: dt.datetime | dt.time) -> str:
        """``14 h – 17 h``."""
        return f"{self.hour(start)} – {self.hour(end)}"

    def moment(self, moment: dt.datetime) -> str:
        """``mardi 24 novembre, 14 h`` in the territory's time."""
        return f"{self.day(moment)}, {self.hour(moment)}"

    def timestamp(self, moment: dt.datetime) -> str:
        """A short date and time for lists (``24/11/2026 14:05``)."""
        return format_datetime(self.local(moment), "short", locale=self.locale)


class Catalogs:
    """All catalogs, loaded once at start."""

    def __init__(self, directory: Path = LOCALES_DIR) -> None:
        self._translations = {(lang, "vous"): _load(directory, lang) for lang in SUPPORTED}
        self._translations[("fr", "tu")] = _load(directory, "fr", TU_DOMAIN)
        self._translations[("en", "tu")] = self._translations[("en", "vous")]
        self._translators: dict[tuple[str, dt.tzinfo, str], Translator] = {}

    def translator(
        self, language: str, tz: dt.tzinfo | None = None, register: str = "vous"
    ) -> Translator:
        """A translator per language, timezone and register, made once (it holds no
        per-person state)."""
        language = language if language in SUPPORTED else SUPPORTED[0]
        register = register if register in REGISTERS else REGISTERS[0]
        key = (language, tz or zoneinfo.ZoneInfo("UTC"), register)
        if key not in self._translators:
            self._translators[key] = Translator(
                language, self._translations[(language, register)], key[1], register
            )
        return self._translators[key]


def pick_language(chosen: str | None, client_language: str | None, default: str) -> str:
    """The person's choice, else their Telegram app's language, else the territory's."""
    if chosen in SUPPORTED:
        return chosen
    if client_language:
        base = client_language.split("-")[0].lower()
        if base in SUPPORTED:
            return base
    return default if default in SUPPORTED else SUPPORTED[0]
