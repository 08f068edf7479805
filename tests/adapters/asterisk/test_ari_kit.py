"""The ARI adapter replays the conformance kit's scripted calls through ARI's wire.

The transcript of every event and request is checked in (data/ari_kit_transcript.txt)
and compared byte for byte; after a change to the wire that has been reviewed,
``CALLCENTER_WRITE_TRANSCRIPTS=1 pytest tests/adapters`` writes it again.
"""

from __future__ import annotations

import os
from pathlib import Path

from callcenter.testing import run_conformance, tianjin_scripts

from .ari_wire import AriWire, carried

DATA = Path(__file__).parent / "data"


def test_the_ari_adapter_passes_the_conformance_kit() -> None:
    report = run_conformance(AriWire, compare=carried)
    assert report.ok, str(report)


def test_the_kit_over_ari_is_byte_exact_with_the_transcript() -> None:
    lines: list[str] = []

    def factory(hotline: object) -> AriWire:
        wire = AriWire(hotline)  # type: ignore[arg-type]
        wires.append(wire)
        return wire

    for script in tianjin_scripts():
        wires: list[AriWire] = []
        run_conformance(factory, scripts=[script], compare=carried)
        lines.append(f"# {script.name}")
        lines += wires[-1].transcript
    text = "\n".join(lines) + "\n"
    path = DATA / "ari_kit_transcript.txt"
    if os.environ.get("CALLCENTER_WRITE_TRANSCRIPTS"):
        path.write_text(text, encoding="utf-8")
    assert text == path.read_text(encoding="utf-8")
