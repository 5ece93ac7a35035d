"""Screening never raises: a program whose rules cannot be worked out for a household says so.

The rules in ``fixtures/divide_by_zero/`` are the minimal ones with two changes: the sample
benefit is shared between ``sharers`` households (a number that may be 0, or unknown), and a
second program, ``oversized``, looks its amount up in a table by ``multiplier * 10``, a key too
big for a number when the answer is huge.
"""

import datetime as dt
import math
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings

from app.engine import ELIGIBLE, INELIGIBLE, MAYBE, evaluate, load_ruleset, plan, screen
from app.engine import values as V

from ..strategies import answers

# The checks refuse these rules (a divisor that can be 0); loaded anyway to show the engine never raises.
RULES = load_ruleset(Path(__file__).resolve().parents[1] / "fixtures" / "divide_by_zero", checks=False)
DATE = dt.date(2025, 9, 1)
FAMILY = {"region": "calgary", "has_partner": False, "children": [{"age": 3}], "sharers": 2, "multiplier": 1}
BOTH_PATHS = pytest.mark.parametrize("fast", [True, False], ids=["fast path", "general path"])


def results(raw, fast=True) -> dict:
    return {r.program.id: r for r in screen(RULES, RULES.vocabulary.parse_answers(raw), DATE, fast=fast)}


def assert_failed(result, error):
    assert result.status == MAYBE
    assert result.error == error or result.error.startswith(error)
    assert (result.amount_lo, result.amount_hi) == (None, None)
    assert result.amount_yearly is None and result.amount_range is None
    assert result.deciding == ()
    assert len(result.outcomes) == len(result.program.criteria)
    result.trace()  # the explanation can still be built


def test_a_normal_household_gets_normal_results():
    found = results(FAMILY)
    assert (found["sample"].status, found["sample"].amount_yearly, found["sample"].error) == (ELIGIBLE, 600, None)
    assert (found["oversized"].status, found["oversized"].amount_yearly, found["oversized"].error) == (ELIGIBLE, 200,
                                                                                                       None)


@BOTH_PATHS
@pytest.mark.parametrize("divisor", ["dont_know", None], ids=["I don't know", "not answered"])
def test_an_unknown_divisor_gives_maybe_and_says_why(fast, divisor):
    raw = dict(FAMILY, sharers=divisor) if divisor else {k: v for k, v in FAMILY.items() if k != "sharers"}
    found = results(raw, fast)
    assert_failed(found["sample"], evaluate.NOT_FINITE)
    assert found["sample"].criteria_statuses() == {"has_child": "met", "lives_in_city": "met"}
    assert found["oversized"].status == ELIGIBLE  # the other program is not affected
    assert "sharers" not in plan(RULES, RULES.vocabulary.parse_answers(raw), DATE)  # nothing waits on it


@BOTH_PATHS
def test_a_known_zero_divisor_gives_nothing_on_both_paths(fast):
    sample = results(dict(FAMILY, sharers=0), fast)["sample"]
    assert (sample.status, sample.amount_yearly, sample.zero_amount, sample.error) == (INELIGIBLE, 0, True, None)


def test_a_fully_answered_household_stays_on_the_fast_path(monkeypatch):
    def general_path(program, *args):
        raise AssertionError(f"{program.id} took the general path")
    monkeypatch.setattr(evaluate, "_screen_general", general_path)
    assert results(dict(FAMILY, sharers=0))["sample"].status == INELIGIBLE
    assert_failed(results(dict(FAMILY, multiplier=1e308))["oversized"], "OverflowError")


@BOTH_PATHS
def test_a_formula_that_raises_gives_maybe_and_says_why(fast):
    found = results(dict(FAMILY, multiplier=1e308), fast)
    assert_failed(found["oversized"], "OverflowError: ")
    assert found["oversized"].criteria_statuses() == {"has_child": "met", "lives_in_city": "met"}
    assert found["sample"].status == ELIGIBLE and found["sample"].error is None


@BOTH_PATHS
def test_a_criterion_not_met_still_says_no_before_the_amount_is_worked_out(fast):
    found = results(dict(FAMILY, region="elsewhere", sharers="dont_know", multiplier=1e308), fast)
    assert found["sample"].status == found["oversized"].status == INELIGIBLE
    assert found["sample"].error is found["oversized"].error is None


def test_dividing_a_range_that_may_be_zero():
    assert V.div(V.Interval(1, 2), V.Interval(0, 10)) == V.ANY_NUMBER
    assert V.div(0, V.Interval(0, 10)) == 0.0  # nothing divided is nothing, whatever the divisor
    assert V.div(V.Interval(0, 10), 0) == 0.0
    assert V.div(V.Interval(2, 4), V.Interval(1, 2)) == V.Interval(1, 4)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(raw=answers(RULES.vocabulary))
def test_screening_never_raises_and_amounts_are_finite(raw):
    parsed = RULES.vocabulary.parse_answers(raw)
    fast, general = screen(RULES, parsed, DATE), screen(RULES, parsed, DATE, fast=False)
    for a, b in zip(fast, general, strict=True):
        assert (a.status, a.error, a.deciding) == (b.status, b.error, b.deciding), a.program.id
        for result in (a, b):
            if result.error is not None:
                assert result.status == MAYBE and result.amount_lo is None and not result.deciding
            for amount in (result.amount_lo, result.amount_hi):
                assert amount is None or math.isfinite(amount)
