"""The questionnaire in a real browser: keyboard only, without JavaScript, at 320 px, with axe-core, in every language.

The server is gunicorn (see conftest.py), the browser Debian's Chromium. The planner picks the
questions, so every walk reads the question id on each page and answers it from a household.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from babel.support import Translations

from app.services.formatting import Formatter
from app.services.language import LANGUAGES, catalogue_name

from ..pages import Page, fields_for
from .conftest import CHROMIUM, ROOT, missing_fonts

if not CHROMIUM.exists():
    pytest.skip(f"browser tests need Chromium at {CHROMIUM} (CI installs Debian's chromium package)",
                allow_module_level=True)

import axe_playwright_python  # noqa: E402  (after the skip: only needed when the browser is there)

AXE_JS = Path(axe_playwright_python.__file__).with_name("axe.min.js")
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
LANGS = list(LANGUAGES)  # every language the app speaks
# The walks a person does by keyboard, and the toggle: English, French and a right-to-left language.
KEYBOARD_LANGS = ["en", "fr", "ar"]

# A single parent in Calgary, a citizen, with two children aged 2 and 5, nobody with the disability
# tax credit, taxes filed, family net income $22,000 and work income $18,000.
FAMILY = {"region": "calgary", "status_in_canada": "citizen", "has_partner": False,
          "you": {"dtc": False, "working_income": 18000},
          "children": [{"age": 2, "dtc": False}, {"age": 5, "dtc": False}],
          "filed_taxes": True, "family_net_income": 22000}

_CATALOGUES = {code: Translations.load(str(ROOT / "translations"), [catalogue_name(code)]) for code in LANGS}


def say(lang: str, text: str) -> str:
    """What the app shows for an English source text in `lang`."""
    return _CATALOGUES[lang].gettext(text) if lang != "en" else text


def squash(text: str) -> str:
    """Text without any kind of space, so "22 000 $" matches whatever space the locale puts in."""
    return re.sub(r"[\s\u00a0\u202f]+", "", text)


# --- Reading pages -----------------------------------------------------------------------------------

ANSWER_FORM = "form[action$='/answer']"
CONTINUE = f"{ANSWER_FORM} button[type=submit]"
SEE_RESULTS = "form[action$='/results'] button[type=submit]"


def kind_of(page) -> str:
    return page.evaluate("""() => {
        if (document.querySelector("form[action$='/answer']")) return "question";
        if (document.querySelector("form[action$='/results']")) return "check";
        if (document.querySelector("#eligible-heading")) return "results";
        if (document.querySelector("form[action$='/question'] input[name=start]")) return "start";
        return "other";
    }""")


def question_id(page) -> str:
    return page.get_attribute(f"{ANSWER_FORM} input[name=q]", "value")


def answers_for(page, vocabulary, household=FAMILY) -> dict:
    key = question_id(page)
    form = Page(page.content()).form("/answer")
    fields = fields_for(key, household, vocabulary, form)
    for name in fields:
        assert page.locator(f"{ANSWER_FORM} [name='{name}']").count(), \
            f"page {key!r}: no field {name!r} on the page (does the household answer this question?)"
    return fields


def check_row(page, qid: str) -> str:
    """The answer shown on the check-answers page for one question."""
    row = page.locator(f".summary-row:has(input[name=q][value='{qid}'])")
    assert row.count() == 1, f"no row for {qid!r} on the check-answers page"
    return row.locator("dd:not(.summary-action)").inner_text().strip()


def assert_ccb_with_amount(page, lang: str):
    assert page.get_attribute("html", "lang") == lang
    assert page.locator("h1").inner_text().strip() == say(lang, "Your results")
    eligible = page.locator("section[aria-labelledby=eligible-heading]")
    assert eligible.locator("h2").inner_text().startswith(say(lang, "Benefits you can likely get"))
    ccb = eligible.locator("article[aria-labelledby=program-ccb]")
    assert ccb.count() == 1, "the Canada Child Benefit is not under 'Benefits you can likely get'"
    assert ccb.locator("h3").inner_text().strip() == say(lang, "Canada Child Benefit")
    if lang == "fr":  # the French catalogue is complete: these must really be French
        assert page.locator("h1").inner_text().strip() == "Vos résultats"
        assert ccb.locator("h3").inner_text().strip() == "Allocation canadienne pour enfants"
    elif lang != "en":  # every catalogue is complete: the page is not English
        assert say(lang, "Your results") != "Your results"
        assert say(lang, "Canada Child Benefit") != "Canada Child Benefit"
    amount = squash(ccb.locator(".amount strong").inner_text())
    assert re.search(r"[1-9][\d.,]*\$|\$[1-9][\d.,]*", amount), f"no amount for the CCB: {amount!r}"


# --- Answering with the mouse (for the tests that are not about the keyboard) --------------------------

def submit(page, selector: str):
    with page.expect_navigation():
        page.click(selector)


def fill_in(page, fields: dict, form: str = ANSWER_FORM):
    for name, value in fields.items():
        radio = page.locator(f"{form} input[type=radio][name='{name}'][value='{value}']")
        box = page.locator(f"{form} input[type=checkbox][name='{name}']")
        choices = page.locator(f"{form} select[name='{name}']")
        if radio.count():
            radio.check()
        elif box.count():
            box.check()
        elif choices.count():
            choices.select_option(str(value))
        else:
            page.fill(f"{form} [id='{name}']", str(value))


def walk(page, lang: str, vocabulary, household=FAMILY, visit=None, limit=40):
    """From the start page to the results, answering whatever is asked; visit(page, kind) on every page."""
    visit = visit or (lambda page, kind: None)
    page.goto(f"/{lang}/")
    visit(page, "start")
    submit(page, "form[action$='/question'] button[type=submit]")
    for _ in range(limit):
        kind = kind_of(page)
        visit(page, kind)
        if kind != "question":
            break
        fill_in(page, answers_for(page, vocabulary, household))
        submit(page, CONTINUE)
    assert kind_of(page) == "check", f"did not reach the check-answers page: {page.url}"
    submit(page, SEE_RESULTS)
    visit(page, "results")
    return page


# --- Keyboard only ------------------------------------------------------------------------------------

DESCRIBE_FOCUS = """selector => {
    const e = document.activeElement;
    const style = e ? getComputedStyle(e) : null;
    const visible = !!style && ((style.outlineStyle !== "none" && parseFloat(style.outlineWidth) >= 2)
                                || style.boxShadow !== "none");
    return {
        match: !!e && e.matches(selector),
        what: e ? (e.tagName.toLowerCase() + (e.id ? "#" + e.id : "")
                   + (e.getAttribute("name") ? "[name=" + e.getAttribute("name") + "]" : "")
                   + " " + (e.innerText || e.value || "").trim().slice(0, 30)) : "nothing",
        body: !e || e === document.body || e === document.documentElement,
        visible: visible,
    };
}"""


class Keyboard:
    """Moves through pages with Tab, Shift+Tab, arrows, Space, Enter and typing only."""

    def __init__(self, page):
        self.page = page
        self.no_visible_focus: set[str] = set()

    def press(self, key: str):
        self.page.keyboard.press(key)

    def focus_info(self, selector: str = "*") -> dict:
        return self.page.evaluate(DESCRIBE_FOCUS, selector)

    def tab_to(self, selector: str, backwards: bool = False, limit: int = 80) -> None:
        key = "Shift+Tab" if backwards else "Tab"
        trail = []
        for _ in range(limit):
            self.press(key)
            focus = self.focus_info(selector)
            if not focus["body"] and not focus["visible"]:
                self.no_visible_focus.add(f"{self.page.url} {focus['what']}")
            if focus["match"]:
                return
            trail.append(focus["what"])
        raise AssertionError(f"{key} never reached {selector} on {self.page.url}; focus went: {trail}")

    def enter(self, key: str = "Enter"):
        with self.page.expect_navigation():
            self.press(key)

    def choose(self, name: str, value: str):
        """Tab into a group of radio buttons, then arrow to the choice (arrows select as they move)."""
        group = f"{ANSWER_FORM} input[type=radio][name='{name}']"
        target = self.page.get_attribute(f"{group}[value='{value}']", "id")
        self.tab_to(group)
        for _ in range(self.page.locator(group).count()):
            if self.page.evaluate("() => document.activeElement.id") == target:
                break
            self.press("ArrowDown")
        assert self.page.evaluate("() => document.activeElement.id") == target, f"arrows never reached #{target}"
        if not self.page.is_checked(f"[id='{target}']"):
            self.press("Space")
        assert self.page.is_checked(f"[id='{target}']")

    def type_into(self, selector: str, text: str):
        self.tab_to(selector)
        self.press("Control+A")
        self.page.keyboard.type(text)
        assert self.page.input_value(selector) == text

    def tick(self, selector: str):
        self.tab_to(selector)
        if not self.page.is_checked(selector):
            self.press("Space")
        assert self.page.is_checked(selector)

    def answer(self, fields: dict):
        for name, value in fields.items():
            if self.page.locator(f"{ANSWER_FORM} input[type=radio][name='{name}']").count():
                self.choose(name, value)
            elif self.page.locator(f"{ANSWER_FORM} input[type=checkbox][name='{name}']").count():
                self.tick(f"[id='{name}']")
            else:
                self.type_into(f"[id='{name}']", value)
        self.tab_to(CONTINUE)
        self.enter()


@pytest.mark.parametrize("lang", KEYBOARD_LANGS)
def test_a_family_reaches_results_by_keyboard_only(page, vocabulary, lang):
    keys = Keyboard(page)
    page.goto(f"/{lang}/")
    assert page.get_attribute("html", "lang") == lang

    # The first Tab shows the skip link; following it puts the next Tab on "Start now".
    keys.press("Tab")
    assert keys.focus_info(".skip-link")["match"], keys.focus_info()["what"]
    assert page.locator(".skip-link").bounding_box()["x"] >= 0, "the skip link stays off screen when focused"
    keys.press("Enter")
    assert keys.focus_info("main")["match"], keys.focus_info()["what"]
    keys.press("Tab")
    assert keys.focus_info("form[action$='/question'] button")["match"], keys.focus_info()["what"]
    assert page.locator("form[action$='/question'] button").inner_text().strip() == say(lang, "Start now")
    if lang == "fr":
        assert say("fr", "Start now") == "Commencer maintenant"
    keys.enter()

    asked, went_back, saw_error = [], False, False
    for _ in range(40):
        if kind_of(page) != "question":
            break
        qid = question_id(page)
        asked.append(qid)
        assert page.get_attribute("html", "lang") == lang
        assert page.locator("h1").count() == 1
        fields = answers_for(page, vocabulary)
        is_money = page.locator(f"{ANSWER_FORM} .input-wrapper.money").count() > 0

        if is_money and not saw_error:
            # Continue with nothing typed: the error summary takes focus, its link leads to the box.
            saw_error = True
            keys.tab_to(CONTINUE)
            keys.enter()
            assert question_id(page) == qid
            assert page.title().startswith(say(lang, "Error: "))
            assert keys.focus_info(".error-summary")["match"], "the error summary does not get focus"
            first = page.get_attribute(".error-summary a", "href").lstrip("#")
            keys.tab_to(".error-summary a")
            keys.press("Enter")
            assert keys.focus_info(f"[id='{first}']")["match"], \
                f"the error summary link does not move focus to its box: {keys.focus_info()['what']}"
            keys.answer(fields)
            continue

        if len(asked) == 4 and not went_back:
            # Answer, then Shift+Tab back up to "Back": the previous question keeps its answer.
            went_back = True
            for name, value in fields.items():
                if page.locator(f"{ANSWER_FORM} input[type=radio][name='{name}']").count():
                    keys.choose(name, value)
                elif page.locator(f"{ANSWER_FORM} input[type=checkbox][name='{name}']").count():
                    keys.tick(f"[id='{name}']")
                else:
                    keys.type_into(f"[id='{name}']", value)
            keys.tab_to("form[action$='/back'] button", backwards=True)
            keys.enter()
            previous = asked[-2]
            assert question_id(page) == previous, f"Back went to {question_id(page)!r}, not {previous!r}"
            asked.pop()
            asked.pop()
            continue

        keys.answer(fields)
    else:
        pytest.fail(f"never reached the check-answers page; asked {asked}")

    assert went_back and saw_error, asked
    assert kind_of(page) == "check"
    assert page.locator("h1").inner_text().strip() == say(lang, "Check your answers")
    if lang == "fr":
        assert say("fr", "Check your answers") == "Vérifiez vos réponses"
        assert squash(check_row(page, "filed_taxes")) == "Oui"
    assert squash(check_row(page, "family_net_income")) == squash(Formatter(LANGUAGES[lang][0]).money(22000))
    keys.tab_to(SEE_RESULTS)
    keys.enter()
    assert_ccb_with_amount(page, lang)

    # Everything on the results page can be reached, and Tab goes on round to the top: no trap.
    keys.tab_to(".actions a", limit=150)
    keys.tab_to(".skip-link", limit=20)
    assert not keys.no_visible_focus, f"focused without a visible focus indicator: {sorted(keys.no_visible_focus)}"


def test_a_family_reaches_results_without_javascript(new_page, vocabulary):
    page = new_page(java_script_enabled=False)
    page.goto("/en/")
    submit(page, "form[action$='/question'] button[type=submit]")
    first = question_id(page)
    submit(page, CONTINUE)  # nothing answered
    assert question_id(page) == first
    assert page.title().startswith("Error: ")
    assert page.locator(".error-summary").is_visible()
    assert page.locator(".error-message").is_visible()
    walk(page, "en", vocabulary)
    assert_ccb_with_amount(page, "en")
    assert not page.locator(".print-button").is_visible(), "the print button does nothing without JavaScript"


@pytest.mark.parametrize("lang", LANGS)
def test_every_page_fits_320_css_pixels(new_page, vocabulary, lang):
    page = new_page(viewport={"width": 320, "height": 640})
    seen = []

    def fits(page, kind):
        what = f"{kind} {question_id(page) if kind == 'question' else ''}".strip()
        if kind == "question" and page.locator(f"{ANSWER_FORM} .input-wrapper.money").count() \
                and not any(w.startswith("money error") for w in seen):
            submit(page, CONTINUE)  # an error shown on a money question
            assert page.locator(".error-summary").is_visible()
            what = f"money error {question_id(page)}"
        if kind == "results":
            for summary in page.locator("details > summary").all():
                summary.click()
            assert page.locator("details[open]").count() == page.locator("details").count() > 0
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= 320, f"{what} page is {width} px wide at a 320 px viewport ({page.url})"
        assert page.get_attribute("html", "lang") == lang, what
        assert page.get_attribute("html", "dir") == LANGUAGES[lang][2], what
        seen.append(what)

    walk(page, lang, vocabulary, visit=fits)
    for path, kind in (("programs/ccb", "program page"), ("programs/income_support", "program page 2"),
                       ("programs", "programs list"), ("questions", "questions page"), ("languages", "languages")):
        page.goto(f"/{lang}/{path}")
        if kind == "languages":
            page.locator(".language-menu summary").click()  # the menu open, every language listed
        fits(page, kind)
    page.goto(f"/{lang}/no-such-page")
    fits(page, "not found")
    assert {"start", "check", "results", "program page", "not found"} <= set(seen)
    assert any(w.startswith("money error") for w in seen)
    assert any(w.startswith("question") for w in seen)


# --- axe-core -----------------------------------------------------------------------------------------

PAGE_TYPES = ["start", "text question", "radio question", "money question", "checklist question", "error summary",
              "check answers", "results", "results with every disclosure open", "results with not-eligible open",
              "results with unlocks", "program page", "start with a bad saved file", "programs list",
              "programs list filtered", "questions page", "not found", "languages page",
              "start with the language menu open"]


def axe_violations(page) -> list[dict]:
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        page.add_script_tag(path=str(AXE_JS))
    result = page.evaluate(
        "tags => axe.run(document, {runOnly: {type: 'tag', values: tags}, resultTypes: ['violations']})",
        WCAG_TAGS)
    return [{"id": v["id"], "impact": v["impact"], "help": v["help"],
             "targets": [", ".join(map(str, node["target"])) for node in v["nodes"]]}
            for v in result["violations"]]


class AxeReports:
    """Runs axe once on every page type of one walk per language; tests look their page up."""

    def __init__(self, browser, base_url, vocabulary):
        self.browser, self.base_url, self.vocabulary = browser, base_url, vocabulary
        self.reports: dict[str, dict[str, list]] = {}

    def violations(self, lang: str, page_type: str) -> list[dict]:
        if lang not in self.reports:
            self.reports[lang] = self._collect(lang)
        assert page_type in self.reports[lang], f"the walk never showed a {page_type!r} page"
        return self.reports[lang][page_type]

    def _collect(self, lang: str) -> dict[str, list]:
        context = self.browser.new_context(base_url=self.base_url, bypass_csp=True)
        context.set_default_timeout(10_000)
        found: dict[str, list] = {}
        try:
            page = context.new_page()

            def visit(page, kind):
                if kind == "start":
                    found["start"] = axe_violations(page)
                elif kind == "question":
                    radios = page.locator(f"{ANSWER_FORM} input[type=radio]").count() > 0
                    money = page.locator(f"{ANSWER_FORM} .input-wrapper.money").count() > 0
                    ticks = page.locator(f"{ANSWER_FORM} .checkboxes").count() > 0
                    page_type = "checklist question" if ticks else "radio question" if radios else \
                        "money question" if money else "text question"
                    if page_type not in found:
                        found[page_type] = axe_violations(page)
                    if money and "error summary" not in found:
                        submit(page, CONTINUE)
                        assert page.locator(".error-summary").is_visible()
                        found["error summary"] = axe_violations(page)
                elif kind == "check":
                    found["check answers"] = axe_violations(page)
                elif kind == "results":
                    found["results"] = axe_violations(page)
                    closed = page.locator("section[aria-labelledby=ineligible-heading] > details")
                    assert closed.count() == 1 and closed.get_attribute("open") is None
                    closed.locator("> summary").click()
                    assert closed.get_attribute("open") is not None
                    found["results with not-eligible open"] = axe_violations(page)
                    closed = page.locator("details:not([open]) > summary")
                    for _ in range(closed.count()):
                        closed.first.click()
                    assert page.locator("details:not([open])").count() == 0
                    found["results with every disclosure open"] = axe_violations(page)

            walk(page, lang, self.vocabulary, visit=visit)
            walk(page, lang, self.vocabulary, household=dict(FAMILY, filed_taxes=False))
            assert page.locator("#unlock-heading").count() == 1, "no 'You could also get, if...' for a non-filer"
            found["results with unlocks"] = axe_violations(page)
            page.goto(f"/{lang}/programs/ccb")
            found["program page"] = axe_violations(page)
            page.goto(f"/{lang}/programs")
            found["programs list"] = axe_violations(page)
            page.select_option("#for", "children")
            submit(page, "form.filters button[type=submit]")
            assert "for=children" in page.url
            found["programs list filtered"] = axe_violations(page)
            page.goto(f"/{lang}/questions")
            found["questions page"] = axe_violations(page)
            page.goto(f"/{lang}/languages")
            found["languages page"] = axe_violations(page)
            page.goto(f"/{lang}/")
            page.locator(".language-menu summary").click()
            assert page.locator(".language-menu[open] .language-list a").count() == len(LANGS) - 1
            found["start with the language menu open"] = axe_violations(page)
            page.goto(f"/{lang}/")
            page.set_input_files("#answers_file", files=[{"name": "photo.json", "mimeType": "application/json",
                                                          "buffer": b"not a saved file"}])
            submit(page, "form.resume-answers button[type=submit]")
            assert page.locator(".error-summary").is_visible()
            found["start with a bad saved file"] = axe_violations(page)
            response = page.goto(f"/{lang}/no-such-page")
            assert response.status == 404
            found["not found"] = axe_violations(page)
        finally:
            context.close()
        return found


@pytest.fixture(scope="module")
def axe_reports(browser, base_url, vocabulary):
    return AxeReports(browser, base_url, vocabulary)


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("page_type", PAGE_TYPES)
def test_no_wcag_violations(axe_reports, lang, page_type):
    violations = axe_reports.violations(lang, page_type)
    assert not violations, f"{page_type} ({lang}): " + "\n".join(
        f"{v['id']} [{v['impact']}] {v['help']}: {v['targets']}" for v in violations)


# --- Fonts and right to left -------------------------------------------------------------------------

def test_every_script_has_a_font():
    """Each script we write in has an installed font, so no page shows empty boxes."""
    missing = missing_fonts()
    if missing:
        pytest.skip(f"no font for {', '.join(missing)}: pages in those scripts cannot be checked by eye or print")


def test_right_to_left_pages_mirror(new_page, vocabulary):
    """In Arabic the page runs right to left: the brand at the right, form fields and the error summary's
    border on the right, the results' coloured edge on the right, and money with its digits kept left to right."""
    page = new_page(viewport={"width": 800, "height": 900})
    page.goto("/ar/")
    assert page.get_attribute("html", "dir") == "rtl"
    brand = page.locator(".brand").bounding_box()
    assert brand["x"] + brand["width"] > 800 - 200, "the brand is not at the right-hand start of the header"
    page.goto("/en/")
    assert page.locator(".brand").bounding_box()["x"] < 200
    walk(page, "ar", vocabulary)
    row = page.locator("section[aria-labelledby=eligible-heading] article").first
    assert row.evaluate("e => getComputedStyle(e).borderRightWidth") == "6px"
    assert row.evaluate("e => getComputedStyle(e).borderLeftWidth") == "1px"
    amount = page.locator("section[aria-labelledby=eligible-heading] .amount").first.inner_text()
    assert re.search(r"\d[\d,.]*\s?\$|\$\s?\d", amount), amount


