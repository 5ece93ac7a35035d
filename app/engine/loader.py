"""Load, check and compile every rule file. Collects all problems before giving up.

Layout of a rules folder::

    rules/questions.yaml          the vocabulary of facts
    rules/definitions.yaml        definitions and parameters several programs share
    rules/programs/<where>/*.yaml one file per program
"""

from __future__ import annotations

import datetime as dt
import itertools
import re
from pathlib import Path

from . import exact
from . import expr as ast
from .compile import (
    BOOL,
    COMPARISONS,
    NUMBER,
    CompileError,
    Definition,
    Env,
    ParamInfo,
    Scope,
    compile_expression,
    compile_node,
)
from .errors import AnswerError, RuleError, RulesInvalid
from .expr import ExprSyntaxError
from .model import OFFICE_CHECK, Amount, Criterion, Example, Parameter, Program, Source, ValueEntry
from .schema import schema_errors
from .values import Interval
from .vocabulary import Fact, Group, Section, Vocabulary
from .yamlsource import LineDict, LineList, load_yaml_file

_definition_numbers = itertools.count(1)


class Problems:
    """Collects errors for one file."""

    def __init__(self, file: str, program: str | None = None):
        self.file = file
        self.program = program
        self.errors: list[RuleError] = []
        self.failed_expressions: list[str] = []  # a parameter named in one is not "never used"
        self.expressions: list = []  # (text, line, what) of every expression compiled

    def add(self, line: int, message: str) -> None:
        self.errors.append(RuleError(self.file, line, message, self.program))

    def attach(self, other: Problems) -> Problems:
        """Report into another collector's list, under this file's name."""
        self.errors = other.errors
        return self


def _display(path: Path, base: Path) -> str:
    try:
        return str(path.resolve().relative_to(base.resolve().parent))
    except ValueError:
        return str(path)


def _date(text: str, problems: Problems, line: int, what: str) -> dt.date | None:
    try:
        return dt.date.fromisoformat(str(text))
    except ValueError:
        problems.add(line, f"{what} '{text}' is not a real date (write YYYY-MM-DD)")
        return None


# ----------------------------------------------------------------------------
# The vocabulary


def load_vocabulary(path: Path, base: Path) -> tuple[Vocabulary | None, list[RuleError]]:
    name = _display(path, base)
    try:
        document = load_yaml_file(path, name)
    except RuleError as error:
        return None, [error]
    problems = Problems(name, "questions")
    problems.errors.extend(schema_errors(document, "questions", name, "questions"))
    if problems.errors:
        return None, problems.errors
    sections = [Section(s["id"], s["label"], s.get("hint", ""), s.get("checklist", False))
                for s in document["sections"]]
    section_ids = {s.id for s in sections}
    checklists = {s.id for s in sections if s.checklist}
    facts: dict = {}
    groups: dict = {}
    seen: dict = {}
    order = 0
    for index, item in enumerate(document["questions"]):
        line = document["questions"].line_of(index)
        qid = item["id"]
        if qid in seen:
            problems.add(line, f"the question id '{qid}' is used twice (first on line {seen[qid]})")
            continue
        seen[qid] = line
        order += 1
        if "group" in item:
            group = _group(item, line, order, problems, section_ids)
            groups[qid] = group
        else:
            fact = _fact(item, qid, qid, None, line, order, problems, section_ids)
            facts[qid] = fact
    for fact in _all_facts(facts, groups):
        if fact.section in checklists and fact.type == "yesno" and not fact.statement:
            problems.add(fact.line, f"question '{fact.id}' is on the checklist page '{fact.section}': "
                                    "it needs a 'statement', the words beside its tick box")
    for group in groups.values():
        if group.kind == "optional":
            target = facts.get(group.present_when)
            if target is None or target.type != "yesno":
                problems.add(group.present_when_line or group.line,
                             f"group '{group.id}' needs 'present_when' naming a yes/no question")
        if group.kind == "union":
            parts = [groups.get(p) for p in group.members_of]
            if not parts:
                continue  # already reported: a union needs 'of'
            if any(p is None or p.kind == "union" for p in parts):
                problems.add(group.line, f"group '{group.id}' joins groups that do not exist")
                continue
            shared = set(parts[0].facts)
            for part in parts[1:]:
                shared &= set(part.facts)
            for fname in sorted(shared):
                types = {p.facts[fname].type for p in parts}
                if len(types) == 1:
                    group.facts[fname] = parts[0].facts[fname]
                else:
                    problems.add(group.line, f"'{fname}' has different types in the groups joined by '{group.id}'")
    if problems.errors:
        return None, problems.errors
    return Vocabulary(facts, groups, sections), []


def _all_facts(facts: dict, groups: dict):
    yield from facts.values()
    for group in groups.values():
        if group.kind != "union":
            yield from group.facts.values()


