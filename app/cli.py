"""``flask rules ...``: check, test and explain the rules without a running server.

Registered as a Flask command plugin (see pyproject.toml), so it works even
when the rules are broken and the app itself refuses to start.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import sys
from collections import Counter
from pathlib import Path

import click

from app.engine import RulesInvalid, load_ruleset, screen
from app.engine.examples import run_examples
from app.engine.lint import parameter_jumps
from app.engine.loader import check_errors
from app.engine.schema import SCHEMA_FILES, load_schema
from app.paths import RULES_DIR, TRANSLATIONS_DIR
from app.services import impact as impacts
from app.services import impact_report, reference
from app.services.explain import Explainer
from app.services.household import HouseholdInvalid, read_household_file
from app.services.language import load_languages
from app.services.report import result_details, result_json, results_table

rules_option = click.option(
    "--rules", "rules_dir", type=click.Path(file_okay=False, path_type=Path), default=RULES_DIR,
    show_default=True, help="The folder holding questions.yaml and programs/.",
)


def _english(ruleset) -> Explainer:
    """Reports for policy staff are in English, in the same sentences the pages use."""
    return Explainer(ruleset, load_languages(TRANSLATIONS_DIR)["en"])


def _load(rules_dir: Path, checks: bool = True, status: int = 1, what: str = ""):
    try:
        return load_ruleset(rules_dir, checks=checks)
    except RulesInvalid as invalid:
        for error in invalid.errors:
            click.echo(str(error), err=True)
        click.echo(f"{len(invalid.errors)} problem(s) found{what}. Nothing was changed.", err=True)
        sys.exit(status)


@click.group("rules")
def rules():
    """Check, test and explain the benefit rules."""


@rules.command("check")
@rules_option
@click.option("--today", type=click.DateTime(["%Y-%m-%d"]), default=None, help="Pretend today is this date.")
@click.option("--verbose", is_flag=True, help="Show the full trace of every failing example.")
@click.option("--all", "every", is_flag=True, help="List every stale program and every unconfirmed value.")
def check(rules_dir: Path, today, verbose: bool, every: bool):
    """Validate every rule file and run every example; list programs whose confirmed figures have run out."""
    ruleset = _load(rules_dir, checks=False)
    outcomes = run_examples(ruleset)
    errors = check_errors(ruleset, outcomes)
    if errors:
        failing = {(o.program.file, o.example.line): o for o in outcomes if not o.passed}
        for error in errors:
            click.echo(str(error), err=True)
            outcome = failing.get((error.file, error.line))
            if verbose and outcome is not None:
                click.echo(_indent(result_details(outcome.result, _english(ruleset)), "    "), err=True)
        click.echo(f"{len(errors)} problem(s) found. The app will not start on these rules."
                   + ("" if verbose or not failing else " Add --verbose for each failing example's full trace."),
                   err=True)
        sys.exit(1)
    today = today.date() if today else dt.date.today()
    click.echo(f"OK: {len(ruleset.programs)} programs, {len(ruleset.vocabulary.questions())} questions, "
               f"{len(outcomes)} examples.")
    jumps = parameter_jumps(ruleset)
    if jumps:
        click.echo(f"\n{len(jumps)} warning(s): a value far from the one before it may be a typo:")
        for warning in jumps:
            click.echo(f"  {warning}")
    _freshness(ruleset, today, every)


SUMMARY_LINES = 5


def _freshness(ruleset, today: dt.date, every: bool) -> None:
    """What is stale or unconfirmed: a summary that fits a screen, or every line with ``every``."""
    stale = sorted((p for p in ruleset.programs if p.confirmed_through < today), key=lambda p: p.confirmed_through)
    unconfirmed = [(p, name, entry) for p in ruleset.programs for name, entry in p.unconfirmed_values()]
    in_force = [(p, name, entry) for p, name, entry in unconfirmed
                if p.in_effect(today) and p.parameters[name].entry_on(p.rules_date(today)) is entry]
    if stale:
        click.echo(f"\nConfirmed figures end before today ({today}) for {len(stale)} of {len(ruleset.programs)} "
                   "program(s); results say which year's figures they use.")
        shown = stale if every else stale[:SUMMARY_LINES]
        if not every:
            years = Counter(p.confirmed_through.year for p in stale)
            click.echo("  confirmed through: " + ", ".join(f"{year}: {count}" for year, count in sorted(years.items())))
            click.echo("  the oldest:")
        for program in shown:
            click.echo(f"  {program.id}: confirmed through {program.confirmed_through} "
                       f"(using {program.benefit_year(program.confirmed_through)} figures)  [{program.file}]")
    if unconfirmed:
        programs = sorted({p.id for p, _, _ in in_force})
        click.echo(f"\n{len(unconfirmed)} value(s) are marked unconfirmed; {len(in_force)} of them are in force today, "
                   f"in {len(programs)} program(s)"
                   + (f": {', '.join(programs[:12])}{', …' if len(programs) > 12 else ''}" if programs else "") + ".")
        for program, name, entry in unconfirmed if every else []:
            click.echo(f"  {program.file}:{entry.line}: {program.id}: {name} from {entry.start}"
                       + (f" - {entry.note}" if entry.note else ""))
    if not every and (len(stale) > SUMMARY_LINES or unconfirmed):
        click.echo("\nEvery stale program and every unconfirmed value, with its note: flask rules check --all")


@rules.command("test")
@rules_option
@click.option("--program", "program_ids", multiple=True, help="Only this program (may repeat).")
def test(rules_dir: Path, program_ids):
    """Run every program's examples through the engine."""
    ruleset = _load(rules_dir, checks=False)
    outcomes = run_examples(ruleset, set(program_ids) or None)
    failed = [o for o in outcomes if not o.passed]
    for outcome in failed:
        program, example = outcome.program, outcome.example
        click.echo(f"FAIL {program.file}:{example.line}: {program.id}: {example.name}")
        for mismatch in outcome.mismatches:
            click.echo(f"  {mismatch}")
        click.echo(_indent(result_details(outcome.result, _english(ruleset)), "  "))
        click.echo()
    click.echo(f"{len(outcomes) - len(failed)} passed, {len(failed)} failed")
    if failed or not outcomes:
        sys.exit(1)


