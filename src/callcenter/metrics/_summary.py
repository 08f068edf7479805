"""The day summary a manager reads first: the tree of contacts, then each rate with its formula.

Every count is a leaf or a branch of one tree (see
:class:`~callcenter.metrics.Category`), so the lines add up, and every rate is
printed with its numerator and denominator (an excerpt)::

    total calls (every call that reached the hotline)        546
      ended in the IVR (never reached a queue)               224   41.0% of total calls
        self-service                                         139   62.1% of ended in the IVR
      offered to a queue                                     322   59.0% of total calls
        answered                                             304   94.4% of offered
    answer rate      94.4%  = answered 304 / (offered 322 - short abandons 0)
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from ._kpis import AgentStats, KpiOptions, KpiValues

__all__ = ["format_agent_table", "format_summary"]


def _pct(part: float, whole: float) -> str:
    return "" if whole == 0 else f"{100 * part / whole:5.1f}%"


def _rate(value: float | None) -> str:
    return "   -  " if value is None else f"{100 * value:5.1f}%"


def _secs(value: float | None) -> str:
    return "-" if value is None else f"{value:.1f} s"


def format_summary(
    values: KpiValues, options: KpiOptions | None = None, *, title: str | None = None
) -> str:
    """The tree of a population's contacts and its main rates, each with its formula.

    Args:
        values: The KPIs (from :func:`~callcenter.metrics.compute_kpis` or a report
            row).
        options: The options the values were computed with (for the formulas' words).
        title: A first line.

    Returns:
        Text lines ending with a newline.
    """
    o = options if options is not None else KpiOptions()
    v = values
    t = o.answer_time
    counted = v.offered - v.short_abandoned
    short = (
        "short abandons (none: no threshold set)"
        if o.short_abandon_seconds is None
        else f"short abandons (waited <= {o.short_abandon_seconds:g} s)"
    )
    ivr, queue, total = "of ended in the IVR", "of offered", "of total calls"
    tree: list[tuple[int, str, int, int, str]] = [
        (0, "total calls (every call that reached the hotline)", v.total, 0, ""),
        (1, "ended in the IVR (never reached a queue)", v.ivr_only, v.total, total),
        (2, "self-service", v.self_service, v.ivr_only, ivr),
        (2, "hung up in the IVR", v.ivr_hangup, v.ivr_only, ivr),
        (2, "out of hours (center closed)", v.out_of_hours, v.ivr_only, ivr),
        (2, "blocked (caller list, IVR failure)", v.blocked, v.ivr_only, ivr),
        (2, "other (voicemail/callback in the IVR, transfer)", v.ivr_other, v.ivr_only, ivr),
        (1, "offered to a queue", v.offered, v.total, total),
        (2, "answered", v.answered, v.offered, queue),
        (2, "abandoned", v.abandoned, v.offered, queue),
        (2, short, v.short_abandoned, v.offered, queue),
        (2, "flowed out (voicemail, callback, elsewhere)", v.flowed_out, v.offered, queue),
        (2, "other (refused: queue full, no agent)", v.other, v.offered, queue),
    ]
    lines = [title] if title else []
    label_width = max(2 * depth + len(label) for depth, label, _, _, _ in tree)
    for depth, label, count, whole, of in tree:
        text = ("  " * depth + label).ljust(label_width)
        share = f"  {_pct(count, whole)} {of}" if whole else ""
        lines.append(f"  {text}  {count:>7,}{share}")
    answerable = [f"offered {v.offered:,} - short abandons {v.short_abandoned:,}"]
    if o.answer_rate_counts_out_of_hours:
        answerable.append(f"out of hours {v.out_of_hours:,}")
    if o.answer_rate_counts_blocked:
        answerable.append(f"blocked {v.blocked:,}")
    denominator = " + ".join(answerable)
    flowed = f" + flowed out {v.flowed_out:,}" if o.flowouts_in_service_level else ""
    if o.abandons == "ignored":
        sl_formula = f"answered within {t:g} s {v.answered_within:,} / (answered {v.answered:,}"
        sl_formula += f"{flowed})"
    else:
        numerator = f"answered within {t:g} s {v.answered_within:,}"
        if o.abandons == "for":
            numerator = f"({numerator} + abandoned within {t:g} s {v.abandoned_within:,})"
        sl_formula = f"{numerator} / (answered {v.answered:,} + abandoned {v.abandoned:,}{flowed})"
    talk_words = "answer to hang-up, hold included" if o.talk_time == "answer_to_hangup" else ""
    talk_words = talk_words or "talk only, hold excluded"
    contained = "self-service" + (" + hung up in the IVR" if o.ivr_hangups_contained else "")
    through_ivr = f"{contained} / calls through the IVR while open, not blocked {v.through_ivr:,}"
    rates = [
        ("answer rate", _rate(v.answer_rate), f"answered {v.answered:,} / ({denominator})"),
        ("missed calls", f"{v.missed:>6,}", f"({denominator}) - answered {v.answered:,}"),
        (f"service level ({t:g} s)", _rate(v.service_level), sl_formula),
        (
            "abandonment rate",
            _rate(v.abandonment_rate),
            f"abandoned {v.abandoned:,} / (offered - short abandons) {counted:,}",
        ),
        ("IVR containment", _rate(v.ivr_containment), through_ivr),
        ("average ring time", _secs(v.average_ring_seconds), "over contacts that rang"),
        ("average speed of answer", _secs(v.asa_seconds), "queue to answer, answered contacts"),
        ("average talk time", _secs(v.average_talk_seconds), talk_words),
        ("average handle time", _secs(v.aht_seconds), "talk + hold + after-contact work"),
        ("average after-contact work", _secs(v.average_acw_seconds), "wrap-up"),
        ("longest wait", _secs(v.longest_wait_seconds), "offered contacts that queued"),
        ("occupancy", _rate(v.occupancy), "working / (working + available) agent time"),
        ("breaks", f"{v.breaks:>6,}", f"average break {_secs(v.average_break_seconds)}"),
    ]
    name_width = max(len(name) for name, _, _ in rates)
    lines.append("")
    for name, value, formula in rates:
        lines.append(f"  {name.ljust(name_width)}  {value:>8}  = {formula}".rstrip())
    return "\n".join(lines) + "\n"


def format_agent_table(stats: Mapping[str, AgentStats], *, title: str | None = None) -> str:
    """One line per agent: call volume, average talk and wrap-up, breaks, occupancy.

    Args:
        stats: From :func:`~callcenter.metrics.agent_stats`.
        title: A first line.
    """
    headers = (
        "agent",
        "handled",
        "avg_talk_s",
        "avg_acw_s",
        "breaks",
        "avg_break_s",
        "occupancy",
    )
    rows: list[Sequence[str]] = [
        (
            s.agent_id,
            str(s.handled),
            _secs(s.average_talk_seconds).removesuffix(" s"),
            _secs(s.average_acw_seconds).removesuffix(" s"),
            str(s.breaks),
            _secs(s.average_break_seconds).removesuffix(" s"),
            _rate(s.occupancy).strip(),
        )
        for s in stats.values()
    ]
    widths = [max([len(h), *(len(r[i]) for r in rows)]) for i, h in enumerate(headers)]

    def line(values: Sequence[str]) -> str:
        return "  ".join(
            v.ljust(w) if i == 0 else v.rjust(w)
            for i, (v, w) in enumerate(zip(values, widths, strict=True))
        ).rstrip()

    lines = [title] if title else []
    lines += [line(headers), line(["-" * w for w in widths])]
    lines += [line(r) for r in rows] or ["(no agents)"]
    return "\n".join(lines) + "\n"