def _fact(item, qid, name, group_id, line, order, problems, section_ids) -> Fact:
    ftype = item["type"]
    choices = tuple((c["value"], c["label"]) for c in item.get("choices", []))
    if ftype == "choice" and not choices:
        problems.add(line, f"question '{qid}' is a choice but lists no choices")
    if ftype != "choice" and choices:
        problems.add(line, f"question '{qid}' lists choices but is not a choice")
    if "min" in item and "max" in item and item["min"] > item["max"]:
        problems.add(line, f"question '{qid}' has 'min' above 'max'")
    section = item.get("section", "")
    if section and section not in section_ids:
        problems.add(item.line_of("section"),
                     f"question '{qid}' names a section '{section}' that is not listed in 'sections'")
    fact = Fact(
        id=qid, name=name, type=ftype, label=item["label"], section=section, hint=item.get("hint", ""),
        minimum=item.get("min"), maximum=item.get("max"), integer=item.get("integer", False),
        choices=choices, dont_know=item.get("dont_know", False),
        dont_know_label=item.get("dont_know_label", ""), label_couple=item.get("label_couple", ""),
        statement=item.get("statement", ""), statement_couple=item.get("statement_couple", ""),
        group=group_id, line=line, order=order,
    )
    unlock = item.get("unlock")
    if unlock is not None:
        try:
            fact.unlock_answer = fact.parse(unlock["answer"])
        except ValueError as exc:
            problems.add(unlock.line_of("answer"), f"question '{qid}': the unlock answer {exc}")
        fact.unlock_text = unlock["text"]
    return fact


def _group(item, line, order, problems, section_ids) -> Group:
    kind = item["group"]
    group = Group(
        id=item["id"], kind=kind, label=item.get("label", ""), hint=item.get("hint", ""),
        section=item.get("section", ""), present_when=item.get("present_when"), maximum=item.get("max", 0),
        members_of=tuple(item.get("of", ())), dont_know=item.get("dont_know", False), line=line, order=order,
        present_when_line=item.line_of("present_when") if "present_when" in item else 0,
    )
    if kind == "list" and (not group.maximum or not group.label):
        problems.add(line, f"group '{group.id}' is a list: it needs 'max' and a 'label' asking how many")
    if kind == "union" and not group.members_of:
        problems.add(line, f"group '{group.id}' is a union: it needs 'of'")
    if kind != "union" and "facts" not in item:
        problems.add(line, f"group '{group.id}' needs 'facts'")
    facts = item.get("facts", [])
    for index, fitem in enumerate(facts):
        fline = facts.line_of(index)
        fname = fitem["id"]
        if fname in group.facts:
            problems.add(fline, f"group '{group.id}' has the fact '{fname}' twice")
            continue
        group.facts[fname] = _fact(
            fitem, f"{group.id}.{fname}", fname, group.id, fline, order * 1000 + index + 1, problems, section_ids
        )
    return group


# ----------------------------------------------------------------------------
# Parameters, sources and definitions (shared by programs and definitions.yaml)


def _sources(document, problems: Problems, into: dict) -> None:
    items = document.get("sources", [])
    for index, item in enumerate(items):
        line = items.line_of(index)
        checked = _date(item["checked"], problems, item.line_of("checked"), "the date checked")
        if item["id"] in into:
            problems.add(line, f"the source id '{item['id']}' is used twice")
            continue
        into[item["id"]] = Source(item["id"], item["title"], item["url"], checked, item.get("note", ""))


def _parameters(document, problems: Problems, sources: dict, file: str) -> dict:
    result = {}
    for name, spec in document.get("parameters", {}).items():
        pline = document["parameters"].line_of(name)
        entries = []
        kinds = set()
        for index, item in enumerate(spec["values"]):
            line = spec["values"].line_of(index)
            start = _date(item["from"], problems, line, "the date")
            end = _date(item["until"], problems, item.line_of("until"), "the date") if "until" in item else None
            source = sources.get(item["source"])
            if source is None:
                problems.add(item.line_of("source"), f"parameter '{name}' cites a source '{item['source']}' "
                             "that is not listed under 'sources'")
            if "table" in item:
                kinds.add("table")
                value = _table(item["table"], problems, item.line_of("table"), name)
            else:
                kinds.add("number")
                value = float(item["value"])
            if start is None or (end is None and "until" in item):
                continue
            if end is not None and end < start:
                problems.add(line, f"parameter '{name}' ends ({end}) before it starts ({start})")
                continue
            entries.append(ValueEntry(start, end, value, source, item.get("unconfirmed", False), line,
                                      item.get("note", "")))
        if len(kinds) > 1:
            problems.add(pline, f"parameter '{name}' mixes single values and tables")
        entries.sort(key=lambda e: e.start)
        _check_periods(name, entries, problems)
        result[name] = Parameter(name, spec["label"], spec["unit"], "table" in kinds, entries, file, pline,
                                 spec.get("table_key", ""))
    return result


def _table(table, problems: Problems, line: int, name: str):
    keys = sorted(int(k) for k in table)
    if keys != list(range(keys[0], keys[0] + len(keys))):
        problems.add(line, f"the table of parameter '{name}' skips a row: rows must be numbered one after another")
        return (keys[0], [0.0])
    return (keys[0], [float(table[str(k)] if str(k) in table else table[k]) for k in keys])


