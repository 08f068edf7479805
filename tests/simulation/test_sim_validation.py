"""The kernel and the random models against queueing theory: Erlang C and Erlang A.

A FIFO queue with ``c`` servers, Poisson arrivals and exponential service is M/M/c,
whose waiting probability, mean wait and service level are given exactly by Erlang C.
With exponential patience it is M/M/c+M (Palm's model, "Erlang A"), a birth-death
chain whose stationary distribution gives the waiting and abandonment probabilities,
the mean time in queue and (following one waiting caller) the service level exactly.

The simulated figures come from independent replications, each with its own derived
seed, summarised as 99% Student-t confidence intervals. A test passes when the exact
value lies inside the interval *and* the interval is narrow (half-width within 5% of
the value for probabilities, 15% for mean waits, which vary far more from run to run),
so that agreement is not bought with vagueness; a test with a different model checks
that the same criterion rejects it. The seeds are fixed, so the outcome is the same on
every run.

The exact values are computed here with slow, obvious arithmetic (fractions, and
``math.fsum`` over the birth-death chain) and share no code with the library.
"""

from __future__ import annotations

import concurrent.futures
import math
from fractions import Fraction

import pytest

from callcenter.simulation import (
    ConfidenceInterval,
    Deterministic,
    Exponential,
    StudyResult,
    batch_means,
    confidence_interval,
    run_study,
)
from callcenter.simulation._reference import fifo_queue_run, simulate_fifo_queue

LEVEL = 0.99
MAX_RELATIVE_HALF_WIDTH = {
    "wait_probability": 0.05,
    "abandon_probability": 0.05,
    "service_level": 0.05,
    "asa": 0.15,
    "mean_wait_all": 0.15,
}


def check_agreement(name: str, figure: str, ci: ConfidenceInterval, exact: float) -> str | None:
    """Why the simulated interval does not confirm the exact value, or None if it does."""
    if not ci.contains(exact):
        return f"{name} {figure}: exact {exact} outside {ci}"
    if ci.relative_half_width > MAX_RELATIVE_HALF_WIDTH[figure]:
        return f"{name} {figure}: {ci} is too wide to confirm anything"
    return None


def erlang_c(arrival_rate: Fraction, service_rate: Fraction, servers: int) -> Fraction:
    """P(wait) in M/M/c: (a^c/c! * c/(c-a)) / (sum_{k<c} a^k/k! + a^c/c! * c/(c-a))."""
    a = arrival_rate / service_rate
    assert a < servers, "Erlang C needs a load below the number of servers"
    top = a**servers / math.factorial(servers) * Fraction(servers) / (servers - a)
    bottom = sum((a**k / math.factorial(k) for k in range(servers)), Fraction(0)) + top
    return top / bottom


def erlang_c_figures(
    arrival_rate: Fraction, service_rate: Fraction, servers: int, threshold: float
) -> dict[str, float]:
    wait = erlang_c(arrival_rate, service_rate, servers)
    drain = float(servers * service_rate - arrival_rate)
    return {
        "wait_probability": float(wait),
        # The wait of a customer who waits is exponential with rate c mu - lambda.
        "asa": float(wait / (servers * service_rate - arrival_rate)),
        "service_level": 1.0 - float(wait) * math.exp(-drain * threshold),
    }


def _served_within(
    ahead: int, threshold: float, service_rate: float, patience_rate: float, servers: int
) -> float:
    """P(a waiting caller with ``ahead`` callers in front is answered within ``threshold``).

    The caller's own patience is exponential (rate theta). The number in front falls
    by one at rate c mu + j theta (a service completion, or one of the j in front
    giving up); from j = 0 the next completion answers the caller. Uniformization:
    with Lambda at least every exit rate, the chain observed at the events of a
    Poisson(Lambda) clock is a discrete chain, and
    P(answered by T) = sum_n Poisson(n; Lambda T) * P(answered within n steps).
    """
    theta = patience_rate
    exit_rates = [servers * service_rate + j * theta for j in range(ahead + 1)]
    uniform = max(exit_rates) + theta
    # state[j] = P(still waiting with j in front); answered accumulates absorption.
    state = [0.0] * (ahead + 1)
    state[ahead] = 1.0
    answered = 0.0
    total = 0.0
    weight = math.exp(-uniform * threshold)  # Poisson(0; Lambda T)
    n = 0
    while True:
        total = math.fsum([total, weight * answered])
        n += 1
        weight *= uniform * threshold / n
        if n > uniform * threshold and weight < 1e-18:
            break
        moved = [0.0] * (ahead + 1)
        answered = math.fsum([answered, state[0] * exit_rates[0] / uniform])
        for j in range(ahead + 1):
            stay = 1.0 - (exit_rates[j] + theta) / uniform
            moved[j] += state[j] * stay
            if j > 0:
                moved[j - 1] += state[j] * exit_rates[j] / uniform
        state = moved
    return total


