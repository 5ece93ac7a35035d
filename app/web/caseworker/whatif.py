"""What-if on the workspace: the scenarios as posted, compared with now, and their boxes.

Each scenario is a set of boxes (income, rent, a move, a partner, children, each child's age);
an empty box changes nothing. The boxes read the same for every household but for what is
typed in them and the children's labels, so, like the question fields (``fields.py``), each
scenario's boxes are rendered once per language as an outline and each post fills in its own.
"""

from __future__ import annotations

import dataclasses

from markupsafe import Markup

from app.services.household import with_answers
from app.services.whatif import compare
from app.web import languages
from app.web.questionnaire.cards import squeeze
from app.web.questionnaire.fields import KEPT, PERSON, TEXT, choose, fill_marks
from app.web.questionnaire.forms import person_labels

# What a caseworker tries most ("what if she takes the extra shifts?", "what if they move?").
SCENARIO_QUESTIONS = ("family_net_income", "you.working_income", "partner.working_income", "monthly_rent",
                      "region", "has_partner", "children")
CHILD_AGE = "children.age"  # and one box per child already answered: "children.age-0", ...
SCENARIOS = ("a", "b")


@dataclasses.dataclass(frozen=True)
class Box:
    """One what-if box: the question it changes, its label (after the person's, for a child's age), and
    its choices (a drop-down) if any."""

    qid: str
    label: str
    type: str
    choices: tuple = ()
    person: str = ""


def child_ages(state) -> list:
    """Each child's age as answered (None where not known)."""
    people = state.raw.get("children")
    return [p.get("age") if isinstance(p, dict) and isinstance(p.get("age"), int) else None
            for p in people] if isinstance(people, list) else []


def boxes(state, vocabulary, explainer, language) -> tuple[Box, ...]:
    """The boxes of each scenario, in this language."""
    found = []
    for qid in SCENARIO_QUESTIONS:
        if qid == "children":
            found.append(Box(qid, explainer.question(qid), "count"))
            continue
        fact = vocabulary.question(qid)
        label = explainer.question(qid) or language.translate(fact.label)
        if "." in qid:
            person = language.gettext("You") if qid.startswith("you.") else language.gettext("Your partner")
            label = f"{person}: {label}"
        choices = tuple((value, language.translate(text)) for value, text in fact.choices) if fact.type == "choice" \
            else (("yes", language.gettext("Yes")), ("no", language.gettext("No"))) if fact.type == "yesno" else ()
        found.append(Box(qid, label, fact.type, choices))
    children = vocabulary.groups["children"]
    people = person_labels(state.answers, children, language) if state.answers.groups["children"][0] else ()
    age = explainer.question(CHILD_AGE)
    for index, person in enumerate(people[: len(child_ages(state))]):
        found.append(Box(f"{CHILD_AGE}-{index}", age, "count", person=person))
    return tuple(found)


def read_scenarios(state, form, vocabulary, language) -> list[dict]:
    """Each scenario as posted: what was typed, the answers it changes, and a message per box at fault.
    ``form`` is None when nothing was posted (every box empty)."""
    fmt = language.formatter
    _ = language.gettext
    found = []
    children = vocabulary.groups["children"]
    ages = child_ages(state)
    for key in SCENARIOS:
        typed, changes, errors = {}, {}, {}
        new_ages = list(ages)
        for qid in [*SCENARIO_QUESTIONS, *(f"{CHILD_AGE}-{i}" for i in range(len(ages)))]:
            name = f"whatif-{key}-{qid}"
            text = (form.get(name) or "").strip()[:40] if form else ""
            typed[qid] = text
            if not text:
                continue
            if qid == "children" or qid.startswith(CHILD_AGE):
                top = children.maximum if qid == "children" else children.facts["age"].maximum
                try:
                    number = fmt.read_whole_number(text)
                except ValueError:
                    errors[name] = _("Enter a whole number, like 7")
                    continue
                if number > top:
                    errors[name] = _("Enter a number from %(low)s to %(high)s", low=fmt.number(0), high=fmt.number(top))
                    continue
                if qid == "children":
                    changes["children"] = number
                else:
                    new_ages[int(qid.rsplit("-", 1)[1])] = number
                continue
            fact = vocabulary.question(qid)
            if fact.type == "money":
                try:
                    value = fmt.read_money(text)
                except ValueError:
                    errors[name] = _("Enter an amount in dollars, like 25,000 or 1,234.50")
                    continue
                if value < 0 or (fact.maximum is not None and value > fact.maximum):
                    errors[name] = _("Enter an amount from %(low)s to %(high)s", low=fmt.money(0),
                                     high=fmt.money(fact.maximum))
                    continue
                changes[qid] = value
            elif fact.type == "choice" and text in fact.choice_values():
                changes[qid] = text
            elif fact.type == "yesno" and text in ("yes", "no"):
                changes[qid] = text == "yes"
        if new_ages != ages:
            changes[CHILD_AGE] = new_ages
        household = with_answers(state.household, vocabulary, changes) if changes else state.household
        found.append({"key": key, "typed": typed, "changes": changes, "errors": errors, "household": household})
    return found