def _check_periods(name: str, entries: list, problems: Problems) -> None:
    for before, after in zip(entries, entries[1:]):
        if before.start == after.start:
            problems.add(after.line, f"parameter '{name}' has two values starting on {after.start}")
        elif before.end is not None and before.end >= after.start:
            problems.add(after.line, f"parameter '{name}': the value from {after.start} overlaps the one "
                         f"from {before.start}, which runs until {before.end}")
        elif before.end is not None and before.end + dt.timedelta(days=1) < after.start:
            gap_end = after.start - dt.timedelta(days=1)
            problems.add(after.line, f"parameter '{name}' has no value from {before.end + dt.timedelta(days=1)} "
                         f"to {gap_end}")


def _compile(text, scope: Scope, problems: Problems, line: int, what: str, want=None):
    try:
        compiled = compile_expression(text, scope, want)
        problems.expressions.append((text, line, what))
        return compiled
    except ExprSyntaxError as error:
        problems.add(line, f"cannot read {what} '{text}': {error.message} (at character {error.position + 1})")
    except CompileError as error:
        problems.add(line, f"in {what} '{text}': {error.message}")
    problems.failed_expressions.append(str(text))
    return None


def _definitions(document, scope: Scope, problems: Problems, shared: bool, sources: dict,
                 parameters: dict) -> None:
    items = document.get("definitions", [])
    in_cycles = _definition_cycles(items, problems)
    for index, item in enumerate(items):
        line = items.line_of(index)
        name = item["id"]
        if name in in_cycles:
            continue  # reported as a cycle, once
        if "source" in item and item["source"] not in sources:
            problems.add(item.line_of("source"), f"the definition '{name}' cites a source '{item['source']}' "
                         "that is not listed under 'sources'")
        if name in scope.defs or name in scope.params or name in scope.vocabulary.facts \
                or name in scope.vocabulary.groups:
            problems.add(line, f"the definition '{name}' uses a name that is already taken")
            continue
        compiled = _compile(item["expression"], scope, problems, item.line_of("expression"),
                            f"the definition '{name}'")
        if compiled is not None:
            if compiled.type not in (NUMBER, BOOL):
                problems.add(line, f"the definition '{name}' must give a number or a yes/no value")
                continue
            definition = Definition(name, compiled, shared, next(_definition_numbers),
                                    text=" ".join(item["expression"].split()))
            if compiled.type == NUMBER:
                definition.unit = _unit_of(ast.parse(item["expression"]), scope, parameters)
            scope.defs[name] = definition


def _definition_cycles(items, problems: Problems) -> set:
    """Definitions that use each other in a circle (a -> b -> a) can never be worked out: name the circle."""
    words = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
    lines = {item["id"]: items.line_of(index) for index, item in enumerate(items)}
    uses = {item["id"]: [w for w in words.findall(str(item["expression"])) if w in lines] for item in items}
    in_cycles: set = set()
    done: set = set()

    def visit(name, path):
        if name in path:
            cycle = path[path.index(name):] + [name]
            if not in_cycles.intersection(cycle):
                problems.add(lines[cycle[0]], f"the definitions {' -> '.join(cycle)} use each other in a circle, "
                                              "so none of them can be worked out")
            in_cycles.update(cycle)
            return
        if name in done:
            return
        for used in uses.get(name, ()):
            visit(used, path + [name])
        done.add(name)

    for name in uses:
        visit(name, [])
    return in_cycles


class Shared:
    """What definitions.yaml gives every program."""

    def __init__(self, parameters: dict, definitions: dict, sources: dict):
        self.parameters = parameters
        self.definitions = definitions
        self.sources = sources


def load_shared(path: Path, base: Path, vocabulary: Vocabulary) -> tuple[Shared, list[RuleError]]:
    name = _display(path, base)
    if not path.exists():
        return Shared({}, {}, {}), []
    try:
        document = load_yaml_file(path, name)
    except RuleError as error:
        return Shared({}, {}, {}), [error]
    problems = Problems(name, "definitions")
    problems.errors.extend(schema_errors(document, "definitions", name, "definitions"))
    if problems.errors:
        return Shared({}, {}, {}), problems.errors
    sources: dict = {}
    _sources(document, problems, sources)
    parameters = _parameters(document, problems, sources, name)
    scope = Scope(vocabulary, {n: ParamInfo(n, "table" if p.is_table else "number") for n, p in parameters.items()},
                  {})
    _definitions(document, scope, problems, shared=True, sources=sources, parameters=parameters)
    return Shared(parameters, scope.defs, sources), problems.errors


# ----------------------------------------------------------------------------
# Programs


