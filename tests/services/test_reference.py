"""The reference households in rules/households/: the engine's regression set."""

import pytest

from app.engine import RuleError
from app.paths import RULES_DIR
from app.services import reference

# Criteria that no answer can fail today: each lists every region, so it only waits for the answer.
# Left for the ruleset's next round (issue 8) to decide; a new one here should be looked at.
CANNOT_FAIL = {
    ("allowance_for_the_survivor", "lives_in_canada"),
    ("canadian_dental_care_plan", "lives_in_canada"),
    ("guaranteed_income_supplement", "lives_in_canada"),
    ("oas_allowance", "lives_in_canada"),
}


@pytest.fixture(scope="module")
def households(ruleset):
    found, problems = reference.read_folder(RULES_DIR, ruleset.vocabulary)
    assert problems == []
    return found


def test_there_are_at_least_sixty(households):
    assert len(households) >= 60


def test_every_household_gets_what_its_file_says(ruleset, households):
    assert [line for h in households for line in reference.mismatches(ruleset, h)] == []


def test_together_they_meet_and_fail_every_criterion(ruleset, households):
    gaps, impossible = reference.coverage(ruleset, households)
    assert [(p.id, c.id, side) for p, c, side in gaps] == []
    assert {(p.id, c.id) for p, c, side in impossible} <= CANNOT_FAIL


def test_a_wrong_expectation_is_named_with_file_and_line(ruleset, households, tmp_path):
    source = households[0].path.read_text(encoding="utf-8")
    line = next(line for line in source.splitlines() if line.startswith("  acfb: ") or line.startswith("  aish: "))
    program = line.split(":")[0].strip()
    wrong = "may be" if "may be" not in line else "not eligible"
    path = tmp_path / "household.yaml"
    path.write_text(source.replace(line, f"  {program}: {wrong}"), encoding="utf-8")
    found = reference.mismatches(ruleset, reference.read_file(path, ruleset.vocabulary))
    assert len(found) == 1 and "household.yaml:" in found[0] and f"{program}: expected {wrong}, got" in found[0]


@pytest.mark.parametrize("text, words", [
    ("description: x\nanswers: {}\n", "needs a date"),
    ("date: 2026-11-01\nanswers: {region: mars}\n", "region"),
    ("date: 2026-11-01\nanswers: {}\nexpect: {ccb: great}\n", "ccb: write 'eligible'"),
    ("date: 2026-11-01\nanswers: {}\nnotes: hi\n", "unknown key 'notes'"),
])
def test_a_broken_household_file_is_named(ruleset, tmp_path, text, words):
    path = tmp_path / "broken.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(RuleError) as raised:
        reference.read_file(path, ruleset.vocabulary)
    assert words in str(raised.value) and "broken.yaml" in str(raised.value)


def test_writing_records_todays_results(ruleset, households, tmp_path):
    path = tmp_path / "household.yaml"
    text = households[0].path.read_text(encoding="utf-8")
    path.write_text(text.split("expect:")[0], encoding="utf-8")
    reference.write_expectations(ruleset, reference.read_file(path, ruleset.vocabulary))
    rewritten = reference.read_file(path, ruleset.vocabulary)
    assert rewritten.expect == households[0].expect and reference.mismatches(ruleset, rewritten) == []
