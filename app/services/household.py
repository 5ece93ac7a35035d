"""A household's answers, read and checked in one place for every door.

Two ways in:

* strict (:func:`read_household_file`, :func:`read_household`): a household file or an
  API body. Every problem is reported, nothing is guessed.
* forgiving (:func:`keep_what_fits`): answers carried in a web form, which the person
  cannot see or fix. Whatever does not fit the vocabulary is dropped, one answer at a
  time, so a tampered or stale form never breaks the page.

Answers are plain JSON data (the household file format in the README); the engine's
checked :class:`~app.engine.vocabulary.Answers` are built from them.
"""

from __future__ import annotations

import copy
import datetime as dt
import json
from dataclasses import dataclass

from app.engine import DONT_KNOW, AnswerError
from app.engine.qid import QuestionId

HOUSEHOLD_KEYS = ("answers", "date", "description")
MAX_ROUNDS = 50  # dropping answers one problem at a time never needs more


@dataclass
class Household:
    """Answers as plain data (``raw``) and as the engine reads them (``answers``)."""

    raw: dict
    answers: object  # app.engine.vocabulary.Answers
    date: dt.date | None = None
    description: str = ""


class HouseholdInvalid(Exception):
    """A household that cannot be screened, with every problem in plain words."""

    def __init__(self, problems: list[str]):
        super().__init__("; ".join(problems))
        self.problems = problems


# -- strict: files and API bodies ------------------------------------------------------------


def read_household_file(text: str, vocabulary) -> Household:
    """A household file (JSON). Raises HouseholdInvalid naming the line or the answer at fault."""
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise HouseholdInvalid([f"line {exc.lineno}: this is not valid JSON: {exc.msg}"]) from None
    except RecursionError:
        raise HouseholdInvalid(["this is nested too deeply to be a household"]) from None
    return read_household(data, vocabulary)


def read_household(data, vocabulary) -> Household:
    """A household given as a mapping with ``answers`` (and optionally ``date`` and ``description``)."""
    if not isinstance(data, dict) or not isinstance(data.get("answers"), dict):
        raise HouseholdInvalid(['the file must be a JSON object with an "answers" object in it'])
    unknown = set(data) - set(HOUSEHOLD_KEYS)
    if unknown:
        raise HouseholdInvalid([f"unknown key(s) {', '.join(sorted(map(str, unknown)))}; "
                                f"allowed: {', '.join(HOUSEHOLD_KEYS)}"])
    date = None
    if "date" in data:
        try:
            date = dt.date.fromisoformat(str(data["date"]))
        except ValueError:
            raise HouseholdInvalid([f"the date {data['date']!r} is not written YYYY-MM-DD"]) from None
    try:
        answers = vocabulary.parse_answers(data["answers"])
    except AnswerError as error:
        raise HouseholdInvalid([f"answer '{question}' {message}" for question, message in error.problems]) from None
    description = data.get("description")
    return Household(data["answers"], answers, date, description if isinstance(description, str) else "")


# -- flat columns: a row of a caseload file (CSV, Parquet) ----------------------------------------

TRUE_WORDS, FALSE_WORDS = {"true", "yes", "y", "1"}, {"false", "no", "n", "0"}


def column_names(vocabulary) -> list[str]:
    """The flat layout: each household question by its id (region), one person's facts as
    group.fact (you.age), a list's size by its id (children: how many) and its people numbered
    from 0 (children.0.age … children.11.age)."""
    names = list(vocabulary.facts)
    for group in vocabulary.groups.values():
        if group.kind == "union":
            continue
        if group.kind == "list":
            names.append(group.id)  # how many: 0 says there are none
        for index in range(group.maximum if group.kind == "list" else 1):
            prefix = f"{group.id}.{index}." if group.kind == "list" else f"{group.id}."
            names += [prefix + name for name in group.facts]
    return names


def read_row(row, vocabulary) -> Household:
    """A row of a caseload file as a Household: a household file object ({"answers": ...}) or flat
    columns (``read_columns``)."""
    if not isinstance(row, dict):
        raise HouseholdInvalid(["a row must be an object of columns"])
    if "__unreadable__" in row:
        raise HouseholdInvalid([row["__unreadable__"]])
    if isinstance(row.get("answers"), dict):
        return read_household({k: v for k, v in row.items() if k != "id"}, vocabulary)
    return read_columns(row, vocabulary)


