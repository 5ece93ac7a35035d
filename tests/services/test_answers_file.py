"""A saved answers file: written readable, read back strictly, refused with a plain message when it cannot be used."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from app.services import answers_file
from app.services.answers_file import (
    DAMAGED,
    FORMAT,
    MAX_BYTES,
    MESSAGES,
    NEWER,
    NO_FILE,
    NOT_OURS,
    TOO_BIG,
    VERSION,
    AnswersFileProblem,
    read_answers_file,
    write_answers_file,
)
from app.services.household import read_household_file

from ..strategies import answers

DAY = dt.date(2026, 12, 3)
FAMILY = {"region": "calgary", "status_in_canada": "citizen", "has_partner": False,
          "you": {"age": 29, "dtc": False, "working_income": 18000.5},
          "children": [{"age": 2, "dtc": False}, {"age": 5, "dtc": "dont_know"}],
          "filed_taxes": True, "family_net_income": "dont_know"}


def envelope(**changes) -> bytes:
    document = {"format": FORMAT, "version": VERSION, "saved_on": "2026-12-03", "answers": FAMILY}
    document.update(changes)
    return json.dumps({k: v for k, v in document.items() if v is not ...}).encode()


def test_the_file_is_readable_json_with_the_answers_as_given():
    data = write_answers_file(FAMILY, DAY)
    text = data.decode("utf-8")
    assert text.startswith('{\n  "format": "benefits-finder-answers",\n  "version": 1,\n  "saved_on": "2026-12-03",')
    assert json.loads(text) == {"format": FORMAT, "version": 1, "saved_on": "2026-12-03", "answers": FAMILY}
    assert text.endswith("}\n")


def test_text_is_kept_as_written_not_escaped():
    assert "é" in write_answers_file({"note": "café"}, DAY).decode("utf-8")


def test_round_trip(ruleset):
    household = read_answers_file(write_answers_file(FAMILY, DAY), ruleset.vocabulary)
    assert household.raw == FAMILY
    assert household.answers.values["region"] == "calgary"
    assert household.date is None  # screened for the day it is read, not the day it was saved


def test_the_answers_are_a_household_file_the_command_line_reads(ruleset):
    saved = json.loads(write_answers_file(FAMILY, DAY))
    household = read_household_file(json.dumps({"answers": saved["answers"]}), ruleset.vocabulary)
    assert household.raw == FAMILY


def test_a_byte_order_mark_is_fine(ruleset):
    assert read_answers_file(b"\xef\xbb\xbf" + envelope(), ruleset.vocabulary).raw == FAMILY


def test_saved_on_may_be_missing(ruleset):
    assert read_answers_file(envelope(saved_on=...), ruleset.vocabulary).raw == FAMILY


@pytest.mark.parametrize("data, message", [
    (b"", NO_FILE),
    (b" " * (MAX_BYTES + 1), TOO_BIG),
    (envelope() + b" " * MAX_BYTES, TOO_BIG),
    (b"\xff\xfe{\x00}\x00", NOT_OURS),  # UTF-16
    (b"\x89PNG\r\n\x1a\n\x00\x00", NOT_OURS),
    (b"not json", NOT_OURS),
    (b'{"format": "benefits-finder-answers", "version": 1, "answers": {}', NOT_OURS),
    (b"[" * 10_000 + b"]" * 10_000, NOT_OURS),
    (b"[]", NOT_OURS),
    (b'"benefits-finder-answers"', NOT_OURS),
    (b"null", NOT_OURS),
    (envelope(format="something-else"), NOT_OURS),
    (envelope(format=...), NOT_OURS),
    (envelope(version=...), NOT_OURS),
    (envelope(version="1"), NOT_OURS),
    (envelope(version=True), NOT_OURS),
    (envelope(version=1.0), NOT_OURS),
    (envelope(version=0), NOT_OURS),
    (envelope(version=-3), NOT_OURS),
    (envelope(version=2), NEWER),
    (envelope(version=10**30), NEWER),
    (envelope(answers=...), NOT_OURS),
    (envelope(answers=[1, 2]), NOT_OURS),
    (envelope(answers="calgary"), NOT_OURS),
    (envelope(extra=1), NOT_OURS),
    (envelope(answers={"region": "mars"}), DAMAGED),
    (envelope(answers={"shoe_size": 9}), DAMAGED),
    (envelope(answers={"children": [{"age": "two"}]}), DAMAGED),
    (envelope(answers={"children": [{"age": 900}]}), DAMAGED),
    (envelope(answers={"you": {"working_income": -5, "age": 30}}), DAMAGED),
    (envelope(answers={"date": "2026-01-01"}), DAMAGED),
    (envelope(answers={"children": "lots"}), DAMAGED),
    (envelope(answers={"answers": {}}), DAMAGED),
    (envelope().replace(b"18000.5", b"NaN"), NOT_OURS),
    (envelope().replace(b"18000.5", b"Infinity"), NOT_OURS),
    (envelope().replace(b"18000.5", b"1e999"), DAMAGED),
    (envelope().replace(b"18000.5", b"9" * 5000), NOT_OURS),  # too many digits for Python to read
])
def test_every_kind_of_bad_file_gets_one_plain_message(ruleset, data, message):
    with pytest.raises(AnswersFileProblem) as caught:
        read_answers_file(data, ruleset.vocabulary)
    assert caught.value.message == message
    assert str(caught.value) == message


def test_the_messages_are_few_and_plain():
    from ..test_readability import MAX_GRADE, MIN_WORDS, grade

    assert len(MESSAGES) == len(set(MESSAGES)) <= 6
    for message in MESSAGES:
        assert message == answers_file.N_(message)
        if len(message.split()) >= MIN_WORDS:
            assert grade(message) <= MAX_GRADE, (message, grade(message))


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_any_valid_answers_come_back_the_same(ruleset, data):
    raw = data.draw(answers(ruleset.vocabulary))
    household = read_answers_file(write_answers_file(raw, DAY), ruleset.vocabulary)
    assert household.raw == raw
    expected = ruleset.vocabulary.parse_answers(raw)
    assert (household.answers.values, household.answers.dont_know, household.answers.members) == \
        (expected.values, expected.dont_know, expected.members)


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=20),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=12), inner, max_size=4),
    max_leaves=25,
)


def _read_or_refuse(data: bytes, vocabulary) -> None:
    try:
        read_answers_file(data, vocabulary)
    except AnswersFileProblem as problem:
        assert problem.message in MESSAGES


@settings(max_examples=300, deadline=None)
@given(data=st.binary(max_size=300))
def test_any_bytes_are_read_or_refused_plainly(ruleset, data):
    _read_or_refuse(data, ruleset.vocabulary)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(answers_value=json_values, version=st.one_of(st.just(VERSION), json_values),
       extra=st.dictionaries(st.sampled_from(["format", "saved_on", "x"]), json_values, max_size=2))
def test_any_json_in_the_envelope_is_read_or_refused_plainly(ruleset, answers_value, version, extra):
    document = {"format": FORMAT, "version": version, "answers": answers_value, **extra}
    _read_or_refuse(json.dumps(document).encode(), ruleset.vocabulary)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_valid_answers_with_one_value_changed_are_read_or_refused_plainly(ruleset, data):
    raw = data.draw(answers(ruleset.vocabulary))
    key = data.draw(st.sampled_from(sorted(raw) + ["children", "you", "nope"]))
    raw[key] = data.draw(json_values)
    _read_or_refuse(write_answers_file(raw, DAY), ruleset.vocabulary)
