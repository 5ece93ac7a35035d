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

from .compile import Env
from .values import Interval

ELIGIBLE = "eligible"
MAYBE = "maybe"
INELIGIBLE = "ineligible"
STATUS_WORDS = {True: "met", False: "not_met", None: "unknown"}


def N_(text: str) -> str:
    """Marks English text for the translation catalogue; the web layer translates it."""
    return text


ZERO_AMOUNT = N_("With the income you gave, the amount works out to $0.")


def round_cents(x: float) -> float:
    """Half-up rounding to the cent, steady against binary fractions."""
    if x in (math.inf, -math.inf):
        return x
    return math.floor(x * 100 + 0.5 + 1e-7) / 100


class ProgramResult:
    __slots__ = ("program", "answers", "date", "rules_date", "status", "outcomes", "amount_lo", "amount_hi",
                 "zero_amount", "deciding")

    def __init__(self, program, answers, date, rules_date, status, outcomes, amount_lo, amount_hi, zero_amount,
                 deciding):
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
            "file": program.file,
        }

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

    def trace(self) -> list[dict]:
        """Per criterion: met / not met / unknown, the numbers used and where they come from."""
        program = self.program
        rows = []
        for criterion, outcome in zip(program.criteria, self.all_outcomes()):
            status = _status(outcome)
            row = {
                "id": criterion.id,
                "status": STATUS_WORDS[status],
                "template": {True: criterion.met, False: criterion.not_met, None: criterion.unknown}[status],
                "unit": criterion.unit,
                "source": _source(criterion.source),
                "parameters": [self._parameter(name) for name in criterion.params],
                "facts": {qid: self._fact_value(qid) for qid in criterion.facts},
            }
            if type(outcome) is tuple:
                _, value, limit = outcome
                row["comparison"] = criterion.compared
                row["value"] = _plain(value)
                row["limit"] = _plain(limit)
                if status is False and type(value) is not Interval and type(limit) is not Interval:
                    row["gap"] = round_cents(abs(value - limit))
            row["explanation"] = explain(row["template"], row)
            rows.append(row)
        if self.zero_amount:
            rows.append({
                "id": "amount",
                "status": "not_met",
                "template": ZERO_AMOUNT,
                "explanation": ZERO_AMOUNT,
                "unit": "money",
                "source": None,
                "parameters": [self._parameter(n) for n in program.amount.params],
                "facts": {qid: self._fact_value(qid) for qid in program.amount.facts},
            })
        return rows

    def amount_trace(self) -> dict | None:
        amount = self.program.amount
        if amount is None:
            return None
        return {
            "period": amount.period,
            "explanation": amount.explain,
            "parameters": [self._parameter(n) for n in amount.params],
            "facts": {qid: self._fact_value(qid) for qid in amount.facts},
        }

    def _parameter(self, name: str) -> dict:
        parameter = self.program.parameters[name]
        entry = parameter.entry_on(self.rules_date)
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

    def _fact_value(self, qid: str):
        answers = self.answers
        if qid in answers.values:
            return _json_value(answers.values[qid])
        if qid in answers.dont_know:
            return "dont_know"
        if "." in qid:
            gid, name = qid.split(".", 1)
            people = answers.groups.get(gid, ((), ()))[0]
            return [_member_value(m, name) for m in people]
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


def format_money(x) -> str:
    if isinstance(x, dict):
        return f"{format_money(x['from'])} to {format_money(x['to'])}"
    if x == int(x):
        return f"${int(x):,}"
    return f"${x:,.2f}"


def format_value(x, unit: str) -> str:
    """A number written in English for its unit: $7,997, 7%, 3; a range as "a to b"."""
    if isinstance(x, dict):
        return f"{format_value(x['from'], unit)} to {format_value(x['to'], unit)}"
    if unit == "money":
        return format_money(x)
    if unit == "rate":
        return f"{x * 100:g}%"
    return f"{x:g}"