def flat_row(raw: dict, vocabulary) -> dict:
    """A household's answers (as in a household file) as flat columns: ``read_columns`` reads it back."""
    row = {}
    for fid in vocabulary.facts:
        if fid in raw:
            row[fid] = raw[fid]
    for group in vocabulary.person_groups:
        given = raw.get(group.id)
        if given is None or given == DONT_KNOW:
            continue
        if group.kind == "list":
            row[group.id] = len(given)
            for index, person in enumerate(given):
                row.update({f"{group.id}.{index}.{name}": value for name, value in person.items()})
        else:
            row.update({f"{group.id}.{name}": value for name, value in given.items()})
    return {k: ("dont_know" if v == DONT_KNOW else v) for k, v in row.items()}


def read_columns(row: dict, vocabulary) -> Household:
    """A household from flat columns (see ``column_names``). An empty cell is not answered; text
    cells are read as their question's type ("yes", "12000", "dont_know"). A person appears when any of
    their cells is filled. With a ``children`` column the children are numbered 0 to that number
    less one (0: none); without it, they are the numbered people with a filled cell, and a household
    with none has not said how many. Raises HouseholdInvalid naming the columns at fault."""
    raw: dict = {}
    problems = []
    sizes: dict = {}
    for column, cell in row.items():
        if cell is None or (isinstance(cell, str) and not cell.strip()) or column in ("id", "date"):
            continue
        parts = str(column).split(".")
        group = vocabulary.groups.get(parts[0])
        if len(parts) == 1 and group is not None and group.kind == "list":
            size = _cell(cell, SIZE)
            if isinstance(size, bool) or not isinstance(size, int) or not 0 <= size <= group.maximum:
                problems.append(f"column '{column}': how many people, from 0 to {group.maximum}")
            else:
                sizes[group.id] = size
            continue
        if len(parts) == 1:
            fact = vocabulary.facts.get(parts[0])
            target, name = raw, parts[0]
        else:
            group = vocabulary.groups.get(parts[0])
            if group is None or group.kind == "union" or (group.kind == "list") != (len(parts) == 3):
                problems.append(f"column '{column}' is not a question we ask")
                continue
            fact = group.facts.get(parts[-1])
            if group.kind == "list":
                if not parts[1].isdigit() or int(parts[1]) >= group.maximum:
                    problems.append(f"column '{column}': people are numbered 0 to {group.maximum - 1}")
                    continue
                people = raw.setdefault(group.id, {})
                target = people.setdefault(int(parts[1]), {})
            else:
                target = raw.setdefault(group.id, {})
            name = parts[-1]
        if fact is None:
            problems.append(f"column '{column}' is not a question we ask")
            continue
        target[name] = _cell(cell, fact)
    if problems:
        raise HouseholdInvalid(problems)
    for group in vocabulary.groups.values():
        if group.kind != "list":
            continue
        people = raw.get(group.id, {})
        if group.id in sizes:
            size = sizes[group.id]
            beyond = [index for index in people if index >= size]
            if beyond:
                problems.append(f"column '{group.id}' says {size} but person {max(beyond)} has answers")
            raw[group.id] = [people.get(index, {}) for index in range(size)]
        elif people:
            raw[group.id] = [person for _, person in sorted(people.items())]
    if problems:
        raise HouseholdInvalid(problems)
    date = row.get("date")
    data = {"answers": raw}
    if date not in (None, ""):
        data["date"] = str(date)[:10]
    try:
        return read_household(data, vocabulary)
    except HouseholdInvalid as invalid:
        raise HouseholdInvalid([p.replace("answer '", "column '") for p in invalid.problems]) from None


class _Size:
    type, integer, minimum, maximum = "number", True, 0, None


SIZE = _Size()  # how a list's size cell is read: a whole number, 0 or more (the list's own maximum apart)


