"""The public rules explorer: the list, a page per program, the questions."""

from __future__ import annotations

import re

import pytest
from markupsafe import escape

from ...pages import Page


def text_of(response) -> str:
    return response.get_data(as_text=True)


def listed(html: str) -> list[str]:
    return re.findall(r'<li><a href="/\w+/programs/([\w-]+)">', html)


def test_the_list_shows_every_program_and_is_public(app, client):
    response = client.get("/en/programs")
    assert response.status_code == 200
    assert "no-store" not in response.headers["Cache-Control"]
    assert sorted(listed(text_of(response))) == sorted(p.id for p in app.extensions["ruleset"].programs)


def test_search_and_filters_narrow_the_list(app, client):
    programs = app.extensions["ruleset"].programs
    children = listed(text_of(client.get("/en/programs?for=children")))
    assert children and set(children) == {p.id for p in programs if p.category == "children"}
    calgary = listed(text_of(client.get("/en/programs?level=municipal&place=calgary")))
    assert calgary and set(calgary) == {p.id for p in programs if p.jurisdiction == "calgary"}
    found = listed(text_of(client.get("/en/programs?q=CHILD+benefit")))
    assert "ccb" in found and "aish" not in found
    french = listed(text_of(client.get("/fr/programs?q=allocation enfants")))
    assert "ccb" in french
    # Searched without accents or case: "AINES" finds "Prestation pour aînés de l'Alberta".
    assert "alberta_seniors_benefit" in listed(text_of(client.get("/fr/programs?q=AINES")))
    assert "No benefit matches" in text_of(client.get("/en/programs?q=zzzzqqq"))


@pytest.mark.parametrize("query", ["for=<script>", "level=mars", "place=../../etc", "q=" + "x" * 5000,
                                   "for=children&for=seniors", "q=%00%ff"])
def test_odd_queries_never_break_the_list(client, query):
    response = client.get(f"/en/programs?{query}")
    assert response.status_code == 200
    assert "<script>" not in text_of(response).split("</head>", 1)[1]


def test_a_program_page_shows_the_rules_as_written_and_every_figure(app, client):
    ccb = app.extensions["ruleset"].by_id["ccb"]
    html = text_of(client.get("/en/programs/ccb"))
    for criterion in ccb.criteria:
        assert str(escape(criterion.condition)) in html, criterion.id
    assert str(escape(ccb.amount.formula)) in html
    assert "children_under_6" in html and "count(children, age &lt; 6)" in html  # a definition it uses
    assert "$8,157" in html and "$7,997" in html  # this year's and last year's figures, by date
    assert html.count('class="unconfirmed"') == sum(
        1 for p in ccb.parameters.values() for e in p.entries if e.unconfirmed and
        re.search(rf"\b{p.name}\b", " ".join(ccb.definitions.values()) + ccb.amount.formula))
    assert "canada.ca" in html  # sources are linked
    rows = re.findall(r"<tr><td>", html.split('class="examples"', 1)[1])
    assert len(rows) == len(ccb.examples)
    assert f"Rules version {ccb.version}." in html
    assert html.count("<li><strong>") >= len(ccb.changes)


def test_office_checks_say_so_instead_of_a_rule(app, client):
    program = next(p for p in app.extensions["ruleset"].programs if p.has_office_check)
    html = text_of(client.get(f"/en/programs/{program.id}"))
    assert "The office checks this; we cannot." in html


def test_program_pages_in_french_and_unknown_ones(client):
    assert "Allocation canadienne pour enfants" in text_of(client.get("/fr/programs/ccb"))
    assert client.get("/en/programs/no-such-program").status_code == 404
    assert client.get("/de/programs/ccb").status_code == 404


def test_every_question_and_the_programs_that_use_it(app, client):
    html = text_of(client.get("/en/questions"))
    vocabulary = app.extensions["ruleset"].vocabulary
    page = Page(html)
    assert len(page.h1) == 1
    assert html.count('class="question-row"') == len(vocabulary.questions())
    income = html.split("What was your net income last year, in dollars?", 1)[1].split("</section>", 1)[0]
    assert 'href="/en/programs/ccb"' in income


def test_pages_are_kept_once_rendered(app, client):
    client.get("/en/programs/acfb")
    kept = app.extensions["explorer_pages"]
    keys = [k for k in kept if "acfb" in k]
    assert len(keys) == 1
    kept[keys[0]] = "kept page"
    assert text_of(client.client.get("/en/programs/acfb")) == "kept page"
    del kept[keys[0]]


def test_the_language_switch_keeps_the_page(client):
    html = text_of(client.get("/en/programs/ccb"))
    assert 'href="/fr/programs/ccb"' in html


def test_examples_changes_and_notes_are_translated(app, client, ruleset, languages):
    """The technical text of a program page (its examples' names, its change log, notes on its
    figures) comes from the catalogue like everything else."""
    program = next(p for p in ruleset.programs if p.id == "acfb")
    french = languages["fr"]
    html = text_of(client.get("/fr/programs/acfb"))
    example = program.examples[0].name
    change = str(program.changes[-1]["change"])
    note = next(e.note for p in program.parameters.values() for e in p.entries if e.note)
    for english in (example, change, note):
        translated = french.translate(english)
        assert translated.strip() and translated != english
        assert str(escape(translated.strip())) in html or translated.strip() in html
        assert str(escape(english.strip())) not in html
