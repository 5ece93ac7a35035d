"""policyengine-canada built from arrays, for `benchmarks/batch.py --pe PYTHON` (run with that Python).

Reads households in our flat layout from a Parquet file and builds one policyengine-canada
simulation from arrays (SimulationBuilder, then set_input per variable: no situation dictionary),
with the same inputs as benchmarks/engine.py's _pe_situation: each adult's age, disability tax
credit and work income, the gap to the family net income as investment income (or as deductions
when negative), children with full custody, Alberta (Ontario for "somewhere else in Canada").
Then it works out the six programs both engines model and prints the seconds as JSON:
{"build": s, "compute": s, "households": n}.
"""

from __future__ import annotations

import json
import sys
import time

import numpy as np
import pyarrow.parquet as pq
from policyengine_canada import CountryTaxBenefitSystem
from policyengine_core.simulations import SimulationBuilder

YEAR = 2026


def number(column) -> np.ndarray:
    values = np.array([float(v) if v not in (None, "", "dont_know") else np.nan for v in column])
    return np.nan_to_num(values)


def yes(column) -> np.ndarray:
    return np.array([v == "yes" for v in column])


def main(path: str) -> None:
    table = pq.read_table(path).to_pydict()
    n = len(table["id"])
    system = CountryTaxBenefitSystem()
    started = time.perf_counter()
    partner = yes(table["has_partner"])
    kids = np.array([int(v) if v not in (None, "") else 0 for v in table["children"]])
    # People, household by household: you, then your partner, then the children.
    sizes = 1 + partner + kids
    household_of = np.repeat(np.arange(n), sizes)
    first = np.concatenate([[0], np.cumsum(sizes)[:-1]])
    index_in = np.arange(len(household_of)) - first[household_of]
    is_head = index_in == 0
    is_spouse = (index_in == 1) & partner[household_of]
    child_number = index_in - 1 - partner[household_of]
    is_child = ~(is_head | is_spouse)

    def per_person(you, mate, child_columns):
        out = np.where(is_head, you[household_of], mate[household_of])
        for j, column in enumerate(child_columns):
            out = np.where(is_child & (child_number == j), column[household_of], out)
        return out

    widest = int(kids.max(initial=0))
    age = per_person(number(table["you.age"]), number(table["partner.age"]),
                     [number(table[f"children.{j}.age"]) for j in range(widest)])
    dtc = per_person(yes(table["you.dtc"]), yes(table["partner.dtc"]),
                     [yes(table[f"children.{j}.dtc"]) for j in range(widest)])
    years = per_person(number(table["you.years_in_canada"]), number(table["partner.years_in_canada"]), [])
    you_work, mate_work = number(table["you.working_income"]), number(table["partner.working_income"]) * partner
    work = np.where(is_child, 0.0, per_person(you_work, mate_work, []))
    gap = number(table["family_net_income"]) - (you_work + mate_work)
    investment = np.where(is_head, np.maximum(gap, 0)[household_of], 0.0)
    earnings = (you_work + mate_work)[household_of]
    share = np.where(earnings > 0, work / np.where(earnings > 0, earnings, 1), np.where(is_head, 1.0, 0.0))
    deductions = np.where(is_child, 0.0, np.maximum(-gap, 0)[household_of] * share)

    builder = SimulationBuilder()
    builder.create_entities(system)
    people = [f"p{i}" for i in range(len(household_of))]
    builder.declare_person_entity("person", people)
    households = builder.declare_entity("household", [f"h{i}" for i in range(n)])
    builder.join_with_persons(households, np.array([f"h{i}" for i in household_of]), ["member"] * len(people))
    simulation = builder.build(system)
    for name, values in (("age", age.astype(int)), ("is_head", is_head), ("is_spouse", is_spouse),
                         ("dtc_eligible", dtc), ("adult_years_in_canada", years.astype(int)),
                         ("employment_income", work), ("investment_income", investment),
                         ("deductions_from_total_to_net_income", deductions), ("full_custody", is_child)):
        simulation.set_input(name, YEAR, values)
    province = np.array(["ONT" if r == "outside_alberta" else "AB" for r in table["region"]])
    simulation.set_input("province_name", YEAR, province)
    built = time.perf_counter()
    for variable in ("child_benefit", "child_disability_benefit", "gst_credit_base", "cwb_base",
                     "alberta_child_and_family_benefit", "oas_net"):
        simulation.calculate(variable, YEAR)
    done = time.perf_counter()
    print(json.dumps({"build": built - started, "compute": done - built, "households": n}))


if __name__ == "__main__":
    main(sys.argv[1])
