"""The README's poster picture: the PNG preview of a poster for an example event.

The console's example events (:mod:`bot.samples`, all marked "[Exemple]") are added to a
temporary database, and a coordinator asks ``/affiche evenement <id>`` for the braderie
as in Telegram (:class:`bot.home.Posters`): the picture is the preview the staff group
gets. The bot's name in the poster's link is a placeholder (``--bot``).

    .venv/bin/python bench/poster_example.py [--territory kremlin-bicetre]
                                             [--out docs/affiche-exemple.png]
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[0] = str(ROOT)  # not bench/, whose queue.py would shadow the standard one

from bot.config import load_settings  # noqa: E402
from bot.samples import seed_examples  # noqa: E402
from bot.services import Services  # noqa: E402
from bot.staff import COORDINATOR  # noqa: E402
from bot.storage import StaffRecord  # noqa: E402
from bot.storage import events as event_store  # noqa: E402
from bot.territory import BRADERIE, find_pack, load_pack  # noqa: E402


async def poster_png(territory: str, bot: str) -> bytes:
    with tempfile.TemporaryDirectory(prefix="passerelle-poster-") as folder:
        settings = load_settings(
            {
                "PASSERELLE_MODE": "console",
                "PASSERELLE_TERRITORY": territory,
                "PASSERELLE_DB": str(Path(folder) / "poster.sqlite3"),
            }
        )
        services = Services(settings, load_pack(find_pack(territory)))
        await services.open()
        try:
            now = services.clock.now()
            await seed_examples(services.db, services.pack, now)
            events = await event_store.upcoming_events(services.db, now)
            braderie = next(e for e in events if e.kind == BRADERIE)
            coordinator = StaffRecord("example", "Exemple", COORDINATOR, None, False)
            tr = services.translator(services.default_language)
            reply = await services.posters.poster(
                coordinator, tr, ["evenement", str(braderie.id)], bot
            )
        finally:
            await services.close()
    return reply.photos[0].content


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--territory", default="kremlin-bicetre")
    parser.add_argument("--bot", default="exemple_passerelle_bot", help="placeholder name")
    parser.add_argument("--out", default=str(ROOT / "docs" / "affiche-exemple.png"))
    args = parser.parse_args()
    png = asyncio.run(poster_png(args.territory, args.bot))
    Path(args.out).write_bytes(png)
    print(f"{args.out}: {len(png)} bytes")


if __name__ == "__main__":
    main()
