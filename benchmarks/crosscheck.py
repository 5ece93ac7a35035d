"""Cross-check our engine against policyengine-canada: `make crosscheck`.

Screens a seeded set of generated Alberta households through our engine and through
policyengine-canada (PE) for the programs both model, reports per program how often the two
agree within $1 a year, and puts every disagreement down to a cause found from the household's
features. Needs the optional policyengine-canada package (`pip install '.[bench]'`), so it is
not part of `make test`. docs/crosscheck.md explains each cause with the official source.

Periods. We screen on SCREEN_DATE, 15 November 2025: the benefit year July 2025 to June 2026,
which pays on 2024 income (CCB, CDB, GST/HST credit, ACFB), the OAS quarter October to December
2025 (its recovery tax for July 2025 to June 2026 is also on 2024 income), and the CWB limits of
the 2024 tax year. PE works in calendar YEARs and reads a YEAR's parameters on 1 January, so:

- CCB, CDB, GST/HST credit, ACFB and OAS: PE year 2026, whose 1 January parameters are the ones
  that took effect in July 2025 (for ACFB PE has nothing after January 2023);
- CWB: PE year 2025. PE keys each CWB figure at 31 December of its tax year, so its year 2025
  carries the 2024 tax-year figures our CWB rules use. Our CWB amount is the basic amount only
  (Alberta's disability supplement figures are not published in a source we read), so it is
  compared with PE's cwb_base, not with canada_workers_benefit (basic amount plus supplement).

Both engines get the same income: each adult's work income is PE's employment income, and the gap
to the family net income (line 23600) is PE investment income of the person answering (or, when
work income is higher, deductions from total to net income), so PE's adjusted family net income
equals ours. Households are batched into one PE simulation per period.

To tell what a disagreement comes from, a second PE run is "aligned": PE's parameters are set to
our figures for the screening date (for the CWB, Alberta's own basic-amount figures in place of
PE's rest-of-Canada ones), and the GST/HST credit's income is set to adjusted family net income.
A disagreement that disappears there comes from figures (or that income), not from who qualifies.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import random
import re
import sys
import time
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from engine import _pe_situation  # noqa: E402  (benchmarks/engine.py: one household as a PE situation)

from app.engine import ELIGIBLE, INELIGIBLE, load_ruleset, screen  # noqa: E402
from app.paths import RULES_DIR  # noqa: E402

SCREEN_DATE = dt.date(2025, 11, 15)
SEED = 20251115
HOUSEHOLDS = 2_000
TOLERANCE = 1.0  # dollars a year
SUMMARY = ROOT / "docs" / "crosscheck.json"


# -- the programs both engines model -------------------------------------------------------------

@dataclass
class Program:
    id: str                 # our program id
    name: str
    pe_year: int
    pe_variables: str       # what is read from PE, for the report
    compare: str = "amount"  # "amount" (yearly, within $1) or "eligible" (ours eligible vs PE > 0)
    present: bool = True     # False when the program is not in our ruleset (yet)
    notes: list = field(default_factory=list)


PROGRAMS = [
    Program("ccb", "Canada Child Benefit", 2026, "child_benefit (household)"),
    Program("cdb", "Child Disability Benefit", 2026, "child_disability_benefit (household)"),
    Program("gst_hst_credit", "GST/HST credit", 2026,
            "max(0, gst_credit_base + gst_credit_singles_boost - gst_credit_reduction) (household)",
            notes=["PE's own gst_credit uses Python max() and fails for more than one household at a "
                   "time, so its three parts are read and combined the same way."]),
    Program("canada_workers_benefit", "Canada Workers Benefit", 2025, "cwb_base (household)",
            notes=["Our CWB amount is the basic amount only: Alberta's disability supplement figures are not "
                   "published in a source we read. So it is compared with PE's cwb_base; PE's "
                   "canada_workers_benefit adds the disability supplement (cwb_disability_supplement)."]),
    Program("acfb", "Alberta Child and Family Benefit", 2026, "alberta_child_and_family_benefit (household)"),
    Program("old_age_security", "Old Age Security pension", 2026, "oas_net of the person answering",
            notes=["Our OAS screens only the person answering, so PE's oas_net is read for that person only."]),
]


# -- our parameters and PE's, side by side --------------------------------------------------------

_N = {1: "one_child", 2: "two_children", 3: "three_children", 4: "four_or_more_children"}
_ACFB = "gov.provinces.ab.benefits.acfb"
_OAS = "gov.cra.benefits.old_age_security_pension"
_GST = "gov.cra.tax.income.credits.gst_credit"
_CWB = "gov.cra.benefits.cwb"

# (program, our parameter names (first found is used), table key or None, PE path, factor ours -> PE)
PARAMETERS = [
    ("ccb", ("max_under_6",), None, "gov.cra.benefits.ccb.base[0].amount", 1),
    ("ccb", ("max_6_to_17",), None, "gov.cra.benefits.ccb.base[1].amount", 1),
    *[("ccb", ("threshold_1",), None, f"gov.cra.benefits.ccb.reduction.{_N[n]}[1].threshold", 1) for n in _N],
    *[("ccb", ("threshold_2",), None, f"gov.cra.benefits.ccb.reduction.{_N[n]}[2].threshold", 1) for n in _N],
    *[("ccb", ("step_1_rate",), n, f"gov.cra.benefits.ccb.reduction.{_N[n]}[1].rate", 1) for n in _N],
    *[("ccb", ("step_2_rate",), n, f"gov.cra.benefits.ccb.reduction.{_N[n]}[2].rate", 1) for n in _N],
    ("cdb", ("max_per_child",), None, "gov.cra.benefits.cdb.base", 1),
    ("cdb", ("threshold",), None, "gov.cra.benefits.cdb.reduction.one_child[1].threshold", 1),
    ("cdb", ("threshold",), None, "gov.cra.benefits.cdb.reduction.two_or_more_children[1].threshold", 1),
    ("cdb", ("reduction_rate",), 1, "gov.cra.benefits.cdb.reduction.one_child[1].rate", 1),
    ("cdb", ("reduction_rate",), 2, "gov.cra.benefits.cdb.reduction.two_or_more_children[1].rate", 1),
    ("gst_hst_credit", ("adult_credit",), None, f"{_GST}.base_amounts.HEAD", 1),
    # PE gives the first child of a single parent the spouse amount, so one PE value stands for both of ours.
    ("gst_hst_credit", ("partner_credit",), None, f"{_GST}.base_amounts.SPOUSE", 1),
    ("gst_hst_credit", ("first_child_single_parent",), None, f"{_GST}.base_amounts.SPOUSE", 1),
    ("gst_hst_credit", ("child_credit",), None, f"{_GST}.base_amounts.CHILD", 1),
    ("gst_hst_credit", ("single_supplement",), None, f"{_GST}.singles_boost.cap", 1),
    ("gst_hst_credit", ("supplement_threshold",), None, f"{_GST}.singles_boost.phase_in[1].threshold", 1),
    ("gst_hst_credit", ("supplement_rate",), None, f"{_GST}.singles_boost.phase_in[1].rate", 1),
    ("gst_hst_credit", ("reduction_threshold",), None, f"{_GST}.reduction[1].threshold", 1),
    ("gst_hst_credit", ("reduction_rate",), None, f"{_GST}.reduction[1].rate", 1),
    *[("acfb", ("base_amount",), n, f"{_ACFB}.base_component.base.{_N[n]}", 1) for n in _N],
    *[("acfb", ("working_amount",), n, f"{_ACFB}.working_component.base.{_N[n]}", 1) for n in _N],
    *[("acfb", ("base_threshold",), None, f"{_ACFB}.base_component.phase_out.{_N[n]}[1].threshold", 1) for n in _N],
    *[("acfb", ("base_rate",), n, f"{_ACFB}.base_component.phase_out.{_N[n]}[1].rate", 1) for n in _N],
    *[("acfb", ("working_threshold",), None, f"{_ACFB}.working_component.phase_out.{_N[n]}[1].threshold", 1)
      for n in _N],
    *[("acfb", ("working_rate",), n, f"{_ACFB}.working_component.phase_out.{_N[n]}[1].rate", 1) for n in _N],
    ("acfb", ("working_floor",), None, f"{_ACFB}.working_component.phase_in.start", 1),
    ("acfb", ("phase_in_rate",), None, f"{_ACFB}.working_component.phase_in.rate", 1),
    # Our OAS maximum is monthly (paid in cents); PE's is yearly.
    ("old_age_security", ("oas_max_65_to_74", "max_65_to_74"), None, f"{_OAS}.amount.base", 12),
    ("old_age_security", ("oas_higher_amount_age", "higher_amount_age"), None,
     f"{_OAS}.eligibility.age.older_seniors_increase", 1),
    ("old_age_security", ("min_age",), None, f"{_OAS}.eligibility.age.base", 1),
    ("old_age_security", ("oas_min_years", "min_years"), None, f"{_OAS}.eligibility.residence.any", 1),
    ("old_age_security", ("oas_full_years", "full_years"), None, f"{_OAS}.eligibility.residence.full_base_amount", 1),
    ("old_age_security", ("recovery_threshold",), None, f"{_OAS}.repayment_tax[1].threshold", 1),
    ("old_age_security", ("recovery_rate",), None, f"{_OAS}.repayment_tax[1].rate", 1),
    # The CWB basic amount. Every household is in Alberta, so our Alberta figures stand against PE's
    # (rest-of-Canada) ones. Bracket 1 of PE's phase-in is the rate over the start.
    ("canada_workers_benefit", ("ab_max_single",), None, f"{_CWB}.amount.single", 1),
    ("canada_workers_benefit", ("ab_max_family",), None, f"{_CWB}.amount.family", 1),
    *[("canada_workers_benefit", ("ab_work_start",), None, f"{_CWB}.phase_in.base.{kind}[1].threshold", 1)
      for kind in ("single", "family")],
    *[("canada_workers_benefit", ("ab_phase_in_rate",), None, f"{_CWB}.phase_in.base.{kind}[1].rate", 1)
      for kind in ("single", "family")],
    ("canada_workers_benefit", ("ab_threshold_single",), None, f"{_CWB}.phase_out.base.single[1].threshold", 1),
    ("canada_workers_benefit", ("ab_threshold_family",), None, f"{_CWB}.phase_out.base.family[1].threshold", 1),
    *[("canada_workers_benefit", ("ab_phase_out_rate",), None, f"{_CWB}.phase_out.base.{kind}[1].rate", 1)
      for kind in ("single", "family")],
]


def our_value(params: dict, names: tuple, key):
    for name in names:
        if name in params:
            value = params[name]
            if isinstance(value, tuple):  # a table: (first key, values)
                first, values = value
                return values[min(key, first + len(values) - 1) - first]
            return value
    return None


def pe_node(parameters, path: str):
    node = parameters
    for part in path.split("."):
        m = re.fullmatch(r"(\w+)\[(\d+)\]", part)
        if m:
            node = getattr(node, m.group(1)).brackets[int(m.group(2))]
        else:
            node = getattr(node, part)
    return node


def compare_parameters(system, params_by_program: dict, programs: dict) -> list[dict]:
    rows = []
    for program_id, names, key, path, factor in PARAMETERS:
        if program_id not in programs or program_id not in params_by_program:
            continue
        ours = our_value(params_by_program[program_id], names, key)
        if ours is None:
            continue
        year = programs[program_id].pe_year
        theirs = float(pe_node(system.parameters, path)(f"{year}-01-01"))
        ours_pe = round(float(ours) * factor, 6)
        rows.append({"program": program_id, "ours": names[0] + (f"[{key}]" if key else ""), "ours_value": ours_pe,
                     "pe": path, "pe_year": year, "pe_value": theirs, "same": abs(ours_pe - theirs) < 1e-6})
    return rows


def align(system, rows: list[dict]) -> None:
    """Set PE's parameters to ours, for every period."""
    from policyengine_core.periods import instant

    for row in rows:
        if not row["same"]:
            pe_node(system.parameters, row["pe"]).update(start=instant("2000-01-01"), value=row["ours_value"])


