"""Erlang A: the M/M/N+M queue, where waiting callers hang up after an exponential patience.

With arrival rate ``lam = A / h``, service rate ``mu = 1 / h`` and abandonment rate
``theta = 1 / p`` (``p`` the mean patience), let ``x = N mu / theta`` and
``y = lam / theta``, and let the series

* ``S = sum_{j>=0} r_j`` with ``r_0 = 1``, ``r_j = r_{j-1} * y / (x + j)``
  (``r_j`` is the stationary weight of ``j`` waiting callers relative to the state
  "all ``N`` agents busy, nobody waiting");
* ``H = sum_j r_j (j + 1) / (x + j + 1)`` (the chance that a caller who finds ``j``
  waiting abandons, weighted);
* ``G0 = sum_j r_j x / (x + j + 1)`` (the same for being served; ``G0 + H = S``);
* ``U = sum_{j>=1} r_j * sum_{i=1..j} 1 / (x + i)`` (for the mean wait of the served);
* ``K = 1 / B(N, A) - 1`` (Erlang B, the states with a free agent).

Then, by the PASTA property and a partial-fraction sum over the hypoexponential
virtual waiting time (see Mandelbaum and Zeltyn, "The Palm/Erlang-A queue, with
applications to call centers", 2005, and Garnett, Mandelbaum and Reiman,
"Designing a call center with impatient customers", MSOM 4(3), 2002):

* P(wait) = ``S / (K + S)``;
* P(abandon) = ``H / (K + S)``;
* P(served after waiting longer than ``t``) = ``G(t) / (K + S)`` with
  ``G(t) = x / (x + 1) * A(x + 1, z) * exp(y - z - (x + 1) theta t)``,
  ``z = y exp(-theta t)`` and ``A(s, w) = sum_j w**j / prod_{i=1..j} (s + i)``;
* service level over offered = ``(K + G0 - G(t)) / (K + S)`` (answered within
  ``t``, including those answered at once, over every arrival), and over answered =
  ``(K + G0 - G(t)) / (K + G0)``;
* ASA of answered contacts = ``(x / lam) U / (K + G0)``.

Every series has positive terms, and all of them are rescaled together by exact
powers of two, so overload (where ``S`` is astronomically large) neither overflows
nor loses digits. A service level below one half would lose digits in
``G0 - G(t)``; it is computed instead as ``x * integral_0^{theta t} exp(y (1 - e^-v)
- (x + 1) v) dv`` (the incomplete-gamma difference after substituting
``u = y e^-v``), by adaptive Gauss-Legendre quadrature of a log-concave integrand.
"""

from __future__ import annotations

import math

__all__ = ["ErlangAValues", "erlang_a_values"]

_SCALE_EXP = 960
_UNSCALE = 2.0**-_SCALE_EXP
_LIMIT = 2.0**980
_LN2 = math.log(2.0)
_TINY = 2.0**-60


def _safe_ldexp(value: float, exponent: int) -> float:
    if value == 0.0:
        return 0.0
    try:
        return math.ldexp(value, exponent)
    except OverflowError:
        return math.inf


def _safe_exp(value: float) -> float:
    if value > 709.0:
        return math.inf
    return math.exp(value)


def _series(x: float, y: float) -> tuple[float, float, float, float, int]:
    """Return ``(S, H, G0, U, scale)``, each sum divided by ``2**(960 * scale)``."""
    r = 1.0
    s = 1.0
    t1 = 0.0
    g0 = x / (x + 1.0)
    u = 0.0
    harmonic = 0.0
    scale = 0
    peak = y - x
    j = 0
    while True:
        j += 1
        xj = x + j
        r *= y / xj
        harmonic += 1.0 / xj
        s += r
        t1 += j * r
        g0 += r * x / (xj + 1.0)
        u += r * harmonic
        if s > _LIMIT:
            r *= _UNSCALE
            s *= _UNSCALE
            t1 *= _UNSCALE
            g0 *= _UNSCALE
            u *= _UNSCALE
            scale += 1
        if j > peak:
            q = y / (xj + 1.0)
            if q < 1.0:
                tail = r * (j + 2) * (harmonic + 1.0) / ((1.0 - q) * (1.0 - q))
                if r == 0.0 or tail <= _TINY * min(s, t1 if t1 > 0 else s, u if u > 0 else s):
                    break
    h = t1 / y
    return s, h, g0, u, scale


