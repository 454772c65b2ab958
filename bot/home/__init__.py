"""Home: the welcome, the menu, navigation, the emergency numbers, posters."""

from __future__ import annotations

from bot.home.posters import Payloads

__all__ = [
    "Payloads",
]
