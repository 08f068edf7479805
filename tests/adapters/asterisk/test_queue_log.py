"""The queue_log importer: every event type, both formats, damaged logs, the CLI."""

from __future__ import annotations

import datetime
import io
import random
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from callcenter.adapters.asterisk import QUEUE_LOG_EVENTS, load_queue_log, read_queue_log
from callcenter.cli import main
from callcenter.errors import CallCenterError, DocumentError, InvalidArgumentError
from callcenter.metrics import AgentState, KpiOptions, Outcome, compute_kpis

T0 = 1_760_000_000

# Rows of one call per scenario (times relative to the call's start), written as
# Asterisk's "Queue Logs" documentation gives each event's data fields, with the
# outcome the call must get.
SCENARIOS: dict[str, tuple[list[tuple[int, str, str, str]], Outcome]] = {
    "complete-caller": (
        [
            (0, "NONE", "ENTERQUEUE", "|13800138000|1"),
            (9, "PJSIP/li", "RINGNOANSWER", "5000"),
            (12, "PJSIP/wang", "CONNECT", "12|{id}.9|3"),
            (100, "PJSIP/wang", "COMPLETECALLER", "12|88|1"),
        ],
        Outcome.ANSWERED,
    ),
    "complete-agent": (
        [
            (0, "NONE", "ENTERQUEUE", "|139|1"),
            (2, "PJSIP/li", "CONNECT", "2|{id}.9|2"),
            (50, "PJSIP/li", "COMPLETEAGENT", "2|48|1"),
        ],
        Outcome.ANSWERED,
    ),
    "transfer": (
        [
            (0, "NONE", "ENTERQUEUE", "|139|1"),
            (4, "PJSIP/li", "CONNECT", "4|{id}.9|1"),
            (40, "PJSIP/li", "TRANSFER", "8001|from-internal|4|36|1"),
        ],
        Outcome.ANSWERED,
    ),
    "blind-transfer": (
        [
            (0, "NONE", "ENTERQUEUE", "|139|1"),
            (4, "PJSIP/li", "CONNECT", "4|{id}.9|1"),
            (30, "PJSIP/li", "BLINDTRANSFER", "8001|from-internal|4|26|1"),
        ],
        Outcome.ANSWERED,
    ),
    "attended-transfer": (
        [
            (0, "NONE", "ENTERQUEUE", "|139|1"),
            (4, "PJSIP/li", "CONNECT", "4|{id}.9|1"),
            (30, "PJSIP/li", "ATTENDEDTRANSFER", "BRIDGE|bridge-1|4|26|1"),
        ],
        Outcome.ANSWERED,
    ),
    "attended-transfer-link": (
        [
            (0, "NONE", "ENTERQUEUE", "|139|1"),
            (4, "PJSIP/li", "CONNECT", "4|{id}.9|1"),
            (30, "PJSIP/li", "ATTENDEDTRANSFER", "LINK|PJSIP/li-1|PJSIP/wang-2|4|26|1"),
        ],
        Outcome.ANSWERED,
    ),
    "abandon": (
        [(0, "NONE", "ENTERQUEUE", "|139|1"), (30, "NONE", "ABANDON", "1|1|30")],
        Outcome.ABANDONED_IN_QUEUE,
    ),
    "abandon-ringing": (
        [
            (0, "NONE", "ENTERQUEUE", "|139|1"),
            (20, "PJSIP/li", "RINGCANCELED", "4000"),
            (20, "NONE", "ABANDON", "1|1|20"),
        ],
        Outcome.ABANDONED_RINGING,
    ),
    "timeout": (
        [(0, "NONE", "ENTERQUEUE", "|139|1"), (60, "NONE", "EXITWITHTIMEOUT", "1|1|60")],
        Outcome.OVERFLOWED,
    ),
    "key": (
        [(0, "NONE", "ENTERQUEUE", "|139|1"), (15, "NONE", "EXITWITHKEY", "0|1|1|15")],
        Outcome.OVERFLOWED,
    ),
    "empty": (
        [(0, "NONE", "ENTERQUEUE", "|139|1"), (0, "NONE", "EXITEMPTY", "1|1|0")],
        Outcome.BLOCKED,
    ),
    "did-and-info": (
        [
            (0, "NONE", "DID", "4008001234"),
            (0, "NONE", "INFO", "anything"),
            (0, "NONE", "ENTERQUEUE", "|139|1"),
            (3, "PJSIP/li", "CONNECT", "3|{id}.9|1"),
            (3, "PJSIP/li", "AGENTDUMP", ""),
            (10, "PJSIP/li", "COMPLETECALLER", "3|7|1"),
        ],
        Outcome.ANSWERED,
    ),
}


