"""What if an answer changed: the same household screened twice, lined up by program."""

import datetime as dt

from app.engine import screen
from app.services.household import keep_what_fits
from app.services.whatif import compare, unlocks, yearly

FAMILY = {"region": "calgary", "status_in_canada": "citizen", "has_partner": False,
          "you": {"age": 29, "dtc": False, "working_income": 18000},
          "children": [{"age": 2, "dtc": False}, {"age": 5, "dtc": False}],
          "filed_taxes": True, "family_net_income": 22000}
DAY = dt.date(2026, 11, 25)


def test_more_income_means_less_child_benefit(ruleset):
    parse = ruleset.vocabulary.parse_answers
    comparison = compare(ruleset, parse(FAMILY), parse(dict(FAMILY, family_net_income=60000)), DAY)
    ccb = next(c for c in comparison.changes if c.program_id == "ccb")
    assert ccb.yearly_before > ccb.yearly_after > 0 and ccb.difference < 0
    assert ccb in comparison.changed
    assert comparison.total_difference < 0
    assert comparison.total_before == round(sum(c.yearly_before for c in comparison.changes), 2)


def test_the_same_answers_change_nothing(ruleset):
    answers = ruleset.vocabulary.parse_answers(FAMILY)
    comparison = compare(ruleset, answers, answers, DAY)
    assert comparison.changed == () and comparison.total_difference == 0


def _unlocks(ruleset, raw):
    household = keep_what_fits(raw, ruleset.vocabulary)
    return unlocks(ruleset, household, DAY, screen(ruleset, household.answers, DAY))


def test_filing_a_tax_return_unlocks_the_child_benefits(ruleset):
    found = _unlocks(ruleset, dict(FAMILY, filed_taxes=False))
    filing = next(u for u in found if u.qid == "filed_taxes")
    assert {"ccb", "gst_hst_credit", "acfb"} <= set(filing.gained)
    # The amount is what re-screening with that one answer changed adds, program by program.
    before = {r.program.id: r for r in screen(ruleset, ruleset.vocabulary.parse_answers(
        dict(FAMILY, filed_taxes=False)), DAY)}
    after = {r.program.id: r for r in screen(ruleset, ruleset.vocabulary.parse_answers(FAMILY), DAY)}
    expected = sum(max(0.0, yearly(after[p]) - yearly(before[p])) for p in after)
    assert filing.yearly == round(expected, 2) and filing.yearly > 16_000


def test_nothing_to_unlock_once_the_step_is_taken(ruleset):
    assert not any(u.qid == "filed_taxes" for u in _unlocks(ruleset, FAMILY))


def test_a_step_that_adds_nothing_is_not_offered(ruleset):
    rich = dict(FAMILY, filed_taxes=False, family_net_income=900_000, children=[],
                you={"age": 29, "dtc": False, "working_income": 900_000})
    assert not [u for u in _unlocks(ruleset, rich) if u.qid == "filed_taxes"]
