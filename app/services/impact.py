"""What a change to the rules does to households: who gains or loses a program, and how much
money moves. Used by ``flask rules impact``; nothing here knows about Flask.

Two rulesets (the current rules and a baseline) screen the same households. Only programs whose
decisions could differ are screened twice: a program whose criteria, amount, parameter values,
definitions and dates are the same in both gives the same result for every household, so it
cannot change anything (``tests/services/test_impact.py`` checks this shortcut against screening
everything).
"""

from __future__ import annotations

import datetime as dt
import io
import subprocess
import tarfile
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

from app.engine import ELIGIBLE, INELIGIBLE, MAYBE, AnswerError
from app.engine.compile import Env
from app.engine.evaluate import screen_program

EXAMPLES_PER_PROGRAM = 3
NOT_SCREENED = "not screened"  # the program is not in effect (or not in that version of the rules)


@dataclass
class Case:
    """One household to screen: its answers as plain data, how much it counts, and a name."""

    name: str
    raw: dict
    date: dt.date
    weight: float = 1.0
    description: str = ""


@dataclass
class Outcome:
    status: str  # eligible, maybe, ineligible or NOT_SCREENED
    yearly: float  # money a year (0 when unknown or none)
    once: float  # one-time money (0 when unknown or none)


@dataclass
class Change:
    """One household whose result for one program differs."""

    case: Case
    before: Outcome
    after: Outcome


@dataclass
class ProgramImpact:
    program_id: str
    name: str
    gained: float = 0.0  # households (weighted) now eligible that were not
    lost: float = 0.0  # households eligible before and not now
    now_maybe: float = 0.0  # not eligible before, "may be" now
    no_longer_maybe: float = 0.0  # "may be" before, not eligible now
    paid_more: float = 0.0  # eligible both times, with more money now
    paid_less: float = 0.0
    yearly_before: float = 0.0  # weighted money a year, over every household
    yearly_after: float = 0.0
    once_before: float = 0.0
    once_after: float = 0.0
    changed: int = 0  # households (unweighted) with any difference
    examples: list = field(default_factory=list)

    @property
    def yearly_change(self) -> float:
        return self.yearly_after - self.yearly_before

    @property
    def once_change(self) -> float:
        return self.once_after - self.once_before


@dataclass
class Impact:
    households: int
    weight: float  # households they stand for (their weights added up)
    date: dt.date | None  # one date for every household, or None when each has its own
    programs: list  # ProgramImpact for each program that could differ, most money moved first
    unchanged: int  # programs whose decisions are the same in both rulesets
    skipped: list  # (case name, why) for households one ruleset cannot read
    seconds: float

    @property
    def changed(self) -> list:
        return [p for p in self.programs if p.changed]

    @property
    def any_change(self) -> bool:
        return any(p.changed for p in self.programs)


# -- which programs can differ -----------------------------------------------------------------


def decision_key(program) -> tuple:
    """Everything a program's status and amount are worked out from, and nothing of its wording:
    two programs with the same key give the same result for every household on every date. The rules
    as written (with the definitions they use), not the generated code, whose names differ per load."""
    amount = program.amount
    parameters = tuple(sorted(
        (name, tuple((e.start, e.end, repr(e.value)) for e in parameter.entries))
        for name, parameter in program.parameters.items()
    ))
    return (
        program.effective_from, program.effective_until, program.confirmed_through,
        program.benefit_year_starts,
        tuple((c.id, c.checked_by_office, c.condition) for c in program.criteria),
        program.eligible_when,
        (amount.period, amount.formula) if amount else None,
        parameters,
        tuple(sorted(program.definitions.items())),
    )


def vocabulary_shape(vocabulary) -> tuple:
    """What decides how answers are read (types, choices, limits), not how questions are worded."""
    def fact_shape(fact):
        return (fact.id, fact.type, fact.minimum, fact.maximum, fact.integer, fact.choice_values(), fact.dont_know)

    facts = tuple(sorted(fact_shape(f) for f in vocabulary.facts.values()))
    groups = tuple(sorted(
        (g.id, g.kind, g.present_when, g.maximum, g.members_of, g.dont_know,
         tuple(sorted(fact_shape(f) for f in g.facts.values())))
        for g in vocabulary.groups.values()
    ))
    return facts, groups


def programs_to_compare(current, baseline) -> tuple[list, int]:
    """(ids of programs whose results may differ, in the current rules' order then the baseline's
    removed ones; how many programs are the same in both)."""
    before = {p.id: p for p in baseline.programs}
    after = {p.id: p for p in current.programs}
    ids = [p.id for p in current.programs]
    ids += [pid for pid in before if pid not in after]
    differ = [pid for pid in ids
              if pid not in before or pid not in after or decision_key(before[pid]) != decision_key(after[pid])]
    return differ, len(ids) - len(differ)


# -- screening ---------------------------------------------------------------------------------


def outcome(program, answers, env, date) -> Outcome:
    if program is None or not program.in_effect(date):
        return Outcome(NOT_SCREENED, 0.0, 0.0)
    result = screen_program(program, answers, env, date)
    return Outcome(result.status, result.amount_yearly or 0.0, result.amount_once or 0.0)


