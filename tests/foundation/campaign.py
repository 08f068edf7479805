"""Shared pieces of the hostile-input campaigns: how long they run, by profile."""

from __future__ import annotations

from hypothesis import settings


def campaign_examples(short: int, long: int) -> int:
    """``long`` examples under the ``thorough`` profile, ``short`` otherwise (dev, ci)."""
    current = settings.default
    return long if current is not None and current.max_examples >= 1000 else short
