"""How many questions typical households are asked, and how heavy the results page is.

Run with `.venv/bin/python benchmarks/questionnaire.py`. Walks each household
through the real app (Flask test client) the way a person would.
"""

from __future__ import annotations

import gzip
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from app import create_app  # noqa: E402
from tests.pages import walk  # noqa: E402

HOUSEHOLDS = {
    "Single parent, two young children, low work income (Calgary)": {
        "region": "calgary", "status_in_canada": "citizen", "has_partner": False,
        "you": {"age": 29, "dtc": False, "working_income": 18000},
        "children": [{"age": 2, "dtc": False}, {"age": 5, "dtc": False}], "filed_taxes": True,
        "family_net_income": 22000},
    "Senior couple on a pension (Edmonton)": {
        "region": "edmonton", "status_in_canada": "citizen", "has_partner": True,
        "you": {"age": 71, "dtc": False, "working_income": 0},
        "partner": {"age": 68, "dtc": False, "working_income": 0},
        "children": [], "filed_taxes": True, "family_net_income": 38000},
    "Single adult with a disability (Red Deer)": {
        "region": "alberta_other", "status_in_canada": "permanent_resident", "has_partner": False,
        "you": {"age": 45, "dtc": True, "working_income": 4000}, "children": [], "filed_taxes": True,
        "family_net_income": 21000},
    "Couple, three children, one earner, income not known (Edmonton)": {
        "region": "edmonton", "status_in_canada": "permanent_resident", "has_partner": True,
        "you": {"age": 38, "dtc": False, "working_income": 41000},
        "partner": {"age": 35, "dtc": False, "working_income": 0},
        "children": [{"age": 1, "dtc": False}, {"age": 7, "dtc": True}, {"age": 12, "dtc": False}],
        "filed_taxes": True, "family_net_income": "dont_know"},
}


def main() -> None:
    app = create_app({"SCREENING_DATE": "2026-11-25"})
    vocabulary = app.extensions["ruleset"].vocabulary
    client = app.test_client()
    css = client.get("/static/style.css").data
    js = client.get("/static/enhance.js").data
    icon = client.get("/static/favicon.svg").data
    for name, household in HOUSEHOLDS.items():
        asked, _, results = walk(client, "en", household, vocabulary)
        html = results.data
        total = len(html) + len(css) + len(js) + len(icon)
        gz = sum(len(gzip.compress(x)) for x in (html, css, js, icon))
        questions = sum(len(p.split(',')) for p in asked)
        print(f"{name}: {len(asked)} question pages ({questions} questions): {' | '.join(asked)}")
        print(f"    results page: HTML {len(html) / 1024:.1f} KB, with CSS, JS and icon {total / 1024:.1f} KB "
              f"({gz / 1024:.1f} KB gzipped), 4 requests, no images or fonts")


if __name__ == "__main__":
    main()