@rules.command("explain")
@click.argument("household", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--date", "on", type=click.DateTime(["%Y-%m-%d"]), default=None,
              help="Screen as of this date (default: the file's date, else today).")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
@rules_option
def explain(household: Path, on, fmt: str, rules_dir: Path):
    """Screen one household, given as a JSON file of answers."""
    ruleset = _load(rules_dir)
    try:
        text = household.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        click.echo(f"{household}: cannot read the file ({exc.__class__.__name__})", err=True)
        sys.exit(2)
    try:
        found = read_household_file(text, ruleset.vocabulary)
    except HouseholdInvalid as invalid:
        for problem in invalid.problems:
            click.echo(f"{household}: {problem}", err=True)
        sys.exit(2)
    date = on.date() if on else (found.date or dt.date.today())
    results = screen(ruleset, found.answers, date)
    english = _english(ruleset)
    absent = english.not_screened(ruleset, date)
    if fmt == "json":
        payload = {"date": date.isoformat(), "results": [result_json(r, english) for r in results],
                   "not_screened": absent}
        click.echo(json.dumps(payload, indent=2, ensure_ascii=False))
        return
    click.echo(f"Screening as of {date}\n")
    for sentence in absent:
        click.echo(sentence)
    if absent:
        click.echo()
    click.echo(results_table(results, english))
    for result in results:
        click.echo()
        click.echo(result_details(result, english))


@rules.command("households")
@click.option("--write", is_flag=True,
              help="Rewrite each file's expect: with today's results (after a reviewed change).")
