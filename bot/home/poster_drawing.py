"""A poster drawn to be printed: an A4 portrait page (PDF) and its preview (PNG).

What a resident sees from two metres in a hall: the service's name, what the poster is
for (an event, a permanence, the callback request) in large type, when and where, a call
to action in the service's colour, the QR code about 12 cm wide, and the link written out
for a phone that cannot scan. Drawn with matplotlib's object API (no pyplot, no global
figure, so it can run in a worker thread) and the DejaVu fonts matplotlib ships with;
no emoji (the fonts have none, and a printer would show boxes).
"""

from __future__ import annotations

import functools
import io
import re
import textwrap
import unicodedata
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from matplotlib.figure import Figure

A4_INCHES = (210 / 25.4, 297 / 25.4)
PREVIEW_DPI = 110
"""The PNG preview: 909 × 1286 pixels, shown whole by Telegram on a phone."""
INK, ACCENT, MUTED = "#1f2933", "#c8102e", "#52606d"
_QR_WIDTH = 0.52
"""Of the page's width: about 11 cm on A4, its quiet zone included."""
_MARGIN = 0.7
"""Inches left and right (1.8 cm)."""
_BAND = 1.0
"""The height of the service's band across the top, in inches."""


@dataclass(frozen=True)
class PosterText:
    """Every word on a poster, already in its language (plain text, no HTML)."""

    service: str
    kicker: str
    """What it is, above the title: "Événement", "Permanence"."""
    title: str
    details: tuple[str, ...]
    """When and where (an event, a permanence), or what happens next (a callback)."""
    call: str
    """The call to action: "Scanne pour t'inscrire"."""
    link: str
    """The link, written out without ``https://``."""
    footer: str
    """The poster's number, for staff to note where they put it up."""


_KEPT_SYMBOLS = "°©®№"


@functools.cache
def _glyphs() -> frozenset[int]:
    """The characters both DejaVu Sans faces used here can draw."""
    from matplotlib import font_manager, ft2font

    faces = [
        font_manager.findfont(font_manager.FontProperties(family="DejaVu Sans", weight=w))
        for w in ("normal", "bold")
    ]
    maps = [set(ft2font.FT2Font(face).get_charmap()) for face in faces]
    return frozenset(set.intersection(*maps))


def _drawable(ch: str) -> bool:
    if ch in _KEPT_SYMBOLS:
        return True
    # Emoji and pictographs ("So", and everything from U+1F000), their joiners and
    # variation selectors, and what the fonts cannot draw are left out.
    if unicodedata.category(ch) in ("So", "Cs", "Co", "Cn", "Cf") or ord(ch) >= 0x1F000:
        return False
    if 0xFE00 <= ord(ch) <= 0xFE0F:
        return False
    return ch.isspace() or ord(ch) in _glyphs()


def printable(text: str) -> str:
    """``text`` without emoji, variation selectors or joiners, spaces collapsed: what the
    printed page's fonts can draw."""
    kept = "".join(ch for ch in unicodedata.normalize("NFC", text) if _drawable(ch))
    # Collapse ordinary spaces only: a non-breaking space keeps "14 h – 17 h" together.
    return re.sub(r"[ \t\r\n]+", " ", kept).strip(" ")


def _per_line(size: float, width_inches: float) -> int:
    # DejaVu Sans Bold averages about 0.62 em per character.
    return max(8, int(width_inches * 72 / (size * 0.62)))


def _fit(
    text: str, sizes: tuple[float, ...], width_inches: float, lines: int
) -> tuple[str, float]:
    """The largest size at which ``text`` wraps into at most ``lines`` lines; at the
    smallest, what does not fit ends with "…"."""
    for size in sizes:
        wrapped = textwrap.wrap(text, _per_line(size, width_inches), break_long_words=True)
        if len(wrapped) <= lines:
            return "\n".join(wrapped), size
    last = " ".join(wrapped[lines - 1 :])
    kept = textwrap.shorten(last, _per_line(size, width_inches), placeholder=" …")
    return "\n".join([*wrapped[: lines - 1], kept]), size


def _lines_height(text: str, size: float, spacing: float) -> float:
    """How tall ``text`` stands, in inches."""
    return (text.count("\n") + 1) * size * spacing / 72