def _rows(name: str, callid: str, start: int) -> list[str]:
    rows, _ = SCENARIOS[name]
    return [
        f"{start + at}|{callid}|support|{agent}|{event}|{data.format(id=callid)}"
        for at, agent, event, data in rows
    ]


def _log(names: list[str]) -> tuple[list[str], dict[str, Outcome]]:
    lines: list[str] = []
    outcomes: dict[str, Outcome] = {}
    for i, name in enumerate(names):
        callid = f"{T0 + i}.{i}"
        lines += _rows(name, callid, T0 + 10 * i)
        outcomes[callid] = SCENARIOS[name][1]
    return lines, outcomes


@pytest.mark.parametrize("name", sorted(SCENARIOS))
def test_every_call_event_gives_its_outcome(name: str) -> None:
    lines, outcomes = _log([name])
    result = read_queue_log("\n".join(lines) + "\n")
    assert [r.outcome for r in result.records] == list(outcomes.values())
    assert result.malformed == result.unknown == result.open_calls == 0
    assert sum(result.events.values()) == len(lines)


def test_answered_call_times_and_durations() -> None:
    lines, _ = _log(["complete-caller"])
    (record,) = read_queue_log("\n".join(lines)).records
    assert record.queued_at == T0
    assert record.answered_at == T0 + 12
    assert record.ended_at == T0 + 100
    assert record.talk_seconds == 88
    assert record.ring_seconds == 5 + 3  # the missed ring (ms) and the answered one (s)
    assert record.first_offered_at == T0 + 4  # the first ring started 5 s before its row
    assert record.agents == ("PJSIP/wang",)
    assert record.caller == "13800138000"
    assert record.queues == ("support",)


def test_transfers_count_and_give_the_talk_time() -> None:
    for name in ("transfer", "blind-transfer", "attended-transfer", "attended-transfer-link"):
        lines, _ = _log([name])
        (record,) = read_queue_log("\n".join(lines)).records
        assert record.transfers == 1, name
        assert record.talk_seconds == 26 or name == "transfer", name


def test_a_call_sent_to_a_second_queue_is_one_record_in_both_queues() -> None:
    log = "\n".join(
        [
            f"{T0}|c|first|NONE|ENTERQUEUE||139|1",
            f"{T0 + 30}|c|first|NONE|EXITWITHTIMEOUT|1|1|30",
            f"{T0 + 31}|c|second|NONE|ENTERQUEUE||139|1",
            f"{T0 + 40}|c|second|PJSIP/li|CONNECT|9|c.2|2",
            f"{T0 + 70}|c|second|PJSIP/li|COMPLETECALLER|9|30|1",
        ]
    )
    (record,) = read_queue_log(log).records
    assert record.queues == ("first", "second")
    assert record.outcome is Outcome.ANSWERED
    assert record.queued_at == T0


