"""A household read and checked in one place: strictly from files, forgivingly from forms."""

import json

import pytest

from app.engine import QuestionId
from app.services.household import (
    HouseholdInvalid,
    current_answer,
    keep_what_fits,
    read_household,
    read_household_file,
    with_answer,
)


def test_a_household_file_is_read_with_its_date(ruleset):
    found = read_household_file(json.dumps({"answers": {"region": "calgary"}, "date": "2026-01-31"}),
                                ruleset.vocabulary)
    assert found.date.isoformat() == "2026-01-31" and found.answers.values["region"] == "calgary"


@pytest.mark.parametrize("data, words", [
    ([1], '"answers" object'),
    ({"answers": {}, "extra": 1}, "unknown key(s) extra"),
    ({"answers": {}, "date": "soon"}, "YYYY-MM-DD"),
    ({"answers": {"region": "mars"}}, "answer 'region' must be one of"),
    ({"answers": {"children": [{"age": "x"}]}}, "answer 'children[1].age' must be a number"),
    ({"answers": {"you": {"working_income": int("9" * 400)}}}, "answer 'you.working_income' must be a number"),
])
def test_strict_reading_names_every_problem(ruleset, data, words):
    with pytest.raises(HouseholdInvalid) as caught:
        read_household(data, ruleset.vocabulary)
    assert any(words in problem for problem in caught.value.problems), caught.value.problems


def test_problems_name_the_member_with_a_typed_id(ruleset):
    from app.engine import AnswerError

    with pytest.raises(AnswerError) as caught:
        ruleset.vocabulary.parse_answers({"children": [{"age": 3}, {"age": -4}]})
    (problem,) = caught.value.problems
    assert problem.question == QuestionId("children", "age", 1) and str(problem.question) == "children[2].age"


def test_forgiving_reading_drops_only_what_does_not_fit(ruleset):
    raw = {"region": "mars", "has_partner": True, "children": [{"age": 3}, {"age": -4, "dtc": False}],
           "you": {"age": 30, "shoe": 9}, "nonsense": 1}
    household = keep_what_fits(raw, ruleset.vocabulary)
    assert household.raw == {"has_partner": True, "children": [{"age": 3}, {"dtc": False}], "you": {"age": 30}}
    assert raw["region"] == "mars"  # the caller's data is never changed


@pytest.mark.parametrize("raw", [None, [], "x", {"children": "many"}, {"you": [1]}, {"children": [1, 2]}])
def test_forgiving_reading_never_fails(ruleset, raw):
    assert keep_what_fits(raw, ruleset.vocabulary).answers is not None


def test_answers_are_set_and_read_back_one_question_at_a_time(ruleset):
    vocabulary = ruleset.vocabulary
    household = keep_what_fits({}, vocabulary)
    household = with_answer(household, vocabulary, "children", 2)
    household = with_answer(household, vocabulary, "children.age", [4, 9])
    household = with_answer(household, vocabulary, "you.age", 33)
    household = with_answer(household, vocabulary, "region", "edmonton")
    assert household.raw == {"children": [{"age": 4}, {"age": 9}], "you": {"age": 33}, "region": "edmonton"}
    assert current_answer(household.raw, vocabulary, "children.age") == [4, 9]
    assert current_answer(household.raw, vocabulary, "children") == 2
    assert current_answer(household.raw, vocabulary, "you.age") == 33
    assert current_answer(household.raw, vocabulary, "not.a.question") is None
    fewer = with_answer(household, vocabulary, "children", 1)
    assert fewer.raw["children"] == [{"age": 4}]
