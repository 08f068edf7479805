"""The compiled table: one object answers what is legal where, and firing runs it."""

from __future__ import annotations

import attrs
import pytest

from callcenter.errors import InvalidArgumentError
from callcenter.tickets import (
    BUILTIN_WORKFLOWS,
    COMPLAINT,
    TriggerRefusedError,
    WorkflowTable,
    _firing,
)
from callcenter.tickets._diagrams import workflow_page

FIELDS = {
    "customer_phone": "13800138000",
    "category": "late delivery",
    "description": "parcel late",
    "region": "Tianjin",
}


@pytest.mark.parametrize("name", sorted(BUILTIN_WORKFLOWS))
def test_the_table_answers_every_question_of_its_workflow(name: str) -> None:
    wf = BUILTIN_WORKFLOWS[name]
    table = wf.table
    assert isinstance(table, WorkflowTable)
    assert table.name == wf.name
    assert table.states == tuple(str(s.value) for s in wf.states)
    assert table.initial == wf.initial.value
    assert table.triggers == wf.triggers()
    for state in wf.states:
        assert table.allowed_in(state.value) == wf.allowed_triggers(state)
        assert (state.value in table.final) == wf.is_final(state)
        assert table.escalates_from(state.value) == wf.escalates_from(state)
        for trigger in wf.triggers():
            row = table.rows.get((state.value, trigger))
            assert row is wf.transition_for(state, trigger)
            if row is not None:
                assert table.targets[(state.value, trigger)] == row.target.value
                assert trigger in table.allowed_in(state.value)
            else:
                assert trigger not in table.allowed_in(state.value)
    # every row of the definition is in the lookup, from each of its sources
    pairs = {(str(s.value), t.trigger) for t in wf.transitions for s in t.source}
    assert set(table.rows) == pairs


def test_the_table_is_frozen() -> None:
    with pytest.raises(attrs.exceptions.FrozenInstanceError):
        COMPLAINT.table.initial = "closed"  # type: ignore[misc]
    with pytest.raises(attrs.exceptions.FrozenInstanceError):
        COMPLAINT.table = COMPLAINT.table  # type: ignore[misc]


def test_the_firing_functions_run_the_table_alone() -> None:
    table = COMPLAINT.table
    opened = _firing.open_ticket(
        table, "C-1", actor="a1", now=0.0, fields=FIELDS, priority="normal", comment=""
    )
    assert opened == COMPLAINT.open("C-1", actor="a1", now=0.0, fields=FIELDS)
    fired = _firing.fire(table, opened, "send_to_qa", actor="a1", now=60.0, fields=None, comment="")
    assert fired == COMPLAINT.fire(opened, "send_to_qa", actor="a1", now=60.0)
    assert fired.state == table.targets[(table.initial, "send_to_qa")]
    assert _firing.replay(table, "C-1", fired.trail) == fired
    with pytest.raises(TriggerRefusedError) as refused:
        _firing.fire(table, fired, "send_to_qa", actor="a1", now=90.0, fields=None, comment="")
    assert refused.value.allowed == table.allowed_in(fired.state)
    with pytest.raises(InvalidArgumentError):
        _firing.open_ticket(
            table,
            "C-2",
            actor="a1",
            now=0.0,
            fields={"customer_phone": "1"},
            priority="normal",
            comment="",
        )


@pytest.mark.parametrize("name", sorted(BUILTIN_WORKFLOWS))
def test_the_diagrams_are_drawn_from_the_table(name: str) -> None:
    wf = BUILTIN_WORKFLOWS[name]
    assert wf.to_mermaid() == wf.table.to_mermaid()
    assert wf.to_dot() == wf.table.to_dot()
    page = workflow_page(wf)
    assert wf.table.to_mermaid().rstrip("\n") in page
    for (state, trigger), target in wf.table.targets.items():
        assert f"    {state} --> {target}: {trigger}" in page
        assert f"`{trigger}`" in page
