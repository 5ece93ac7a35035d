"""Every route through the Flask test client, with a check on every page rendered."""

from __future__ import annotations

import json
import re

import pytest
from markupsafe import escape

from ...pages import CheckedClient, Page, fields_for, walk

FAMILY = {"region": "calgary", "status_in_canada": "citizen", "has_partner": False,
          "you": {"age": 29, "dtc": False, "working_income": 18000},
          "children": [{"age": 2, "dtc": False}, {"age": 5, "dtc": False}],
          "filed_taxes": True, "family_net_income": 22000}


def first_question(client, lang="en"):
    response = client.post(f"/{lang}/question", data={"start": "1"})
    return response, Page(response.get_data(as_text=True))


def answer(client, page, data, lang="en"):
    form = page.form("/answer")
    response = client.post(f"/{lang}/answer", data={**Page.hidden(form), **data})
    return response, Page(response.get_data(as_text=True))


def reach(client, vocabulary, qid, household=FAMILY, lang="en"):
    """Answer questions until the page asking `qid` is shown."""
    response, page = first_question(client, lang)
    for _ in range(30):
        form = page.form("/answer")
        current = Page.hidden(form)["q"]
        if current == qid:
            return response, page
        response, page = answer(client, page, fields_for(current, household, vocabulary), lang)
    raise AssertionError(f"{qid} was never asked")


@pytest.mark.parametrize("header, where", [("fr-CA,fr;q=0.9,en;q=0.5", "/fr/"), ("en-US", "/en/"), ("", "/en/"),
                                           ("de", "/en/")])
def test_root_picks_a_language(client, header, where):
    response = client.get("/", headers={"Accept-Language": header} if header else {})
    assert response.status_code == 302 and response.location.endswith(where)


def test_start_page_in_both_languages(client):
    english = client.get("/en/")
    assert english.status_code == 200
    text = english.get_data(as_text=True)
    assert "Nothing you tell us is stored" in text and "211" in text and "Start now" in text
    french = client.get("/fr/")
    assert 'lang="fr"' in french.get_data(as_text=True)
    assert 'href="/fr/"' in text  # the toggle leads to the same page in French


def test_unknown_language_and_page_are_not_found(client):
    assert client.get("/de/").status_code == 404
    assert client.get("/en/nowhere").status_code == 404


@pytest.mark.parametrize("path", ["/en/question", "/en/check", "/en/results"])
def test_answer_pages_reached_by_get_go_to_the_start(client, path):
    response = client.get(path)
    assert response.status_code == 302 and response.location.endswith("/en/")


def test_a_whole_family_reaches_results(app, vocabulary):
    asked, responses, results = walk(CheckedClient(app.test_client()), "en", FAMILY, vocabulary)
    assert len(asked) == len(set(asked))
    html = results.get_data(as_text=True)
    assert "Canada Child Benefit" in html and "Benefits you can likely get" in html
    assert "$16,314 a year" in html  # 2 children under 6 below the first threshold: 2 x $8,157 (2026-27)
    assert "2025\u201326 figures" in html  # the freshness flag after June 2026
    for response in responses[1:]:
        assert response.headers["Cache-Control"] == "no-store"


def test_questions_that_cannot_matter_are_not_asked(app, vocabulary):
    household = dict(FAMILY, children=[], has_partner=False)
    asked, _, _ = walk(app.test_client(), "en", household, vocabulary)
    assert not any(q.startswith("children.") for q in asked)
    assert not any(q.startswith("partner.") for q in asked)


def test_empty_answer_shows_errors_and_keeps_the_page(client, vocabulary):
    _, page = reach(client, vocabulary, "family_net_income")
    response, page = answer(client, page, {})
    html = response.get_data(as_text=True)
    assert page.title.startswith("Error: ")
    assert "There is a problem" in html
    assert 'href="#value-0"' in html and 'id="value-0-error"' in html
    assert Page.hidden(page.form("/answer"))["q"] == "family_net_income"


