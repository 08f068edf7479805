"""A discrete-event driver that runs the real engines on a virtual clock."""

__all__: list[str] = []