# --- Language toggle ----------------------------------------------------------------------------------

def test_language_toggle_keeps_the_question_and_the_answers(page, vocabulary):
    page.goto("/en/")
    submit(page, "form[action$='/question'] button[type=submit]")
    given = []
    while len(given) < 3:
        given.append(question_id(page))
        fill_in(page, answers_for(page, vocabulary))
        submit(page, CONTINUE)
    qid, heading = question_id(page), page.locator("h1").inner_text().strip()
    inputs = page.locator(f"{ANSWER_FORM} input:not([type=hidden])").count()

    page.locator(".language-menu summary").click()  # the menu opens without JavaScript (a <details>)
    toggle = page.locator(".language-menu button[lang=fr]")
    assert toggle.inner_text().strip() == "Français"
    submit(page, ".language-menu button[lang=fr]")
    assert page.url.endswith("/fr/question")
    assert page.get_attribute("html", "lang") == "fr"
    assert question_id(page) == qid, "the toggle showed another question"
    french_heading = page.locator("h1").inner_text().strip()
    assert french_heading == say("fr", heading) != heading, "the question is not in French"
    assert page.locator(f"{ANSWER_FORM} input:not([type=hidden])").count() == inputs
    assert page.locator(".language-menu summary .language-current").inner_text().strip() == "Français"

    for _ in range(30):
        if kind_of(page) != "question":
            break
        fill_in(page, answers_for(page, vocabulary))
        submit(page, CONTINUE)
    assert kind_of(page) == "check"
    assert page.get_attribute("html", "lang") == "fr"
    given = [q for key in given for q in key.split(",")]  # the questions on the pages answered
    shown = {q: check_row(page, q) for q in given}
    expected = {"children": "2", "filed_taxes": say("fr", "Yes"), "family_net_income": "22000$",
                "status_in_canada": say("fr", "Canadian citizen"), "region": "Calgary", "has_partner": say("fr", "No")}
    for q in given:
        if q in expected:
            assert squash(shown[q]) == squash(expected[q]), f"{q}: {shown[q]!r} after switching to French"

    # And back to English on the check-answers page: the same answers, written the English way.
    page.locator(".language-menu summary").click()
    submit(page, ".language-menu button[lang=en]")
    assert page.url.endswith("/en/check")
    assert page.get_attribute("html", "lang") == "en"
    if "family_net_income" in given:
        assert check_row(page, "family_net_income") == "$22,000"
    submit(page, SEE_RESULTS)
    assert_ccb_with_amount(page, "en")


