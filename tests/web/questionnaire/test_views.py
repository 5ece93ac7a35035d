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
    """Answer pages until the page asking `qid` is shown."""
    response, page = first_question(client, lang)
    for _ in range(30):
        form = page.form("/answer")
        current = Page.hidden(form)["q"]
        if qid in current.split(","):
            return response, page
        response, page = answer(client, page, fields_for(current, household, vocabulary, form), lang)
    raise AssertionError(f"{qid} was never asked")


def answer_rest(page, household, vocabulary, **given):
    """Fields answering every question on the page from `household`, with `given` fields replaced."""
    form = page.form("/answer")
    fields = fields_for(Page.hidden(form)["q"], household, vocabulary, form)
    fields.update(given)
    return {name: value for name, value in fields.items() if value is not None}


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


@pytest.mark.parametrize("path", ["/en/question", "/en/answer", "/en/back", "/en/check", "/en/results"])
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
    questions = [q for key in asked for q in key.split(",")]
    assert not any(q.startswith("children.") for q in questions)
    assert not any(q.startswith("partner.") for q in questions)


def test_empty_answer_shows_errors_and_keeps_the_page(client, vocabulary):
    _, page = reach(client, vocabulary, "family_net_income")
    key = Page.hidden(page.form("/answer"))["q"]
    response, page = answer(client, page, answer_rest(page, FAMILY, vocabulary, **{"family_net_income-0": None}))
    html = response.get_data(as_text=True)
    assert page.title.startswith("Error: ")
    assert "There is a problem" in html
    assert 'href="#family_net_income-0"' in html and 'id="family_net_income-0-error"' in html
    # The summary names the question, since the page asks more than one.
    assert "What was your net income last year, in dollars?: Enter an answer" in html
    assert Page.hidden(page.form("/answer"))["q"] == key
    assert 'value="18000"' in html  # the other answers on the page are kept as typed


@pytest.mark.parametrize("typed", ["$22,000", "22000", " 22 000 ", "$22,000.00", "22000.5"])
def test_money_is_read_the_way_people_write_it(client, vocabulary, typed):
    _, page = reach(client, vocabulary, "family_net_income")
    _, page = answer(client, page, answer_rest(page, FAMILY, vocabulary, **{"family_net_income-0": typed}))
    answers = json.loads(Page.hidden(page.forms[-1])["answers"])
    assert answers["family_net_income"] == pytest.approx(float(re.sub(r"[^\d.]", "", typed)))


def test_money_in_french_with_a_decimal_comma(client, vocabulary):
    _, page = reach(client, vocabulary, "family_net_income", lang="fr")
    _, page = answer(client, page, answer_rest(page, FAMILY, vocabulary, **{"family_net_income-0": "22 000,50 $"}),
                     lang="fr")
    assert json.loads(Page.hidden(page.forms[-1])["answers"])["family_net_income"] == 22000.5


@pytest.mark.parametrize("typed, words", [("lots", "Enter an amount in dollars"),
                                          ("1.2.3", "Enter an amount in dollars"),
                                          ("99999999999", "Enter an amount from")])
def test_bad_money_gets_a_clear_message_and_keeps_the_input(client, vocabulary, typed, words):
    _, page = reach(client, vocabulary, "family_net_income")
    response, page = answer(client, page, answer_rest(page, FAMILY, vocabulary, **{"family_net_income-0": typed}))
    html = response.get_data(as_text=True)
    assert words in html
    assert f'value="{typed}"' in html


def test_both_a_number_and_dont_know_is_an_error(client, vocabulary):
    _, page = reach(client, vocabulary, "family_net_income")
    response, _ = answer(client, page, answer_rest(page, FAMILY, vocabulary, **{"family_net_income-0": "100",
                                                                              "family_net_income-0-dont_know": "y"}))
    assert "not both" in response.get_data(as_text=True)


def test_inputs_use_inputmode_not_number_type(client, vocabulary):
    response, _ = reach(client, vocabulary, "family_net_income")
    html = response.get_data(as_text=True)
    assert 'inputmode="decimal"' in html and 'type="number"' not in html
    assert "required" not in html and " pattern=" not in html  # no HTML5 validation


