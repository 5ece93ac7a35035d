"""Screen a household through every program, with an explanation for each result.

Evaluation is three-valued: a fact that is not known is never taken as zero.
A result is ``eligible`` or ``ineligible`` only when every possible answer to
the unknown facts would give the same result; otherwise it is ``maybe``, and
``deciding`` lists the questions whose answers could settle it.

The numbers each criterion compared are kept as they are computed; the
readable trace is only built when someone asks for it.
"""

from __future__ import annotations

import datetime as dt
import math
from typing import NamedTuple

from .compile import Env
from .exact import FAILURES
from .values import Interval

ELIGIBLE = "eligible"
MAYBE = "maybe"
INELIGIBLE = "ineligible"
STATUS_WORDS = {True: "met", False: "not_met", None: "unknown"}
ZERO_AMOUNT = "amount"  # the criterion named by the reason that the amount works out to $0


class Reason(NamedTuple):
    """Why a criterion came out as it did, in numbers: never in words (the services write those)."""

    criterion: str  # the criterion's id, or ZERO_AMOUNT
    status: str  # met, not_met or unknown
    unit: str  # money, number, rate, or "" when nothing was compared
    value: object = None  # the household's value: a number, or {"from": lo, "to": hi} while unknown
    limit: object = None
    gap: float | None = None  # how far off, when not met and both sides are known
    comparison: str | None = None  # the operator, when the criterion is one comparison


def round_cents(x: float) -> float:
    """Half-up rounding to the cent, steady against binary fractions."""
    if x in (math.inf, -math.inf):
        return x
    return math.floor(x * 100 + 0.5 + 1e-7) / 100


