"""The reference households in ``rules/households/``: real-looking households written as YAML,
each with the result it gets from every program. They are the engine's regression set, the
first household set of ``flask rules impact``, and together they meet and fail every criterion
of every program (``coverage``).

A file::

    description: A single parent in Calgary with two young children and a low work income.
    date: 2026-11-01
    answers:
      region: calgary
      ...
    expect:                       # written by `flask rules households --write`
      canada_child_benefit: eligible, $7,437.00 a year
      aish: not eligible
      fscd: may be
"""

from __future__ import annotations

import datetime as dt
import itertools
import math
import re
from dataclasses import dataclass
from pathlib import Path

import yaml

from app.engine import ELIGIBLE, INELIGIBLE, MAYBE, RuleError, screen
from app.engine.compile import Env
from app.engine.yamlsource import load_yaml_file

from .household import HouseholdInvalid, read_household
from .impact import Case

FOLDER = "households"
KEYS = ("description", "date", "answers", "expect")
STATUS_WORDS = {ELIGIBLE: "eligible", MAYBE: "may be", INELIGIBLE: "not eligible"}
_EXPECTATION = re.compile(r"^(eligible|may be|not eligible)(?:, (.+))?$")


@dataclass
class ReferenceHousehold:
    path: Path
    name: str  # the file name without .yaml
    data: dict  # description, date, answers as written (plain data)
    answers: object  # the engine's Answers
    date: dt.date
    expect: dict  # program id -> expectation text
    line_of: dict  # program id -> line of its expectation

    @property
    def description(self) -> str:
        return self.data.get("description", "")

    def case(self) -> Case:
        return Case(self.name, self.data["answers"], self.date, 1.0, self.description)


def read_folder(rules_dir: Path, vocabulary) -> tuple[list, list]:
    """(every reference household, problems as RuleErrors naming file and line)."""
    households, problems = [], []
    for path in sorted((Path(rules_dir) / FOLDER).glob("*.yaml")):
        try:
            households.append(read_file(path, vocabulary))
        except RuleError as error:
            problems.append(error)
    return households, problems


def read_file(path: Path, vocabulary) -> ReferenceHousehold:
    document = load_yaml_file(path, str(path))
    if not isinstance(document, dict):
        raise RuleError(str(path), 1, "a household file is a mapping with description, date, answers and expect")
    unknown = sorted(set(document) - set(KEYS))
    if unknown:
        raise RuleError(str(path), document.line_of(unknown[0]),
                        f"unknown key '{unknown[0]}'; allowed: {', '.join(KEYS)}")
    if "date" not in document:
        raise RuleError(str(path), 1, "a reference household needs a date (YYYY-MM-DD)")
    data = {key: _plain(document[key]) for key in ("description", "date", "answers") if key in document}
    try:
        household = read_household(data, vocabulary)
    except HouseholdInvalid as invalid:
        raise RuleError(str(path), document.line_of("answers"), "; ".join(invalid.problems)) from None
    expect = document.get("expect") or {}
    if not isinstance(expect, dict):
        raise RuleError(str(path), document.line_of("expect"), "expect is a mapping of program ids to results")
    for program_id, text in expect.items():
        if not isinstance(text, str) or not _EXPECTATION.match(text):
            raise RuleError(str(path), expect.line_of(program_id),
                            f"{program_id}: write 'eligible', 'eligible, $1,234.00 a year', 'may be' or 'not eligible'")
    return ReferenceHousehold(path, path.stem, data, household.answers, household.date,
                              {k: str(v) for k, v in expect.items()},
                              {k: expect.line_of(k) for k in expect})


def _plain(value):
    """Plain dicts and lists, as a JSON household file would give."""
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    return value


# -- what each household gets --------------------------------------------------------------------


def expectation(result) -> str:
    """A result as an expectation line: status, and the money when it is known."""
    words = STATUS_WORDS[result.status]
    if result.status != ELIGIBLE or not result.pays_money:
        return words
    if result.amount_once is not None:
        return f"{words}, ${result.amount_once:,.2f} once"
    if result.amount_yearly is not None:
        return f"{words}, ${result.amount_yearly:,.2f} a year"
    return f"{words}, amount not known"


