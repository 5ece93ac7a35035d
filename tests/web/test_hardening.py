"""No request ever yields a 5xx, and every response carries the security headers."""

import html as html_module
import json
import logging
import re
from pathlib import Path

import pytest

from app import create_app
from app.web.security import HEADERS

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
FAMILY = {"region": "calgary", "status_in_canada": "citizen", "has_partner": False,
          "you": {"age": 29, "dtc": False, "working_income": 18000},
          "children": [{"age": 2, "dtc": False}], "filed_taxes": True, "family_net_income": 22000}


@pytest.fixture(scope="module")
def client():
    return create_app({"TESTING": True, "SCREENING_DATE": "2026-11-25"}).test_client()


def assert_secure(response):
    for name, value in HEADERS.items():
        assert response.headers.get(name) == value, name
    assert "Set-Cookie" not in response.headers
    assert "interest-cohort" not in response.headers["Permissions-Policy"]  # retired; browsers warn


@pytest.mark.parametrize("host", ["a" * 64 + ".example", "a..b", "." * 300, "x" * 254])
def test_a_host_no_url_can_be_built_for_is_a_plain_400(client, host):
    for path in ("/en/", "/en/nowhere", "/"):
        response = client.get(path, headers={"Host": host})
        assert response.status_code == 400
        assert_secure(response)


@pytest.mark.parametrize("value", [int("9" * 400), -int("9" * 400), 1e308, "1" * 400])
def test_huge_numbers_in_carried_answers_never_break_a_page(client, value):
    for raw in ({"family_net_income": value}, {"you": {"working_income": value}}, {"children": [{"age": value}]}):
        for path in ("/en/results", "/en/check", "/en/question"):
            response = client.post(path, data={"answers": json.dumps(dict(FAMILY, **raw))})
            assert response.status_code == 200, (path, raw)
            assert_secure(response)


@pytest.mark.parametrize("typed", ["9" * 400, "1e309", "\u0661\u0662\u0663\u0664\u0665" * 80, "9" * 39])
def test_huge_numbers_typed_into_a_box_get_a_message(client, typed):
    data = {"answers": json.dumps({k: v for k, v in FAMILY.items() if k != "family_net_income"}),
            "q": "family_net_income", "family_net_income-0": typed}
    response = client.post("/en/answer", data=data)
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "error-summary" in html and "Enter a" in html


def test_digits_of_another_script_are_read(client):
    """Arabic-Indic digits typed on an Arabic keyboard are a number like any other."""
    data = {"answers": json.dumps({k: v for k, v in FAMILY.items() if k != "family_net_income"}),
            "q": "family_net_income", "family_net_income-0": "\u0662\u0662\u0660\u0660\u0660"}
    response = client.post("/ar/answer", data=data)
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    carried = json.loads(html_module.unescape(re.search(r'name="answers" value="([^"]*)"', html).group(1)))
    assert "error-summary" not in html and carried["family_net_income"] == 22000


def test_errors_redirects_and_static_files_carry_the_headers(client):
    for response in (client.get("/en/nowhere"), client.get("/"), client.get("/static/style.css"),
                     client.get("/static/nope.css"), client.post("/en/results", data={"answers": "x" * 70_000})):
        assert response.status_code in (200, 302, 404, 413)
        assert_secure(response)


def test_redirects_never_take_their_host_from_the_request(client):
    response = client.get("/", headers={"Host": "evil.example"})
    assert response.status_code == 302 and response.headers["Location"] == "/en/"
    response = client.get("/en/results", headers={"Host": "evil.example"})
    assert response.headers["Location"] == "/en/"
    response = client.get("/en", headers={"Host": "evil.example"})  # Werkzeug's trailing-slash redirect
    assert response.status_code == 308 and response.headers["Location"] == "/en/"


def test_the_app_will_not_start_on_a_divisor_that_can_be_zero(capsys):
    with pytest.raises(SystemExit, match="will not start"):
        create_app({"TESTING": True, "RULES_DIR": str(FIXTURES / "divide_by_zero")})
    assert "divide_by_zero/programs/sample.yaml:46: sample: in the amount formula" in capsys.readouterr().err


def test_a_formula_that_cannot_be_worked_out_says_so_and_logs_the_program_not_the_answers(caplog):
    app = create_app({"TESTING": True, "SCREENING_DATE": "2025-09-01", "RULES_DIR": str(FIXTURES / "overflow")})
    answers = {"region": "calgary", "has_partner": False, "children": [{"age": 3}], "sharers": 1,
               "multiplier": 1}
    with caplog.at_level(logging.ERROR, logger="benefits_finder"):
        for multiplier in (1e308, "dont_know", None):
            raw = dict(answers, multiplier=multiplier) if multiplier is not None else \
                {k: v for k, v in answers.items() if k != "multiplier"}
            response = app.test_client().post("/en/results", data={"answers": json.dumps(raw)})
            assert response.status_code == 200
            html = response.get_data(as_text=True)
            if multiplier == 1e308:
                assert "We could not work this out" in html
    assert "oversized" in caplog.text
    assert "calgary" not in caplog.text and "multiplier" not in caplog.text and "1e+308" not in caplog.text
