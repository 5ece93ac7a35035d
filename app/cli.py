"""``flask rules ...``: check, test and explain the rules without a running server.

Registered as a Flask command plugin (see pyproject.toml), so it works even
when the rules are broken and the app itself refuses to start.
"""

from __future__ import annotations

import datetime as dt
import json
import sys
from pathlib import Path

import click

from app.engine import RULES_DIR, AnswerError, RulesInvalid, load_ruleset, screen
from app.engine.examples import run_examples
from app.engine.report import result_details, results_table
from app.engine.schema import SCHEMA_FILES, load_schema

rules_option = click.option(
    "--rules", "rules_dir", type=click.Path(file_okay=False, path_type=Path), default=RULES_DIR,
    show_default=True, help="The folder holding questions.yaml and programs/.",
)


def _load(rules_dir: Path):
    try:
        return load_ruleset(rules_dir)
    except RulesInvalid as invalid:
        for error in invalid.errors:
            click.echo(str(error), err=True)
        click.echo(f"{len(invalid.errors)} problem(s) found. Nothing was changed.", err=True)
        sys.exit(1)


@click.group("rules")
def rules():
    """Check, test and explain the benefit rules."""


@rules.command("check")
@rules_option
@click.option("--today", type=click.DateTime(["%Y-%m-%d"]), default=None, help="Pretend today is this date.")
def check(rules_dir: Path, today):
    """Validate every rule file; list programs whose confirmed figures have run out."""
    ruleset = _load(rules_dir)
    today = today.date() if today else dt.date.today()
    click.echo(f"OK: {len(ruleset.programs)} programs, {len(ruleset.vocabulary.questions())} questions.")
    stale = [p for p in ruleset.programs if p.confirmed_through < today]
    if stale:
        click.echo(f"\nConfirmed figures end before today ({today}) for {len(stale)} program(s); "
                   "results say which year's figures they use:")
        for program in stale:
            click.echo(f"  {program.id}: confirmed through {program.confirmed_through} "
                       f"(using {program.benefit_year(program.confirmed_through)} figures)  [{program.file}]")
    unconfirmed = [(p, name, entry) for p in ruleset.programs for name, entry in p.unconfirmed_values()]
    if unconfirmed:
        click.echo(f"\n{len(unconfirmed)} value(s) are marked unconfirmed:")
        for program, name, entry in unconfirmed:
            click.echo(f"  {program.file}:{entry.line}: {program.id}: {name} from {entry.start}"
                       + (f" - {entry.note}" if entry.note else ""))


@rules.command("test")
@rules_option
@click.option("--program", "program_ids", multiple=True, help="Only this program (may repeat).")
def test(rules_dir: Path, program_ids):
    """Run every program's examples through the engine."""
    ruleset = _load(rules_dir)
    outcomes = run_examples(ruleset, set(program_ids) or None)
    failed = [o for o in outcomes if not o.passed]
    for outcome in failed:
        program, example = outcome.program, outcome.example
        click.echo(f"FAIL {program.file}:{example.line}: {program.id}: {example.name}")
        for mismatch in outcome.mismatches:
            click.echo(f"  {mismatch}")
        click.echo(_indent(result_details(outcome.result, ruleset.vocabulary), "  "))
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
    data = _read_household(household)
    date = on.date() if on else _file_date(data, household)
    try:
        answers = ruleset.vocabulary.parse_answers(data.get("answers"))
    except AnswerError as error:
        for question, message in error.problems:
            click.echo(f"{household}: answer '{question}' {message}", err=True)
        sys.exit(2)
    results = screen(ruleset, answers, date)
    if fmt == "json":
        payload = {"date": date.isoformat(), "results": [r.to_dict() for r in results]}
        click.echo(json.dumps(payload, indent=2, ensure_ascii=False))
        return
    click.echo(f"Screening as of {date}\n")
    click.echo(results_table(results))
    for result in results:
        click.echo()
        click.echo(result_details(result, ruleset.vocabulary))


@rules.command("schema")
@click.argument("kind", type=click.Choice(sorted(SCHEMA_FILES)), required=False)
def schema(kind):
    """Print the JSON Schemas for rule files (all, or one kind)."""
    kinds = [kind] if kind else sorted(SCHEMA_FILES)
    payload = {k: load_schema(k) for k in kinds}
    click.echo(json.dumps(payload[kind] if kind else payload, indent=2))


def _read_household(path: Path) -> dict:
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        click.echo(f"{path}: cannot read the file ({exc.__class__.__name__})", err=True)
        sys.exit(2)
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        click.echo(f"{path}:{exc.lineno}: this is not valid JSON: {exc.msg}", err=True)
        sys.exit(2)
    if not isinstance(data, dict) or not isinstance(data.get("answers"), dict):
        click.echo(f"{path}: the file must be a JSON object with an \"answers\" object in it", err=True)
        sys.exit(2)
    unknown = set(data) - {"answers", "date", "description"}
    if unknown:
        click.echo(f"{path}: unknown key(s) {', '.join(sorted(unknown))}; allowed: answers, date, description",
                   err=True)
        sys.exit(2)
    return data


def _file_date(data: dict, path: Path) -> dt.date:
    if "date" not in data:
        return dt.date.today()
    try:
        return dt.date.fromisoformat(str(data["date"]))
    except ValueError:
        click.echo(f"{path}: the date {data['date']!r} is not written YYYY-MM-DD", err=True)
        sys.exit(2)


def _indent(text: str, prefix: str) -> str:
    return "\n".join(prefix + line for line in text.splitlines())