def erlang_a_figures(
    arrival_rate: float,
    service_rate: float,
    patience_rate: float,
    servers: int,
    threshold: float = 20.0,
) -> dict[str, float]:
    """P(wait), P(abandon), mean time in queue and service level of M/M/c+M.

    State k = number in system; births at rate lambda, deaths at min(k, c) mu +
    max(k - c, 0) theta. pi_k is proportional to the product of birth/death ratios; the
    terms fall faster than geometrically once k theta exceeds lambda, and the sum stops
    when they are below 1e-20 of the total.
    """
    terms = [1.0]
    k = 0
    while True:
        k += 1
        death = min(k, servers) * service_rate + max(k - servers, 0) * patience_rate
        terms.append(terms[-1] * arrival_rate / death)
        if k > servers and terms[-1] < 1e-20 * math.fsum(terms):
            break
    total = math.fsum(terms)
    waiting = math.fsum(terms[servers:]) / total
    queue_length = math.fsum((j - servers) * terms[j] for j in range(servers + 1, len(terms)))
    queue_length /= total
    return {
        # By PASTA an arrival sees the stationary distribution: it waits if k >= c.
        "wait_probability": waiting,
        # Everyone in queue leaves at rate theta: abandonments per second = theta E[Q].
        "abandon_probability": patience_rate * queue_length / arrival_rate,
        # Little's law on the queue: E[Q] = lambda * E[time in queue].
        "mean_wait_all": queue_length / arrival_rate,
        # Share of all arrivals answered within the threshold: those who find a free
        # agent, plus those who wait and are answered in time.
        "service_level": math.fsum(
            [math.fsum(terms[:servers]) / total]
            + [
                terms[k]
                / total
                * _served_within(k - servers, threshold, service_rate, patience_rate, servers)
                for k in range(servers, len(terms))
            ]
        ),
    }


def test_the_chain_reproduces_erlang_c_without_abandonment() -> None:
    # A check of the two oracles against each other (theta -> 0 is M/M/c).
    exact = erlang_c_figures(Fraction(1, 36), Fraction(1, 240), 8, 20.0)
    chain = erlang_a_figures(1 / 36, 1 / 240, 1e-12, 8)
    assert chain["wait_probability"] == pytest.approx(exact["wait_probability"], rel=1e-6)
    assert chain["mean_wait_all"] == pytest.approx(exact["asa"], rel=1e-6)
    assert chain["service_level"] == pytest.approx(exact["service_level"], rel=1e-6)


def test_the_service_level_oracle_on_a_case_by_hand() -> None:
    # One agent, a caller with nobody in front: answered when the agent finishes
    # (rate mu) unless they give up first (rate theta): P = mu/(mu+theta) (1 - e^{-(mu+theta)T}).
    mu, theta, t = 1 / 200, 1 / 50, 30.0
    expected = mu / (mu + theta) * (1 - math.exp(-(mu + theta) * t))
    assert _served_within(0, t, mu, theta, 1) == pytest.approx(expected, rel=1e-12)


def _study(
    variants: dict[str, dict[str, float]], replications: int, seed: int
) -> StudyResult[dict[str, float]]:
    with concurrent.futures.ProcessPoolExecutor(max_workers=2) as pool:
        return run_study(
            fifo_queue_run,
            variants,
            replications=replications,
            base_seed=seed,
            executor=pool,
            level=LEVEL,
        )


ERLANG_C_CASES = {
    # The benchmark's model: 100 calls an hour, 4 minutes each, 8 agents (load 83%).
    "M/M/8": (Fraction(100, 3600), Fraction(1, 240), 8),
    # A small busy group: 3 agents at 70% load.
    "M/M/3": (Fraction(7, 1000), Fraction(1, 300), 3),
}


def test_mmc_agrees_with_erlang_c() -> None:
    variants = {
        name: {
            "arrival_rate": float(lam),
            "servers": float(c),
            "mean_service": float(1 / mu),
            "customers": 24_000,
            "warmup": 2_000,
            "answer_within": 20.0,
        }
        for name, (lam, mu, c) in ERLANG_C_CASES.items()
    }
    study = _study(variants, replications=16, seed=20261122)
    for name, (lam, mu, c) in ERLANG_C_CASES.items():
        exact = erlang_c_figures(lam, mu, c, 20.0)
        summary = study[name].summary
        assert summary["abandon_probability"].mean == 0.0
        for figure, value in exact.items():
            failure = check_agreement(name, figure, summary[figure], value)
            assert failure is None, failure