@rules_option
def households(write: bool, rules_dir: Path):
    """Screen the reference households in rules/households/ and compare with what each file expects;
    list any criterion they never meet or never fail."""
    ruleset = _load(rules_dir, checks=False)  # like `rules test`: failing examples are `check`'s to report
    found, problems = reference.read_folder(rules_dir, ruleset.vocabulary)
    for problem in problems:
        click.echo(str(problem), err=True)
    if problems:
        sys.exit(2)
    if write:
        for household in found:
            reference.write_expectations(ruleset, household)
        click.echo(f"Wrote the results of {len(found)} household(s).")
        return
    mismatches = [line for household in found for line in reference.mismatches(ruleset, household)]
    for line in mismatches:
        click.echo(line)
    gaps, impossible = reference.coverage(ruleset, found)
    for program, criterion, side in gaps:
        click.echo(f"{program.file}:{criterion.line}: {program.id}: criterion '{criterion.id}' is never {side} "
                   "by a reference household; add one that does")
    for program, criterion, side in impossible:
        click.echo(f"{program.file}:{criterion.line}: {program.id}: criterion '{criterion.id}' cannot be {side} "
                   f"by any answer ({criterion.condition})")
    click.echo(f"{len(found)} households, {len(mismatches)} result(s) differ from their file, "
               f"{len(gaps)} criterion side(s) not reached.")
    if mismatches or gaps:
        click.echo("After a change you have reviewed with `flask rules impact`, "
                   "`flask rules households --write` records the new results.")
        sys.exit(1)


@rules.command("impact")
@click.option("--against", "ref", default="HEAD", show_default=True,
              help="Compare with the rules at this git ref (a branch, tag or commit).")
@click.option("--baseline", "baseline_dir", type=click.Path(file_okay=False, exists=True, path_type=Path),
              help="Compare with the rules in this folder instead of a git ref.")
@click.option("--population", type=click.IntRange(1, 10_000_000), is_flag=False, flag_value=100_000, default=None,
              help="Screen a synthetic Alberta population of this many households (100,000 when no number "
                   "is given) instead of the reference households in rules/households/.")
@click.option("--seed", type=int, default=2026, show_default=True, help="The synthetic population's seed.")
@click.option("--date", "on", type=click.DateTime(["%Y-%m-%d"]), default=None,
              help="Screen as of this date (default: each reference household's date; today for the population).")
@click.option("--html", "html_file", type=click.Path(dir_okay=False, path_type=Path),
              help="Also write a self-contained HTML report with a chart to this file.")
@rules_option
def impact(ref: str, baseline_dir: Path | None, population: int | None, seed: int, on, html_file: Path | None,
           rules_dir: Path):
    """Show what the current rules change against a baseline, household by household.

    Exit status, as with diff: 0 when no household's result changes, 1 when some do, 2 when the
    comparison cannot be made (broken rules, an unknown ref)."""
    # Loaded like the baseline, without the checks after loading: a changed value usually breaks the
    # examples written for the old one, and seeing what the change does comes before fixing them.
    current = _load(rules_dir, checks=False, status=2, what=" in the current rules")
    checks = check_errors(current, run_examples(current))
    if checks:
        click.echo(f"Note: {len(checks)} problem(s) in the current rules that the app would refuse to start on "
                   "(failing examples, ...); `flask rules check` lists them.", err=True)
    with impacts.temporary_folder() as tmp:
        if baseline_dir is not None:
            label, base = str(baseline_dir), baseline_dir
        else:
            label = ref
            try:
                base = impacts.rules_at_ref(ref, rules_dir, Path(tmp))
            except impacts.BaselineUnavailable as missing:
                click.echo(str(missing), err=True)
                sys.exit(2)
        baseline = _load(base, checks=False, status=2, what=f" in the rules at {label}")
    date = on.date() if on else None
    if population is None:
        households, problems = reference.read_folder(rules_dir, current.vocabulary)
        for problem in problems:
            click.echo(str(problem), err=True)
        if problems:
            sys.exit(2)
        cases = [h.case() for h in households]
        setting = impact_report.Setting(label, f"reference households ({rules_dir / reference.FOLDER})")
    else:
        from app.services import population as synthetic  # numpy-free, but only needed here

        cases = synthetic.households(population, seed, date or dt.date.today())
        setting = impact_report.Setting(label, f"synthetic Alberta households (seed {seed})",
                                        synthetic.APPROXIMATION, "Alberta households, weighted")
    found = impacts.compare(current, baseline, cases, date)
    click.echo(impact_report.table(found, setting))
    click.echo(f"\nScreened in {found.seconds:.1f} s.")
    if html_file is not None:
        html_file.write_text(impact_report.html(found, setting), encoding="utf-8")
        click.echo(f"Report written to {html_file}.")
    sys.exit(1 if found.any_change else 0)


