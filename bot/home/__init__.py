"""The home domain."""

from __future__ import annotations
