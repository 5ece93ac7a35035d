"""The planner asks only what can still change a result."""

import datetime as dt

from app.engine import plan, screen

DATE = dt.date(2025, 9, 1)


def next_questions(ruleset, raw):
    return plan(ruleset, ruleset.vocabulary.parse_answers(raw), DATE)


def test_nothing_answered_asks_something(ruleset):
    questions = next_questions(ruleset, {})
    assert questions
    assert all(ruleset.vocabulary.question(q) is not None for q in questions)


def test_a_family_without_children_is_never_asked_about_children(ruleset):
    questions = next_questions(ruleset, {"children": [], "has_partner": False})
    assert not any(q.startswith("children") for q in questions)


def test_child_questions_wait_until_we_know_how_many_children(ruleset):
    questions = next_questions(ruleset, {"region": "calgary"})
    assert "children" in questions
    assert not any(q.startswith("children.") for q in questions)


def test_partner_questions_only_when_there_is_a_partner(ruleset):
    alone = next_questions(ruleset, {"has_partner": False, "children": [{"age": 3}]})
    assert not any(q.startswith("partner.") for q in alone)
    together = next_questions(ruleset, {"has_partner": True, "children": [{"age": 3}], "region": "calgary",
                                        "family_net_income": 20000, "you": {"working_income": 0}})
    assert "partner.working_income" in together


def test_dont_know_is_not_asked_again(ruleset):
    raw = {"region": "calgary", "status_in_canada": "citizen", "has_partner": False, "filed_taxes": True,
           "children": [{"age": 3, "dtc": False}], "you": {"age": 30, "working_income": 0},
           "family_net_income": "dont_know"}
    assert "family_net_income" not in next_questions(ruleset, raw)


def complete_household(vocabulary, **overrides):
    """Every question answered (the first choice, "no", or a modest number), then the overrides."""
    raw = {}
    for fid, fact in vocabulary.facts.items():
        if fact.type == "choice":
            raw[fid] = fact.choice_values()[0]
        else:
            raw[fid] = False if fact.type == "yesno" else 1000
    for group in vocabulary.groups.values():
        if group.kind == "union":
            continue
        person = {name: {"yesno": False}.get(f.type, 30) for name, f in group.facts.items()}
        raw[group.id] = [dict(person, age=3)] if group.kind == "list" else person
    raw.update(overrides)
    return raw


def test_empty_when_everything_is_decided(ruleset):
    raw = complete_household(ruleset.vocabulary, region="calgary", status_in_canada="citizen", has_partner=False,
                             filed_taxes=True, family_net_income=12000)
    parsed = ruleset.vocabulary.parse_answers(raw)
    assert plan(ruleset, parsed, DATE) == []
    for result in screen(ruleset, parsed, DATE):
        if result.status == "maybe":  # only where the office has the last word, with nothing left to ask
            assert result.program.has_office_check, result.program.id
            assert not result.deciding, result.program.id


def test_questions_deciding_more_programs_come_first(ruleset):
    questions = next_questions(ruleset, {"region": "calgary", "has_partner": False,
                                         "children": [{"age": 3, "dtc": False}], "you": {"age": 30}})
    parsed = ruleset.vocabulary.parse_answers({"region": "calgary", "has_partner": False,
                                               "children": [{"age": 3, "dtc": False}], "you": {"age": 30}})
    votes = {}
    for result in screen(ruleset, parsed, DATE):
        for q in result.deciding:
            votes[q] = votes.get(q, 0) + 1
    counts = [votes.get(q, 0) for q in questions]  # "do you get it now?" has none: asked last
    assert counts == sorted(counts, reverse=True)
    assert questions[0] in ("family_net_income", "filed_taxes")


def test_do_you_get_it_now_is_asked_only_for_a_program_one_can_get(ruleset):
    family = {"region": "calgary", "status_in_canada": "citizen", "has_partner": False, "filed_taxes": True,
              "children": [{"age": 3, "dtc": False}], "family_net_income": 20000}
    assert "gets_ccb" in next_questions(ruleset, family)
    assert next_questions(ruleset, family)[-1] in ("gets_ccb", "gets_oas", "gets_gis")  # asked last
    no_children = {**family, "children": []}
    assert "gets_ccb" not in next_questions(ruleset, no_children)
    assert "gets_ccb" not in next_questions(ruleset, {**family, "gets_ccb": True})