def test_agent_rows_give_state_intervals() -> None:
    log = "\n".join(
        [
            f"{T0}|NONE|NONE|NONE|QUEUESTART|",
            f"{T0}|NONE|support|PJSIP/li|ADDMEMBER|",
            f"{T0 + 100}|NONE|support|PJSIP/li|PAUSE|lunch",
            f"{T0 + 160}|NONE|support|PJSIP/li|UNPAUSE|",
            f"{T0 + 200}|NONE|support|PJSIP/li|REMOVEMEMBER|",
            f"{T0 + 300}|NONE|NONE|Agent/1001|AGENTLOGIN|PJSIP/1001",
            f"{T0 + 400}|NONE|NONE|Agent/1001|AGENTLOGOFF|PJSIP/1001|100",
            f"{T0 + 500}|NONE|NONE|NONE|CONFIGRELOAD|",
            f"{T0 + 500}|NONE|NONE|NONE|SYSCOMPAT|",
            f"{T0 + 600}|NONE|NONE|PJSIP/wang|PAUSEALL|",
            f"{T0 + 650}|NONE|NONE|PJSIP/wang|UNPAUSEALL|",
        ]
    )
    result = read_queue_log(log)
    li = [(s.state, s.start - T0, s.end - T0, s.reason) for s in result.agent_states]
    assert li == [
        (AgentState.AVAILABLE, 0, 100, None),
        (AgentState.NOT_READY, 100, 160, "lunch"),
        (AgentState.AVAILABLE, 160, 200, None),
        (AgentState.AVAILABLE, 300, 400, None),
        (AgentState.NOT_READY, 600, 650, None),
    ]
    assert result.records == ()
    assert result.unknown == result.malformed == 0


def test_time_on_calls_is_busy_time() -> None:
    log = "\n".join(
        [
            f"{T0}|NONE|support|PJSIP/li|ADDMEMBER|",
            f"{T0 + 10}|c1|support|NONE|ENTERQUEUE||139|1",
            f"{T0 + 20}|c1|support|PJSIP/li|CONNECT|10|c1.2|2",
            f"{T0 + 80}|NONE|support|PJSIP/li|PAUSE|after-call",
            f"{T0 + 90}|c1|support|PJSIP/li|COMPLETEAGENT|10|70|1",
            f"{T0 + 120}|NONE|support|PJSIP/li|UNPAUSE|",
            f"{T0 + 200}|NONE|support|PJSIP/li|REMOVEMEMBER|",
        ]
    )
    result = read_queue_log(log)
    got = [(s.state, s.start - T0, s.end - T0) for s in result.agent_states]
    assert got == [
        (AgentState.AVAILABLE, 0, 20),
        (AgentState.BUSY, 20, 80),
        (AgentState.BUSY, 80, 90),
        (AgentState.NOT_READY, 90, 120),
        (AgentState.AVAILABLE, 120, 200),
    ]
    assert {s.queues for s in result.agent_states} == {("support",)}
    stats = compute_kpis(result.records, result.agent_states, KpiOptions())
    assert stats.answered == 1


def test_every_documented_event_is_known() -> None:
    documented = {
        "ABANDON", "ADDMEMBER", "AGENTDUMP", "AGENTLOGIN", "AGENTLOGOFF",
        "AGENTCALLBACKLOGIN", "AGENTCALLBACKLOGOFF", "ATTENDEDTRANSFER",
        "BLINDTRANSFER", "COMPLETEAGENT", "COMPLETECALLER", "CONFIGRELOAD", "CONNECT",
        "DID", "ENTERQUEUE", "EXITEMPTY", "EXITWITHKEY", "EXITWITHTIMEOUT", "INFO",
        "PAUSE", "PAUSEALL", "QUEUESTART", "REMOVEMEMBER", "RINGCANCELED",
        "RINGNOANSWER", "SYSCOMPAT", "TRANSFER", "UNPAUSE", "UNPAUSEALL",
    }  # fmt: skip
    assert documented <= QUEUE_LOG_EVENTS


def test_damaged_lines_are_counted_and_skipped() -> None:
    lines, outcomes = _log(["complete-caller", "abandon"])
    damaged = [
        lines[0],
        "",
        "   ",
        lines[0],  # a duplicate
        "1760000000|cut",  # truncated
        "not-a-time|c9|support|NONE|ENTERQUEUE||1|1",
        "1760000000|NONE|support|NONE|ENTERQUEUE||1|1",  # a call event without a call
        "1760000000|c8|support|NONE|NEWFANGLED|x",
        *reversed(lines[1:]),  # the rest, backwards
        f"{T0 + 900}|open|support|NONE|ENTERQUEUE||1|1",  # the log ends mid-call
    ]
    result = read_queue_log("\n".join(damaged))
    assert {r.contact_id: r.outcome for r in result.records} == outcomes
    assert result.lines == len(damaged)
    assert (result.blank, result.duplicates, result.malformed, result.unknown) == (2, 1, 3, 1)
    assert result.out_of_order == 3  # 40, 10 | 100, 12, 9
    assert result.open_calls == 1
    assert [p.line for p in result.problems] == [5, 6, 7, 8]
    assert "3 malformed" in result.summary()


