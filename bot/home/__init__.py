"""Home: the welcome, the menu, navigation, the emergency numbers, posters."""

from __future__ import annotations

from bot.home.posters import Payloads, PosterLink, Posters

__all__ = [
    "Payloads",
    "PosterLink",
    "Posters",
]
