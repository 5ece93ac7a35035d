"""Batch screening of a caseload file: one household per row in, one row of results out.

Streaming: rows are read, screened and written one at a time (Parquet a row group at a time),
so memory stays flat whatever the file's size. A row that cannot be read goes to the error
file with its row number and the reason, and the run goes on. Nothing else is written.

Formats by file extension: ``.csv``, ``.jsonl`` (a flat row or a household file object per
line), ``.parquet`` (needs pyarrow: ``pip install '.[batch]'``). The flat column layout is
``household.column_names``; see the README ("Batch screening").
"""

from __future__ import annotations

import csv
import datetime as dt
import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from app.engine import screen

from .batch_rows import output_columns, result_row  # noqa: F401  (the batch's row layout, used through here)
from .household import HouseholdInvalid, read_row

FORMATS = {".csv": "csv", ".jsonl": "jsonl", ".ndjson": "jsonl", ".parquet": "parquet"}
PARQUET_BATCH = 10_000


class BatchError(Exception):
    """The files themselves cannot be used (an unknown format, pyarrow missing)."""


def file_format(path: Path) -> str:
    found = FORMATS.get(path.suffix.lower())
    if found is None:
        raise BatchError(f"{path}: use a .csv, .jsonl or .parquet file")
    if found == "parquet":
        try:
            import pyarrow  # noqa: F401
        except ImportError:
            raise BatchError("Parquet needs pyarrow: pip install '.[batch]'") from None
    return found


@dataclass
class Progress:
    rows: int = 0
    screened: int = 0
    failed: int = 0


# -- reading ----------------------------------------------------------------------------------


def read_rows(path: Path, fmt: str, advance=lambda amount: None) -> Iterator[dict]:
    """Each row as a mapping; ``advance`` is told how far through the file the reading is (bytes,
    or rows for Parquet)."""
    if fmt == "parquet":
        import pyarrow.parquet as pq

        source = pq.ParquetFile(path)
        for batch in source.iter_batches(batch_size=PARQUET_BATCH):
            rows = batch.to_pylist()
            yield from rows
            advance(len(rows))
        return
    with path.open("r", encoding="utf-8-sig", newline="") as handle:
        lines = _counting(handle, advance)
        if fmt == "csv":
            yield from csv.DictReader(lines)
            return
        for line in lines:
            if not line.strip():
                continue
            try:
                yield json.loads(line)
            except (ValueError, RecursionError):
                yield {"__unreadable__": "this line is not valid JSON"}


def _counting(handle, advance):
    for line in handle:
        advance(len(line.encode("utf-8")))
        yield line


def total_size(path: Path, fmt: str, by_rows: bool = False) -> int:
    """How far the progress bar goes: rows (Parquet, or the array path), else bytes."""
    if fmt == "parquet":
        import pyarrow.parquet as pq

        return pq.ParquetFile(path).metadata.num_rows
    if by_rows:
        lines = 0
        with path.open("rb") as handle:
            while chunk := handle.read(1 << 22):
                lines += chunk.count(b"\n")
        return max(lines - 1, 0)  # less the header
    return path.stat().st_size


def arrays_available() -> bool:
    """The array path needs numpy and pyarrow (the batch extra)."""
    try:
        import numpy  # noqa: F401
        import pyarrow  # noqa: F401
    except ImportError:
        return False
    return True


def uses_arrays(fmt: str, wanted: bool = True) -> bool:
    """CSV and Parquet go through the array path when it is available; JSON Lines (whose rows may
    be household files) through the scalar path."""
    return wanted and fmt in ("csv", "parquet") and arrays_available()


BLOCK_ROWS = 65_536


def run(ruleset, source: Path, in_format: str, writer, date: dt.date | None, on_error, advance,
        arrays: bool = True) -> Progress:
    """Screen every row of ``source`` into ``writer``; rows that cannot be read go to ``on_error``."""
    progress = Progress()
    if not uses_arrays(in_format, arrays):
        for row in screen_rows(ruleset, read_rows(source, in_format, advance), date, on_error, progress):
            writer.write(row)
        return progress
    from app.engine.vector import ArrayScreening

    from .batch_arrays import blocks, screen_block

    screening = ArrayScreening(ruleset)
    first = 1
    for block in blocks(source, in_format, BLOCK_ROWS):
        done = screen_block(ruleset, screening, block, first, date)
        add(progress, done, writer, on_error)
        advance(block.num_rows)
        first += block.num_rows
    return progress


def add(progress: Progress, done, writer, on_error) -> None:
    """One screened block (``batch_arrays.BlockResult``) into the output, the error file and the counts."""
    for number, message in done.errors:
        on_error(number, message)
    if done.columns is not None:
        writer.write_columns(done.columns)
    progress.rows += done.rows
    progress.screened += done.screened
    progress.failed += done.rows - done.screened


# -- screening --------------------------------------------------------------------------------


