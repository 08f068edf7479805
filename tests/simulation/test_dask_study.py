"""A study on a Dask cluster gives exactly the local run's results for the same seeds."""

from __future__ import annotations

import concurrent.futures
from pathlib import Path

from distributed import Client, LocalCluster

from callcenter.simulation import load_scenario, run_study, scenario_figures

SCENARIO = Path(__file__).resolve().parents[2] / "examples" / "scenarios" / "tianjin.toml"


def test_a_study_on_a_dask_cluster_equals_the_local_run() -> None:
    planned = load_scenario(SCENARIO)
    # The last staff group is the two mobile seats.
    fewer = planned.with_staff(planned.staff[:-1])
    variants = {"as planned": planned, "without the mobile seats": fewer}
    with (
        LocalCluster(  # type: ignore[no-untyped-call]
            n_workers=2,
            threads_per_worker=1,
            processes=True,
            dashboard_address=None,
            timeout=60,
        ) as cluster,
        Client(cluster, timeout=60) as client,  # type: ignore[no-untyped-call]
    ):
        remote = run_study(
            scenario_figures,
            variants,
            replications=2,
            base_seed=7,
            executor=client.get_executor(),
        )
    with concurrent.futures.ThreadPoolExecutor(max_workers=1) as pool:
        local = run_study(scenario_figures, variants, replications=2, base_seed=7, executor=pool)
    assert [v.name for v in remote.variants] == list(variants)
    for got, want in zip(remote.variants, local.variants, strict=True):
        assert got.seeds == want.seeds
        assert [dict(run) for run in got.runs] == [dict(run) for run in want.runs]
    assert remote.table() == local.table()
    # The variants differ: the study compares two plans, not one plan twice.
    assert local.variants[0].runs != local.variants[1].runs
