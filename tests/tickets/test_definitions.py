"""Workflow definitions: checks, documents, diagrams."""

from __future__ import annotations

import enum
import json
import math
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings

from callcenter.errors import DefinitionError, DocumentError
from callcenter.testing import ticket_workflow_documents
from callcenter.tickets import (
    BUILTIN_WORKFLOWS,
    COMPLAINT,
    ENQUIRY,
    SURVEY,
    NumberField,
    TicketDesk,
    Transition,
    Workflow,
    load_workflow,
    workflow_from_dict,
    workflow_to_dict,
)
from callcenter.tickets._builtin import (
    _amount_ok,
    _attempt_left,
    _collected,
    _out_of_attempts,
    _window_ok,
    _window_passed,
)
from callcenter.tickets._diagrams import workflows_page

GUARDS = {
    f.__name__: f
    for f in (_amount_ok, _attempt_left, _collected, _out_of_attempts, _window_ok, _window_passed)
}
DOCS = Path(__file__).resolve().parents[2] / "docs"


class S(enum.Enum):
    A = "a"
    B = "b"
    C = "c"
    D = "d"


class Other(enum.Enum):
    X = "x"


def test_every_problem_is_reported_at_once() -> None:
    with pytest.raises(DefinitionError) as info:
        Workflow(
            name="w",
            states=S,
            initial=S.A,
            final={S.C},
            transitions=[
                Transition(source=S.A, trigger="go", target=S.B),
                Transition(source=S.A, trigger="go", target=S.C),
                Transition(source=S.B, trigger="loop", target=S.B),
                Transition(source=S.B, trigger="odd", target=Other.X),
            ],
            escalation_trigger="escalat",
        )
    paths = sorted(p.path for p in info.value.problems)
    messages = str(info.value)
    assert "transitions.1.trigger" in paths  # duplicate (a, go)
    assert "transitions.3.target" in paths  # not a state of S
    assert "states.d" in paths  # unreachable, and a dead end
    assert "states.b" in paths  # only a self-loop: no way out
    assert "escalation_trigger" in paths
    assert "did you mean 'escalate'" not in messages
    assert "cannot be reached" in messages
    assert "no transition out" in messages


def test_a_workflow_needs_a_final_state() -> None:
    with pytest.raises(DefinitionError, match="final"):
        Workflow(
            name="w",
            states=Other,
            initial=Other.X,
            final=(),
            transitions=[],
        )


def test_reserved_field_names_are_refused() -> None:
    with pytest.raises(DefinitionError, match="reserved"):
        Workflow(
            name="w",
            states=Other,
            initial=Other.X,
            final={Other.X},
            transitions=[
                Transition(source=Other.X, trigger="t", target=Other.X, requires=["owner"])
            ],
        )


def test_document_problems_have_paths_and_hints() -> None:
    doc: dict[str, Any] = {
        "name": "d",
        "states": ["open", "closed", "limbo"],
        "initial": "open",
        "final": ["closed"],
        "transitions": [
            {"trigger": "close", "source": "open", "target": "closd"},
            {"trigger": "x", "source": ["opn"], "target": "closed", "guard": "nope"},
        ],
    }
    with pytest.raises(DefinitionError) as info:
        workflow_from_dict(doc)
    found = {p.path: p.message for p in info.value.problems}
    assert "did you mean 'closed'" in found["transitions.0.target"]
    assert "did you mean 'open'" in found["transitions.1.source.0"]
    assert "unknown guard 'nope'" in found["transitions.1.guard"]
    assert "states.limbo" in found
    assert "states.open" in found  # its only transitions point nowhere


def test_document_unknown_keys_are_refused() -> None:
    with pytest.raises(DefinitionError, match="did you mean 'target'"):
        workflow_from_dict(
            {
                "name": "d",
                "states": ["a"],
                "initial": "a",
                "final": ["a"],
                "transitions": [{"trigger": "t", "source": "a", "targt": "a"}],
            }
        )