def _top_lines(
    text: PosterText, inner: float, scale: float
) -> tuple[list[tuple[float, str, float, bool]], float]:
    """What stands under the band, at ``scale``: (inches from the top, words, size,
    bold) for the kind, the title and each detail; and where the last one ends."""
    top = _BAND + 0.35
    lines = [(top, printable(text.kicker).upper(), 20 * scale, True)]
    top += 0.55 * scale
    title, size = _fit(printable(text.title), tuple(s * scale for s in (40, 34, 28)), inner, 3)
    lines.append((top, title, size, True))
    top += _lines_height(title, size, 1.3) + 0.25 * scale
    for line in text.details[:2]:
        filled, size = _fit(printable(line), tuple(s * scale for s in (24, 20, 17)), inner, 2)
        lines.append((top, filled, size, False))
        top += _lines_height(filled, size, 1.35) + 0.08
    return lines, top


def draw(text: PosterText, qr_matrix: list[list[int]]) -> Figure:
    """The page as a matplotlib figure: A4 portrait, laid out from the top (the service,
    what it is, the title, when and where) and from the bottom (the poster's number, the
    link, the QR code, the call to action)."""
    from matplotlib.figure import Figure
    from matplotlib.patches import Rectangle

    width, height = A4_INCHES
    inner = width - 2 * _MARGIN

    def at(inches_from_top: float) -> float:
        return 1 - inches_from_top / height

    figure = Figure(figsize=A4_INCHES)
    figure.patch.set_facecolor("white")
    # The service's band across the top.
    figure.add_artist(Rectangle((0, at(_BAND)), 1, _BAND / height, transform=figure.transFigure,
                                facecolor=ACCENT, edgecolor="none"))  # fmt: skip
    service, size = _fit(printable(text.service), (20, 17, 14), inner, 2)
    figure.text(0.5, at(_BAND / 2), service, ha="center", va="center", fontsize=size,
                fontweight="bold", color="white", linespacing=1.15)  # fmt: skip
    # From the bottom: the number, the link, the QR code (its quiet zone included in the
    # matrix), then the call to action just above it.
    figure.text(1 - _MARGIN / width, 0.25 / height, printable(text.footer), ha="right",
                va="bottom", fontsize=10, color=MUTED)  # fmt: skip
    link, size = _fit(text.link, (15, 13, 11), inner, 2)
    figure.text(0.5, 0.95 / height, link, ha="center", va="top", fontsize=size, color=INK,
                family="DejaVu Sans Mono", linespacing=1.2)  # fmt: skip
    side = _QR_WIDTH * width
    qr_bottom = 1.0
    axes = figure.add_axes(((1 - _QR_WIDTH) / 2, qr_bottom / height, _QR_WIDTH, side / height))
    axes.imshow(qr_matrix, cmap="binary", interpolation="none", vmin=0, vmax=1)
    axes.set_axis_off()
    call, size = _fit(printable(text.call), (36, 31, 26), inner, 2)
    call_bottom = qr_bottom + side + 0.1
    figure.text(0.5, call_bottom / height, call, ha="center", va="bottom", fontsize=size,
                fontweight="bold", color=ACCENT, linespacing=1.1)  # fmt: skip
    # From the top, as large as the room left above the call to action allows.
    room = height - call_bottom - _lines_height(call, size, 1.25) - 0.2
    for scale in (1.0, 0.88, 0.76, 0.66):
        lines, bottom = _top_lines(text, inner, scale)
        if bottom <= room:
            break
    for top, words, size, bold in lines:
        figure.text(0.5, at(top), words, ha="center", va="top", fontsize=size,
                    fontweight="bold" if bold else "normal", linespacing=1.15,
                    color=MUTED if top == lines[0][0] else INK)  # fmt: skip
    return figure


@dataclass(frozen=True)
class Rendered:
    pdf: bytes
    png: bytes


def render(text: PosterText, qr_matrix: list[list[int]], title: str) -> Rendered:
    """The PDF to print and the PNG preview, from one drawing (about 0.2 s). The PDF
    carries ``title`` in its properties; its fonts are matplotlib's default Type 3
    subsets, which print everywhere (TrueType embedding would take ten times longer)."""
    figure = draw(text, qr_matrix)
    pdf, png = io.BytesIO(), io.BytesIO()
    figure.savefig(pdf, format="pdf", metadata={"Title": title, "Creator": "Passerelle"})
    figure.savefig(png, format="png", dpi=PREVIEW_DPI)
    return Rendered(pdf.getvalue(), png.getvalue())
