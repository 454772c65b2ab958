"""Helpers shared by the benches."""

from __future__ import annotations

from pathlib import Path


def filesystem(path: Path) -> str:
    """The filesystem type holding ``path`` (Linux), to tell a disk from tmpfs."""
    best, kind = "", "unknown"
    try:
        with open("/proc/mounts", encoding="utf-8") as mounts:
            for line in mounts:
                parts = line.split()
                if (
                    len(parts) >= 3
                    and str(path).startswith(parts[1])
                    and len(parts[1]) > len(best)
                ):
                    best, kind = parts[1], parts[2]
    except OSError:
        pass
    return kind
