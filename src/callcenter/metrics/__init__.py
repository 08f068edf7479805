"""Contact records, KPI definitions, reports, live monitoring and Erlang staffing."""

__all__: list[str] = []