def test_a_bad_number_in_a_call_skips_that_call_only() -> None:
    lines, _outcomes = _log(["complete-caller", "abandon"])
    lines[2] = lines[2].rsplit("|", 1)[0] + "|three"  # CONNECT's ringtime
    result = read_queue_log("\n".join(lines))
    assert [r.outcome for r in result.records] == [Outcome.ABANDONED_IN_QUEUE]
    assert result.malformed == 1


@given(
    st.lists(st.sampled_from(sorted(SCENARIOS)), min_size=1, max_size=12),
    st.randoms(use_true_random=False),
    st.integers(min_value=0, max_value=5),
)
def test_interleaved_duplicated_and_blank_lines_give_the_same_records(
    names: list[str], rng: random.Random, blanks: int
) -> None:
    # Logs merged out of time order (two servers, a rotation) keep each call's rows
    # in the order Asterisk wrote them; rows of one second keep their file order.
    lines, outcomes = _log(names)
    clean = read_queue_log("\n".join(lines))
    per_call: dict[str, list[str]] = {}
    for line in lines:
        per_call.setdefault(line.split("|")[1], []).append(line)
    pending = list(per_call.values()) + [[""] for _ in range(blanks)]
    messy: list[str] = []
    while pending:
        index = rng.randrange(len(pending))
        rows = pending[index]
        messy.append(rows.pop(0))
        if rng.random() < 0.2:
            messy.append(messy[-1])  # a duplicate (or one more blank)
        if not rows:
            del pending[index]
    result = read_queue_log("\n".join(messy) + "\n")
    assert result.records == clean.records
    assert {r.contact_id: r.outcome for r in result.records} == outcomes
    assert result.blank == messy.count("")
    assert result.duplicates == len(messy) - len(set(messy)) - max(0, messy.count("") - 1)


@given(st.lists(st.sampled_from(sorted(SCENARIOS)), min_size=1, max_size=20))
def test_kpis_agree_with_a_count_of_the_log(names: list[str]) -> None:
    lines, _ = _log(names)
    kpis = compute_kpis(read_queue_log("\n".join(lines)).records, (), KpiOptions())
    answered = sum(SCENARIOS[name][1] is Outcome.ANSWERED for name in names)
    abandoned = sum(
        any(event == "ABANDON" for _, _, event, _ in SCENARIOS[name][0]) for name in names
    )
    assert kpis.answered == answered
    assert kpis.abandoned == abandoned
    assert kpis.offered == len(names)


def _as_csv(lines: list[str], *, combined: bool, zone: str | None) -> str:
    tz = None if zone is None else datetime.timezone(datetime.timedelta(hours=8))
    header = "time,callid,queuename,agent,event," + (
        "data" if combined else "data1,data2,data3,data4,data5"
    )
    out = [header]
    for line in lines:
        at, callid, queue, agent, event, *data = line.split("|")
        when = at
        if tz is not None:
            moment = datetime.datetime.fromtimestamp(int(at), tz)
            when = moment.strftime("%Y-%m-%d %H:%M:%S") + ".250000"
        cells = ["|".join(data)] if combined else (data + [""] * 5)[:5]
        out.append(",".join([when, callid, queue, agent, event, *[f'"{c}"' for c in cells]]))
    return "\n".join(out) + "\n"


@pytest.mark.parametrize("combined", [True, False])
@pytest.mark.parametrize("zone", [None, "Asia/Shanghai"])
def test_the_database_export_gives_the_records_of_the_file(
    combined: bool, zone: str | None
) -> None:
    lines, _ = _log(sorted(SCENARIOS))
    from_file = read_queue_log("\n".join(lines)).records
    text = _as_csv(lines, combined=combined, zone=zone)
    result = read_queue_log(text, timezone=zone or "UTC")
    assert result.malformed == 0
    shift = 0.25 if zone else 0.0
    assert [(r.contact_id, r.outcome, r.queued_at) for r in result.records] == [
        (r.contact_id, r.outcome, (r.queued_at or 0) + shift) for r in from_file
    ]


