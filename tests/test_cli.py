"""The rules command line: `flask rules check|test|explain|schema`."""

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from app.cli import rules

ROOT = Path(__file__).resolve().parents[1]
HOUSEHOLD = ROOT / "rules" / "examples" / "single-parent-two-children.json"


def invoke(*args):
    return CliRunner().invoke(rules, list(args), catch_exceptions=False)


def test_check_passes_and_lists_stale_programs():
    result = invoke("check", "--today", "2027-11-25", "--all")
    assert result.exit_code == 0
    assert "ccb: confirmed through 2027-06-30 (using 2026–27 figures)" in result.output
    assert "marked unconfirmed" in result.output and "max_under_6 from" in result.output


def test_check_summarises_what_is_stale_on_one_screen():
    result = invoke("check", "--today", "2027-11-25")
    assert result.exit_code == 0 and len(result.output.splitlines()) <= 24
    assert "confirmed through: " in result.output and "the oldest:" in result.output
    assert "in force today" in result.output and "flask rules check --all" in result.output
    assert "max_under_6 from" not in result.output  # the full list is behind --all


def test_check_lists_a_program_as_stale_only_after_its_confirmed_figures_end():
    result = invoke("check", "--today", "2027-06-30")
    assert result.exit_code == 0 and "  ccb: confirmed through" not in result.output


def test_test_runs_every_example():
    result = invoke("test")
    assert result.exit_code == 0
    assert " passed, 0 failed" in result.output


def test_test_shows_expected_actual_and_trace_on_failure(tmp_path):
    rules_dir = tmp_path / "rules"
    shutil.copytree(ROOT / "rules", rules_dir)
    program = rules_dir / "programs" / "federal" / "ccb.yaml"
    program.write_text(program.read_text().replace("amount_yearly: 6142.14", "amount_yearly: 6142.15"))
    result = invoke("test", "--rules", str(rules_dir), "--program", "ccb")
    assert result.exit_code == 1
    assert "FAIL rules/programs/federal/ccb.yaml:" in result.output
    assert "amount_yearly: expected 6,142.15, got 6,142.14" in result.output
    assert "[+] A child under 18 lives with you." in result.output


def test_check_fails_on_an_example_that_does_not_give_what_it_expects(tmp_path):
    """A typo in an expected amount is an error for check (one line each), and the app will not start."""
    rules_dir = tmp_path / "rules"
    shutil.copytree(ROOT / "rules", rules_dir)
    program = rules_dir / "programs" / "federal" / "ccb.yaml"
    program.write_text(program.read_text().replace("amount_yearly: 6142.14", "amount_yearly: 6142.15"))
    result = invoke("check", "--rules", str(rules_dir))
    assert result.exit_code == 1
    lines = [line for line in result.output.splitlines() if "ccb.yaml" in line]
    text = program.read_text().splitlines()
    typo = next(i for i, line in enumerate(text) if "6142.15" in line)
    example = next(i for i in range(typo, 0, -1) if text[i].lstrip().startswith("- name:")) + 1  # its first line
    assert len(lines) == 1 and lines[0].startswith(f"rules/programs/federal/ccb.yaml:{example}: ccb: example '")
    assert lines[0].endswith("amount_yearly: expected 6,142.15, got 6,142.14")
    assert "[+] A child under 18 lives with you." not in result.output  # the trace only with --verbose
    verbose = invoke("check", "--rules", str(rules_dir), "--verbose")
    assert verbose.exit_code == 1 and "[+] A child under 18 lives with you." in verbose.output
    from app import create_app

    with pytest.raises(SystemExit, match="will not start"):
        create_app({"RULES_DIR": str(rules_dir)})


def test_explain_json_has_the_promised_fields():
    result = invoke("explain", str(HOUSEHOLD), "--format", "json")
    assert result.exit_code == 0
    payload = json.loads(result.output)
    assert payload["date"] == "2025-09-01"
    by_id = {r["id"]: r for r in payload["results"]}
    assert by_id["ccb"]["status"] == "eligible"
    assert by_id["ccb"]["amount_yearly"] == 2 * 7997  # two children under 6, income under the first threshold
    assert by_id["cdb"]["status"] == "ineligible"
    for result_ in payload["results"]:
        assert {"id", "status", "amount_yearly", "trace", "provenance"} <= set(result_)


def test_explain_says_which_programs_are_not_screened_on_a_date():
    result = invoke("explain", str(HOUSEHOLD), "--date", "2020-01-01")
    assert result.exit_code == 0
    assert "Rules for Canada Child Benefit start on July 1, 2024; not screened." in result.output
    payload = json.loads(invoke("explain", str(HOUSEHOLD), "--date", "2020-01-01", "--format", "json").output)
    assert any("Canada Child Benefit" in s for s in payload["not_screened"])
    assert "ccb" not in {r["id"] for r in payload["results"]}
    assert json.loads(invoke("explain", str(HOUSEHOLD), "--date", "2026-11-01", "--format", "json").output)[
        "not_screened"] == []


def test_explain_text_with_date_override_shows_freshness():
    result = invoke("explain", str(HOUSEHOLD), "--date", "2026-11-25")
    assert result.exit_code == 0
    assert "based on 2025–26 figures" in result.output


