"""/abonnements: the announcements a person asked for, and nothing they did not.

Nobody is subscribed without pressing a button for it. A subscription is a set of
topics (kinds of events, permanence changes, and the pack's themes, which coordinators'
announcements use: ``th-<theme>``) and an area: the person's quartier,
or the whole territory. What is kept is those choices and the chat to write to;
/oublier erases them with everything else.
"""

from __future__ import annotations

from bot import actions
from bot.clock import Clock
from bot.i18n import Translator
from bot.people import Person
from bot.storage import Database, SubscriptionRecord
from bot.storage import broadcasts as store
from bot.territory import Pack
from bot.territory import kinds as event_kinds
from bot.ui import Button, Reply, esc

EVENT_TOPICS: tuple[str, ...] = (*event_kinds.KIND_IDS, event_kinds.PERMANENCE_TOPIC)
THEME_PREFIX = "th-"
ZONE_QUARTIER = "quartier"
ZONE_ALL = "all"
STOP = "stop"


class Subscriptions:
    def __init__(self, db: Database, pack: Pack, clock: Clock) -> None:
        self._db = db
        self.pack = pack
        self._clock = clock
        self.event_topics = EVENT_TOPICS
        # A theme whose id would not fit a button's data is left out, not cut.
        self.theme_topics: tuple[str, ...] = tuple(
            THEME_PREFIX + t.id for t in pack.themes.themes if len(t.id) <= 37
        )
        self.topics = (*self.event_topics, *self.theme_topics)

    def topic_label(self, tr: Translator, topic: str) -> str:
        if topic == event_kinds.PERMANENCE_TOPIC:
            return tr._("📅 Changements de permanence")
        if topic.startswith(THEME_PREFIX):
            theme = self.pack.theme(topic.removeprefix(THEME_PREFIX))
            if theme is not None:
                return f"{theme.emoji} {theme.name.get(tr.language)}".strip()
        return event_kinds.label(tr, topic)

    def valid_argument(self, argument: str) -> bool:
        """``t.<topic>``, ``z.quartier``, ``z.all`` or ``stop.all``: what the buttons send."""
        parts = actions.split(argument)
        if len(parts) != 2:
            return False
        name, value = parts
        return (
            (name == "t" and value in self.topics)
            or (name == "z" and value in (ZONE_QUARTIER, ZONE_ALL))
            or (name == STOP and value == ZONE_ALL)
        )

    async def current(self, person: Person) -> SubscriptionRecord | None:
        if not person.known:
            return None
        return await store.get_subscription(self._db, person.pseudonym)

    async def show(self, person: Person, tr: Translator, *, edit: bool = False) -> Reply:
        """The person's choices, each a button that turns it on or off."""
        record = await self.current(person)
        topics = record.topics if record else frozenset()
        lines = [
            tr._("📣 <b>Annonces</b>"),
            tr._(
                "Choisissez ce que vous voulez recevoir ici : les nouveaux événements, "
                "les permanences annulées ou ajoutées. Rien n'est envoyé sans votre accord, "
                "et vous pouvez tout arrêter quand vous voulez."
            ),
        ]
        quartier = self.pack.quartier(person.quartier) if person.quartier else None
        if record is not None:
            area = self.pack.quartier(record.quartier) if record.quartier else None
            lines.append(
                tr._("📍 Zone : {area}").format(area=esc(area.name))
                if area is not None
                else tr._("📍 Zone : tout le territoire")
            )
        if quartier is None:
            lines.append(tr._("Pour ne recevoir que ce qui concerne votre quartier : /quartier"))
        lines.append(
            tr._(
                "🏷️ Par thème : les annonces de l'équipe sur ce sujet (une "
                "alerte, une distribution déplacée, un atelier complet…)."
            )
        )
        lines.append(tr._("🔒 Je garde seulement ces choix et de quoi vous écrire ; "
                          "/oublier efface tout."))  # fmt: skip
        buttons: list[tuple[Button, ...]] = [
            (Button(("✅ " if t in topics else "⬜ ") + self.topic_label(tr, t)[:60],
                    f"{actions.SUBSCRIPTION}:t.{t}"),)
            for t in self.topics
        ]  # fmt: skip
        if record is not None and quartier is not None:
            if record.quartier is None:
                label = tr._("📍 Seulement {quartier}").format(quartier=quartier.name)[:60]
                zone = Button(label, f"{actions.SUBSCRIPTION}:z.{ZONE_QUARTIER}")
            else:
                zone = Button(
                    tr._("🌍 Tout le territoire"), f"{actions.SUBSCRIPTION}:z.{ZONE_ALL}"
                )
            buttons.append((zone,))
        if record is not None:
            buttons.append((Button(tr._("🔕 Tout arrêter"), f"{actions.SUBSCRIPTION}:stop.all"),))
        buttons.append((Button(tr._("🏠 Menu principal"), actions.menu("main")),))
        return Reply("\n\n".join(lines), tuple(buttons), edit=edit)

    async def change(self, person: Person, tr: Translator, argument: str, chat_id: int) -> Reply:
        """Apply a pressed choice (already validated) and show the new state."""
        name, value = actions.split(argument)
        record = await self.current(person)
        topics = set(record.topics) if record else set()
        # A new subscription covers the person's quartier when they chose one.
        area = record.quartier if record else person.quartier
        if name == "t":
            topics.symmetric_difference_update({value})
        elif name == "z":
            area = person.quartier if value == ZONE_QUARTIER else None
        else:
            topics.clear()
        await store.save_subscription(
            self._db, person.pseudonym, area, frozenset(topics), chat_id, self._clock.now()
        )
        # ``person.known`` may have been false a moment ago: show from what is stored now.
        shown = Person(person.pseudonym, person.language, person.chosen_language,
                       person.quartier, person.residence, known=True)  # fmt: skip
        reply = await self.show(shown, tr, edit=True)
        if name == STOP:
            return Reply(tr._("🔕 C'est fait : vous ne recevrez plus aucune annonce.") + "\n\n"
                         + reply.text, reply.buttons, edit=True)  # fmt: skip
        return reply