@pytest.mark.parametrize("typed", ["$22,000", "22000", " 22 000 ", "$22,000.00", "22000.5"])
def test_money_is_read_the_way_people_write_it(client, vocabulary, typed):
    _, page = reach(client, vocabulary, "family_net_income")
    _, page = answer(client, page, {"value-0": typed})
    answers = json.loads(Page.hidden(page.forms[-1])["answers"])
    assert answers["family_net_income"] == pytest.approx(float(re.sub(r"[^\d.]", "", typed)))


def test_money_in_french_with_a_decimal_comma(client, vocabulary):
    _, page = reach(client, vocabulary, "family_net_income", lang="fr")
    _, page = answer(client, page, {"value-0": "22 000,50 $"}, lang="fr")
    assert json.loads(Page.hidden(page.forms[-1])["answers"])["family_net_income"] == 22000.5


@pytest.mark.parametrize("typed, words", [("lots", "Enter an amount in dollars"),
                                          ("1.2.3", "Enter an amount in dollars"),
                                          ("99999999999", "Enter an amount from")])
def test_bad_money_gets_a_clear_message_and_keeps_the_input(client, vocabulary, typed, words):
    _, page = reach(client, vocabulary, "family_net_income")
    response, page = answer(client, page, {"value-0": typed})
    html = response.get_data(as_text=True)
    assert words in html
    assert f'value="{typed}"' in html


def test_both_a_number_and_dont_know_is_an_error(client, vocabulary):
    _, page = reach(client, vocabulary, "family_net_income")
    response, _ = answer(client, page, {"value-0": "100", "dont_know-0": "y"})
    assert "not both" in response.get_data(as_text=True)


def test_inputs_use_inputmode_not_number_type(client, vocabulary):
    response, _ = reach(client, vocabulary, "family_net_income")
    html = response.get_data(as_text=True)
    assert 'inputmode="decimal"' in html and 'type="number"' not in html
    assert "required" not in html and " pattern=" not in html  # no HTML5 validation


def test_child_questions_come_as_one_page_per_fact(client, vocabulary):
    response, page = reach(client, vocabulary, "children.age")
    html = response.get_data(as_text=True)
    assert "Child 1" in html and "Child 2" in html and "Child 3" not in html


def test_back_goes_to_the_previous_question(client, vocabulary):
    _, page = first_question(client)
    first = Page.hidden(page.form("/answer"))["q"]
    _, page = answer(client, page, fields_for(first, FAMILY, vocabulary))
    back_form = page.form("/back")
    response = client.post("/en/back", data=Page.hidden(back_form))
    assert Page.hidden(Page(response.get_data(as_text=True)).form("/answer"))["q"] == first


def test_back_from_the_first_question_goes_to_the_start(client):
    _, page = first_question(client)
    response = client.post("/en/back", data=Page.hidden(page.form("/back")))
    assert response.status_code == 302 and response.location.endswith("/en/")


def _check_page(app, vocabulary, household=FAMILY):
    client = CheckedClient(app.test_client())
    _, page = first_question(client)
    for _ in range(30):
        try:
            form = page.form("/answer")
        except AssertionError:
            return client, page
        response, page = answer(client, page, fields_for(Page.hidden(form)["q"], household, vocabulary))
    raise AssertionError("never reached the check page")


def test_check_answers_lists_answers_with_change_buttons(app, vocabulary):
    client, page = _check_page(app, vocabulary)
    assert page.h1 == ["Check your answers"]
    change_forms = [f for f in page.forms if f["action"].endswith("/question")]
    assert len(change_forms) >= 5
    # Change the income: the question comes back with the answer filled in, then returns to this page.
    form = next(f for f in change_forms if Page.hidden(f)["q"] == "family_net_income")
    response = client.post("/en/question", data=Page.hidden(form))
    assert 'value="22,000"' in response.get_data(as_text=True)
    question = Page(response.get_data(as_text=True))
    response, page = answer(client, question, {"value-0": "50000"})
    assert page.h1 == ["Check your answers"]
    assert "$50,000" in response.get_data(as_text=True)


