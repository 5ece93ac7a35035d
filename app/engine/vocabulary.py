"""The vocabulary of facts the questionnaire can ask, and answers checked against it.

Household-level facts (where you live, family net income, ...) have an id.
Household members come in groups: ``you`` (always one person), ``partner``
(present when ``has_partner`` is yes) and ``children`` (a list). Each group has
its own member facts, asked as ``group.fact`` (``children.age``). A group may
also be a union of others (``adults`` is you and your partner) for counting and
summing in rules.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass, field

from .errors import AnswerError, AnswerProblem
from .qid import QuestionId
from .values import Interval

DONT_KNOW = "dont_know"
NO_DONT_KNOW = "\"I don't know\" is not an answer to this question"
NO_SUCH_QUESTION = "there is no such question"
UNBOUNDED = 1e12  # a money or number fact with no stated limit


@dataclass
class Fact:
    id: str  # question id: "region" or "children.age"
    name: str  # the name within its scope: "region" or "age"
    type: str  # yesno, number, money, choice, date
    label: str
    section: str
    hint: str = ""
    minimum: float | None = None
    maximum: float | None = None
    integer: bool = False
    choices: tuple = ()  # tuple of (value, label)
    dont_know: bool = False
    dont_know_label: str = ""
    label_couple: str = ""  # the label when the person lives with a partner
    statement: str = ""  # beside its tick box on a checklist page
    statement_couple: str = ""
    unlock_answer: object = None  # the answer after a step the person can take (file a tax return)
    unlock_text: str = ""  # that step, in plain words
    group: str | None = None
    line: int = 0
    order: int = 0

    def choice_values(self) -> tuple:
        return tuple(value for value, _ in self.choices)

    def __post_init__(self):
        self._choice_set = frozenset(self.choice_values())
        self._unknown = self._make_unknown()

    def unknown_value(self):
        """What the engine uses for this fact when it is not known."""
        return self._unknown

    def _make_unknown(self):
        if self.type in ("number", "money"):
            lo = -UNBOUNDED if self.minimum is None else self.minimum
            hi = UNBOUNDED if self.maximum is None else self.maximum
            return Interval(lo, hi)
        return None

    def parse(self, raw):
        """Check and convert one answer. Returns the value or raises ValueError."""
        if self.type == "yesno":
            if isinstance(raw, bool):
                return raw
            if isinstance(raw, str) and raw.lower() in ("yes", "no"):
                return raw.lower() == "yes"
            raise ValueError("must be yes or no")
        if self.type in ("number", "money"):
            if isinstance(raw, bool):
                raise ValueError("must be a number")
            if isinstance(raw, str):
                try:
                    raw = float(raw.strip())
                except ValueError:
                    raise ValueError("must be a number") from None
            if not isinstance(raw, (int, float)):
                raise ValueError("must be a number")
            try:
                finite = math.isfinite(raw)  # an int of hundreds of digits is too big for a float
            except OverflowError:
                finite = False
            if not finite:
                raise ValueError("must be a number")
            if self.integer and raw != int(raw):
                raise ValueError("must be a whole number")
            if self.minimum is not None and raw < self.minimum:
                raise ValueError(f"must be at least {self.minimum:g}")
            if self.maximum is not None and raw > self.maximum:
                raise ValueError(f"must be at most {self.maximum:g}")
            return int(raw) if self.integer else raw
        if self.type == "choice":
            if not isinstance(raw, str) or raw not in self._choice_set:
                options = ", ".join(self.choice_values())
                raise ValueError(f"must be one of: {options}")
            return raw
        if self.type == "date":
            if not isinstance(raw, str):
                raise ValueError("must be a date written YYYY-MM-DD")
            try:
                return dt.date.fromisoformat(raw)
            except ValueError:
                raise ValueError("must be a date written YYYY-MM-DD") from None
        raise ValueError("has a type the engine does not know")  # pragma: no cover


@dataclass
class Group:
    id: str
    kind: str  # one, optional, list, union
    label: str = ""
    hint: str = ""
    section: str = ""
    facts: dict = field(default_factory=dict)  # name -> Fact
    present_when: str | None = None  # optional groups: a yes/no fact
    maximum: int = 0  # list groups: the most members
    members_of: tuple = ()  # union groups: the groups joined
    dont_know: bool = False
    line: int = 0
    order: int = 0
    present_when_line: int = 0
    unknown_values: dict = field(default_factory=dict)  # each fact's value when not known
    fact_names: frozenset = frozenset()

    @property
    def size_question(self) -> str | None:
        """The question that decides how many members the group has."""
        if self.kind == "list":
            return self.id
        if self.kind == "optional":
            return self.present_when
        return None


class Member:
    """One person in a household: their facts, and which of them are unknown."""

    __slots__ = ("group", "values", "unknown", "dont_know", "phantom")

    def __init__(self, group: str, values: dict, unknown: frozenset, dont_know: frozenset, phantom=False):
        self.group = group
        self.values = values
        self.unknown = unknown
        self.dont_know = dont_know
        self.phantom = phantom  # stands for a member who may or may not exist


def _phantom(group: Group) -> Member:
    """A stand-in for a person who may or may not be in the household: every fact unknown."""
    values = {name: fact.unknown_value() for name, fact in group.facts.items()}
    return Member(group.id, values, frozenset(group.facts), frozenset(), phantom=True)


@dataclass
class Section:
    """A topic: the questions asked together on one page."""

    id: str
    label: str
    hint: str = ""
    checklist: bool = False  # yes/no questions asked as tick boxes


class Vocabulary:
    def __init__(self, facts: dict, groups: dict, sections: list):
        self.facts = facts  # id -> Fact (household-level)
        self.groups = groups  # id -> Group
        self.sections = sections
        self._phantoms = {g.id: _phantom(g) for g in groups.values() if g.kind != "union"}
        # Kept ready so that checking each household's answers is quick.
        self.unknown_facts = {fid: f.unknown_value() for fid, f in facts.items()}
        self.fact_ids = frozenset(facts)
        self.person_groups = [g for g in groups.values() if g.kind != "union"]
        self.union_groups = [g for g in groups.values() if g.kind == "union"]
        for group in self.person_groups:
            group.unknown_values = {name: f.unknown_value() for name, f in group.facts.items()}
            group.fact_names = frozenset(group.facts)
        self._question_order = self._order_questions()
        self._ids = self._typed_ids()

    def questions(self) -> list:
        """Every question id, as text, in questionnaire order."""
        return self._question_order

    def _order_questions(self) -> list:
        items = []
        for fact in self.facts.values():
            items.append((fact.order, fact.id))
        for group in self.groups.values():
            if group.kind == "list":
                items.append((group.order, group.id))
            if group.kind != "union":
                for fact in group.facts.values():
                    items.append((fact.order, fact.id))
        return [qid for _, qid in sorted(items)]

    def _typed_ids(self) -> dict:
        ids = {fid: QuestionId.household(fid) for fid in self.facts}
        for group in self.person_groups:
            if group.kind == "list":
                ids[group.id] = QuestionId.of_member(group.id, None)
            for name in group.facts:
                ids[f"{group.id}.{name}"] = QuestionId.of_member(group.id, name)
        return ids

    def qid(self, text) -> QuestionId | None:
        """The typed id of a question the vocabulary asks, from its text; None for anything else."""
        if isinstance(text, QuestionId):
            return text if text.member is None and str(text) in self._ids else None
        return self._ids.get(text) if isinstance(text, str) else None

    def question(self, qid):
        """The Fact or Group a question id (text or typed) names, or None."""
        typed = self.qid(qid)
        if typed is None:
            return None
        if typed.group is None:
            return self.facts[typed.fact]
        group = self.groups[typed.group]
        return group if typed.fact is None else group.facts[typed.fact]

    def phantom(self, group_id: str) -> Member:
        return self._phantoms[group_id]

    def parse_answers(self, raw) -> Answers:
        """Check answers given as a plain mapping; raise AnswerError listing every problem."""
        if not isinstance(raw, dict):
            raise AnswerError([AnswerProblem(QuestionId.household("answers"),
                                             "the answers must be a mapping of question ids to answers")])
        problems: list[AnswerProblem] = []
        values: dict = {}
        dont_know: set = set()
        members: dict = {}
        for key, answer in raw.items():
            if key in self.facts:
                fact = self.facts[key]
                if answer == DONT_KNOW:
                    if fact.dont_know:
                        dont_know.add(key)
                    else:
                        problems.append(AnswerProblem(QuestionId.household(key), NO_DONT_KNOW))
                    continue
                try:
                    values[key] = fact.parse(answer)
                except ValueError as exc:
                    problems.append(AnswerProblem(QuestionId.household(key), str(exc)))
            elif key in self.groups and self.groups[key].kind != "union":
                group = self.groups[key]
                parsed = self._parse_group(group, answer, problems)
                if parsed == DONT_KNOW:
                    dont_know.add(key)
                elif parsed is not None:
                    members[key] = parsed
            else:
                problems.append(AnswerProblem(QuestionId.household(str(key)), NO_SUCH_QUESTION))
        if problems:
            raise AnswerError(problems)
        return Answers(self, values, frozenset(dont_know), members)

    def _parse_group(self, group: Group, answer, problems):
        whole = QuestionId.of_member(group.id, None)
        if group.kind == "list":
            if answer == DONT_KNOW:
                if group.dont_know:
                    return DONT_KNOW
                problems.append(AnswerProblem(whole, NO_DONT_KNOW))
                return None
            if not isinstance(answer, list):
                problems.append(AnswerProblem(whole, "must be a list of people"))
                return None
            if len(answer) > group.maximum:
                problems.append(AnswerProblem(whole, f"must have at most {group.maximum} people"))
                return None
            people = answer
        else:
            if not isinstance(answer, dict):
                problems.append(AnswerProblem(whole, "must be a mapping of questions to answers"))
                return None
            people = [answer]
        result = []
        for index, person in enumerate(people):
            member = index if group.kind == "list" else None
            if not isinstance(person, dict):
                problems.append(AnswerProblem(QuestionId.of_member(group.id, None, member),
                                              "must be a mapping of questions to answers"))
                continue
            person_values = {}
            person_dont_know = set()
            for name, value in person.items():
                fact = group.facts.get(name)
                if fact is None:
                    problems.append(AnswerProblem(QuestionId.of_member(group.id, str(name), member), NO_SUCH_QUESTION))
                    continue
                if value == DONT_KNOW:
                    if fact.dont_know:
                        person_dont_know.add(name)
                    else:
                        problems.append(AnswerProblem(QuestionId.of_member(group.id, name, member), NO_DONT_KNOW))
                    continue
                try:
                    person_values[name] = fact.parse(value)
                except ValueError as exc:
                    problems.append(AnswerProblem(QuestionId.of_member(group.id, name, member), str(exc)))
            result.append((person_values, frozenset(person_dont_know)))
        return result


class Answers:
    """A household's answers, checked. Builds what the engine reads."""

    def __init__(self, vocabulary: Vocabulary, values: dict, dont_know: frozenset, members: dict):
        self.vocabulary = vocabulary
        self.values = values  # household fact id -> value
        self.dont_know = dont_know  # question ids answered "I don't know"
        self.members = members  # group id -> [(values, dont_know)]
        self.facts = dict(vocabulary.unknown_facts)
        self.facts.update(values)
        self.unknown = vocabulary.fact_ids.difference(values)
        groups = {}  # group id -> (certain members, possible members)
        unknown_questions = set(self.unknown)
        for group in vocabulary.person_groups:
            certain, possible = groups[group.id] = self._resolve(group)
            if possible:
                unknown_questions.add(group.size_question)
            for member in certain:
                for name in member.unknown:
                    unknown_questions.add(f"{group.id}.{name}")
        for group in vocabulary.union_groups:
            certain, possible = (), ()
            for part in group.members_of:
                c, p = groups[part]
                certain += c
                possible += p
            groups[group.id] = (certain, possible)
        self.groups = groups
        # What the fast path needs: which questions are still open, and plain member values.
        self.unknown_questions = unknown_questions
        self.member_values = {gid: tuple([m.values for m in certain]) for gid, (certain, _) in groups.items()}

    def _member(self, group: Group, values: dict, dont_know: frozenset) -> Member:
        full = dict(group.unknown_values)
        full.update(values)
        return Member(group.id, full, group.fact_names.difference(values), dont_know)

    def _resolve(self, group: Group):
        given = self.members.get(group.id)
        if group.kind == "one":
            values, dont_know = given[0] if given else ({}, frozenset())
            return (self._member(group, values, dont_know),), ()
        if group.kind == "optional":
            present = self.facts.get(group.present_when)
            values, dont_know = given[0] if given else ({}, frozenset())
            member = self._member(group, values, dont_know)
            if present is True:
                return (member,), ()
            if present is False:
                return (), ()
            return (), (member,)
        if given is None:  # how many is not known
            phantom = self.vocabulary.phantom(group.id)
            return (), (phantom,) * group.maximum
        return tuple(self._member(group, v, d) for v, d in given), ()

    def is_answered(self, qid) -> bool:
        """True when the question (text or typed id) has an answer or an "I don't know"."""
        typed = self.vocabulary.qid(qid)
        if typed is None:
            return False
        text = str(typed)
        if text in self.dont_know or text in self.values or text in self.members:
            return True
        if typed.is_member_fact:
            people = self.groups[typed.group][0]
            name = typed.fact
            return bool(people) and all(name not in m.unknown or name in m.dont_know for m in people)
        return False

    def is_askable(self, qid) -> bool:
        """True when asking the question could bring a new answer."""
        typed = self.vocabulary.qid(qid)
        if typed is None or str(typed) in self.dont_know:
            return False
        if typed.is_member_fact:
            # Only people known to be in the household are asked about.
            name = typed.fact
            return any(name in m.unknown and name not in m.dont_know for m in self.groups[typed.group][0])
        return not self.is_answered(typed)