def load_program(path: Path, base: Path, vocabulary: Vocabulary, shared: Shared) -> tuple[Program | None, list]:
    name = _display(path, base)
    try:
        document = load_yaml_file(path, name)
    except RuleError as error:
        error.program = path.stem  # the file name stands in for the id we could not read
        return None, [error]
    if not isinstance(document, LineDict):
        return None, [RuleError(name, getattr(document, "line", 1), "a program file must be a mapping of keys")]
    program_id = document.get("id") if isinstance(document.get("id"), str) else path.stem
    problems = Problems(name, program_id)
    problems.errors.extend(schema_errors(document, "program", name, program_id))
    if problems.errors:
        return None, problems.errors

    sources: dict = {}
    _sources(document, problems, sources)
    own_parameters = _parameters(document, problems, sources, name)
    parameters = dict(shared.parameters)
    for pname, parameter in own_parameters.items():
        if pname in parameters:
            problems.add(parameter.line, f"parameter '{pname}' is already defined in the shared definitions")
        parameters[pname] = parameter
    param_infos = {n: ParamInfo(n, "table" if p.is_table else "number") for n, p in parameters.items()}
    for pname in param_infos:
        if pname in vocabulary.facts or pname in vocabulary.groups:
            problems.add(parameters[pname].line, f"parameter '{pname}' has the same name as a question")
    scope = Scope(vocabulary, param_infos, dict(shared.definitions))
    _definitions(document, scope, problems, shared=False, sources=sources, parameters=parameters)

    effective = document["effective"]
    effective_from = _date(effective["from"], problems, effective.line_of("from"), "the start date")
    effective_until = (
        _date(effective["until"], problems, effective.line_of("until"), "the end date") if "until" in effective
        else None
    )
    confirmed = _date(document["confirmed_through"], problems, document.line_of("confirmed_through"),
                      "the confirmed-through date")
    last_checked = _date(document["last_checked"], problems, document.line_of("last_checked"), "the date checked")
    for change in document["changes"]:
        _date(change["date"], problems, change.line_of("date"), "the change date")
    month, day = (int(x) for x in document["benefit_year_starts"].split("-"))
    try:
        dt.date(2024, month, day)
    except ValueError:
        problems.add(document.line_of("benefit_year_starts"), "the benefit year start is not a real month and day")

    criteria = _criteria(document, scope, problems, sources, parameters)
    eligible_fn = None
    eligible_code = ""
    criteria_scope = None
    question_ids = set()
    for criterion in criteria:
        question_ids.update(criterion.facts)
    eligible_when = document.get("eligible_when", "all")
    if eligible_when != "all":
        criteria_scope = Scope(vocabulary, param_infos, scope.defs, {c.id: i for i, c in enumerate(criteria)})
        compiled = _compile(eligible_when, criteria_scope, problems, document.line_of("eligible_when"),
                            "'eligible_when'", BOOL)
        if compiled:
            eligible_fn, eligible_code = compiled.fn, compiled.code
            question_ids.update(compiled.facts)

    amount = None
    if "amount" in document:
        spec = document["amount"]
        compiled = _compile(spec["formula"], scope, problems, spec.line_of("formula"), "the amount formula", NUMBER)
        if compiled is not None:
            amount = Amount(spec["period"], compiled.fn, spec["explain"], tuple(sorted(compiled.params)),
                            tuple(sorted(compiled.facts)), spec.line, compiled.code, " ".join(spec["formula"].split()))
            question_ids.update(compiled.facts)

    failed_words = set(re.findall(r"[A-Za-z_][A-Za-z0-9_]*", " ".join(problems.failed_expressions)))
    used = set()
    for criterion in criteria:
        used.update(criterion.params)
    if amount:
        used.update(amount.params)
    used.update(_params_in_definitions(scope))
    for pname, parameter in own_parameters.items():
        if pname not in used and pname not in failed_words:
            problems.add(parameter.line, f"parameter '{pname}' is never used")
    # Only parameters a program uses are resolved when it is screened.
    parameters = {n: p for n, p in parameters.items() if n in used}

    if effective_from and confirmed:
        if confirmed < effective_from:
            problems.add(document.line_of("confirmed_through"), "the confirmed-through date is before the start date")
        for parameter in parameters.values():
            _check_coverage(parameter, effective_from, confirmed, problems)

    _check_jurisdiction(document, vocabulary, problems)
    already = _already_question(document, vocabulary, problems)
    examples = _examples(document, vocabulary, problems)
    if problems.errors:
        return None, problems.errors
    program = Program(
        id=program_id, file=name, name=document["name"], summary=document["summary"],
        jurisdiction=document["jurisdiction"], category=document["category"],
        administered_by=document["administered_by"], version=document["version"], changes=list(document["changes"]),
        effective_from=effective_from, effective_until=effective_until, benefit_year_starts=(month, day),
        confirmed_through=confirmed, last_checked=last_checked,
        paid_through_tax_return=document.get("paid_through_tax_return", False), sources=sources,
        parameters=parameters, criteria=criteria, eligible_fn=eligible_fn, eligible_when=eligible_when,
        amount=amount, how_to_apply=document["how_to_apply"], documents=list(document["documents"]),
        contact=dict(document["contact"]), eligible_code=eligible_code, question_ids=frozenset(question_ids),
        already_question=already,
    )
    # With eligible_when, a rule the office checks is read with three-valued logic there too.
    program.exact = exact.build(program, list(scope.defs.values()), criteria_scope if eligible_fn else None)
    program.examples = examples
    program.id_line = document.line_of("id")
    program.definitions = _definitions_used(program, scope.defs)
    trees = _trees(problems.expressions)  # parsed once for both checks that read them
    program.check_errors = _zero_divisors(program, scope, trees, vocabulary, name) + \
        _settled_criteria(program, vocabulary, name) + _unit_mismatches(program, scope, trees, name)
    return program, problems.errors


