"""Every program's own examples, run through the real engine."""

import pytest

from app.engine import load_ruleset
from app.engine.examples import check_example
from app.paths import RULES_DIR  # noqa: E402

RULESET = load_ruleset(RULES_DIR)
CASES = [(p, e) for p in RULESET.programs for e in p.examples]


@pytest.mark.parametrize("program, example", CASES, ids=[f"{p.id}: {e.name}" for p, e in CASES])
def test_program_example(program, example):
    outcome = check_example(program, example)
    assert outcome.passed, outcome.mismatches


def test_every_program_has_examples_for_each_status():
    for program in RULESET.programs:
        statuses = {e.expect["status"] for e in program.examples}
        assert {"ineligible", "maybe"} <= statuses, program.id
        if not program.has_office_check:  # no rule only the office can check
            assert "eligible" in statuses, program.id


def test_a_rule_the_office_checks_shows_in_a_maybe_example():
    """Where the office has the last word, an example shows everything else met and the result still 'maybe'."""
    for program in RULESET.programs:
        office = [c.id for c in program.criteria if c.checked_by_office]
        if not office:
            continue
        shown = [e for e in program.examples if e.expect["status"] == "maybe" and (
                 any(e.expect.get("criteria", {}).get(c) == "unknown" for c in office)
                 or not e.expect.get("deciding"))]
        assert shown, program.id


def test_a_wrong_expectation_fails(monkeypatch):
    program = RULESET.by_id["ccb"]
    example = program.examples[0]
    monkeypatch.setitem(example.expect, "amount_yearly", example.expect["amount_yearly"] + 1)
    assert not check_example(program, example).passed
