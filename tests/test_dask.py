"""Scale-out: the same per-repository tasks on a Dask LocalCluster of two worker processes on loopback; the
outcomes come back to the coordinator, which writes them to its store."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner

from analyzer.batch.run import run_batch
from analyzer.batch.sources import collect
from analyzer.batch.store import Store
from analyzer.batch.tasks import BatchOptions, Settings, Status
from analyzer.cli.batch import batch_command
from tests.batch_repos import make_corrupt, make_repo
from tests.test_batch import silent_git_server  # noqa: F401 - a fixture shared with the local runner's test

distributed = pytest.importorskip("distributed", reason="dask[distributed] is the optional 'batch' extra")


@pytest.fixture(scope="module")
def scheduler() -> Iterator[str]:
    cluster = distributed.LocalCluster(
        n_workers=2, threads_per_worker=1, processes=True, host="127.0.0.1", dashboard_address=None
    )
    try:
        yield str(cluster.scheduler_address)
    finally:
        cluster.close()


def test_batch_on_a_local_cluster_stores_in_the_coordinator(tmp_path: Path, scheduler: str) -> None:
    assert scheduler.startswith("tcp://127.0.0.1:")
    go = make_repo(tmp_path, "go-cli-tool")
    rust = make_repo(tmp_path, "rust-wasm-lib")
    specs = [str(go), str(rust), f"file://{go}", str(tmp_path / "missing"), str(make_corrupt(tmp_path))]
    sources = collect(specs, tmp_path / "cache")
    options = BatchOptions(timeout=300, scheduler=scheduler)
    with Store(tmp_path / "s.sqlite") as store:
        rows = run_batch(sources, Settings(), store, options)
        assert [r.status for r in rows] == [Status.OK, Status.OK, Status.OK, Status.FAILED, Status.FAILED]
        assert [r.run.verdict for r in rows[:3]] == ["go", "rust", "go"]
        assert rows[2].run.key.revision == rows[0].run.key.revision  # the clone is of the same commit
        assert len(list(store)) == len(specs)
    result = CliRunner().invoke(
        batch_command,
        [
            *specs,
            "--scheduler",
            scheduler,
            "--store",
            str(tmp_path / "s.sqlite"),
            "--cache-dir",
            str(tmp_path / "cache"),
            "--format",
            "json",
        ],
    )
    assert result.exit_code == 0, result.output
    document = json.loads(result.stdout)
    assert [r["status"] for r in document["repos"]] == ["reused"] * 3 + ["failed"] * 2  # failures probed again


def test_a_hung_task_on_the_cluster_times_out(tmp_path: Path, scheduler: str, silent_git_server: str) -> None:  # noqa: F811
    sources = collect([silent_git_server], tmp_path / "cache")
    with Store(tmp_path / "s.sqlite") as store:
        rows = run_batch(sources, Settings(), store, BatchOptions(timeout=4, scheduler=scheduler))
    assert rows[0].status is Status.FAILED
    assert rows[0].run.error == "timed out after 4 s"
