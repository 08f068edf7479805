"""What-if studies: one simulation function, several variants, many replications.

:func:`run_study` calls ``run(variant, seed)`` for every variant and replication,
spreading the calls over a :class:`concurrent.futures.Executor`, and summarises each
figure the runs return as a mean with a Student-t confidence interval.

The seed of each run depends only on ``(base_seed, variant index, replication)``
(or, with common random numbers, on ``(base_seed, replication)``), never on which
worker ran it or in which order runs finished, so a study gives the same numbers on
one thread, on a process pool, or on a cluster executor.
"""

from __future__ import annotations

import concurrent.futures
import hashlib
from collections.abc import Callable, Mapping, Sequence
from typing import Generic, TypeVar

import attrs

from ..errors import InvalidArgumentError
from ._checks import is_count, is_real
from ._stats import ConfidenceInterval, _check_level, confidence_interval

__all__ = ["StudyResult", "VariantResult", "derive_seed", "run_study"]

V = TypeVar("V")

RunFunction = Callable[[V, int], Mapping[str, float]]


def _is_int(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def derive_seed(base_seed: int, variant: int, replication: int) -> int:
    """The seed of one run: 64 bits of BLAKE2b over ``"base:variant:replication"``.

    A cryptographic hash makes the seeds of neighbouring runs unrelated and is the
    same on every platform and Python version (unlike :func:`hash`).

    >>> derive_seed(1, 0, 0) == derive_seed(1, 0, 0) != derive_seed(1, 0, 1)
    True
    """
    for name, value in (("base_seed", base_seed), ("variant", variant)):
        if not _is_int(value):
            raise InvalidArgumentError(name=name, expected="an integer", got=value)
    if not is_count(replication):
        raise InvalidArgumentError(name="replication", expected="an integer >= 0", got=replication)
    digest = hashlib.blake2b(f"{base_seed}:{variant}:{replication}".encode(), digest_size=8)
    return int.from_bytes(digest.digest(), "big")


@attrs.frozen(kw_only=True)
class VariantResult(Generic[V]):
    """What a study found for one variant.

    Attributes:
        name: The variant's name.
        variant: The variant itself, as passed to ``run``.
        seeds: The seed of each replication, in replication order.
        runs: The figures each replication returned, in replication order.
        summary: Each figure's mean with its confidence interval.
    """

    name: str
    variant: V
    seeds: tuple[int, ...]
    runs: tuple[Mapping[str, float], ...]
    summary: Mapping[str, ConfidenceInterval]


@attrs.frozen(kw_only=True)
class StudyResult(Generic[V]):
    """The result of :func:`run_study`.

    Attributes:
        variants: One result per variant, in the order given.
        replications: Replications per variant.
        base_seed: The seed the run seeds were derived from.
        level: The confidence level of the intervals.
    """

    variants: tuple[VariantResult[V], ...]
    replications: int
    base_seed: int
    level: float

    def __getitem__(self, name: str) -> VariantResult[V]:
        """The result of the variant called ``name``."""
        for result in self.variants:
            if result.name == name:
                return result
        raise KeyError(name)

    def compare(self, first: str, second: str, figure: str) -> ConfidenceInterval:
        """The difference ``second - first`` in ``figure``, with a paired-t interval.

        Replication ``r`` of one variant is paired with replication ``r`` of the
        other and the interval is built from the ``n`` differences. With
        ``common_random_numbers=True`` the pairs saw the same callers, so the
        interval is much narrower than the two variants' own intervals suggest;
        without, pairs are independent and the interval is still valid. If it does
        not contain 0 the difference is real at the study's level.

        Raises:
            KeyError: An unknown variant or figure.
        """
        a, b = self[first], self[second]
        if figure not in a.summary:
            raise KeyError(figure)
        differences = [y[figure] - x[figure] for x, y in zip(a.runs, b.runs, strict=True)]
        return confidence_interval(differences, self.level)

    def table(self) -> list[dict[str, object]]:
        """One row per variant and figure: name, figure, mean, low, high, half_width."""
        return [
            {
                "variant": result.name,
                "figure": figure,
                "mean": ci.mean,
                "low": ci.low,
                "high": ci.high,
                "half_width": ci.half_width,
            }
            for result in self.variants
            for figure, ci in result.summary.items()
        ]


def _call(run: RunFunction[V], variant: V, seed: int) -> Mapping[str, float]:
    return run(variant, seed)


def _check_figures(
    figures: object, name: str, replication: int, expected: Sequence[str] | None
) -> dict[str, float]:
    where = f"the result of variant {name!r}, replication {replication}"
    if not isinstance(figures, Mapping):
        raise InvalidArgumentError(
            name="run", expected="a function returning a dict of figure -> number", got=figures
        )
    checked: dict[str, float] = {}
    for key, value in figures.items():
        if not isinstance(key, str) or not is_real(value):
            raise InvalidArgumentError(
                name=where,
                expected="string keys and finite numbers (return 0.0, not NaN, for an empty "
                "figure, or leave the figure out of every run)",
                got={key: value},
            )
        checked[key] = float(value)
    if expected is not None and sorted(checked) != sorted(expected):
        raise InvalidArgumentError(
            name=where,
            expected=f"the same figures as the first run: {sorted(expected)}",
            got=sorted(checked),
        )
    return checked


def run_study(
    run: RunFunction[V],
    variants: Mapping[str, V] | Sequence[V],
    *,
    replications: int,
    base_seed: int = 0,
    executor: concurrent.futures.Executor | None = None,
    level: float = 0.95,
    common_random_numbers: bool = False,
    progress: Callable[[int, int], object] | None = None,
) -> StudyResult[V]:
    """Run ``run(variant, seed)`` for every variant and replication; summarise the figures.

    Args:
        run: A function of a variant and a seed that returns figures by name (all
            runs must return the same names). For a process pool it and the variants
            must be picklable: define it at module level.
        variants: Named variants (a mapping), or a sequence (named ``"0"``, ``"1"``...).
        replications: Independent runs per variant (>= 2, for an interval).
        base_seed: Where every run's seed is derived from (see :func:`derive_seed`).
        executor: Where the runs go. ``None`` creates a
            :class:`~concurrent.futures.ProcessPoolExecutor` for this study and shuts
            it down afterwards; an executor you pass is left running. Where worker
            processes are spawned (Windows, macOS), call the study from under
            ``if __name__ == "__main__":`` in a script.
        level: Confidence level of the intervals.
        common_random_numbers: Give replication ``r`` of every variant the same seed
            (derived with variant index 0), so that differences between variants are
            not blurred by different random draws.
        progress: Called as ``progress(done, total)`` after each run completes.

    Returns:
        The figures of every run and their means with confidence intervals.

    Raises:
        InvalidArgumentError: Bad arguments, or a run returned something other than a
            dict of finite numbers with the same keys as the others.
        Exception: Whatever a run raised, with a note naming the variant, replication
            and seed; the runs not yet started are cancelled.
    """
    if not is_count(replications, 2):
        raise InvalidArgumentError(
            name="replications", expected="an integer >= 2", got=replications
        )
    level = _check_level(level)
    named: list[tuple[str, V]] = _name_variants(variants)
    if not named:
        raise InvalidArgumentError(name="variants", expected="at least one variant", got=variants)
    seeds = [
        [
            derive_seed(base_seed, 0 if common_random_numbers else index, replication)
            for replication in range(replications)
        ]
        for index in range(len(named))
    ]
    owned = executor is None
    pool = concurrent.futures.ProcessPoolExecutor() if executor is None else executor
    try:
        futures = {
            pool.submit(_call, run, variant, seeds[index][replication]): (index, replication)
            for index, (_, variant) in enumerate(named)
            for replication in range(replications)
        }
        raw: dict[tuple[int, int], Mapping[str, float]] = {}
        total = len(futures)
        try:
            for future in concurrent.futures.as_completed(futures):
                index, replication = futures[future]
                try:
                    raw[index, replication] = future.result()
                except BaseException as exc:
                    exc.add_note(
                        f"in run_study: variant {named[index][0]!r}, replication "
                        f"{replication}, seed {seeds[index][replication]}"
                    )
                    raise
                if progress is not None:
                    progress(len(raw), total)
        except BaseException:
            for future in futures:
                future.cancel()
            raise
    finally:
        if owned:
            pool.shutdown(wait=True, cancel_futures=True)
    return _summarise(named, seeds, raw, replications, base_seed, level)


def _name_variants(variants: object) -> list[tuple[str, V]]:
    if isinstance(variants, Mapping):
        return [(str(name), variant) for name, variant in variants.items()]
    if isinstance(variants, Sequence) and not isinstance(variants, str | bytes):
        return [(str(index), variant) for index, variant in enumerate(variants)]
    raise InvalidArgumentError(
        name="variants", expected="a mapping of name -> variant, or a sequence", got=variants
    )


def _summarise(
    named: list[tuple[str, V]],
    seeds: list[list[int]],
    raw: dict[tuple[int, int], Mapping[str, float]],
    replications: int,
    base_seed: int,
    level: float,
) -> StudyResult[V]:
    expected: list[str] | None = None
    results: list[VariantResult[V]] = []
    for index, (name, variant) in enumerate(named):
        runs: list[dict[str, float]] = []
        for replication in range(replications):
            figures = _check_figures(raw[index, replication], name, replication, expected)
            if expected is None:
                expected = list(figures)
            runs.append(figures)
        summary = {
            figure: confidence_interval([r[figure] for r in runs], level)
            for figure in expected or ()
        }
        results.append(
            VariantResult(
                name=name,
                variant=variant,
                seeds=tuple(seeds[index]),
                runs=tuple(runs),
                summary=summary,
            )
        )
    return StudyResult(
        variants=tuple(results), replications=replications, base_seed=base_seed, level=level
    )
