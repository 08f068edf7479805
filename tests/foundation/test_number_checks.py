"""``number_problem`` accepts exactly the numbers its bounds describe.

It decides the common case (a plain int or float within bounds) without building its
message; the property below checks, for any value and any bounds, that it says
"fine" exactly when an obvious reading of the bounds does, and otherwise names what
was expected.
"""

from __future__ import annotations

import math

from hypothesis import given
from hypothesis import strategies as st

from callcenter._checks import LARGEST, expected_number, number_problem

values = st.one_of(
    st.floats(allow_nan=True, allow_infinity=True),
    st.integers(min_value=-(10**20), max_value=10**20),
    st.booleans(),
    st.sampled_from([0, 0.0, -0.0, 1, 1.5, LARGEST, -LARGEST, LARGEST * 2, 10**16]),
    st.text(max_size=3),
    st.none(),
)
bounds = st.one_of(st.none(), st.sampled_from([-1.0, 0.0, 0.5, 1.0, 10.0]))


def fine(
    value: object,
    minimum: float | None,
    maximum: float | None,
    exclusive_minimum: bool,
    allow_inf: bool,
    integer: bool,
) -> bool:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return False
    if value == math.inf and allow_inf:
        return True
    if isinstance(value, float) and not math.isfinite(value):
        return False
    if abs(value) > LARGEST:
        return False
    if integer and value != int(value):
        return False
    if minimum is not None and (value <= minimum if exclusive_minimum else value < minimum):
        return False
    return maximum is None or value <= maximum


@given(values, bounds, bounds, st.booleans(), st.booleans(), st.booleans())
def test_number_problem_accepts_exactly_what_its_bounds_say(
    value: object,
    minimum: float | None,
    maximum: float | None,
    exclusive_minimum: bool,
    allow_inf: bool,
    integer: bool,
) -> None:
    options = {
        "minimum": minimum,
        "maximum": maximum,
        "exclusive_minimum": exclusive_minimum,
        "allow_inf": allow_inf,
        "integer": integer,
    }
    problem = number_problem(value, **options)  # type: ignore[arg-type]
    if fine(value, minimum, maximum, exclusive_minimum, allow_inf, integer):
        assert problem is None
    else:
        assert problem is not None
        assert problem.startswith(f"expected {expected_number(**options)}")  # type: ignore[arg-type]
