"""The loaded, checked and compiled rules: programs, parameters, criteria."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field


@dataclass
class Source:
    id: str
    title: str
    url: str
    checked: dt.date
    note: str = ""


@dataclass
class ValueEntry:
    start: dt.date
    end: dt.date | None  # last day in force; None: until changed
    value: object  # a number, or (first key, rows) for a table
    source: Source
    unconfirmed: bool
    line: int
    note: str = ""

    def display(self):
        if isinstance(self.value, tuple):
            first, rows = self.value
            return {str(first + i): row for i, row in enumerate(rows)}
        return self.value


@dataclass
class Parameter:
    name: str
    label: str
    unit: str
    is_table: bool
    entries: list  # ValueEntry, by start date
    file: str
    line: int
    table_key: str = ""

    def entry_on(self, day: dt.date) -> ValueEntry | None:
        found = None
        for entry in self.entries:
            if entry.start <= day:
                found = entry
            else:
                break
        if found is not None and found.end is not None and found.end < day:
            return None
        return found


OFFICE_CHECK = ("office",)  # the code of a criterion written `checked_by_office: true`


@dataclass
class Criterion:
    id: str
    source: Source | None
    met: str
    not_met: str
    unknown: str
    fn: object  # Env -> True/False/None, or (status, value, limit) when compared
    compared: str | None  # the comparison operator when the condition is one
    params: tuple  # parameter names, for provenance
    facts: tuple  # question ids read
    unit: str  # "money", "number", "rate" or "" for what is compared
    line: int
    code: tuple = ()  # exact-path source: ("test", expr), ("compare", op, left, right) or OFFICE_CHECK
    condition: str = ""  # the rule as written in the file ("" when the office checks it)

    @property
    def checked_by_office(self) -> bool:
        """A rule only the office can check: never known from the answers."""
        return self.code == OFFICE_CHECK


@dataclass
class Amount:
    period: str  # year, month or once
    fn: object
    explain: str
    params: tuple
    facts: tuple
    line: int
    code: str = ""  # exact-path source
    formula: str = ""  # as written in the file


@dataclass
class Example:
    name: str
    date: dt.date
    answers: object  # Answers
    expect: dict
    line: int


@dataclass
class Program:
    id: str
    file: str
    name: str
    summary: str
    jurisdiction: str
    category: str
    administered_by: str
    version: str
    changes: list
    effective_from: dt.date
    effective_until: dt.date | None
    benefit_year_starts: tuple  # (month, day)
    confirmed_through: dt.date
    last_checked: dt.date
    paid_through_tax_return: bool
    sources: dict
    parameters: dict  # name -> Parameter, shared ones included
    criteria: list
    eligible_fn: object  # None: every criterion must be met
    eligible_when: str
    amount: Amount | None
    how_to_apply: dict
    documents: list
    contact: dict
    examples: list = field(default_factory=list)
    eligible_code: str = ""  # exact-path source of eligible_when
    question_ids: frozenset = frozenset()  # every question this program reads
    exact: object = None  # the fast function for households with nothing unknown that it reads
    id_line: int = 1
    definitions: dict = field(default_factory=dict)  # name -> expression as written, for those its rules read
    check_errors: list = field(default_factory=list)  # what the checks after loading found (a divisor that can be 0)
    already_question: str = ""  # a yes/no question: yes means the household gets this program now
    _params_cache: dict = field(default_factory=dict, repr=False)

    def in_effect(self, day: dt.date) -> bool:
        if day < self.effective_from:
            return False
        return self.effective_until is None or day <= self.effective_until

    def rules_date(self, day: dt.date) -> dt.date:
        """The date whose values apply: never later than what a source confirms."""
        return min(day, self.confirmed_through)

    def parameter_values(self, day: dt.date) -> dict:
        """Parameter values in force on a date (cached; at most a few dates are used)."""
        cached = self._params_cache.get(day)
        if cached is None:
            cached = {}
            for name, parameter in self.parameters.items():
                entry = parameter.entry_on(day)
                cached[name] = entry.value if entry else None
            if len(self._params_cache) > 64:
                self._params_cache.clear()
            self._params_cache[day] = cached
        return cached

    @property
    def has_office_check(self) -> bool:
        """Some rule only the office can check, so the best result is "may be eligible"."""
        return any(c.checked_by_office for c in self.criteria)

    def benefit_year(self, day: dt.date) -> str:
        """The benefit year holding a date, written like '2025–26' (or '2025')."""
        month, dday = self.benefit_year_starts
        if (month, dday) == (1, 1):
            return str(day.year)
        start = day.year if (day.month, day.day) >= (month, dday) else day.year - 1
        return f"{start}\u2013{(start + 1) % 100:02d}"

    def unconfirmed_values(self) -> list:
        return [
            (name, entry)
            for name, parameter in self.parameters.items()
            for entry in parameter.entries
            if entry.unconfirmed
        ]
