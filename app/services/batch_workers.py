"""Batch screening on other processes: a pool on this machine, or a Dask cluster (``--dask ADDRESS``).

The same blocks and the same array path as in one process (``batch_arrays.screen_block``). Each
worker loads the rules once, from the rules folder's path, and keeps them; it screens a block and
sends back the block's output as an Arrow table, which is written here, in order. At most
``WINDOW`` blocks per worker are in flight, so memory stays flat.

Where the rows come from:
- on this machine, this process reads the file a block at a time and hands each block over;
- on a Dask cluster, a Parquet file is split by row group and each worker reads its own row groups
  from the path, where they live (the file must be readable by the workers: a shared disk or the
  same machine); a CSV file is read here and each block sent.

Nothing is kept on the workers but the rules. Dask needs the dask extra (``pip install '.[dask]'``).
"""

from __future__ import annotations

import datetime as dt
from collections import deque
from contextlib import contextmanager
from functools import cache
from pathlib import Path

from . import batch
from .batch import Progress, add, output_schema, result_table

WINDOW = 2


@cache
def worker_rules(rules_dir: str, checked_here: bool = False):
    """The rules and their array functions, loaded once in each worker process. A pool on this
    machine reads the very files the command has just checked (``checked_here``), so its workers
    skip running every example again; a cluster's workers check their own copy."""
    from app.engine import load_ruleset
    from app.engine.vector import ArrayScreening

    ruleset = load_ruleset(rules_dir, checks=not checked_here)
    return ruleset, ArrayScreening(ruleset)


def screen_part(rules_dir: str, part, first_row: int, date: dt.date | None, out_format: str,
                checked_here: bool = False):
    """On a worker: one block (an Arrow record batch) or (Parquet path, row group number), screened;
    its output columns come back as an Arrow table."""
    from .batch_arrays import screen_block
    from .batch_rows import output_columns

    ruleset, arrays = worker_rules(rules_dir, checked_here)
    if isinstance(part, tuple):
        import pyarrow.parquet as pq

        path, group = part
        part = pq.ParquetFile(path).read_row_group(group).combine_chunks().to_batches()[0]
    done = screen_block(ruleset, arrays, part, first_row, date)
    if done.columns is not None:
        done.columns = result_table(done.columns, output_schema(output_columns(ruleset), out_format))
    return done


def parts(source: Path, in_format: str, row_groups: bool):
    """(part, first row number, rows) for each piece of the file, in order: Parquet row groups for
    the workers to read (``row_groups``), else blocks read here."""
    first = 1
    if in_format == "parquet" and row_groups:
        import pyarrow.parquet as pq

        metadata = pq.ParquetFile(source).metadata
        for group in range(metadata.num_row_groups):
            rows = metadata.row_group(group).num_rows
            yield (str(source.resolve()), group), first, rows
            first += rows
        return
    from .batch_arrays import blocks

    for block in blocks(source, in_format, batch.BLOCK_ROWS):
        yield block, first, block.num_rows
        first += block.num_rows


def run(submit, workers: int, rules_dir: Path, source: Path, in_format: str, writer, date: dt.date | None,
        on_error, advance, row_groups: bool = False, checked_here: bool = True) -> Progress:
    """Screen the file with ``submit(function, *arguments) -> future`` running on ``workers`` workers."""
    progress = Progress()
    rules = str(Path(rules_dir).resolve())
    pending: deque = deque()

    def finish_one() -> None:
        future, rows = pending.popleft()
        add(progress, future.result(), writer, on_error)
        advance(rows)

    for part, first, rows in parts(source, in_format, row_groups):
        pending.append((submit(screen_part, rules, part, first, date, writer.fmt, checked_here), rows))
        if len(pending) >= WINDOW * max(workers, 1):
            finish_one()
    while pending:
        finish_one()
    return progress


@contextmanager
def pool(workers: int, rules_dir: Path):
    """A pool of ``workers`` processes on this machine, each loading the rules as it starts (fresh
    processes, not forks); None for one worker: screen in this process."""
    if workers <= 1:
        yield None
        return
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    rules = str(Path(rules_dir).resolve())
    with ProcessPoolExecutor(max_workers=workers, mp_context=multiprocessing.get_context("spawn"),
                             initializer=worker_rules, initargs=(rules, True)) as executor:
        for _ in range(workers):  # start them all now
            executor.submit(int)
        yield executor


def run_on_cluster(address: str, rules_dir: Path, source: Path, in_format: str, writer, date, on_error,
                   advance) -> Progress:
    from distributed import Client

    with Client(address, set_as_default=False) as client:
        workers = len(client.scheduler_info().get("workers", {}))

        def submit(function, *arguments):
            return client.submit(function, *arguments, pure=False)

        return run(submit, workers, rules_dir, source, in_format, writer, date, on_error, advance, row_groups=True,
                   checked_here=False)
