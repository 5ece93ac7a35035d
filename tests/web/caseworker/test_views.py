"""The caseworker's workspace: one dense page, results beside it, answers kept through everything."""

from __future__ import annotations

import re

from ...pages import Page, fields_for

COUPLE_THREE_CHILDREN = {
    "region": "edmonton", "status_in_canada": "citizen", "in_canada_18_months": True, "has_partner": True,
    "widowed": False, "housing": "rent", "monthly_rent": 1650,
    "you": {"age": 36, "dtc": False, "working_income": 31000, "years_in_canada": 18, "cannot_work": False,
            "paid_into_cpp": True},
    "partner": {"age": 34, "dtc": False, "working_income": 9000, "years_in_canada": 16, "cannot_work": False,
                "paid_into_cpp": True},
    "children": [{"age": 1, "dtc": False}, {"age": 6, "dtc": True}, {"age": 11, "dtc": False}],
    "student": "not_in_school", "pregnant": False, "has_dental_insurance": False, "pays_child_care": True,
    "gets_income_support": False, "gets_aish": False, "filed_taxes": True, "family_net_income": 38000,
    "victim_of_crime": False,
}


def shown_questions(form: dict) -> list[str]:
    names = [n for n in form["fields"] if n and re.fullmatch(r".+-\d+", n)]
    return list(dict.fromkeys(n.rsplit("-", 1)[0] for n in names))


def fill(client, vocabulary, household, lang="en", rounds=8):
    """Answer what the page shows from the household, "Update results", again until nothing new shows."""
    response = client.get(f"/{lang}/caseworker")
    for _ in range(rounds):
        page = Page(response.get_data(as_text=True))
        form = page.form("/caseworker")
        qids = shown_questions(form)
        data = dict(Page.hidden(form))
        for qid in qids:
            top = qid.split(".")[0]
            if top in household or qid in household:
                data.update(fields_for(qid, household, vocabulary, form))
        response = client.post(f"/{lang}/caseworker", data=data)
        assert response.status_code == 200
        if shown_questions(Page(response.get_data(as_text=True)).form("/caseworker")) == qids:
            break
    return response


def filled_fields(client, vocabulary, household=COUPLE_THREE_CHILDREN) -> dict:
    """The workspace filled in for the household: every field as the form would post it."""
    form = Page(fill(client, vocabulary, household).get_data(as_text=True)).form("/caseworker")
    data = dict(Page.hidden(form))
    for qid in shown_questions(form):
        data.update(fields_for(qid, household, vocabulary, form))
    return data


def test_an_empty_workspace_asks_and_stores_nothing(client):
    response = client.get("/en/caseworker")
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and "no-store" in response.headers["Cache-Control"]
    assert "<h1>Caseworker workspace</h1>" in html and 'id="workspace"' in html
    assert "Set-Cookie" not in response.headers


def test_a_full_household_gets_its_results_beside_the_form(client, vocabulary):
    response = fill(client, vocabulary, COUPLE_THREE_CHILDREN)
    html = response.get_data(as_text=True)
    results = html.split('id="results-heading"', 1)[1]
    assert "Canada Child Benefit" in results.split("<h3>", 2)[1]  # under "Likely"
    assert re.search(r"\$[\d,]+ a year", results)
    assert 'class="cliff-chart"' not in html and 'name="chart" value="1"' in html  # the chart when asked
    form = Page(html).form("/caseworker")
    charted = client.post("/en/caseworker", data={**Page.hidden(form), "chart": "1", **{
        name: inputs[0].get("value", "") for name, inputs in form["fields"].items()
        if name and inputs[0].get("type") == "text"}}).get_data(as_text=True)
    assert 'class="cliff-chart"' in charted and "stops at" in charted
    print(f"\nworkspace HTML for a couple with three children: {len(html.encode()) / 1024:.1f} KB, "
          f"with the chart {len(charted.encode()) / 1024:.1f} KB")
    assert len(html.encode()) < 60 * 1024  # the bar: every section, results beside
    assert len(charted.encode()) < len(html.encode()) + 12 * 1024  # the chart, asked for, adds its SVG and table


def test_bad_input_gets_a_message_beside_it_and_keeps_the_rest(client, vocabulary):
    data = filled_fields(client, vocabulary)
    data["family_net_income-0"] = "lots"
    response = client.post("/en/caseworker", data=data)
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and "error-summary" in html
    assert 'id="family_net_income-0-error"' in html and 'value="lots"' in html
    assert 'value="1650"' in html  # the rent, typed before, still there


