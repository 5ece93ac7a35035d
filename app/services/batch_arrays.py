"""Batch screening on the array path: a caseload file a block of rows at a time, as columns.

Each block (an Arrow record batch) is read column by column. A cell the strict reading here does
not take ("$1,200", "dont_know", a child numbered past a gap, a date written otherwise) sends its
whole row to ``household.read_columns``, the one place a flat row is read, and to the scalar
path, which also reports rows that cannot be read. The other rows go to
``vector.ArrayScreening``; a program it leaves unsettled for a row (a question it reads is not
answered) is screened for that row on the scalar path (``evaluate.screen_only``). The output is
the same as the scalar path's, row for row, in the same order.

Needs pyarrow and numpy (``pip install '.[batch]'``).
"""

from __future__ import annotations

import csv
import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from app.engine import ELIGIBLE, INELIGIBLE, MAYBE
from app.engine.evaluate import screen_only
from app.engine.vector import ELIGIBLE_CODE, INELIGIBLE_CODE, MAYBE_CODE, ArrayScreening, Households

from .batch_rows import result_row
from .household import FALSE_WORDS, SIZE, TRUE_WORDS, HouseholdInvalid, column_names, flat_row, read_columns, read_row
from .whatif import yearly as money_a_year

CODE_OF = {INELIGIBLE: INELIGIBLE_CODE, MAYBE: MAYBE_CODE, ELIGIBLE: ELIGIBLE_CODE}
STATUS_WORDS = [INELIGIBLE, MAYBE, ELIGIBLE]  # by code
_NUMBER = r"^-?[0-9]+(\.[0-9]+)?$"
_DATE = r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$"


# -- reading a block as columns -----------------------------------------------------------------


class Cells:
    """One column of a block read strictly as a fact's type: ``value`` (numpy), ``given`` (a cell
    is filled) and ``refused`` (filled, but not in the strict form: the row goes the scalar way)."""

    def __init__(self, column, fact, n: int):
        if column is None:
            self.given = self.refused = np.zeros(n, dtype=bool)
            self.value = _stand_in(fact, n)
            return
        if pa.types.is_dictionary(column.type):
            column = column.dictionary_decode()
        if pa.types.is_null(column.type):
            column = column.cast(pa.string())
        if pa.types.is_string(column.type) or pa.types.is_large_string(column.type):
            if column.null_count == n or pc.max(pc.binary_length(column)).as_py() in (0, None):
                self.given = self.refused = np.zeros(n, dtype=bool)  # an empty column: nothing to read
                self.value = _stand_in(fact, n)
                return
            self._text(pc.utf8_trim_whitespace(column), fact)
        else:
            self._native(column, fact)

    def _text(self, text, fact) -> None:
        given = pc.fill_null(pc.not_equal(text, ""), False)
        if fact.type == "yesno":
            lowered = pc.utf8_lower(text)
            yes = pc.fill_null(pc.is_in(lowered, pa.array(sorted(TRUE_WORDS))), False)
            no = pc.fill_null(pc.is_in(lowered, pa.array(sorted(FALSE_WORDS))), False)
            self.value = yes.to_numpy(zero_copy_only=False)
            ok = pc.or_(yes, no)
        elif fact.type in ("number", "money"):
            try:  # most columns are all numbers: read whole ("1e3" and "+5" as Python's float reads them)
                self.value = pc.cast(pc.if_else(given, text, "0"), pa.float64()).to_numpy(zero_copy_only=False)
                ok = pa.array(np.isfinite(self.value))  # "inf" and "nan" are not answers
            except pa.ArrowInvalid:  # some cell is not a number: find which
                ok = pc.fill_null(pc.match_substring_regex(text, _NUMBER), False)
                self.value = pc.cast(pc.if_else(ok, text, "0"), pa.float64()).to_numpy(zero_copy_only=False)
        else:  # a choice, as its place in the list of choices
            place = pc.index_in(text, value_set=pa.array(list(fact.choice_values())))
            ok = place.is_valid()
            self.value = pc.fill_null(place, -1).to_numpy(zero_copy_only=False).astype(np.int16)
        self.given = given.to_numpy(zero_copy_only=False)
        self.refused = self.given & ~ok.to_numpy(zero_copy_only=False)
        if fact.type in ("number", "money"):
            self._check_range(fact)

    def _native(self, column, fact) -> None:
        self.given = column.is_valid().to_numpy(zero_copy_only=False)
        kind = column.type
        if fact.type == "yesno" and pa.types.is_boolean(kind):
            self.value = pc.fill_null(column, False).to_numpy(zero_copy_only=False)
            self.refused = np.zeros(len(column), dtype=bool)
            return
        if fact.type in ("number", "money") and (pa.types.is_integer(kind) or pa.types.is_floating(kind)):
            self.value = pc.fill_null(pc.cast(column, pa.float64()), 0.0).to_numpy(zero_copy_only=False)
            self.refused = self.given & ~np.isfinite(self.value)
            self.value = np.where(self.refused, 0.0, self.value)
            self._check_range(fact)
            return
        self.value, self.refused = _stand_in(fact, len(column)), self.given.copy()

    def _check_range(self, fact) -> None:
        v = self.value
        wrong = np.zeros(len(v), dtype=bool)
        if fact.integer:
            wrong |= v != np.floor(v)
        if fact.minimum is not None:
            wrong |= v < fact.minimum
        if fact.maximum is not None:
            wrong |= v > fact.maximum
        self.refused = self.refused | (self.given & wrong)