def compare(current, baseline, cases, date: dt.date | None = None, every_program: bool = False) -> Impact:
    """Screen ``cases`` with both rulesets (on ``date``, else each case's own date).

    ``every_program`` screens every program twice, not only those whose decisions differ
    (slower; the tests use it to check the shortcut)."""
    started = time.perf_counter()
    if every_program:
        ids = list(dict.fromkeys([p.id for p in current.programs] + [p.id for p in baseline.programs]))
        unchanged = 0
    else:
        ids, unchanged = programs_to_compare(current, baseline)
    before_programs = {p.id: p for p in baseline.programs}
    after_programs = {p.id: p for p in current.programs}
    pairs = [(before_programs.get(pid), after_programs.get(pid)) for pid in ids]
    impacts = [ProgramImpact(pid, (after or before).name) for pid, (before, after) in zip(ids, pairs)]
    same_reading = vocabulary_shape(current.vocabulary) == vocabulary_shape(baseline.vocabulary)
    skipped = []
    weight_total = 0.0
    if pairs:
        for case in cases:
            day = date or case.date
            try:
                answers_after = current.vocabulary.parse_answers(case.raw)
                answers_before = answers_after if same_reading else baseline.vocabulary.parse_answers(case.raw)
            except AnswerError as invalid:
                skipped.append((case.name, "; ".join(str(p) for p in invalid.problems)))
                continue
            weight_total += case.weight
            env_after = Env(answers_after, day)
            env_before = env_after if answers_before is answers_after else Env(answers_before, day)
            for impact, (before_program, after_program) in zip(impacts, pairs):
                before = outcome(before_program, answers_before, env_before, day)
                after = outcome(after_program, answers_after, env_after, day)
                _tally(impact, case, before, after)
    else:
        weight_total = sum(case.weight for case in cases)
    impacts.sort(key=lambda p: (-abs(p.yearly_change) - abs(p.once_change), -p.changed, p.program_id))
    single_date = date or _only_date(cases)
    return Impact(len(cases) - len(skipped), weight_total, single_date, impacts, unchanged, skipped,
                  time.perf_counter() - started)


def _tally(impact: ProgramImpact, case: Case, before: Outcome, after: Outcome) -> None:
    weight = case.weight
    impact.yearly_before += before.yearly * weight
    impact.yearly_after += after.yearly * weight
    impact.once_before += before.once * weight
    impact.once_after += after.once * weight
    if before == after:
        return
    was, now = before.status, after.status
    if now == ELIGIBLE and was != ELIGIBLE:
        impact.gained += weight
    elif was == ELIGIBLE and now != ELIGIBLE:
        impact.lost += weight
    elif was == ELIGIBLE:  # eligible both times: the money differs
        if after.yearly + after.once > before.yearly + before.once:
            impact.paid_more += weight
        elif after.yearly + after.once < before.yearly + before.once:
            impact.paid_less += weight
    elif now == MAYBE:
        impact.now_maybe += weight
    elif was == MAYBE and now in (INELIGIBLE, NOT_SCREENED):
        impact.no_longer_maybe += weight
    impact.changed += 1
    if len(impact.examples) < EXAMPLES_PER_PROGRAM:
        impact.examples.append(Change(case, before, after))


def _only_date(cases) -> dt.date | None:
    dates = {case.date for case in cases}
    return dates.pop() if len(dates) == 1 else None


# -- the baseline ------------------------------------------------------------------------------


class BaselineUnavailable(Exception):
    """The baseline rules cannot be had (not a git repository, an unknown ref)."""


def rules_at_ref(ref: str, rules_dir: Path, into: Path) -> Path:
    """Write the rules folder as it was at git ``ref`` under ``into``; return its path there."""
    rules_dir = rules_dir.resolve()
    try:
        top = subprocess.run(["git", "-C", str(rules_dir), "rev-parse", "--show-toplevel"],
                             check=True, capture_output=True, text=True).stdout.strip()
    except (OSError, subprocess.CalledProcessError) as exc:
        raise BaselineUnavailable(f"{rules_dir} is not in a git repository, so there is no {ref} to compare with; "
                                  "use --baseline DIR instead") from exc
    inside = rules_dir.relative_to(Path(top).resolve()).as_posix()
    archive = subprocess.run(["git", "-C", top, "archive", "--format=tar", ref, "--", inside],
                             capture_output=True)
    if archive.returncode != 0:
        said = archive.stderr.decode("utf-8", "replace").strip().splitlines()
        raise BaselineUnavailable(f"git cannot give the rules at {ref!r}: {said[-1] if said else 'unknown error'}")
    with tarfile.open(fileobj=io.BytesIO(archive.stdout)) as tar:
        tar.extractall(into, filter="data")
    return into / inside


def temporary_folder() -> tempfile.TemporaryDirectory:
    return tempfile.TemporaryDirectory(prefix="benefits-baseline-")
