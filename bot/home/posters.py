"""Posters: ``/affiche`` makes a poster worth printing for an event, a permanence or the
callback request, each with its own counted link.

A poster is an A4 page (PDF, to print) and its preview (PNG, shown in the staff group):
the service's name, the title, when and where, a call to action and the QR code of the
poster's own link (:mod:`bot.home.poster_links`). Each poster gets a number, kept in the
database with what it opens; the number travels, signed, in its link, so an arrival
through it is counted per day and per poster (counts only, never who) and the bilan
says which poster brought how many people.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable

from bot.clock import Clock
from bot.home.poster_drawing import render
from bot.home.poster_links import (
    CALLBACK,
    EVENT,
    KINDS,
    LEGACY_CALLBACK,
    PERMANENCE,
    POSTER_MAX,
    Payloads,
    PosterLink,
    link,
)
from bot.home.poster_words import callback_words, event_words, permanence_words, poster_text
from bot.i18n import SUPPORTED, Translator
from bot.staff import staff_only_reply
from bot.storage import Database, StaffRecord
from bot.storage import events as event_store
from bot.storage import posters as poster_store
from bot.territory import Pack, Permanence
from bot.ui import Document, Reply, esc

__all__ = [
    "CALLBACK",
    "EVENT",
    "KINDS",
    "LEGACY_CALLBACK",
    "PERMANENCE",
    "POSTER_MAX",
    "Payloads",
    "PosterLink",
    "Posters",
    "link",
    "poster",
    "qr_matrix",
]

_QUIET_ZONE = 4  # modules: the white margin the QR standard asks for


def qr_matrix(url: str) -> list[list[int]]:
    """The QR code of ``url`` as rows of 0 (light) and 1 (dark), its quiet zone included.

    Error correction is at least Q: a poster in a hall gets scratched and stained.
    """
    import segno  # imported here: only staff making posters need it

    code = segno.make(url, error="q", micro=False, boost_error=True)
    return [[int(bool(m)) for m in row] for row in code.matrix_iter(scale=1, border=_QUIET_ZONE)]


def poster(tr: Translator, number: int, title: str, url: str, pdf: bytes, png: bytes,
           language: str) -> Reply:  # fmt: skip
    """The staff answer: poster ``number`` for ``title`` as a PDF to print and a photo to
    preview, with its link and what it is for. ``tr`` is the staff member's language;
    ``language`` the poster's."""
    other = next(code for code in SUPPORTED if code != language)
    languages = {"fr": tr._("en français"), "en": tr._("en anglais")}
    text = "\n".join(
        (
            tr._("🖨 <b>Affiche n° {number} : {title}</b>").format(number=number, title=esc(title)),
            "",
            tr._(
                "À afficher dans le hall d'une résidence, au local ou chez un partenaire : "
                "en scannant le QR code, une personne arrive directement sur « {title} » "
                "dans Passerelle, sans avoir à chercher."
            ).format(title=esc(title)),
            "",
            tr._(
                "<b>Pour imprimer</b> : le PDF ci-dessous, sur une feuille A4, à 100 %. "
                "La photo montre l'affiche avant de l'imprimer ; essayez le QR code avec "
                "votre téléphone avant de l'afficher."
            ),
            "",
            tr._("<b>Le lien de cette affiche</b> (à mettre aussi sur un flyer) :"),
            esc(url),
            "",
            tr._(
                "Chaque affiche a son propre lien : le bilan (/stats) dit combien de "
                "personnes sont arrivées par chacune (des nombres seulement, jamais qui). "
                "Pour un autre lieu, faites une autre affiche."
            ),
            tr._(
                "Affiche {language} ; pour l'autre langue, ajoutez « {other} » à la commande."
            ).format(language=languages[language], other=other),
        )
    )
    # Captions are sent as plain text (no parse mode): the title is not HTML-escaped.
    return Reply(
        text,
        documents=(Document(f"affiche-{number}.pdf", pdf,
                            tr._("Affiche n° {number} à imprimer (A4) : {title}").format(
                                number=number, title=title)),),
        photos=(Document(f"affiche-{number}.png", png,
                         tr._("Aperçu de l'affiche n° {number}").format(number=number)),),
    )  # fmt: skip


class Posters:
    """/affiche: the posters staff print, each with its own counted link."""

    def __init__(self, db: Database, pack: Pack, payloads: Payloads, clock: Clock,
                 translator: Callable[[str], Translator],
                 find_permanence: Callable[[str], Awaitable[Permanence | None]] | None = None,
    ) -> None:  # fmt: skip
        self._db = db
        self._pack = pack
        self._payloads = payloads
        self._clock = clock
        self._translator = translator
        self._find_permanence = find_permanence
        """The pack's permanences and those created from Telegram (from the composition
        root: the permanences package needs this one, not the other way round)."""

    async def arrived(self, found: PosterLink) -> None:
        """Someone opened a poster's link: one more arrival for its poster today (local
        day), a count only. Links printed before posters had numbers are not counted."""
        if found.poster is None:
            return
        today = self._clock.now().astimezone(self._pack.tz).date()
        await poster_store.count_arrival(self._db, today, found.poster)

    async def poster(self, member: StaffRecord | None, tr: Translator, args: list[str],
        bot_username: str,
    ) -> Reply:  # fmt: skip
        """/affiche rappel | evenement <id> | permanence <id>, and ``fr`` or ``en`` at the
        end for the other language than the pack's: a new poster, to print."""
        if member is None:
            return staff_only_reply(tr)
        usage = Reply(tr._("Écrivez /affiche rappel, /affiche evenement &lt;numéro&gt; ou "
                           "/affiche permanence &lt;identifiant&gt;, et « en » ou « fr » à la "
                           "fin pour une affiche dans l'autre langue."))  # fmt: skip
        what = args[0].lower() if args else ""
        needed = 1 if what == "rappel" else 2
        extra = [a.lower() for a in args[needed:]]
        if len(args) < needed or len(extra) > 1 or (extra and extra[0] not in SUPPORTED):
            return usage
        language = extra[0] if extra else self._pack.territory.default_language
        words = self._translator(language)
        if what == "rappel":
            kind, target, staff_title = CALLBACK, "", tr._("Demande de rappel")
            said = callback_words(words)
        elif what in ("evenement", "event") and args[1].isdigit():
            event = await event_store.get_event(self._db, int(args[1]))
            if event is None:
                return usage
            if event.state != "published" or event.starts_at <= self._clock.now():
                # Its link would only lead to "this link is no longer valid".
                return Reply(tr._("Cet événement est annulé ou déjà commencé : pas d'affiche "
                                  "pour lui."))  # fmt: skip
            kind, target, staff_title = EVENT, str(event.id), event.title(tr.language)
            said = event_words(words, event)
        elif what == "permanence":
            permanence = (
                await self._find_permanence(args[1])
                if self._find_permanence is not None
                else next((p for p in self._pack.permanences.permanences if p.id == args[1]),
                          None)
            )  # fmt: skip
            if permanence is None:
                return usage
            kind, target = PERMANENCE, permanence.id
            staff_title = permanence.title.get(tr.language)
            said = permanence_words(self._pack, words, permanence)
        else:
            return usage
        number = await poster_store.create_poster(
            self._db, kind, target, language, self._clock.now()
        )
        url = link(bot_username, self._payloads.make(kind, target, number))
        text = poster_text(self._pack, words, kind, said, url, number)
        # Drawing takes a moment: keep the event loop free meanwhile.
        drawn = await asyncio.to_thread(render, text, qr_matrix(url), said[1])
        return poster(tr, number, staff_title, url, drawn.pdf, drawn.png, language)
