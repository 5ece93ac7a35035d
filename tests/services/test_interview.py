"""Pages of questions: one topic per page, in the sections' order, and a progress count that never goes up."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from app.engine import plan
from app.services.interview import Interview

from ..strategies import answer_question

DAY = dt.date(2026, 11, 25)


@pytest.fixture(scope="module")
def interview(ruleset):
    return Interview(ruleset.vocabulary)


def pages_of(draw, ruleset, interview, limit=40):
    """Answer page after page the way a person might; returns [(page, pages left shown on it)]."""
    vocabulary = ruleset.vocabulary
    raw: dict = {}
    seen = []
    before = None
    for _ in range(limit):
        answers = vocabulary.parse_answers(raw)
        following = plan(ruleset, answers, DAY)
        page = interview.next_page(answers, following)
        if not page:
            return seen
        before = interview.progress(answers, following, shown=page, before=before)
        seen.append((page, before))
        for qid in page:
            answer_question(draw, vocabulary, raw, vocabulary.qid(qid))
    raise AssertionError(f"more than {limit} pages: {seen}")


def test_the_first_page_asks_where_you_live(ruleset, interview):
    answers = ruleset.vocabulary.parse_answers({})
    assert interview.next_page(answers, plan(ruleset, answers, DAY)) == ["region"]


def test_a_page_holds_one_section(ruleset, interview):
    vocabulary = ruleset.vocabulary
    answers = vocabulary.parse_answers({"region": "calgary"})
    page = interview.next_page(answers, plan(ruleset, answers, DAY))
    assert page == ["has_partner", "children"]
    assert {interview.section(q).id for q in page} == {"household"}


def test_facts_about_people_wait_until_someone_is_there(ruleset, interview):
    vocabulary = ruleset.vocabulary
    answers = vocabulary.parse_answers({"region": "calgary", "has_partner": False})
    following = plan(ruleset, answers, DAY)
    assert "children.age" not in interview.askable(answers, following)
    answers = vocabulary.parse_answers({"region": "calgary", "has_partner": False, "children": [{}, {}]})
    following = plan(ruleset, answers, DAY)
    assert "children.age" in interview.next_page(answers, following)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.data())
def test_the_count_of_pages_left_never_goes_up(ruleset, interview, data):
    seen = pages_of(data.draw, ruleset, interview)
    shown = [left for _, left in seen]
    assert shown == sorted(shown, reverse=True), f"pages left went up: {seen}"
    assert len(seen) <= 14, f"{len(seen)} pages: {seen}"
    topics = [tuple(sorted({interview.section(q).id for q in page})) for page, _ in seen]
    assert all(len(topic) == 1 for topic in topics), f"a page mixes topics: {topics}"