@pytest.mark.parametrize("content, words", [
    ("{not json", "is not valid JSON"),
    ("[1, 2]", "\"answers\" object"),
    ('{"answers": {"region": "mars"}}', "answer 'region' must be one of"),
    ('{"answers": {"shoe_size": 4}}', "answer 'shoe_size' there is no such question"),
    ('{"answers": {}, "date": "tomorrow"}', "not written YYYY-MM-DD"),
    ('{"answers": {}, "extra": 1}', "unknown key(s) extra"),
])
def test_bad_household_files_get_a_message_not_a_traceback(tmp_path, content, words):
    path = tmp_path / "household.json"
    path.write_text(content)
    result = CliRunner().invoke(rules, ["explain", str(path)])
    assert result.exit_code == 2
    assert words in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)


def test_missing_household_file():
    result = CliRunner().invoke(rules, ["explain", "/nonexistent/household.json"])
    assert result.exit_code == 2 and "cannot read the file" in result.output


def test_schema_prints_json_schemas():
    result = invoke("schema")
    schemas = json.loads(result.output)
    assert set(schemas) == {"program", "questions", "definitions"}
    assert schemas["program"]["properties"]["confirmed_through"]


def test_the_flask_command_works_from_a_shell():
    completed = subprocess.run([sys.executable, "-m", "flask", "rules", "check"], cwd=ROOT,
                               capture_output=True, text=True, timeout=120)
    assert completed.returncode == 0, completed.stderr
    assert completed.stdout.startswith("OK: ")


def test_explain_says_when_an_amount_rests_on_unconfirmed_values():
    result = invoke("explain", str(HOUSEHOLD), "--date", "2026-11-25", "--format", "json")
    by_id = {r["id"]: r for r in json.loads(result.output)["results"]}
    assert "max_under_6" in by_id["ccb"]["provenance"]["unconfirmed"]  # 2026-27 CCB figures, marked so
    assert by_id["cdb"]["provenance"]["unconfirmed"] == []  # not eligible: no amount to rest on anything
    text = invoke("explain", str(HOUSEHOLD), "--date", "2026-11-25").output
    assert "the amount uses unconfirmed values: " in text


def test_check_warns_about_a_value_far_from_the_one_before(tmp_path):
    rules_dir = tmp_path / "rules"
    shutil.copytree(ROOT / "tests" / "fixtures" / "minimal", rules_dir)
    program = rules_dir / "programs" / "sample.yaml"
    text = program.read_text()
    assert "value: 1200" in text
    program.write_text(text.replace("value: 1200", "value: 12000"))  # a zero too many
    result = invoke("check", "--rules", str(rules_dir))
    assert result.exit_code == 0  # a warning, not an error
    line = next(i for i, t in enumerate(program.read_text().splitlines(), 1) if "value: 12000" in t)
    assert f"rules/programs/sample.yaml:{line}: sample: parameter 'per_child' goes from 1000 to 12000" in result.output
    assert "1 warning(s)" in result.output
    assert "warning" not in invoke("check", "--rules", str(ROOT / "tests" / "fixtures" / "minimal")).output


def _rules_in_a_git_repository(tmp_path):
    repo = tmp_path / "repo"
    shutil.copytree(ROOT / "rules", repo / "rules")
    for command in (["init", "-q"], ["add", "-A"],
                    ["-c", "user.name=t", "-c", "user.email=t@example.org", "commit", "-qm", "rules"]):
        subprocess.run(["git", "-C", str(repo), *command], check=True)
    return repo / "rules"


def test_impact_against_a_git_ref_shows_the_change_and_exits_1(tmp_path):
    rules_dir = _rules_in_a_git_repository(tmp_path)
    program = rules_dir / "programs" / "alberta" / "acfb.yaml"
    program.write_text(program.read_text().replace("value: 28116, source: alberta-2026",
                                                   "value: 20000, source: alberta-2026"))
    report = tmp_path / "impact.html"
    result = invoke("impact", "--against", "HEAD", "--rules", str(rules_dir), "--date", "2026-11-01",
                    "--html", str(report))
    assert result.exit_code == 1, result.output
    assert "Current rules against HEAD" in result.output and "Alberta Child and Family Benefit" in result.output
    assert "<svg" in report.read_text()


def test_impact_with_nothing_changed_exits_0(tmp_path):
    rules_dir = _rules_in_a_git_repository(tmp_path)
    result = invoke("impact", "--rules", str(rules_dir), "--population", "500")
    assert result.exit_code == 0, result.output
    assert "No household's result changes." in result.output and "approximation" in result.output


def test_impact_says_why_it_cannot_compare_and_exits_2(tmp_path):
    rules_dir = _rules_in_a_git_repository(tmp_path)
    result = CliRunner().invoke(rules, ["impact", "--against", "no-such-branch", "--rules", str(rules_dir)])
    assert result.exit_code == 2 and "git cannot give the rules at 'no-such-branch'" in result.output
    baseline = tmp_path / "broken"
    shutil.copytree(ROOT / "rules", baseline)
    (baseline / "questions.yaml").write_text("questions: [")
    result = CliRunner().invoke(rules, ["impact", "--baseline", str(baseline), "--rules", str(rules_dir)])
    assert result.exit_code == 2 and "in the rules at" in result.output


def test_households_pass_and_a_changed_rule_is_caught(tmp_path):
    assert invoke("households").exit_code == 0
    rules_dir = tmp_path / "rules"
    shutil.copytree(ROOT / "rules", rules_dir)
    program = rules_dir / "programs" / "alberta" / "acfb.yaml"
    program.write_text(program.read_text().replace("value: 28116, source: alberta-2026",
                                                   "value: 20000, source: alberta-2026"))
    result = invoke("households", "--rules", str(rules_dir))
    assert result.exit_code == 1 and ": acfb: expected eligible, $" in result.output
