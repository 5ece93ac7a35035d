"""A rule only the office can check keeps a program at "may be eligible", and asks nothing."""

import datetime as dt
import shutil
from pathlib import Path

import pytest

from app.engine import ELIGIBLE, INELIGIBLE, MAYBE, load_ruleset, plan, screen

MINIMAL = Path(__file__).resolve().parents[1] / "fixtures" / "minimal"
DATE = dt.date(2025, 9, 1)
OFFICE = """
  - id: income_limit
    checked_by_office: true
    source: guide
    unknown: The office checks your income against its own limit.
"""


@pytest.fixture(scope="module")
def ruleset(tmp_path_factory):
    rules = tmp_path_factory.mktemp("office") / "rules"
    shutil.copytree(MINIMAL, rules)
    sample = rules / "programs" / "sample.yaml"
    text = sample.read_text()
    sample.write_text(text.replace("\namount:", OFFICE + "\namount:", 1))
    # The sample's own examples expect "eligible", which the office check now rules out: that is the point.
    return load_ruleset(rules, checks=False)


def result(ruleset, raw):
    answers = ruleset.vocabulary.parse_answers(raw)
    (found,) = [r for r in screen(ruleset, answers, DATE) if r.program.id == "sample"]
    return found, plan(ruleset, answers, DATE)


def test_everything_else_met_gives_maybe_with_nothing_to_ask(ruleset):
    found, questions = result(ruleset, {"region": "calgary", "has_partner": False, "children": [{"age": 3}]})
    assert found.status == MAYBE != ELIGIBLE
    statuses = {row["id"]: row["status"] for row in found.trace()}
    assert statuses == {"has_child": "met", "lives_in_city": "met", "income_limit": "unknown"}
    assert not found.deciding
    assert not questions
    general = [r for r in screen(ruleset, ruleset.vocabulary.parse_answers(
        {"region": "calgary", "has_partner": False, "children": [{"age": 3}]}), DATE, fast=False)
        if r.program.id == "sample"][0]
    assert found.program.exact is not None  # the fast path was taken, and agrees with the general one
    assert (general.status, general.amount_range) == (found.status, found.amount_range)


def test_a_rule_that_is_not_met_still_says_no(ruleset):
    found, _ = result(ruleset, {"region": "elsewhere", "has_partner": False, "children": [{"age": 3}]})
    assert found.status == INELIGIBLE


def test_the_amount_becomes_an_upper_bound(ruleset):
    found, _ = result(ruleset, {"region": "calgary", "has_partner": False, "children": [{"age": 3}]})
    assert found.amount_range[1] == 1200