def compared(ruleset, state, scenarios, explainer, language, day) -> dict | None:
    """Programs whose status or amount moves in any scenario: now and in each, side by side."""
    tried = [s for s in scenarios if s["changes"] and not s["errors"]]
    if not tried:
        return None
    comparisons = [(s["key"], compare(ruleset, state.answers, s["household"].answers, day)) for s in tried]
    money = language.formatter.whole_dollars
    signed = language.formatter.signed_dollars
    moved = dict.fromkeys(c.program_id for _, comparison in comparisons for c in comparison.changed)
    words = {"eligible": language.gettext("Likely"), "maybe": language.gettext("May be"),
             "ineligible": language.gettext("Cannot get"), "not_screened": "–"}

    def cell(status, amount):
        return words.get(status, status) + (f", {money(amount)}" if amount else "")

    def difference(change):
        """Eligible both times but the amount no longer known (a child's age left out): no figure."""
        unknown = change.status_after == "eligible" and not change.yearly_after and change.yearly_before
        return "–" if unknown else signed(change.difference)

    rows = []
    for pid in moved:
        by_key = {key: next(c for c in comparison.changes if c.program_id == pid) for key, comparison in comparisons}
        first = next(iter(by_key.values()))
        rows.append({"name": explainer.programs[pid].name if pid in explainer.programs else pid,
                     "now": cell(first.status_before, first.yearly_before),
                     "cells": [cell(c.status_after, c.yearly_after) for c in by_key.values()],
                     "differences": [difference(c) for c in by_key.values()]})
    return {"keys": [key for key, _ in comparisons], "rows": rows,
            "total_now": money(comparisons[0][1].total_before),
            "totals": [money(c.total_after) for _, c in comparisons],
            "differences": [signed(c.total_difference) for _, c in comparisons]}


class ScenarioMemo:
    """One language's scenario outlines (``templates/caseworker/whatif.html``)."""

    def __init__(self, macros):
        self.macros = macros
        self.outlines: dict = {}

    def scenario(self, scenario: dict, boxes: tuple[Box, ...], errors: dict) -> Markup:
        """The scenario's boxes with what was typed in them: the HTML of the ``scenario`` macro."""
        key = scenario["key"]
        if any(name.startswith(f"whatif-{key}-") for name in errors):
            return squeeze(self.macros.scenario(key, scenario["typed"], boxes, errors))
        html = self._outline(key, boxes)
        typed = {}
        for box in boxes:
            name, text = f"whatif-{key}-{box.qid}", scenario["typed"].get(box.qid, "")
            if box.choices:
                html = choose(html, name, text, select_id=name) if text else html
            else:
                typed[name] = text
        return fill_marks(html, typed, [box.person for box in boxes])

    def _outline(self, key: str, boxes: tuple[Box, ...]) -> str:
        """The outline: each text box's value and each child's label are marks (the children's labels
        change with their ages; their number does not)."""
        boxes = tuple(dataclasses.replace(box, person=PERSON.format(index)) if box.person else box
                      for index, box in enumerate(boxes))
        outline = self.outlines.get((key, boxes))
        if outline is None:
            if len(self.outlines) > KEPT:
                self.outlines.clear()
            marked = {box.qid: "" if box.choices else TEXT.format(f"whatif-{key}-{box.qid}") for box in boxes}
            outline = self.outlines[(key, boxes)] = str(squeeze(self.macros.scenario(key, marked, boxes, {})))
        return outline


def scenario_memos(app) -> dict:
    """language code -> ScenarioMemo."""
    return languages.per_language(app, lambda code: ScenarioMemo(
        app.jinja_env.get_template("caseworker/whatif.html").module))