def test_everyones_age_comes_on_one_page(client, vocabulary):
    response, page = reach(client, vocabulary, "children.age")
    assert Page.hidden(page.form("/answer"))["q"] == "you.age,children.age"
    assert page.h1 == ["How old is everyone?"]
    html = response.get_data(as_text=True)
    assert "Child 1" in html and "Child 2" in html and "Child 3" not in html


def test_people_are_named_by_their_age_once_it_is_known(client, vocabulary):
    response, page = reach(client, vocabulary, "children.dtc")
    html = response.get_data(as_text=True)
    assert "Your child aged 2" in html and "Your child aged 5" in html
    assert 'type="checkbox" id="children.dtc-1"' in html  # a tick box per child


def test_a_checklist_asks_only_what_can_still_matter(client, vocabulary):
    response, page = reach(client, vocabulary, "gets_aish")
    assert page.h1 == ["Which of these apply to you?"]
    key = Page.hidden(page.form("/answer"))["q"].split(",")
    html = response.get_data(as_text=True)
    assert "You filed a tax return for last year" in html  # "you" for one adult
    assert "or your partner" not in html
    assert "widowed" not in key or FAMILY["has_partner"] is False
    # Nothing ticked means no to each.
    _, page = answer(client, page, answer_rest(page, FAMILY, vocabulary, **{"filed_taxes-0": None}))
    answers = json.loads(Page.hidden(page.forms[-1])["answers"])
    assert answers["filed_taxes"] is False and answers["gets_aish"] is False


def test_a_couple_is_asked_about_both(client, vocabulary):
    couple = dict(FAMILY, has_partner=True, partner={"age": 30, "dtc": False, "working_income": 0})
    response, page = reach(client, vocabulary, "gets_aish", household=couple)
    assert "You or your partner get AISH" in response.get_data(as_text=True)


def test_back_goes_to_the_previous_question(client, vocabulary):
    _, page = first_question(client)
    first = Page.hidden(page.form("/answer"))["q"]
    _, page = answer(client, page, answer_rest(page, FAMILY, vocabulary))
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
        response, page = answer(client, page, fields_for(Page.hidden(form)["q"], household, vocabulary, form))
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
    response, page = answer(client, question, {"family_net_income-0": "50000"})
    assert page.h1 == ["Check your answers"]
    assert "$50,000" in response.get_data(as_text=True)


def test_changing_the_number_of_children_asks_about_the_new_child(app, vocabulary):
    client, page = _check_page(app, vocabulary)
    form = next(f for f in page.forms if f["action"].endswith("/question") and Page.hidden(f)["q"] == "children")
    question = Page(client.post("/en/question", data=Page.hidden(form)).get_data(as_text=True))
    response, page = answer(client, question, {"children-0": "3"})
    assert Page.hidden(page.form("/answer"))["q"] == "children.age"
    assert "Child 3" in response.get_data(as_text=True)


def test_language_toggle_keeps_the_page_and_answers(app, vocabulary):
    client = CheckedClient(app.test_client())
    response, page = reach(client, vocabulary, "family_net_income")
    toggle = page.form("/fr/question")
    hidden = Page.hidden(toggle)
    assert "family_net_income" in hidden["q"].split(",")
    french = client.post("/fr/question", data=hidden)
    french_page = Page(french.get_data(as_text=True))
    assert french_page.html_attrs["lang"] == "fr"
    assert Page.hidden(french_page.form("/answer"))["answers"] == hidden["answers"]


def results_for(app, household):
    """The results page for a household, posted straight from its answers."""
    client = CheckedClient(app.test_client())
    response = client.post("/en/results", data={"answers": json.dumps(household), "history": "[]"})
    assert response.status_code == 200
    return client, response.get_data(as_text=True)


def likely_ids(html: str) -> list[str]:
    section = html.split('id="eligible-heading"', 1)[1].split("</section>", 1)[0]
    return re.findall(r'<article class="program program-eligible" aria-labelledby="program-([\w-]+)">', section)


