"""Batch screening: flat columns in, one result row per household out, bad rows set aside."""

from __future__ import annotations

import csv
import datetime as dt
import json

import pytest
from click.testing import CliRunner

from app.cli import rules
from app.engine import screen
from app.services import batch
from app.services.household import HouseholdInvalid, column_names, read_columns

DAY = "2026-11-01"
FAMILY_ROW = {"id": "a1", "region": "calgary", "status_in_canada": "citizen", "has_partner": "no", "you.age": "31",
              "you.working_income": "18000", "children.0.age": "2", "children.1.age": "5", "filed_taxes": "yes",
              "family_net_income": "22,000"}


def test_the_flat_layout_reads_like_a_household_file(ruleset):
    household = read_columns(FAMILY_ROW, ruleset.vocabulary)
    assert household.raw == {"region": "calgary", "status_in_canada": "citizen", "has_partner": False,
                             "you": {"age": 31, "working_income": 18000}, "children": [{"age": 2}, {"age": 5}],
                             "filed_taxes": True, "family_net_income": 22000}
    assert "children.11.dtc" in column_names(ruleset.vocabulary)


@pytest.mark.parametrize("row, words", [
    ({"region": "mars"}, "column 'region'"),
    ({"kids.0.age": "3"}, "column 'kids.0.age' is not a question we ask"),
    ({"children.12.age": "3"}, "numbered 0 to 11"),
    ({"you.age": "old"}, "column 'you.age'"),
])
def test_a_bad_row_names_its_column(ruleset, row, words):
    with pytest.raises(HouseholdInvalid) as raised:
        read_columns(row, ruleset.vocabulary)
    assert words in "; ".join(raised.value.problems)


def write_csv(path, rows):
    columns = sorted({c for row in rows for c in row})
    with path.open("w", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=columns)
        writer.writeheader()
        writer.writerows(rows)


@pytest.mark.parametrize("suffix", [".csv", ".jsonl", ".parquet"])
def test_every_format_gives_the_engines_results(ruleset, tmp_path, suffix):
    source = tmp_path / "in.csv"
    rows = [FAMILY_ROW, {"id": "bad", "region": "mars"}, dict(FAMILY_ROW, id="a3", **{"children.0.age": "17"})]
    write_csv(source, rows)
    output = tmp_path / f"out{suffix}"
    result = CliRunner().invoke(rules, ["batch", str(source), "-o", str(output), "--date", DAY])
    assert result.exit_code == 1, result.output  # one row went to the error file
    found = read_back(output, suffix)
    assert [r["id"] for r in found] == ["a1", "a3"] and [r["row"] for r in found] == [1, 3]
    expected = screen(ruleset, read_columns(FAMILY_ROW, ruleset.vocabulary).answers, dt.date.fromisoformat(DAY))
    ccb = next(r for r in expected if r.program.id == "ccb")
    assert found[0]["ccb.status"] == "eligible" and float(found[0]["ccb.amount"]) == pytest.approx(ccb.amount_yearly)
    assert float(found[0]["total_yearly"]) == pytest.approx(
        sum(r.amount_yearly or 0 for r in expected if r.status == "eligible"), abs=0.01)
    errors = list(csv.DictReader((tmp_path / "out.errors.csv").open()))
    assert errors == [{"row": "2", "problem": errors[0]["problem"]}] and "region" in errors[0]["problem"]


def read_back(path, suffix):
    if suffix == ".csv":
        return [dict(r, row=int(r["row"])) for r in csv.DictReader(path.open())]
    if suffix == ".jsonl":
        return [json.loads(line) for line in path.open()]
    import pyarrow.parquet as pq

    return pq.read_table(path).to_pylist()


def test_jsonl_takes_household_files_and_parquet_reads_back_in(ruleset, tmp_path):
    source = tmp_path / "in.jsonl"
    household = {"id": "h1", "date": DAY, "answers": read_columns(FAMILY_ROW, ruleset.vocabulary).raw}
    source.write_text(json.dumps(household) + "\nnot json\n" + json.dumps(FAMILY_ROW) + "\n")
    first = tmp_path / "out.parquet"
    assert CliRunner().invoke(rules, ["batch", str(source), "-o", str(first)]).exit_code == 1
    import pyarrow.parquet as pq

    table = pq.read_table(first).to_pylist()
    assert [r["id"] for r in table] == ["h1", "a1"] and table[0]["ccb.status"] == "eligible"
    assert "not valid JSON" in (tmp_path / "out.errors.csv").read_text()
    again = tmp_path / "again.parquet"  # a Parquet input in the flat layout
    import pyarrow as pa

    pq.write_table(pa.Table.from_pylist([FAMILY_ROW, FAMILY_ROW]), tmp_path / "in.parquet")
    result = CliRunner().invoke(rules, ["batch", str(tmp_path / "in.parquet"), "-o", str(again)])
    assert result.exit_code == 0 and not (tmp_path / "again.errors.csv").exists()
    assert len(pq.read_table(again)) == 2


