"""Test configuration: Hypothesis profiles.

* ``dev`` (the default): quick, random, for the edit-test loop.
* ``ci``: deterministic (derandomized) with more examples; ``make test`` uses it.
* ``thorough``: long fuzzing runs outside CI (``pytest --hypothesis-profile=thorough``).
"""

from __future__ import annotations

from hypothesis import HealthCheck, settings

settings.register_profile("dev", max_examples=50, deadline=None)
settings.register_profile(
    "ci",
    max_examples=200,
    derandomize=True,
    deadline=None,
    print_blob=True,
    database=None,
    suppress_health_check=[HealthCheck.too_slow],
)
settings.register_profile(
    "thorough",
    max_examples=5_000,
    deadline=None,
    stateful_step_count=200,
    suppress_health_check=[HealthCheck.too_slow],
)
settings.load_profile("dev")
