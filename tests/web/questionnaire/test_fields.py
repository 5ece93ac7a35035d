"""The workspace's question fields filled into kept outlines read exactly as the ``ask`` macro writes them."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from werkzeug.datastructures import MultiDict

from app.paths import RULES_DIR
from app.services.household import keep_what_fits
from app.services.reference import read_folder
from app.web import languages
from app.web.questionnaire.cards import squeeze
from app.web.questionnaire.forms import PostedFields, build_form, build_page, read_answers

LANGUAGES = ("en", "fr", "ar")  # French writes "$" after the amount; Arabic right to left


def everything(app, answers):
    """A page asking every question this household can be asked."""
    vocabulary = app.extensions["ruleset"].vocabulary
    interview = app.extensions["interview"]
    return build_page(vocabulary, interview, answers, sorted(vocabulary.questions(), key=interview.order_key),
                      languages.current(), sections=False)


def same_as_macro(app, lang, page, form, errors=None):
    memo = app.extensions["fields"][lang]
    errors = errors or {}
    for q in page.questions:
        assert str(memo.ask(q, form, errors)) == str(squeeze(memo.macros.ask(q, form, errors, dense=True))), q.qid


@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_reference_household_s_answers_read_as_the_macro_writes_them(app, lang):
    vocabulary = app.extensions["ruleset"].vocabulary
    households, problems = read_folder(RULES_DIR, vocabulary)
    assert households and not problems
    with app.test_request_context(f"/{lang}/caseworker"):
        languages.use(lang)
        for reference in households:
            household = keep_what_fits(reference.data["answers"], vocabulary, owned=True)
            page = everything(app, household.answers)
            same_as_macro(app, lang, page, build_form(page, raw=household.raw, vocabulary=vocabulary))


# What a caseworker might type or post: real answers, slips, markup, and the outline's own marks.
TYPED = st.one_of(st.sampled_from(["", "0", "12,500", "yes", "no", "dont_know", "calgary", "rent", "7", "false", "y"]),
                  st.text(alphabet=st.sampled_from('ab1,.<>&"\' \ue000\ue001-0'), max_size=12))


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data(), lang=st.sampled_from(LANGUAGES), children=st.integers(0, 3))
def test_anything_posted_reads_as_the_macro_writes_it(app, data, lang, children):
    vocabulary = app.extensions["ruleset"].vocabulary
    raw = {"has_partner": True, "children": [{"age": 4 + i} for i in range(children)]}
    household = keep_what_fits(raw, vocabulary, owned=True)
    with app.test_request_context(f"/{lang}/caseworker"):
        languages.use(lang)
        page = everything(app, household.answers)
        posted = MultiDict()
        for q in page.questions:
            for index in range(len(q.people)):
                posted[q.name(index)] = data.draw(TYPED)
                if q.allows_dont_know and q.text_kind and data.draw(st.booleans()):
                    posted.add(q.dont_know_name(index), data.draw(TYPED))  # a tick box may come twice
        form = PostedFields(page, posted)  # what the workspace reads
        assert held(form) == held(build_form(page, formdata=posted))  # as its WTForms form reads it
        answers, errors = read_answers(form, page, blank_ok=True)
        assert (answers, errors) == read_answers(build_form(page, formdata=posted), page, blank_ok=True)
        same_as_macro(app, lang, page, form)
        same_as_macro(app, lang, page, form, errors)  # a field with a message, rendered in full
        # After the post, the fields show the answers as kept, as a form built afresh would.
        fresh = held(build_form(page, raw=household.raw, vocabulary=vocabulary))
        assert held(PostedFields.showing(page, household.raw, vocabulary)) == fresh


def held(form) -> dict:
    """What a page's readers and macros use of each field: its kind, its choices and what it holds."""
    return {f.name: (f.type, [(c.value, c.label) for c in getattr(f, "choices", None) or ()], f.data) for f in form}


def test_a_typed_mark_is_shown_as_typed_not_filled_in(app):
    """Someone pasting the outline's private marks gets them back as typed, nothing else filled in."""
    vocabulary = app.extensions["ruleset"].vocabulary
    household = keep_what_fits({"has_partner": True, "children": [{}, {}]}, vocabulary, owned=True)
    with app.test_request_context("/en/caseworker"):
        languages.use("en")
        page = everything(app, household.answers)
        q = next(q for q in page.questions if q.qid == "children.age")
        form = build_form(page, formdata=MultiDict({"children.age-0": "\ue000children.age-1\ue000",
                                                     "children.age-1": "\ue0011\ue001"}))
        html = str(app.extensions["fields"]["en"].ask(q, form, {}))
    assert 'value="\ue000children.age-1\ue000"' in html and 'value="\ue0011\ue001"' in html


def test_fields_read_without_wtforms_hold_what_wtforms_reads(app):
    """The awkward posts, every time: a tick box sent as "false", empty or twice, a radio button sent
    twice, a field missing. (The hypothesis test above draws these only now and then.)"""
    vocabulary = app.extensions["ruleset"].vocabulary
    household = keep_what_fits({"has_partner": True, "children": [{}, {}]}, vocabulary, owned=True)
    with app.test_request_context("/en/caseworker"):
        languages.use("en")
        page = everything(app, household.answers)
        posted = MultiDict([("you.years_in_canada-0", "3"), ("you.years_in_canada-0", "4"),
                            ("you.years_in_canada-0-dont_know", "false"), ("monthly_rent-0-dont_know", ""),
                            ("family_net_income-0-dont_know", "false"), ("family_net_income-0-dont_know", "y"),
                            ("partner.working_income-0-dont_know", "y"),
                            ("filed_taxes-0", "no"), ("filed_taxes-0", "yes"), ("region-0", "calgary")])
        names = {f.name for f in build_form(page)}
        assert {name for name, _ in posted.items(multi=True)} <= names  # every name is one of the page's
        assert held(PostedFields(page, posted)) == held(build_form(page, formdata=posted))
