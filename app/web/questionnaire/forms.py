"""WTForms forms built from the question vocabulary, one per question page.

A page asks the questions of one topic (a section of ``rules/questions.yaml``) that can
still change a result: a single fact ("Where do you live?"), a group's size ("How many
children under 19 live with you?"), or one fact for each person ("How old is each
child?", one box per child). On a checklist page, yes/no questions are tick boxes:
ticked is yes, not ticked is no. Wording follows the household: "you" for one adult,
"you or your partner" for a couple, children named by their age.

Messages follow the GOV.UK and GC Design System patterns: say what to do, never blame.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from werkzeug.datastructures import MultiDict
from wtforms import BooleanField, Form, RadioField, StringField
from wtforms.fields.choices import SelectChoice

from app.engine import DONT_KNOW
from app.services.explain import N_
from app.services.household import current_answer

DONT_KNOW_TEXT = N_("I don't know")
FEW_MORE = N_("A few more questions")
_FORM_CLASSES: dict = {}  # page shape and language -> (form class, fields); the set of pages is small
TEXT_KINDS = ("money", "number", "count", "date")


@dataclass
class Question:
    """One question on a page, worded for this household, in one language."""

    qid: str
    fact: object  # the Fact asked, or None for a group's size
    group: object  # the Group, for member facts and group sizes
    people: tuple  # the label of each person asked about (one entry for a single answer)
    couple: bool
    language: object  # app.services.language.Language
    ticked: bool = False  # asked as tick boxes

    @property
    def source(self):
        return self.fact if self.fact is not None else self.group

    @property
    def label(self) -> str:
        source = self.source
        text = source.label_couple if self.couple and getattr(source, "label_couple", "") else source.label
        return self.language.translate(text)

    @property
    def statement(self) -> str:
        fact = self.fact
        text = fact.statement_couple if self.couple and fact.statement_couple else fact.statement
        return self.language.translate(text)

    @property
    def hint(self) -> str:
        return self.language.translate(self.source.hint)

    @property
    def kind(self) -> str:
        return "count" if self.fact is None else self.fact.type

    @property
    def text_kind(self) -> bool:
        return self.kind in TEXT_KINDS

    @property
    def allows_dont_know(self) -> bool:
        return bool(self.source.dont_know)

    @property
    def per_person(self) -> bool:
        """One answer for each member of a list group (each child)."""
        return self.group is not None and self.group.kind == "list" and self.fact is not None

    @property
    def about_one_person(self) -> bool:
        """A fact about each person (you, your partner, each child): as tick boxes, one box per person."""
        return self.fact is not None and self.group is not None

    def name(self, index: int = 0) -> str:
        return f"{self.qid}-{index}"

    def dont_know_name(self, index: int = 0) -> str:
        return f"{self.qid}-{index}-dont_know"


@dataclass
class Page:
    """The questions asked together on one page."""

    questions: list
    section: object  # the Section, or None
    language: object
    checklist: bool = False
    qids: tuple = field(init=False)

    def __post_init__(self):
        self.qids = tuple(q.qid for q in self.questions)

    @property
    def key(self) -> str:
        """The page as the form carries it."""
        return ",".join(self.qids)

    @property
    def shape(self) -> tuple:
        """What its form's fields depend on: two pages of one shape have forms of one class."""
        return self.key, tuple(len(q.people) for q in self.questions), self.checklist, self.language.code

    @property
    def single(self) -> bool:
        """One question, asked with its own words as the page heading."""
        return len(self.questions) == 1 and not self.checklist

    @property
    def heading(self) -> str:
        if self.single:
            return self.questions[0].label
        if self.section is None:  # questions from several topics, asked to settle a "may be"
            return self.language.gettext(FEW_MORE)
        return self.language.translate(self.section.label)

    @property
    def hint(self) -> str:
        if self.single or self.section is None:
            return self.questions[0].hint
        return self.language.translate(self.section.hint) if self.checklist else ""

    @property
    def statements(self) -> list:
        """Yes/no questions about the household, as one list of tick boxes: (field name, statement)."""
        return [(q.name(), q.statement) for q in self.questions if q.ticked and not q.about_one_person]

    @property
    def tick_groups(self) -> list:
        """Yes/no questions about each person: ("Who has...?", [(field name, person), ...]) per fact."""
        by_fact: dict = {}
        for q in self.questions:
            if q.ticked and q.about_one_person:
                legend, items = by_fact.setdefault(q.fact.name, (q.statement, []))
                items.extend((q.name(index), person) for index, person in enumerate(q.people))
        return list(by_fact.values())

    def error_labels(self) -> dict:
        """Field name -> the question (and person) it answers, to name it in the error summary."""
        if self.single:
            return {}
        labels = {}
        for q in self.questions:
            for index, person in enumerate(q.people):
                labels[q.name(index)] = f"{q.label} – {person}" if person else q.label
        return labels

    @property
    def others(self) -> list:
        """Questions asked in the usual way."""
        return [q for q in self.questions if not q.ticked]


