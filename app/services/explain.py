"""Results explained in a person's language: the one place where reasons become sentences.

The engine gives each result structured reasons (criterion, status, value, limit,
gap, unit, parameters with dates and sources). Here they become sentences in a
language, with numbers written the language's way.

What depends only on the language (program names, summaries, how to apply,
documents, criterion texts, question labels) is translated once, when an
:class:`Explainer` is built at start-up. What depends on the household (status,
amounts, reasons with their numbers) is worked out per result, and the reasons
only when a page reads them.
"""

from __future__ import annotations

import datetime as dt
import logging
import math
from dataclasses import dataclass
from typing import NamedTuple

from app.engine import DONT_KNOW, ELIGIBLE, INELIGIBLE, MAYBE
from app.engine import ZERO_AMOUNT as ZERO_AMOUNT_REASON

from .household import current_answer


def N_(text: str) -> str:
    """Marks English text for the catalogue; it is translated when used."""
    return text


ZERO_AMOUNT = N_("With the income you gave, the amount works out to $0.")
_SENTENCES_KEPT = 50_000
SETTLE = 2  # questions shown to settle a "may be"
ALREADY = "already_gets"  # a criterion met when the household already gets the program
NOT_WORKED_OUT = N_("We could not work this out from your answers. Ask the program to check.")
log = logging.getLogger("benefits_finder")


@dataclass(frozen=True)
class Way:
    kind: str
    text: str
    url: str = ""
    phone: str = ""


@dataclass(frozen=True)
class ProgramTexts:
    """A program's text in one language: everything that does not depend on the household."""

    name: str
    summary: str
    administered_by: str
    non_government: bool
    apply_summary: str
    ways: tuple
    documents: tuple
    contact: dict
    tax_return: bool
    criteria: dict  # criterion id -> {"met": ..., "not_met": ..., "unknown": ...}
    amount_explain: str
    parameter_labels: dict


class AnswerRow(NamedTuple):
    qid: str
    question: str
    answer: str


class Reason(NamedTuple):
    """A reason as a person reads it."""

    status: str  # met, not_met, unknown
    text: str
    numbers: str = ""


