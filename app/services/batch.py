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

from app.engine import ELIGIBLE, screen

from .household import HouseholdInvalid, read_columns, read_household
from .whatif import yearly as money_a_year

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


def output_columns(ruleset) -> list[str]:
    columns = ["row", "id"]
    for program in ruleset.programs:
        columns += [f"{program.id}.status", f"{program.id}.amount"]
    return columns + ["total_yearly", "total_once"]


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


def total_size(path: Path, fmt: str) -> int:
    if fmt == "parquet":
        import pyarrow.parquet as pq

        return pq.ParquetFile(path).metadata.num_rows
    return path.stat().st_size


def household_of(row, vocabulary):
    """A row as a Household: a household file object ({"answers": ...}) or flat columns."""
    if not isinstance(row, dict):
        raise HouseholdInvalid(["a row must be an object of columns"])
    if "__unreadable__" in row:
        raise HouseholdInvalid([row["__unreadable__"]])
    if isinstance(row.get("answers"), dict):
        return read_household({k: v for k, v in row.items() if k != "id"}, vocabulary)
    return read_columns(row, vocabulary)


# -- screening --------------------------------------------------------------------------------


def result_row(number: int, identifier, results) -> dict:
    out = {"row": number, "id": "" if identifier is None else str(identifier)}
    yearly = once = 0.0
    for result in results:
        pid = result.program.id
        out[f"{pid}.status"] = result.status
        amount = result.amount_once if result.period == "once" else result.amount_yearly
        out[f"{pid}.amount"] = amount
        yearly += money_a_year(result)
        if result.status == ELIGIBLE:
            once += result.amount_once or 0.0
    out["total_yearly"] = round(yearly, 2)
    out["total_once"] = round(once, 2)
    return out


def screen_rows(ruleset, rows, date: dt.date | None, on_error, progress: Progress) -> Iterator[dict]:
    """Result rows; each row that cannot be read goes to ``on_error(row number, message)``."""
    vocabulary = ruleset.vocabulary
    for number, row in enumerate(rows, start=1):
        progress.rows += 1
        try:
            household = household_of(row, vocabulary)
        except HouseholdInvalid as invalid:
            progress.failed += 1
            for message in invalid.problems:
                on_error(number, message)
            continue
        day = date or household.date or dt.date.today()
        progress.screened += 1
        yield result_row(number, row.get("id"), screen(ruleset, household.answers, day))


# -- writing ----------------------------------------------------------------------------------


class Writer:
    """Result rows to a CSV, JSON Lines or Parquet file, in the given columns."""

    def __init__(self, path: Path, fmt: str, columns: list[str]):
        self.path, self.fmt, self.columns = path, fmt, columns
        self._buffer: list[dict] = []
        if fmt == "parquet":
            import pyarrow as pa
            import pyarrow.parquet as pq

            fields = [pa.field(c, pa.int64() if c == "row" else pa.string() if c == "id" or c.endswith(".status")
                               else pa.float64()) for c in columns]
            self._schema = pa.schema(fields)
            self._writer = pq.ParquetWriter(path, self._schema)
        else:
            self._handle = path.open("w", encoding="utf-8", newline="")
            if fmt == "csv":
                self._csv = csv.DictWriter(self._handle, fieldnames=columns, extrasaction="ignore")
                self._csv.writeheader()

    def write(self, row: dict) -> None:
        if self.fmt == "csv":
            self._csv.writerow({k: ("" if v is None else v) for k, v in row.items()})
        elif self.fmt == "jsonl":
            self._handle.write(json.dumps({c: row.get(c) for c in self.columns}, ensure_ascii=False) + "\n")
        else:
            self._buffer.append(row)
            if len(self._buffer) >= PARQUET_BATCH:
                self._flush()

    def _flush(self) -> None:
        import pyarrow as pa

        if self._buffer:
            table = pa.Table.from_pylist([{c: r.get(c) for c in self.columns} for r in self._buffer],
                                         schema=self._schema)
            self._writer.write_table(table)
            self._buffer = []

    def close(self) -> None:
        if self.fmt == "parquet":
            self._flush()
            self._writer.close()
        else:
            self._handle.close()


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