def person_labels(answers, group, language) -> tuple:
    """How each person in a group is named: "You", "Your partner", "Your child aged 3"."""
    _ = language.gettext
    members = answers.groups[group.id][0]
    if group.kind != "list":
        return (_("You"),) if group.id == "you" else (_("Your partner"),)
    ages = [m.values.get("age") if "age" not in m.unknown else None for m in members]
    seen = Counter(a for a in ages if a is not None)
    labels = []
    for index, age in enumerate(ages):
        if age is not None and seen[age] == 1:
            labels.append(_("Your child aged %(age)s", age=age))
        elif age is not None:
            labels.append(_("Child %(number)s, aged %(age)s", number=index + 1, age=age))
        else:
            labels.append(_("Child %(number)s", number=index + 1))
    return tuple(labels)


def build_page(vocabulary, interview, answers, qids, language, sections=True) -> Page | None:
    """The page asking these questions, or None if none of them can be asked now.

    ``sections=False`` asks them the usual way, without tick boxes (a single change from
    the check-answers page, which may also offer "I don't know")."""
    couple = answers.facts.get("has_partner") is True
    questions = []
    for qid in qids:
        typed = vocabulary.qid(qid)
        if typed is None:
            continue
        question = vocabulary.question(typed)
        if typed.is_member_fact:
            group = vocabulary.groups[typed.group]
            if not answers.groups[typed.group][0]:
                continue
            people = person_labels(answers, group, language)
            questions.append(Question(str(typed), question, group, people, couple, language))
        elif typed.group is not None:
            questions.append(Question(str(typed), None, question, ("",), couple, language))
        else:
            questions.append(Question(str(typed), question, None, ("",), couple, language))
    if not questions:
        return None
    section = interview.section(questions[0].qid) if sections else None
    yesno = [q for q in questions if q.kind == "yesno"]
    boxes = sum(len(q.people) for q in yesno)
    checklist = bool(section is not None and section.checklist and boxes >= 2)
    if checklist:
        for q in yesno:
            q.ticked = True
    return Page(questions, section, language, checklist)


def build_form(page: Page, formdata=None, raw=None, vocabulary=None):
    """A WTForms form for the page; prefilled from the answers given so far when not posted."""
    form = _form_class(page)[0](formdata=formdata)
    if formdata is None and raw is not None:
        _show_answers(form, page, raw, vocabulary)
    return form


def _form_class(page: Page):
    """The page's form class, and its fields as (name, WTForms class name, choices)."""
    key = page.shape
    found = _FORM_CLASSES.get(key)
    if found is None:
        fields = {}
        for q in page.questions:
            for index in range(len(q.people)):
                if q.ticked:
                    fields[q.name(index)] = BooleanField()
                    continue
                fields[q.name(index)] = _answer_field(q)
                if q.allows_dont_know and q.text_kind:
                    fields[q.dont_know_name(index)] = BooleanField(page.language.gettext(DONT_KNOW_TEXT))
        specs = tuple((name, field.field_class.__name__, field.kwargs.get("choices")) for name, field in fields.items())
        found = _FORM_CLASSES[key] = (type("QuestionForm", (Form,), fields), specs)
    return found


@dataclass
class FieldValue:
    """One field as read: what the readers and the macros use of a WTForms field."""

    name: str
    type: str  # the WTForms class: StringField, RadioField or BooleanField
    choices: list | None
    data: object


class PostedFields:
    """A page's fields read from a post exactly as its WTForms form reads them (the first value; a
    tick box is on unless empty or "false"), without binding a WTForms field for each: the
    workspace reads some forty fields on every post, and binding them cost more than reading.
    The page's form class stays the one definition of its fields."""

    def __init__(self, page: Page, formdata):
        self._fields = {}
        for name, kind, choices in _form_class(page)[1]:
            values = formdata.getlist(name) if name in formdata else []
            if kind == "BooleanField":
                data = bool(values) and values[0] not in (False, "false", "")
            else:
                data = (str(values[0]) if kind == "RadioField" else values[0]) if values else None
            self._fields[name] = FieldValue(name, kind, choices, data)

    @classmethod
    def showing(cls, page: Page, raw, vocabulary) -> PostedFields:
        """The fields showing the answers given so far: what ``build_form(page, raw=...)`` holds."""
        fields = cls(page, MultiDict())
        _show_answers(fields, page, raw, vocabulary)
        return fields

    def __getitem__(self, name: str) -> FieldValue:
        return self._fields[name]

    def __contains__(self, name: str) -> bool:
        return name in self._fields

    def __iter__(self):
        return iter(self._fields.values())