def _cell(cell, fact):
    """A cell as an answer: text is read by the question's type; anything else is passed as it is."""
    if not isinstance(cell, str):
        return cell
    text = cell.strip()
    if text.lower() == "dont_know":
        return "dont_know"
    if fact.type == "yesno":
        lowered = text.lower()
        return True if lowered in TRUE_WORDS else False if lowered in FALSE_WORDS else text
    if fact.type in ("number", "money"):
        try:
            value = float(text.replace(",", "").replace("$", ""))
        except ValueError:
            return text
        return int(value) if value.is_integer() else value
    return text


# -- forgiving: answers carried in a form ------------------------------------------------------


def keep_what_fits(raw, vocabulary, owned: bool = False) -> Household:
    """The answers that fit the vocabulary; each one that does not is dropped.

    ``raw`` is copied first unless ``owned`` says the caller made it for this call alone."""
    if not isinstance(raw, dict):
        raw = {}
    elif not owned:
        raw = copy.deepcopy(raw)
    for _ in range(MAX_ROUNDS):
        try:
            return Household(raw, vocabulary.parse_answers(raw))
        except AnswerError as error:
            for question, _message in error.problems:
                _drop(raw, question)
    return Household({}, vocabulary.parse_answers({}))


def _drop(raw: dict, question: QuestionId) -> None:
    """Remove the answer a problem names; the whole group when the problem is with the group itself."""
    if question.group is None:
        raw.pop(question.fact, None)
        return
    people = raw.get(question.group)
    if question.fact is not None:
        if question.member is not None and isinstance(people, list) and question.member < len(people):
            person = people[question.member]
        else:
            person = people
        if isinstance(person, dict) and question.fact in person:
            person.pop(question.fact)
            return
    raw.pop(question.group, None)


# -- one answer at a time ---------------------------------------------------------------------


def current_answer(raw: dict, vocabulary, qid):
    """The answer already given to a question, in the shape a question page wants:
    one value, one value per person for a fact about each person, or a group's size."""
    typed = vocabulary.qid(qid)
    if typed is None:
        return None
    if typed.is_member_fact:
        group = vocabulary.groups[typed.group]
        given = raw.get(typed.group)
        if group.kind == "list":
            people = given if isinstance(given, list) else []
            return [person.get(typed.fact) if isinstance(person, dict) else None for person in people]
        return given.get(typed.fact) if isinstance(given, dict) else None
    value = raw.get(str(typed))
    return len(value) if isinstance(value, list) else value


def with_answer(household: Household, vocabulary, qid, value) -> Household:
    """A new household with one question's answer replaced.

    ``value`` is the answer for a single fact; for a fact about each member of a list
    group it is a list with one answer per member; for a group's size it is the number
    of people (or "dont_know"). None takes an answer away."""
    return with_answers(household, vocabulary, {qid: value})


def with_answers(household: Household, vocabulary, answers: dict) -> Household:
    """A new household with several answers replaced (each as ``with_answer`` takes it), copied and
    checked once: the caseworker's page posts every answer together."""
    raw = copy.deepcopy(household.raw)
    for qid, value in answers.items():
        typed = vocabulary.qid(qid)
        if typed is not None:
            _put(raw, vocabulary, typed, value)
    return keep_what_fits(raw, vocabulary, owned=True)


def _put(raw: dict, vocabulary, typed, value) -> None:
    if typed.is_member_fact:
        group = vocabulary.groups[typed.group]
        if group.kind == "list":
            people = raw.get(typed.group) if isinstance(raw.get(typed.group), list) else []
            for person, answer in zip(people, value):
                person[typed.fact] = answer
            raw[typed.group] = people
        else:
            person = raw.get(typed.group) if isinstance(raw.get(typed.group), dict) else {}
            person[typed.fact] = value
            raw[typed.group] = person
    elif typed.group is not None:  # how many people in a list group
        if value is None:  # not answered (a field left empty on the caseworker's page)
            raw.pop(typed.group, None)
        elif value == "dont_know":
            raw[typed.group] = "dont_know"
        else:
            people = raw.get(typed.group) if isinstance(raw.get(typed.group), list) else []
            raw[typed.group] = (people + [{} for _ in range(value)])[:value]
    else:
        raw[typed.fact] = value