# -- households ----------------------------------------------------------------------------------

STATUSES = {"citizen": 70, "permanent_resident": 12, "indian_act": 3, "protected_person": 3,
            "temporary_resident": 7, "refugee_claimant": 3, "other": 2}
INCOME_BANDS = [((0, 0), 4), ((1, 15_000), 16), ((15_000, 40_000), 26), ((40_000, 90_000), 28),
                ((90_000, 160_000), 18), ((160_000, 210_000), 8)]
SENIOR_BANDS = [((0, 0), 2), ((1, 30_000), 25), ((30_000, 90_000), 30), ((90_000, 160_000), 33),
                ((160_000, 210_000), 10)]


def make_household(rng: random.Random, vocabulary) -> dict:
    """One Alberta household, every question answered. Deterministic given the generator's state."""
    kind = rng.choices(["young", "family", "adult", "senior"], weights=[6, 50, 22, 22])[0]

    def pick(weighted: dict) -> str:
        return rng.choices(list(weighted), weights=list(weighted.values()))[0]

    def adult(age: int) -> dict:
        senior = age >= 65
        years = max(0, age - 18)
        if senior and rng.random() < 0.7:
            years_in_canada = rng.randint(min(40, years), years)
        else:
            years_in_canada = rng.randint(0, years)
        return {"age": age, "dtc": rng.random() < (0.15 if senior else 0.08), "years_in_canada": years_in_canada,
                "cannot_work": False, "paid_into_cpp": rng.random() < 0.7}

    if kind == "young":
        you, partner_age = adult(rng.randint(16, 18)), rng.randint(16, 21)
        has_partner = rng.random() < 0.3
        children = [rng.randint(0, 2) for _ in range(rng.choice([0, 0, 1, 1, 2]))]
    elif kind == "family":
        age = rng.randint(19, 55)
        you, partner_age = adult(age), max(18, min(70, age + rng.randint(-6, 6)))
        has_partner = rng.random() < 0.6
        children = [rng.randint(0, 18) for _ in range(rng.choice([1, 1, 2, 2, 2, 3, 3, 4, 5]))]
    elif kind == "adult":
        age = rng.randint(19, 64)
        you, partner_age = adult(age), max(18, min(80, age + rng.randint(-6, 6)))
        has_partner = rng.random() < 0.5
        children = [18] if rng.random() < 0.15 else []
    else:
        age = rng.randint(65, 95)
        you, partner_age = adult(age), max(55, min(100, age + rng.randint(-8, 8)))
        has_partner = rng.random() < 0.5
        children = [rng.randint(8, 18)] if rng.random() < 0.05 else []
    partner = adult(partner_age) if has_partner else None

    (lo, hi), = rng.choices([band for band, _ in (SENIOR_BANDS if kind == "senior" else INCOME_BANDS)],
                            weights=[w for _, w in (SENIOR_BANDS if kind == "senior" else INCOME_BANDS)])
    afni = rng.randint(lo, hi)
    roll = rng.random()
    if kind == "senior":
        earnings = 0 if roll < 0.8 else round(afni * rng.uniform(0, 0.5))
    elif roll < 0.55:
        earnings = round(afni * rng.uniform(0.85, 1.12))  # above net income: deductions (RRSP, union dues)
    elif roll < 0.85:
        earnings = round(afni * rng.uniform(0, 0.85))
    else:
        earnings = 0
    if partner:
        share = rng.choice([1.0, 1.0, 0.0, rng.random()])
        you["working_income"], partner["working_income"] = round(earnings * share), earnings - round(earnings * share)
    else:
        you["working_income"] = earnings

    status = pick(STATUSES)
    raw = {
        "region": rng.choice(["calgary", "edmonton", "alberta_other"]),
        "status_in_canada": status,
        "in_canada_18_months": rng.random() < 0.5 if status == "temporary_resident" else True,
        "has_partner": has_partner,
        "you": you,
        "children": [{"age": a, "dtc": rng.random() < 0.1} for a in children],
        "filed_taxes": rng.random() < 0.92,
        "family_net_income": afni,
    }
    if partner:
        raw["partner"] = partner
    studying = kind in ("young", "adult", "family") and rng.random() < 0.06
    student = vocabulary.facts.get("student")  # full-time after high school (yes/no, or a choice)
    if student is not None:
        full_time = True if student.type == "yesno" else "post_secondary"
        raw["student"] = full_time if studying else _plain_answer(student)
    # Every other question gets a plain answer, so that each program reaches a decision.
    for fid, fact in vocabulary.facts.items():
        if fid not in raw:
            raw[fid] = _plain_answer(fact)
    for group in ("you", "partner"):
        if group in raw:
            for name, fact in vocabulary.groups[group].facts.items():
                raw[group].setdefault(name, _plain_answer(fact))
    return raw