class Explainer:
    """Results explained in one language. Build one per language at start-up and share it."""

    def __init__(self, ruleset, language):
        self.language = language
        self.fmt = language.formatter
        self.vocabulary = ruleset.vocabulary
        tr = language.translate
        self.programs = {p.id: _texts(p, tr) for p in ruleset.programs}
        self.question_labels = {}
        self.couple_labels = {}  # the words for a couple, where they differ
        for qid in ruleset.vocabulary.questions():
            question = ruleset.vocabulary.question(qid)
            self.question_labels[qid] = tr(question.label) if getattr(question, "label", "") else ""
            if getattr(question, "label_couple", ""):
                self.couple_labels[qid] = tr(question.label_couple)
        self.program_names = [texts.name for texts in self.programs.values()]
        self._sentences: dict = {}

    def _(self, message: str, **variables) -> str:
        return self.language.gettext(message, **variables)

    # -- whole pages -----------------------------------------------------------------------------

    def results(self, results, answers=None, unlocks=()) -> ResultsView:
        """A results page: new money first, then what is likely (biggest first), what one step
        would unlock, what may be (with the questions that would settle it), what is not."""
        views = [ProgramView(self, r) for r in results]
        eligible = [v for v in views if v.status == ELIGIBLE]
        likely = sorted((v for v in eligible if not v.already), key=ProgramView.order)
        already = [v for v in eligible if v.already]
        maybe = sorted((v for v in views if v.status == MAYBE), key=ProgramView.order)
        ineligible = [v for v in views if v.status == INELIGIBLE]
        if answers is not None:
            couple = answers.facts.get("has_partner") is True
            for view in maybe:
                # What would settle it, even if answered "I don't know" before: the person may look it up now.
                view.settle = tuple(q for q in view.result.deciding if _can_answer(answers, q))[:SETTLE]
                view.settle_labels = [label for label in (self.question(q, couple) for q in view.settle) if label]
        total = sum(v.yearly_value for v in likely)
        once = sum(v.once_value for v in likely)
        more = sum(v.range_high for v in likely + maybe if not v.amount_yearly)
        whole = self.fmt.whole_dollars
        names = {v.id: v.texts.name for v in views}
        return ResultsView(
            likely=likely, already=already, maybe=maybe, ineligible=ineligible,
            unlocks=[UnlockView(self.language.translate(u.text), whole(u.yearly) if u.yearly >= 1 else "",
                                whole(u.once) if u.once >= 1 else "", tuple(names[p] for p in u.gained if p in names))
                     for u in unlocks],
            total_yearly=whole(total) if total else "", total_monthly=whole(total / 12) if total else "",
            total_once=whole(once) if once else "", more_up_to=whole(more) if more else "",
            already_yearly=whole(sum(v.yearly_value for v in already)) if already else "")

    # -- pieces ------------------------------------------------------------------------------------

    def value(self, value, unit: str) -> str:
        """A value from a reason, a range written "a to b"; a side without a bound as "?"."""
        if isinstance(value, dict):
            return self._("%(low)s to %(high)s", low=self.value(value["from"], unit),
                          high=self.value(value["to"], unit))
        if not math.isfinite(value):
            return "?"
        return self.fmt.value(value, unit)

    def parameter_value(self, parameter: dict) -> str:
        """A parameter's value; a table row by row ("1: 7 %, 2: 13.5 %")."""
        value, unit = parameter["value"], parameter["unit"]
        if isinstance(value, dict):
            return ", ".join(f"{key}: {self.value(row, unit)}" for key, row in value.items())
        return self.value(value, unit)

    def parameter(self, program_id: str, parameter: dict) -> str:
        label = self.programs[program_id].parameter_labels.get(parameter["name"]) or \
            self.language.translate(parameter["label"])
        return self._("%(label)s: %(value)s (from %(date)s)", label=label, value=self.parameter_value(parameter),
                      date=self.fmt.date(dt.date.fromisoformat(parameter["from"])))

    def sentence(self, template: str, reason) -> str:
        """A criterion's text (already translated) with {value}, {limit} and {gap} filled in."""
        unit = reason.unit or "number"
        fills = {}
        for key in ("value", "limit", "gap"):
            number = getattr(reason, key)
            if number is not None and "{" + key in template:  # only what the text shows
                fills[key] = self.value(number, unit)
        try:
            return template.format(**fills)
        except (KeyError, IndexError, ValueError):
            return template

    def reasons(self, result, up_to_not_met: bool = False) -> list[Reason]:
        """Every reason of a result as a sentence, with the person's number and the limit where money
        (``up_to_not_met``: only as far as the first rule not met).

        The same reason with the same numbers reads the same, so sentences are kept once made."""
        program_id = result.program.id
        cache = self._sentences
        made = []
        for reason in result.reasons(up_to_not_met):
            key = (program_id, reason.criterion, reason.status, _key(reason.value), _key(reason.limit), reason.gap)
            found = cache.get(key)
            if found is None:
                if len(cache) > _SENTENCES_KEPT:
                    cache.clear()
                found = cache[key] = self._reason(program_id, reason)
            made.append(found)
        return made

    def _reason(self, program_id: str, reason) -> Reason:
        if reason.criterion == ZERO_AMOUNT_REASON:
            text = self._(ZERO_AMOUNT)
        else:
            text = self.sentence(self.programs[program_id].criteria[reason.criterion][reason.status], reason)
        numbers = ""
        if reason.unit == "money" and reason.value is not None and not isinstance(reason.value, dict):
            value, limit = self.value(reason.value, "money"), self.value(reason.limit, "money")
            if value not in text or limit not in text:  # said once is enough
                numbers = self._("Yours: %(value)s. Limit: %(limit)s.", value=value, limit=limit)
        return Reason(reason.status, text, numbers)

    def not_screened(self, ruleset, day: dt.date) -> list[str]:
        """A sentence for each program whose rules are not in force on the day, so none is left out silently."""
        found = []
        for program in ruleset.programs:
            name = self.programs[program.id].name
            if day < program.effective_from:
                found.append(self._("Rules for %(name)s start on %(date)s; not screened.", name=name,
                                    date=self.fmt.date(program.effective_from)))
            elif program.effective_until is not None and day > program.effective_until:
                found.append(self._("Rules for %(name)s ended on %(date)s; not screened.", name=name,
                                    date=self.fmt.date(program.effective_until)))
        return found

    def answer_rows(self, household) -> list[AnswerRow]:
        """Every question answered, in questionnaire order, with the answer as people read it."""
        vocabulary = self.vocabulary
        couple = household.answers.facts.get("has_partner") is True
        rows = []
        for qid in vocabulary.questions():
            if not household.answers.is_answered(qid):
                continue
            question = vocabulary.question(qid)
            value = current_answer(household.raw, vocabulary, qid)
            if isinstance(value, list):
                text = "; ".join(self._("Child %(number)s: %(answer)s", number=i + 1, answer=self.answer(question, v))
                                 for i, v in enumerate(value))
            else:
                text = self.answer(question, value)
            rows.append(AnswerRow(qid, self.question(qid, couple) or qid, text))
        return rows

    def question(self, qid: str, couple: bool = False) -> str:
        """A question's label; the words for a couple when the person lives with a partner."""
        qid = str(qid)
        return (couple and self.couple_labels.get(qid)) or self.question_labels.get(qid, "")

    def answer(self, question, value) -> str:
        """An answer as the check-answers page shows it."""
        if value is None:
            return ""
        if value == DONT_KNOW:
            label = getattr(question, "dont_know_label", "")
            return self.language.translate(label) if label else self._("I don't know")
        kind = getattr(question, "type", "count")
        if kind == "yesno":
            return self._("Yes") if value else self._("No")
        if kind == "choice":
            return self.language.translate(dict(question.choices).get(value, value))
        if kind == "money":
            return self.fmt.money(value)
        if kind in ("number", "count"):
            return self.fmt.number(value)
        return str(value)


