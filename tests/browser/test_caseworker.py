"""The caseworker's workspace in a real browser: keyboard only to the printout, JavaScript off,
320 and 1280 px, axe-core in every language, the printed pages, the chart's table."""

from __future__ import annotations

import re

import pytest

from ..pages import Page, fields_for
from ..web.caseworker.test_views import COUPLE_THREE_CHILDREN
from .conftest import CHROMIUM
from .test_browser import FAMILY, LANGS, Keyboard, axe_violations, fill_in, submit

if not CHROMIUM.exists():
    pytest.skip(f"browser tests need Chromium at {CHROMIUM} (CI installs Debian's chromium package)",
                allow_module_level=True)

FORM = "form#workspace"
UPDATE = f"{FORM} .workspace-actions button:not([formaction])"
PRINTOUT = f"{FORM} button[formaction$='/caseworker/print']"
SENIORS = {"region": "calgary", "status_in_canada": "citizen", "has_partner": True, "widowed": False,
           "you": {"age": 71, "dtc": False, "working_income": 0, "years_in_canada": 50},
           "partner": {"age": 68, "dtc": True, "working_income": 0, "years_in_canada": 45},
           "housing": "rent", "monthly_rent": 1300, "filed_taxes": True, "family_net_income": 29000}


def shown(page) -> list[str]:
    form = Page(page.content()).form("/caseworker")
    names = [n for n in form["fields"] if n and re.fullmatch(r".+-\d+", n)]
    return list(dict.fromkeys(n.rsplit("-", 1)[0] for n in names))


def fill_workspace(page, lang: str, vocabulary, household, rounds: int = 8):
    """Answer what the page shows from the household, Update results, until nothing new shows."""
    page.goto(f"/{lang}/caseworker")
    for _ in range(rounds):
        before = shown(page)
        form = Page(page.content()).form("/caseworker")
        for qid in before:
            if qid.split(".")[0] in household:
                fill_in(page, fields_for(qid, household, vocabulary, form), FORM)
        submit(page, UPDATE)
        if shown(page) == before:
            break
    return page


def test_keyboard_only_from_the_first_field_to_the_printout(page, vocabulary):
    keys = Keyboard(page)
    page.goto("/en/caseworker")
    keys.tab_to(f"{FORM} select[name='region-0']")  # a drop-down on this dense page
    page.keyboard.press("ArrowDown")  # "Choose one", then Calgary, then Edmonton
    page.keyboard.press("ArrowDown")
    keys.tab_to(f"{FORM} [id='has_partner-0-0']")
    page.keyboard.press("Space")
    keys.tab_to(UPDATE)
    keys.enter()
    assert page.input_value(f"{FORM} select[name='region-0']") == "edmonton"
    keys.tab_to(f"{FORM} [id='children-0']")
    page.keyboard.type("2")
    keys.tab_to(UPDATE)
    keys.enter()
    assert page.locator(f"{FORM} [name='children.age-1']").count() == 1, "two children's ages are asked"
    keys.tab_to(PRINTOUT)
    keys.enter()
    assert page.url.endswith("/en/caseworker/print")
    assert page.locator("h1").inner_text().startswith("Benefits to apply for")
    assert not keys.no_visible_focus, keys.no_visible_focus


def test_the_workspace_works_without_javascript(new_page, vocabulary):
    page = fill_workspace(new_page(java_script_enabled=False), "en", vocabulary, FAMILY)
    results = page.locator(".workspace-results")
    assert "Canada Child Benefit" in results.inner_text()


def test_results_beside_the_form_at_1280_below_it_at_320(new_page, vocabulary):
    wide = fill_workspace(new_page(viewport={"width": 1280, "height": 900}), "en", vocabulary, FAMILY)
    form, results = wide.locator(FORM).bounding_box(), wide.locator(".workspace-results").bounding_box()
    assert results["x"] > form["x"] + form["width"] - 5, "the results are not beside the form"
    narrow = fill_workspace(new_page(viewport={"width": 320, "height": 640}), "en", vocabulary, FAMILY)
    assert narrow.evaluate("document.documentElement.scrollWidth") <= 320
    form, results = narrow.locator(FORM).bounding_box(), narrow.locator(".workspace-results").bounding_box()
    assert results["y"] > form["y"], "the results are not below the form"