# --- Focus indicators ---------------------------------------------------------------------------------

FOCUS_RINGS = r"""() => {
    const luminance = colour => {
        const m = colour.match(/rgba?\(([^)]+)\)/);
        if (!m) return null;
        const [r, g, b, a = 1] = m[1].split(/[\s,\/]+/).filter(Boolean).map(Number);
        if (a === 0) return null;
        return [r, g, b].map(v => { v /= 255; return v <= 0.04045 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4); })
                        .reduce((sum, v, i) => sum + v * [0.2126, 0.7152, 0.0722][i], 0);
    };
    const ratio = (a, b) => (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05);
    const behind = e => {
        for (let n = e.parentElement; n; n = n.parentElement) {
            const colour = getComputedStyle(n).backgroundColor;
            if (luminance(colour) !== null) return [colour, luminance(colour)];
        }
        return ["rgb(255, 255, 255)", 1];
    };
    const found = [];
    const focusable = "a[href], button, input:not([type=hidden]), summary, select, textarea";
    for (const e of document.querySelectorAll(focusable)) {
        if (!e.getClientRects().length) continue;
        const before = getComputedStyle(e).backgroundColor;
        e.focus();
        if (document.activeElement !== e) continue;
        const style = getComputedStyle(e);
        const changed = style.backgroundColor !== before;
        const ring = [];
        if (style.outlineStyle !== "none" && parseFloat(style.outlineWidth) > 0) ring.push(style.outlineColor);
        if (style.boxShadow !== "none") ring.push(...(style.boxShadow.match(/rgba?\([^)]+\)/g) || []));
        const [background, backgroundLuminance] = behind(e);
        const contrasts = ring.map(luminance).filter(l => l !== null).map(l => ratio(l, backgroundLuminance));
        const best = Math.max(0, ...contrasts);
        const what = e.tagName.toLowerCase() + (e.id ? "#" + e.id : "")
                     + (e.className ? "." + e.className.split(" ")[0] : "")
                     + ' "' + (e.innerText || e.value || "").replace(/\s+/g, " ").trim().slice(0, 30) + '"';
        found.push({what, changed, best: Math.round(best * 100) / 100, ring, background});
        e.blur();
    }
    return found;
}"""


