"""Random and malformed form posts never make the server fail."""

from __future__ import annotations

import json

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from app import create_app

from ...strategies import answers

APP = create_app({"TESTING": True, "SCREENING_DATE": "2026-11-25"})
VOCABULARY = APP.extensions["ruleset"].vocabulary
PATHS = ["/en/question", "/fr/question", "/en/answer", "/fr/answer", "/ar/answer", "/zh-Hans/answer", "/en/back",
         "/en/check", "/en/results", "/fr/results", "/ar/results"]
FIELD_NAMES = ["answers", "history", "q", "return", "start", "family_net_income-0", "children.age-1",
               "family_net_income-0-dont_know", "children.age-99", "region-0", "you.dtc-0"]
QUESTIONS = VOCABULARY.questions() + ["nope", "", "children.", ".age", "you.shoe"]

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=True) | st.text(max_size=20),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=12), inner, max_size=4),
    max_leaves=20,
)
field_values = st.one_of(
    st.text(max_size=60),
    st.sampled_from(QUESTIONS),
    json_values.map(json.dumps),
    answers(VOCABULARY).map(json.dumps),
    st.sampled_from(["dont_know", "yes", "no", "$1,234.50", "-1", "1e309", "NaN", "\x00", "٣", "١٢٣"]),
)
forms = st.dictionaries(st.sampled_from(FIELD_NAMES) | st.text(max_size=10), field_values, max_size=8)


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(path=st.sampled_from(PATHS), form=forms)
def test_random_posts_never_give_a_server_error(path, form):
    response = APP.test_client().post(path, data=form)
    assert response.status_code < 500, (path, form)
    assert "Set-Cookie" not in response.headers


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(raw=answers(VOCABULARY), q=st.sampled_from(QUESTIONS), value=field_values)
def test_valid_answers_with_a_random_reply_never_break(raw, q, value):
    data = {"answers": json.dumps(raw), "q": q, f"{q}-0": value, f"{q}-1": value}  # the page's own field names
    for path in ("/en/answer", "/en/question", "/en/results"):
        response = APP.test_client().post(path, data=data)
        assert response.status_code < 500, (path, data)
