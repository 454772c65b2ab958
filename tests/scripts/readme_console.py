"""The README's scripted console session: checked against a real run, or rewritten from one.

    .venv/bin/python tests/scripts/readme_console.py --check   # a diff and exit 1 if it differs
    .venv/bin/python tests/scripts/readme_console.py --write   # rewrite the block from a run

The block follows the line ``<!-- console session: ... -->`` in README.md: a fenced
``console`` block whose first line is the command, ``$ .venv/bin/python -m bot ... < FILE``,
and whose other lines are what that command prints. The command is run as written, from
the repository's root, on a fresh temporary database, without the caller's PASSERELLE_ and
TELEGRAM_ variables. The comparison ignores what legitimately changes from one run to the
next: request references (``R-4F7K``; the same one must stay the same), dates and times, a
request's age in minutes, and the line said outside the service's opening hours.

After a change of the bot's wording, ``--write`` and read the diff of README.md.
"""

from __future__ import annotations

import argparse
import datetime as dt
import difflib
import os
import re
import shlex
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
README = ROOT / "README.md"
MARKER = "<!-- console session:"
_COMMAND = re.compile(r"^\$ \.venv/bin/python -m bot (?P<args>[^<]+?) < (?P<script>\S+)$")


@dataclass(frozen=True)
class Block:
    """The README's session: the command's arguments, its input file, what it prints."""

    args: list[str]
    script: Path
    output: str
    start: int
    """Index (in the README's lines) of the first output line."""
    end: int
    """Index of the closing fence."""


def parse(readme: str) -> Block:
    lines = readme.splitlines()
    at = next((i for i, line in enumerate(lines) if line.startswith(MARKER)), None)
    if at is None:
        raise SystemExit(f"README.md has no line starting with {MARKER!r}")
    if at + 2 >= len(lines) or lines[at + 1] != "```console":
        raise SystemExit("the console session's marker must be followed by a ```console block")
    command = _COMMAND.match(lines[at + 2])
    if command is None:
        raise SystemExit(
            "the block's first line must be `$ .venv/bin/python -m bot ... < FILE`, "
            f"not {lines[at + 2]!r}"
        )
    end = next((i for i in range(at + 3, len(lines)) if lines[i] == "```"), None)
    if end is None:
        raise SystemExit("the console session's block is not closed")
    return Block(
        args=shlex.split(command["args"]),
        script=ROOT / command["script"],
        output="\n".join(lines[at + 3 : end]),
        start=at + 3,
        end=end,
    )


def run(block: Block) -> str:
    """What the block's command prints, run as a person runs it from the repository."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PASSERELLE_", "TELEGRAM_"))}
    env["PYTHONPATH"] = str(ROOT)  # this checkout's bot, whatever the venv was installed from
    with block.script.open(encoding="utf-8") as stdin:
        done = subprocess.run(
            [sys.executable, "-m", "bot", *block.args],
            stdin=stdin, capture_output=True, text=True, timeout=300, env=env, cwd=ROOT,
            check=False,
        )  # fmt: skip
    if done.returncode != 0 or "Traceback" in done.stderr:
        raise SystemExit(f"the console session failed ({done.returncode}):\n{done.stderr}")
    return done.stdout


def _closed_notices() -> list[re.Pattern[str]]:
    """The out-of-hours line, in every language and register, whatever the moment."""
    from bot.i18n import Catalogs
    from bot.requests import closed_notice

    catalogs, sample = Catalogs(), dt.datetime(2030, 1, 7, 9, tzinfo=dt.UTC)
    patterns = []
    for language in ("fr", "en"):
        for register in ("vous", "tu"):
            tr = catalogs.translator(language, dt.UTC, register)
            text = re.escape(closed_notice(tr, sample))
            patterns.append(re.compile(r"^\s*" + text.replace(re.escape(tr.moment(sample)), ".+")))
    return patterns


def normalise(text: str) -> str:
    closed = _closed_notices()
    lines = [line.rstrip() for line in text.strip("\n").splitlines()]
    lines = [line for line in lines if not any(p.match(line) for p in closed)]
    references: dict[str, str] = {}

    def reference(match: re.Match[str]) -> str:
        return references.setdefault(match[0], f"R-<{len(references) + 1}>")

    out = re.sub(r"\bR-[A-Z0-9]{4}\b", reference, "\n".join(lines))
    out = re.sub(r"\b\d{1,2}/\d{1,2}/\d{2,4}\b", "<date>", out)
    out = re.sub(r"\b\d{1,2}:\d{2}\b", "<time>", out)
    return re.sub(r"\b\d+ min\b", "<n> min", out)


def differences(block: Block, printed: str) -> list[str]:
    """The unified diff between the README's block and a run's output, normalised."""
    return list(
        difflib.unified_diff(
            normalise(block.output).splitlines(),
            normalise(printed).splitlines(),
            "README.md",
            "the console now",
            lineterm="",
        )
    )


def write(block: Block, printed: str) -> None:
    lines = README.read_text(encoding="utf-8").splitlines()
    output = [line.rstrip() for line in printed.strip("\n").splitlines()]
    lines[block.start : block.end] = output
    README.write_text("\n".join(lines) + "\n", encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    mode = parser.add_mutually_exclusive_group(required=True)
    mode.add_argument("--check", action="store_true", help="compare the README with a real run")
    mode.add_argument("--write", action="store_true", help="rewrite the README block from a run")
    args = parser.parse_args(argv)
    block = parse(README.read_text(encoding="utf-8"))
    printed = run(block)
    if args.write:
        write(block, printed)
        print(f"README.md: the console session rewritten ({len(printed.splitlines())} lines)")
        return 0
    diff = differences(block, printed)
    if diff:
        print("\n".join(diff))
        print("\nThe README's console session differs from a real run; if the change is "
              "intended: .venv/bin/python tests/scripts/readme_console.py --write")  # fmt: skip
        return 1
    print("README.md: the console session runs as printed")
    return 0


if __name__ == "__main__":
    if str(ROOT) not in sys.path:
        sys.path.insert(0, str(ROOT))
    sys.exit(main())