def _stand_in(fact, n: int) -> np.ndarray:
    if fact.type == "yesno":
        return np.zeros(n, dtype=bool)
    if fact.type in ("number", "money"):
        return np.zeros(n)
    return np.full(n, -1, dtype=np.int16)


def read_block(block, vocabulary) -> tuple[Households, np.ndarray, np.ndarray]:
    """(the block as Households, the rows the strict reading took, each row's date text or None)."""
    n = block.num_rows
    names = set(block.schema.names)
    refused = np.zeros(n, dtype=bool)
    known_columns = {"id", "date", *column_names(vocabulary)}
    if names - known_columns:  # a column we do not ask: read_columns says so for each row
        refused[:] = True

    def cells(name, fact) -> Cells:
        nonlocal refused
        found = Cells(block.column(name) if name in names else None, fact, n)
        refused |= found.refused
        return found

    facts, answered = {}, {}
    for fid, fact in vocabulary.facts.items():
        read = cells(fid, fact)
        facts[fid], answered[fid] = read.value, read.given
    members, present = {}, {}
    for group in vocabulary.person_groups:
        if group.kind == "list":
            size = cells(group.id, SIZE)
            refused |= size.given & (size.value > group.maximum)
            people = [{name: cells(f"{group.id}.{j}.{name}", fact) for name, fact in group.facts.items()}
                      for j in range(group.maximum)]
            filled = np.stack([np.any([c.given for c in person.values()], axis=0) for person in people], axis=1)
            counted = np.where(size.given, size.value, filled.sum(axis=1)).astype(int)
            width = max(int(counted.max(initial=0)), 1)
            here = np.arange(group.maximum)[None, :] < counted[:, None]
            refused |= (filled & ~here).any(axis=1)  # a gap, or people past the size given
            present[group.id] = here[:, :width]
            answered[group.id] = size.given | filled.any(axis=1)
            members[group.id] = {}
            for name in group.facts:
                given = np.stack([people[j][name].given for j in range(group.maximum)], axis=1)
                answered[f"{group.id}.{name}"] = ~(here & ~given).any(axis=1)
                members[group.id][name] = np.stack([people[j][name].value for j in range(width)], axis=1)
            continue
        if group.kind == "optional":
            there = facts[group.present_when] & answered[group.present_when]
        else:
            there = np.ones(n, dtype=bool)
        present[group.id] = there[:, None]
        members[group.id] = {}
        for name, fact in group.facts.items():
            read = cells(f"{group.id}.{name}", fact)
            if group.kind == "optional":
                refused |= read.given & ~there  # answers for someone who is not there
            answered[f"{group.id}.{name}"] = read.given | ~there
            members[group.id][name] = read.value[:, None]
    dates = None
    if "date" in names:
        text = pc.utf8_trim_whitespace(pc.cast(block.column("date"), pa.string()))
        given = pc.fill_null(pc.not_equal(text, ""), False).to_numpy(zero_copy_only=False)
        form = pc.fill_null(pc.match_substring_regex(text, _DATE), False).to_numpy(zero_copy_only=False)
        refused |= given & ~form
        dates = np.where(given, pc.fill_null(text, "").to_numpy(zero_copy_only=False), None)
        for i in np.flatnonzero(given & ~refused):
            try:
                dt.date.fromisoformat(dates[i])
            except ValueError:
                refused[i] = True
    households = Households(n, facts, members, present, {q: a for q, a in answered.items() if not a.all()})
    return households, ~refused, dates