def test_unknown_formats_are_refused(tmp_path):
    source = tmp_path / "in.xlsx"
    source.write_text("x")
    result = CliRunner().invoke(rules, ["batch", str(source), "-o", str(tmp_path / "out.csv")])
    assert result.exit_code == 2 and ".csv, .jsonl or .parquet" in result.output


def test_memory_stays_flat_because_rows_stream(ruleset):
    """Rows are screened as they are read: the generator never holds more than one."""
    seen = []

    def rows():
        for index in range(5):
            seen.append(index)
            yield dict(FAMILY_ROW, id=str(index))

    stream = batch.screen_rows(ruleset, rows(), dt.date(2026, 11, 1), lambda *a: None, batch.Progress())
    first = next(stream)
    assert first["id"] == "0" and seen == [0]


def noisy_rows(ruleset, count: int, seed: int) -> list[dict]:
    """Synthetic households as flat rows, text cells as a spreadsheet has them, with the mess real files
    have: blank cells, "dont_know", "$1,200", a bad value, a child numbered past a gap, a row's own date."""
    import random

    from app.services import population
    from app.services.household import flat_row

    rng = random.Random(seed)
    rows = []
    for number, case in enumerate(population.households(count, seed, dt.date(2026, 12, 3))):
        row = {k: ("yes" if v is True else "no" if v is False else str(v))
               for k, v in flat_row(case.raw, ruleset.vocabulary).items()}
        row["id"] = f"h{number}"
        roll = rng.random()
        if roll < 0.3:
            row["monthly_rent"] = row.get("monthly_rent") or "0"  # every answer given
        elif roll < 0.4:
            row.pop(rng.choice(sorted(row)))  # one answer missing
        elif roll < 0.45:
            row[rng.choice([k for k in row if k != "id"])] = "dont_know"
        elif roll < 0.5:
            row["family_net_income"] = f"${int(float(row.get('family_net_income', 0))):,}"
        elif roll < 0.52:
            row["region"] = "mars"
        elif roll < 0.54:
            row["children"] = ""
            row["children.5.age"] = "4"
        elif roll < 0.57:
            row["you.working_income"] = rng.choice(["1e3", "+5", "12.", ".5", "inf", "nan", "1_000", "0x10", "-0"])
        elif roll < 0.6:
            row["date"] = rng.choice(["2025-06-01", "2024-07-01", "2026-01-15", "2026-13-01", "June 2025"])
        rows.append(row)
    return rows


def write_caseload(path, rows, vocabulary, row_group_size=None):
    """Rows in the flat layout as a CSV or Parquet file (every column as text, as a spreadsheet has them)."""
    columns = ["id", "date", *column_names(vocabulary)]
    if path.suffix == ".csv":
        with path.open("w", newline="") as handle:
            writer = csv.DictWriter(handle, fieldnames=columns)
            writer.writeheader()
            writer.writerows(rows)
        return
    import pyarrow as pa
    import pyarrow.parquet as pq

    pq.write_table(pa.table({c: [r.get(c) for r in rows] for c in columns}), path, row_group_size=row_group_size)


@pytest.mark.parametrize("suffix", [".csv", ".parquet"])
def test_the_array_path_writes_what_the_scalar_path_writes(ruleset, tmp_path, suffix):
    rows = noisy_rows(ruleset, 600, 5)
    source = tmp_path / f"in{suffix}"
    write_caseload(source, rows, ruleset.vocabulary)
    outputs = {}
    for way in ("arrays", "scalar"):
        output = tmp_path / f"{way}{suffix}"
        flags = ["--scalar"] if way == "scalar" else []
        result = CliRunner().invoke(rules, ["batch", str(source), "-o", str(output), "--date", DAY, *flags])
        assert result.exit_code == 1, result.output  # the bad rows went to the error file
        outputs[way] = read_back(output, suffix), (tmp_path / f"{way}.errors.csv").read_text()
    assert outputs["arrays"] == outputs["scalar"]
    found, errors = outputs["arrays"]
    assert 500 < len(found) < 600 and "region" in errors
    assert {r["ccb.status"] for r in found} >= {"eligible", "ineligible"}
    if suffix == ".csv":
        assert (tmp_path / "arrays.csv").read_bytes() == (tmp_path / "scalar.csv").read_bytes()


def test_rows_with_their_own_dates_on_the_array_path(ruleset, tmp_path):
    source = tmp_path / "in.csv"
    write_caseload(source, noisy_rows(ruleset, 300, 9), ruleset.vocabulary)
    for way in ("arrays", "scalar"):
        flags = ["--scalar"] if way == "scalar" else []
        CliRunner().invoke(rules, ["batch", str(source), "-o", str(tmp_path / f"{way}.csv"), *flags])
    assert (tmp_path / "arrays.csv").read_bytes() == (tmp_path / "scalar.csv").read_bytes()
    assert (tmp_path / "arrays.errors.csv").read_text() == (tmp_path / "scalar.errors.csv").read_text()
