"""Emergency and listening numbers, from the territory pack (which takes them from FACTS.md)."""

from __future__ import annotations

from bot.home.menu import back_to_menu
from bot.i18n import Translator
from bot.people import exit_button
from bot.territory import HelpNumber, Pack
from bot.ui import Reply, esc


def _line(number: HelpNumber, tr: Translator) -> str:
    line = f"<b>{esc(number.number)}</b> — {esc(number.label.get(tr.language))}"
    if number.sms:
        line = line.replace("</b>", "</b> ✉️", 1)
    if number.hours:
        line += f"\n    {esc(number.hours.get(tr.language))}"
    if number.note:
        line += f"\n    {esc(number.note.get(tr.language))}"
    return line


def numbers_text(pack: Pack, tr: Translator) -> str:
    """Emergency numbers first, then listening lines."""
    parts = [tr._("🚨 <b>En danger, maintenant ?</b> Appelez :")]
    parts += [_line(n, tr) for n in pack.emergency_numbers()]
    listening = pack.listening_numbers()
    if listening:
        parts += ["", tr._("💬 <b>Pour parler, être écouté·e, être aidé·e :</b>")]
        parts += [_line(n, tr) for n in listening]
    return "\n".join(parts)


def numbers(pack: Pack, tr: Translator, *, edit: bool = False) -> Reply:
    """The answer to /urgence."""
    return Reply(numbers_text(pack, tr), (*back_to_menu(tr), (exit_button(tr),)), edit=edit)