def expected_now(ruleset, household: ReferenceHousehold) -> dict:
    """What every program in effect on the household's date gives it today."""
    return {r.program.id: expectation(r) for r in screen(ruleset, household.answers, household.date)}


def mismatches(ruleset, household: ReferenceHousehold) -> list[str]:
    """Each program whose result differs from the file, as ``file:line: program: expected X, got Y``."""
    found = []
    now = expected_now(ruleset, household)
    for program_id in sorted(set(now) | set(household.expect)):
        want, got = household.expect.get(program_id), now.get(program_id)
        if want == got:
            continue
        line = household.line_of.get(program_id, 1)
        found.append(f"{household.path}:{line}: {program_id}: expected {want or 'no line'}, "
                     f"got {got or 'not screened on this date'}")
    return found


def write_expectations(ruleset, household: ReferenceHousehold) -> None:
    """Rewrite the file with today's results under ``expect`` (answers and description kept)."""
    data = dict(household.data)
    data["date"] = household.date
    data["expect"] = expected_now(ruleset, household)
    text = yaml.safe_dump(data, sort_keys=False, allow_unicode=True, width=100, default_flow_style=False)
    household.path.write_text(text, encoding="utf-8")


# -- coverage -----------------------------------------------------------------------------------


def coverage(ruleset, households) -> tuple[list, list]:
    """(gaps, cannot happen): (program, criterion, missing) for each criterion the households never
    meet (missing "met") or never fail ("not met"). Criteria only the office can check are left out:
    no answer settles them. A gap that no answer at all can fill (a criterion reading only choice
    and yes/no questions, tried with every combination of answers) is listed apart, as cannot
    happen: the rule, not the households, is what to look at. Each criterion is worked out on its
    own (screening stops at the first that decides, so a later one would never be seen to fail)."""
    seen: dict = {}
    for household in households:
        for program, criterion, outcome in _every_criterion(ruleset, household.answers, household.date):
            if outcome is not None:
                seen.setdefault((program.id, criterion.id), set()).add(outcome)
    gaps, impossible = [], []
    for program in ruleset.programs:
        for criterion in program.criteria:
            if criterion.checked_by_office:
                continue
            sides = seen.get((program.id, criterion.id), set())
            for value, word in ((True, "met"), (False, "not met")):
                if value in sides:
                    continue
                possible = _sides_by_every_answer(ruleset, program, criterion, households)
                if possible is not None and value not in possible:
                    impossible.append((program, criterion, word))
                else:
                    gaps.append((program, criterion, word))
    return gaps, impossible


def _sides_by_every_answer(ruleset, program, criterion, households) -> set | None:
    """The outcomes a criterion can have, trying every combination of answers to the questions it
    reads; None when it reads a question with too many answers to try (a number, money, a person)."""
    facts = ruleset.vocabulary.facts
    choices = []
    for qid in criterion.facts:
        fact = facts.get(str(qid))
        if fact is None or fact.type not in ("choice", "yesno"):
            return None
        choices.append(fact.choice_values() if fact.type == "choice" else (True, False))
    if not choices or math.prod(len(c) for c in choices) > 256:
        return None
    day = households[0].date if households else dt.date.today()
    found = set()
    for combination in itertools.product(*choices):
        answers = ruleset.vocabulary.parse_answers(dict(zip((str(q) for q in criterion.facts), combination)))
        found |= {outcome for _, c, outcome in _every_criterion(ruleset, answers, day, program) if c is criterion}
    return found


def _every_criterion(ruleset, answers, day: dt.date, only=None):
    """(program, criterion, True/False/None) for every criterion of every program in effect."""
    for program, _rules_date, params in ruleset.on(day):
        if only is not None and program is not only:
            continue
        env = Env(answers, day)
        env.params = params
        for criterion in program.criteria:
            if criterion.checked_by_office:
                continue
            try:
                outcome = criterion.fn(env)
            except Exception:  # noqa: BLE001  a rule that cannot be worked out for these answers settles nothing
                outcome = None
            yield program, criterion, outcome[0] if type(outcome) is tuple else outcome