class ProgramResult:
    __slots__ = ("program", "answers", "date", "rules_date", "status", "outcomes", "amount_lo", "amount_hi",
                 "zero_amount", "deciding", "error")

    def __init__(self, program, answers, date, rules_date, status, outcomes, amount_lo, amount_hi, zero_amount,
                 deciding, error=None):
        self.program = program
        self.answers = answers
        self.date = date
        self.rules_date = rules_date
        self.status = status
        self.outcomes = outcomes  # per criterion: True/False/None or (that, value, limit)
        self.amount_lo = amount_lo  # in the amount's own period, before rounding
        self.amount_hi = amount_hi
        self.zero_amount = zero_amount
        self.deciding = deciding  # question ids that could still change this result
        self.error = error  # why the rules could not be worked out for this household (then "maybe"), or None

    # -- amounts -----------------------------------------------------------------

    @property
    def pays_money(self) -> bool:
        return self.program.amount is not None

    @property
    def period(self) -> str | None:
        return self.program.amount.period if self.program.amount else None

    def _yearly(self, x: float) -> float:
        # A monthly benefit is paid in cents each month: a year is twelve of those payments.
        return round_cents(x) * 12 if self.period == "month" else x

    @property
    def amount_exact(self) -> bool:
        return self.amount_lo is not None and self.amount_lo == self.amount_hi

    @property
    def amount_yearly(self) -> float | None:
        """The yearly amount when it is known; 0 when not eligible; None otherwise."""
        if not self.pays_money or self.period == "once":
            return None
        if self.status == INELIGIBLE:
            return 0.0
        if self.status == ELIGIBLE and self.amount_exact:
            return round_cents(self._yearly(self.amount_lo))
        return None

    @property
    def amount_monthly(self) -> float | None:
        yearly = self.amount_yearly
        if yearly is None:
            return None
        if self.period == "month" and self.status == ELIGIBLE:
            return round_cents(self.amount_lo)
        return round_cents(yearly / 12)

    @property
    def amount_once(self) -> float | None:
        if self.period != "once":
            return None
        if self.status == INELIGIBLE:
            return 0.0
        if self.status == ELIGIBLE and self.amount_exact:
            return round_cents(self.amount_lo)
        return None

    @property
    def amount_range(self) -> tuple[float, float] | None:
        """(lowest, highest) yearly (or one-time) amount while unknown facts affect it."""
        if not self.pays_money or self.status == INELIGIBLE or self.amount_lo is None:
            return None
        if self.status == ELIGIBLE and self.amount_exact:
            return None
        lo = 0.0 if self.status == MAYBE else self.amount_lo
        hi = self.amount_hi
        if self.period != "once":
            lo, hi = self._yearly(lo), self._yearly(hi)
        return (round_cents(lo), round_cents(hi))

    # -- freshness and provenance ----------------------------------------------------

    @property
    def figures_stale(self) -> bool:
        """True when the date is past what the official sources confirm."""
        return self.date > self.program.confirmed_through

    @property
    def figures_from(self) -> str:
        """The benefit year whose figures were used, like '2025–26'."""
        return self.program.benefit_year(self.rules_date)

    def provenance(self) -> dict:
        program = self.program
        return {
            "program": program.id,
            "rule_version": program.version,
            "as_of": self.date.isoformat(),
            "rules_date": self.rules_date.isoformat(),
            "confirmed_through": program.confirmed_through.isoformat(),
            "figures_from": self.figures_from,
            "figures_stale": self.figures_stale,
            "unconfirmed": self.unconfirmed_figures(),
            "file": program.file,
        }

    def unconfirmed_figures(self) -> list[str]:
        """The parameters behind this result's amount whose value in force is not yet confirmed by an
        official source (marked ``unconfirmed`` in the rule file). Empty when there is no amount."""
        amount = self.program.amount
        if amount is None or self.status == INELIGIBLE:
            return []
        found = []
        for name in amount.params:
            entry = self.program.parameters[name].entry_on(self.rules_date)
            if entry is not None and entry.unconfirmed:
                found.append(name)
        return found

    # -- the trace -----------------------------------------------------------------------

    def all_outcomes(self) -> list:
        """Every criterion's outcome, working out any that screening skipped."""
        criteria = self.program.criteria
        if len(self.outcomes) < len(criteria):
            env = Env(self.answers, self.date)
            env.params = self.program.parameter_values(self.rules_date)
            self.outcomes = self.outcomes + [c.fn(env) for c in criteria[len(self.outcomes):]]
        return self.outcomes

    def criteria_statuses(self) -> dict:
        return {c.id: STATUS_WORDS[_status(o)] for c, o in zip(self.program.criteria, self.all_outcomes())}

    def reasons(self, up_to_not_met: bool = False) -> list[Reason]:
        """Per criterion: met / not met / unknown, with the numbers compared; no sources (see ``trace``).

        ``up_to_not_met``: only as far as the first criterion not met (the one line of why not).
        Screening works the criteria out in order and may stop there, so the rest is not worked out."""
        reasons = []
        outcomes = self.outcomes if up_to_not_met else self.all_outcomes()
        for criterion, outcome in zip(self.program.criteria, outcomes):
            if type(outcome) is tuple:
                status, value, limit = outcome
                gap = None
                if status is False and type(value) is not Interval and type(limit) is not Interval:
                    gap = round_cents(abs(value - limit))
                reasons.append(Reason(criterion.id, STATUS_WORDS[status], criterion.unit, _plain(value),
                                      _plain(limit), gap, criterion.compared))
            else:
                reasons.append(Reason(criterion.id, STATUS_WORDS[outcome], criterion.unit))
            if up_to_not_met and reasons[-1].status == "not_met":
                return reasons
        if up_to_not_met and len(outcomes) < len(self.program.criteria):  # none of those worked out failed
            every = self.reasons()
            first = next((i for i, r in enumerate(every) if r.status == "not_met"), len(every) - 1)
            return every[: first + 1]
        if self.zero_amount:
            reasons.append(Reason(ZERO_AMOUNT, "not_met", "money"))
        return reasons

    def trace(self) -> list[dict]:
        """Every reason with where it comes from: the criterion's source, the parameters in force
        (value, dates, source) and the facts read."""
        program = self.program
        criteria = {c.id: c for c in program.criteria}
        rows = []
        for reason in self.reasons():
            criterion = criteria.get(reason.criterion)
            row = {"id": reason.criterion, "status": reason.status, "unit": reason.unit}
            if criterion is not None:
                row["source"] = _source(criterion.source)
                row["parameters"] = [self._parameter(name) for name in criterion.params]
                row["facts"] = {qid: self._fact_value(qid) for qid in criterion.facts}
            else:  # the amount works out to $0
                row["source"] = None
                row["parameters"] = [self._parameter(n) for n in program.amount.params]
                row["facts"] = {qid: self._fact_value(qid) for qid in program.amount.facts}
            if reason.comparison is not None:
                row["comparison"] = reason.comparison
                row["value"] = reason.value
                row["limit"] = reason.limit
                if reason.gap is not None:
                    row["gap"] = reason.gap
            rows.append(row)
        return rows

    def amount_trace(self) -> dict | None:
        amount = self.program.amount
        if amount is None:
            return None
        return {
            "period": amount.period,
            "parameters": [self._parameter(n) for n in amount.params],
            "facts": {qid: self._fact_value(qid) for qid in amount.facts},
        }

    def _parameter(self, name: str) -> dict:
        return parameter_trace(self.program, name, self.rules_date)

    def _fact_value(self, qid: str):
        answers = self.answers
        if qid in answers.values:
            return _json_value(answers.values[qid])
        if qid in answers.dont_know:
            return "dont_know"
        typed = answers.vocabulary.qid(qid)
        if typed is not None and typed.is_member_fact:
            return [_member_value(m, typed.fact) for m in answers.groups[typed.group][0]]
        if qid in answers.members:
            return len(answers.members[qid])
        return "unknown"

    def to_dict(self) -> dict:
        return {
            "id": self.program.id,
            "name": self.program.name,
            "status": self.status,
            "amount_yearly": self.amount_yearly,
            "amount_monthly": self.amount_monthly,
            "amount_once": self.amount_once,
            "amount_range": list(self.amount_range) if self.amount_range else None,
            "paid_through_tax_return": self.program.paid_through_tax_return,
            "deciding": list(self.deciding),
            "trace": self.trace(),
            "amount": self.amount_trace(),
            "provenance": self.provenance(),
        }