def test_focus_indicators_contrast_with_the_page(page, vocabulary):
    """Where focus only adds a ring (no change of background), the ring has 3:1 against what is behind it."""
    problems = {}

    def rings(page, kind):
        if kind == "question" and not page.locator(f"{ANSWER_FORM} input[type=checkbox], "
                                                   f"{ANSWER_FORM} input[type=radio]").count():
            return
        if kind == "results":
            for summary in page.locator("details > summary").all():
                summary.click()
        for ring in page.evaluate(FOCUS_RINGS):
            if not ring["changed"] and ring["best"] < 3:
                problems.setdefault(ring["what"], f"{kind}: {ring['best']}:1, ring {ring['ring']} "
                                                   f"on {ring['background']}")

    walk(page, "en", vocabulary, visit=rings)
    assert not problems, "focus rings under 3:1:\n" + "\n".join(f"{k} ({v})" for k, v in problems.items())


def test_page_not_found_speaks_the_language_of_the_address(page):
    response = page.goto("/fr/no-such-page")
    assert response.status == 404
    assert page.get_attribute("html", "lang") == "fr"
    assert page.locator("main a").get_attribute("href") == "/fr/"


# --- The browser's Back and Forward buttons ------------------------------------------------------------

def test_the_browsers_back_and_forward_buttons_move_between_pages(page, vocabulary):
    page.goto("/en/")
    submit(page, "form[action$='/question'] button[type=submit]")
    shown = []
    for _ in range(3):
        shown.append(question_id(page))
        fill_in(page, answers_for(page, vocabulary))
        submit(page, CONTINUE)
    fourth = question_id(page)
    page.go_back()  # with JavaScript: the page before, from this tab's memory; no "resubmit the form?"
    assert question_id(page) == shown[-1], "Back did not show the previous question"
    assert page.locator("h1").count() == 1 and page.title().strip()
    page.go_back()
    assert question_id(page) == shown[-2]
    page.go_forward()
    assert question_id(page) == shown[-1], "Forward did not show the next question again"
    # The page shown by Back works: answering it goes on to the same next page.
    fill_in(page, answers_for(page, vocabulary))
    submit(page, CONTINUE)
    assert question_id(page) == fourth
    # Back from the first question goes to the start page.
    for _ in range(10):
        if kind_of(page) == "start":
            break
        page.go_back()
    assert kind_of(page) == "start"


