"""Run each program's examples through the real engine and compare with what they expect."""

from __future__ import annotations

from dataclasses import dataclass

from .compile import Env
from .errors import RuleError
from .evaluate import screen_program

CENT = 0.005


@dataclass
class ExampleOutcome:
    program: object
    example: object
    result: object
    mismatches: list  # plain sentences; empty when the example passes

    @property
    def passed(self) -> bool:
        return not self.mismatches


def _money(value) -> str:
    return "none" if value is None else f"{value:,.2f}"


def _money_differs(expected, actual) -> bool:
    if expected is None or actual is None:
        return expected is not actual
    return abs(expected - actual) > CENT


def check_example(program, example) -> ExampleOutcome:
    env = Env(example.answers, example.date)
    result = screen_program(program, example.answers, env, example.date)
    expect = example.expect
    problems = []
    if not program.in_effect(example.date):
        problems.append(f"the program is not in effect on {example.date}")
    if result.status != expect["status"]:
        problems.append(f"status: expected {expect['status']}, got {result.status}")
    for key in ("amount_yearly", "amount_monthly", "amount_once"):
        if key in expect:
            actual = getattr(result, key)
            if _money_differs(expect[key], actual):
                problems.append(f"{key}: expected {_money(expect[key])}, got {_money(actual)}")
    if "amount_range" in expect:
        actual = result.amount_range
        wanted = expect["amount_range"]
        if actual is None or any(_money_differs(w, a) for w, a in zip(wanted, actual)):
            got = " to ".join(_money(a) for a in actual) if actual else "none"
            problems.append(f"amount_range: expected {' to '.join(_money(w) for w in wanted)}, got {got}")
    if "criteria" in expect:
        statuses = result.criteria_statuses()
        for cid, wanted in expect["criteria"].items():
            if statuses.get(cid) != wanted:
                problems.append(f"criterion {cid}: expected {wanted}, got {statuses.get(cid)}")
    if "deciding" in expect and sorted(expect["deciding"]) != sorted(result.deciding):
        problems.append(f"deciding questions: expected {sorted(expect['deciding'])}, got {sorted(result.deciding)}")
    if "figures_from" in expect and expect["figures_from"] != result.figures_from:
        problems.append(f"figures from: expected {expect['figures_from']}, got {result.figures_from}")
    return ExampleOutcome(program, example, result, problems)


def run_examples(ruleset, program_ids=None) -> list[ExampleOutcome]:
    outcomes = []
    for program in ruleset.programs:
        if program_ids and program.id not in program_ids:
            continue
        for example in program.examples:
            outcomes.append(check_example(program, example))
    return outcomes


def example_errors(ruleset, outcomes=None) -> list[RuleError]:
    """One error per failing example, at its line: "example 'name': amount_yearly: expected 3,290.10, got 3,292.78"."""
    outcomes = run_examples(ruleset) if outcomes is None else outcomes
    return [RuleError(o.program.file, o.example.line, f"example '{o.example.name}': {'; '.join(o.mismatches)}",
                      o.program.id)
            for o in outcomes if not o.passed]
