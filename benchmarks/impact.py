"""Impact preview speed: a one-parameter change over the synthetic Alberta population.

Run with `make bench-impact` (options: --households, --runs). Prints figures; asserts nothing.

In one process, on the same households, alternating runs:
- the whole `flask rules impact --population` path: generate the households, then compare
  (only the programs whose rules differ are screened, with both rulesets), on the array path;
- the same on the scalar path (`arrays=False`, one household at a time);
- the same comparison screening every program with both rulesets (`every_program=True`), which
  is what a preview without the shortcut would cost, on each path;
- the bare ceiling: generating the households, with no reading and no screening.
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
    variants = {"preview": {}, "preview, scalar": {"arrays": False}, "every program": {"every_program": True},
                "every program, scalar": {"every_program": True, "arrays": False}}
    times: dict = {name: [] for name in [*variants, "bare"]}
    results = {}
    for _ in range(args.runs):
        for name, options in variants.items():
            started = time.perf_counter()
            cases = population.households(args.households, 2026, DAY)
            results[name] = impact.compare(current, baseline, cases, DAY, **options)
            times[name].append(time.perf_counter() - started)
        started = time.perf_counter()
        population.households(args.households, 2026, DAY)
        times["bare"].append(time.perf_counter() - started)
    found = results["preview"]
    for name, other in results.items():
        assert [(p.program_id, p.gained, p.lost, round(p.yearly_change)) for p in other.changed] == \
            [(p.program_id, p.gained, p.lost, round(p.yearly_change)) for p in found.changed], f"{name} disagrees"
    print(f"{args.households:,} synthetic households, {args.runs} alternating runs (median seconds):")
    for name, values in times.items():
        print(f"  {name:22s} {statistics.median(values):6.2f} s   (runs: {', '.join(f'{v:.2f}' for v in values)})")
    median = {name: statistics.median(values) for name, values in times.items()}
    print(f"preview / bare ceiling: {median['preview'] / median['bare']:.2f}; "
          f"scalar / arrays: preview {median['preview, scalar'] / median['preview']:.1f}, "
          f"every program {median['every program, scalar'] / median['every program']:.1f}")
    acfb = found.changed[0]
    print(f"change found: {acfb.name}: {acfb.lost:,.0f} lose, {acfb.paid_less:,.0f} paid less, "
          f"{acfb.yearly_change:,.0f} dollars a year (weighted)")


if __name__ == "__main__":
    main()