def test_switching_language_keeps_every_answer_even_unsaved(client, vocabulary):
    data = filled_fields(client, vocabulary)
    data["monthly_rent-0"] = "1700"  # typed, not yet "Update results"
    french = client.post("/fr/caseworker", data=data)
    html = french.get_data(as_text=True)
    assert french.status_code == 200 and 'lang="fr"' in html
    assert 'value="1700"' in html and "Allocation canadienne pour enfants" in html


def test_an_emptied_field_takes_the_answer_away(client, vocabulary):
    data = filled_fields(client, vocabulary)
    data["family_net_income-0"] = ""
    html = client.post("/en/caseworker", data=data).get_data(as_text=True)
    assert "error-summary" not in html
    assert '"family_net_income"' not in Page.hidden(Page(html).form("/caseworker"))["answers"]


def test_what_if_compares_two_scenarios_with_now(client, vocabulary):
    data = filled_fields(client, vocabulary)
    data["whatif-a-family_net_income"] = "60,000"  # the extra shifts
    data["whatif-b-region"] = "calgary"  # a move
    html = client.post("/en/caseworker", data=data).get_data(as_text=True)
    table = html.split('class="figures compact whatif-table"', 1)[1].split("</table>", 1)[0]
    assert "Scenario A" in table and "Scenario B" in table and "Total a year" in table
    assert "Alberta Child and Family Benefit" in table  # less money at 60,000
    assert "Calgary Fair Entry" in table or "Fair Entry" in table  # a Calgary program for scenario B
    assert 'value="60,000"' in html  # the scenario is kept for the next update
    assert Page.hidden(Page(html).form("/caseworker"))["answers"].count('"family_net_income":38000') == 1


def test_a_bad_what_if_amount_is_named_and_nothing_breaks(client, vocabulary):
    data = {"answers": "{}", "whatif-a-family_net_income": "lots"}
    response = client.post("/en/caseworker", data=data)
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and 'href="#whatif-a-family_net_income"' in html
    assert 'id="whatif-a-family_net_income-error"' in html


def test_back_from_the_printout_keeps_every_answer(client, vocabulary):
    """The printout's way back posts only the answers (no fields): nothing is taken away."""
    page = Page(fill(client, vocabulary, COUPLE_THREE_CHILDREN).get_data(as_text=True))
    answers = Page.hidden(page.form("/caseworker"))["answers"]
    back = client.post("/en/caseworker", data={"answers": answers}).get_data(as_text=True)
    assert Page.hidden(Page(back).form("/caseworker"))["answers"] == answers


def test_the_printout_switches_language_and_keeps_the_answers(client, vocabulary):
    page = Page(fill(client, vocabulary, COUPLE_THREE_CHILDREN).get_data(as_text=True))
    answers = Page.hidden(page.form("/caseworker"))["answers"]
    html = client.post("/en/caseworker/print", data={"answers": answers, "second": "ar"}).get_data(as_text=True)
    assert re.search(r'<button type="submit" form="workspace-state"[^>]*formaction="/fr/caseworker/print"', html)
    carried = Page.hidden(Page(html).form("/en/caseworker"))  # the form the language buttons submit
    assert carried == {"answers": answers, "second": "ar"}
    french = client.post("/fr/caseworker/print", data=carried).get_data(as_text=True)
    assert re.findall(r'<div class="print-column" lang="([\w-]+)"', french) == ["fr", "ar"]
    assert "Allocation canadienne pour enfants" in french


def test_what_if_a_child_grows_older_or_another_is_born(client, vocabulary):
    data = filled_fields(client, vocabulary)
    data["whatif-a-children.age-0"] = "6"  # the baby (1) turns 6: less Canada Child Benefit
    data["whatif-b-children"] = "2"  # the oldest leaves home
    html = client.post("/en/caseworker", data=data).get_data(as_text=True)
    table = html.split('class="figures compact whatif-table"', 1)[1].split("</table>", 1)[0]
    ccb = re.search(r"Canada Child Benefit</th>(.*?)</tr>", table, re.S).group(1)
    differences = re.findall(r"\(([+\u2212]\$[\d,]+)\)", ccb)
    assert len(differences) == 2 and all(d.startswith("\u2212") for d in differences), ccb
    assert 'id="whatif-a-children.age-0"' in html and "Your child aged 1" in html
    data.update({"whatif-a-children.age-0": "", "whatif-b-children": "4"})  # a fourth child, age not given
    html = client.post("/en/caseworker", data=data).get_data(as_text=True)
    ccb = re.search(r"Canada Child Benefit</th>(.*?)</tr>", html.split("whatif-table", 1)[1], re.S).group(1)
    assert "(\u2013)" in ccb and "\u2212$" not in ccb  # the amount is not known: no false loss