def coverage(households: list[dict]) -> dict:
    """How many generated households have each feature."""
    def count(test):
        return sum(1 for raw in households if test(raw))

    incomes = sorted(raw["family_net_income"] for raw in households)
    return {
        "single": count(lambda r: not r["has_partner"]),
        "couple": count(lambda r: r["has_partner"]),
        "with children under 18": count(lambda r: any(c["age"] < 18 for c in r["children"])),
        "with a child aged 16 to 18": count(lambda r: any(16 <= c["age"] <= 18 for c in r["children"])),
        "with a child with the disability tax credit": count(lambda r: any(c["dtc"] for c in r["children"])),
        "an adult with the disability tax credit": count(lambda r: any(a["dtc"] for a in _adults(r))),
        "an adult aged 16 or 17": count(lambda r: any(a["age"] < 18 for a in _adults(r))),
        "person answering 65 or older": count(lambda r: r["you"]["age"] >= 65),
        "did not file taxes": count(lambda r: r["filed_taxes"] is False),
        "temporary resident": count(lambda r: r["status_in_canada"] == "temporary_resident"),
        "refugee claimant or other status": count(lambda r: r["status_in_canada"] in ("refugee_claimant", "other")),
        "full-time student": count(lambda r: r.get("student") in (True, "post_secondary")),
        "no work income": count(lambda r: sum(a["working_income"] for a in _adults(r)) == 0),
        "family net income": {"min": incomes[0], "median": incomes[len(incomes) // 2], "max": incomes[-1],
                              "under 40,000": sum(1 for x in incomes if x < 40_000),
                              "90,000 or more": sum(1 for x in incomes if x >= 90_000)},
    }


def _plain_answer(fact):
    """No, none or zero: the answer that opens no door of its own."""
    if fact.type == "yesno":
        return False
    if fact.type == "choice":
        values = fact.choice_values()
        plain = [v for v in values if re.match(r"(no|not|none)(_|$)", v)]
        return (plain or values)[0]
    return 0


# -- policyengine-canada -------------------------------------------------------------------------

def pe_situation(households: list[dict], year: int, aligned: bool) -> tuple[dict, list[str]]:
    """All households in one situation; returns it and the person id of each one's "you"."""
    people, groups, heads = {}, {}, []
    for i, raw in enumerate(households):
        one = _pe_situation(raw, year)
        one_people = one["people"]
        for name, answers in (("you", raw["you"]), ("partner", raw.get("partner") or {})):
            if name in one_people:
                one_people[name]["adult_years_in_canada"] = {year: int(answers.get("years_in_canada") or 0)}
                # An input with no formula in PE: left unset, the CWB disability supplement is never reduced.
                one_people[name]["is_head_or_spouse"] = {year: True}
        prefix = f"h{i}_"
        people.update({prefix + name: facts for name, facts in one_people.items()})
        (group,) = one["households"].values()
        group = dict(group, members=[prefix + m for m in group["members"]])
        if aligned:  # the GST/HST credit's income: adjusted family net income, not net income after tax
            group["household_net_income"] = {year: float(raw["family_net_income"])}
        groups[f"h{i}"] = group
        heads.append(prefix + "you")
    return {"people": people, "households": groups}, heads


def pe_amounts(system, households: list[dict], year: int, aligned: bool, wanted: set) -> dict:
    import numpy as np
    from policyengine_canada import Simulation

    situation, heads = pe_situation(households, year, aligned)
    sim = Simulation(situation=situation, tax_benefit_system=system)
    person_ids = list(sim.populations["person"].ids)
    head_index = np.array([person_ids.index(h) for h in heads])
    assert list(sim.populations["household"].ids) == [f"h{i}" for i in range(len(households))]

    def gst():
        return np.maximum(sim.calculate("gst_credit_base", year) + sim.calculate("gst_credit_singles_boost", year)
                          - sim.calculate("gst_credit_reduction", year), 0)

    readers = {
        "ccb": lambda: sim.calculate("child_benefit", year),
        "cdb": lambda: sim.calculate("child_disability_benefit", year),
        "gst_hst_credit": gst,
        "canada_workers_benefit": lambda: sim.calculate("cwb_base", year),
        "cwb_supplement": lambda: sim.calculate("cwb_disability_supplement", year),
        "acfb": lambda: sim.calculate("alberta_child_and_family_benefit", year),
        "old_age_security": lambda: sim.calculate("oas_net", year)[head_index],
        "oas_before_recovery": lambda: sim.calculate("oas_pre_repayment", year)[head_index],
    }
    return {program: read() for program, read in readers.items() if program in wanted}


def pe_variant(system, households, ours, published: dict, year: int, change, programs: set) -> dict:
    """PE's values for changed households (NaN where not run)."""
    import numpy as np

    by_id = {p.id: p for p in PROGRAMS}
    rows = [i for i in range(len(households))
            if any(_our_answer(by_id[p], ours[i][p]) is not None
                   and not _same(by_id[p], _our_answer(by_id[p], ours[i][p]), float(published[p][i]))
                   for p in programs)]
    out = {p: np.full(len(households), np.nan) for p in programs}
    if rows:
        values = pe_amounts(system, [change(households[i]) for i in rows], year, True, programs)
        for p in programs:
            out[p][rows] = values[p]
    return out


# -- causes ----------------------------------------------------------------------------------------
#
# A disagreement is put down to causes, tried in order. Each cause that applies to the household
# is undone (on our side: the answer changed; on PE's side: a PE run of changed households), and
# the two engines are compared again, always with PE's figures set to ours (the aligned run). The
# causes undone by the time they agree are the explanation; if they never agree, "unexplained".
# A disagreement no cause applies to, which goes away in the aligned run, comes from figures
# (or, for the GST/HST credit, the income used): the program's FIGURES_CAUSE.

STATUS_LABELS = {"temporary_resident": "temporary resident under 18 months", "refugee_claimant": "refugee claimant",
                 "other": "other status"}

FIGURES_CAUSE = {  # key, what it means
    "acfb": ("year of values", "PE's ACFB figures stop at January 2023; ours are those of July 2025."),
    "gst_hst_credit": ("income used", "PE reduces the credit on household net income after tax and benefits, "
                       "not on adjusted family net income."),
    "old_age_security": ("recovery threshold", "PE's recovery tax starts at {pe_threshold}, the threshold for "
                         "2025 income; ours at {our_threshold}, for 2024 income, which sets the July 2025 to June "
                         "2026 payments."),
    "canada_workers_benefit": ("Alberta CWB figures", "PE uses the rest-of-Canada basic amount in Alberta "
                               "({pe_cwb}); ours uses Alberta's own ({our_cwb})."),
}


def legend(pe_params: dict) -> dict:
    out = {c.key: c.label.format(**pe_params) for c in CAUSES}
    out["status: ..."] = out.pop("status: {status}")
    out["under 19, alone"] = " / ".join(c.label for c in CAUSES if c.key == "under 19, alone")
    out.update({key: label.format(**pe_params) for key, label in FIGURES_CAUSE.values()})
    return out


def _adults(raw: dict) -> list[dict]:
    return [raw["you"]] + ([raw["partner"]] if raw.get("has_partner") else [])


def _copy(raw: dict) -> dict:
    return json.loads(json.dumps(raw))


def _filed(raw, vocabulary):
    return dict(raw, filed_taxes=True)


def _citizen(raw, vocabulary):
    return dict(raw, status_in_canada="citizen")


def _aged_19(raw, vocabulary):
    raw = _copy(raw)
    raw["you"]["age"] = max(19, raw["you"]["age"])
    return raw


def _not_student(raw, vocabulary):
    return dict(raw, student=_plain_answer(vocabulary.facts["student"]))


def _adults_18(raw):
    raw = _copy(raw)
    for adult in _adults(raw):
        adult["age"] = max(18, adult["age"])
    return raw


def _adults_19(raw):
    raw = _copy(raw)
    for adult in _adults(raw):
        adult["age"] = max(19, adult["age"])
    return raw


CWB_SPOUSE_EXEMPTION = [0.0]  # our spouse_exemption on the screening date, set by main()


def _spouse_exemption(raw):
    """What our CWB leaves out of a couple's income: the lower earner's work income, up to the exemption."""
    if not raw.get("has_partner"):
        return 0
    return min(CWB_SPOUSE_EXEMPTION[0], raw["you"]["working_income"], raw["partner"]["working_income"])


def _exempt(raw):
    """The same household with the spouse exemption taken off its family net income."""
    return dict(raw, family_net_income=raw["family_net_income"] - _spouse_exemption(raw))


# PE runs on changed households (aligned figures), by name: (change, programs it is needed for).
PE_VARIANTS = {
    "adults_18": (_adults_18, {"ccb", "cdb", "acfb"}),
    "adults_19": (_adults_19, {"canada_workers_benefit"}),
    "exempt": (_exempt, {"canada_workers_benefit"}),
}


@dataclass
class Cause:
    key: str                             # short name, used in the breakdown
    label: str                           # what it means
    programs: set | None                 # None: any program
    applies: object                      # (case) -> bool
    ours_change: object = None           # (raw, vocabulary) -> raw, undone on our side
    pe_variant: str | None = None        # a PE_VARIANTS run, or "before_recovery", to compare with instead
    check: object = None                 # (case) -> bool, instead of comparing amounts


@dataclass
class Case:
    program: Program
    index: int
    raw: dict
    result: object
    ours: object          # yearly amount, or True/False for eligibility
    pe: float
    criteria: dict
    params: dict
    pe_params: dict
    pe_aligned: float = 0.0  # PE with its figures set to ours


CAUSES = [
    Cause("non-filer", "Ours: no benefit until the return is filed. PE does not model filing a return.", None,
          lambda c: c.criteria.get("filed_taxes") == "not_met", ours_change=_filed),
    Cause("status: {status}", "Ours: this status in Canada does not qualify. PE has no status test.", None,
          lambda c: c.criteria.get("status") == "not_met", ours_change=_citizen),
    Cause("adult aged 16-17", "PE counts a head or partner under 18 as a child in their own care.",
          {"ccb", "cdb", "acfb"}, lambda c: any(a["age"] < 18 for a in _adults(c.raw)), pe_variant="adults_18"),
    Cause("under 19, alone", "Ours: under 19 with no partner or child cannot get it. PE has no age test.",
          {"gst_hst_credit"}, lambda c: c.criteria.get("age_or_family") == "not_met", ours_change=_aged_19),
    Cause("under 19, alone", "Ours: under 19 with no partner or child cannot claim it. PE counts the person as "
          "their own dependant, so as a family, and pays the family amount.", {"canada_workers_benefit"},
          lambda c: c.criteria.get("age_or_family") == "not_met", ours_change=_aged_19, pe_variant="adults_19"),
    Cause("full-time student", "Ours: a full-time student with no partner or child cannot claim it. PE does not "
          "model studies.", {"canada_workers_benefit"},
          lambda c: c.criteria.get("not_full_time_student") == "not_met", ours_change=_not_student),
    # Only where PE, with its figures set to ours, still differs: otherwise the figures alone explain it.
    Cause("spouse exemption", "Ours leaves the lower earner's work income, up to {our_exemption}, out of a "
          "couple's income, as the CRA does; PE has no such exemption.", {"canada_workers_benefit"},
          lambda c: _spouse_exemption(c.raw) > 0 and not _same(c.program, c.ours, c.pe_aligned), pe_variant="exempt"),
    Cause("senior with a partner", "The OAS recovery tax is on the person's own income, which we do not ask, so "
          "ours shows the most that can be paid; PE takes it off.", {"old_age_security"},
          lambda c: bool(c.raw.get("has_partner")), pe_variant="before_recovery"),
]


def _same(program: Program, ours, theirs: float) -> bool:
    if program.compare == "eligible":
        return bool(ours) == (theirs > 0)
    return abs(ours - theirs) <= TOLERANCE


def _our_answer(program: Program, result):
    if program.compare == "eligible":
        return None if result.status not in (ELIGIBLE, INELIGIBLE) else result.status == ELIGIBLE
    return result.amount_yearly


def explain_disagreement(case: Case, ruleset, pe_runs: dict) -> str:
    program, raw, i = case.program, case.raw, case.index
    changes, pe_variant, labels = [], "aligned", []
    for c in CAUSES:
        if c.programs is not None and program.id not in c.programs or not c.applies(case):
            continue
        labels.append(c.key.format(status=STATUS_LABELS.get(raw["status_in_canada"], raw["status_in_canada"])))
        if c.ours_change:
            changes.append(c.ours_change)
        if c.pe_variant:
            pe_variant = c.pe_variant
        if c.check:
            agree = c.check(case)
        else:
            mine = case.ours
            if changes:
                changed = raw
                for change in changes:
                    changed = change(changed, ruleset.vocabulary)
                (result,) = [r for r in screen(ruleset, ruleset.vocabulary.parse_answers(changed), SCREEN_DATE)
                             if r.program.id == program.id]
                mine = _our_answer(program, result)
            agree = mine is not None and _same(program, mine, pe_runs[pe_variant][program.id][i])
        if agree:
            return " + ".join(labels)
    if not labels and program.id in FIGURES_CAUSE and _same(program, case.ours, pe_runs["aligned"][program.id][i]):
        return FIGURES_CAUSE[program.id][0]
    return "unexplained" + (f" (tried: {' + '.join(labels)})" if labels else "")


# -- the run ------------------------------------------------------------------------------------------

def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--households", type=int, default=HOUSEHOLDS)
    parser.add_argument("--seed", type=int, default=SEED)
    parser.add_argument("--json", type=Path, default=SUMMARY, help="where to write the machine-readable summary")
    args = parser.parse_args(argv)
    started = time.perf_counter()

    try:
        from importlib.metadata import version

        from policyengine_canada import CountryTaxBenefitSystem
    except ImportError:
        print("policyengine-canada is not installed: pip install '.[bench]' (or run `make crosscheck`).")
        return 2

    ruleset = load_ruleset(RULES_DIR)
    ours_programs = {p.id: p for p in ruleset.programs}
    for p in PROGRAMS:
        p.present = p.id in ours_programs
        if p.present and ours_programs[p.id].amount is None:
            # Our CWB screens who can claim but gives no amount (Alberta's own CWB figures are not in a
            # source we could read): compare eligibility instead.
            p.compare = "eligible"
            p.notes = p.notes + ["Our rules give no amount, so eligibility is compared: ours 'eligible' "
                                 "against PE paying more than $0."]
    active = [p for p in PROGRAMS if p.present]
    by_id = {p.id: p for p in active}

    rng = random.Random(args.seed)
    households = [make_household(rng, ruleset.vocabulary) for _ in range(args.households)]

    # Ours.
    t = time.perf_counter()
    ours = []
    for raw in households:
        results = screen(ruleset, ruleset.vocabulary.parse_answers(raw), SCREEN_DATE)
        ours.append({r.program.id: r for r in results if r.program.id in by_id})
    ours_seconds = time.perf_counter() - t
    params_by_program = {p.id: params for p, _, params in ruleset.on(SCREEN_DATE) if p.id in by_id}
    CWB_SPOUSE_EXEMPTION[0] = float(params_by_program.get("canada_workers_benefit", {}).get("spouse_exemption", 0))

    # Theirs: as published, and with PE's figures set to ours ("aligned").
    t = time.perf_counter()
    baseline = CountryTaxBenefitSystem()
    rows = compare_parameters(baseline, params_by_program, by_id)
    aligned_system = CountryTaxBenefitSystem()
    align(aligned_system, rows)
    pe_setup = time.perf_counter() - t
    t = time.perf_counter()
    runs = {}  # (variant, year) -> program -> values
    for year in sorted({p.pe_year for p in active}):
        wanted = {p.id for p in active if p.pe_year == year}
        supplement = {"cwb_supplement"} if "canada_workers_benefit" in wanted else set()
        runs["published", year] = pe_amounts(baseline, households, year, False, wanted | supplement)
        extra = {"oas_before_recovery"} if "old_age_security" in wanted else set()
        runs["aligned", year] = pe_amounts(aligned_system, households, year, True, wanted | extra)
        runs["before_recovery", year] = {"old_age_security": runs["aligned", year].get("oas_before_recovery")}
        for name, (change, programs) in PE_VARIANTS.items():
            if wanted & programs:  # run only the households where one of these programs disagrees
                runs[name, year] = pe_variant(aligned_system, households, ours, runs["published", year], year,
                                              change, wanted & programs)
    pe_seconds = time.perf_counter() - t

    summary = {
        "screen_date": SCREEN_DATE.isoformat(), "seed": args.seed, "households": len(households),
        "tolerance_dollars": TOLERANCE, "policyengine_canada": version("policyengine-canada"),
        "missing_programs": [p.id for p in PROGRAMS if not p.present],
        "coverage": coverage(households),
        "programs": {}, "parameters": rows,
        "seconds": {"ours_screening": round(ours_seconds, 2), "pe_setup": round(pe_setup, 2),
                    "pe_simulations": round(pe_seconds, 2)},
    }
    pe_params = pe_side_parameters(baseline, params_by_program)
    summary["causes"] = legend(pe_params)
    for program in active:
        year_runs = {variant: values for (variant, year), values in runs.items() if year == program.pe_year}
        summary["programs"][program.id] = check_program(program, ruleset, households, ours, year_runs,
                                                        params_by_program[program.id], pe_params)
    if "canada_workers_benefit" in by_id and by_id["canada_workers_benefit"].compare == "amount":
        summary["programs"]["canada_workers_benefit"]["disability_supplement"] = supplement_note(
            households, ours, runs["published", by_id["canada_workers_benefit"].pe_year]["cwb_supplement"])
    summary["seconds"]["total"] = round(time.perf_counter() - started, 2)

    report(summary, active)
    args.json.parent.mkdir(parents=True, exist_ok=True)
    args.json.write_text(json.dumps(summary, indent=1, ensure_ascii=False) + "\n")
    try:
        shown = args.json.resolve().relative_to(ROOT)
    except ValueError:
        shown = args.json
    print(f"\nSummary written to {shown}")
    return 0


def pe_side_parameters(system, params_by_program: dict) -> dict:
    """PE figures the causes need: the OAS recovery thresholds, where PE's CWB is fully phased in and stops."""
    out = {}
    oas = params_by_program.get("old_age_security")
    if oas:
        out["our_threshold"] = f"${oas['recovery_threshold']:,.0f}"
        year = PROGRAMS_BY_ID["old_age_security"].pe_year
        pe = pe_node(system.parameters, f"{_OAS}.repayment_tax[1].threshold")(f"{year}-01-01")
        out["pe_threshold"] = f"${pe:,.0f}"
    cwb = params_by_program.get("canada_workers_benefit")
    if cwb and "ab_max_single" in cwb:
        at = f"{PROGRAMS_BY_ID['canada_workers_benefit'].pe_year}-01-01"
        p = system.parameters.gov.cra.benefits.cwb
        single_in, single_out = p.phase_in.base.single.brackets[1], p.phase_out.base.single.brackets[1]
        out["pe_cwb"] = (f"{single_in.rate(at):.0%} of work income over ${single_in.threshold(at):,.0f}, up to "
                         f"${p.amount.single(at):,.0f} single or ${p.amount.family(at):,.0f} family, less "
                         f"{single_out.rate(at):.0%} of income over ${single_out.threshold(at):,.0f} or "
                         f"${p.phase_out.base.family.brackets[1].threshold(at):,.0f}")
        out["our_cwb"] = (f"{cwb['ab_phase_in_rate']:.0%} over ${cwb['ab_work_start']:,.0f}, up to "
                          f"${cwb['ab_max_single']:,.0f} or ${cwb['ab_max_family']:,.0f}, less "
                          f"{cwb['ab_phase_out_rate']:.0%} over ${cwb['ab_threshold_single']:,.0f} or "
                          f"${cwb['ab_threshold_family']:,.0f}")
        out["our_exemption"] = f"${cwb['spouse_exemption']:,.0f}"
    return out


def supplement_note(households, ours, supplement) -> dict:
    """Not compared: where PE pays a CWB disability supplement (rest-of-Canada figures), and how often our
    basic amount is $0 there, so that ours says "not eligible" while a supplement may be paid."""
    paid = [i for i in range(len(households)) if float(supplement[i]) > 0]
    zero = [i for i in paid if ours[i]["canada_workers_benefit"].status == INELIGIBLE]
    return {"pe_pays_supplement": len(paid), "ours_basic_zero_there": len(zero),
            "examples": [{"household": i, "pe_supplement": round(float(supplement[i]), 2),
                          "answers": households[i]} for i in zero[:3]]}


def check_program(program: Program, ruleset, households, ours, runs: dict, params: dict, pe_params: dict) -> dict:
    compared = agree = undecided = paying = paying_agree = 0
    causes = defaultdict(lambda: {"count": 0, "ours_minus_pe": [], "examples": []})
    worst_agreeing = 0.0
    published = runs["published"][program.id]
    for i, raw in enumerate(households):
        result = ours[i][program.id]
        mine = _our_answer(program, result)
        if mine is None:
            undecided += 1
            continue
        compared += 1
        theirs = float(published[i])
        pays = bool(mine) or theirs > 0  # either engine pays (or finds eligible)
        paying += pays
        if _same(program, mine, theirs):
            agree += 1
            paying_agree += pays
            if program.compare == "amount":
                worst_agreeing = max(worst_agreeing, abs(mine - theirs))
            continue
        case = Case(program, i, raw, result, mine, theirs, result.criteria_statuses(), params, pe_params,
                    float(runs["aligned"][program.id][i]))
        why = explain_disagreement(case, ruleset, runs)
        entry = causes[why]
        entry["count"] += 1
        if program.compare == "amount":
            entry["ours_minus_pe"].append(mine - theirs)
        if len(entry["examples"]) < 3:
            entry["examples"].append({"household": i, "ours": mine, "pe": round(theirs, 2),
                                      "pe_aligned": round(float(runs["aligned"][program.id][i]), 2), "answers": raw})
    by_cause = {}
    for why, entry in sorted(causes.items(), key=lambda kv: -kv[1]["count"]):
        gaps = entry.pop("ours_minus_pe")
        if gaps:
            entry["ours_minus_pe"] = {"min": round(min(gaps), 2), "max": round(max(gaps), 2),
                                      "mean": round(sum(gaps) / len(gaps), 2)}
        by_cause[why] = entry
    figures = FIGURES_CAUSE[program.id][0] if program.id in FIGURES_CAUSE else None
    return {
        "name": program.name, "pe_year": program.pe_year, "pe_variables": program.pe_variables,
        "compare": program.compare, "notes": program.notes,
        "compared": compared, "undecided_by_us": undecided, "agree": agree,
        "agree_share": round(agree / compared, 4) if compared else None,
        "either_pays": paying, "either_pays_agree": paying_agree,
        "agree_with_figures_aligned": agree + (by_cause.get(figures, {}).get("count", 0) if figures else 0),
        "largest_gap_among_agreeing": round(worst_agreeing, 2),
        "disagreements_by_cause": by_cause,
        "unexplained": sum(e["count"] for why, e in by_cause.items() if why.startswith("unexplained")),
    }


def report(summary: dict, active) -> None:
    print(f"Cross-check of our engine against policyengine-canada {summary['policyengine_canada']}: "
          f"{summary['households']} Alberta households (seed {summary['seed']}), screened on {summary['screen_date']}.")
    if summary["missing_programs"]:
        print(f"Not in our rules yet, skipped: {', '.join(summary['missing_programs'])}.")
    cover = summary["coverage"]
    print("Households: " + "; ".join(f"{k} {v}" for k, v in cover.items() if not isinstance(v, dict))
          + "; family net income from ${min:,} to ${max:,} (median ${median:,})".format(**cover["family net income"]))
    different = [r for r in summary["parameters"] if not r["same"]]
    print(f"\nParameters: {len(summary['parameters'])} compared, {len(different)} differ")
    for r in different:
        print(f"  {r['program']:<17} {r['ours']:<24} ours {r['ours_value']:>12,.4f}   "
              f"PE {r['pe_year']} {r['pe_value']:>12,.4f}   {r['pe']}")
    print(f"\n{'program':<34}{'PE year':>8}{'compared':>10}{'agree':>8}{'share':>8}"
          f"{'either pays':>13}{'agree':>7}{'PE aligned':>12}   what agrees")
    for program in active:
        s = summary["programs"][program.id]
        what = "within $1 a year" if program.compare == "amount" else "ours eligible = PE pays > $0"
        print(f"{program.name:<34}{program.pe_year:>8}{s['compared']:>10}{s['agree']:>8}"
              f"{100 * (s['agree_share'] or 0):>7.1f}%{s['either_pays']:>13}{s['either_pays_agree']:>7}"
              f"{s['agree_with_figures_aligned']:>12}   {what}")
    print("(either pays: households where at least one engine pays; PE aligned: agreements once PE uses our "
          "figures, and adjusted family net income for the GST/HST credit)")
    for program in active:
        s = summary["programs"][program.id]
        if not s["disagreements_by_cause"]:
            continue
        print(f"\n{program.name}: {s['compared'] - s['agree']} disagreements")
        for why, entry in s["disagreements_by_cause"].items():
            gap = entry.get("ours_minus_pe")
            spread = f"  [ours - PE: {gap['min']:,.2f} to {gap['max']:,.2f}]" if gap else ""
            print(f"  {entry['count']:>5}  {why}{spread}")
    used = {part for s in summary["programs"].values() for why in s["disagreements_by_cause"]
            for part in why.split(" + ")}
    print("\nCauses (each verified: undoing it, with PE's figures set to ours, makes the two agree):")
    for key, label in summary["causes"].items():
        if key in used or (key.startswith("status") and any(u.startswith("status") for u in used)):
            print(f"  {key}: {label}")
    sec = summary["seconds"]
    print(f"\nTime: ours {sec['ours_screening']:.2f} s for all households; PE set-up {sec['pe_setup']:.2f} s, "
          f"PE simulations {sec['pe_simulations']:.2f} s; total {sec['total']:.1f} s")
    note = summary["programs"].get("canada_workers_benefit", {}).get("disability_supplement")
    if note:
        print(f"\nCWB disability supplement (not compared): PE pays it to {note['pe_pays_supplement']} households; "
              f"in {note['ours_basic_zero_there']} of them our basic amount is $0, so ours says not eligible.")
    unexplained = sum(s["unexplained"] for s in summary["programs"].values())
    if unexplained:
        print(f"\n{unexplained} disagreements have no known cause: read their examples in the summary.")


PROGRAMS_BY_ID = {p.id: p for p in PROGRAMS}

if __name__ == "__main__":
    sys.exit(main())