def text_block(raws: list, vocabulary):
    """Households' answers (as in household files) as a block of text cells in the flat layout,
    the way a spreadsheet has them: what ``read_block`` reads."""
    def text(value) -> str:
        return "yes" if value is True else "no" if value is False else str(value)

    rows = [flat_row(raw, vocabulary) for raw in raws]
    return pa.RecordBatch.from_pydict({c: pa.array([text(r[c]) if c in r else "" for r in rows], pa.string())
                                       for c in column_names(vocabulary)})


# -- screening a block --------------------------------------------------------------------------


def round_cents(x: np.ndarray) -> np.ndarray:
    """``evaluate.round_cents`` on arrays (finite values)."""
    return np.floor(x * 100 + 0.5 + 1e-7) / 100


def money(program, status: np.ndarray, value):
    """A program's money from the array path, as ``ProgramResult`` gives it: (the amount written
    out: yearly, or one-time for a one-time benefit, 0 when not eligible, NaN when unknown; the
    money a year it adds to the total; the one-time money it adds), or None when it pays none."""
    if value is None or program.amount is None:
        return None
    eligible, ineligible = status == ELIGIBLE_CODE, status == INELIGIBLE_CODE
    zero = np.zeros(len(status))
    if program.amount.period == "once":
        written = round_cents(value)
        yearly, once = zero, np.where(eligible, written, 0.0)
    else:
        written = round_cents(round_cents(value) * 12 if program.amount.period == "month" else value)
        yearly, once = np.where(eligible, written, 0.0), zero
    return np.where(ineligible, 0.0, np.where(eligible, written, np.nan)), yearly, once


class Block:
    """A block's results, column by column: per program a status code, the amount written out, and
    what it adds to the yearly and one-time totals."""

    def __init__(self, ruleset, n: int):
        self.ruleset = ruleset
        count = len(ruleset.programs)
        self.status = np.full((count, n), -1, dtype=np.int8)
        self.amount = np.full((count, n), np.nan)
        self.yearly = np.zeros((count, n))
        self.once = np.zeros((count, n))
        self.whole_rows: dict = {}  # row index -> result row worked out on the scalar path

    def put_arrays(self, k: int, rows: np.ndarray, status: np.ndarray, value) -> None:
        self.status[k, rows] = status
        found = money(self.ruleset.programs[k], status, value)
        if found is not None:
            self.amount[k, rows], self.yearly[k, rows], self.once[k, rows] = found

    def put_result(self, k: int, row: int, result) -> None:
        self.status[k, row] = CODE_OF[result.status]
        amount = result.amount_once if result.period == "once" else result.amount_yearly
        self.amount[k, row] = np.nan if amount is None else amount
        self.yearly[k, row] = money_a_year(result)
        self.once[k, row] = (result.amount_once or 0.0) if result.status == ELIGIBLE else 0.0

    def columns(self, numbers: np.ndarray, ids: list) -> dict:
        """The output columns, as ``batch_rows.output_columns`` names them."""
        out = {"row": numbers, "id": ids}
        for k, program in enumerate(self.ruleset.programs):
            out[f"{program.id}.status"] = Statuses(self.status[k])
            out[f"{program.id}.amount"] = self.amount[k]
        total_yearly, total_once = np.zeros(len(numbers)), np.zeros(len(numbers))
        for k in range(len(self.ruleset.programs)):  # in order, as the scalar path adds them
            total_yearly = total_yearly + self.yearly[k]
            total_once = total_once + self.once[k]
        # Sums of whole cents, far from a half cent: numpy's rounding gives Python's round(x, 2) here.
        out["total_yearly"] = np.round(total_yearly, 2)
        out["total_once"] = np.round(total_once, 2)
        for i, row in self.whole_rows.items():
            for name in out:
                if name in ("row", "id"):
                    continue
                value = row.get(name)
                if isinstance(out[name], Statuses):
                    out[name].codes[i] = CODE_OF.get(value, -1)
                else:
                    out[name][i] = np.nan if value is None else value
        return out


class Statuses:
    """A status column as codes (-1: not screened), turned into text only when written."""

    def __init__(self, codes: np.ndarray):
        self.codes = codes

    def __getitem__(self, rows) -> Statuses:
        return Statuses(self.codes[rows])

    def arrow(self, kind=None):
        """As Arrow: a dictionary of the three words, or text when ``kind`` is string."""
        indices = pa.array(self.codes, mask=self.codes < 0, type=pa.int8())
        words = pa.DictionaryArray.from_arrays(indices, pa.array(STATUS_WORDS))
        return words if kind is None or pa.types.is_dictionary(kind) else pc.cast(words, kind)