def _nodes(node):
    """Every node of an expression tree, the tree itself first."""
    yield node
    if isinstance(node, ast.Binary):
        yield from _nodes(node.left)
        yield from _nodes(node.right)
    elif isinstance(node, ast.Unary):
        yield from _nodes(node.operand)
    elif isinstance(node, ast.Call):
        for arg in node.args:
            yield from _nodes(arg)
    elif isinstance(node, ast.InSet):
        yield from _nodes(node.subject)


def _written(node) -> str:
    """An expression written back out, to name it in a message."""
    if isinstance(node, ast.Num):
        return f"{node.value:g}"
    if isinstance(node, ast.Name):
        return node.dotted
    if isinstance(node, ast.Binary):
        return f"({_written(node.left)} {node.op} {_written(node.right)})"
    if isinstance(node, ast.Unary):
        return f"{node.op} {_written(node.operand)}"
    if isinstance(node, ast.Call):
        return f"{node.function}({', '.join(_written(a) for a in node.args)})"
    return "..."


def _knowing_nothing(program, nobody):
    """(day, evaluation state) with no answer known, on each day in force that a parameter value starts."""
    days = {program.effective_from} | {e.start for p in program.parameters.values() for e in p.entries
                                       if e.start >= program.effective_from}
    for day in sorted(d for d in days if program.effective_until is None or d <= program.effective_until):
        env = Env(nobody, day)
        env.params = program.parameter_values(day)
        yield day, env


def _trees(expressions: list) -> list:
    """(tree, text, line, what) for every expression that compiled."""
    return [(ast.parse(text), text, line, what) for text, line, what in expressions]


def _zero_divisors(program, scope: Scope, trees: list, vocabulary, file: str) -> list[RuleError]:
    """A division whose divisor can be 0 for some household, on some date the rules are in force.

    Interval analysis: the divisor is worked out with every answer unknown (each fact the range it
    can take), with the parameters of each date a value changes. A divisor that cannot be 0 (a
    parameter, 12, max(1, x)) passes; one that can must be guarded."""
    nobody = vocabulary.parse_answers({})
    errors = []
    for tree, text, line, what in trees:
        for divisor in (n.right for n in _nodes(tree) if isinstance(n, ast.Binary) and n.op == "/"):
            try:
                compiled = compile_node(divisor, scope)
            except CompileError:
                continue  # read for each person (inside count or sum): not checked here
            for day, env in _knowing_nothing(program, nobody):
                try:
                    value = compiled.fn(env)
                except Exception:  # noqa: BLE001  a divisor that cannot be worked out at all is reported below
                    value = None
                lo, hi = (value.lo, value.hi) if isinstance(value, Interval) else (value, value)
                if value is None or (isinstance(lo, (int, float)) and lo <= 0 <= hi):
                    span = "is 0" if lo == hi == 0 else f"can be anything from {lo:g} to {hi:g}" \
                        if value is not None else "cannot be worked out"
                    errors.append(RuleError(file, line, f"in {what} '{' '.join(text.split())}': the divisor "
                                            f"{_written(divisor)} {span} for some household (on {day}); divide "
                                            "by something that cannot be 0, such as max(1, ...)", program.id))
                    break
    return errors


_COMPARE = ("<", "<=", ">", ">=", "==", "!=")
_UNIT_WORDS = {"money": "an amount of money", "rate": "a percentage", "number": "a count or plain number"}


def _unify(*units):
    known = {u for u in units if u is not None}
    return known.pop() if len(known) == 1 else None


def _strict_unit(node, scope, parameters):
    """money, rate or number when the names in an expression say so; None when a plain literal or a mix."""
    if isinstance(node, ast.Num):
        return {"money": "money", "percent": "rate"}.get(node.unit)
    if isinstance(node, ast.Name):
        name = node.parts[-1]
        if len(node.parts) == 1:
            if name in parameters:
                return {"money": "money", "rate": "rate", "number": "number"}.get(parameters[name].unit)
            if name in scope.defs:
                return None  # a definition's unit is a guess (the dominant one); not judged
            fact = scope.vocabulary.facts.get(name)
        else:
            group = scope.vocabulary.groups.get(node.parts[0])
            fact = group.facts.get(name) if group else None
        if fact is not None:
            return {"money": "money", "number": "number"}.get(fact.type)
        return None
    if isinstance(node, ast.Unary):
        return _strict_unit(node.operand, scope, parameters)
    if isinstance(node, ast.Binary):
        if node.op in _COMPARE or node.op in ("and", "or"):
            return None
        left, right = _strict_unit(node.left, scope, parameters), _strict_unit(node.right, scope, parameters)
        if node.op in ("+", "-"):
            return _unify(left, right)
        if node.op == "*":
            return "money" if "money" in (left, right) else ("number" if left == right == "number" else None)
        if node.op == "/":
            return "money" if left == "money" and right in ("number", None) else None
    if isinstance(node, ast.Call):
        args = node.args
        if node.function == "count":
            return "number"
        if node.function == "sum" and len(args) == 2:
            return _strict_unit(args[1], scope, parameters)
        if node.function in ("min", "max", "round", "floor"):
            counted = args if node.function in ("min", "max") else args[:1]
            return _unify(*(_strict_unit(a, scope, parameters) for a in counted))
        if node.function == "if" and len(args) == 3:
            return _unify(_strict_unit(args[1], scope, parameters), _strict_unit(args[2], scope, parameters))
    return None


