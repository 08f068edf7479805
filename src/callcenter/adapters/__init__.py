"""Telephony at the edge: adapters that turn a wire protocol into engine events."""

__all__: list[str] = []
