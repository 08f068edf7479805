"""One public name, one meaning, across every public module of the library.

Every public module (``callcenter`` and each module or package below it whose
dotted name has no part starting with ``_``) is imported and its ``__all__`` read.
A name exported by two modules must be the very same object in both (routing's
``AgentState`` exported again by ``metrics`` is fine; two different classes both
called ``ContactQueued`` are not).

Renamed names stay importable from their old module for one release, through the
module's ``__getattr__``: each must warn with a :class:`DeprecationWarning` naming
its replacement, give the replacement itself, and stay out of ``__all__`` and
``dir()`` (which the reference pages list).
"""

from __future__ import annotations

import importlib
import pkgutil
import warnings
from types import ModuleType

import pytest

import callcenter
from callcenter import ivr, metrics, routing, simulation
from callcenter.errors import InvalidArgumentError


def public_modules() -> list[ModuleType]:
    found = [callcenter]
    for info in pkgutil.walk_packages(callcenter.__path__, "callcenter."):
        if any(part.startswith("_") for part in info.name.split(".")[1:]):
            continue
        found.append(importlib.import_module(info.name))
    return found


MODULES = public_modules()

# Every public package the library documents; the walk must find each of them.
EXPECTED = {
    "callcenter",
    "callcenter.adapters.asterisk",
    "callcenter.adapters.redis",
    "callcenter.adapters.twilio",
    "callcenter.calendars",
    "callcenter.cli",
    "callcenter.errors",
    "callcenter.hotline",
    "callcenter.ivr",
    "callcenter.metrics",
    "callcenter.routing",
    "callcenter.simulation",
    "callcenter.testing",
    "callcenter.tickets",
    "callcenter.wfm",
}


def test_the_walk_finds_every_public_package() -> None:
    assert {m.__name__ for m in MODULES} >= EXPECTED
    for module in MODULES:
        if module.__name__ in EXPECTED:
            assert module.__all__, module.__name__


def test_every_public_module_says_what_it_exports() -> None:
    # A module without ``__all__`` would be left out of the check below.
    assert [m.__name__ for m in MODULES if not hasattr(m, "__all__")] == []


def test_one_name_means_one_object_everywhere() -> None:
    owners: dict[str, list[tuple[str, object]]] = {}
    for module in MODULES:
        for name in getattr(module, "__all__", ()):
            owners.setdefault(name, []).append((module.__name__, getattr(module, name)))
    clashes = {
        name: [where for where, _ in places]
        for name, places in owners.items()
        if len({id(obj) for _, obj in places}) > 1
    }
    assert clashes == {}, "one name, several meanings: " + repr(clashes)


# module, old name, the name to use now, the object it is
RENAMED: list[tuple[ModuleType, str, str, object]] = [
    (ivr, "Outcome", "callcenter.ivr.NodeOutcome", ivr.NodeOutcome),
    (routing, "Event", "callcenter.routing.RoutingEvent", routing.RoutingEvent),
    (simulation, "Event", "callcenter.simulation.ScheduledEvent", simulation.ScheduledEvent),
    (
        metrics,
        "AgentStateChanged",
        "callcenter.routing.AgentStateChanged",
        routing.AgentStateChanged,
    ),
    (metrics, "ContactAbandoned", "callcenter.routing.ContactAbandoned", routing.ContactAbandoned),
    (metrics, "ContactAnswered", "callcenter.routing.ContactAnswered", routing.ContactAnswered),
    (metrics, "ContactEnded", "callcenter.routing.ContactCompleted", routing.ContactCompleted),
    (metrics, "ContactLeftQueue", "callcenter.routing.ContactLeft", routing.ContactLeft),
    (metrics, "ContactQueued", "callcenter.routing.ContactQueued", routing.ContactQueued),
    (metrics, "ContactRinging", "callcenter.routing.ContactOffered", routing.ContactOffered),
    (
        metrics,
        "ContactRingingStopped",
        "callcenter.routing.ContactOfferDeclined",
        routing.ContactOfferDeclined,
    ),
]


@pytest.mark.parametrize(
    ("module", "old", "new", "target"),
    RENAMED,
    ids=[f"{m.__name__}.{old}" for m, old, _, _ in RENAMED],
)
def test_an_old_name_warns_and_is_the_new_object(
    module: ModuleType, old: str, new: str, target: object
) -> None:
    with pytest.warns(DeprecationWarning, match=rf"{module.__name__}\.{old} is deprecated") as seen:
        got = getattr(module, old)
    assert got is target
    assert new in str(seen[0].message)
    # The warning points at the code that used the old name, not at the library.
    assert seen[0].filename == __file__
    assert old not in module.__all__
    assert old not in dir(module)


def test_every_old_name_of_every_module_is_checked_above() -> None:
    declared = {
        (module.__name__, old) for module in MODULES for old in getattr(module, "_RENAMED", {})
    }
    assert declared == {(module.__name__, old) for module, old, _, _ in RENAMED}


def test_from_import_of_an_old_name_warns_too() -> None:
    with pytest.warns(DeprecationWarning, match="NodeOutcome"):
        from callcenter.ivr import Outcome
    assert Outcome is ivr.NodeOutcome


def test_an_unknown_name_is_still_an_attribute_error() -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        with pytest.raises(AttributeError, match=r"'callcenter\.metrics' has no attribute 'Nope'"):
            _ = metrics.Nope
        assert not hasattr(routing, "Nope")


def test_the_monitors_old_event_names_now_mean_the_routing_events_of_that_name() -> None:
    shared = [old for module, old, _, _ in RENAMED if module is metrics and old in routing.__all__]
    assert shared  # ContactQueued, ContactAnswered...
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        for old in shared:
            assert getattr(metrics, old) is getattr(routing, old), old


def test_metrics_agent_state_is_routings_and_intervals_refuse_logged_out() -> None:
    assert metrics.AgentState is routing.AgentState
    metrics.AgentStateInterval(agent_id="a", state=routing.AgentState.BUSY, start=0.0, end=1.0)
    with pytest.raises(InvalidArgumentError, match="logged-in"):
        metrics.AgentStateInterval(
            agent_id="a", state=routing.AgentState.LOGGED_OUT, start=0.0, end=1.0
        )
