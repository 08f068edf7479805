"""Ticket workflows: state machines with SLA clocks, ownership and an audit trail."""

__all__: list[str] = []
