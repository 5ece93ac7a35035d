"""Properties that must hold for every household the vocabulary allows."""

import copy
import datetime as dt

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from app.engine import ELIGIBLE, INELIGIBLE, MAYBE, load_ruleset, plan, screen
from app.engine.compile import Env
from app.engine.evaluate import screen_program
from app.paths import RULES_DIR  # noqa: E402

from ..strategies import answer_question, answers, completion

RULESET = load_ruleset(RULES_DIR)
VOCABULARY = RULESET.vocabulary
DAYS = [dt.date(2024, 9, 1), dt.date(2025, 7, 1), dt.date(2026, 6, 30), dt.date(2026, 11, 25)]
DATES = st.sampled_from(DAYS)
SETTINGS = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@SETTINGS
@given(raw=answers(VOCABULARY), date=DATES)
def test_evaluation_never_raises_and_amounts_are_never_negative(raw, date):
    parsed = VOCABULARY.parse_answers(raw)
    for result in screen(RULESET, parsed, date):
        assert result.status in (ELIGIBLE, MAYBE, INELIGIBLE)
        result.trace()  # building the explanation must not fail either
        for amount in (result.amount_yearly, result.amount_monthly, result.amount_once):
            assert amount is None or amount >= 0
        if result.amount_range:
            lo, hi = result.amount_range
            assert 0 <= lo <= hi


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data(), raw=answers(VOCABULARY), date=DATES)
def test_a_decided_result_holds_for_every_completion_of_the_unknowns(data, raw, date):
    partial = {r.program.id: r for r in screen(RULESET, VOCABULARY.parse_answers(raw), date)}
    for _ in range(5):
        full = data.draw(completion(VOCABULARY, raw))
        for result in screen(RULESET, VOCABULARY.parse_answers(full), date):
            before = partial[result.program.id]
            if before.status in (ELIGIBLE, INELIGIBLE):
                assert result.status == before.status, (result.program.id, raw, full)
            if before.amount_yearly is not None and result.amount_yearly is not None:
                assert abs(result.amount_yearly - before.amount_yearly) < 0.01
            if before.amount_range and result.amount_yearly is not None:
                lo, hi = before.amount_range
                assert lo - 0.01 <= result.amount_yearly <= hi + 0.01, (result.program.id, raw, full)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data(), raw=answers(VOCABULARY), date=DATES)
def test_when_nothing_is_left_to_ask_no_result_waits_on_an_askable_question(data, raw, date):
    # Go through the questionnaire: answer what the planner asks first (any valid answer, or
    # "I don't know" where allowed) until it has nothing left to ask.
    raw = copy.deepcopy(raw)
    for _ in range(200):
        parsed = VOCABULARY.parse_answers(raw)
        results = screen(RULESET, parsed, date)
        questions = plan(RULESET, parsed, date, results)
        if not questions:
            break
        answer_question(data.draw, VOCABULARY, raw, questions[0])
    else:
        raise AssertionError(f"the planner is still asking {questions}")
    for result in results:
        assert result.error is None, (result.program.id, result.error)
        if result.status == MAYBE:
            # with nothing to ask, only a rule the office checks may leave a program at "maybe"
            # (or an answer of "I don't know" to a question that decides it)
            assert result.deciding or result.program.has_office_check, result.program.id
            assert not any(parsed.is_askable(q) for q in result.deciding), (result.program.id, result.deciding)


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(raw=answers(VOCABULARY, keep_all=True), date=DATES)
def test_a_household_that_answered_everything_gets_a_decision_everywhere(raw, date):
    parsed = VOCABULARY.parse_answers(raw)
    results = screen(RULESET, parsed, date)
    assert plan(RULESET, parsed, date, results) == []
    # "maybe" is left only where a rule only the office can check has the last word
    assert all(r.status != MAYBE or (not r.deciding and r.program.has_office_check)
               for r in results)
    assert all(r.amount_yearly is not None for r in results
               if r.pays_money and r.program.amount.period != "once" and r.status != MAYBE)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(raw=answers(VOCABULARY, keep_all=True), date=DATES)
def test_the_fast_path_agrees_with_the_general_path(raw, date):
    parsed = VOCABULARY.parse_answers(raw)
    fast = screen(RULESET, parsed, date)
    general = screen(RULESET, parsed, date, fast=False)
    env = Env(parsed, date)
    for a, b in zip(fast, general, strict=True):
        one = screen_program(a.program, parsed, env, date)  # the program's own generated function
        assert (one.status, one.outcomes, one.amount_lo) == (a.status, a.outcomes, a.amount_lo), a.program.id
        assert a.status == b.status, a.program.id
        assert a.amount_yearly == b.amount_yearly, a.program.id
        assert a.criteria_statuses() == b.criteria_statuses(), a.program.id
        assert [r.get("value") for r in a.trace()] == [r.get("value") for r in b.trace()]


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(raw=answers(VOCABULARY), date=DATES)
def test_with_questions_open_the_fast_parts_agree_with_the_general_path(raw, date):
    # With fast=True, screen() settles each program in one generated function as far as the answers
    # allow (an open question's criterion on its general closure), and the general path uses the
    # exact functions of the parts fully answered; screen_program() uses each program's own
    # function, up to the first criterion that reads an open question.
    parsed = VOCABULARY.parse_answers(raw)
    fast = screen(RULESET, parsed, date)
    general = screen(RULESET, parsed, date, fast=False)
    env = Env(parsed, date)
    for a, b in zip(fast, general, strict=True):
        one = screen_program(a.program, parsed, env, date)
        for c in (a, one):
            assert (c.status, c.deciding, c.error) == (b.status, b.deciding, b.error), a.program.id
            assert (c.amount_lo, c.amount_hi, c.zero_amount) == (b.amount_lo, b.amount_hi, b.zero_amount), a.program.id
            assert c.outcomes == b.outcomes, a.program.id


def test_the_fast_path_is_taken_for_a_fully_answered_household(monkeypatch):
    from app.engine import evaluate

    from .test_planner import complete_household

    assert [p.id for p in RULESET.programs if p.exact is None] == []  # every program has a fast path

    def general_path(program, *args):
        raise AssertionError(f"{program.id} took the general path")
    monkeypatch.setattr(evaluate, "_screen_general", general_path)
    for has_partner in (False, True):
        parsed = VOCABULARY.parse_answers(complete_household(VOCABULARY, has_partner=has_partner))
        assert not parsed.unknown_questions
        for date in DAYS:
            assert len(screen(RULESET, parsed, date)) == len(RULESET.on(date))


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(raw=answers(VOCABULARY), date=DATES)
def test_reasons_up_to_the_first_not_met_are_the_start_of_every_reason(raw, date):
    """The one line of why not (reasons only as far as the first rule not met) reads the same
    reasons as the full list, cut after its first "not met"."""
    answers = VOCABULARY.parse_answers(raw)
    full = {r.program.id: r.reasons() for r in screen(RULESET, answers, date)}
    for result in screen(RULESET, answers, date):
        reasons = full[result.program.id]
        first = next((i for i, r in enumerate(reasons) if r.status == "not_met"), None)
        expected = reasons if first is None else reasons[: first + 1]
        assert result.reasons(up_to_not_met=True) == expected, result.program.id
