"""Turn answers and engine results into what the pages show, in the page's language."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from flask_babel import format_date
from flask_babel import gettext as _

from app.engine import DONT_KNOW, ELIGIBLE, INELIGIBLE, MAYBE, explain
from app.engine.evaluate import describe_parameter_value
from app.i18n import money, number, t


def current_answer(raw: dict, vocabulary, qid: str):
    """The answer already given to a question, in the shape the form wants."""
    if "." in qid:
        gid, name = qid.split(".", 1)
        group = vocabulary.groups[gid]
        if group.kind == "list":
            people = raw.get(gid) if isinstance(raw.get(gid), list) else []
            return [person.get(name) for person in people]
        person = raw.get(gid) if isinstance(raw.get(gid), dict) else {}
        return person.get(name)
    value = raw.get(qid)
    if isinstance(value, list):
        return len(value)
    return value


def answer_text(question, value) -> str:
    if value is None:
        return ""
    if value == DONT_KNOW:
        label = getattr(question, "dont_know_label", "")
        return t(label) if label else _("I don't know")
    kind = getattr(question, "type", "count")
    if kind == "yesno":
        return _("Yes") if value else _("No")
    if kind == "choice":
        return t(dict(question.choices).get(value, value))
    if kind == "money":
        return money(value)
    if kind in ("number", "count"):
        return number(value)
    return str(value)


@dataclass
class AnswerRow:
    qid: str
    question: str
    answer: str


def answer_rows(state, vocabulary) -> list[AnswerRow]:
    """Every answered question, in questionnaire order, for the check-answers page."""
    rows = []
    for qid in vocabulary.questions():
        if not state.answers.is_answered(qid):
            continue
        question = vocabulary.question(qid)
        value = current_answer(state.raw, vocabulary, qid)
        label = question.label if getattr(question, "label", "") else qid
        if isinstance(value, list):
            parts = [_("Child %(number)s: %(answer)s", number=i + 1, answer=answer_text(question, v))
                     for i, v in enumerate(value)]
            text = "; ".join(parts)
        else:
            text = answer_text(question, value)
        rows.append(AnswerRow(qid, t(label), text))
    return rows


@dataclass
class Reason:
    status: str  # met, not_met, unknown
    text: str
    numbers: str = ""


@dataclass
class ProgramView:
    id: str
    name: str
    summary: str
    status: str
    administered_by: str = ""
    non_government: bool = False
    amount_yearly: str = ""
    amount_monthly: str = ""
    amount_range: str = ""
    amount_once: str = ""
    yearly_value: float = 0.0
    range_high: float = 0.0
    reasons: list = field(default_factory=list)
    deciding: list = field(default_factory=list)
    amount_explain: str = ""
    figures: list = field(default_factory=list)
    apply_summary: str = ""
    ways: list = field(default_factory=list)
    documents: list = field(default_factory=list)
    contact: dict = field(default_factory=dict)
    tax_return: bool = False
    provenance: str = ""
    freshness: str = ""
    unconfirmed: bool = False


def _format_value(value, unit: str) -> str:
    if isinstance(value, dict):
        return _("%(low)s to %(high)s", low=_format_value(value["from"], unit), high=_format_value(value["to"], unit))
    if unit == "money":
        return money(value)
    if unit == "rate":
        return number(value * 100, 2).rstrip("0").rstrip(",.") + "\u00a0%"
    return number(value)


def _parameter_text(parameter: dict) -> str:
    return _("%(label)s: %(value)s (from %(date)s)", label=t(parameter["label"]),
             value=describe_parameter_value(parameter, _format_value),
             date=format_date(_date(parameter["from"]), "long"))


def _date(text: str) -> dt.date:
    return dt.date.fromisoformat(text)


def program_view(result, vocabulary) -> ProgramView:
    program = result.program
    view = ProgramView(program.id, t(program.name), t(program.summary), result.status,
                       t(program.administered_by), program.jurisdiction == "non-government")
    if result.amount_yearly is not None and result.status == ELIGIBLE:
        view.amount_yearly = money(result.amount_yearly)
        view.amount_monthly = money(result.amount_monthly)
        view.yearly_value = result.amount_yearly
    if result.amount_once is not None and result.status == ELIGIBLE:
        view.amount_once = money(result.amount_once)
    if result.amount_range:
        low, high = result.amount_range
        view.range_high = high
        view.amount_range = (_("up to %(high)s a year", high=money(high)) if low == 0
                             else _("%(low)s to %(high)s a year", low=money(low), high=money(high)))
    for row in result.trace():
        text = explain(t(row["template"]), row, _format_value)
        numbers = ""
        if "value" in row and not isinstance(row.get("value"), dict) and row["unit"] in ("money",):
            numbers = _("Yours: %(value)s. Limit: %(limit)s.", value=_format_value(row["value"], row["unit"]),
                        limit=_format_value(row["limit"], row["unit"]))
        view.reasons.append(Reason(row["status"], text, numbers))
    for qid in result.deciding:
        question = vocabulary.question(qid)
        if question is not None and getattr(question, "label", ""):
            view.deciding.append(t(question.label))
    amount = result.amount_trace()
    if amount and result.status != INELIGIBLE:
        view.amount_explain = t(amount["explanation"])
        view.figures = [_parameter_text(p) for p in amount["parameters"]]
        view.unconfirmed = any(p["unconfirmed"] for p in amount["parameters"])
    view.apply_summary = t(program.how_to_apply["summary"])
    view.ways = [{"kind": w["kind"], "text": t(w["text"]), "url": w.get("url", ""), "phone": w.get("phone", "")}
                 for w in program.how_to_apply["ways"]]
    view.documents = [t(d) for d in program.documents]
    view.contact = dict(program.contact)
    view.tax_return = program.paid_through_tax_return
    provenance = result.provenance()
    view.provenance = _("Rules: %(program)s version %(version)s, applied as of %(date)s.",
                        program=program.id, version=program.version,
                        date=format_date(result.date, "long"))
    if provenance["figures_stale"]:
        view.freshness = _("These results use the %(year)s figures, the latest an official source confirms.",
                           year=provenance["figures_from"])
    return view


@dataclass
class ResultsView:
    eligible: list
    maybe: list
    ineligible: list
    total_yearly: str
    total_monthly: str
    more_up_to: str


def results_view(results, vocabulary) -> ResultsView:
    views = [program_view(r, vocabulary) for r in results]
    eligible = [v for v in views if v.status == ELIGIBLE]
    maybe = [v for v in views if v.status == MAYBE]
    ineligible = [v for v in views if v.status == INELIGIBLE]
    total = sum(v.yearly_value for v in eligible)
    more = sum(v.range_high for v in eligible + maybe if not v.amount_yearly)
    return ResultsView(
        eligible, maybe, ineligible,
        money(total) if total else "", money(round(total / 12, 2)) if total else "",
        money(more) if more else "",
    )