def _member_value(member, name: str):
    if name in member.dont_know:
        return "dont_know"
    if name in member.unknown:
        return "unknown"
    return _json_value(member.values[name])


def _status(outcome):
    return outcome[0] if type(outcome) is tuple else outcome


def _plain(value):
    if type(value) is Interval:
        return {"from": value.lo, "to": value.hi}
    return value


def _json_value(value):
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


def _source(source) -> dict | None:
    if source is None:
        return None
    return {"id": source.id, "title": source.title, "url": source.url, "checked": source.checked.isoformat()}


def _matters(program, outcomes, index: int, env, fast: bool = True) -> bool:
    """Would settling this one unknown criterion, either way, change eligibility?"""
    statuses = [o[0] if type(o) is tuple else o for o in outcomes]
    kleene = program.exact.kleene if fast and program.exact is not None else None
    if kleene is not None:
        statuses[index] = True
        met = kleene(statuses)
        statuses[index] = False
        return kleene(statuses) != met
    results = set()
    for value in (True, False):
        statuses[index] = value
        env.criteria = statuses
        results.add(program.eligible_fn(env))
        statuses = list(statuses)
    return len(results) > 1


def _eligibility(program, outcomes, env, fast: bool = True):
    if program.eligible_fn is not None:
        statuses = [o[0] if type(o) is tuple else o for o in outcomes]
        kleene = program.exact.kleene if fast and program.exact is not None else None
        if kleene is not None:  # eligible_when over the criteria alone, as generated code
            return kleene(statuses)
        env.criteria = statuses
        return program.eligible_fn(env)
    result = True
    for outcome in outcomes:
        status = outcome[0] if type(outcome) is tuple else outcome
        if status is False:
            return False
        if status is None:
            result = None
    return result


_FAILURES = FAILURES  # what a program's own functions may raise for some household: screening goes on
_INF = math.inf
NOT_FINITE = "amount is not a finite number"


def screen_program(program, answers, env: Env, date: dt.date, fast: bool = True, rules_date=None,
                   params=None) -> ProgramResult:
    if rules_date is None:
        rules_date = program.rules_date(date)
        params = program.parameter_values(rules_date)
    return _screen_all(((program, rules_date, params),), answers, env, date, fast)[0]