def screen_rows(ruleset, rows, date: dt.date | None, on_error, progress: Progress) -> Iterator[dict]:
    """Result rows; each row that cannot be read goes to ``on_error(row number, message)``."""
    vocabulary = ruleset.vocabulary
    for number, row in enumerate(rows, start=1):
        progress.rows += 1
        try:
            household = read_row(row, vocabulary)
        except HouseholdInvalid as invalid:
            progress.failed += 1
            for message in invalid.problems:
                on_error(number, message)
            continue
        day = date or household.date or dt.date.today()
        progress.screened += 1
        yield result_row(number, row.get("id"), screen(ruleset, household.answers, day))


# -- writing ----------------------------------------------------------------------------------


def output_schema(columns: list[str], fmt: str):
    """The Arrow schema of the output: a Parquet file keeps statuses as a dictionary (three words
    stored once), a CSV file as text."""
    import pyarrow as pa

    status = pa.dictionary(pa.int8(), pa.string()) if fmt == "parquet" else pa.string()
    return pa.schema([pa.field(c, pa.int64() if c == "row" else pa.string() if c == "id" else status
                               if c.endswith(".status") else pa.float64()) for c in columns])


def result_table(columns: dict, schema):
    """A block of result columns (numpy arrays, lists, or ``batch_arrays.Statuses``; NaN or None:
    no value) as an Arrow table in the output schema."""
    import pyarrow as pa

    return pa.table([_arrow_column(columns[field.name], field.type) for field in schema], schema=schema)


class Writer:
    """Result rows, or blocks of result columns, to a CSV, JSON Lines or Parquet file.

    With pyarrow, rows are written a block at a time through Arrow (CSV and Parquet), so the
    scalar and the array path write the same bytes; without it, CSV goes through Python's csv."""

    def __init__(self, path: Path, fmt: str, columns: list[str]):
        self.path, self.fmt, self.columns = path, fmt, columns
        self._buffer: list[dict] = []
        self.arrow = fmt == "parquet" or (fmt == "csv" and _has_pyarrow())
        if self.arrow:
            self.schema = output_schema(columns, fmt)
            if fmt == "parquet":
                import pyarrow.parquet as pq

                # Statistics only for the row number: they cost a third of the writing and no reader
                # filters results by amount.
                self._writer = pq.ParquetWriter(path, self.schema, write_statistics=["row"])
            else:
                import pyarrow.csv as pcsv

                self._sink = path.open("wb")
                self._writer = pcsv.CSVWriter(self._sink, self.schema)
        else:
            self.schema = None
            self._handle = path.open("w", encoding="utf-8", newline="")
            if fmt == "csv":
                self._csv = csv.DictWriter(self._handle, fieldnames=columns, extrasaction="ignore")
                self._csv.writeheader()

    def write(self, row: dict) -> None:
        if self.arrow:
            self._buffer.append(row)
            if len(self._buffer) >= PARQUET_BATCH:
                self._flush()
        elif self.fmt == "csv":
            self._csv.writerow({k: ("" if v is None else v) for k, v in row.items()})
        else:
            self._handle.write(json.dumps({c: row.get(c) for c in self.columns}, ensure_ascii=False) + "\n")

    def write_columns(self, columns) -> None:
        """A block of result rows: columns (see ``result_table``), or that table already built."""
        self._flush()
        table = columns if hasattr(columns, "schema") else None
        if self.arrow:
            self._writer.write_table(table if table is not None else result_table(columns, self.schema))
            return
        if table is None:
            table = result_table(columns, output_schema(self.columns, self.fmt))
        for row in table.to_pylist():
            self.write(row)

    def _flush(self) -> None:
        if self._buffer:
            rows, self._buffer = self._buffer, []
            self._writer.write_table(result_table({c: [r.get(c) for r in rows] for c in self.columns}, self.schema))

    def close(self) -> None:
        if self.arrow:
            self._flush()
            self._writer.close()
            if self.fmt == "csv":
                self._sink.close()
        else:
            self._handle.close()


def _arrow_column(values, kind=None):
    import pyarrow as pa

    if hasattr(values, "arrow"):  # batch_arrays.Statuses
        return values.arrow(kind)
    if hasattr(values, "dtype") and values.dtype.kind == "f":
        return pa.array(values, type=kind, from_pandas=True)  # NaN: no value
    return pa.array(list(values), type=kind)


def _has_pyarrow() -> bool:
    try:
        import pyarrow  # noqa: F401
    except ImportError:
        return False
    return True


class ErrorFile:
    """Rows that could not be screened: row number and why, as CSV; written only if there are any."""

    def __init__(self, path: Path):
        self.path = path
        self._handle = None
        self._csv = None

    def __call__(self, number: int, message: str) -> None:
        if self._handle is None:
            self._handle = self.path.open("w", encoding="utf-8", newline="")
            self._csv = csv.writer(self._handle)
            self._csv.writerow(["row", "problem"])
        self._csv.writerow([number, message])

    def close(self) -> None:
        if self._handle is not None:
            self._handle.close()
