"""Chaos over real HTTP: the bot is SIGKILLed while it handles a burst of updates.

The bot runs as in production (``python -m bot run``, polling with python-telegram-bot's
own HTTP client and rate limiter) against a Bot API on 127.0.0.1 that keeps updates as
Telegram does: an offset confirms them (tests/http_botapi.py). Each round:

1. while the bot is down, ``--burst`` people each send one ``/start`` (as after a
   restart, or a busy evening);
2. the bot starts, and is SIGKILLed (no clean-up at all) a random 0–``--max-delay``
   seconds after it first polls, in the middle of handling the burst;
3. it starts again, and the bench waits until every person of the round is answered
   (or 20 s), then kills it before the next round.

Per person it counts the messages the bot sent back: none is a lost update, more than
one an update handled twice.

    .venv/bin/python bench/chaos.py [--rounds 10] [--burst 40] [--max-delay 0.5] [--seed 1]

Run it on an older commit (copy this file and tests/http_botapi.py there) to compare.
"""

from __future__ import annotations

import argparse
import os
import random
import re
import signal
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[0] = str(ROOT)

from tests.http_botapi import BotAPIServer, serving  # noqa: E402

TOKEN = "12345:chaos_not_a_real_token_just_for_benches"
FIRST_USER = 880_000_001


def start_message(user_id: int) -> dict[str, object]:
    return {"message": {
        "message_id": 1, "date": int(time.time()),
        "chat": {"id": user_id, "type": "private", "first_name": "Camille"},
        "from": {"id": user_id, "is_bot": False, "first_name": "Camille"},
        "text": "/start", "entities": [{"type": "bot_command", "offset": 0, "length": 6}],
    }}  # fmt: skip


def start_bot(server: BotAPIServer, folder: Path, territory: str) -> subprocess.Popen[bytes]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PASSERELLE_", "TELEGRAM_"))}
    env.update(
        TELEGRAM_BOT_TOKEN=TOKEN, PASSERELLE_MODE="polling", PASSERELLE_BOT_API_URL=server.url,
        PASSERELLE_TERRITORY=territory, PASSERELLE_DB=str(folder / "chaos.sqlite3"),
        PASSERELLE_PSEUDONYM_SECRET="chaos-secret-" + "x" * 30, NO_PROXY="127.0.0.1",
    )  # fmt: skip
    err = (folder / "bot.err").open("ab")
    return subprocess.Popen([sys.executable, "-m", "bot", "run"], cwd=ROOT, env=env,
                            stdin=subprocess.DEVNULL, stdout=err, stderr=err)  # fmt: skip


def replies(server: BotAPIServer) -> Counter[int]:
    return Counter(chat for chat, _ in list(server.sent) if chat >= FIRST_USER)


def wait_for(condition: Callable[[], bool], timeout: float) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.005)
    return False


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=10)
    parser.add_argument("--burst", type=int, default=40, help="people per round")
    parser.add_argument("--max-delay", type=float, default=0.5, help="kill within (s)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--territory", default="dumbea")
    args = parser.parse_args()
    rng = random.Random(args.seed)
    print(f"command: {' '.join([sys.executable, *sys.argv])}")
    print(f"code: {ROOT}")
    lost = doubled = 0
    with tempfile.TemporaryDirectory(prefix="passerelle-chaos-") as tmp, serving() as server:
        folder = Path(tmp)
        for round_ in range(args.rounds):
            people = [FIRST_USER + round_ * args.burst + i for i in range(args.burst)]
            for user in people:
                server.push(start_message(user))
            polled = len(server.methods)
            bot = start_bot(server, folder, args.territory)
            if not wait_for(lambda p=polled: "getUpdates" in server.methods[p:], 120):  # type: ignore[misc]
                print((folder / "bot.err").read_text()[-3000:])
                return 1
            time.sleep(rng.uniform(0, args.max_delay))
            bot.send_signal(signal.SIGKILL)
            bot.wait()
            bot = start_bot(server, folder, args.territory)
            wait_for(lambda p=people: all(replies(server)[u] > 0 for u in p), 20)  # type: ignore[misc]
            time.sleep(1.0)  # anything handled twice has arrived
            bot.send_signal(signal.SIGKILL)
            bot.wait()
            counts = replies(server)
            lost += sum(1 for u in people if counts[u] == 0)
            doubled += sum(1 for u in people if counts[u] > 1)
        log = (folder / "bot.err").read_text(encoding="utf-8", errors="replace")
    replayed = sum(int(m) for m in re.findall(r"inbox: (\d+) updates left", log))
    total = args.rounds * args.burst
    print(f"{args.rounds} rounds of {args.burst} /start, SIGKILL 0–{args.max_delay} s after "
          f"the first poll: {total} updates")  # fmt: skip
    print(f"lost: {lost} ({lost / total:.1%}); handled twice: {doubled} ({doubled / total:.1%}); "
          f"replayed from the inbox: {replayed}")  # fmt: skip
    return 0 if not lost else 1


if __name__ == "__main__":
    sys.exit(main())
