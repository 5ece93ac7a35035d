"""A synthetic Alberta population for ``flask rules impact --population N``.

Seeded, so the same N and seed give the same households. Every figure comes from
``data/alberta_population.yaml``, which says for each one whether it is a published table
(cited there) or an assumption. Each household stands for ``households / N`` Alberta
households, so totals scale to the province. It is an approximation: the report says so.

Generated answers are plain data in the household file format, with every question answered
(synthetic households know everything about themselves).
"""

from __future__ import annotations

import bisect
import datetime as dt
import itertools
import math
import random
from functools import lru_cache
from pathlib import Path

import yaml

from .impact import Case

DATA = Path(__file__).with_name("data") / "alberta_population.yaml"
APPROXIMATION = ("The synthetic population is an approximation: household type, tenure, shelter costs and "
                 "Calgary's households follow Statistics Canada figures; incomes, ages, Edmonton's households, "
                 "disability and newcomers are assumptions (app/services/data/alberta_population.yaml says which).")


@lru_cache(maxsize=1)
def figures() -> dict:
    with DATA.open(encoding="utf-8") as handle:
        return yaml.safe_load(handle)


class _Choice:
    """Draw one of several values in proportion to their weights."""

    def __init__(self, weighted: dict):
        self.values = list(weighted)
        self.bounds = list(itertools.accumulate(float(w) for w in weighted.values()))

    def __call__(self, rng: random.Random):
        return self.values[bisect.bisect_right(self.bounds, rng.random() * self.bounds[-1])]


class Generator:
    def __init__(self, data: dict):
        self.data = data
        kinds = ("couple_with_children", "couple_no_children", "lone_parent", "one_person", "other")
        self.kind = _Choice({k: data["household_type"][k] for k in kinds})
        self.children = _Choice({1: data["children"]["one"], 2: data["children"]["two"],
                                 3: data["children"]["three_or_more"]})
        self.tenure = _Choice({k: data["tenure"][k] for k in ("own", "rent", "other")})
        self.rent_band = _Choice({(lo, hi): count for lo, hi, count in data["monthly_shelter_cost"]["bands"]})
        municipalities = {name: entry["households"] for name, entry in data["municipality"].items()}
        municipalities["alberta_other"] = data["households"]["value"] - sum(municipalities.values())
        self.municipality = _Choice(municipalities)
        self.income = data["income"]
        self.ages = data["ages"]
        self.disability = data["disability"]
        self.recent = data["newcomers"]["recent_share"]

    def household(self, rng: random.Random) -> dict:
        kind = self.kind(rng)
        couple = kind in ("couple_with_children", "couple_no_children")
        low, high = self.ages[kind]
        you_age = rng.randint(low, high)
        children = []
        if kind in ("couple_with_children", "lone_parent"):
            count = self.children(rng)
            if count == 3 and rng.random() < 1 / 3:
                count = 4
            oldest = min(17, max(0, you_age - 16))
            children = [{"age": rng.randint(0, oldest), "dtc": self._severe(rng, 0)} for _ in range(count)]
        income = round(math.exp(math.log(self.income["median"][kind]) + rng.gauss(0, self.income["spread"])), 2)
        newcomer = rng.random() < self.recent
        answers = {
            "region": self.municipality(rng),
            "status_in_canada": ("permanent_resident" if rng.random() < 0.5 else "citizen") if newcomer else "citizen",
            "in_canada_18_months": not newcomer or rng.random() < 0.6,
            "has_partner": couple,
            "widowed": kind == "one_person" and you_age >= 65 and rng.random() < 0.45,
            "you": self._adult(rng, you_age, income, newcomer),
            "children": children,
            "student": "post_secondary" if 18 <= you_age <= 24 and rng.random() < 0.4 else "not_in_school",
            "pregnant": 18 <= you_age <= 42 and rng.random() < 0.03,
            "has_dental_insurance": you_age < 65 and income > 40_000 and rng.random() < 0.7,
            "pays_child_care": any(c["age"] < 13 for c in children) and rng.random() < 0.5,
            "filed_taxes": not newcomer or rng.random() < 0.5,
            "family_net_income": income,
            "victim_of_crime": rng.random() < 0.01,
        }
        housing = self.tenure(rng)
        answers["housing"] = housing
        if housing == "rent":
            lo, hi = self.rent_band(rng)
            answers["monthly_rent"] = round(rng.uniform(lo, hi))
        if couple:
            partner_age = max(18, min(100, you_age + rng.randint(-5, 5)))
            answers["partner"] = self._adult(rng, partner_age, income, newcomer)
        disabled = answers["you"]["dtc"] or answers.get("partner", {}).get("dtc", False)
        low_income = income < 30_000
        answers["gets_aish"] = bool(disabled and low_income and 18 <= you_age < 65 and rng.random() < 0.5)
        answers["gets_income_support"] = bool(low_income and not answers["gets_aish"] and you_age < 65
                                              and rng.random() < 0.15)
        return answers

    def _adult(self, rng: random.Random, age: int, income: float, newcomer: bool) -> dict:
        working = 18 <= age < 65 and rng.random() < 0.8
        years = rng.randint(0, 4) if newcomer else max(0, age - 18)
        dtc = self._severe(rng, age)
        return {
            "age": age,
            "dtc": dtc,
            "working_income": round(income * rng.uniform(0.3, 0.9), 2) if working else 0,
            "years_in_canada": min(years, 110),
            "cannot_work": dtc and rng.random() < 0.5,
            "paid_into_cpp": age >= 18 and (working or age >= 65) and not newcomer,
        }

    def _severe(self, rng: random.Random, age: int) -> bool:
        rates = self.disability
        rate = (rates["15_to_24"] / 2 if age < 15 else rates["15_to_24"] if age < 25
                else rates["25_to_64"] if age < 65 else rates["65_plus"])
        return rng.random() < rate * rates["severe_share"]


def households(count: int, seed: int, date: dt.date) -> list[Case]:
    """``count`` synthetic households, each standing for its share of Alberta's households."""
    data = figures()
    generator = Generator(data)
    rng = random.Random(seed)
    weight = data["households"]["value"] / count
    cases = []
    for n in range(count):
        raw = generator.household(rng)
        cases.append(Case(f"synthetic #{n + 1}", raw, date, weight, describe(raw)))
    return cases


def describe(raw: dict) -> str:
    """A household in a few words, for examples in the report."""
    you = raw.get("you", {})
    people = "a couple" if raw.get("has_partner") else "one adult"
    children = raw.get("children") or []
    parts = [f"{people} aged {you.get('age')}"]
    if children:
        parts.append(f"{len(children)} child{'ren' if len(children) > 1 else ''} aged "
                     + ", ".join(str(c["age"]) for c in children))
    parts.append(f"{raw.get('region', '').replace('_', ' ')}, {raw.get('housing', '')}")
    parts.append(f"family net income ${raw.get('family_net_income', 0):,.0f}")
    return "; ".join(parts)