def _unit_mismatches(program, scope: Scope, trees: list, file: str) -> list[RuleError]:
    """A comparison of money with a count or a percentage: $38,237 against 2 children is a mistake.
    Only units the names say are judged (a plain 0 or 12 fits anything)."""
    errors = []
    for tree, text, line, what in trees:
        for node in (n for n in _nodes(tree) if isinstance(n, ast.Binary) and n.op in _COMPARE):
            left = _strict_unit(node.left, scope, program.parameters)
            right = _strict_unit(node.right, scope, program.parameters)
            if left and right and left != right and "money" in (left, right):
                errors.append(RuleError(file, line, f"in {what} '{' '.join(text.split())}': "
                                        f"{_written(node.left)} is {_UNIT_WORDS[left]} but {_written(node.right)} "
                                        f"is {_UNIT_WORDS[right]}; they cannot be compared", program.id))
    return errors


def _settled_criteria(program, vocabulary, file: str) -> list[RuleError]:
    """A criterion already met, or already not met, before anything is known: the same for every
    household, so it can never fail (or never be met). Usually a typo (>= 0 for > 0) or a limit of 0."""
    nobody = vocabulary.parse_answers({})
    errors = []
    for criterion in program.criteria:
        if criterion.checked_by_office:
            continue
        outcomes = set()
        for _day, env in _knowing_nothing(program, nobody):
            try:
                outcome = criterion.fn(env)
            except Exception:  # noqa: BLE001  screening reports a rule that cannot be worked out
                outcome = None
            outcomes.add(outcome[0] if type(outcome) is tuple else outcome)
        if outcomes == {True} or outcomes == {False}:
            never = "fail" if outcomes == {True} else "be met"
            errors.append(RuleError(file, criterion.line, f"criterion '{criterion.id}' ({criterion.condition}) is the "
                                    f"same for every household: it can never {never}", program.id))
    return errors


def _definitions_used(program, defs: dict) -> dict:
    """The definitions a program's rules read, directly or through other definitions: name -> text as written."""
    words = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
    texts = [c.condition for c in program.criteria]
    texts += [program.eligible_when if program.eligible_when != "all" else ""]
    texts += [program.amount.formula if program.amount else ""]
    todo = [w for text in texts for w in words.findall(text)]
    used: dict = {}
    while todo:
        name = todo.pop()
        definition = defs.get(name)
        if definition is None or name in used:
            continue
        used[name] = definition.text
        todo.extend(words.findall(definition.text))
    return dict(sorted(used.items()))


def _params_in_definitions(scope: Scope) -> set:
    """Parameters the program's own definitions read. Shared definitions count only where a
    criterion or the amount uses them, and those already carry their parameters."""
    found = set()
    for definition in scope.defs.values():
        if not definition.shared:
            found.update(definition.compiled.params)
    return found


def _check_coverage(parameter: Parameter, start: dt.date, end: dt.date, problems: Problems) -> None:
    """A parameter needs a value on every day from the start to the confirmed-through date."""
    if not parameter.entries:
        return
    shared = parameter.file != problems.file
    if shared:  # report it where it is written
        problems = Problems(parameter.file, problems.program).attach(problems)
    first = parameter.entries[0]
    if first.start > start:
        problems.add(first.line, f"parameter '{parameter.name}' has no value from {start} (when the program starts) "
                     f"to {first.start - dt.timedelta(days=1)}")
    last = parameter.entries[-1]
    if last.end is not None and last.end < end:
        problems.add(last.line, f"parameter '{parameter.name}' has no value after {last.end}, but the program is "
                     f"confirmed through {end}")
    # A shared parameter may be confirmed further than one program that uses it: that program
    # keeps using the values in force on its own confirmed-through date.
    for entry in [] if shared else parameter.entries:
        if entry.start > end:
            problems.add(entry.line, f"parameter '{parameter.name}' has a value from {entry.start}, after the "
                         f"confirmed-through date {end}: move 'confirmed_through' forward if it is confirmed")