@pytest.mark.parametrize("name", sorted(BUILTIN_WORKFLOWS))
def test_builtin_workflows_round_trip_through_documents(name: str, tmp_path: Path) -> None:
    wf = BUILTIN_WORKFLOWS[name]
    document = workflow_to_dict(wf)
    path = tmp_path / f"{name}.json"
    path.write_text(json.dumps(document), encoding="utf-8")
    loaded = load_workflow(path, guards=GUARDS)
    assert workflow_to_dict(loaded) == document
    assert loaded.to_mermaid() == wf.to_mermaid()
    assert loaded.to_dot() == wf.to_dot()


def test_load_workflow_reports_unreadable_files(tmp_path: Path) -> None:
    bad = tmp_path / "w.toml"
    bad.write_text("name = [", encoding="utf-8")
    with pytest.raises(DocumentError):
        load_workflow(bad)


@settings(max_examples=50)
@given(ticket_workflow_documents())
def test_generated_documents_load_and_round_trip(doc: dict[str, Any]) -> None:
    wf = workflow_from_dict(doc)
    again = workflow_from_dict(workflow_to_dict(wf))
    assert workflow_to_dict(again) == workflow_to_dict(wf)
    for state in wf.states:
        assert wf.is_final(state) or any(
            t.target != state for t in wf.transitions if state in t.source
        )


def test_mermaid_lists_every_transition() -> None:
    text = COMPLAINT.to_mermaid()
    rows = sum(len(t.source) for t in COMPLAINT.transitions)
    arrows = [line for line in text.splitlines() if "-->" in line and "[*]" not in line]
    assert len(arrows) == rows
    assert "at_office --> at_branch: escalate" in text
    assert "closed --> [*]" in text


def test_dot_marks_final_and_waiting_states() -> None:
    text = COMPLAINT.to_dot()
    assert '"closed" [shape=doublecircle];' in text
    assert '"awaiting_customer" [shape=box, style=dashed];' in text


def test_checked_in_diagram_page_is_up_to_date() -> None:
    page = DOCS / "reference" / "tickets-workflows.md"
    assert page.read_text(encoding="utf-8") == workflows_page(), (
        "regenerate with: python -m callcenter.tickets._diagrams "
        "> docs/reference/tickets-workflows.md"
    )


def test_desk_refuses_a_missing_follow_up_workflow() -> None:
    with pytest.raises(DefinitionError, match="callback"):
        TicketDesk([SURVEY])
    with pytest.raises(DefinitionError, match="twice"):
        TicketDesk([ENQUIRY, ENQUIRY])


def test_key_errors_and_graph_errors_come_in_one_report() -> None:
    with pytest.raises(DefinitionError) as info:
        workflow_from_dict(
            {
                "name": "d",
                "states": ["a", "b", "c"],
                "initial": "a",
                "final": ["b"],
                "transitions": [{"trigger": "t", "source": "a", "target": "b", "colour": 1}],
            }
        )
    paths = {p.path for p in info.value.problems}
    assert "transitions.0.colour" in paths
    assert "states.c" in paths  # unreachable, and no way out


def test_per_level_escalation_targets_round_trip_through_documents() -> None:
    document = workflow_to_dict(COMPLAINT)
    document["escalation_sla"] = {"at_branch": 7200.0, "at_head_office": 3600.0}
    loaded = workflow_from_dict(document)
    assert {s.value: v for s, v in loaded.escalation_sla.items()} == {
        "at_branch": 7200.0,
        "at_head_office": 3600.0,
    }
    assert workflow_to_dict(loaded) == document