@dataclass
class BlockResult:
    """What one block gives: its output columns (None when no row could be screened), the rows
    that could not be read (row number, why), and how many rows were screened."""

    columns: dict | None
    errors: list
    rows: int
    screened: int


def screen_block(ruleset, arrays: ArrayScreening, block, first_row: int, date: dt.date | None) -> BlockResult:
    """Screen a block of rows numbered from ``first_row`` (see the module's docstring)."""

    errors: list = []

    n = block.num_rows
    households, taken, dates = read_block(block, ruleset.vocabulary)
    results = Block(ruleset, n)
    rows = None
    screened = np.zeros(n, dtype=bool)

    def row_dict(i: int) -> dict:
        nonlocal rows
        if rows is None:
            rows = block.to_pylist()
        return rows[i]

    for i in np.flatnonzero(~taken):  # the scalar path reads, screens, or reports these rows
        try:
            household = read_row(row_dict(i), ruleset.vocabulary)
        except HouseholdInvalid as invalid:
            errors += [(first_row + int(i), message) for message in invalid.problems]
            continue
        from app.engine import screen

        day = date or household.date or dt.date.today()
        results.whole_rows[i] = result_row(first_row + i, None, screen(ruleset, household.answers, day))
        screened[i] = True
    by_day: dict = {}
    if date is not None or dates is None or not any(dates[taken]):
        by_day[date or dt.date.today()] = np.flatnonzero(taken)
    else:
        for i in np.flatnonzero(taken):
            day = dt.date.fromisoformat(dates[i]) if dates[i] else dt.date.today()
            by_day.setdefault(day, []).append(i)
    for day, chosen in by_day.items():
        chosen = np.asarray(chosen, dtype=np.int64)
        part = households if len(chosen) == households.n else households.rows(chosen)
        out = arrays.screen(part, day)
        for k in range(len(ruleset.programs)):
            results.put_arrays(k, chosen, out.status[k], out.amount[k])
        _settle(ruleset, out, chosen, day, results, row_dict)
        screened[chosen] = True
    count = int(screened.sum())
    if not count:
        return BlockResult(None, errors, n, 0)
    ids = block.column("id").to_pylist() if "id" in block.schema.names else [None] * n
    ids = np.array(["" if v is None else str(v) for v in ids], dtype=object)
    columns = results.columns(np.arange(first_row, first_row + n), ids)
    return BlockResult({name: values[screened] for name, values in columns.items()}, errors, n, count)


def _settle(ruleset, out, chosen: np.ndarray, day: dt.date, results: Block, row_dict) -> None:
    """Screen on the scalar path each (row, program) the arrays left unsettled."""
    wanted: dict = {}  # row index -> program ids
    for k, unsettled in enumerate(out.unsettled):
        if unsettled is None:
            continue
        for j in np.flatnonzero(unsettled):
            wanted.setdefault(int(chosen[j]), set()).add(ruleset.programs[k].id)
    index = {p.id: k for k, p in enumerate(ruleset.programs)}
    for i, program_ids in wanted.items():
        household = read_columns(row_dict(i), ruleset.vocabulary)
        for result in screen_only(ruleset, household.answers, day, program_ids):
            results.put_result(index[result.program.id], i, result)


def blocks(path, fmt: str, size: int) -> Iterator:
    """The file's rows as Arrow record batches of about ``size`` rows (CSV cells all as text)."""
    if fmt == "parquet":
        import pyarrow.parquet as pq

        # Without pre-buffering, which holds on to what it read ahead and grows with the file.
        yield from pq.ParquetFile(path, pre_buffer=False).iter_batches(batch_size=size)
        return
    import pyarrow.csv as pcsv

    with open(path, "rb") as handle:
        header = handle.readline().decode("utf-8-sig").strip()
    names = next(iter(csv.reader([header])), [])
    reader = pcsv.open_csv(path, read_options=pcsv.ReadOptions(block_size=1 << 22, encoding="utf-8"),
                           convert_options=pcsv.ConvertOptions(column_types={name: pa.string() for name in names},
                                                               strings_can_be_null=False))
    pending, count = [], 0
    for batch in reader:
        pending.append(batch)
        count += batch.num_rows
        if count >= size:
            table = pa.Table.from_batches(pending).combine_chunks()
            whole = count - count % size
            for start in range(0, whole, size):
                yield table.slice(start, size).to_batches()[0]
            rest = table.slice(whole)
            pending, count = (rest.to_batches() if rest.num_rows else []), rest.num_rows
    if count:
        yield pa.Table.from_batches(pending).combine_chunks().to_batches()[0]
