"""Hypothesis strategies that build answers fitting the question vocabulary."""

from __future__ import annotations

import datetime as dt

from hypothesis import strategies as st

from app.engine import DONT_KNOW

MISSING = object()


def _number(fact, realistic=True):
    lo = int(fact.minimum) if fact.minimum is not None else -10**6
    hi = int(fact.maximum) if fact.maximum is not None else 10**7
    if fact.type == "money" and realistic:
        # Most draws in the range where thresholds live, some at the ends.
        core = st.integers(max(lo, 0), min(hi, 300_000))
        values = st.one_of(core, core.map(lambda x: x + 0.5), st.sampled_from([lo, hi]))
        return values.filter(lambda x: lo <= x <= hi)
    if fact.integer:
        return st.integers(lo, hi)
    return st.floats(lo, hi, allow_nan=False)


def value_for(fact):
    """Any valid answer to one fact."""
    if fact.type == "yesno":
        return st.booleans()
    if fact.type in ("number", "money"):
        return _number(fact)
    if fact.type == "choice":
        return st.sampled_from(fact.choice_values())
    return st.dates(dt.date(1900, 1, 1), dt.date(2030, 12, 31)).map(dt.date.isoformat)


def answer_for(fact, keep_all=False):
    """A valid answer, "I don't know" where allowed, or nothing at all."""
    options = [value_for(fact)]
    if not keep_all:
        options.append(st.just(MISSING))
        if fact.dont_know:
            options.append(st.just(DONT_KNOW))
    return st.one_of(*options)


@st.composite
def person(draw, group, keep_all=False):
    result = {}
    for name, fact in group.facts.items():
        value = draw(answer_for(fact, keep_all))
        if value is not MISSING:
            result[name] = value
    return result


@st.composite
def answers(draw, vocabulary, keep_all=False, max_children=5):
    """A mapping of answers in the vocabulary's own terms, some left unanswered."""
    raw = {}
    for fid, fact in vocabulary.facts.items():
        value = draw(answer_for(fact, keep_all))
        if value is not MISSING:
            raw[fid] = value
    for group in vocabulary.groups.values():
        if group.kind == "union":
            continue
        if group.kind == "list":
            if not keep_all and draw(st.booleans()) and draw(st.booleans()):
                continue  # how many is not answered
            size = draw(st.integers(0, min(max_children, group.maximum)))
            raw[group.id] = [draw(person(group, keep_all)) for _ in range(size)]
        elif keep_all or draw(st.booleans()) or draw(st.booleans()):
            raw[group.id] = draw(person(group, keep_all))
    return raw


@st.composite
def completion(draw, vocabulary, raw, max_children=5):
    """Fill every unanswered or "I don't know" answer with some valid value."""
    full = {}
    for fid, fact in vocabulary.facts.items():
        value = raw.get(fid, MISSING)
        full[fid] = draw(value_for(fact)) if value in (MISSING, DONT_KNOW) else value
    for group in vocabulary.groups.values():
        if group.kind == "union":
            continue
        given = raw.get(group.id, MISSING)
        if group.kind == "list":
            if given in (MISSING, DONT_KNOW):
                size = draw(st.integers(0, min(max_children, group.maximum)))
                given = [{} for _ in range(size)]
            full[group.id] = [_complete_person(draw, group, p) for p in given]
        else:
            full[group.id] = _complete_person(draw, group, {} if given is MISSING else given)
    return full


def _complete_person(draw, group, given):
    out = {}
    for name, fact in group.facts.items():
        value = given.get(name, MISSING)
        out[name] = draw(value_for(fact)) if value in (MISSING, DONT_KNOW) else value
    return out


def answer_question(draw, vocabulary, raw: dict, question) -> None:
    """Answer one question the planner asks, in place in ``raw``: any valid answer, or "I don't
    know" where allowed. A member fact is answered for each person who has not answered it."""
    qid = str(question)
    if qid in vocabulary.facts:
        raw[qid] = draw(_answer_or_dont_know(vocabulary.facts[qid]))
        return
    if "." not in qid:  # how many people a list group has
        group = vocabulary.groups[qid]
        sizes = st.integers(0, min(3, group.maximum)).map(lambda n: [{} for _ in range(n)])
        raw[qid] = draw(st.one_of(sizes, st.just(DONT_KNOW)) if group.dont_know else sizes)
        return
    gid, name = qid.split(".", 1)
    group = vocabulary.groups[gid]
    fact = group.facts[name]
    if group.kind == "list":
        people = raw[gid]
    else:
        people = [raw.setdefault(gid, {})]
    for person in people:
        if name not in person:
            person[name] = draw(_answer_or_dont_know(fact))


def _answer_or_dont_know(fact):
    return st.one_of(value_for(fact), st.just(DONT_KNOW)) if fact.dont_know else value_for(fact)
