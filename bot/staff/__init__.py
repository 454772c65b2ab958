"""The staff domain."""

from __future__ import annotations