def _a_series(s: float, w: float) -> tuple[float, int]:
    """``A(s, w) = sum_j w**j / prod_{i=1..j} (s + i)`` as (mantissa, power-of-2**960 scale)."""
    r = 1.0
    total = 1.0
    scale = 0
    peak = w - s
    j = 0
    while True:
        j += 1
        r *= w / (s + j)
        total += r
        if total > _LIMIT:
            r *= _UNSCALE
            total *= _UNSCALE
            scale += 1
        if j > peak:
            q = w / (s + j + 1.0)
            if q < 1.0 and (r == 0.0 or r / (1.0 - q) <= _TINY * total):
                break
    return total, scale


def _gauss_legendre(order: int) -> tuple[tuple[float, ...], tuple[float, ...]]:
    """Nodes and weights of Gauss-Legendre quadrature on [-1, 1], by Newton's method."""
    nodes: list[float] = []
    weights: list[float] = []
    for i in range(1, order + 1):
        x = math.cos(math.pi * (i - 0.25) / (order + 0.5))
        for _ in range(100):
            p0, p1 = 1.0, x
            for k in range(2, order + 1):
                p0, p1 = p1, ((2 * k - 1) * x * p1 - (k - 1) * p0) / k
            derivative = order * (x * p1 - p0) / (x * x - 1.0)
            step = p1 / derivative
            x -= step
            if abs(step) < 1e-17:
                break
        p0, p1 = 1.0, x
        for k in range(2, order + 1):
            p0, p1 = p1, ((2 * k - 1) * x * p1 - (k - 1) * p0) / k
        derivative = order * (x * p1 - p0) / (x * x - 1.0)
        nodes.append(x)
        weights.append(2.0 / ((1.0 - x * x) * derivative * derivative))
    return tuple(nodes), tuple(weights)


_GL_NODES, _GL_WEIGHTS = _gauss_legendre(20)


def _answered_within(x: float, y: float, tau: float, log_scale: float) -> float:
    """``G0 - G(t)`` (contacts answered within ``t`` after waiting), without cancellation.

    ``G0 - G(t) = x * integral_0^tau exp(psi(v)) dv`` with ``tau = theta t`` and
    ``psi(v) = y (1 - exp(-v)) - (x + 1) v`` (substitute ``u = y exp(-v)`` in the
    incomplete-gamma form). ``psi`` is concave, so the integrand is unimodal: it is
    integrated around its peak, where it exceeds ``exp(-50)`` of the peak, by adaptive
    20-point Gauss-Legendre panels. The result is divided by ``exp(log_scale)``.
    """
    if tau <= 0.0:
        return 0.0
    peak = math.log(y / (x + 1.0)) if y > x + 1.0 else 0.0
    peak = min(peak, tau)
    slope_at_peak = y * math.exp(-peak)

    def rise(v: float) -> float:
        # psi(v) - psi(peak), accurate for v near the peak.
        d = v - peak
        return -slope_at_peak * math.expm1(-d) - (x + 1.0) * d

    def edge(inside: float, outside: float) -> float:
        if rise(outside) >= -50.0:
            return outside
        for _ in range(200):
            middle = 0.5 * (inside + outside)
            if middle in (inside, outside):
                break
            if rise(middle) >= -50.0:
                inside = middle
            else:
                outside = middle
        return outside

    low = edge(peak, 0.0)
    high = edge(peak, tau)

    def panel(a: float, b: float) -> float:
        middle = 0.5 * (a + b)
        half = 0.5 * (b - a)
        return half * math.fsum(
            w * math.exp(rise(middle + half * n))
            for n, w in zip(_GL_NODES, _GL_WEIGHTS, strict=True)
        )

    pieces = [(low, peak), (peak, high)] if low < peak < high else [(low, high)]
    stack = [(a, b, panel(a, b)) for a, b in pieces if b > a]
    total_estimate = sum(value for _, _, value in stack)
    parts: list[float] = []
    while stack:
        a, b, whole = stack.pop()
        middle = 0.5 * (a + b)
        left, right = panel(a, middle), panel(middle, b)
        if abs(left + right - whole) <= 1e-16 * total_estimate or middle in (a, b):
            parts.append(left + right)
        else:
            stack.append((a, middle, left))
            stack.append((middle, b, right))
    psi_peak = -y * math.expm1(-peak) - (x + 1.0) * peak
    return x * math.fsum(parts) * _safe_exp(psi_peak - log_scale)