def describe_parameter_value(parameter: dict, fmt=format_value) -> str:
    """A parameter's value from a trace, a table shown row by row ("1: 7%, 2: 13.5%")."""
    value, unit = parameter["value"], parameter["unit"]
    if isinstance(value, dict):
        return ", ".join(f"{key}: {fmt(row, unit)}" for key, row in value.items())
    return fmt(value, unit)


def explain(template: str, row: dict, fmt=format_value) -> str:
    """Fill {value}, {limit} and {gap} into an explanation, written the reader's way."""
    unit = row.get("unit") or "number"
    fills = {key: fmt(row[key], unit) for key in ("value", "limit", "gap") if row.get(key) is not None}
    try:
        return template.format(**fills)
    except (KeyError, IndexError, ValueError):
        return template


def _matters(program, outcomes, index: int, env) -> bool:
    """Would settling this one unknown criterion, either way, change eligibility?"""
    statuses = [_status(o) for o in outcomes]
    results = set()
    for value in (True, False):
        statuses[index] = value
        env.criteria = statuses
        results.add(program.eligible_fn(env))
        statuses = list(statuses)
    return len(results) > 1


def _eligibility(program, outcomes, env):
    if program.eligible_fn is not None:
        env.criteria = [_status(o) for o in outcomes]
        return program.eligible_fn(env)
    result = True
    for outcome in outcomes:
        status = outcome[0] if type(outcome) is tuple else outcome
        if status is False:
            return False
        if status is None:
            result = None
    return result


def screen_program(program, answers, env: Env, date: dt.date, fast: bool = True, rules_date=None,
                   params=None) -> ProgramResult:
    if rules_date is None:
        rules_date = program.rules_date(date)
        params = program.parameter_values(rules_date)
    undecided = []
    if fast and program.exact is not None and program.question_ids.isdisjoint(answers.unknown_questions):
        # Nothing this program reads is unknown: plain Python, no ranges needed.
        outcomes, eligible, value = program.exact(answers.facts, answers.member_values, params, env.exact_shared,
                                                  date)
        amount_lo = amount_hi = value
    else:
        outcomes, eligible, amount_lo, amount_hi = _screen_general(program, env, params, undecided)
    zero_amount = False
    if amount_lo is not None:
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


def _screen_general(program, env: Env, params: dict, undecided: list):
    """Three-valued evaluation with ranges; notes the questions that could decide it."""
    env.params = params
    env.defs = {}
    touched = env.touched
    touched.clear()
    outcomes = []
    open_questions = {}  # criterion index -> questions read while it stayed unknown
    stop_at_no = program.eligible_fn is None  # every criterion must be met: one "no" decides
    for index, criterion in enumerate(program.criteria):
        start = len(touched)
        outcome = criterion.fn(env)
        outcomes.append(outcome)
        status = outcome[0] if type(outcome) is tuple else outcome
        if status is None:
            open_questions[index] = touched[start:]
        elif status is False and stop_at_no:
            break  # the other criteria are worked out only if someone reads the trace
    eligible = _eligibility(program, outcomes, env)
    if eligible is None:
        # Only criteria whose answer could change eligibility are worth asking about.
        for index, questions in open_questions.items():
            if stop_at_no or _matters(program, outcomes, index, env):
                undecided.extend(questions)
    if program.amount is None or eligible is False:
        return outcomes, eligible, None, None
    start = len(touched)
    value = program.amount.fn(env)
    if type(value) is Interval:
        if value.lo != value.hi and max(value.hi, 0.0) > 0:
            undecided.extend(touched[start:])
        return outcomes, eligible, value.lo, value.hi
    return outcomes, eligible, value, value


def screen(ruleset, answers, date: dt.date | None = None, fast: bool = True) -> list[ProgramResult]:
    """Results for every program in effect on the date (default: today).

    ``fast=False`` uses the general three-valued path everywhere (for tests)."""
    date = date or dt.date.today()
    env = Env(answers, date)
    return [screen_program(p, answers, env, date, fast, rules_date, params)
            for p, rules_date, params in ruleset.on(date)]