def test_per_level_escalation_targets_are_checked() -> None:
    document = workflow_to_dict(COMPLAINT)
    document["escalation_sla"] = {"at_brnch": 7200.0, "resolved": 60.0, "at_branch": -1}
    with pytest.raises(DefinitionError) as info:
        workflow_from_dict(document)
    messages = {p.path: p.message for p in info.value.problems}
    assert "did you mean 'at_branch'" in messages["escalation_sla.at_brnch"]
    assert "no 'escalate' transition leads to 'resolved'" in messages["escalation_sla.resolved"]
    assert "expected a number > 0, got -1" in messages["escalation_sla.at_branch"]
    without = {k: v for k, v in document.items() if k != "escalation_trigger"}
    without["escalation_sla"] = {"at_branch": 60.0}
    with pytest.raises(DefinitionError, match="need an escalation_trigger"):
        workflow_from_dict(without)
    with pytest.raises(DefinitionError, match=r"escalation_sla.*> 0, got inf"):
        Workflow(
            name="w",
            states=S,
            initial=S.A,
            final={S.B},
            transitions=[Transition(source=S.A, trigger="up", target=S.B)],
            escalation_trigger="up",
            sla=COMPLAINT.sla,
            escalation_sla={S.B: float("inf")},
        )


# ----------------------------------------------------------------------- one text, one name


def test_a_single_text_is_a_list_of_one_in_python_definitions() -> None:
    wf = Workflow(
        name="w",
        states=S,
        initial=S.A,
        final=S.D,  # one state alone is a set of one, like a transition's source
        required_on_open="customer_phone",
        transitions=[
            Transition(
                source=S.A,
                trigger="go",
                target=S.B,
                roles="dispatcher",
                requires="resolution",
                increments="attempts",
                when={"kind": "pickup"},
            ),
            Transition(source=S.B, trigger="c", target=S.C),
            Transition(source=S.C, trigger="d", target=S.D),
        ],
    )
    assert wf.required_on_open == ("customer_phone",)
    assert wf.final == {S.D}
    go = wf.transitions[0]
    assert go.roles == {"dispatcher"}
    assert go.requires == ("resolution",)
    assert go.increments == ("attempts",)
    assert go.when == {"kind": ("pickup",)}


def test_a_single_text_is_a_list_of_one_in_documents() -> None:
    document = workflow_to_dict(COMPLAINT)
    document["required_on_open"] = "customer_phone"
    document["final"] = "closed"
    row = document["transitions"][4]  # dispatch
    assert row["trigger"] == "dispatch"
    row.update(roles="dispatcher", requires="department", source="recorded")
    document["transitions"][8]["when"] = {"feedback_channel": "sms"}
    wf = workflow_from_dict(document)
    assert wf.required_on_open == ("customer_phone",)
    assert wf.transitions[4].roles == {"dispatcher"}
    assert wf.transitions[4].requires == ("department",)
    assert wf.transitions[8].when == {"feedback_channel": ("sms",)}
    assert workflow_to_dict(wf)["required_on_open"] == ["customer_phone"]


def test_names_that_are_not_text_are_refused_at_their_paths() -> None:
    with pytest.raises(DefinitionError) as info:
        Transition(
            source=S.A,
            trigger="go",
            target=S.B,
            roles=[1],
            requires=5,
            when={"k": [[]]},  # type: ignore[list-item]
        )
    paths = {p.path for p in info.value.problems}
    assert paths == {"roles.0", "requires", "when.k.0"}
    document = workflow_to_dict(ENQUIRY)
    document["required_on_open"] = {"a": 1}
    document["transitions"][0]["roles"] = [None, "x"]
    document["transitions"][1]["requires"] = 7
    with pytest.raises(DefinitionError) as info:
        workflow_from_dict(document)
    paths = {p.path for p in info.value.problems}
    assert {"required_on_open", "transitions.0.roles.0", "transitions.1.requires.0"} <= paths


# ----------------------------------------------------------------------- numbers


NASTY = [math.nan, math.inf, -math.inf, -1, 0, 10**400, "12", True, None]