def test_refusals_are_typed() -> None:
    with pytest.raises(InvalidArgumentError, match="format"):
        read_queue_log("", format="xml")
    with pytest.raises(InvalidArgumentError, match="time zone"):
        read_queue_log("", timezone="Mars/Olympus")
    with pytest.raises(InvalidArgumentError, match="queue_log table"):
        read_queue_log("callid,event\nx,y\n", format="csv")
    with pytest.raises(DocumentError):
        load_queue_log("/nonexistent/queue_log")
    with pytest.raises(InvalidArgumentError, match="lines"):
        read_queue_log(42)  # type: ignore[arg-type]
    with pytest.raises(InvalidArgumentError, match="lines of text"):
        read_queue_log([b"1|c|q|NONE|ENTERQUEUE"])  # type: ignore[list-item]


def test_lines_from_a_file_object_are_read_as_the_text() -> None:
    lines, outcomes = _log(sorted(SCENARIOS))
    text = "\n".join(lines) + "\n"
    from_lines = read_queue_log(io.StringIO(text))
    assert from_lines.records == read_queue_log(text).records
    assert from_lines.lines == len(lines)
    assert len(from_lines.records) == len(outcomes)


@given(st.text(alphabet=st.sampled_from('0123456789|.,\n\r -ABCNOQUEXT"x\x00é'), max_size=300))
def test_fuzz_any_text_imports_or_raises_a_library_error(text: str) -> None:
    for fmt in ("auto", "file", "csv"):
        try:
            result = read_queue_log(text, format=fmt)
        except CallCenterError:
            continue
        used = sum(result.events.values())
        skipped = result.blank + result.duplicates + result.malformed + result.unknown
        assert used + skipped == result.lines or fmt != "file"


@given(st.lists(st.sampled_from(sorted(SCENARIOS)), min_size=1, max_size=6), st.data())
def test_fuzz_truncating_any_line_never_crashes(names: list[str], data: st.DataObject) -> None:
    lines, _ = _log(names)
    index = data.draw(st.integers(0, len(lines) - 1))
    cut = data.draw(st.integers(0, len(lines[index])))
    lines[index] = lines[index][:cut]
    result = read_queue_log("\n".join(lines))
    assert len(result.records) + result.open_calls <= len(names)


def test_cli_report_from_a_queue_log(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    lines, _ = _log(sorted(SCENARIOS))
    path = tmp_path / "queue_log"
    path.write_text("\n".join([*lines, "", "garbage"]) + "\n", encoding="utf-8")
    assert main(["report", "--queue-log", str(path), "--timezone", "Asia/Shanghai"]) == 0
    out, err = capsys.readouterr()
    assert f"All {len(SCENARIOS)} contacts" in out
    assert "1 blank" in err
    assert "1 malformed" in err
    assert main(["report", "--queue-log", str(path), "--format", "json", "--timezone", "UTC"]) == 0
    assert main(["report", str(path), "--queue-log", str(path)]) != 0
    assert main(["report"]) != 0


def test_load_reads_the_file_and_the_database_export(tmp_path: Path) -> None:
    lines, outcomes = _log(sorted(SCENARIOS))
    plain = tmp_path / "queue_log"
    plain.write_text("\n".join(lines) + "\n", encoding="utf-8")
    export = tmp_path / "queue_log.csv"
    export.write_text(_as_csv(lines, combined=False, zone=None), encoding="utf-8")
    from_file = load_queue_log(plain)
    from_export = load_queue_log(export)
    assert from_file.records == from_export.records
    assert {r.contact_id: r.outcome for r in from_file.records} == outcomes
    undecodable = tmp_path / "latin1"
    undecodable.write_bytes(lines[0].encode() + b"|caf\xe9\n")
    assert load_queue_log(undecodable).open_calls == 1
