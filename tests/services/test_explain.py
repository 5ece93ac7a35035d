"""Reasons become sentences in a language, once per language for what does not change."""

import datetime as dt

import pytest

from app.engine import screen
from app.services.explain import ZERO_AMOUNT, Explainer

FAMILY = {"region": "calgary", "status_in_canada": "citizen", "has_partner": False,
          "you": {"age": 29, "dtc": False, "working_income": 18000},
          "children": [{"age": 2, "dtc": False}, {"age": 5, "dtc": False}],
          "filed_taxes": True, "family_net_income": 22000}
DAY = dt.date(2026, 11, 25)


@pytest.fixture(scope="module")
def explainers(ruleset, languages):
    return {code: Explainer(ruleset, language) for code, language in languages.items()}


def results(ruleset, raw):
    return {r.program.id: r for r in screen(ruleset, ruleset.vocabulary.parse_answers(raw), DAY)}


def test_money_reasons_say_yours_and_the_limit_in_each_language(ruleset, explainers):
    child_health = results(ruleset, dict(FAMILY, family_net_income=90000))["alberta_child_health_benefit"]
    english = [f"{r.text} {r.numbers}" for r in explainers["en"].reasons(child_health) if r.status == "not_met"]
    french = [f"{r.text} {r.numbers}" for r in explainers["fr"].reasons(child_health) if r.status == "not_met"]
    assert english and len(english) == len(french)
    income = next(text for text in english if "$90,000" in text)
    assert "$31,010" in income
    assert any("90\u00a0000\u00a0$" in text and "31\u00a0010\u00a0$" in text for text in french)


def test_numbers_are_said_once(ruleset, explainers):
    """A reason whose sentence already gives yours and the limit does not repeat them; others add them."""
    for program_id, raw in (("alberta_child_health_benefit", dict(FAMILY, family_net_income=90000)),
                            ("ccb", dict(FAMILY, family_net_income=22000))):
        for reason in explainers["en"].reasons(results(ruleset, raw)[program_id]):
            if reason.numbers:
                yours = reason.numbers.split("Yours: ", 1)[1].split(".", 1)[0]
                assert yours not in reason.text or reason.numbers.split("Limit: ", 1)[1][:-1] not in reason.text


def test_a_zero_amount_is_explained(ruleset, explainers):
    ccb = results(ruleset, dict(FAMILY, family_net_income=500000))["ccb"]
    assert explainers["en"].reasons(ccb)[-1].text == ZERO_AMOUNT


def test_the_same_reason_is_written_once(ruleset, explainers):
    ccb = results(ruleset, FAMILY)["ccb"]
    first, again = explainers["en"].reasons(ccb), explainers["en"].reasons(ccb)
    assert all(a is b for a, b in zip(first, again))


def test_results_are_grouped_and_totalled(ruleset, explainers):
    view = explainers["en"].results(screen(ruleset, ruleset.vocabulary.parse_answers(FAMILY), DAY))
    assert view.eligible and view.ineligible
    assert view.total_yearly.startswith("$")
    assert {p.status for p in view.eligible} == {"eligible"}


def test_a_program_that_could_not_be_worked_out_says_so_and_is_logged(ruleset, explainers, caplog):
    ccb = results(ruleset, FAMILY)["ccb"]
    ccb.error = "ZeroDivisionError: float division by zero"
    from app.services.explain import ProgramView

    view = ProgramView(explainers["en"], ccb)
    assert "could not work this out" in view.reasons[-1].text
    assert not view.amount_yearly
    assert "ccb" in caplog.text and "ZeroDivisionError" in caplog.text
    assert "22000" not in caplog.text and "calgary" not in caplog.text


def test_answers_are_read_back_for_the_check_page(ruleset, explainers):
    from app.services.household import keep_what_fits

    rows = explainers["fr"].answer_rows(keep_what_fits(FAMILY, ruleset.vocabulary))
    by_id = {row.qid: row for row in rows}
    assert by_id["family_net_income"].answer == "22\u00a0000\u00a0$"
    assert by_id["children.age"].answer == "Enfant 1 : 2; Enfant 2 : 5"


def test_a_reason_with_an_unbounded_range_is_still_written(ruleset, explainers):
    from app.engine import Reason as EngineReason

    english = explainers["en"]
    unbounded = EngineReason("income", "unknown", "money", {"from": float("-inf"), "to": float("inf")}, 30000.0)
    assert english.sentence("Yours: {value}. Limit: {limit}.", unbounded) == "Yours: ? to ?. Limit: $30,000."
    assert english.sentence("We need your income.", unbounded) == "We need your income."


def test_rent_is_compared_a_month_with_a_month(ruleset, explainers):
    """Never a yearly rent against a share of income written as money: both are amounts a month."""
    raw = {"region": "calgary", "housing": "rent", "monthly_rent": 1400, "family_net_income": 40000,
           "status_in_canada": "citizen", "has_partner": False, "children": [], "you": {"age": 40}}
    for program_id in ("rent_assistance_benefit", "temporary_rent_assistance_benefit"):
        reasons = explainers["en"].reasons(results(ruleset, raw)[program_id])
        rent = next(r for r in reasons if "30 per cent" in r.text)
        assert "Your rent is $1,400 a month. 30 per cent of your income is $1,000 a month." in rent.text
        assert "$16,800" not in rent.text + rent.numbers  # the yearly rent


def test_the_check_page_words_questions_for_a_couple(ruleset, explainers):
    from app.services.household import keep_what_fits

    single = keep_what_fits(dict(FAMILY, gets_aish=False), ruleset.vocabulary)
    couple = keep_what_fits(dict(FAMILY, gets_aish=False, has_partner=True, partner={"age": 30}), ruleset.vocabulary)
    label = {row.qid: row.question for row in explainers["en"].answer_rows(single)}["gets_aish"]
    couple_label = {row.qid: row.question for row in explainers["en"].answer_rows(couple)}["gets_aish"]
    assert label.startswith("Do you get AISH") and couple_label.startswith("Do you or your partner get AISH")
