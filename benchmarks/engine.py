"""Engine speed: start-up (load + validate + compile) and screening time per household.

Run with `make bench`. Prints figures; asserts nothing. With policyengine-canada
installed (`pip install .[bench]`) it also times the same households there.
"""

from __future__ import annotations

import datetime as dt
import random
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from app.engine import DONT_KNOW, load_ruleset, screen  # noqa: E402

HOUSEHOLDS = 10_000
DATE = dt.date(2026, 11, 25)


def make_household(rng: random.Random, vocabulary, complete: bool = False) -> dict:
    """A varied household. Complete ones answer everything (as at the end of the
    questionnaire); the others leave some questions unanswered or "I don't know"."""
    def maybe(value, fact_allows_dont_know=True):
        if complete:
            return value
        roll = rng.random()
        if roll < 0.08:
            return None
        if roll < 0.12 and fact_allows_dont_know:
            return DONT_KNOW
        return value

    raw = {}
    facts = vocabulary.facts
    for fid, fact in facts.items():
        if fact.type == "choice":
            value = rng.choice(fact.choice_values())
        elif fact.type == "yesno":
            value = rng.random() < 0.6
        else:
            value = round(rng.choice([rng.uniform(0, 40_000), rng.uniform(0, 120_000), rng.uniform(0, 300_000)]), 2)
        value = maybe(value, fact.dont_know)
        if value is not None:
            raw[fid] = value
    raw["you"] = {"age": rng.randint(16, 90), "dtc": rng.random() < 0.1,
                  "working_income": round(rng.uniform(0, 60_000), 2)}
    if raw.get("has_partner") is not True:
        raw.pop("partner", None)
    if raw.get("has_partner") is True:
        raw["partner"] = {"age": rng.randint(18, 90), "dtc": rng.random() < 0.1,
                          "working_income": maybe(round(rng.uniform(0, 60_000), 2))}
        raw["partner"] = {k: v for k, v in raw["partner"].items() if v is not None}
    if complete or rng.random() > 0.05:
        raw["children"] = [{"age": rng.randint(0, 18), "dtc": rng.random() < 0.08}
                           for _ in range(rng.choice([0, 0, 1, 1, 2, 2, 3, 4, 6]))]
    return raw


def cold_start_seconds(runs: int = 5) -> list[float]:
    code = ("import time; t=time.perf_counter(); from app.engine import load_ruleset; load_ruleset(); "
            "print(time.perf_counter()-t)")
    return [float(subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True,
                                 check=True).stdout) for _ in range(runs)]


def main() -> None:
    starts = cold_start_seconds()
    t = time.perf_counter()
    ruleset = load_ruleset()
    warm_load = time.perf_counter() - t
    vocabulary = ruleset.vocabulary
    rng = random.Random(20261125)
    complete = [make_household(rng, vocabulary, complete=True) for _ in range(HOUSEHOLDS // 2)]
    partial = [make_household(rng, vocabulary) for _ in range(HOUSEHOLDS - len(complete))]
    print(f"Programs: {len(ruleset.programs)}; households: {HOUSEHOLDS} "
          f"({len(complete)} fully answered, {len(partial)} with questions unanswered or \"I don't know\"); "
          f"date: {DATE}")
    print(f"Start-up, cold process (import + load + validate + compile): "
          f"median {statistics.median(starts) * 1000:.0f} ms "
          f"(runs: {', '.join(f'{s * 1000:.0f}' for s in starts)})")
    print(f"Start-up, warm (load + validate + compile again): {warm_load * 1000:.0f} ms")
    for label, households in (("Fully answered", complete), ("With unknowns", partial), ("All", complete + partial)):
        measure(label, ruleset, households)
    compare_with_policyengine(complete[:200])


def measure(label: str, ruleset, households) -> None:
    vocabulary = ruleset.vocabulary
    parse_times, screen_times, trace_times = [], [], []
    statuses = {}
    for raw in households:
        t0 = time.perf_counter_ns()
        answers = vocabulary.parse_answers(raw)
        t1 = time.perf_counter_ns()
        results = screen(ruleset, answers, DATE)
        t2 = time.perf_counter_ns()
        for result in results:
            result.trace()
        t3 = time.perf_counter_ns()
        parse_times.append((t1 - t0) / 1000)
        screen_times.append((t2 - t1) / 1000)
        trace_times.append((t3 - t2) / 1000)
        for result in results:
            statuses[result.status] = statuses.get(result.status, 0) + 1

    def med(xs):
        return statistics.median(xs)

    def p95(xs):
        return statistics.quantiles(xs, n=20)[-1]

    print(f"\n{label} ({len(households)} households; results {statuses})")
    print(f"Check answers:                       median {med(parse_times):6.1f} µs   p95 {p95(parse_times):6.1f} µs")
    print(f"Screen every program (values kept):  median {med(screen_times):6.1f} µs   p95 {p95(screen_times):6.1f} µs")
    both = [a + b for a, b in zip(parse_times, screen_times)]
    print(f"Check + screen:                      median {med(both):6.1f} µs   p95 {p95(both):6.1f} µs")
    print(f"Build readable traces (on request):  median {med(trace_times):6.1f} µs   p95 {p95(trace_times):6.1f} µs")
    OURS[label] = med(both)


OURS: dict = {}


def compare_with_policyengine(households) -> None:
    ours_us = OURS["Fully answered"]
    try:
        from policyengine_canada import Simulation  # noqa: F401
    except ImportError:
        print("policyengine-canada is not installed (pip install '.[bench]'): comparison skipped.")
        return
    times = []
    for raw in households:
        situation = _pe_situation(raw)
        t = time.perf_counter()
        simulation = Simulation(situation=situation)
        for variable in ("child_benefit", "child_disability_benefit", "gst_credit", "ab_acfb"):
            try:
                simulation.calculate(variable, 2025)
            except Exception:  # a variable may be missing in some versions
                pass
        times.append(time.perf_counter() - t)
    theirs = statistics.median(times) * 1e6
    print(f"policyengine-canada Simulation, same programs: median {theirs:,.0f} µs per household "
          f"({theirs / ours_us:,.0f} times ours)")


def _pe_situation(raw) -> dict:
    people = {"you": {"age": {2025: raw.get("you", {}).get("age", 40)}}}
    members = ["you"]
    for i, child in enumerate(raw.get("children", []) if isinstance(raw.get("children"), list) else []):
        name = f"child{i}"
        people[name] = {"age": {2025: child.get("age", 5)}}
        members.append(name)
    income = raw.get("family_net_income")
    people["you"]["employment_income"] = {2025: income if isinstance(income, (int, float)) else 30_000}
    return {"people": people, "households": {"household": {"members": members, "province_code": {2025: "AB"}}}}


if __name__ == "__main__":
    main()
