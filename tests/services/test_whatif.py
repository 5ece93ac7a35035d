"""What if an answer changed: the same household screened twice, lined up by program."""

import datetime as dt

from app.services.whatif import compare

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
