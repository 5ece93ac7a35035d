"""WTForms forms built from the question vocabulary, one per question page.

A page asks one question: a single fact ("Where do you live?"), a group's
size ("How many children under 19 live with you?") or one fact for each person
in a group ("How old is each child?", one box per child). Messages follow the
GOV.UK and GC Design System patterns: say what to do, never blame.
"""

from __future__ import annotations

from dataclasses import dataclass

from flask_babel import gettext as _
from flask_babel import lazy_gettext
from wtforms import BooleanField, Form, RadioField, StringField
from wtforms.fields.choices import SelectChoice

from app.engine import DONT_KNOW
from app.i18n import money, parse_money, parse_whole_number, t

DONT_KNOW_TEXT = lazy_gettext("I don't know")


@dataclass
class Page:
    """What one question page asks."""

    qid: str
    fact: object  # the Fact asked, or None for a group's size
    group: object  # the Group, for member facts and group sizes
    people: int  # how many inputs: 1, or one per person in a list group

    @property
    def heading(self) -> str:
        if self.fact is not None:
            return t(self.fact.label)
        return t(self.group.label)

    @property
    def hint(self) -> str:
        source = self.fact if self.fact is not None else self.group
        return t(source.hint)

    @property
    def kind(self) -> str:
        if self.fact is None:
            return "count"
        return self.fact.type

    @property
    def allows_dont_know(self) -> bool:
        return bool(self.fact.dont_know if self.fact is not None else self.group.dont_know)

    @property
    def per_person(self) -> bool:
        return self.group is not None and self.group.kind == "list" and self.fact is not None

    def person_label(self, index: int) -> str:
        return _("Child %(number)s", number=index + 1) if self.group.id == "children" else \
            _("Person %(number)s", number=index + 1)


def page_for(vocabulary, answers, qid: str) -> Page | None:
    """The page for a question id, or None if it cannot be asked now."""
    question = vocabulary.question(qid)
    if question is None:
        return None
    if "." in qid:
        gid = qid.split(".", 1)[0]
        group = vocabulary.groups[gid]
        people = len(answers.groups[gid][0])
        if people == 0:
            return None
        return Page(qid, question, group, people if group.kind == "list" else 1)
    if getattr(question, "kind", None) == "list":
        return Page(qid, None, question, 1)
    return Page(qid, question, None, 1)


def field_name(index: int) -> str:
    return f"value-{index}"


def build_form(page: Page, formdata=None, current=None):
    """A WTForms form with one answer field (and an "I don't know" box) per person."""
    fields = {}
    for index in range(page.people):
        fields[field_name(index)] = _answer_field(page)
        if page.allows_dont_know and page.kind in ("money", "number", "count", "date"):
            fields[f"dont_know-{index}"] = BooleanField(DONT_KNOW_TEXT)
    form_class = type("QuestionForm", (Form,), fields)
    form = form_class(formdata=formdata)
    if formdata is None and current is not None:
        _prefill(form, page, current)
    return form


def _answer_field(page: Page):
    if page.kind == "yesno":
        choices = [SelectChoice("yes", lazy_gettext("Yes")), SelectChoice("no", lazy_gettext("No"))]
    elif page.kind == "choice":
        choices = [SelectChoice(value, t(label)) for value, label in page.fact.choices]
    else:
        return StringField()
    if page.allows_dont_know:
        label = t(page.fact.dont_know_label) if page.fact.dont_know_label else DONT_KNOW_TEXT
        choices.append(SelectChoice(DONT_KNOW, label))
    return RadioField(choices=choices, validate_choice=False)


def _prefill(form, page: Page, current) -> None:
    values = current if page.per_person else [current]
    for index, value in enumerate(values[: page.people]):
        field = form[field_name(index)]
        if value is None:
            continue
        if value == DONT_KNOW:
            if f"dont_know-{index}" in form:
                form[f"dont_know-{index}"].data = True
            else:
                field.data = DONT_KNOW
        elif page.kind == "yesno":
            field.data = "yes" if value else "no"
        elif page.kind == "money":
            field.data = _plain_amount(value)
        elif page.kind in ("number", "count"):
            field.data = str(int(value))
        else:
            field.data = str(value)


def _plain_amount(value) -> str:
    text = money(value)
    return text.replace("$", "").replace("\u00a0", "").strip()


def read_answers(form, page: Page):
    """Check the posted fields. Returns (answer, errors): errors maps a field name to a message."""
    errors: dict[str, str] = {}
    answers = []
    for index in range(page.people):
        name = field_name(index)
        answer, message = _read_one(form, page, index)
        if message:
            errors[name] = message
        answers.append(answer)
    if errors:
        return None, errors
    return (answers if page.per_person else answers[0]), {}


def _read_one(form, page: Page, index: int):
    field = form[field_name(index)]
    raw = (field.data or "").strip() if isinstance(field.data, str) else field.data
    dont_know_box = form._fields.get(f"dont_know-{index}")
    said_dont_know = bool(dont_know_box and dont_know_box.data)
    kind = page.kind
    if kind in ("yesno", "choice"):
        allowed = [choice.value for choice in field.choices]
        if not raw or raw not in allowed:
            return None, _("Select an answer")
        if raw == DONT_KNOW:
            return DONT_KNOW, None
        return (raw == "yes") if kind == "yesno" else raw, None
    if said_dont_know and raw:
        return None, _("Enter an answer or select \u201cI don't know\u201d, not both")
    if said_dont_know:
        return DONT_KNOW, None
    if not raw:
        if page.allows_dont_know:
            return None, _("Enter an answer, or select \u201cI don't know\u201d")
        return None, _("Enter an answer")
    if len(raw) > 40:
        return None, _("Enter a shorter answer")
    if kind == "money":
        return _read_money(page, raw)
    if kind in ("number", "count"):
        return _read_number(page, raw)
    return raw, None


def _limits(page: Page):
    if page.kind == "count":
        return 0, page.group.maximum
    return page.fact.minimum, page.fact.maximum


def _read_money(page: Page, raw: str):
    return _read_in_range(page, raw, parse_money, money,
                          _("Enter an amount in dollars, like 25,000 or 1,234.50"),
                          lambda low, high: _("Enter an amount from %(low)s to %(high)s", low=low, high=high))


def _read_number(page: Page, raw: str):
    return _read_in_range(page, raw, parse_whole_number, int, _("Enter a whole number, like 7"),
                          lambda low, high: _("Enter a number from %(low)s to %(high)s", low=low, high=high))


def _read_in_range(page: Page, raw: str, parse, show, unreadable: str, out_of_range):
    """Read a typed number; say how to write it, or which range it must be in."""
    try:
        value = parse(raw)
    except ValueError:
        return None, unreadable
    low, high = _limits(page)
    if (low is not None and value < low) or (high is not None and value > high):
        return None, out_of_range(show(low or 0), show(high))
    return value, None
