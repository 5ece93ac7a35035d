"""Engine speed: start-up (load + validate + compile) and screening time per household.

Run with `make bench` (or `python benchmarks/engine.py --households 2000 --no-cold` for a
quicker look). Prints figures; asserts nothing. The headline is the time to screen one
household through every program in effect (`screen()`), and to check its answers and
screen it, for fully answered households and for households with questions left
unanswered or answered "I don't know", with the share of program screenings settled by
the generated fast path. With policyengine-canada installed (`pip install .[bench]`) it
also times the same households there.
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from app.engine import DONT_KNOW, evaluate, load_ruleset, screen  # noqa: E402
from app.paths import RULES_DIR  # noqa: E402

HOUSEHOLDS = 10_000
TRACED = 1_000  # households whose readable traces are also timed
DATE = dt.date(2026, 11, 25)


def make_household(rng: random.Random, vocabulary, complete: bool = False) -> dict:
    """A varied household. Complete ones answer every question, for every person (as a
    household that went through the whole questionnaire); the others leave some questions
    unanswered or "I don't know"."""
    def maybe(value, fact_allows_dont_know=True):
        if complete:
            return value
        roll = rng.random()
        if roll < 0.08:
            return None
        if roll < 0.12 and fact_allows_dont_know:
            return DONT_KNOW
        return value

    def person(group, given: dict) -> dict:
        answers = dict(given)
        for name, fact in group.facts.items():
            if name not in answers:
                value = rng.random() < 0.3 if fact.type == "yesno" else rng.randint(0, int(fact.maximum or 60))
                answers[name] = maybe(value, fact.dont_know)
        return {k: v for k, v in answers.items() if v is not None}

    raw = {}
    facts = vocabulary.facts
    for fid, fact in facts.items():
        if fact.type == "choice":
            value = rng.choice(fact.choice_values())
        elif fact.type == "yesno":
            value = rng.random() < 0.6
        else:
            value = round(rng.choice([rng.uniform(0, 40_000), rng.uniform(0, 120_000), rng.uniform(0, 300_000)]), 2)
            if fact.maximum is not None:
                value = min(value, fact.maximum)
            if fact.integer:
                value = int(value)
        value = maybe(value, fact.dont_know)
        if value is not None:
            raw[fid] = value
    groups = vocabulary.groups
    raw["you"] = person(groups["you"], {"age": rng.randint(16, 90), "dtc": rng.random() < 0.1,
                                        "working_income": round(rng.uniform(0, 60_000), 2)})
    if raw.get("has_partner") is True:
        raw["partner"] = person(groups["partner"], {"age": rng.randint(18, 90), "dtc": rng.random() < 0.1,
                                                    "working_income": maybe(round(rng.uniform(0, 60_000), 2))})
    if complete or rng.random() > 0.05:
        raw["children"] = [person(groups["children"], {"age": rng.randint(0, 18), "dtc": rng.random() < 0.08})
                           for _ in range(rng.choice([0, 0, 1, 1, 2, 2, 3, 4, 6]))]
    return raw


def cold_start_seconds(runs: int = 5) -> list[float]:
    code = ("import time; t=time.perf_counter(); from app.engine import load_ruleset; "
            "from app.paths import RULES_DIR; load_ruleset(RULES_DIR); "
            "print(time.perf_counter()-t)")
    return [float(subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True,
                                 check=True).stdout) for _ in range(runs)]


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--households", type=int, default=HOUSEHOLDS, help="how many (half of them complete)")
    parser.add_argument("--no-cold", action="store_true", help="skip the cold start-up runs")
    parser.add_argument("--no-traces", action="store_true", help="skip timing the readable traces")
    args = parser.parse_args(argv)
    starts = [] if args.no_cold else cold_start_seconds()
    t = time.perf_counter()
    ruleset = load_ruleset(RULES_DIR)
    warm_load = time.perf_counter() - t
    vocabulary = ruleset.vocabulary
    rng = random.Random(20261125)
    complete = [make_household(rng, vocabulary, complete=True) for _ in range(args.households // 2)]
    partial = [make_household(rng, vocabulary) for _ in range(args.households - len(complete))]
    in_effect = len(ruleset.on(DATE))
    print(f"Programs: {len(ruleset.programs)} ({in_effect} in effect on {DATE}); households: {args.households} "
          f"({len(complete)} complete: every question answered; {len(partial)} partial: some unanswered "
          f"or \"I don't know\")")
    if starts:
        print(f"Start-up, cold process (import + load + validate + compile): "
              f"median {statistics.median(starts) * 1000:.0f} ms "
              f"(runs: {', '.join(f'{s * 1000:.0f}' for s in starts)})")
    print(f"Start-up, warm (load + validate + compile again): {warm_load * 1000:.0f} ms")
    figures = {label: measure(ruleset, households) for label, households in (("complete", complete),
                                                                             ("partial", partial))}
    print(f"\nScreening one household through all {in_effect} programs (µs; median / p95):")
    print(f"  {'':9}{'screen()':>18}{'check + screen()':>22}{'on the fast path':>20}")
    for label, f in figures.items():
        print(f"  {label:9}{f['screen'][0]:9.1f} /{f['screen'][1]:7.1f}{f['both'][0]:13.1f} /{f['both'][1]:7.1f}"
              f"{f['fast_share'] * 100:19.1f}%")
    for label, f in figures.items():
        print(f"\n{label.capitalize()} households ({f['households']}; results {f['statuses']})")
        print(f"  Check answers:                      median {f['parse'][0]:6.1f} µs   p95 {f['parse'][1]:6.1f} µs")
        print(f"  Screen every program:               median {f['screen'][0]:6.1f} µs   p95 {f['screen'][1]:6.1f} µs")
        print(f"  Check + screen:                     median {f['both'][0]:6.1f} µs   p95 {f['both'][1]:6.1f} µs")
        print(f"  Programs settled on the fast path:  {f['fast_share'] * 100:.1f}% "
              f"(the rest on the general path)")
        if not args.no_traces:
            traces = trace_times(ruleset, (complete if label == "complete" else partial)[:TRACED])
            print(f"  Build readable traces (on request): median {traces[0]:6.1f} µs   p95 {traces[1]:6.1f} µs "
                  f"({min(TRACED, f['households'])} households)")
    OURS["Fully answered"] = figures["complete"]["both"][0]
    compare_with_policyengine(complete[:200])


def _median_p95(xs) -> tuple[float, float]:
    return statistics.median(xs), statistics.quantiles(xs, n=20)[-1]


def measure(ruleset, households) -> dict:
    """Times checking the answers and screening, household by household, then counts (untimed)
    how many program screenings the fast path settled."""
    vocabulary = ruleset.vocabulary
    parsed = [vocabulary.parse_answers(raw) for raw in households]  # warm-up, and for the count below
    parse_times, screen_times = [], []
    statuses: dict = {}
    perf = time.perf_counter_ns
    for raw in households:
        t0 = perf()
        answers = vocabulary.parse_answers(raw)
        t1 = perf()
        results = screen(ruleset, answers, DATE)
        t2 = perf()
        parse_times.append((t1 - t0) / 1000)
        screen_times.append((t2 - t1) / 1000)
        for result in results:
            statuses[result.status] = statuses.get(result.status, 0) + 1
    return {
        "households": len(households),
        "statuses": statuses,
        "parse": _median_p95(parse_times),
        "screen": _median_p95(screen_times),
        "both": _median_p95([a + b for a, b in zip(parse_times, screen_times)]),
        "fast_share": fast_share(ruleset, parsed),
    }


def fast_share(ruleset, parsed) -> float:
    """Of all program screenings, the share that never reached the general (three-valued) path."""
    general_calls = 0
    general = evaluate._screen_general

    def counting(*args, **kwargs):
        nonlocal general_calls
        general_calls += 1
        return general(*args, **kwargs)
    evaluate._screen_general = counting
    try:
        total = sum(len(screen(ruleset, answers, DATE)) for answers in parsed)
    finally:
        evaluate._screen_general = general
    return 1 - general_calls / total if total else 0.0


def trace_times(ruleset, households) -> tuple[float, float]:
    times = []
    for raw in households:
        results = screen(ruleset, ruleset.vocabulary.parse_answers(raw), DATE)
        t = time.perf_counter_ns()
        for result in results:
            result.trace()
        times.append((time.perf_counter_ns() - t) / 1000)
    return _median_p95(times)


OURS: dict = {}


def compare_with_policyengine(households) -> None:
    ours_us = OURS["Fully answered"]
    try:
        from policyengine_canada import Simulation
    except ImportError:
        print("policyengine-canada is not installed (pip install '.[bench]'): comparison skipped.")
        return
    from importlib.metadata import version

    # The four programs both engines model, by their policyengine-canada names (household, YEAR period):
    # Canada Child Benefit, Child Disability Benefit, GST/HST credit, Alberta Child and Family Benefit.
    pe_variables = ("child_benefit", "child_disability_benefit", "gst_credit", "alberta_child_and_family_benefit")

    ruleset = load_ruleset(RULES_DIR)
    ours_ccb, pe_years = [], set()
    for raw in households:
        (ccb,) = [r for r in screen(ruleset, ruleset.vocabulary.parse_answers(raw), DATE) if r.program.id == "ccb"]
        ours_ccb.append(ccb)
        # A policyengine-canada YEAR takes its parameters on 1 January, so the benefit year
        # July Y to June Y+1 (whose figures we used) is its year Y+1.
        rules_date = ccb.rules_date
        pe_years.add(rules_date.year + 1 if rules_date.month >= 7 else rules_date.year)
    (year,) = pe_years

    times, pe_ccb = [], []
    for raw in households:
        situation = _pe_situation(raw, year)
        t = time.perf_counter()
        simulation = Simulation(situation=situation)
        values = {variable: simulation.calculate(variable, year) for variable in pe_variables}
        times.append(time.perf_counter() - t)
        pe_ccb.append(float(values["child_benefit"][0]))
    theirs = statistics.median(times) * 1e6
    print(f"\npolicyengine-canada {version('policyengine-canada')}, {len(households)} fully answered households, "
          f"Simulation + {', '.join(pe_variables)} for {year}:")
    print(f"  median {theirs:,.0f} µs per household; ours {ours_us:,.1f} µs; {theirs / ours_us:,.0f} times ours")

    # Why they differ, first reason that applies: criteria policyengine-canada does not model; an adult
    # under 18, whom policyengine-canada counts as a child for the CCB; anything else.
    reasons = {"status in Canada or unfiled taxes": 0, "an adult under 18": 0, "other": 0}
    for raw, ours, pe in zip(households, ours_ccb, pe_ccb):
        if abs(ours.amount_yearly - pe) <= 1:
            continue
        statuses = ours.criteria_statuses()
        adults = [raw["you"]] + ([raw["partner"]] if raw.get("has_partner") is True else [])
        if "not_met" in (statuses["status"], statuses["filed_taxes"]):
            reasons["status in Canada or unfiled taxes"] += 1
        elif any(isinstance(a.get("age"), int) and a["age"] < 18 for a in adults):
            reasons["an adult under 18"] += 1
        else:
            reasons["other"] += 1
    print(f"  Canada Child Benefit, ours on {DATE} (figures {ours_ccb[0].figures_from}) against theirs for {year}: "
          f"yearly amounts differ by more than $1 on {sum(reasons.values())} of {len(households)} households "
          f"({'; '.join(f'{why}: {n}' for why, n in reasons.items())})")


def _pe_situation(raw, year: int) -> dict:
    """One of our households as a policyengine-canada situation for one year.

    Employment income is each adult's work income; the gap to the family net income
    (line 23600) is other income (investment income) when net income is higher, or
    deductions from total to net income, split by earnings, when it is lower, so that
    policyengine-canada's adjusted family net income equals ours."""
    def number(value) -> float:  # unanswered and "I don't know" count as 0
        return float(value) if isinstance(value, (int, float)) and not isinstance(value, bool) else 0.0

    def adult(answers: dict, role: str) -> dict:
        return {"age": {year: answers.get("age", 40)}, role: {year: True},
                "dtc_eligible": {year: answers.get("dtc") is True},
                "employment_income": {year: number(answers.get("working_income"))}}

    people = {"you": adult(raw.get("you", {}), "is_head")}
    if raw.get("has_partner") is True:
        people["partner"] = adult(raw.get("partner", {}), "is_spouse")
    adults = list(people)
    earnings = {name: people[name]["employment_income"][year] for name in adults}
    total_earnings = sum(earnings.values())
    net_income = raw.get("family_net_income")
    gap = net_income - total_earnings if isinstance(net_income, (int, float)) else 0.0  # unknown: work income only
    if gap > 0:
        people["you"]["investment_income"] = {year: gap}
    elif gap < 0:
        for name in adults:
            share = earnings[name] / total_earnings if total_earnings else (1.0 if name == "you" else 0.0)
            people[name]["deductions_from_total_to_net_income"] = {year: -gap * share}
    children = raw.get("children") if isinstance(raw.get("children"), list) else []
    for i, child in enumerate(children):
        # Children counted are those "you care for most of the time": full custody, not shared.
        people[f"child{i}"] = {"age": {year: child.get("age", 5)}, "full_custody": {year: True},
                               "dtc_eligible": {year: child.get("dtc") is True}}
    # Which other province is not asked; Ontario is policyengine-canada's default.
    province = "ONT" if raw.get("region") == "outside_alberta" else "AB"
    return {"people": people,
            "households": {"household": {"members": list(people), "province_name": {year: province}}}}


if __name__ == "__main__":
    main()
