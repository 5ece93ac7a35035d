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