def _screen_all(plan, answers, env: Env, date: dt.date, fast: bool) -> list[ProgramResult]:
    """Each program on the fast path when it can settle it, else on the general path."""
    results = []
    append = results.append
    facts, members, shared, unknown = answers.facts, answers.member_values, env.exact_shared, answers.unknown_questions
    for program, rules_date, params in plan:
        run = program.exact
        if run is None or not fast:
            append(_screen_slow(program, answers, env, date, rules_date, params, fast))
            continue
        try:
            settled = run(facts, members, params, shared, date, unknown)
        except _FAILURES as exc:
            append(_failed(program, answers, env, date, rules_date, params, _describe(exc)))
            continue
        if settled is None:  # it reads a question that is not answered
            append(_screen_slow(program, answers, env, date, rules_date, params, True))
            continue
        outcomes, eligible, value = settled
        zero_amount = False
        if value is not None:
            if not -_INF < value < _INF:
                append(_failed(program, answers, env, date, rules_date, params, NOT_FINITE))
                continue
            if value < 0:
                value = 0.0
            if eligible is not False and value < 0.005:  # less than half a cent is nothing to pay
                zero_amount = True
                eligible = False
        status = ELIGIBLE if eligible else (INELIGIBLE if eligible is False else MAYBE)
        append(ProgramResult(program, answers, date, rules_date, status, outcomes, value, value, zero_amount, ()))
    return results


def _screen_slow(program, answers, env: Env, date: dt.date, rules_date, params, fast: bool,
                 settled=None) -> ProgramResult:
    """The general three-valued path, for a program that reads an unanswered question."""
    undecided = []
    try:
        outcomes, eligible, amount_lo, amount_hi = _screen_general(program, env, params, undecided, fast, settled)
    except _FAILURES as exc:
        return _failed(program, answers, env, date, rules_date, params, _describe(exc))
    zero_amount = False
    if amount_lo is not None:
        if not -_INF < amount_lo <= amount_hi < _INF:
            return _failed(program, answers, env, date, rules_date, params, NOT_FINITE)
        amount_lo, amount_hi = max(amount_lo, 0.0), max(amount_hi, 0.0)
        if eligible is not False:
            if amount_hi < 0.005:  # less than half a cent is nothing to pay (binary fractions leave crumbs)
                zero_amount = True
                eligible = False
            elif eligible is True and amount_lo <= 0:
                eligible = None
    if eligible is True:
        status = ELIGIBLE
    elif eligible is False:
        status = INELIGIBLE
    else:
        status = MAYBE
    deciding = tuple(dict.fromkeys(undecided)) if (undecided and status != INELIGIBLE) else ()
    return ProgramResult(program, answers, date, rules_date, status, outcomes, amount_lo, amount_hi, zero_amount,
                         deciding)


def _describe(exc: Exception) -> str:
    message = str(exc)
    return f"{type(exc).__name__}: {message}" if message else type(exc).__name__


def _failed(program, answers, env: Env, date: dt.date, rules_date, params, error: str) -> ProgramResult:
    """A program whose rules cannot be worked out for this household: "maybe", with no amount and
    nothing to ask. Each criterion that can still be worked out on its own is kept for the trace."""
    env.params = params
    env.defs = {}
    env.touched.clear()
    outcomes = []
    for criterion in program.criteria:
        saved = env.member
        try:
            outcomes.append(criterion.fn(env))
        except _FAILURES:
            outcomes.append(None)
        finally:
            env.member = saved
    env.touched.clear()
    return ProgramResult(program, answers, date, rules_date, MAYBE, outcomes, None, None, False, (), error)


