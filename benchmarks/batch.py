"""Batch screening speed and memory: `make bench-batch`. Prints figures; asserts nothing.

Synthetic Alberta households (app/services/population.py) with every answer given, written once
as Parquet and CSV in the flat layout. Then, each as its own process so peak memory is its own,
alternating:
- `flask rules batch` on the array path (Parquet to Parquet, CSV to CSV) for --households;
- the same on the scalar path (`--scalar`) for --scalar-households (default 100,000);
- the bare ceiling: reading the same file and writing an output of the same shape with pyarrow,
  with no screening;
- with --dask, the array path on a local Dask cluster (two workers on the loopback interface).
Wall time and peak resident memory (/usr/bin/time) per run, the median over --runs.

With --pe PYTHON (a Python that has policyengine-canada and pyarrow), also the six programs both
engines model, on the same --pe-households: policyengine-canada built from arrays
(benchmarks/pe_arrays.py, run by that Python) against our array path restricted to the six, in
one process each, alternating: the time to build from the file and the time to compute.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from app.engine import load_ruleset  # noqa: E402
from app.paths import RULES_DIR  # noqa: E402
from app.services import population  # noqa: E402
from app.services.batch import output_columns  # noqa: E402
from app.services.household import column_names, flat_row  # noqa: E402

DAY = "2026-12-03"
BIN = Path(sys.executable).parent
BARE = """
import sys, pyarrow as pa, pyarrow.compute as pc, pyarrow.csv as pcsv, pyarrow.parquet as pq, numpy as np
source, output, width = sys.argv[1], sys.argv[2], int(sys.argv[3])
reader = pq.ParquetFile(source, pre_buffer=False).iter_batches(65536) if source.endswith(".parquet") else \
    pcsv.open_csv(source, convert_options=pcsv.ConvertOptions(column_types={}, strings_can_be_null=False))
writer = None
for block in reader:  # the same shape of output as ours, built the cheapest way, nothing screened
    n = block.num_rows
    status = pa.DictionaryArray.from_arrays(pa.array(np.zeros(n, dtype=np.int8)), pa.array(["eligible"]))
    if not output.endswith(".parquet"):
        status = pc.cast(status, pa.string())
    table = pa.table({f"c{i}": (pa.array(np.zeros(n)) if i % 2 else status) for i in range(width)})
    if writer is None:
        writer = pq.ParquetWriter(output, table.schema, write_statistics=False) if output.endswith(".parquet") \
            else pcsv.CSVWriter(output, table.schema)
    writer.write_table(table)
