"""The JSON API: what each operation answers, and how it refuses."""

from __future__ import annotations

import datetime as dt
import json
import re

import pytest

from app import create_app
from app.engine import screen

FAMILY = {"region": "calgary", "status_in_canada": "citizen", "has_partner": False,
          "you": {"age": 31, "dtc": False, "working_income": 18000},
          "children": [{"age": 2, "dtc": False}, {"age": 5, "dtc": False}],
          "filed_taxes": True, "family_net_income": 22000}


def test_screen_gives_the_engines_results_in_the_language_asked(app, client):
    response = client.post("/api/v1/screen?lang=fr", json={"answers": FAMILY, "date": "2026-11-01"})
    assert response.status_code == 200 and response.mimetype == "application/json"
    body = response.get_json()
    ruleset = app.extensions["ruleset"]
    expected = screen(ruleset, ruleset.vocabulary.parse_answers(FAMILY), dt.date(2026, 11, 1))
    assert [(r["id"], r["status"], r["amount_yearly"]) for r in body["results"]] == \
        [(r.program.id, r.status, r.amount_yearly) for r in expected]
    ccb = next(r for r in body["results"] if r["id"] == "ccb")
    assert ccb["name"] == "Allocation canadienne pour enfants" and ccb["why"]
    assert "reasons" not in ccb and body["language"] == "fr" and body["date"] == "2026-11-01"
    assert body["totals"]["yearly"] == pytest.approx(sum(r.amount_yearly or 0 for r in expected
                                                         if r.status == "eligible"), abs=0.01)
    assert "Set-Cookie" not in response.headers and response.headers["Cache-Control"] == "no-store"


def test_reasons_on_request(client):
    body = client.post("/api/v1/screen", json={"answers": FAMILY, "reasons": True}).get_json()
    ccb = next(r for r in body["results"] if r["id"] == "ccb")
    assert ccb["reasons"] and all("explanation" in row and "status" in row for row in ccb["reasons"])


def test_unknown_answers_name_the_questions_that_decide(client):
    body = client.post("/api/v1/screen", json={"answers": {"region": "calgary"}}).get_json()
    ccb = next(r for r in body["results"] if r["id"] == "ccb")
    assert ccb["status"] == "maybe" and "children" in ccb["deciding"]


def test_next_asks_a_page_of_questions_then_nothing(client):
    first = client.post("/api/v1/next", json={"answers": {}}).get_json()
    assert first["done"] is False and [q["id"] for q in first["questions"]] == ["region"]
    assert {c["value"] for c in first["questions"][0]["choices"]} >= {"calgary", "edmonton"}


@pytest.mark.parametrize("body, field", [
    ({"answers": {"region": "mars"}}, "/answers/region"),
    ({"answers": {"you": {"age": -3}}}, "/answers/you/age"),
    ({"answers": {"children": [{"age": 40}]}}, "/answers/children/0/age"),
    ({"answers": {"shoe_size": 9}}, "/answers"),
    ({"answers": FAMILY, "date": "2026-02-30"}, "/date"),
    ({}, "/"),
])
def test_a_body_that_does_not_fit_names_the_field(client, body, field):
    response = client.post("/api/v1/screen", json=body)
    assert response.status_code == 400 and response.mimetype == "application/problem+json"
    problem = response.get_json()
    assert problem["status"] == 400 and problem["title"]
    assert field in [e["field"] for e in problem["errors"]]


@pytest.mark.parametrize("data, content_type, status", [
    ("not json", "application/json", 400),
    ("{}", "text/plain", 415),
    ("[" * 100_000, "application/json", 413),
    ("[" * 5_000 + "]" * 5_000, "application/json", 400),
])
def test_bad_bodies_are_problems_not_errors(client, data, content_type, status):
    response = client.post("/api/v1/screen", data=data, content_type=content_type)
    assert response.status_code == status and response.mimetype == "application/problem+json"


def test_programs_questions_and_unknown_things(client):
    programs = client.get("/api/v1/programs?lang=ar").get_json()
    assert len(programs) > 40 and all(p["url"].startswith("/ar/programs/") for p in programs)
    assert client.get("/api/v1/programs/ccb").get_json()["name"] == "Canada Child Benefit"
    missing = client.get("/api/v1/programs/no-such")
    assert missing.status_code == 404 and missing.mimetype == "application/problem+json"
    questions = client.get("/api/v1/questions").get_json()
    income = next(q for q in questions if q["id"] == "family_net_income")
    assert income["type"] == "money" and "ccb" in income["programs"]
    assert client.get("/api/v1/programs?lang=xx").status_code == 400
    wrong = client.client.delete("/api/v1/screen")
    assert wrong.status_code == 405 and "POST" in wrong.headers["Allow"]
    assert client.get("/api/v1/nowhere").mimetype == "application/problem+json"


def test_the_openapi_document_is_3_1_and_follows_the_vocabulary(app, client):
    document = client.get("/api/v1/openapi.json").get_json()
    assert document["openapi"].startswith("3.1")
    answers = document["components"]["schemas"]["Answers"]["properties"]
    assert set(app.extensions["ruleset"].vocabulary.facts) <= set(answers)
    assert answers["children"]["maxItems"] == app.extensions["ruleset"].vocabulary.groups["children"].maximum


def test_cors_is_off_unless_configured(client):
    plain = client.post("/api/v1/screen", json={"answers": FAMILY}, headers={"Origin": "https://agency.example"})
    assert "Access-Control-Allow-Origin" not in plain.headers
    allowed = create_app({"TESTING": True, "API_CORS_ORIGINS": ["https://agency.example"]}).test_client()
    response = allowed.post("/api/v1/screen", json={"answers": FAMILY}, headers={"Origin": "https://agency.example"})
    assert response.headers["Access-Control-Allow-Origin"] == "https://agency.example"


def test_the_reference_page_is_served_by_the_app(client):
    response = client.get("/api/v1/")
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and "/screen" in html and "openapi.json" in html
    assert not re.search(r'(src|href)="(https?:)?//', html)  # nothing fetched from elsewhere
    assert json.loads(client.get("/api/v1/openapi.json").data)["info"]["title"] in html
