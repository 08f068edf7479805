"""Erlang B, Erlang C and Erlang A (M/M/N+M), computed without overflow or cancellation.

Notation: ``A`` is the offered traffic in Erlangs (arrival rate times mean handle
time), ``N`` the number of agents (servers), ``h`` the mean handle time, ``t`` the
answer-time target and, for Erlang A, ``p`` the mean patience (exponential).

How the numbers stay exact to about 1e-13 relative:

* Erlang B comes from the recursion on its inverse, ``I(0) = 1``,
  ``I(n) = 1 + (n / A) * I(n - 1)``, ``B(N, A) = 1 / I(N)``. Every term is positive,
  so no step cancels, and a relative error in ``I(n - 1)`` reaches ``I(n)``
  multiplied by ``1 - B(n) < 1``: rounding errors are damped, never amplified.
  ``I`` is kept as a mantissa and a power of two (rescaled by an exact
  ``2**-960`` when it grows), so it never overflows, even for 100,000 agents.
* The recursion starts at ``n0 = m - d`` (``m = min(N, floor(A))``,
  ``d = ceil(sqrt(80 m)) + 1``) from ``I(n0) = 1`` instead of at zero: the start
  error (below 100 %) is damped by ``prod (1 - B(n)) <= prod (n / A) <= exp(-40)``
  over ``n0 < n <= m`` (because ``B(n) >= 1 - n / A``), far below one rounding.
  This makes one evaluation at 2,000 Erlangs about 400 steps instead of 2,000.
* For traffic below ``2**-30`` Erlangs, where ``n / A`` itself may overflow, the
  power of two of ``A`` is carried as an exact exponent at every step.
* Erlang C quantities are rewritten so that only positive terms are added:
  ``1 - C = (N - A) K / ((N - A) I + A)`` with ``K = I - 1`` kept separately, and
  the service level ``1 - C exp(-(N - A) t / h)`` uses ``expm1``, so a service level
  close to 0 or to 1 keeps its digits.
* Erlang A sums its series (``S = sum_j prod_{i<=j} y / (x + i)`` and companions)
  term by term with the same power-of-two rescaling; every probability is a ratio in
  which the scale cancels exactly.

Results that are smaller than the smallest normal float (about 2.2e-308; e.g.
Erlang B with 100,000 agents and 10,000 Erlangs is about ``exp(-140000)``) cannot be
represented; they come out as the nearest subnormal or 0.0. :func:`log_erlang_b`
gives the natural logarithm, which is always representable.

Unstable queues: with ``N <= A`` an Erlang C queue grows without bound. This module
defines that case instead of failing: the waiting probability is 1, the service
level 0, the ASA ``math.inf`` and the occupancy 1. Erlang A is stable for every
``N >= 0`` (impatient callers leave), so it needs no such convention.
"""

from __future__ import annotations

import math

from ..errors import InvalidArgumentError

__all__ = [
    "erlang_b",
    "erlang_c",
    "erlang_c_asa",
    "erlang_c_occupancy",
    "erlang_c_service_level",
    "log_erlang_b",
]

_SCALE_EXP = 960
_SCALE = 2.0**_SCALE_EXP
_UNSCALE = 2.0**-_SCALE_EXP
_LIMIT = 2.0**980
_LN2 = math.log(2.0)
_TINY_TRAFFIC = 2.0**-30


def _check_agents(agents: object, *, allow_zero: bool = True) -> int:
    if isinstance(agents, bool) or not isinstance(agents, int):
        raise InvalidArgumentError(name="agents", expected="an int >= 0", got=agents)
    low = 0 if allow_zero else 1
    if agents < low:
        raise InvalidArgumentError(name="agents", expected=f"an int >= {low}", got=agents)
    return agents


def _check_positive(value: object, name: str, *, allow_zero: bool = False) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise InvalidArgumentError(name=name, expected="a finite number > 0", got=value)
    number = float(value)
    if not math.isfinite(number) or number < 0 or (number == 0 and not allow_zero):
        bound = ">= 0" if allow_zero else "> 0"
        raise InvalidArgumentError(name=name, expected=f"a finite number {bound}", got=value)
    return number