ERLANG_A_CASES = {
    # The same group with callers who wait two minutes on average.
    "M/M/8+M": (100 / 3600, 1 / 240, 1 / 120, 8),
    # Overloaded (load 120%): only abandonment keeps the queue finite.
    "M/M/2+M overloaded": (1 / 100, 1 / 240, 1 / 60, 2),
}


def test_mmc_with_patience_agrees_with_erlang_a() -> None:
    variants = {
        name: {
            "arrival_rate": lam,
            "servers": float(c),
            "mean_service": 1 / mu,
            "mean_patience": 1 / theta,
            "customers": 24_000,
            "warmup": 2_000,
        }
        for name, (lam, mu, theta, c) in ERLANG_A_CASES.items()
    }
    study = _study(variants, replications=16, seed=7)
    for name, (lam, mu, theta, c) in ERLANG_A_CASES.items():
        exact = erlang_a_figures(lam, mu, theta, c)
        summary = study[name].summary
        for figure, value in exact.items():
            failure = check_agreement(name, figure, summary[figure], value)
            assert failure is None, failure


def test_a_wrong_model_is_caught() -> None:
    # The same criterion must reject a model that is not M/M/c: with deterministic
    # service (M/D/c) customers wait about half as long as Erlang C says. This guards
    # against intervals so wide that they would accept anything.
    lam, mu, c = ERLANG_C_CASES["M/M/8"]
    exact = erlang_c_figures(lam, mu, c, 20.0)
    asa = [
        simulate_fifo_queue(
            arrival_rate=float(lam),
            servers=c,
            service=Deterministic(value=240.0),
            customers=12_000,
            warmup=1_000,
            seed=seed,
        )["asa"]
        for seed in range(8)
    ]
    ci = confidence_interval(asa, LEVEL)
    assert check_agreement("M/D/8", "asa", ci, exact["asa"]) is not None
    assert ci.high < exact["asa"]


def test_batch_means_on_one_long_run_agree_with_erlang_c() -> None:
    # The other classic method: one long run cut into batches. Waits of successive
    # customers are strongly correlated; batches of 5,000 customers are long enough.
    lam, mu, c = ERLANG_C_CASES["M/M/3"]
    exact = erlang_c_figures(lam, mu, c, 20.0)
    waits = _waits_of_one_run(float(lam), float(1 / mu), c, customers=105_000, seed=3)
    ci = batch_means(waits, batches=20, warmup=5_000, level=LEVEL)
    assert ci.contains(exact["asa"]), f"exact {exact['asa']} outside {ci}"
    assert ci.relative_half_width < 0.1


def _waits_of_one_run(
    arrival_rate: float, mean_service: float, servers: int, customers: int, seed: int
) -> list[float]:
    """Each customer's wait, in arrival order, from a FIFO M/M/c run on the kernel."""
    import random
    from collections import deque

    from callcenter.simulation import Simulator

    rng = random.Random(seed)
    sim = Simulator()
    gap, service = Exponential(mean=1 / arrival_rate), Exponential(mean=mean_service)
    waits = [0.0] * customers
    queue: deque[tuple[int, float]] = deque()
    free = servers

    def arrive(index: int) -> None:
        nonlocal free
        if index + 1 < customers:
            sim.schedule_after(gap.sample(rng), arrive, index + 1)
        if free:
            free -= 1
            sim.schedule_after(service.sample(rng), depart)
        else:
            queue.append((index, sim.now))

    def depart() -> None:
        nonlocal free
        if queue:
            index, arrived = queue.popleft()
            waits[index] = sim.now - arrived
            sim.schedule_after(service.sample(rng), depart)
        else:
            free += 1

    sim.schedule(0.0, arrive, 0)
    sim.run()
    return waits


def test_the_reference_model_is_reproducible() -> None:
    kwargs = {
        "arrival_rate": 0.02,
        "servers": 4,
        "service": Exponential(mean=150.0),
        "patience": Exponential(mean=60.0),
        "customers": 2_000,
    }
    first = simulate_fifo_queue(seed=5, **kwargs)  # type: ignore[arg-type]
    assert simulate_fifo_queue(seed=5, **kwargs) == first  # type: ignore[arg-type]
    assert simulate_fifo_queue(seed=6, **kwargs) != first  # type: ignore[arg-type]
