"""Question fields for the caseworker's page, from outlines rendered once and kept.

The workspace shows some thirty questions at once, and rendering each through the ``ask``
macro (``templates/macros.html``) on every post cost more than the whole results page.
A question's field reads the same for every household except for the answers typed or
chosen and the people's labels ("Child 2, aged 7"). So each question is rendered once per
language as an *outline* in which those are marks, and each page fills in its own. An
outline holds nothing about a household, only the question's wording and how many people
it asks about. A field with a message is rendered by the macro as it always was.
"""

from __future__ import annotations

import dataclasses
import re

from flask import Flask
from markupsafe import Markup, escape

from app.web import languages
from app.web.questionnaire.cards import squeeze

KEPT = 5_000  # outlines kept per language before starting afresh (questions × wordings × people)
TEXT = "\ue000{}\ue000"  # where a text box's value goes (private-use characters: never in wording)
PERSON = "\ue001{}\ue001"  # where the label of the person at this place goes
_MARKS = re.compile("\ue000([^\ue000]*)\ue000|\ue001(\\d+)\ue001")


class _Marked:
    """The form as an outline sees it: each text box holds its mark, nothing is chosen or ticked."""

    def __init__(self, form):
        self.form = form

    def __getitem__(self, name):
        field = self.form[name]
        choices = getattr(field, "choices", None)
        marked = None if choices is not None or field.type == "BooleanField" else TEXT.format(name)
        return _Slot(marked, choices)


@dataclasses.dataclass
class _Slot:
    data: object
    choices: object


class FieldMemo:
    """One language's question outlines."""

    def __init__(self, macros):
        self.macros = macros
        self.outlines: dict = {}

    def ask(self, q, form, errors) -> Markup:
        """The question's fields with this household's answers: the HTML of the ``ask`` macro (dense,
        without the template's indentation)."""
        if any(q.name(index) in errors for index in range(len(q.people))):
            return squeeze(self.macros.ask(q, form, errors, dense=True))
        html = self._outline(q, form)
        typed = {}
        for index in range(len(q.people)):
            name = q.name(index)
            data = form[name].data
            if q.text_kind:
                typed[name] = data or ""
                if q.allows_dont_know and form[q.dont_know_name(index)].data:
                    html = _check(html, q.dont_know_name(index), "y")
            elif data is not None and data != "":
                html = choose(html, name, data)

        return fill_marks(html, typed, q.people)

    def ask_all(self, questions, form, errors) -> Markup:
        """Each question's fields in turn (one call from the template for a whole section)."""
        return Markup("".join([self.ask(q, form, errors) for q in questions]))

    def _outline(self, q, form) -> str:
        key = (q.qid, q.label, q.hint, q.kind, q.allows_dont_know, q.per_person, q.text_kind, len(q.people))
        outline = self.outlines.get(key)
        if outline is None:
            if len(self.outlines) > KEPT:
                self.outlines.clear()
            marked = dataclasses.replace(q, people=tuple(PERSON.format(i) for i in range(len(q.people))))
            outline = self.outlines[key] = str(squeeze(self.macros.ask(marked, _Marked(form), {}, dense=True)))
        return outline


def _check(html: str, name: str, value) -> str:
    """Tick the box or radio button with this name and value (the macros write ``name="…" value="…">``)."""
    found = f'name="{name}" value="{escape(value)}">'
    return html.replace(found, found[:-1] + " checked>", 1)


def choose(html: str, name: str, value, select_id: str | None = None) -> str:
    """The radio button ticked, or the drop-down's option selected, for this answer. A drop-down's id
    is its first radio button's would be (``name-0``) unless given."""
    start = html.find(f'<select class="select" id="{select_id or name + "-0"}"')
    if start < 0:
        return _check(html, name, value)
    end = html.index("</select>", start)
    option = f'<option value="{escape(value)}">'
    at = html.find(option, start, end)
    if at < 0:
        return html
    return html[:at] + option[:-1] + " selected>" + html[at + len(option):]


def fill_marks(html: str, typed: dict, people) -> Markup:
    """An outline with each text box's value (``typed``, by field name) and each person's label in
    place of its marks, in one pass, so nothing typed is ever read as a mark."""

    def fill(mark) -> str:
        return str(escape(typed[mark[1]] if mark[1] is not None else people[int(mark[2])]))

    return Markup(_MARKS.sub(fill, html))


def field_memos(app: Flask) -> dict:
    """language code -> FieldMemo."""
    return languages.per_language(app, lambda code: FieldMemo(app.jinja_env.get_template("macros.html").module))