@pytest.mark.parametrize("value", NASTY)
def test_every_number_of_a_document_is_checked_at_its_full_path(value: Any) -> None:
    document = workflow_to_dict(COMPLAINT)
    document["sla"]["warn_fraction"] = value
    document["sla"]["targets"]["normal"]["resolution"] = value
    document["sla"]["targets"]["high"]["first_response"] = value
    document["escalation_sla"] = {"at_branch": value}
    document["number_fields"] = {"refund": {"minimum": value}}
    document["transitions"][8]["when"] = {"feedback_channel": ["sms", value]}
    document["states"].append("lost")  # and a graph problem, reported with the rest
    with pytest.raises(DefinitionError) as info:
        workflow_from_dict(document)
    paths = {p.path for p in info.value.problems}
    expected = {"sla.warn_fraction", "escalation_sla.at_branch", "states.lost"}
    if value is not None:  # no target is no clock
        expected |= {"sla.targets.normal.resolution", "sla.targets.high.first_response"}
    if value not in (None, 0, -1):  # any finite number is a bound
        expected.add("number_fields.refund.minimum")
    if value is math.nan or value in (math.inf, -math.inf, 10**400):
        expected.add("transitions.8.when.feedback_channel.1")  # a field can hold no such value
    assert expected == paths


def test_warn_fraction_is_a_share_between_0_and_1() -> None:
    document = workflow_to_dict(ENQUIRY)
    for share in (0.5, 0.99):
        document["sla"]["warn_fraction"] = share
        assert workflow_from_dict(document).sla.warn_fraction == share  # type: ignore[union-attr]
    for share in (1.5, 1, 0, -0.2):
        document["sla"]["warn_fraction"] = share
        with pytest.raises(DefinitionError) as info:
            workflow_from_dict(document)
        assert [str(p) for p in info.value.problems] == [
            f"sla.warn_fraction: expected a share > 0 and < 1, got {share!r}"
        ]


def test_number_fields_round_trip_and_are_checked() -> None:
    claim = BUILTIN_WORKFLOWS["claim"]
    again = workflow_from_dict(workflow_to_dict(claim), guards=GUARDS)
    assert again.number_fields == claim.number_fields
    with pytest.raises(DefinitionError, match="maximum"):
        NumberField(minimum=5, maximum=1)
    with pytest.raises(DefinitionError, match="reserved"):
        Workflow(
            name="w",
            states=S,
            initial=S.A,
            final={S.B},
            transitions=[Transition(source=S.A, trigger="up", target=S.B)],
            number_fields={"owner": NumberField()},
        )


@pytest.mark.parametrize("document", [[1, 2], "complaint", None, 5])
def test_a_document_that_is_not_a_table_is_a_definition_error(document: Any) -> None:
    with pytest.raises(DefinitionError, match="expected a table of keys"):
        workflow_from_dict(document)


class Two(enum.Enum):
    A = "a"
    B = "b"


def test_wrong_types_in_a_python_definition_are_definition_errors() -> None:
    def build(**changes: Any) -> Workflow:
        arguments: dict[str, Any] = {
            "name": "w",
            "states": Two,
            "initial": Two.A,
            "final": {Two.B},
            "transitions": [Transition(source=Two.A, trigger="t", target=Two.B)],
        }
        return Workflow(**{**arguments, **changes})

    for changes, path in (
        ({"name": 5}, "name"),
        ({"states": 5}, "states"),
        ({"transitions": [5]}, "transitions.0"),
        ({"transitions": "t"}, "transitions.0"),
        ({"final": "b"}, "final"),
    ):
        with pytest.raises(DefinitionError) as info:
            build(**changes)
        assert path in {p.path for p in info.value.problems}, changes
    one = build(transitions=Transition(source=Two.A, trigger="t", target=Two.B))
    assert len(one.transitions) == 1
    assert len(TicketDesk(ENQUIRY).workflows) == 1  # one workflow alone is a list of one
    with pytest.raises(DefinitionError, match=r"workflows\.1: expected a Workflow"):
        TicketDesk([ENQUIRY, "complaint"])  # type: ignore[list-item]