def _show_answers(form, page: Page, raw, vocabulary) -> None:
    for q in page.questions:
        _prefill(form, q, current_answer(raw, vocabulary, q.qid))


def _answer_field(q: Question):
    tr = q.language.translate
    if q.kind == "yesno":
        choices = [SelectChoice("yes", tr(N_("Yes"))), SelectChoice("no", tr(N_("No")))]
    elif q.kind == "choice":
        choices = [SelectChoice(value, tr(label)) for value, label in q.fact.choices]
    else:
        return StringField()
    if q.allows_dont_know:
        choices.append(SelectChoice(DONT_KNOW, tr(q.fact.dont_know_label or DONT_KNOW_TEXT)))
    return RadioField(choices=choices, validate_choice=False)


def _prefill(form, q: Question, current) -> None:
    values = current if q.per_person else [current]
    if not isinstance(values, list):
        return
    for index, value in enumerate(values[: len(q.people)]):
        field = form[q.name(index)]
        if value is None:
            continue
        if q.ticked:
            field.data = value is True
        elif value == DONT_KNOW:
            if q.dont_know_name(index) in form:
                form[q.dont_know_name(index)].data = True
            else:
                field.data = DONT_KNOW
        elif q.kind == "yesno":
            field.data = "yes" if value else "no"
        elif q.kind == "money":
            field.data = q.language.formatter.plain_amount(value)
        elif q.kind in ("number", "count"):
            field.data = str(int(value))
        else:
            field.data = str(value)


def read_answers(form, page: Page, blank_ok: bool = False):
    """Check the posted fields. Returns (answers, errors): answers maps each question id to its
    answer; errors maps a field name to a message. With ``blank_ok`` (the caseworker's page) an
    empty field is an answer not given (None), and the answers that fit come back with the errors."""
    errors: dict[str, str] = {}
    answers = {}
    for q in page.questions:
        given = []
        for index in range(len(q.people)):
            if blank_ok and _blank(form, q, index):
                given.append(None)
                continue
            answer, message = _read_one(form, q, index)
            if message:
                errors[q.name(index)] = message
            given.append(answer)
        answers[q.qid] = given if q.per_person else given[0]
    if blank_ok:
        return answers, errors
    return (None, errors) if errors else (answers, {})


def _blank(form, q: Question, index: int) -> bool:
    """Nothing typed or chosen, and "I don't know" not ticked."""
    if q.ticked:
        return False
    data = form[q.name(index)].data
    dont_know = form._fields.get(q.dont_know_name(index))
    return not (data.strip() if isinstance(data, str) else data) and not (dont_know and dont_know.data)


def _read_one(form, q: Question, index: int):
    _ = q.language.gettext
    field = form[q.name(index)]
    if q.ticked:
        return bool(field.data), None
    raw = (field.data or "").strip() if isinstance(field.data, str) else field.data
    dont_know_box = form._fields.get(q.dont_know_name(index))
    said_dont_know = bool(dont_know_box and dont_know_box.data)
    kind = q.kind
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
        if q.allows_dont_know:
            return None, _("Enter an answer, or select \u201cI don't know\u201d")
        return None, _("Enter an answer")
    if len(raw) > 40:
        return None, _("Enter a shorter answer")
    if kind == "money":
        return _read_money(q, raw)
    if kind in ("number", "count"):
        return _read_number(q, raw)
    return raw, None


def _limits(q: Question):
    if q.kind == "count":
        return 0, q.group.maximum
    return q.fact.minimum, q.fact.maximum


def _read_money(q: Question, raw: str):
    _ = q.language.gettext
    fmt = q.language.formatter
    return _read_in_range(q, raw, fmt.read_money, fmt.money,
                          _("Enter an amount in dollars, like 25,000 or 1,234.50"),
                          lambda low, high: _("Enter an amount from %(low)s to %(high)s", low=low, high=high))


def _read_number(q: Question, raw: str):
    _ = q.language.gettext
    fmt = q.language.formatter
    return _read_in_range(q, raw, fmt.read_whole_number, fmt.number, _("Enter a whole number, like 7"),
                          lambda low, high: _("Enter a number from %(low)s to %(high)s", low=low, high=high))


def _read_in_range(q: Question, raw: str, parse, show, unreadable: str, out_of_range):
    """Read a typed number; say how to write it, or which range it must be in."""
    try:
        value = parse(raw)
    except ValueError:
        return None, unreadable
    low, high = _limits(q)
    if (low is not None and value < low) or (high is not None and value > high):
        return None, out_of_range(show(low or 0), show(high))
    return value, None
