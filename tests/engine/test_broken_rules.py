"""Broken rule files: every kind of mistake is reported with its file, line and a plain message.

Each file in ``tests/fixtures/broken/`` holds exactly one mistake (see the
README there). A test copies the valid ``tests/fixtures/minimal/`` folder to
``tmp_path / "rules"``, drops the broken file in, loads it and looks for the
expected error.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from app.engine import RuleError, RulesInvalid, load_ruleset
from app.engine.examples import run_examples

PROJECT = Path(__file__).resolve().parents[2]
FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
MINIMAL = FIXTURES / "minimal"
BROKEN = FIXTURES / "broken"
MARKER = "# <- mistake"


def make_rules(tmp_path: Path, files: dict[str, Path]) -> Path:
    """A copy of the minimal rules folder, named ``rules``, with ``files`` dropped in (target -> fixture)."""
    rules = tmp_path / "rules"
    shutil.copytree(MINIMAL, rules)
    for target, fixture in files.items():
        destination = rules / target
        destination.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(fixture, destination)
    return rules


def load_errors(rules: Path) -> list[RuleError]:
    with pytest.raises(RulesInvalid) as caught:
        load_ruleset(rules)
    errors = caught.value.errors
    assert errors, "RulesInvalid was raised with no errors in it"
    return errors


def listing(errors: list[RuleError]) -> str:
    return "\n".join(str(e) for e in errors)


# (kind, target in the rules folder, expected line, expected part of the message)
CASES = [
    # --- reading the YAML
    ("yaml_syntax", "programs/yaml_syntax.yaml", 31, "this is not valid YAML"),
    ("duplicate_key", "programs/duplicate_key.yaml", 31,
     "the key 'condition' is written twice here (first on line 30)"),
    # --- the shape of the file (JSON schema)
    ("unknown_key", "programs/unknown_key.yaml", 14,
     "unknown key 'paid_through_tax_retrun' in the top of the file (did you mean 'paid_through_tax_return'?)"),
    ("missing_key", "programs/missing_key.yaml", 29, "the key 'unknown' is missing in criteria > #1"),
    ("already_question_not_yesno", "programs/already_question_not_yesno.yaml", 14,
     "already_question 'region' must be a yes/no question about the household in questions.yaml"),
    ("wrong_type", "programs/wrong_type.yaml", 26, "parameters > per_child > values > #2 > value should be a number, "
     "not text"),
    ("date_format", "programs/date_format.yaml", 13,
     "last_checked should be a date written YYYY-MM-DD, not '15/01/2025'"),
    ("enum_value", "programs/enum_value.yaml", 5,
     "jurisdiction 'ontario' must be one of 'federal', 'alberta', 'non-government', 'calgary'"),
    # --- dates and parameters
    ("date_not_real", "programs/date_not_real.yaml", 13, "the date checked '2025-02-30' is not a real date"),
    ("benefit_year_not_real", "programs/benefit_year_not_real.yaml", 11,
     "the benefit year start is not a real month and day"),
    ("parameter_overlap", "programs/parameter_overlap.yaml", 26,
     "parameter 'per_child': the value from 2025-07-01 overlaps the one from 2024-07-01, which runs until 2025-07-31"),
    ("parameter_gap", "programs/parameter_gap.yaml", 26,
     "parameter 'per_child' has no value from 2025-07-01 to 2025-07-31"),
    ("parameter_not_covering", "programs/parameter_not_covering.yaml", 26,
     "parameter 'per_child' has no value after 2026-03-31, but the program is confirmed through 2026-06-30"),
    ("parameter_ends_before_start", "programs/parameter_ends_before_start.yaml", 26,
     "parameter 'per_child' ends (2025-06-01) before it starts (2025-07-01)"),
    ("unused_parameter", "programs/unused_parameter.yaml", 27, "parameter 'bonus' is never used"),
    ("parameter_named_like_question", "programs/parameter_named_like_question.yaml", 27,
     "parameter 'region' has the same name as a question"),
    ("table_skips_row", "programs/table_skips_row.yaml", 33, "the table of parameter 'rate' skips a row"),
    # --- expressions
    ("undefined_fact", "programs/undefined_fact.yaml", 30,
     "'regoin' is not a known fact, parameter or definition (did you mean 'region'?)"),
    ("undefined_parameter", "programs/undefined_parameter.yaml", 38,
     "in the amount formula 'per_child * children_under_18 + bonus': 'bonus' is not a known fact, parameter or "
     "definition"),
    ("expression_syntax", "programs/expression_syntax.yaml", 30,
     "cannot read the condition of 'has_child' 'you.age >': the expression ends too early"),
    ("chained_comparison", "programs/chained_comparison.yaml", 30, "join two comparisons with 'and'"),
    ("expression_type", "programs/expression_type.yaml", 38, "'+' needs a number, but got a yes/no value"),
    ("choice_type", "programs/choice_type.yaml", 30,
     "in the condition of 'has_child' 'region + 1 > 0': '+' needs a number, but got a choice"),
    ("criterion_not_yes_no", "programs/criterion_not_yes_no.yaml", 30,
     "this should give a yes/no value, but it gives a number"),
    ("unknown_choice", "programs/unknown_choice.yaml", 30, "'vancouver' is not one of the choices of 'region'"),
    ("unknown_function", "programs/unknown_function.yaml", 38,
     "'maximum' is not a known function (did you mean 'max'?)"),
    ("group_fact_without_count", "programs/group_fact_without_count.yaml", 30,
     "'children' may have no one or many people: use count, sum, any or all over 'children'"),
    # --- ids and references
    ("unknown_source", "programs/unknown_source.yaml", 31,
     "criterion 'has_child' cites a source 'guidebook' that is not listed under 'sources'"),
    ("duplicate_source", "programs/duplicate_source.yaml", 16, "the source id 'guide' is used twice"),
    ("duplicate_criterion", "programs/duplicate_criterion.yaml", 35,
     "the criterion id 'has_child' is used twice (first on line 29)"),
    ("placeholder_without_comparison", "programs/placeholder_without_comparison.yaml", 33,
     "the 'not_met' text uses {limit}, which only a single comparison (<, <=, >, >=) fills in"),
    ("office_and_condition", "programs/office_and_condition.yaml", 36,
     "criterion 'income' has both a condition and 'checked_by_office': keep one"),
    ("criterion_without_condition", "programs/criterion_without_condition.yaml", 29,
     "criterion 'has_child' needs 'condition' (or 'checked_by_office: true' instead of a condition)"),
    ("eligible_when_unknown", "programs/eligible_when_unknown.yaml", 41,
     "in 'eligible_when' 'has_child and lives_in_town': 'lives_in_town' is not a known"),
    # --- examples
    ("example_unknown_question", "programs/example_unknown_question.yaml", 41,
     "example 'One child': answer 'kids' there is no such question"),
    ("criterion_never_fails", "programs/criterion_never_fails.yaml", 29,
     "criterion 'has_child' (children_under_18 >= 0) is the same for every household: it can never fail"),
    ("definition_cycle", "programs/definition_cycle.yaml", 29,
     "the definitions shares -> per_share -> shares use each other in a circle, so none of them can be worked out"),
    ("money_compared_with_count", "programs/money_compared_with_count.yaml", 36,
     "family_net_income is an amount of money but count(children, (age < 18)) is a count or plain number; "
     "they cannot be compared"),
    ("divisor_can_be_zero", "programs/divisor_can_be_zero.yaml", 36,
     "the divisor children_under_18 can be anything from 0 to 12 for some household"),
    ("example_wrong_amount", "programs/example_wrong_amount.yaml", 39,
     "example 'One child': amount_yearly: expected 1,020.00, got 1,200.00"),
    ("example_wrong_answer", "programs/example_wrong_answer.yaml", 41,
     "example 'One child': answer 'children[1].age' must be a number"),
    ("example_unknown_criterion", "programs/example_unknown_criterion.yaml", 44,
     "example 'One child' expects a criterion 'has_kid' that the program does not have"),
    # --- the question vocabulary and the shared definitions
    ("questions_duplicate_id", "questions.yaml", 28,
     "the question id 'has_partner' is used twice (first on line 23)"),
    ("questions_label_no", "questions.yaml", 31,
     "label should be text, not yes or no (YAML reads yes/no/on/off as yes-or-no: put the text in quotes)"),
    ("definitions_bad_expression", "definitions.yaml", 6,
     "cannot read the definition 'children_under_6' 'count(children, age <)': did not expect ')' here"),
    # --- found as engine bugs, now fixed
    pytest.param(
        "questions_union_without_of", "questions.yaml", 64, "group 'adults' is a union: it needs 'of'",
        id="questions_union_without_of"),
    pytest.param(
        "duplicate_program_id", "programs/zz_duplicate_program_id.yaml", 2,
        "the program id 'sample' is already used by rules/programs/sample.yaml",
        id="duplicate_program_id"),
    pytest.param(
        "yaml_unclosed_bracket", "programs/yaml_unclosed_bracket.yaml", 41, "expected ',' or '}'",
        id="yaml_unclosed_bracket"),
    pytest.param(
        "example_answer_block_style", "programs/example_answer_block_style.yaml", 43,
        "example 'One child': answer 'has_partner' must be yes or no",
        id="example_answer_block_style"),
    pytest.param(
        "questions_present_when_not_yesno", "questions.yaml", 41,
        "group 'partner' needs 'present_when' naming a yes/no question",
        id="questions_present_when_not_yesno"),
    pytest.param(
        "questions_unknown_section", "questions.yaml", 72,
        "question 'family_net_income' names a section 'income' that is not listed in 'sections'",
        id="questions_unknown_section"),
    pytest.param(
        "questions_checklist_without_statement", "questions.yaml", 79,
        "question 'filed_taxes' is on the checklist page 'situation': it needs a 'statement'",
        id="questions_checklist_without_statement"),
    pytest.param(
        "questions_unlock_answer_not_an_answer", "questions.yaml", 81,
        "question 'filed_taxes': the unlock answer must be yes or no",
        id="questions_unlock_answer_not_an_answer"),
    pytest.param(
        "change_date_not_real", "programs/change_date_not_real.yaml", 11, "'2025-02-30' is not a real date",
        id="change_date_not_real"),
    pytest.param(
        "definition_unknown_source", "programs/definition_unknown_source.yaml", 31,
        "cites a source 'guidebook' that is not listed under 'sources'",
        id="definition_unknown_source"),
]


def _row(case):
    return tuple(case.values) if hasattr(case, "values") else case


ROWS = [_row(case) for case in CASES]
KIND_IDS = [row[0] for row in ROWS]


# ----------------------------------------------------------------------------
# The minimal rules folder is valid


def test_minimal_rules_load_and_examples_pass():
    ruleset = load_ruleset(MINIMAL)
    assert [p.id for p in ruleset.programs] == ["sample"]
    program = ruleset.programs[0]
    assert [c.id for c in program.criteria] == ["has_child", "lives_in_city"]
    assert len(program.parameters["per_child"].entries) == 2
    outcomes = run_examples(ruleset)
    assert len(outcomes) == 2
    assert all(o.passed for o in outcomes), [o.mismatches for o in outcomes]


def test_minimal_rules_load_when_copied(tmp_path):
    ruleset = load_ruleset(make_rules(tmp_path, {}))
    assert ruleset.programs[0].file == "rules/programs/sample.yaml"


# ----------------------------------------------------------------------------
# One mistake per file


@pytest.mark.parametrize(("kind", "target", "line", "message"), CASES)
def test_broken_fixture_is_reported(tmp_path, kind, target, line, message):
    rules = make_rules(tmp_path, {target: BROKEN / f"{kind}.yaml"})
    errors = load_errors(rules)
    file = f"rules/{target}"
    found = [e for e in errors if e.file == file and e.line == line and message in e.message]
    assert found, f"expected {file}:{line}: ...{message}... among:\n{listing(errors)}"
    # The fixture holds one mistake, so nothing is reported anywhere else.
    assert {e.file for e in errors} == {file}, listing(errors)


@pytest.mark.parametrize(("kind", "target", "line", "message"), ROWS, ids=KIND_IDS)
def test_fixture_marks_the_expected_line(kind, target, line, message):
    """Keeps the table honest: the expected line is the one marked in the fixture."""
    lines = (BROKEN / f"{kind}.yaml").read_text(encoding="utf-8").splitlines()
    marked = [number for number, text in enumerate(lines, 1) if MARKER in text]
    assert marked == [line]
    assert lines[0].startswith("# Broken: ")


def test_every_broken_fixture_is_in_the_table():
    assert sorted(p.stem for p in BROKEN.glob("*.yaml")) == sorted(KIND_IDS)


def test_enough_kinds_are_covered():
    assert len(set(KIND_IDS)) >= 18


def test_duplicate_program_id_names_both_files(tmp_path):
    rules = make_rules(tmp_path, {"programs/zz_duplicate_program_id.yaml": BROKEN / "duplicate_program_id.yaml"})
    errors = load_errors(rules)
    assert [(e.file, e.program, e.message) for e in errors] == [
        ("rules/programs/zz_duplicate_program_id.yaml", "sample",
         "the program id 'sample' is already used by rules/programs/sample.yaml"),
    ]


# ----------------------------------------------------------------------------
# Several mistakes: all are reported, not only the first


def test_every_mistake_in_one_program_file_is_reported(tmp_path):
    rules = make_rules(tmp_path, {"programs/several_errors.yaml": FIXTURES / "several_errors.yaml"})
    errors = load_errors(rules)
    expected = [
        (13, "the date checked '2025-02-30' is not a real date"),
        (26, "parameter 'per_child' has no value from 2025-07-01 to 2025-07-31"),
        (27, "parameter 'bonus' is never used"),
        (35, "'regoin' is not a known fact"),
        (41, "'vancouver' is not one of the choices of 'region'"),
        (42, "criterion 'lives_in_city' cites a source 'guidebook'"),
    ]
    for line, message in expected:
        assert any(e.line == line and message in e.message for e in errors), (line, message, listing(errors))
    assert len(errors) == len(expected), listing(errors)
    assert {e.file for e in errors} == {"rules/programs/several_errors.yaml"}
    assert {e.program for e in errors} == {"several_errors"}


def test_every_schema_mistake_in_one_file_is_reported(tmp_path):
    rules = make_rules(tmp_path, {"programs/several_schema_errors.yaml": FIXTURES / "several_schema_errors.yaml"})
    errors = load_errors(rules)
    assert [(e.line, e.message.split(" ")[0]) for e in errors] == [(5, "jurisdiction"), (8, "version"), (27, "unknown")]
    assert "version should be text, not a number" in errors[1].message
    assert "unknown key 'note' in criteria > #1" in errors[2].message


def test_mistakes_in_several_files_are_all_reported(tmp_path):
    rules = make_rules(tmp_path, {
        "definitions.yaml": BROKEN / "definitions_bad_expression.yaml",
        "programs/undefined_fact.yaml": BROKEN / "undefined_fact.yaml",
        "programs/federal/unknown_source.yaml": BROKEN / "unknown_source.yaml",
    })
    errors = load_errors(rules)
    assert [(e.file, e.line) for e in errors] == [
        ("rules/definitions.yaml", 6),
        ("rules/programs/federal/unknown_source.yaml", 31),
        ("rules/programs/undefined_fact.yaml", 30),
    ]


def test_example_mistakes_are_reported_with_other_mistakes(tmp_path):
    rules = make_rules(tmp_path, {"programs/example_error_hidden.yaml": FIXTURES / "example_error_hidden.yaml"})
    errors = load_errors(rules)
    assert [e.line for e in errors] == [22, 31], listing(errors)
    assert "answer 'kids' there is no such question" in errors[1].message


@pytest.mark.parametrize("kind", ["undefined_parameter", "expression_type", "unknown_function"])
def test_a_formula_mistake_does_not_make_its_parameters_unused(tmp_path, kind):
    errors = load_errors(make_rules(tmp_path, {f"programs/{kind}.yaml": BROKEN / f"{kind}.yaml"}))
    assert not [e for e in errors if "is never used" in e.message], listing(errors)


@pytest.mark.parametrize("kind", ["yaml_syntax", "duplicate_key"])
def test_yaml_errors_name_the_program(tmp_path, kind):
    errors = load_errors(make_rules(tmp_path, {f"programs/{kind}.yaml": BROKEN / f"{kind}.yaml"}))
    assert [e.program for e in errors] == [kind]


# ----------------------------------------------------------------------------
# The command line


def run_check(rules: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "flask", "rules", "check", "--rules", str(rules)],
        cwd=PROJECT, capture_output=True, text=True, timeout=120,
    )


def test_cli_check_accepts_the_minimal_rules(tmp_path):
    result = run_check(make_rules(tmp_path, {}))
    assert result.returncode == 0, result.stderr
    assert "OK: 1 programs" in result.stdout


def test_cli_check_lists_every_problem_without_a_traceback(tmp_path):
    rules = make_rules(tmp_path, {
        "programs/undefined_fact.yaml": BROKEN / "undefined_fact.yaml",
        "programs/unknown_source.yaml": BROKEN / "unknown_source.yaml",
    })
    result = run_check(rules)
    assert result.returncode != 0
    assert "Traceback" not in result.stderr
    lines = result.stderr.splitlines()
    assert lines[0].startswith("rules/programs/undefined_fact.yaml:30: undefined_fact: in the condition of 'has_child'")
    assert lines[1] == ("rules/programs/unknown_source.yaml:31: unknown_source: criterion 'has_child' cites a "
                        "source 'guidebook' that is not listed under 'sources'")
    assert all(re.fullmatch(r"rules/\S+\.yaml:\d+: \w+: .+", line) for line in lines[:2])
    assert lines[2] == "2 problem(s) found. Nothing was changed."


def test_cli_check_reports_a_crashing_fixture_without_a_traceback(tmp_path):
    rules = make_rules(tmp_path, {"questions.yaml": BROKEN / "questions_union_without_of.yaml"})
    result = run_check(rules)
    assert result.returncode != 0
    assert "Traceback" not in result.stderr, result.stderr
    assert "rules/questions.yaml:64: questions: group 'adults' is a union: it needs 'of'" in result.stderr
