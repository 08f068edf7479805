"""IVR flows: the flow model and builder, loading, validation, and the session engine."""

__all__: list[str] = []