def _texts(program, tr) -> ProgramTexts:
    how = program.how_to_apply
    criteria = {c.id: {"met": tr(c.met), "not_met": tr(c.not_met), "unknown": tr(c.unknown)}
                for c in program.criteria}
    return ProgramTexts(
        name=tr(program.name), summary=tr(program.summary), administered_by=tr(program.administered_by),
        non_government=program.jurisdiction == "non-government", apply_summary=tr(how["summary"]),
        ways=tuple(Way(w["kind"], tr(w["text"]), w.get("url", ""), w.get("phone", "")) for w in how["ways"]),
        documents=tuple(tr(d) for d in program.documents), contact=dict(program.contact),
        tax_return=program.paid_through_tax_return, criteria=criteria,
        amount_explain=tr(program.amount.explain) if program.amount else "",
        parameter_labels={name: tr(p.label) for name, p in program.parameters.items()},
    )


class _once:
    """Worked out on first read, then kept on the instance (functools.cached_property takes a lock
    on every read in Python 3.11, which a page with 50 programs feels)."""

    def __init__(self, fn):
        self.fn = fn
        self.name = fn.__name__

    def __get__(self, instance, owner=None):
        if instance is None:
            return self
        value = instance.__dict__[self.name] = self.fn(instance)
        return value


def _can_answer(answers, qid) -> bool:
    """A question that can be put to the household now (a fact about each child needs a child)."""
    typed = answers.vocabulary.qid(qid)
    if typed is None:
        return False
    return not typed.is_member_fact or bool(answers.groups[typed.group][0])


def _key(value):
    return (value["from"], value["to"]) if isinstance(value, dict) else value


def _finite(x) -> bool:
    return x is not None and math.isfinite(x)


def _already_gets(result) -> bool:
    """The household said it gets the program now: its "do you get it now?" question answered yes,
    or (AISH, Income Support) its ``already_gets`` criterion met."""
    program = result.program
    if program.already_question:
        return result.answers.facts.get(program.already_question) is True
    return any(c.id == ALREADY for c in program.criteria) and result.criteria_statuses().get(ALREADY) == "met"