def test_results_page_groups_and_explains(app, vocabulary):
    _, _, results = walk(app.test_client(), "en", dict(FAMILY, family_net_income="dont_know"), vocabulary)
    html = results.get_data(as_text=True)
    assert "Benefits you may be able to get" in html
    assert "To find out, answer:" in html  # each "may be" names what would settle it
    assert "<details" in html and "Benefits you cannot get right now" in html
    assert "How to apply" in html and "Documents to have ready" in html
    assert re.search(r"Rules: \w+ version [\d.]+, applied as of November 25, 2026\.", html)  # likely ones
    assert "up to $16,314 a year" in html
    _, filed = results_for(app, FAMILY)
    assert "Rules: ccb version 1.2.0, applied as of November 25, 2026." in filed


def test_the_summary_counts_new_money_in_whole_dollars(app, vocabulary):
    _, html = results_for(app, FAMILY)
    panel = html.split('<div class="panel">', 1)[1].split("</div>", 1)[0]
    assert "New money you could get:" in panel
    count = len(likely_ids(html))
    assert f"from {count} benefits you can likely get" in panel
    yearly = re.search(r'<p class="panel-amount">\$([\d,]+) a year</p>', panel)
    assert yearly, panel
    # The total is the sum of the rows' yearly amounts, in whole dollars.
    section = html.split('id="eligible-heading"', 1)[1].split("</section>", 1)[0]
    rows = [int(x.replace(",", "")) for x in re.findall(r"<strong>\$([\d,]+) a year</strong>", section)]
    assert rows and abs(sum(rows) - int(yearly.group(1).replace(",", ""))) <= len(rows)
    amounts = re.findall(r'<p class="amount">(.*?)</p>', section, re.S)
    assert amounts and not any(re.search(r"\$[\d,]+\.\d\d", a) for a in amounts)  # no cents in an estimate


def test_likely_programs_come_biggest_first(app, vocabulary):
    _, html = results_for(app, FAMILY)
    ids = likely_ids(html)
    assert ids[0] == "ccb", ids  # the biggest benefit first, not the 14th card
    section = html.split('id="eligible-heading"', 1)[1].split("</section>", 1)[0]
    values = []
    for program_id in ids:
        card = section.split(f'aria-labelledby="program-{program_id}">', 1)[1].split("</article>", 1)[0]
        amount = re.search(r'<p class="amount"><strong>\$([\d,]+)', card)
        values.append(int(amount.group(1).replace(",", "")) if amount else 0)
    money = [v for v in values if v]
    assert money == sorted(money, reverse=True)
    assert values == money + [0] * (len(values) - len(money))  # services after money


def test_not_filing_taxes_shows_what_filing_would_unlock(app, vocabulary):
    _, html = results_for(app, dict(FAMILY, filed_taxes=False))
    section = html.split('id="unlock-heading"', 1)[1].split("</section>", 1)[0]
    assert "If you file a tax return for last year" in section
    amount = re.search(r"about \$([\d,]+) a year more", section)
    assert amount and int(amount.group(1).replace(",", "")) > 16_000  # the CCB alone is $16,314
    assert "Canada Child Benefit" in section
    _, filed = results_for(app, FAMILY)
    assert 'id="unlock-heading"' not in filed  # nothing to unlock once filed


def test_what_you_already_get_is_shown_apart(app, vocabulary):
    household = {"region": "edmonton", "status_in_canada": "citizen", "has_partner": False,
                 "you": {"age": 40, "dtc": True, "working_income": 0, "cannot_work": True},
                 "children": [], "filed_taxes": True, "family_net_income": 20000, "gets_aish": True}
    _, html = results_for(app, household)
    panel = html.split('<div class="panel">', 1)[1].split("</div>", 1)[0]
    assert "Not counted, because you already get it:" in panel and "AISH" in panel
    assert "aish" not in likely_ids(html)


def test_the_child_benefit_a_family_gets_now_is_not_new_money(app, vocabulary):
    _, before = results_for(app, FAMILY)
    assert "ccb" in likely_ids(before)
    _, html = results_for(app, {**FAMILY, "gets_ccb": True})
    panel = html.split('<div class="panel">', 1)[1].split("</div>", 1)[0]
    assert "Not counted, because you already get it:" in panel and "Canada Child Benefit" in panel
    assert "ccb" not in likely_ids(html) and "acfb" not in likely_ids(html)  # the ACFB comes with it


