"""The rules as anyone can read them: every program, its criteria in plain words and as written,
its figures by date with their sources, its examples and its history, in one language.

Nothing here depends on a household. The explorer door renders these once per language and
program (and day, for what is in force) and keeps them.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from dataclasses import dataclass

from .explain import N_, Explainer

# "Who it is for": the categories a program file may give, in plain words.
CATEGORIES = {
    "children": N_("Children and families"),
    "disability": N_("People with a disability"),
    "education": N_("School and training"),
    "health": N_("Health and dental care"),
    "housing": N_("Housing and rent"),
    "income": N_("Income"),
    "seniors": N_("Seniors"),
    "tax-credit": N_("Tax credits"),
    "transit": N_("Transit"),
    "recreation": N_("Sports and recreation"),
    "work": N_("Work"),
    "other": N_("Other help"),
}
LEVELS = {
    "federal": N_("Government of Canada"),
    "alberta": N_("Government of Alberta"),
    "municipal": N_("A city or town"),
    "non-government": N_("Not a government program"),
}
FEDERAL_OR_PROVINCIAL = ("federal", "alberta", "non-government")
PLACEHOLDER_WORDS = {"value": N_("(yours)"), "limit": N_("(the limit)"), "gap": N_("(the difference)")}


def level_of(program) -> str:
    """federal, alberta, non-government, or municipal for a city's or town's program."""
    return program.jurisdiction if program.jurisdiction in FEDERAL_OR_PROVINCIAL else "municipal"


def folded(text: str) -> str:
    """Text compared without case or accents, so "cafe" finds "Café"."""
    return "".join(c for c in unicodedata.normalize("NFKD", text.casefold()) if not unicodedata.combining(c))


@dataclass(frozen=True)
class CriterionRow:
    id: str
    text: str  # what it takes, in plain words
    rule: str  # as written in the file; "" when the office checks it
    by_office: bool
    source: str
    url: str


@dataclass(frozen=True)
class ValueRow:
    start: str
    end: str
    value: str
    source: str
    url: str
    unconfirmed: bool
    note: str


@dataclass(frozen=True)
class ParameterRows:
    name: str
    label: str
    rows: tuple


@dataclass(frozen=True)
class ExampleRow:
    name: str
    date: str
    status: str
    amount: str


@dataclass(frozen=True)
class ProgramSheet:
    id: str
    texts: object  # ProgramTexts
    level: str
    category: str
    criteria: tuple
    eligible_when: str
    formula: str
    definitions: tuple  # (name, text)
    parameters: tuple
    examples: tuple
    changes: tuple  # (version, date, change)
    version: str
    last_checked: str
    confirmed_through: str
    in_force: str  # the day whose figures apply


@dataclass(frozen=True)
class QuestionRow:
    qid: str
    label: str
    hint: str
    programs: tuple  # (program id, name)


class Explorer:
    """The explorer's pages in one language, built from the explainer of that language."""

    def __init__(self, ruleset, explainer: Explainer):
        self.ruleset = ruleset
        self.explainer = explainer
        self.tr = explainer.language.translate
        self.fmt = explainer.fmt

    def _(self, text: str, **variables) -> str:
        return self.explainer.language.gettext(text, **variables)

    # -- the list ---------------------------------------------------------------------------------

    def matching(self, words: str = "", category: str = "", level: str = "", place: str = "") -> list:
        """Programs whose name or summary holds every word, narrowed by who it is for, level and place."""
        wanted = folded(words).split()
        found = []
        for program in self.ruleset.programs:
            texts = self.explainer.programs[program.id]
            haystack = folded(f"{texts.name} {texts.summary} {texts.administered_by}")
            if any(word not in haystack for word in wanted):
                continue
            if category and program.category != category:
                continue
            if level and level_of(program) != level:
                continue
            if place and level_of(program) == "municipal" and program.jurisdiction != place:
                continue
            found.append(program)
        return sorted(found, key=lambda p: folded(self.explainer.programs[p.id].name))

    def places(self) -> list:
        """The municipalities that have programs: (id, name as the questions' choices say it)."""
        region = self.ruleset.vocabulary.facts.get("region")
        names = dict(region.choices) if region is not None else {}
        ids = sorted({p.jurisdiction for p in self.ruleset.programs if level_of(p) == "municipal"})
        return [(place, self.tr(names.get(place, place.replace("_", " ").title()))) for place in ids]

    # -- one program ------------------------------------------------------------------------------

    def sheet(self, program, day: dt.date) -> ProgramSheet:
        texts = self.explainer.programs[program.id]
        rules_date = program.rules_date(day)
        criteria = tuple(self._criterion(program, c) for c in program.criteria)
        parameters = tuple(
            ParameterRows(name, texts.parameter_labels.get(name, name),
                          tuple(self._value(p.unit, entry) for entry in p.entries))
            for name, p in program.parameters.items() if self._used(program, name))
        examples = tuple(self._example(example) for example in program.examples)
        changes = tuple((str(c.get("version", "")), str(c.get("date", "")), self.tr(str(c.get("change", ""))).strip())
                        for c in program.changes)
        return ProgramSheet(
            id=program.id, texts=texts, level=self.tr(LEVELS[level_of(program)]),
            category=self.tr(CATEGORIES.get(program.category, CATEGORIES["other"])), criteria=criteria,
            eligible_when="" if program.eligible_when == "all" else " ".join(program.eligible_when.split()),
            formula=program.amount.formula if program.amount else "",
            definitions=tuple(program.definitions.items()), parameters=parameters, examples=examples,
            changes=changes, version=program.version, last_checked=self.fmt.date(program.last_checked),
            confirmed_through=self.fmt.date(program.confirmed_through), in_force=self.fmt.date(rules_date),
        )

    def _criterion(self, program, criterion) -> CriterionRow:
        texts = self.explainer.programs[program.id].criteria[criterion.id]
        plain = texts["unknown"] if criterion.checked_by_office else texts["met"]
        plain = re.sub(r"\{(value|limit|gap)\}", lambda m: self.tr(PLACEHOLDER_WORDS[m.group(1)]), plain)
        source = criterion.source
        return CriterionRow(criterion.id, plain, criterion.condition, criterion.checked_by_office,
                            source.title if source else "", source.url if source else "")

    @staticmethod
    def _used(program, name: str) -> bool:
        """Shared parameters are listed only when this program's rules read them."""
        text = " ".join([c.condition for c in program.criteria] + [program.amount.formula if program.amount else ""]
                        + list(program.definitions.values()))
        return re.search(rf"\b{re.escape(name)}\b", text) is not None

    def _value(self, unit: str, entry) -> ValueRow:
        value = self.explainer.parameter_value({"value": entry.display(), "unit": unit})
        return ValueRow(self.fmt.date(entry.start), self.fmt.date(entry.end) if entry.end else "", value,
                        entry.source.title, entry.source.url, entry.unconfirmed, self.tr(entry.note))

    def _example(self, example) -> ExampleRow:
        expect = example.expect
        status = {"eligible": N_("Likely"), "maybe": N_("May be"), "ineligible": N_("Cannot get")}.get(
            expect.get("status", ""), "")
        amount = ""
        for key, words in (("amount_yearly", N_("%(amount)s a year")), ("amount_once", N_("%(amount)s once"))):
            if isinstance(expect.get(key), (int, float)):
                amount = self._(words, amount=self.fmt.money(expect[key]))
        return ExampleRow(self.tr(example.name), self.fmt.date(example.date), self.tr(status) if status else "", amount)

    # -- questions --------------------------------------------------------------------------------

    def questions(self) -> list:
        """Every question, why it is asked (its hint) and which programs read it."""
        vocabulary = self.ruleset.vocabulary
        rows = []
        for qid in vocabulary.questions():
            question = vocabulary.question(qid)
            users = tuple((p.id, self.explainer.programs[p.id].name) for p in self.ruleset.programs
                          if qid in p.question_ids)
            rows.append(QuestionRow(qid, self.explainer.question(qid), self.tr(getattr(question, "hint", "") or ""),
                                    users))
        return rows