class ProgramView:
    """One program's result for a page: the language's texts, the household's numbers, reasons on demand."""

    def __init__(self, explainer: Explainer, result):
        self.explainer = explainer
        self.result = result
        program = result.program
        self.texts = explainer.programs[program.id]
        self.id = program.id
        self.status = result.status
        self.error = getattr(result, "error", None)
        if self.error:
            log.error("program %s could not be worked out: %s", program.id, self.error)
        money = explainer.fmt.whole_dollars  # estimates: never cents
        self.amount_yearly = self.amount_monthly = self.amount_once = self.amount_range = ""
        self.yearly_value = self.range_high = self.once_value = 0.0
        self.settle: tuple = ()  # questions that would settle a "may be", set by the page
        self.settle_labels: list = []
        self.already = result.status == ELIGIBLE and _already_gets(result)
        if self.error:
            return  # no amount, and the reasons say it could not be worked out
        if result.status == ELIGIBLE:
            if _finite(result.amount_yearly):
                self.amount_yearly = money(result.amount_yearly)
                self.amount_monthly = money(result.amount_monthly)
                self.yearly_value = result.amount_yearly
            if _finite(result.amount_once):
                self.amount_once = money(result.amount_once)
                self.once_value = result.amount_once
        amount_range = result.amount_range
        if amount_range and _finite(amount_range[1]):
            low, high = amount_range
            self.range_high = high
            self.amount_range = (explainer._("up to %(high)s a year", high=money(high)) if low == 0
                                 else explainer._("%(low)s to %(high)s a year", low=money(low), high=money(high)))

    def order(self):
        """Money first, biggest first (a one-time amount counts as a year's); then services, in file order."""
        value = self.yearly_value or self.once_value or self.range_high
        return (0 if value else 1, -value)

    @_once
    def why(self) -> str:
        """One plain line of why: a met reason with the person's numbers if there is one, else the first met."""
        met = [r for r in self.reasons if r.status == "met"]
        chosen = next((r for r in met if r.numbers), met[0] if met else None)
        return first_sentence(chosen.text) if chosen else ""

    @_once
    def main_reason(self) -> str:
        """Why not, in one line: the first rule not met."""
        # The full list if the card has worked it out already; else only as far as the answer.
        reasons = self.__dict__.get("reasons") or self.explainer.reasons(self.result, up_to_not_met=True)
        unmet = next((r for r in reasons if r.status == "not_met"), None)
        return first_sentence(unmet.text) if unmet else ""

    @_once
    def open_reason(self) -> str:
        """Why it is only "may be", in one line: the first rule not known yet (often one the office checks)."""
        unknown = next((r for r in self.reasons if r.status == "unknown"), None)
        return first_sentence(unknown.text) if unknown else self.why

    @_once
    def apply_url(self) -> str:
        return next((way.url for way in self.texts.ways if way.url), "") or self.texts.contact.get("url", "")

    @_once
    def reasons(self) -> list[Reason]:
        reasons = self.explainer.reasons(self.result)
        if self.error:
            reasons = reasons + [Reason("unknown", self.explainer._(NOT_WORKED_OUT))]
        return reasons

    @_once
    def deciding(self) -> list[str]:
        labels = (self.explainer.question(qid) for qid in self.result.deciding)
        return [label for label in labels if label]

    @_once
    def _amount(self):
        amount = self.result.amount_trace()
        return amount if amount and self.status != INELIGIBLE and not self.error else None

    @property
    def amount_explain(self) -> str:
        return self.texts.amount_explain if self._amount else ""

    @_once
    def figures(self) -> list[str]:
        if not self._amount:
            return []
        return [self.explainer.parameter(self.id, p) for p in self._amount["parameters"]]

    @property
    def unconfirmed(self) -> bool:
        return bool(self._amount) and any(p["unconfirmed"] for p in self._amount["parameters"])

    @_once
    def provenance(self) -> str:
        program = self.result.program
        return self.explainer._("Rules: %(program)s version %(version)s, applied as of %(date)s.",
                                program=program.id, version=program.version,
                                date=self.explainer.fmt.date(self.result.date))

    @_once
    def freshness(self) -> str:
        if not self.result.figures_stale:
            return ""
        return self.explainer._("These results use the %(year)s figures, the latest an official source confirms.",
                                year=self.result.figures_from)


def first_sentence(text: str) -> str:
    """The first sentence of a text (a period followed by a space ends it)."""
    end = text.find(". ")
    return text[: end + 1] if end > 0 else text


class UnlockView(NamedTuple):
    text: str  # the step, translated
    yearly: str  # new money a year it would add, whole dollars; "" if none
    once: str
    programs: tuple  # names of programs it would make likely


@dataclass
class ResultsView:
    likely: list  # can likely get and do not get yet, biggest first
    already: list  # already get
    maybe: list
    ineligible: list
    unlocks: list
    total_yearly: str  # new money a year from what is likely, whole dollars
    total_monthly: str
    total_once: str
    more_up_to: str
    already_yearly: str

    @property
    def eligible(self) -> list:
        return self.likely + self.already
