"""The array path gives the scalar path's statuses and amounts, household by household."""

from __future__ import annotations

import datetime as dt
import itertools

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from app.engine import screen
from app.engine.evaluate import screen_only
from app.engine.vector import CODES, ArrayScreening, Households, Unsupported, rewrite
from tests.strategies import answers as answers_strategy

DATES = [dt.date(2024, 7, 1), dt.date(2025, 6, 1), dt.date(2026, 1, 15), dt.date(2026, 12, 3)]


@pytest.fixture(scope="module")
def arrays(ruleset):
    return ArrayScreening(ruleset)


def compare(ruleset, arrays, answers: list, date: dt.date) -> tuple[int, int]:
    """Screen both ways and fail on the first difference; (results settled by arrays, unsettled)."""
    households = Households.from_answers(answers, ruleset.vocabulary, arrays.reads)
    out = arrays.screen(households, date)
    settled = unsettled = 0
    for i, one in enumerate(answers):
        reference = {r.program.id: r for r in screen(ruleset, one, date)}
        for k, program in enumerate(ruleset.programs):
            expected = reference.get(program.id)
            if out.unsettled[k] is not None and out.unsettled[k][i]:
                unsettled += 1
                # Unsettled only where a question it reads is not answered, or where plain Python refuses.
                assert (not arrays.programs[k].reads.isdisjoint(one.unknown_questions)
                        or (expected is not None and expected.error)), (program.id, i)
                assert [r.status for r in screen_only(ruleset, one, date, {program.id})] == \
                    ([expected.status] if expected else [])
                continue
            status = CODES.get(int(out.status[k][i]), "not screened")
            assert status == (expected.status if expected else "not screened"), (program.id, i, one.values)
            if expected is None:
                continue
            assert expected.error is None, (program.id, expected.error)
            settled += 1
            if out.amount[k] is not None and status != "ineligible":
                assert out.amount[k][i] == expected.amount_lo == expected.amount_hi, (program.id, i, one.values)
    return settled, unsettled


def test_every_program_has_an_array_function(arrays):
    assert arrays.unsupported == {}
    assert all(p is not None for p in arrays.programs)


def test_every_rule_example(ruleset, arrays):
    examples = [e for p in ruleset.programs for e in p.examples]
    settled = 0
    for date, group in itertools.groupby(sorted(examples, key=lambda e: e.date), key=lambda e: e.date):
        settled += compare(ruleset, arrays, [e.answers for e in group], date)[0]
    assert len(examples) > 300
    assert settled > 2_000  # many examples answer what many programs read


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(data=st.data())
def test_generated_households_with_every_answer(ruleset, arrays, data):
    vocabulary = ruleset.vocabulary
    raws = data.draw(st.lists(answers_strategy(vocabulary, keep_all=True), min_size=1, max_size=8))
    date = data.draw(st.sampled_from(DATES))
    parsed = [vocabulary.parse_answers(raw) for raw in raws]
    settled, unsettled = compare(ruleset, arrays, parsed, date)
    assert settled > 0


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(data=st.data())
def test_generated_households_with_some_answers(ruleset, arrays, data):
    vocabulary = ruleset.vocabulary
    raws = data.draw(st.lists(answers_strategy(vocabulary), min_size=1, max_size=8))
    compare(ruleset, arrays, [vocabulary.parse_answers(raw) for raw in raws], data.draw(st.sampled_from(DATES)))


def test_a_household_missing_a_read_answer_is_unsettled_only_where_read(ruleset, arrays):
    vocabulary = ruleset.vocabulary
    owner = vocabulary.parse_answers({
        "region": "calgary", "status_in_canada": "citizen", "in_canada_18_months": True, "housing": "own",
        "has_partner": False, "widowed": False, "student": "not_in_school", "pregnant": False,
        "has_dental_insurance": False, "pays_child_care": False, "gets_income_support": False, "gets_aish": False,
        "gets_ccb": False, "gets_oas": False, "gets_gis": False,
        "filed_taxes": True, "family_net_income": 21000, "victim_of_crime": False,
        "you": {"age": 40, "dtc": False, "working_income": 21000, "years_in_canada": 22, "cannot_work": False,
                "paid_into_cpp": True},
        "children": [{"age": 3, "dtc": False}]})
    assert owner.unknown_questions == {"monthly_rent"}
    out = arrays.screen(Households.from_answers([owner], vocabulary, arrays.reads), DATES[-1])
    unsettled = {p.id for p, u in zip(ruleset.programs, out.unsettled) if u is not None and u[0]}
    assert unsettled == {p.id for p in ruleset.programs if "monthly_rent" in arrays.programs[
        ruleset.programs.index(p)].reads and p.in_effect(DATES[-1])}
    assert "ccb" not in unsettled and "rent_assistance_benefit" in unsettled


def test_what_plain_python_refuses_goes_to_the_scalar_path():
    from app.engine.vector import _vfloor, _vlookup

    refused: list = []
    _vfloor(refused, np.array([1.5, np.inf]))
    assert len(refused) == 1 and refused[0].tolist() == [False, True]
    refused = []
    assert _vlookup(refused, (1, [10.0, 20.0, 30.0]), np.array([-4.0, 1.9, 2.0, 99.0])).tolist() == [10, 10, 20, 30]
    assert refused == []


@pytest.mark.parametrize("code", [
    "__import__('os')",
    "F['a'].real",
    "[x for x in F['a']]",
    "m['age'] < 3",  # a person's fact outside count, sum, any or all
    "sum([len(G['children']) for m in G['adults']])",  # a group inside a group
])
def test_the_rewrite_refuses_what_it_does_not_know(code):
    with pytest.raises(Unsupported):
        rewrite(code)


def test_the_rewrite_reads_groups_as_columns():
    assert rewrite("len([0 for m in G['children'] if (m['age'] < F['x'])])") == \
        "_count(S['children'], (M['children']['age'] < _col(F['x'])))"
    assert rewrite("G['you'][0]['age']") == "M['you']['age'][:, 0]"


def test_choices_are_compared_by_their_place_in_the_list(ruleset):
    vocabulary = ruleset.vocabulary
    places = vocabulary.facts["region"].choice_values()
    assert rewrite("(F['region'] == 'edmonton')", vocabulary) == f"(F['region'] == {places.index('edmonton')})"
    assert rewrite("(F['region'] in ('calgary', 'edmonton',))", vocabulary) == \
        f"_isin(F['region'], ({places.index('calgary')}, {places.index('edmonton')},))"
    with pytest.raises(Unsupported):
        rewrite("(F['region'] == 'mars')", vocabulary)
    with pytest.raises(Unsupported):
        rewrite("(F['family_net_income'] == 'calgary')", vocabulary)