def test_the_in_page_back_link_works_without_javascript(new_page, vocabulary):
    page = new_page(java_script_enabled=False)
    page.goto("/en/")
    submit(page, "form[action$='/question'] button[type=submit]")
    first = question_id(page)
    fill_in(page, answers_for(page, vocabulary))
    submit(page, CONTINUE)
    submit(page, "form[action$='/back'] button")
    assert question_id(page) == first


# --- Results on a phone, and printed ------------------------------------------------------------------

PHONE = {"width": 360, "height": 640}


def screens(page, selector: str) -> float:
    """How many phone screens down the bottom of an element is."""
    bottom = page.evaluate("s => document.querySelector(s).getBoundingClientRect().bottom + window.scrollY",
                           selector)
    return bottom / PHONE["height"]


@pytest.mark.parametrize("lang", LANGS)
def test_a_familys_likely_benefits_fit_in_ten_phone_screens(new_page, vocabulary, lang):
    page = new_page(viewport=PHONE)
    walk(page, lang, vocabulary)
    likely = screens(page, "section[aria-labelledby=eligible-heading]")
    whole = screens(page, "footer")
    print(f"\nresults at 360 px ({lang}): likely benefits end {likely:.1f} screens down; "
          f"whole page {whole:.1f} screens")
    assert likely <= 10, f"the likely benefits take {likely:.1f} screens at 360 px"
    # The biggest benefit is the first row, on the first screens.
    first = page.locator("section[aria-labelledby=eligible-heading] article").first
    assert first.get_attribute("aria-labelledby") == "program-ccb"
    assert first.bounding_box()["y"] < 2 * PHONE["height"]


@pytest.mark.parametrize("lang", LANGS)
def test_the_printed_action_plan_fits_four_pages(new_page, vocabulary, lang):
    page = new_page()
    walk(page, lang, vocabulary)
    page.emulate_media(media="print")
    assert not page.locator("#ineligible-heading").is_visible(), "programs they cannot get are printed"
    assert page.locator("#answers-heading").is_visible(), "the answers are not printed"
    details = page.locator("section[aria-labelledby=eligible-heading] details").first
    assert details.locator("h4", has_text=say(lang, "How to apply")).is_visible(), "how to apply is not printed"
    assert not details.locator("ul.reasons").is_visible(), "the reasons stay on screen"
    pdf = page.pdf(format="Letter")
    pages = len(re.findall(rb"/Type\s*/Page[^s]", pdf))
    print(f"\nprinted action plan ({lang}): {pages} pages (Letter)")
    assert 1 <= pages <= 4, f"the action plan prints on {pages} pages"
