"""Batch screening on a Dask cluster: ``flask rules batch IN -o OUT --dask ADDRESS``.

The same blocks and the same array path as on one machine (``batch_arrays.screen_block``), run on
the cluster's workers. A Parquet file is split by row group and each worker reads its own row
groups from the path (so the file must be where the workers can read it: a shared disk or the same
machine); a CSV file is read here, a block at a time, and each block is sent to a worker. Each
worker loads the rules once, from the same rules folder path, and keeps them. Results come back
in order and are written here, with at most ``WINDOW`` blocks per worker in flight, so memory stays
flat. Nothing is kept on the workers but the rules.

Needs the dask extra (``pip install '.[dask]'``).
"""

from __future__ import annotations

import datetime as dt
from collections import deque
from functools import cache
from pathlib import Path

from .batch import BLOCK_ROWS, Progress, add

WINDOW = 2


@cache
def worker_rules(rules_dir: str):
    """The rules and their array functions, loaded once in each worker process."""
    from app.engine import load_ruleset
    from app.engine.vector import ArrayScreening

    ruleset = load_ruleset(rules_dir)
    return ruleset, ArrayScreening(ruleset)


def screen_part(rules_dir: str, part, first_row: int, date: dt.date | None):
    """On a worker: one block (an Arrow record batch) or (Parquet path, row group number)."""
    from .batch_arrays import screen_block

    ruleset, arrays = worker_rules(rules_dir)
    if isinstance(part, tuple):
        import pyarrow.parquet as pq

        path, group = part
        part = pq.ParquetFile(path).read_row_group(group).combine_chunks().to_batches()[0]
    return screen_block(ruleset, arrays, part, first_row, date)


def parts(source: Path, in_format: str):
    """(part, first row number, rows) for each piece of the file, in order."""
    first = 1
    if in_format == "parquet":
        import pyarrow.parquet as pq

        metadata = pq.ParquetFile(source).metadata
        for group in range(metadata.num_row_groups):
            rows = metadata.row_group(group).num_rows
            yield (str(source.resolve()), group), first, rows
            first += rows
        return
    from .batch_arrays import blocks

    for block in blocks(source, in_format, BLOCK_ROWS):
        yield block, first, block.num_rows
        first += block.num_rows


def run(address: str, rules_dir: Path, source: Path, in_format: str, writer, date: dt.date | None, on_error,
        advance) -> Progress:
    from distributed import Client

    progress = Progress()
    rules = str(Path(rules_dir).resolve())
    with Client(address, set_as_default=False) as client:
        limit = WINDOW * max(len(client.scheduler_info().get("workers", {})), 1)
        pending: deque = deque()

        def finish_one() -> None:
            future, rows = pending.popleft()
            add(progress, future.result(), writer, on_error)
            advance(rows)

        for part, first, rows in parts(source, in_format):
            pending.append((client.submit(screen_part, rules, part, first, date, pure=False), rows))
            if len(pending) >= limit:
                finish_one()
        while pending:
            finish_one()
    return progress
