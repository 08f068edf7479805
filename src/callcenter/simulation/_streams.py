"""Named random streams: one seed, an independent generator per purpose.

A simulated day draws many kinds of random numbers: arrival gaps, talk times,
patience, key presses. Drawing them all from one generator couples them: change the
IVR's probabilities and every later talk time changes too, because the stream has
shifted. :class:`RandomStreams` gives each purpose its own :class:`random.Random`,
seeded from ``(seed, name)``, so a change to one model leaves the draws of the others
exactly as they were. Two variants of a study that share a seed then differ only where
they really differ (common random numbers, synchronised by purpose).
"""

from __future__ import annotations

import hashlib
import random

from ..errors import InvalidArgumentError

__all__ = ["RandomStreams"]


def _is_int(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _is_name(name: object) -> bool:
    return isinstance(name, str) and name != ""


class RandomStreams:
    """Independent :class:`random.Random` generators derived from one seed, by name.

    The generator for a name is created on first use, seeded with 64 bits of BLAKE2b
    over ``"seed/name"``; asking again returns the same generator (which has moved on).

    >>> streams = RandomStreams(2026)
    >>> arrivals = streams["arrivals:enquiry"]
    >>> arrivals is streams["arrivals:enquiry"]
    True
    >>> RandomStreams(2026)["talk:enquiry"].random() == streams["talk:enquiry"].random()
    True

    Args:
        seed: Any integer.

    Raises:
        InvalidArgumentError: ``seed`` is not an integer.
    """

    __slots__ = ("_seed", "_streams")

    def __init__(self, seed: int) -> None:
        if not _is_int(seed):
            raise InvalidArgumentError(name="seed", expected="an integer", got=seed)
        self._seed = seed
        self._streams: dict[str, random.Random] = {}

    @property
    def seed(self) -> int:
        """The seed every stream is derived from."""
        return self._seed

    def seed_of(self, name: str) -> int:
        """The seed of the stream called ``name`` (64 bits of BLAKE2b over ``"seed/name"``)."""
        digest = hashlib.blake2b(f"{self._seed}/{name}".encode(), digest_size=8)
        return int.from_bytes(digest.digest(), "big")

    def __getitem__(self, name: str) -> random.Random:
        stream = self._streams.get(name)
        if stream is None:
            if not _is_name(name):
                raise InvalidArgumentError(
                    name="name", expected="a non-empty stream name", got=name
                )
            stream = self._streams[name] = random.Random(self.seed_of(name))
        return stream

    def __contains__(self, name: object) -> bool:
        return name in self._streams

    def names(self) -> tuple[str, ...]:
        """The names of the streams used so far, in order of first use."""
        return tuple(self._streams)
