"""Batch screening on other processes: a local pool, and a real Dask cluster started on the loopback
interface inside the test."""

from __future__ import annotations

import pytest
from click.testing import CliRunner

from app.cli import rules
from tests.services.test_batch import DAY, noisy_rows, read_back, write_caseload

distributed = pytest.importorskip("distributed", reason="the dask extra is not installed: pip install '.[dask]'")


@pytest.fixture(scope="module")
def cluster():
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, host="127.0.0.1", dashboard_address=None,
                                  processes=True) as local:
        yield local


@pytest.mark.parametrize("suffix", [".csv", ".parquet"])
def test_a_dask_cluster_writes_what_one_machine_writes(ruleset, tmp_path, cluster, suffix):
    source = tmp_path / f"in{suffix}"
    # Several row groups, so the workers share the file.
    write_caseload(source, noisy_rows(ruleset, 400, 11), ruleset.vocabulary, row_group_size=90)
    for way, flags in (("here", []), ("dask", ["--dask", cluster.scheduler_address])):
        result = CliRunner().invoke(rules, ["batch", str(source), "-o", str(tmp_path / f"{way}{suffix}"),
                                            "--date", DAY, *flags])
        assert result.exit_code == 1, result.output  # some rows went to the error file
    # The same rows (a Parquet file's row groups follow the blocks, so its bytes may differ).
    assert read_back(tmp_path / f"dask{suffix}", suffix) == read_back(tmp_path / f"here{suffix}", suffix)
    if suffix == ".csv":
        assert (tmp_path / "dask.csv").read_bytes() == (tmp_path / "here.csv").read_bytes()
    assert (tmp_path / "dask.errors.csv").read_text() == (tmp_path / "here.errors.csv").read_text()
    # The rules were loaded once in each worker that screened, and kept.
    with distributed.Client(cluster.scheduler_address) as client:
        from app.services.batch_workers import worker_rules

        loads = client.run(lambda: worker_rules.cache_info().misses)  # each worker checked its own copy
    assert set(loads.values()) <= {0, 1} and sum(loads.values()) >= 1


@pytest.mark.parametrize("suffix", [".csv", ".parquet"])
def test_a_pool_of_processes_writes_what_one_process_writes(ruleset, tmp_path, suffix):
    source = tmp_path / f"in{suffix}"
    write_caseload(source, noisy_rows(ruleset, 300, 13), ruleset.vocabulary)
    from app.services import batch

    for way, workers in (("one", "1"), ("pool", "2")):
        saved, batch.BLOCK_ROWS = batch.BLOCK_ROWS, 64  # several blocks, so both workers have some
        try:
            result = CliRunner().invoke(rules, ["batch", str(source), "-o", str(tmp_path / f"{way}{suffix}"),
                                                "--date", DAY, "--workers", workers])
        finally:
            batch.BLOCK_ROWS = saved
        assert result.exit_code == 1, result.output
    assert read_back(tmp_path / f"pool{suffix}", suffix) == read_back(tmp_path / f"one{suffix}", suffix)
    assert (tmp_path / "pool.errors.csv").read_text() == (tmp_path / "one.errors.csv").read_text()


def test_dask_needs_the_array_path(tmp_path):
    source = tmp_path / "in.jsonl"
    source.write_text("{}\n")
    result = CliRunner().invoke(rules, ["batch", str(source), "-o", str(tmp_path / "out.csv"), "--dask",
                                        "tcp://127.0.0.1:1"])
    assert result.exit_code == 2 and "array path" in result.output
