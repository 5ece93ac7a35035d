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


def compare(current, baseline, cases, date: dt.date | None = None, every_program: bool = False,
            arrays: bool = True) -> Impact:
    """Screen ``cases`` with both rulesets (on ``date``, else each case's own date).

    ``every_program`` screens every program twice, not only those whose decisions differ
    (slower; the tests use it to check the shortcut). With numpy and pyarrow the households go
    through the array path a block at a time (``arrays=False``: one by one, the reference)."""
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
    if pairs and same_reading and arrays and _arrays_available():
        weight_total = _compare_as_arrays(current, baseline, cases, date, ids, pairs, impacts, skipped)
    elif pairs:
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
    if before != after:
        _classify(impact, case, before, after)


def _classify(impact: ProgramImpact, case: Case, before: Outcome, after: Outcome) -> None:
    """Count one household whose result for the program differs."""
    weight = case.weight
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


# -- the same on the array path -----------------------------------------------------------------

BLOCK = 65_536


def _arrays_available() -> bool:
    from .batch import arrays_available

    return arrays_available()


def _compare_as_arrays(current, baseline, cases, date, ids, pairs, impacts, skipped) -> float:
    """``compare``'s screening on the array path (both rulesets read answers alike): each block of
    households is read once as columns and screened by both rulesets for the programs that may
    differ; what the arrays leave unsettled, and rows they do not read, go the scalar way. Money is
    added up over the block, and each household whose result differs is counted by ``_classify``.
    Returns the households' total weight."""
    from app.engine.vector import ArrayScreening

    sides = [(ArrayScreening(ruleset, ids), {p.id: k for k, p in enumerate(ruleset.programs)})
             for ruleset in (baseline, current)]
    weight_total = 0.0
    by_day: dict = {}
    for case in cases:
        by_day.setdefault(date or case.date, []).append(case)
    for day, day_cases in by_day.items():
        for start in range(0, len(day_cases), BLOCK):
            chunk = _Chunk(day_cases[start:start + BLOCK], day, current.vocabulary, skipped)
            weight_total += chunk.weight
            screened = [arrays.screen(chunk.households, day) for arrays, _ in sides]
            for impact, pid, pair in zip(impacts, ids, pairs):
                before, after = (chunk.outcomes(program, out, place.get(pid))
                                 for program, out, (_, place) in zip(pair, screened, sides))
                chunk.tally(impact, before, after)
    return weight_total


class _Chunk:
    """A block of households on one date, read once as columns for both rulesets."""

    def __init__(self, cases: list, day: dt.date, vocabulary, skipped: list):
        import numpy as np

        from .batch_arrays import read_block, text_block

        self.cases, self.day, self.vocabulary, self.skipped = cases, day, vocabulary, skipped
        households, self.taken, _ = read_block(text_block([c.raw for c in cases], vocabulary), vocabulary)
        self.rows = np.flatnonzero(self.taken)
        self.parsed: dict = {}
        for i in np.flatnonzero(~self.taken):
            self.answers(int(i))
        self.kept = self.taken | np.array([self.parsed.get(i) is not None for i in range(len(cases))], dtype=bool)
        self.weights = np.where(self.kept, [c.weight for c in cases], 0.0)
        self.weight = float(self.weights.sum())
        self.households = households if len(self.rows) == len(cases) else households.rows(self.rows)

    def answers(self, i: int):
        """The scalar way's reading of one household (None, and skipped, when it cannot be read)."""
        if i not in self.parsed:
            try:
                self.parsed[i] = self.vocabulary.parse_answers(self.cases[i].raw)
            except AnswerError as invalid:
                self.parsed[i] = None
                self.skipped.append((self.cases[i].name, "; ".join(str(p) for p in invalid.problems)))
        return self.parsed[i]

    def outcomes(self, program, out, k):
        """(status words, money a year, one-time money) per household for one program and ruleset."""
        import numpy as np

        from app.engine.vector import CODES

        from .batch_arrays import money

        n = len(self.cases)
        status = np.full(n, NOT_SCREENED, dtype=object)
        yearly, once = np.zeros(n), np.zeros(n)
        if program is None or not program.in_effect(self.day):
            return status, yearly, once
        codes = out.status[k]
        status[self.rows] = [CODES[c] for c in codes.tolist()]
        found = money(program, codes, out.amount[k])
        if found is not None:
            yearly[self.rows], once[self.rows] = found[1], found[2]
        unsettled = ~self.taken
        if out.unsettled[k] is not None:
            unsettled[self.rows[out.unsettled[k]]] = True
        for i in np.flatnonzero(unsettled & self.kept):
            answers = self.answers(int(i))
            found = outcome(program, answers, Env(answers, self.day), self.day)
            status[i], yearly[i], once[i] = found.status, found.yearly, found.once
        return status, yearly, once

    def tally(self, impact: ProgramImpact, before, after) -> None:
        import numpy as np

        (was, yearly_before, once_before), (now, yearly_after, once_after) = before, after
        w = self.weights
        impact.yearly_before += float((yearly_before * w).sum())
        impact.yearly_after += float((yearly_after * w).sum())
        impact.once_before += float((once_before * w).sum())
        impact.once_after += float((once_after * w).sum())
        differs = self.kept & ((was != now) | (yearly_before != yearly_after) | (once_before != once_after))
        for i in np.flatnonzero(differs):
            _classify(impact, self.cases[i], Outcome(was[i], float(yearly_before[i]), float(once_before[i])),
                      Outcome(now[i], float(yearly_after[i]), float(once_after[i])))


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
