"""The benefit cliff: a household's yearly benefits as its income goes from 0 to a ceiling, every
other answer held. One screening per point. Drawn as SVG by the caseworker's page; nothing here
knows about Flask or about drawing.

Income moves as family net income; work income moves with it in the same proportion as now
(a household earning 30,000 of its 40,000 keeps earning three quarters of it), so programs that
look at work income (the Canada Workers Benefit) move too.
"""

from __future__ import annotations

import copy
import datetime as dt
import math
import time
from dataclasses import dataclass

from app.engine import AnswerError, screen

from .whatif import yearly

POINTS = 201
MIN_CEILING = 60_000
INCOME = "family_net_income"
WORK = "working_income"


@dataclass(frozen=True)
class Point:
    income: float
    benefits: float  # known yearly money from the programs likely at this income
    likely: frozenset  # program ids likely at this income


@dataclass(frozen=True)
class Cliff:
    points: tuple
    ends: tuple  # (income where it ends, program id) for each program that stops on the way up
    now: float | None  # the household's income today, if known
    seconds: float = 0.0

    @property
    def ceiling(self) -> float:
        return self.points[-1].income

    @property
    def highest(self) -> float:
        return max((p.income + p.benefits for p in self.points), default=0.0)


def ceiling_for(income: float | None) -> float:
    """A useful top of the scale: twice today's income, at least 60,000, rounded up to 10,000."""
    top = max(MIN_CEILING, 2 * (income or 0))
    return math.ceil(top / 10_000) * 10_000


def at_income(raw: dict, income: float) -> dict:
    """The answers with family net income set, and work income moved in proportion."""
    changed = copy.deepcopy(raw)
    before = raw.get(INCOME)
    ratio = income / before if isinstance(before, (int, float)) and before > 0 else None
    changed[INCOME] = round(income, 2)
    for group in ("you", "partner"):
        person = changed.get(group)
        if isinstance(person, dict) and isinstance(person.get(WORK), (int, float)):
            moved = person[WORK] * ratio if ratio is not None else person[WORK]
            person[WORK] = round(min(moved, income), 2)
    return changed


def cliff(ruleset, raw: dict, date: dt.date, points: int = POINTS, ceiling: float | None = None) -> Cliff | None:
    """The curve for a household, or None when its answers cannot be read."""
    started = time.perf_counter()
    now = raw.get(INCOME) if isinstance(raw.get(INCOME), (int, float)) else None
    top = ceiling or ceiling_for(now)
    found = []
    for index in range(points):
        income = top * index / (points - 1)
        try:
            answers = ruleset.vocabulary.parse_answers(at_income(raw, income))
        except AnswerError:
            return None
        results = screen(ruleset, answers, date)
        likely = frozenset(r.program.id for r in results if r.status == "eligible")
        found.append(Point(income, round(sum(yearly(r) for r in results), 2), likely))
    ends = []
    for before, after in zip(found, found[1:]):
        for program_id in sorted(before.likely - after.likely):
            ends.append((after.income, program_id))
    return Cliff(tuple(found), tuple(ends), now, time.perf_counter() - started)
