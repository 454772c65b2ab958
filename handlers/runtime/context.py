"""The typed context every handler receives, and the per-update session."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from telegram import Update
from telegram.ext import Application, CallbackContext, ExtBot

from bot import actions
from bot.home import menu
from bot.i18n import Translator
from bot.people import Person
from bot.services import Services
from bot.storage import StaffRecord

SERVICES_KEY = "services"


@dataclass(frozen=True)
class Session:
    """Who is writing, and how to speak to them."""

    person: Person
    tr: Translator


class Context(CallbackContext[ExtBot[None], dict[Any, Any], dict[Any, Any], dict[Any, Any]]):
    """``context.services`` instead of string lookups in ``bot_data``."""

    _session: Session | None = None
    answered: bool = False
    """Whether the pressed button was already answered during this update."""
    keep_pressed: bool = False
    """Replies come as new messages, even those that would edit the pressed one."""

    @property
    def services(self) -> Services:
        services: Services = self.application.bot_data[SERVICES_KEY]
        return services

    async def session(self, update: Update) -> Session:
        """The person behind this update; the context lives for one update only."""
        if self._session is None:
            user = update.effective_user
            if user is None:
                raise LookupError("update without a user")
            services = self.services
            person = await services.people.visit(user.id, user.language_code)
            self._session = Session(person, services.translator(person.language))
        return self._session

    async def pressed(
        self,
        update: Update,
        kind: str,
        valid: Callable[[str], bool] | None = None,
        *,
        answer: bool = True,
    ) -> actions.Action | None:
        """The validated action of a pressed button, answered at once.

        Forged, outdated or unknown data gets a kind pop-up and ``None``: the
        caller then does nothing at all. With ``answer=False`` a valid press is left
        for the caller to answer (Telegram takes one answer per press), e.g. with a
        pop-up saying what happened.
        """
        query = update.callback_query
        if query is None:
            return None
        action = actions.parse(query.data)
        if action is None or action.kind != kind or (valid and not valid(action.argument)):
            session = await self.session(update)
            await query.answer(menu.stale_button(session.tr), show_alert=True)
            return None
        if answer:
            await query.answer()
            self.answered = True
        return action

    async def staff(self, update: Update) -> tuple[Translator, StaffRecord | None]:
        """The staff's language, and the staff member behind the update (``None``: not staff)."""
        services = self.services
        user = update.effective_user
        member = (
            None if user is None else await services.queue.staff(services.pseudonymise(user.id))
        )
        return services.translator(services.default_language), member

    def retranslate(self, language: str) -> Translator:
        """After the person changed language within this update."""
        tr = self.services.translator(language)
        if self._session is not None:
            self._session = Session(self._session.person, tr)
        return tr


def services_of(application: Application[Any, Any, Any, Any, Any, Any]) -> Services:
    services: Services = application.bot_data[SERVICES_KEY]
    return services