def test_changing_the_number_of_children_asks_about_the_new_child(app, vocabulary):
    client, page = _check_page(app, vocabulary)
    form = next(f for f in page.forms if f["action"].endswith("/question") and Page.hidden(f)["q"] == "children")
    question = Page(client.post("/en/question", data=Page.hidden(form)).get_data(as_text=True))
    response, page = answer(client, question, {"value-0": "3"})
    assert Page.hidden(page.form("/answer"))["q"] == "children.age"
    assert "Child 3" in response.get_data(as_text=True)


def test_language_toggle_keeps_the_page_and_answers(app, vocabulary):
    client = CheckedClient(app.test_client())
    response, page = reach(client, vocabulary, "family_net_income")
    toggle = page.form("/fr/question")
    hidden = Page.hidden(toggle)
    assert hidden["q"] == "family_net_income"
    french = client.post("/fr/question", data=hidden)
    french_page = Page(french.get_data(as_text=True))
    assert french_page.html_attrs["lang"] == "fr"
    assert Page.hidden(french_page.form("/answer"))["answers"] == hidden["answers"]


def test_results_page_groups_and_explains(app, vocabulary):
    _, _, results = walk(app.test_client(), "en", dict(FAMILY, family_net_income="dont_know"), vocabulary)
    html = results.get_data(as_text=True)
    assert "Benefits you may be able to get" in html
    assert "What would decide it" in html
    assert "<details" in html and "Benefits you cannot get right now" in html
    assert "How to apply" in html and "Documents to have ready" in html
    assert "Rules: ccb version 1.1.0, applied as of November 25, 2026." in html
    assert "up to $16,314 a year" in html


def test_print_stylesheet_is_there(client):
    css = client.client.get("/static/style.css").get_data(as_text=True)
    assert "@media print" in css


@pytest.mark.parametrize("payload", [
    {"answers": "not json"},
    {"answers": json.dumps({"shoe_size": 9, "region": "mars", "children": "lots"})},
    {"answers": json.dumps({"children": [{"age": 900}] * 50})},
    {"answers": json.dumps([1, 2, 3]), "history": "{}"},
    {"answers": "{" * 5000},
    {"q": "family_net_income", "value-0": "\x00\x01"},
    {"q": "../../etc/passwd"},
    {"q": "children.age", "answers": json.dumps({"children": []})},
])
@pytest.mark.parametrize("path", ["/en/question", "/en/answer", "/en/back", "/en/check", "/en/results"])
def test_tampered_posts_never_break_the_service(client, payload, path):
    response = client.post(path, data=payload)
    assert response.status_code in (200, 302)


def test_huge_posts_are_refused_politely(client):
    response = client.post("/en/answer", data={"answers": "x" * 200_000})
    assert response.status_code == 413
    assert "could not be read" in response.get_data(as_text=True)


def test_hsts_only_over_https(app):
    plain = app.test_client().get("/en/")
    secure = app.test_client().get("/en/", base_url="https://localhost")
    assert "Strict-Transport-Security" not in plain.headers
    assert "max-age=" in secure.headers["Strict-Transport-Security"]


def test_each_result_says_who_runs_it_and_marks_charities(app, vocabulary):
    _, _, results = walk(app.test_client(), "en", dict(FAMILY, family_net_income="dont_know"), vocabulary)
    html = results.get_data(as_text=True)
    programs = app.extensions["ruleset"].programs
    assert any(p.jurisdiction == "non-government" for p in programs)
    for program in programs:
        card = re.search(rf'<article[^>]*aria-labelledby="program-{program.id}">(.*?)</article>', html, re.S)
        assert card, program.id
        assert str(escape(f"Run by {program.administered_by}")) in card.group(1)
        charity = "Not a government program" in card.group(1)
        assert charity == (program.jurisdiction == "non-government"), program.id


def test_a_program_you_cannot_get_lists_only_what_is_not_met(app, vocabulary):
    _, _, results = walk(app.test_client(), "en", FAMILY, vocabulary)
    html = results.get_data(as_text=True)
    section = html.split('id="ineligible-heading"', 1)[1]
    reasons = re.findall(r'<li class="reason reason-(\w+)"', section)
    assert reasons and set(reasons) == {"not_met"}
