"""Impact preview speed: a one-parameter change over the synthetic Alberta population.

Run with `make bench-impact` (options: --households, --runs). Prints figures; asserts nothing.

In one process, on the same households, alternating runs:
- the whole `flask rules impact --population` path: generate the households, then compare
  (only the programs whose rules differ are screened, with both rulesets);
- the same comparison screening every program with both rulesets (`every_program=True`),
  which is what a preview without the shortcut would cost;
- the bare ceiling: generating the households and reading each one's answers once, with no
  screening at all.
The change is the Alberta Child and Family Benefit's base threshold for 2026-27 (28,116 to 26,000).
"""

from __future__ import annotations

import argparse
import datetime as dt
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from app.engine import load_ruleset  # noqa: E402
from app.paths import RULES_DIR  # noqa: E402
from app.services import impact, population  # noqa: E402

DAY = dt.date(2026, 11, 1)


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--households", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args(argv)
    current = load_ruleset(RULES_DIR)
    with tempfile.TemporaryDirectory() as tmp:
        copy = Path(tmp) / "rules"
        shutil.copytree(RULES_DIR, copy)
        target = copy / "programs" / "alberta" / "acfb.yaml"
        target.write_text(target.read_text().replace("value: 28116, source: alberta-2026",
                                                      "value: 26000, source: alberta-2026"))
        baseline = load_ruleset(copy, checks=False)
    times = {"preview": [], "every program": [], "bare": []}
    for _ in range(args.runs):
        started = time.perf_counter()
        cases = population.households(args.households, 2026, DAY)
        found = impact.compare(current, baseline, cases, DAY)
        times["preview"].append(time.perf_counter() - started)

        started = time.perf_counter()
        cases = population.households(args.households, 2026, DAY)
        full = impact.compare(current, baseline, cases, DAY, every_program=True)
        times["every program"].append(time.perf_counter() - started)

        started = time.perf_counter()
        cases = population.households(args.households, 2026, DAY)
        for case in cases:
            current.vocabulary.parse_answers(case.raw)
        times["bare"].append(time.perf_counter() - started)
    assert [(p.program_id, p.gained, p.lost) for p in found.changed] == \
        [(p.program_id, p.gained, p.lost) for p in full.changed], "the shortcut and the full run disagree"
    print(f"{args.households:,} synthetic households, {args.runs} alternating runs (median seconds):")
    for name, values in times.items():
        print(f"  {name:14s} {statistics.median(values):6.2f} s   (runs: {', '.join(f'{v:.2f}' for v in values)})")
    preview, bare = statistics.median(times["preview"]), statistics.median(times["bare"])
    print(f"preview / bare ceiling: {preview / bare:.2f}; every program / preview: "
          f"{statistics.median(times['every program']) / preview:.1f}")
    acfb = found.changed[0]
    print(f"change found: {acfb.name}: {acfb.lost:,.0f} lose, {acfb.paid_less:,.0f} paid less, "
          f"{acfb.yearly_change:,.0f} dollars a year (weighted)")


if __name__ == "__main__":
    main()