def test_the_chart_has_a_table_alternative(page, vocabulary):
    fill_workspace(page, "en", vocabulary, COUPLE_THREE_CHILDREN)
    submit(page, "section.cliff button[name=chart]")
    chart = page.locator("svg.cliff-chart")
    assert chart.get_attribute("role") == "img"
    assert page.locator("#cliff-title").count() == 1 and page.locator("#cliff-desc").count() == 1
    table = page.locator(".cliff details table")
    page.locator(".cliff details > summary").click()
    assert table.is_visible() and table.locator("tbody tr").count() > 10
    assert page.locator(".cliff-ends li").count() >= 1  # where benefits stop, in words


@pytest.mark.parametrize("name, household, most", [("single parent", FAMILY, 4),
                                                   ("couple with three children", COUPLE_THREE_CHILDREN, 4),
                                                   ("senior couple", SENIORS, 4)])
def test_printed_pages(new_page, vocabulary, name, household, most):
    page = fill_workspace(new_page(), "en", vocabulary, household)
    submit(page, PRINTOUT)
    page.emulate_media(media="print")
    pdf = page.pdf(format="Letter")
    pages = len(re.findall(rb"/Type\s*/Page[^s]", pdf))
    likely = page.locator(".print-column").first.locator(".print-program").count()
    print(f"\nprintout, {name}: {pages} Letter pages ({likely} blocks of benefits a column)")
    if most:
        assert pages <= most


@pytest.mark.parametrize("lang", LANGS)
def test_no_wcag_violations_in_the_workspace(new_page, vocabulary, lang):
    page = new_page(bypass_csp=True)
    page.goto(f"/{lang}/caseworker")
    found = {"empty workspace": axe_violations(page)}
    fill_workspace(page, lang, vocabulary, COUPLE_THREE_CHILDREN)
    page.fill(f"{FORM} [id='whatif-a-family_net_income']", "60000")
    page.select_option(f"{FORM} [id='whatif-b-region']", "calgary")
    submit(page, "section.cliff button[name=chart]")
    assert page.locator(".whatif-table").count() == 1 and page.locator("svg.cliff-chart").count() == 1
    found["filled workspace with what-if and chart"] = axe_violations(page)
    page.fill(f"{FORM} [id='whatif-a-family_net_income']", "lots")
    submit(page, UPDATE)
    found["what-if error"] = axe_violations(page)
    page.fill(f"{FORM} [id='whatif-a-family_net_income']", "")
    submit(page, PRINTOUT)
    found["printout"] = axe_violations(page)
    bad = {kind: v for kind, v in found.items() if v}
    assert not bad, "\n".join(f"{kind} ({lang}): " + "; ".join(f"{v['id']}: {v['targets']}" for v in vs)
                              for kind, vs in bad.items())


def test_with_javascript_results_follow_the_answers(page, vocabulary):
    fill_workspace(page, "en", vocabulary, FAMILY)
    before = page.locator(".workspace-results .panel-amount").inner_text()
    page.fill(f"{FORM} [id='family_net_income-0']", "95000")
    page.locator(f"{FORM} [id='family_net_income-0']").blur()  # a change event, no submit
    page.wait_for_function("b => document.querySelector('.workspace-results .panel-amount').innerText !== b",
                           arg=before, timeout=5000)
    assert page.url.endswith("/en/caseworker")


@pytest.mark.parametrize("lang", LANGS)
def test_the_workspace_and_its_printout_fit_320_px_in_every_language(new_page, vocabulary, lang):
    from app.services.language import LANGUAGES

    page = fill_workspace(new_page(viewport={"width": 320, "height": 640}), lang, vocabulary, COUPLE_THREE_CHILDREN)
    submit(page, "section.cliff button[name=chart]")
    for what in ("workspace", "printout"):
        if what == "printout":
            submit(page, PRINTOUT)
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= 320, f"the {what} is {width} px wide at 320 px ({lang})"
        assert page.get_attribute("html", "lang") == lang
        assert page.get_attribute("html", "dir") == LANGUAGES[lang][2]
