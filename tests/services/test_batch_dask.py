"""Batch screening on a real Dask cluster, started on the loopback interface inside the test."""

from __future__ import annotations

import csv

import pytest
from click.testing import CliRunner

from app.cli import rules
from app.services.household import column_names
from tests.services.test_batch import DAY, noisy_rows, read_back

distributed = pytest.importorskip("distributed", reason="the dask extra is not installed: pip install '.[dask]'")


@pytest.fixture(scope="module")
def cluster():
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, host="127.0.0.1", dashboard_address=None,
                                  processes=True) as local:
        yield local


@pytest.mark.parametrize("suffix", [".csv", ".parquet"])
def test_a_dask_cluster_writes_what_one_machine_writes(ruleset, tmp_path, cluster, suffix):
    rows = noisy_rows(ruleset, 400, 11)
    columns = ["id", "date", *column_names(ruleset.vocabulary)]
    source = tmp_path / f"in{suffix}"
    if suffix == ".csv":
        with source.open("w", newline="") as handle:
            writer = csv.DictWriter(handle, fieldnames=columns)
            writer.writeheader()
            writer.writerows(rows)
    else:
        import pyarrow as pa
        import pyarrow.parquet as pq

        # Several row groups, so the workers share the file.
        pq.write_table(pa.table({c: [r.get(c) for r in rows] for c in columns}), source, row_group_size=90)
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
        from app.services.batch_dask import worker_rules

        loads = client.run(lambda: worker_rules.cache_info().misses)
    assert set(loads.values()) <= {0, 1} and sum(loads.values()) >= 1


def test_dask_needs_the_array_path(tmp_path):
    source = tmp_path / "in.jsonl"
    source.write_text("{}\n")
    result = CliRunner().invoke(rules, ["batch", str(source), "-o", str(tmp_path / "out.csv"), "--dask",
                                        "tcp://127.0.0.1:1"])
    assert result.exit_code == 2 and "array path" in result.output