writer.close()
"""


def write_inputs(count: int, folder: Path, vocabulary) -> dict:
    import pyarrow as pa
    import pyarrow.csv as pcsv
    import pyarrow.parquet as pq

    columns = ["id", *column_names(vocabulary)]
    parquet_writer = csv_writer = None
    done = 0
    while done < count:
        size = min(100_000, count - done)
        rows = []
        for n, case in enumerate(population.households(size, 2026 + done, dt.date.fromisoformat(DAY))):
            row = flat_row(case.raw, vocabulary)
            row.setdefault("monthly_rent", 0)  # every answer given: the array path's case
            rows.append({k: ("yes" if v is True else "no" if v is False else str(v)) for k, v in row.items()}
                        | {"id": f"h{done + n}"})
        table = pa.table({c: pa.array([r.get(c, "") for r in rows], pa.string()) for c in columns})
        if parquet_writer is None:
            parquet_writer = pq.ParquetWriter(folder / "in.parquet", table.schema)
            csv_writer = pcsv.CSVWriter(folder / "in.csv", table.schema)
        parquet_writer.write_table(table)
        csv_writer.write_table(table)
        done += size
    parquet_writer.close()
    csv_writer.close()
    return {"parquet": folder / "in.parquet", "csv": folder / "in.csv"}


def timed(command: list[str]) -> tuple[float, float]:
    """(seconds, peak resident MB) of one process."""
    started = time.perf_counter()
    done = subprocess.run(["/usr/bin/time", "-f", "%M", *command], capture_output=True, text=True,
                          env=dict(os.environ, FLASK_APP="app"))
    seconds = time.perf_counter() - started
    if done.returncode not in (0, 1):
        raise SystemExit(f"{' '.join(command)} failed:\n{done.stderr[-2000:]}")
    return seconds, int(done.stderr.strip().splitlines()[-1]) / 1024


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--households", type=int, default=1_000_000)
    parser.add_argument("--scalar-households", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=2)
    parser.add_argument("--dask", action="store_true", help="also run on a local Dask cluster")
    parser.add_argument("--pe", metavar="PYTHON", help="a Python with policyengine-canada, for the PE ratio")
    parser.add_argument("--pe-households", type=int, default=100_000)
    args = parser.parse_args(argv)
    ruleset = load_ruleset(RULES_DIR)
    width = len(output_columns(ruleset))
    flask = str(BIN / "flask")
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        started = time.perf_counter()
        (folder / "big").mkdir()
        (folder / "small").mkdir()
        big = write_inputs(args.households, folder / "big", ruleset.vocabulary)
        small = write_inputs(args.scalar_households, folder / "small", ruleset.vocabulary)
        print(f"wrote {args.households:,} and {args.scalar_households:,} households as CSV and Parquet "
              f"in {time.perf_counter() - started:.0f} s; {len(ruleset.programs)} programs, {width} output columns")
        runs: dict = {}

        def record(name, command):
            runs.setdefault(name, []).append(timed(command))

        cluster = None
        if args.dask:
            from distributed import LocalCluster

            cluster = LocalCluster(n_workers=2, threads_per_worker=1, host="127.0.0.1", dashboard_address=None,
                                   processes=True)
        for _ in range(args.runs):
            for fmt in ("parquet", "csv"):
                out = str(folder / f"out.{fmt}")
                record(f"arrays {fmt} {args.households:,}",
                       [flask, "rules", "batch", str(big[fmt]), "-o", out, "--date", DAY])
                record(f"bare {fmt} {args.households:,}",
                       [str(BIN / "python"), "-c", BARE, str(big[fmt]), out, str(width)])
                if cluster is not None:
                    record(f"dask {fmt} {args.households:,}", [flask, "rules", "batch", str(big[fmt]), "-o", out,
                                                               "--date", DAY, "--dask", cluster.scheduler_address])
                record(f"arrays {fmt} {args.scalar_households:,}",
                       [flask, "rules", "batch", str(small[fmt]), "-o", out, "--date", DAY])
                record(f"scalar {fmt} {args.scalar_households:,}",
                       [flask, "rules", "batch", str(small[fmt]), "-o", out, "--date", DAY, "--scalar"])
        if cluster is not None:
            cluster.close()
        if args.pe:
            pe_ratio(args, big["parquet"], folder)
    print(f"{'run':<28}{'seconds':>10}{'peak MB':>10}")
    for name, figures in runs.items():
        seconds = statistics.median(f[0] for f in figures)
        memory = max(f[1] for f in figures)
        print(f"{name:<28}{seconds:>10.1f}{memory:>10.0f}")
    for fmt in ("parquet", "csv"):
        ours = statistics.median(f[0] for f in runs[f"arrays {fmt} {args.households:,}"])
        bare = statistics.median(f[0] for f in runs[f"bare {fmt} {args.households:,}"])
        small_arrays = statistics.median(f[0] for f in runs[f"arrays {fmt} {args.scalar_households:,}"])
        small_scalar = statistics.median(f[0] for f in runs[f"scalar {fmt} {args.scalar_households:,}"])
        print(f"{fmt}: arrays / bare ceiling {ours / bare:.2f}; scalar / arrays at "
              f"{args.scalar_households:,}: {small_scalar / small_arrays:.1f}")


SIX = ["ccb", "cdb", "gst_hst_credit", "canada_workers_benefit", "acfb", "old_age_security"]
OURS = """
import json, sys, time, datetime as dt
import pyarrow.parquet as pq
from app.engine import load_ruleset
from app.engine.vector import ArrayScreening
from app.paths import RULES_DIR
from app.services.batch_arrays import read_block
ruleset = load_ruleset(RULES_DIR)
arrays = ArrayScreening(ruleset, sys.argv[2].split(","))
started = time.perf_counter()
block = pq.read_table(sys.argv[1]).combine_chunks().to_batches()[0]
households, taken, _ = read_block(block, ruleset.vocabulary)
built = time.perf_counter()
out = arrays.screen(households, dt.date(2026, 12, 3))
done = time.perf_counter()
assert taken.all() and all(u is None for u in out.unsettled)
print(json.dumps({"build": built - started, "compute": done - built, "households": block.num_rows}))
"""


def pe_ratio(args, source: Path, folder: Path) -> None:
    import json

    import pyarrow.parquet as pq

    subset = folder / "pe.parquet"
    pq.write_table(pq.read_table(source).slice(0, args.pe_households), subset)
    figures: dict = {"ours": [], "policyengine-canada": []}
    for _ in range(max(args.runs, 3)):
        for name, command in (("ours", [str(BIN / "python"), "-c", OURS, str(subset), ",".join(SIX)]),
                              ("policyengine-canada", [args.pe, str(ROOT / "benchmarks" / "pe_arrays.py"),
                                                       str(subset)])):
            done = subprocess.run(command, capture_output=True, text=True, cwd=ROOT, check=True)
            figures[name].append(json.loads(done.stdout.strip().splitlines()[-1]))
    print(f"six programs on {args.pe_households:,} households (median of {len(figures['ours'])} runs each):")
    medians = {}
    for name, runs in figures.items():
        medians[name] = {k: statistics.median(r[k] for r in runs) for k in ("build", "compute")}
        print(f"  {name:<22} build {medians[name]['build']:.3f} s, compute {medians[name]['compute']:.3f} s")
    pe, ours = medians["policyengine-canada"], medians["ours"]
    print(f"  policyengine-canada / ours: compute {pe['compute'] / ours['compute']:.1f}, "
          f"build and compute {(pe['build'] + pe['compute']) / (ours['build'] + ours['compute']):.1f}")


if __name__ == "__main__":
    main()
