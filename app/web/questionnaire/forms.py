"""WTForms forms built from the question vocabulary, one per question page.

A page asks one question: a single fact ("Where do you live?"), a group's
size ("How many children under 19 live with you?") or one fact for each person
in a group ("How old is each child?", one box per child). Messages follow the
GOV.UK and GC Design System patterns: say what to do, never blame.
"""

from __future__ import annotations

from dataclasses import dataclass

from wtforms import BooleanField, Form, RadioField, StringField
from wtforms.fields.choices import SelectChoice

from app.engine import DONT_KNOW
from app.services.explain import N_

DONT_KNOW_TEXT = N_("I don't know")
_FORM_CLASSES: dict = {}  # (question, people, language) -> form class; the set of pages is small


@dataclass
class Page:
    """What one question page asks, in one language."""

    qid: str
    fact: object  # the Fact asked, or None for a group's size
    group: object  # the Group, for member facts and group sizes
    people: int  # how many inputs: 1, or one per person in a list group
    language: object  # app.services.language.Language

    @property
    def heading(self) -> str:
        if self.fact is not None:
            return self.language.translate(self.fact.label)
        return self.language.translate(self.group.label)

    @property
    def hint(self) -> str:
        source = self.fact if self.fact is not None else self.group
        return self.language.translate(source.hint)

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
        _ = self.language.gettext
        return _("Child %(number)s", number=index + 1) if self.group.id == "children" else \
            _("Person %(number)s", number=index + 1)


def page_for(vocabulary, answers, qid: str, language) -> Page | None:
    """The page for a question id, or None if it cannot be asked now."""
    typed = vocabulary.qid(qid)
    if typed is None:
        return None
    question = vocabulary.question(typed)
    text = str(typed)
    if typed.is_member_fact:
        group = vocabulary.groups[typed.group]
        people = len(answers.groups[typed.group][0])
        if people == 0:
            return None
        return Page(text, question, group, people if group.kind == "list" else 1, language)
    if typed.group is not None:  # how many people in a group
        return Page(text, None, question, 1, language)
    return Page(text, question, None, 1, language)


def field_name(index: int) -> str:
    return f"value-{index}"


def build_form(page: Page, formdata=None, current=None):
    """A WTForms form with one answer field (and an "I don't know" box) per person."""
    key = (page.qid, page.people, page.language.code)
    form_class = _FORM_CLASSES.get(key)
    if form_class is None:
        fields = {}
        for index in range(page.people):
            fields[field_name(index)] = _answer_field(page)
            if page.allows_dont_know and page.kind in ("money", "number", "count", "date"):
                fields[f"dont_know-{index}"] = BooleanField(page.language.gettext(DONT_KNOW_TEXT))
        form_class = _FORM_CLASSES[key] = type("QuestionForm", (Form,), fields)
    form = form_class(formdata=formdata)
    if formdata is None and current is not None:
        _prefill(form, page, current)
    return form


def _answer_field(page: Page):
    tr = page.language.translate
    if page.kind == "yesno":
        choices = [SelectChoice("yes", tr(N_("Yes"))), SelectChoice("no", tr(N_("No")))]
    elif page.kind == "choice":
        choices = [SelectChoice(value, tr(label)) for value, label in page.fact.choices]
    else:
        return StringField()
    if page.allows_dont_know:
        label = tr(page.fact.dont_know_label or DONT_KNOW_TEXT)
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
            field.data = page.language.formatter.plain_amount(value)
        elif page.kind in ("number", "count"):
            field.data = str(int(value))
        else:
            field.data = str(value)


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
    _ = page.language.gettext
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
    _ = page.language.gettext
    fmt = page.language.formatter
    return _read_in_range(page, raw, fmt.read_money, fmt.money,
                          _("Enter an amount in dollars, like 25,000 or 1,234.50"),
                          lambda low, high: _("Enter an amount from %(low)s to %(high)s", low=low, high=high))


def _read_number(page: Page, raw: str):
    _ = page.language.gettext
    fmt = page.language.formatter
    return _read_in_range(page, raw, fmt.read_whole_number, fmt.number, _("Enter a whole number, like 7"),
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
