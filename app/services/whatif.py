"""What if an answer changed? The same household screened twice, side by side.

Used wherever someone tries a change before it happens: a caseworker's "what if
she takes the extra shifts?", a benefit-cliff chart, a rules change preview.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from app.engine import ELIGIBLE, screen


@dataclass(frozen=True)
class ProgramChange:
    program_id: str
    status_before: str
    status_after: str
    yearly_before: float  # known yearly amount when eligible, else 0
    yearly_after: float

    @property
    def status_changed(self) -> bool:
        return self.status_before != self.status_after

    @property
    def difference(self) -> float:
        return round(self.yearly_after - self.yearly_before, 2)


@dataclass(frozen=True)
class Comparison:
    changes: tuple  # ProgramChange for every program in either screening
    total_before: float
    total_after: float

    @property
    def changed(self) -> tuple:
        """Only the programs whose status or amount moved."""
        return tuple(c for c in self.changes if c.status_changed or c.difference)

    @property
    def total_difference(self) -> float:
        return round(self.total_after - self.total_before, 2)


def yearly(result) -> float:
    """The yearly amount counted as money the household gets: known, eligible, and finite."""
    if result.status != ELIGIBLE or result.amount_yearly is None or getattr(result, "error", None):
        return 0.0
    return float(result.amount_yearly)


def compare(ruleset, before, after, date: dt.date) -> Comparison:
    """Screen two sets of checked answers on the same date and line the results up by program."""
    first = {r.program.id: r for r in screen(ruleset, before, date)}
    second = {r.program.id: r for r in screen(ruleset, after, date)}
    changes = []
    for program_id in dict.fromkeys([*first, *second]):
        a, b = first.get(program_id), second.get(program_id)
        changes.append(ProgramChange(program_id, a.status if a else "not_screened", b.status if b else "not_screened",
                                     yearly(a) if a else 0.0, yearly(b) if b else 0.0))
    return Comparison(tuple(changes), round(sum(c.yearly_before for c in changes), 2),
                      round(sum(c.yearly_after for c in changes), 2))


@dataclass(frozen=True)
class Unlock:
    """A step the person can take (file a tax return), and what it would add."""

    qid: str
    text: str  # the step, in English (translated where shown)
    gained: tuple  # program ids that would become likely
    yearly: float  # new money per year it would add
    once: float  # one-time amounts it would add


def unlocks(ruleset, household, date: dt.date, results) -> list[Unlock]:
    """Each step named in the questions (``unlock`` in questions.yaml) that this household has not
    taken, with what re-screening with that one answer changed would add. Biggest first."""
    from .household import with_answer  # a sibling service; imported here to keep whatif light

    vocabulary = ruleset.vocabulary
    before = {r.program.id: r for r in results}
    found = []
    for qid, fact in _unlockable(vocabulary):
        answers = household.answers
        if fact.group is not None and not answers.groups[fact.group][0]:
            continue  # nobody in the household to take the step
        current = _value(answers, fact)
        if current == fact.unlock_answer:
            continue
        changed = with_answer(household, vocabulary, qid, fact.unlock_answer)
        if _value(changed.answers, fact) != fact.unlock_answer:
            continue
        gained, yearly_gain, once_gain = [], 0.0, 0.0
        for result in screen(ruleset, changed.answers, date):
            old = before.get(result.program.id)
            if old is None:
                continue
            more = yearly(result) - yearly(old)
            once = _once(result) - _once(old)
            if result.status == ELIGIBLE and old.status != ELIGIBLE:
                gained.append(result.program.id)
            if more > 0:
                yearly_gain += more
            if once > 0:
                once_gain += once
        if gained or yearly_gain > 0 or once_gain > 0:
            found.append(Unlock(qid, fact.unlock_text, tuple(gained), round(yearly_gain, 2), round(once_gain, 2)))
    return sorted(found, key=lambda u: (-u.yearly, -u.once, -len(u.gained)))


def _unlockable(vocabulary):
    for fact in vocabulary.facts.values():
        if fact.unlock_text:
            yield fact.id, fact
    for group in vocabulary.person_groups:
        if group.kind == "list":
            continue  # a step for each child would need its own wording
        for fact in group.facts.values():
            if fact.unlock_text:
                yield fact.id, fact


def _value(answers, fact):
    if fact.group is None:
        return answers.facts.get(fact.id)
    people = answers.groups[fact.group][0]
    return people[0].values.get(fact.name) if people and fact.name not in people[0].unknown else None


def _once(result) -> float:
    if result.status != ELIGIBLE or result.amount_once is None or getattr(result, "error", None):
        return 0.0
    return float(result.amount_once)
