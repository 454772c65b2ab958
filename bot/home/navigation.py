"""Where each main-menu button leads."""

from __future__ import annotations

from bot import answers
from bot.home import emergency, menu
from bot.i18n import Translator
from bot.people import privacy
from bot.territory import Pack
from bot.ui import Reply


def open_entry(pack: Pack, tr: Translator, entry: str) -> Reply:
    """The screen behind a main-menu entry, replacing the menu message."""
    if entry == "main":
        return menu.main_menu(tr, edit=True)
    if entry == "ask":
        return answers.themes(pack, tr, edit=True)
    if entry == "urgence":
        return emergency.numbers(pack, tr, edit=True)
    if entry == "language":
        return menu.language_choice(tr, edit=True)
    if entry == "privacy":
        return privacy.forget_confirmation(tr, edit=True)
    # Entries that need the database (requests, permanences, events) are opened by
    # their handlers; anything else shows the menu again.
    return menu.main_menu(tr, edit=True)
