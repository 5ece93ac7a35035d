"""Screening results: status, amounts, traces, freshness, provenance."""

import datetime as dt

import pytest

from app.engine import AnswerError, screen

SEPT_2025 = dt.date(2025, 9, 1)
FAMILY = {
    "region": "edmonton", "status_in_canada": "citizen", "has_partner": False, "filed_taxes": True,
    "you": {"age": 30, "working_income": 18000}, "children": [{"age": 2, "dtc": False}, {"age": 8, "dtc": False}],
    "family_net_income": 60000,
}


def english_explainer(ruleset):
    from app.paths import TRANSLATIONS_DIR
    from app.services.explain import Explainer
    from app.services.language import load_languages

    return Explainer(ruleset, load_languages(TRANSLATIONS_DIR)["en"])


def results(ruleset, raw, date=SEPT_2025):
    return {r.program.id: r for r in screen(ruleset, ruleset.vocabulary.parse_answers(raw), date)}


def test_trace_gives_values_limits_sources_and_gap(ruleset):
    raw = dict(FAMILY, children=[{"age": 8, "dtc": True}], family_net_income=90000)
    cdb = results(ruleset, raw)["cdb"]
    row = next(r for r in cdb.trace() if r["id"] == "child_with_dtc")
    assert row["status"] == "met" and row["value"] == 1 and row["limit"] == 1
    assert row["source"]["url"].startswith("https://www.canada.ca/")
    amount = cdb.amount_trace()
    threshold = next(p for p in amount["parameters"] if p["name"] == "threshold")
    assert threshold["value"] == 81222 and threshold["from"] == "2025-07-01"
    assert threshold["source"]["url"].startswith("https://www.canada.ca/")


def test_not_met_numeric_criterion_says_by_how_much(ruleset):
    raw = dict(FAMILY, you={"age": 17}, children=[], has_partner=False, family_net_income=15000)
    gst = results(ruleset, raw)["gst_hst_credit"]
    assert gst.status == "ineligible"
    index, row = next((i, r) for i, r in enumerate(gst.trace()) if r["id"] == "age_or_family")
    assert row["status"] == "not_met"
    assert "turn 19" in english_explainer(ruleset).reasons(gst)[index].text


def test_gap_for_a_failed_threshold(ruleset):
    cdb = results(ruleset, dict(FAMILY, children=[{"age": 3, "dtc": False}]))["cdb"]
    row = next(r for r in cdb.trace() if r["id"] == "child_with_dtc")
    assert row["status"] == "not_met" and row["gap"] == 1 and row["comparison"] == ">="


def test_zero_amount_is_not_eligible_and_says_why(ruleset):
    ccb = results(ruleset, dict(FAMILY, family_net_income=500000))["ccb"]
    assert ccb.status == "ineligible" and ccb.amount_yearly == 0
    assert ccb.trace()[-1]["id"] == "amount"


def test_maybe_names_the_deciding_questions(ruleset):
    ccb = results(ruleset, dict(FAMILY, family_net_income="dont_know", filed_taxes="dont_know"))["ccb"]
    assert ccb.status == "maybe"
    # Not known to have filed: a newcomer of the last two years can apply without a return.
    assert set(ccb.deciding) == {"filed_taxes", "family_net_income", "you.years_in_canada"}
    assert ccb.amount_yearly is None and ccb.amount_range == (0, 7997 + 6748)


def test_freshness_flag_after_confirmed_values_end(ruleset):
    end = ruleset.by_id["ccb"].confirmed_through  # June 30 of a benefit year
    later = end + dt.timedelta(days=148)
    now = results(ruleset, FAMILY, later)["ccb"]
    before = results(ruleset, FAMILY, end)["ccb"]
    assert now.figures_stale and now.figures_from == f"{end.year - 1}–{str(end.year)[2:]}"
    assert not before.figures_stale
    assert now.amount_yearly == before.amount_yearly
    assert now.provenance()["rules_date"] == end.isoformat() and now.provenance()["as_of"] == later.isoformat()


def test_programs_outside_their_effective_period_are_not_evaluated(ruleset):
    assert results(ruleset, FAMILY, dt.date(2010, 1, 1)) == {}  # before every program began


def test_provenance_names_program_version_and_date(ruleset):
    acfb = results(ruleset, FAMILY)["acfb"]
    assert acfb.provenance()["program"] == "acfb"
    assert acfb.provenance()["rule_version"] == ruleset.by_id["acfb"].version != ""
    assert acfb.to_dict()["status"] == "eligible"


def test_monthly_is_yearly_over_twelve(ruleset):
    ccb = results(ruleset, FAMILY)["ccb"]
    assert ccb.amount_monthly == pytest.approx(round(ccb.amount_yearly / 12, 2))


@pytest.mark.parametrize("raw, question", [
    ({"region": "vancouver"}, "region"),
    ({"family_net_income": "lots"}, "family_net_income"),
    ({"children": [{"age": 40}]}, "children[1].age"),
    ({"children": [{"shoe_size": 4}]}, "children[1].shoe_size"),
    ({"favourite_colour": "blue"}, "favourite_colour"),
    ({"has_partner": "dont_know"}, "has_partner"),
    ({"children": [{}] * 13}, "children"),
    ({"you": [1, 2]}, "you"),
    ({"you": {"age": True}}, "you.age"),
    ({"you": {"age": 3.5}}, "you.age"),
])
def test_bad_answers_are_named_not_crashed_on(ruleset, raw, question):
    with pytest.raises(AnswerError) as caught:
        ruleset.vocabulary.parse_answers(raw)
    assert question in [str(q) for q, _ in caught.value.problems]


def test_every_bad_answer_is_reported_at_once(ruleset):
    with pytest.raises(AnswerError) as caught:
        ruleset.vocabulary.parse_answers({"region": "x", "family_net_income": "y"})
    assert len(caught.value.problems) == 2


def test_money_answers_may_be_written_as_text(ruleset):
    parsed = ruleset.vocabulary.parse_answers({"family_net_income": " 1234.5 "})
    assert parsed.values["family_net_income"] == 1234.5