def test_a_maybe_can_be_settled_from_the_results(app, vocabulary):
    household = {key: value for key, value in FAMILY.items() if key != "family_net_income"}
    client, html = results_for(app, household)
    page = Page(html)
    state = page.form("/check")
    button = re.search(r'<button type="submit" form="state" formaction="(/en/question)" name="q" value="([^"]+)"',
                       html)
    assert button, "no 'answer these questions' button"
    data = {**Page.hidden(state), "q": button.group(2)}
    question = client.post(button.group(1), data=data)
    asked = Page(question.get_data(as_text=True))
    form = asked.form("/answer")
    assert Page.hidden(form)["return"] == "results"
    if "," in Page.hidden(form)["q"]:
        assert asked.h1 == ["A few more questions"]
    fields = fields_for(Page.hidden(form)["q"], dict(FAMILY), vocabulary, form)
    back = client.post("/en/answer", data={**Page.hidden(form), **fields})
    assert Page(back.get_data(as_text=True)).h1 == ["Your results"]


def test_not_eligible_is_a_list_of_names_with_the_main_reason(app, vocabulary):
    _, html = results_for(app, FAMILY)
    section = html.split('id="ineligible-heading"', 1)[1].split("</section>", 1)[0]
    items = re.findall(r'<li id="program-[\w-]+"><strong>[^<]+</strong>(.*?)</li>', section, re.S)
    assert items and all(item.strip().startswith(":") or "tag" in item for item in items)
    assert "<article" not in section


def test_each_row_links_to_the_programs_page(app, vocabulary):
    _, html = results_for(app, FAMILY)
    assert 'href="/en/programs/ccb"' in html


def test_print_stylesheet_is_there(client):
    css = client.client.get("/static/style.css").get_data(as_text=True)
    assert "@media print" in css


@pytest.mark.parametrize("payload", [
    {"answers": "not json"},
    {"answers": json.dumps({"shoe_size": 9, "region": "mars", "children": "lots"})},
    {"answers": json.dumps({"children": [{"age": 900}] * 50})},
    {"answers": json.dumps([1, 2, 3]), "history": "{}"},
    {"answers": "{" * 5000},
    {"q": "family_net_income", "family_net_income-0": "\x00\x01"},
    {"q": "family_net_income,region,you.age,children.dtc", "region-0": "\x00", "children.dtc-7": "y"},
    {"q": "," * 3000},
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
        card = re.search(rf'<article[^>]*aria-labelledby="program-{program.id}">(.*?)</article>', html, re.S) \
            or re.search(rf'<li id="program-{program.id}">(.*?)</li>', html, re.S)
        assert card, program.id
        if card.group(0).startswith("<article"):
            assert str(escape(f"Run by {program.administered_by}")) in card.group(1)
        charity = "Not a government program" in card.group(1)
        assert charity == (program.jurisdiction == "non-government"), program.id


def test_the_progress_line_counts_down_and_never_goes_up(app, vocabulary):
    for household in (FAMILY, dict(FAMILY, has_partner=True, partner={"age": 70, "dtc": "dont_know"}),
                      dict(FAMILY, family_net_income="dont_know", children=[])):
        _, responses, _ = walk(app.test_client(), "en", household, vocabulary)
        counts = []
        for response in responses:
            line = re.search(r'<p class="progress">Page (\d+)\. (?:About (\d+) more pages?|Almost done)\.</p>',
                             response.get_data(as_text=True))
            if line:
                counts.append((int(line.group(1)), int(line.group(2) or 0)))
        assert [page for page, _ in counts] == list(range(1, len(counts) + 1))
        left = [n for _, n in counts]
        assert left == sorted(left, reverse=True), left
        assert left[-1] == 0 or len(left) == 1  # the last page says "almost done"


def test_switching_language_keeps_the_progress_count(app, vocabulary):
    client = CheckedClient(app.test_client())
    response, page = reach(client, vocabulary, "family_net_income")
    english = re.search(r"About (\d+) more", response.get_data(as_text=True)).group(1)
    french = client.post("/fr/question", data=Page.hidden(page.form("/fr/question"))).get_data(as_text=True)
    assert re.search(r"environ (\d+) page", french).group(1) == english
