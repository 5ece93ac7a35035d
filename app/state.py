"""The answers a person has given so far, carried only inside the form they post.

Nothing is kept on the server: each page holds the answers in a hidden field
and posts them back. Whatever comes back is treated as untrusted: it is read
with size limits, checked against the vocabulary, and anything that does not
fit is dropped rather than allowed to break the page.
"""

from __future__ import annotations

import json
import re

from app.engine import AnswerError

MAX_FIELD = 20_000  # characters in the hidden answers field
MAX_HISTORY = 200
_INDEXED = re.compile(r"^([a-z_]+)\[(\d+)\]\.([a-z_]+)$")


class State:
    """Answers (as the engine's plain mapping) and the questions asked, in order."""

    def __init__(self, raw: dict, history: list[str], answers):
        self.raw = raw
        self.history = history
        self.answers = answers  # the engine's checked Answers

    def encode_answers(self) -> str:
        return json.dumps(self.raw, separators=(",", ":"), ensure_ascii=False)

    def encode_history(self) -> str:
        return json.dumps(self.history, separators=(",", ":"))


def _load_json(text: str | None, kind):
    if not text or len(text) > MAX_FIELD:
        return kind()
    try:
        value = json.loads(text)
    except (ValueError, RecursionError):
        return kind()
    return value if isinstance(value, kind) else kind()


def read_state(form, vocabulary) -> State:
    """Read the carried answers from a posted form, dropping anything that does not fit."""
    raw = _load_json(form.get("answers"), dict)
    raw, answers = clean(raw, vocabulary)
    history = [q for q in _load_json(form.get("history"), list) if isinstance(q, str)]
    history = [q for q in history if vocabulary.question(q) is not None][-MAX_HISTORY:]
    return State(raw, history, answers)


def clean(raw: dict, vocabulary):
    """Drop answers the vocabulary rejects, one by one, until the rest is valid."""
    raw = dict(raw)
    for _ in range(50):
        try:
            return raw, vocabulary.parse_answers(raw)
        except AnswerError as error:
            for question, _message in error.problems:
                _drop(raw, question)
    return {}, vocabulary.parse_answers({})


def _drop(raw: dict, question: str) -> None:
    match = _INDEXED.match(question)
    if match:
        gid, index, name = match.group(1), int(match.group(2)) - 1, match.group(3)
        people = raw.get(gid)
        if isinstance(people, list) and 0 <= index < len(people) and isinstance(people[index], dict):
            people[index].pop(name, None)
            return
        raw.pop(gid, None)
        return
    if "." in question:
        gid, name = question.split(".", 1)
        person = raw.get(gid)
        if isinstance(person, dict) and name in person:
            person.pop(name)
            return
        raw.pop(gid, None)
        return
    raw.pop(question.split("[")[0], None)


def set_answer(state: State, vocabulary, qid: str, value) -> State:
    """A new State with one question's answer replaced.

    ``value`` is the answer for a single fact; for a question about each member
    of a group it is a list with one answer per member; for a group's size it is
    the number of people (or "dont_know").
    """
    raw = json.loads(json.dumps(state.raw))  # a deep copy of plain data
    question = vocabulary.question(qid)
    if "." in qid:
        gid, name = qid.split(".", 1)
        group = vocabulary.groups[gid]
        if group.kind == "list":
            people = raw.get(gid) if isinstance(raw.get(gid), list) else []
            for person, answer in zip(people, value):
                person[name] = answer
            raw[gid] = people
        else:
            person = raw.get(gid) if isinstance(raw.get(gid), dict) else {}
            person[name] = value
            raw[gid] = person
    elif question is not None and getattr(question, "kind", None) == "list":
        if value == "dont_know":
            raw[qid] = "dont_know"
        else:
            people = raw.get(qid) if isinstance(raw.get(qid), list) else []
            raw[qid] = (people + [{} for _ in range(value)])[:value]
    else:
        raw[qid] = value
    history = [q for q in state.history if q != qid] + [qid]
    raw, answers = clean(raw, vocabulary)
    return State(raw, history, answers)