@rules.command("batch")
@click.argument("source", type=click.Path(dir_okay=False, exists=True, path_type=Path))
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), required=True,
              help="Where the results go: .csv, .jsonl or .parquet.")
@click.option("--errors", "errors_path", type=click.Path(dir_okay=False, path_type=Path),
              help="Rows that could not be screened (default: OUTPUT with .errors.csv), only if there are any.")
@click.option("--date", "on", type=click.DateTime(["%Y-%m-%d"]), default=None,
              help="Screen every row as of this date (default: each row's date column, else today).")
@click.option("--scalar", is_flag=True,
              help="Screen row by row on the reference path instead of the array path (slower; same results).")
@click.option("--workers", type=click.IntRange(1, 256), default=None,
              help="Processes for the array path (default: one per CPU for files of more than one block).")
@click.option("--dask", "dask_address", metavar="ADDRESS",
              help="Screen on this Dask cluster (tcp://host:port); needs the dask extra. CSV and Parquet only.")
@rules_option
def batch(source: Path, output: Path, errors_path: Path | None, on, scalar: bool, workers: int | None,
          dask_address: str | None, rules_dir: Path):
    """Screen every household in a caseload file (CSV, JSON Lines or Parquet), one result row each.

    Streams: memory stays flat for any file size. CSV and Parquet go through the array path (numpy)
    a block of rows at a time when the batch extra is installed. A row that cannot be read goes to
    the error file with its row number; the run goes on. Exit 0 when every row was screened, 1 when
    some went to the error file, 2 when the files cannot be used."""
    from app.services import batch as batches

    try:
        in_format, out_format = batches.file_format(source), batches.file_format(output)
    except batches.BatchError as problem:
        click.echo(str(problem), err=True)
        sys.exit(2)
    by_rows = batches.uses_arrays(in_format, not scalar)
    if dask_address and (scalar or not by_rows):
        click.echo("--dask screens CSV and Parquet files on the array path: it needs the dask extra, "
                   "and cannot be used with --scalar or JSON Lines.", err=True)
        sys.exit(2)
    total = batches.total_size(source, in_format, by_rows)
    if workers is None:
        workers = (os.cpu_count() or 1) if by_rows and total > batches.BLOCK_ROWS else 1
    date = on.date() if on else None
    from app.services import batch_workers

    # A pool starts first, so that its workers load the rules while this process does.
    with batch_workers.pool(workers if by_rows and not dask_address else 1, rules_dir) as here:
        ruleset = _load(rules_dir, status=2)
        errors = batches.ErrorFile(errors_path or output.with_name(output.stem + ".errors.csv"))
        writer = batches.Writer(output, out_format, batches.output_columns(ruleset))
        with click.progressbar(length=total, label="Screening", file=sys.stderr,
                               show_pos=by_rows or in_format == "parquet") as bar:
            if dask_address:
                progress = batch_workers.run_on_cluster(dask_address, rules_dir, source, in_format, writer, date,
                                                        errors, bar.update)
            elif here is not None:
                progress = batch_workers.run(here.submit, workers, rules_dir, source, in_format, writer, date,
                                             errors, bar.update)
            else:
                progress = batches.run(ruleset, source, in_format, writer, date, errors, bar.update,
                                       arrays=not scalar)
    writer.close()
    errors.close()
    click.echo(f"{progress.screened:,} household(s) screened into {output}"
               + (f"; {progress.failed:,} row(s) could not be read: see {errors.path}" if progress.failed else "."),
               err=True)
    sys.exit(1 if progress.failed else 0)


@rules.command("schema")
@click.argument("kind", type=click.Choice(sorted(SCHEMA_FILES)), required=False)
def schema(kind):
    """Print the JSON Schemas for rule files (all, or one kind)."""
    kinds = [kind] if kind else sorted(SCHEMA_FILES)
    payload = {k: load_schema(k) for k in kinds}
    click.echo(json.dumps(payload[kind] if kind else payload, indent=2))


def _indent(text: str, prefix: str) -> str:
    return "\n".join(prefix + line for line in text.splitlines())