def _screen_general(program, env: Env, params: dict, undecided: list, fast: bool = True, settled=None):
    """Three-valued evaluation with ranges; notes the questions that could decide it.

    With ``fast``, a criterion (or the amount) whose every question is answered is worked out
    by its exact-path function: the same value, without ranges or noting what was read.
    ``settled``: (every criterion's outcome, criterion index -> questions read while it stayed
    unknown), already worked out this way with ``env`` (see ``exact._mixed_body``)."""
    touched = env.touched
    if settled is None:
        env.params = params
        env.defs = {}
        touched.clear()
        outcomes = []
        open_questions = {}  # criterion index -> questions read while it stayed unknown
    else:
        outcomes, open_questions = settled
    stop_at_no = program.eligible_fn is None  # every criterion must be met: one "no" decides
    run = program.exact if fast else None
    if run is not None:
        answers = env.answers
        facts, members, shared, unknown = (answers.facts, answers.member_values, env.exact_shared,
                                           answers.unknown_questions)
        parts = run.criteria
    for index, criterion in enumerate(() if settled else program.criteria):
        if run is not None:
            exact, questions = parts[index]
            if exact is not None and questions.isdisjoint(unknown):
                outcome = exact(facts, members, params, shared, env.date)
                outcomes.append(outcome)
                if stop_at_no and not (outcome[0] if type(outcome) is tuple else outcome):
                    break
                continue
        start = len(touched)
        outcome = criterion.fn(env)
        outcomes.append(outcome)
        status = outcome[0] if type(outcome) is tuple else outcome
        if status is None:
            open_questions[index] = touched[start:]
        elif status is False and stop_at_no:
            break  # the other criteria are worked out only if someone reads the trace
    eligible = _eligibility(program, outcomes, env, fast)
    if eligible is None:
        # Only criteria whose answer could change eligibility are worth asking about.
        for index, questions in open_questions.items():
            if stop_at_no or _matters(program, outcomes, index, env, fast):
                undecided.extend(questions)
    if program.amount is None or eligible is False:
        return outcomes, eligible, None, None
    if run is not None:
        exact, questions = run.amount
        if questions.isdisjoint(unknown):
            value = exact(facts, members, params, shared, env.date)
            return outcomes, eligible, value, value
    start = len(touched)
    value = program.amount.fn(env)
    if type(value) is Interval:
        if value.lo != value.hi and max(value.hi, 0.0) > 0:
            undecided.extend(touched[start:])
        return outcomes, eligible, value.lo, value.hi
    return outcomes, eligible, value, value


def screen(ruleset, answers, date: dt.date | None = None, fast: bool = True) -> list[ProgramResult]:
    """Results for every program in effect on the date (default: today). Never raises for
    answers the vocabulary accepted: a program whose rules cannot be worked out for them gives
    a "maybe" result that says why in ``error``.

    ``fast=False`` uses the general three-valued path everywhere (for tests)."""
    date = date or dt.date.today()
    env = Env(answers, date)
    if fast:  # one generated function, handing to the general path what it cannot settle
        screen_all, args = ruleset.whole_screening(date)
        results = []

        def failed(program, rules_date, params, exc):
            return _failed(program, answers, env, date, rules_date, params,
                           NOT_FINITE if exc is None else _describe(exc))

        def slow(program, rules_date, params):
            return _screen_slow(program, answers, env, date, rules_date, params, True)

        open_questions = {}

        def criterion(program, params, index):  # one criterion on the general path (see exact._mixed_body)
            touched = env.touched
            if env.params is not params:  # the first for this program
                env.params = params
                env.defs = {}
                touched.clear()
                open_questions.clear()
            start = len(touched)
            outcome = program.criteria[index].fn(env)
            if (outcome[0] if type(outcome) is tuple else outcome) is None:
                open_questions[index] = touched[start:]
            return outcome

        def finish(program, rules_date, params, outcomes):  # the general path, from these criteria on
            if env.params is not params:  # no criterion of this program needed the general path
                env.params = params
                env.defs = {}
                env.touched.clear()
                open_questions.clear()
            return _screen_slow(program, answers, env, date, rules_date, params, True,
                                (outcomes, dict(open_questions)))
        screen_all(answers.facts, answers.member_values, date, answers.unknown_questions, answers, args, results.append,
                   ProgramResult, failed, slow, criterion, finish)
        return results
    return _screen_all(ruleset.on(date), answers, env, date, fast)


def screen_only(ruleset, answers, date: dt.date, program_ids) -> list[ProgramResult]:
    """``screen`` for some programs only: those of ``program_ids`` in effect on the date, in the
    ruleset's order (the array path's unsettled results, see ``vector.py``)."""
    plan = [entry for entry in ruleset.on(date) if entry[0].id in program_ids]
    return _screen_all(plan, answers, Env(answers, date), date, True)


def parameter_trace(program, name: str, day: dt.date) -> dict:
    """One parameter of a program as in force on a day: label, unit, value, dates and source."""
    parameter = program.parameters[name]
    entry = parameter.entry_on(day)
    return {
        "name": name,
        "label": parameter.label,
        "unit": parameter.unit,
        "value": entry.display() if entry else None,
        "from": entry.start.isoformat() if entry else None,
        "until": entry.end.isoformat() if entry and entry.end else None,
        "unconfirmed": bool(entry and entry.unconfirmed),
        "source": _source(entry.source) if entry else None,
    }