class _Inverse:
    """``I(N) = 1 / B(N, A)`` and ``K(N) = I(N) - 1``, each as ``mantissa * 2**(960 * scale)``.

    Extends one agent at a time, so that a staffing search walks upwards in O(1)
    per candidate.
    """

    __slots__ = ("inv", "k", "n", "scale", "traffic")

    def __init__(self, traffic: float, agents: int) -> None:
        self.traffic = traffic
        top = min(agents, math.floor(traffic))
        start = max(0, top - (math.isqrt(80 * top) + 2)) if top > 0 else 0
        self.n = start
        self.inv = 1.0
        self.k = 0.0
        self.scale = 0
        self.advance_to(agents)

    def advance_to(self, agents: int) -> None:
        a = self.traffic
        if a < _TINY_TRAFFIC:
            self._advance_tiny(agents)
            return
        inv = self.inv
        k = self.k
        scale = self.scale
        one = 1.0 if scale == 0 else 0.0  # 2**(-960 * scale) is negligible beside I
        # Rescale early enough that the next n * I / A cannot overflow.
        limit = min(_LIMIT, 2.0**1020 / max(1.0, agents / a))
        for n in range(self.n + 1, agents + 1):
            k = n * inv / a
            inv = one + k
            if inv > limit:
                inv *= _UNSCALE
                k *= _UNSCALE
                scale += 1
                one = 0.0
        self.n = max(self.n, agents)
        self.inv = inv
        self.k = k
        self.scale = scale

    def _advance_tiny(self, agents: int) -> None:
        # For traffic so small that n / A overflows (or nearly), the factor 2**e of
        # A = m * 2**e is carried as an exact binary exponent, step by step.
        mantissa, exponent = math.frexp(self.traffic)
        bits = _SCALE_EXP * self.scale
        inv, k = self.inv, self.k
        for n in range(self.n + 1, agents + 1):
            k = n * inv / mantissa
            bits -= exponent
            inv = k + math.ldexp(1.0, -bits) if bits < 1074 else k
            if inv > 2.0**500:
                inv = math.ldexp(inv, -500)
                k = math.ldexp(k, -500)
                bits += 500
        # Back to whole 960-bit units, the representation the rest of the module uses.
        scale = -(-bits // _SCALE_EXP) if bits > 0 else 0
        shift = bits - _SCALE_EXP * scale
        self.n = max(self.n, agents)
        self.inv = math.ldexp(inv, shift)
        self.k = math.ldexp(k, shift)
        self.scale = scale

    def erlang_b(self) -> float:
        if self.scale == 0:
            return 1.0 / self.inv
        return math.ldexp(1.0 / self.inv, -_SCALE_EXP * self.scale)

    def log_erlang_b(self) -> float:
        return -(math.log(self.inv) + _SCALE_EXP * self.scale * _LN2)


def _inverse(agents: int, traffic: float) -> _Inverse:
    return _Inverse(traffic, agents)


def erlang_b(agents: int, traffic: float) -> float:
    """Blocking probability of an M/M/N/N loss system (Erlang B).

    ``B(N, A) = (A**N / N!) / sum_{k=0..N} A**k / k!``: the share of contacts that
    find all ``N`` lines busy and are lost.

    Args:
        agents: ``N``, servers or lines (an int >= 0).
        traffic: ``A``, offered traffic in Erlangs (>= 0).

    Returns:
        The probability, within about 1e-13 relative of the exact value (see the
        module notes for values below the smallest normal float).

    Raises:
        InvalidArgumentError: ``agents`` is not an int >= 0 or ``traffic`` not >= 0.

    Complexity: O(min(N, A)**0.5 + max(0, N - A)) float steps.

    >>> round(erlang_b(10, 10.0), 6)
    0.214582
    >>> erlang_b(0, 3.0), erlang_b(4, 0.0)
    (1.0, 0.0)
    """
    n = _check_agents(agents)
    a = _check_positive(traffic, "traffic", allow_zero=True)
    if n == 0:
        return 1.0
    if a == 0:
        return 0.0
    return _inverse(n, a).erlang_b()


def log_erlang_b(agents: int, traffic: float) -> float:
    """Natural logarithm of :func:`erlang_b`, finite even where Erlang B underflows.

    Args:
        agents: ``N`` (an int >= 0).
        traffic: ``A`` in Erlangs (> 0).

    Returns:
        ``log B(N, A)``; ``0.0`` for ``N == 0``.

    Raises:
        InvalidArgumentError: On a bad argument (``traffic`` must be > 0 here).

    >>> round(log_erlang_b(100_000, 10_000.0) / 1e5, 4)
    -1.4027
    """
    n = _check_agents(agents)
    a = _check_positive(traffic, "traffic")
    if n == 0:
        return 0.0
    return _inverse(n, a).log_erlang_b()


# --------------------------------------------------------------------------- Erlang C


def _c_parts(inv: _Inverse, n: int) -> tuple[float, float, float]:
    """Return ``(den, minus_c, c)`` scaled alike: ``den = (N-A) I + A``, ``1-C``, ``C``.

    Every quantity is divided by ``2**(960 * scale)``; only ratios are used.
    """
    a = inv.traffic
    gap = n - a
    unscale = 1.0 if inv.scale == 0 else math.ldexp(1.0, -_SCALE_EXP * inv.scale)
    den = gap * inv.inv + a * unscale
    return den, gap * inv.k, n * unscale


def _c_values(n: int, inv: _Inverse, aht: float, answer_time: float) -> tuple[float, float, float]:
    """Wait probability, service level and ASA for a stable queue (``N > A``)."""
    a = inv.traffic
    gap = n - a
    den, not_wait, wait_scaled = _c_parts(inv, n)
    wait = wait_scaled / den
    x = gap * answer_time / aht
    service_level = (not_wait - wait_scaled * math.expm1(-x)) / den
    asa = wait * aht / gap
    return wait, min(1.0, service_level), asa


def erlang_c(agents: int, traffic: float) -> float:
    """Probability that a contact waits in an M/M/N queue (Erlang C).

    ``C(N, A) = N B / (N - A + A B)`` with ``B = erlang_b(N, A)``; 1.0 when
    ``N <= A`` (unstable queue: every contact waits).

    Args:
        agents: ``N`` (an int >= 0).
        traffic: ``A`` in Erlangs (>= 0).

    Returns:
        The waiting probability.

    Raises:
        InvalidArgumentError: On a bad argument.

    Complexity: as :func:`erlang_b`.

    >>> round(erlang_c(11, 10.0), 4)      # 100 calls / 30 min, AHT 180 s, 11 agents
    0.6821
    >>> erlang_c(3, 2.0) == 4 / 9         # M/M/3 at rho = 2/3, by hand: 4/9
    True
    """
    n = _check_agents(agents)
    a = _check_positive(traffic, "traffic", allow_zero=True)
    if a == 0:
        return 0.0
    if n <= a:
        return 1.0
    inv = _inverse(n, a)
    den, _, wait_scaled = _c_parts(inv, n)
    return wait_scaled / den


def erlang_c_service_level(agents: int, traffic: float, aht: float, answer_time: float) -> float:
    """Share of contacts answered within ``answer_time`` seconds in an M/M/N queue.

    ``SL = 1 - C(N, A) * exp(-(N - A) * t / h)``, computed as
    ``((N - A) K - N expm1(-(N - A) t / h)) / ((N - A) I + A)`` so that nothing
    cancels. 0.0 when ``N <= A``.

    Args:
        agents: ``N``.
        traffic: ``A`` in Erlangs.
        aht: ``h``, mean handle time in seconds (> 0).
        answer_time: ``t``, the target in seconds (>= 0).

    Returns:
        The service level, in [0, 1].

    Raises:
        InvalidArgumentError: On a bad argument.

    >>> round(erlang_c_service_level(14, 10.0, 180, 20), 3)
    0.888
    """
    n = _check_agents(agents)
    a = _check_positive(traffic, "traffic", allow_zero=True)
    h = _check_positive(aht, "aht")
    t = _check_positive(answer_time, "answer_time", allow_zero=True)
    if a == 0:
        return 1.0
    if n <= a:
        return 0.0
    return _c_values(n, _inverse(n, a), h, t)[1]


def erlang_c_asa(agents: int, traffic: float, aht: float) -> float:
    """Average speed of answer (mean wait of all contacts) in an M/M/N queue.

    ``ASA = C(N, A) * h / (N - A)``; ``math.inf`` when ``N <= A``.

    Args:
        agents: ``N``.
        traffic: ``A`` in Erlangs.
        aht: ``h`` in seconds.

    Returns:
        Seconds.

    Raises:
        InvalidArgumentError: On a bad argument.

    >>> round(erlang_c_asa(14, 10.0, 180), 2)
    7.84
    """
    n = _check_agents(agents)
    a = _check_positive(traffic, "traffic", allow_zero=True)
    h = _check_positive(aht, "aht")
    if a == 0:
        return 0.0
    if n <= a:
        return math.inf
    return _c_values(n, _inverse(n, a), h, 0.0)[2]


def erlang_c_occupancy(agents: int, traffic: float) -> float:
    """Agent occupancy of an M/M/N queue: ``A / N``, capped at 1 (``N <= A``).

    >>> erlang_c_occupancy(16, 10.0)
    0.625
    """
    n = _check_agents(agents, allow_zero=False)
    a = _check_positive(traffic, "traffic", allow_zero=True)
    return min(1.0, a / n)
