"""A program whose criteria combine with `eligible_when` instead of "all must be met"."""

import datetime as dt
import shutil
from pathlib import Path

import pytest

from app.engine import load_ruleset, plan, screen

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
DATE = dt.date(2025, 9, 1)


@pytest.fixture(scope="module")
def ruleset(tmp_path_factory):
    rules = tmp_path_factory.mktemp("eligible_when") / "rules"
    shutil.copytree(FIXTURES / "minimal", rules)
    program = rules / "programs" / "sample.yaml"
    text = program.read_text().replace("\namount:", "\neligible_when: has_child or lives_in_city\n\namount:")
    text = text.replace("expect: {status: ineligible, criteria: {lives_in_city: not_met}}",
                        "expect: {status: eligible, amount_yearly: 1200, criteria: {lives_in_city: not_met}}")
    program.write_text(text)
    return load_ruleset(rules)


@pytest.mark.parametrize("answers, status", [
    ({"region": "calgary", "has_partner": False, "children": []}, "ineligible"),  # met, but the amount is $0
    ({"region": "elsewhere", "has_partner": False, "children": [{"age": 3}]}, "eligible"),
    ({"region": "elsewhere", "has_partner": False, "children": []}, "ineligible"),
    ({"has_partner": False, "children": [{"age": 3}]}, "eligible"),  # one met criterion is enough
    ({"has_partner": False}, "maybe"),
])
def test_either_criterion_is_enough_on_both_paths(ruleset, answers, status):
    parsed = ruleset.vocabulary.parse_answers(answers)
    fast, general = screen(ruleset, parsed, DATE)[0], screen(ruleset, parsed, DATE, fast=False)[0]
    assert fast.status == general.status == status
    assert fast.amount_yearly == general.amount_yearly


def test_an_unknown_criterion_that_cannot_matter_is_not_asked(ruleset):
    parsed = ruleset.vocabulary.parse_answers({"has_partner": False, "children": [{"age": 3}]})
    assert "region" not in plan(ruleset, parsed, DATE)


def test_an_alternative_route_that_is_already_met_is_not_asked(tmp_path):
    rules = tmp_path / "rules"
    shutil.copytree(FIXTURES / "minimal", rules)
    program = rules / "programs" / "sample.yaml"
    rule = "\neligible_when: lives_in_city and (has_child or has_partner_yes)\n"
    text = program.read_text().replace("\namount:", rule + "\namount:")
    text = text.replace("criteria:\n", """criteria:
  - id: has_partner_yes
    condition: has_partner
    source: guide
    met: You live with a partner.
    not_met: You do not live with a partner.
    unknown: We need to know if you live with a partner.
""", 1)
    text = text.replace("expect: {status: ineligible, criteria: {lives_in_city: not_met}}",
                        "expect: {status: ineligible, amount_yearly: 0, criteria: {lives_in_city: not_met}}")
    program.write_text(text)
    ruleset = load_ruleset(rules)
    parsed = ruleset.vocabulary.parse_answers({"children": [{"age": 3}]})
    result = screen(ruleset, parsed, DATE)[0]
    assert result.status == "maybe"
    assert "region" in result.deciding
    assert "has_partner" not in result.deciding  # having a child already satisfies that branch
