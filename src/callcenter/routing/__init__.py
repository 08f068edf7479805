"""The automatic contact distributor (ACD): skills-based, priority-queue routing."""

__all__: list[str] = []