class ErlangAValues:
    """The raw Erlang A quantities (internal; :func:`~callcenter.metrics.evaluate` wraps them)."""

    __slots__ = (
        "abandonment",
        "asa_seconds",
        "service_level_answered",
        "service_level_offered",
        "wait_probability",
    )

    def __init__(
        self,
        wait_probability: float,
        abandonment: float,
        service_level_offered: float,
        service_level_answered: float,
        asa_seconds: float,
    ) -> None:
        self.wait_probability = wait_probability
        self.abandonment = abandonment
        self.service_level_offered = service_level_offered
        self.service_level_answered = service_level_answered
        self.asa_seconds = asa_seconds


def erlang_a_values(
    agents: int,
    traffic: float,
    aht: float,
    patience: float,
    answer_time: float,
    k_mantissa: float,
    k_scale: int,
) -> ErlangAValues:
    """Compute Erlang A from validated inputs and ``K = 1/B - 1`` (mantissa, scale)."""
    if traffic == 0.0:
        return ErlangAValues(0.0, 0.0, 1.0, 1.0, 0.0)
    if agents == 0:
        return ErlangAValues(1.0, 1.0, 0.0, 0.0, math.inf)
    theta = 1.0 / patience
    x = agents * patience / aht
    y = traffic * patience / aht
    lam = traffic / aht
    if y == 0.0 or lam == 0.0:
        # Traffic so small that it underflows once scaled: nobody ever waits.
        return ErlangAValues(0.0, 0.0, 1.0, 1.0, 0.0)
    s, h, g0, u, scale = _series(x, y)
    k = _safe_ldexp(k_mantissa, _SCALE_EXP * (k_scale - scale))
    den = k + s
    served = k + g0
    if math.isinf(den):
        # K dwarfs the queue series: waiting is negligible next to a free agent.
        return ErlangAValues(0.0, 0.0, 1.0, 1.0, 0.0)
    # G(t) relative to the same scale as S.
    theta_t = theta * answer_time
    z = y * math.exp(-theta_t)
    a_total, a_scale = _a_series(x + 1.0, z)
    exponent = -y * math.expm1(-theta_t) - (agents / aht + theta) * answer_time
    exponent += (a_scale - scale) * _SCALE_EXP * _LN2
    g_t = x / (x + 1.0) * a_total * _safe_exp(exponent)
    g_t = min(g_t, g0)
    wait = s / den
    abandonment = h / den
    late = (h + g_t) / den
    late_answered = g_t / served
    within = None
    if late > 0.5 or late_answered > 0.5:
        # A service level below one half: 1 - late would lose digits, so the answered
        # share is integrated directly.
        within = k + _answered_within(x, y, theta_t, scale * _SCALE_EXP * _LN2)
    sl_offered = 1.0 - late if within is None or late <= 0.5 else within / den
    sl_answered = 1.0 - late_answered if within is None or late_answered <= 0.5 else within / served
    asa = (x / lam) * u / served
    return ErlangAValues(
        min(1.0, wait),
        min(1.0, abandonment),
        min(1.0, max(0.0, sl_offered)),
        min(1.0, max(0.0, sl_answered)),
        asa,
    )