def _criteria(document, scope: Scope, problems: Problems, sources: dict, parameters: dict) -> list:
    result = []
    seen = {}
    items = document["criteria"]
    for index, item in enumerate(items):
        line = items.line_of(index)
        cid = item["id"]
        if cid in seen:
            problems.add(line, f"the criterion id '{cid}' is used twice (first on line {seen[cid]})")
            continue
        seen[cid] = line
        source = sources.get(item["source"])
        if source is None:
            problems.add(item.line_of("source"), f"criterion '{cid}' cites a source '{item['source']}' "
                         "that is not listed under 'sources'")
        if item.get("checked_by_office"):
            if "condition" in item:
                problems.add(item.line_of("condition"), f"criterion '{cid}' has both a condition and "
                             "'checked_by_office': keep one")
                continue
            result.append(Criterion(cid, source, item.get("met", ""), item.get("not_met", ""), item["unknown"],
                                    _office_checks, None, (), (), "", line, OFFICE_CHECK))
            continue
        missing = [key for key in ("condition", "met", "not_met") if key not in item]
        if missing:
            problems.add(line, f"criterion '{cid}' needs {', '.join(repr(k) for k in missing)} "
                         "(or 'checked_by_office: true' instead of a condition)")
            continue
        text = item["condition"]
        cline = item.line_of("condition")
        compiled = _compile(text, scope, problems, cline, f"the condition of '{cid}'", BOOL)
        if compiled is None:
            continue
        fn, compared, unit, code = compiled.fn, None, "", ("test", compiled.code)
        tree = ast.parse(text)
        if isinstance(tree, ast.Binary) and tree.op in ("<", "<=", ">", ">="):
            left = compile_node(tree.left, scope)
            right = compile_node(tree.right, scope)
            fn = _comparison(tree.op, left.fn, right.fn)
            compared = tree.op
            unit = _unit_of(tree, scope, parameters)
            code = ("compare", tree.op, left.code, right.code)
        else:
            for key in ("met", "not_met", "unknown"):
                used = sorted(set(PLACEHOLDER.findall(item[key])))
                if used:
                    problems.add(item.line_of(key), f"criterion '{cid}': the '{key}' text uses "
                                 f"{', '.join(used)}, which only a single comparison (<, <=, >, >=) fills in")
        result.append(Criterion(cid, source, item["met"], item["not_met"], item["unknown"], fn, compared,
                                tuple(sorted(compiled.params)), tuple(sorted(compiled.facts)), unit, line, code,
                                " ".join(text.split())))
    return result


PLACEHOLDER = re.compile(r"\{(?:value|limit|gap)\}")


def _office_checks(env):
    """A rule only the office can check: never known from the answers."""
    return None


def _comparison(op: str, lf, rf):
    compare = COMPARISONS[op]

    def criterion(env):
        value = lf(env)
        limit = rf(env)
        return (compare(value, limit), value, limit)
    return criterion


def _unit_of(tree, scope: Scope, parameters: dict) -> str:
    """Whether a compared value is money, a rate or a plain number (for showing it)."""
    units = set()

    def visit(node):
        if isinstance(node, ast.Name):
            name = node.parts[-1]
            if len(node.parts) == 1 and name in parameters:
                units.add(parameters[name].unit)
            fact = scope.vocabulary.facts.get(name) if len(node.parts) == 1 else None
            if fact is None and len(node.parts) == 2:
                group = scope.vocabulary.groups.get(node.parts[0])
                fact = group.facts.get(name) if group else None
            if fact is not None:
                units.add(fact.type)
            if len(node.parts) == 1 and name in scope.defs:
                units.add(scope.defs[name].unit)
        elif isinstance(node, ast.Num):
            units.add(node.unit)
        for child in getattr(node, "__slots__", ()):
            value = getattr(node, child, None)
            if isinstance(value, tuple):
                for v in value:
                    if hasattr(v, "__slots__"):
                        visit(v)
            elif hasattr(value, "__slots__"):
                visit(value)
    visit(tree)
    if "money" in units:
        return "money"
    if "rate" in units or "percent" in units:
        return "rate"
    return "number"


def _examples(document, vocabulary: Vocabulary, problems: Problems) -> list:
    result = []
    items = document["examples"]
    for index, item in enumerate(items):
        line = items.line_of(index)
        day = _date(item["date"], problems, item.line_of("date"), "the example date")
        try:
            answers = vocabulary.parse_answers(item["answers"])
        except AnswerError as error:
            for question, message in error.problems:
                problems.add(_answer_line(item["answers"], question, item.line_of("answers")),
                             f"example '{item['name']}': answer '{question}' {message}")
            continue
        expect = dict(item["expect"])
        for cid in expect.get("criteria", {}):
            if cid not in {c["id"] for c in document["criteria"]}:
                problems.add(item["expect"].line_of("criteria"), f"example '{item['name']}' expects a criterion "
                             f"'{cid}' that the program does not have")
        if day is not None:
            result.append(Example(item["name"], day, answers, expect, line))
    return result


def _answer_line(answers, question, fallback: int) -> int:
    """The line of one answer in an example, from its typed id (``children[2].age``)."""
    if question.group is None:
        path = [question.fact]
    else:
        path = [question.group] + ([question.member] if question.member is not None else []) + \
            ([question.fact] if question.fact else [])
    node, line = answers, fallback
    for part in path:
        if isinstance(node, LineDict) and isinstance(part, str) and part in node:
            line, node = node.line_of(part), node[part]
        elif isinstance(node, LineList) and isinstance(part, int) and part < len(node):
            line, node = node.line_of(part), node[part]
        else:
            break
    return line


