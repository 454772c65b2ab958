"""Examples for the console: a newcomer sees permanences and events at once.

Only the console's own fresh temporary database is seeded (the composition root decides:
never with a token, never on a database the configuration names). Everything here is
fictitious and says so: each title starts with "[Exemple]" / "[Example]", the place is
"Salle d'exemple", the dates are counted from today in the territory's timezone. Seeding
is done once per database: the first example permanence's id is the mark.
"""

from __future__ import annotations

import datetime as dt

from bot.storage import Database, PermanenceRecord
from bot.storage import event_edits as event_store
from bot.storage import permanences as permanence_store
from bot.territory import BRADERIE, TOURNAMENT, UNIT_STANDS, WORKSHOP, Pack

EXAMPLE_FR = "[Exemple]"
EXAMPLE_EN = "[Example]"
PLACE_FR = "Salle d'exemple"
PLACE_EN = "Example hall"
NOTE_FR = "Exemple fictif pour découvrir Passerelle : ce n'est pas un vrai rendez-vous."
NOTE_EN = "A made-up example to discover Passerelle: this is not a real appointment."

WEEKLY_ID = "exemple-accueil"
MONTHLY_ID = "exemple-premier-mardi"


def _permanences(pack: Pack, today: dt.date) -> list[PermanenceRecord]:
    team = pack.teams.teams[0].id
    return [
        PermanenceRecord(
            id=WEEKLY_ID, title_fr=f"{EXAMPLE_FR} Permanence d'accueil",
            title_en=f"{EXAMPLE_EN} Drop-in hours", place_fr=PLACE_FR, place_en=PLACE_EN,
            team=team, theme=None, quartier=None, rrule="FREQ=WEEKLY;BYDAY=WE", start=today,
            until=None, dates=(), opens=dt.time(14, 0), closes=dt.time(17, 0),
        ),
        PermanenceRecord(
            id=MONTHLY_ID, title_fr=f"{EXAMPLE_FR} Permanence du premier mardi",
            title_en=f"{EXAMPLE_EN} First-Tuesday drop-in", place_fr=PLACE_FR,
            place_en=PLACE_EN, team=team, theme=None, quartier=None,
            rrule="FREQ=MONTHLY;BYDAY=1TU", start=today, until=None, dates=(),
            opens=dt.time(9, 30), closes=dt.time(11, 30),
        ),
    ]  # fmt: skip


async def seed_examples(db: Database, pack: Pack, now: dt.datetime) -> bool:
    """Add the example permanences and events; ``False`` (adding nothing) if this database
    already has them."""
    today = now.astimezone(pack.tz).date()
    weekly, monthly = _permanences(pack, today)
    if not await permanence_store.create_permanence(db, weekly, now, None):
        return False
    await permanence_store.create_permanence(db, monthly, now, None)

    def local(days: int, hour: int, minute: int = 0) -> dt.datetime:
        day = today + dt.timedelta(days=days)
        return dt.datetime.combine(day, dt.time(hour, minute), pack.tz).astimezone(dt.UTC)

    events = (
        (BRADERIE, "Braderie de l'école", "School jumble sale", 6, (8, 13), 30, UNIT_STANDS, ()),
        (TOURNAMENT, "Tournoi de foot", "Football tournament", 10, (14, 18), 8, None,
         ("U11", "U13")),
        (WORKSHOP, "Atelier cuisine", "Cooking workshop", 3, (14, 16), 12, None, ()),
    )  # fmt: skip
    for kind, title_fr, title_en, days, (start, end), capacity, unit, categories in events:
        await event_store.create_event(
            db, kind=kind, title_fr=f"{EXAMPLE_FR} {title_fr}",
            title_en=f"{EXAMPLE_EN} {title_en}", place=PLACE_FR, quartier=None,
            starts_at=local(days, start), ends_at=local(days, end), capacity=capacity,
            deadline=local(days - 1, 18), now=now, description_fr=NOTE_FR,
            description_en=NOTE_EN, unit=unit, categories=categories,
        )  # fmt: skip
    return True
