"""The what-if boxes filled into kept outlines read exactly as the ``scenario`` macro writes them."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from werkzeug.datastructures import MultiDict

from app.services.household import keep_what_fits
from app.web import languages
from app.web.caseworker import whatif
from app.web.questionnaire.cards import squeeze
from app.web.questionnaire.carried import Carried

LANGUAGES = ("en", "fr", "ar")

# What a caseworker might type or choose: real changes, slips, markup, and the outline's own marks.
TYPED = st.one_of(st.sampled_from(["", "0", "60,000", "yes", "no", "calgary", "airdrie", "2", "17", "lots"]),
                  st.text(alphabet=st.sampled_from('ab1,.<>&"\' \ue000\ue001-0'), max_size=12))


def scenarios_as_posted(app, lang, raw, posted):
    vocabulary = app.extensions["ruleset"].vocabulary
    state = Carried(keep_what_fits(raw, vocabulary, owned=True), [])
    language = languages.current()
    explainer = app.extensions["explainers"][lang]
    scenarios = whatif.read_scenarios(state, posted, vocabulary, language)
    return scenarios, whatif.boxes(state, vocabulary, explainer, language)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data(), lang=st.sampled_from(LANGUAGES), ages=st.lists(st.integers(0, 17), max_size=3))
def test_anything_typed_in_a_scenario_reads_as_the_macro_writes_it(app, data, lang, ages):
    raw = {"has_partner": True, "children": [{"age": age} for age in ages]}
    with app.test_request_context(f"/{lang}/caseworker"):
        languages.use(lang)
        _, boxes = scenarios_as_posted(app, lang, raw, None)
        posted = MultiDict({f"whatif-{key}-{box.qid}": data.draw(TYPED) for key in whatif.SCENARIOS for box in boxes})
        scenarios, boxes = scenarios_as_posted(app, lang, raw, posted)
        memo = app.extensions["whatif"][lang]
        errors = {name: message for s in scenarios for name, message in s["errors"].items()}
        for scenario in scenarios:
            for shown_errors in (errors, {}):  # with any messages, and as if there were none
                expected = squeeze(memo.macros.scenario(scenario["key"], scenario["typed"], boxes, shown_errors))
                assert str(memo.scenario(scenario, boxes, shown_errors)) == str(expected)


def test_a_choice_and_a_typed_amount_are_shown_and_nothing_else(app):
    with app.test_request_context("/en/caseworker"):
        languages.use("en")
        posted = MultiDict({"whatif-a-region": "airdrie", "whatif-a-family_net_income": "\ue000whatif-b-region\ue000",
                            "whatif-b-children.age-0": "6"})
        scenarios, boxes = scenarios_as_posted(app, "en", {"children": [{"age": 1}]}, posted)
        memo = app.extensions["whatif"]["en"]
        first, second = (str(memo.scenario(s, boxes, {})) for s in scenarios)
    assert first.count(" selected>") == 1 and '<option value="airdrie" selected>' in first
    assert 'value="\ue000whatif-b-region\ue000"' in first  # a pasted mark comes back as typed
    assert " selected>" not in second and 'value="6"' in second and "Your child aged 1: " in second