# ----------------------------------------------------------------------------
# Everything


class Ruleset:
    def __init__(self, vocabulary: Vocabulary, shared: Shared, programs: list, base: Path):
        self.vocabulary = vocabulary
        self.shared = shared
        self.programs = programs
        self.base = base
        self.by_id = {p.id: p for p in programs}
        self._on_date: dict = {}
        self._whole = None
        self._whole_on_date: dict = {}

    def on(self, date: dt.date) -> list:
        """(program, rules date, parameter values) for each program in effect on a date."""
        plan = self._on_date.get(date)
        if plan is None:
            plan = [(p, p.rules_date(date), p.parameter_values(p.rules_date(date)))
                    for p in self.programs if p.in_effect(date)]
            if len(self._on_date) > 64:
                self._on_date.clear()
            self._on_date[date] = plan
        return plan

    def compile_everything(self) -> None:
        """Compile now what is otherwise compiled on first use (about 0.2 s). A server calls this
        before it forks its workers, so that they share the compiled code and no visitor waits."""
        if self._whole is None:
            self._whole = exact.build_whole(self.programs)
        for program in self.programs:
            if program.exact is not None:
                program.exact.run, program.exact.criteria, program.exact.amount, program.exact.kleene  # noqa: B018

    def whole_screening(self, date: dt.date) -> tuple:
        """The generated function that screens a household with every question answered through
        every program (see ``exact.whole_source``; compiled on first use), and its arguments for
        the date: for each program, (program, rules date, parameter values), or None when it is
        not in effect."""
        if self._whole is None:
            self._whole = exact.build_whole(self.programs)
        args = self._whole_on_date.get(date)
        if args is None:
            in_effect = {id(entry[0]): entry for entry in self.on(date)}
            args = tuple(in_effect.get(id(p)) for p in self.programs)
            if len(self._whole_on_date) > 64:
                self._whole_on_date.clear()
            self._whole_on_date[date] = args
        return self._whole, args


LEVELS = ("federal", "alberta", "non-government")


def _check_jurisdiction(document, vocabulary, problems) -> None:
    """A program is federal, Alberta's, a non-government one, or a place's: one of the region
    question's choices, so that a new municipality needs only its choice and its programs."""
    jurisdiction = document["jurisdiction"]
    region = vocabulary.facts.get("region")
    places = region.choice_values() if region is not None and region.type == "choice" else ()
    if jurisdiction not in LEVELS and jurisdiction not in places:
        allowed = ", ".join(repr(v) for v in (*LEVELS, *places))
        problems.add(document.line_of("jurisdiction"), f"jurisdiction '{jurisdiction}' must be one of {allowed}")


def _already_question(document, vocabulary, problems) -> str:
    """The yes/no question that says the household gets this program now, if the file names one."""
    qid = document.get("already_question", "")
    if not qid:
        return ""
    fact = vocabulary.facts.get(qid)
    if fact is None or fact.type != "yesno" or fact.group is not None:
        problems.add(document.line_of("already_question"),
                     f"already_question '{qid}' must be a yes/no question about the household in questions.yaml")
        return ""
    return qid


def load_ruleset(base: Path | str, checks: bool = True) -> Ruleset:
    """Load every rule file under ``base`` (the folder holding questions.yaml, definitions.yaml and
    programs/). Raises RulesInvalid listing every problem.

    Then the checks that need the rules loaded: a divisor that can be 0 for some household, and every
    program's examples run through the engine. What they find is a problem like any other: rules that
    give wrong answers are not used. ``checks=False`` loads the rules anyway, to show the full trace
    of a failing example (``flask rules check --verbose``, ``flask rules test``) or to test the
    engine on rules the checks refuse."""
    base = Path(base)
    errors: list[RuleError] = []
    vocabulary, found = load_vocabulary(base / "questions.yaml", base)
    errors.extend(found)
    if vocabulary is None:
        raise RulesInvalid(errors)
    shared, found = load_shared(base / "definitions.yaml", base, vocabulary)
    errors.extend(found)
    programs = []
    seen: dict = {}
    for path in sorted((base / "programs").rglob("*.yaml")):
        program, found = load_program(path, base, vocabulary, shared)
        errors.extend(found)
        if program is None:
            continue
        if program.id in seen:
            errors.append(RuleError(program.file, program.id_line, f"the program id '{program.id}' is already used by "
                                    f"{seen[program.id]}", program.id))
            continue
        seen[program.id] = program.file
        programs.append(program)
    if not programs and not errors:
        errors.append(RuleError(_display(base / "programs", base), 0, "there are no program files"))
    if errors:
        raise RulesInvalid(errors)
    ruleset = Ruleset(vocabulary, shared, programs, base)
    if checks:
        failing = check_errors(ruleset)
        if failing:
            raise RulesInvalid(failing)
    return ruleset


def check_errors(ruleset, outcomes=None) -> list[RuleError]:
    """What the checks after loading find: divisors that can be 0, examples that fail."""
    from .examples import example_errors  # runs the engine, which needs the loaded rules

    return [error for p in ruleset.programs for error in p.check_errors] + example_errors(ruleset, outcomes)
