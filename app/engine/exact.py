"""A fast path for the criteria (and amounts) whose every question is answered.

Most screenings have every relevant answer. For those, a program needs no
ranges and no three-valued logic, so each program is also compiled into one
plain Python function. The source of that function is generated from the
checked expression tree (the way Jinja2 compiles templates): it holds only
fixed helper names, dictionary reads keyed by the checked names, local
variables named by number, and numbers written by ``repr``. Rule text never
reaches ``eval`` or ``exec``.

The function is ``run(F, G, P, S, T, U)``: household facts, plain member
values by group, parameter values, shared definitions already worked out,
the date, and the questions still unknown. It returns ``(outcomes, eligible,
amount)``, or None when it would need a question in ``U``: then the general
three-valued path in ``compile.py`` screens the program instead. Before each
criterion (and the amount) it checks that none of the questions that part
reads is unknown, so a household with some questions open is still settled
here when a criterion it can answer already says no.

Each criterion's status is a local ``k<i>`` and its numbers ``l<i>``/``r<i>``;
the outcome list is only built when the function returns. Each definition
becomes a local variable, worked out just before the first criterion (or the
amount) that needs it, so a program that fails its first criterion does no
more work. Shared definitions that use no parameter are kept in ``S`` for the
other programs of the same screening.

A rule only the office can check is never known here (its status is None).
With ``eligible_when``, those rules are written as the constant ``None`` and
every ``and``/``or``/``not`` that reads them uses Kleene's three-valued logic,
as the general path does, so the program's result is True, False or None.

The general closures in ``compile.py`` stay the reference: tests check that
both paths give the same results.
"""

from __future__ import annotations

import itertools
import math
import re

from . import expr as ast
from .compile import _full_years, _lookup, _round, compile_node

_DEFINITION = re.compile(r"_v(\d+)_")
_temporaries = itertools.count(1)  # names for values the Kleene logic reads twice


def _div(a, b):
    return a / b if b else 0.0


# Kleene's logic on True / False / None, where a rule the office checks is read.

def _kand(a, b):
    if a is None:
        return None if (b is None or b) else False
    if not a:
        return False
    return None if b is None else bool(b)


def _kor(a, b):
    if a is None:
        return True if (b is not None and b) else None
    if a:
        return True
    return None if b is None else bool(b)


def _knot(a):
    return None if a is None else not a


HELPERS = {
    "_div": _div,
    "_lookup": _lookup,
    "_round": _round,
    "_floor": math.floor,
    "_full_years": _full_years,
    "_kand": _kand,
    "_kor": _kor,
    "_knot": _knot,
}


class NotExact(Exception):
    """An ``eligible_when`` reads a rule the office checks other than through and/or/not."""


class _Emitter:
    def __init__(self, definitions):
        self.definitions = {d.number: d for d in definitions}
        self.done: set = set()
        self.lines: list = []
        self.constants: dict = {}  # names of the question sets the guards read

    def needs(self, code: str) -> None:
        """Emit every definition the code reads (and what those read), in order."""
        wanted = set()
        stack = [int(n) for n in _DEFINITION.findall(code)]
        while stack:
            number = stack.pop()
            if number in wanted or number in self.done:
                continue
            wanted.add(number)
            stack.extend(int(n) for n in _DEFINITION.findall(self.definitions[number].compiled.code))
        for number in sorted(wanted):  # a definition only reads ones written before it
            definition = self.definitions[number]
            code = definition.compiled.code
            if definition.shared and not definition.compiled.params:
                self.lines += [f"    _v{number}_ = S.get({number})",
                               f"    if _v{number}_ is None: _v{number}_ = S[{number}] = {code}"]
            else:
                self.lines.append(f"    _v{number}_ = {code}")
            self.done.add(number)

    def guard(self, questions) -> None:
        """Give up (to the general path) when one of these questions is not answered."""
        if not questions:
            return
        name = f"_Q{len(self.constants)}"
        self.constants[name] = frozenset(questions)
        self.lines.append(f"    if U and not {name}.isdisjoint(U): return None")


def _kleene(node, scope, office: set) -> tuple[str, bool]:
    """Source for ``eligible_when`` where the office's rules are unknown: (code, may be None)."""
    if isinstance(node, ast.Name) and len(node.parts) == 1 and node.parts[0] in scope.criteria:
        index = scope.criteria[node.parts[0]]
        return ("None", True) if index in office else (f"k{index}", False)
    if isinstance(node, ast.Unary) and node.op == "not":
        code, unsure = _kleene(node.operand, scope, office)
        return (f"_knot({code})", True) if unsure else (f"(not {code})", False)
    if isinstance(node, ast.Binary) and node.op in ("and", "or"):
        left, left_unsure = _kleene(node.left, scope, office)
        right, right_unsure = _kleene(node.right, scope, office)
        if not (left_unsure or right_unsure):
            return f"({left} {node.op} {right})", False
        # Left to right, and the right side only when the left does not decide, as the general path does.
        decides = "False" if node.op == "and" else "True"
        if not left_unsure:  # a plain True or False
            return (f"({right} if {left} else False)" if node.op == "and" else f"(True if {left} else {right})"), True
        if left == "None":
            return f"_k{node.op}(None, {right})", True
        temp = f"_t{next(_temporaries)}"
        return f"({decides} if ({temp} := {left}) is {decides} else _k{node.op}({temp}, {right}))", True
    names = {name for name, index in scope.criteria.items() if index in office}
    if _mentions(node, names):
        raise NotExact
    return compile_node(node, scope).code, False


def _mentions(node, names: set) -> bool:
    if isinstance(node, ast.Name):
        return len(node.parts) == 1 and node.parts[0] in names
    for slot in getattr(node, "__slots__", ()):
        value = getattr(node, slot, None)
        for child in value if isinstance(value, tuple) else (value,):
            if hasattr(child, "__slots__") and _mentions(child, names):
                return True
    return False


def _outcomes(program, upto: int) -> str:
    """The outcome list of criteria 0 .. upto-1, from their locals."""
    items = []
    for index, criterion in enumerate(program.criteria[:upto]):
        if criterion.checked_by_office:
            items.append("None")
        elif criterion.code[0] == "compare":
            items.append(f"(k{index}, l{index}, r{index})")
        else:
            items.append(f"k{index}")
    return "[" + ", ".join(items) + "]"


def source(program, definitions, criteria_scope=None) -> tuple[str, dict]:
    """The exact-path function's source, and the question sets its guards read.

    ``criteria_scope`` names the criteria, for a program with ``eligible_when``."""
    out = _Emitter(definitions)
    out.lines.append("def run(F, G, P, S, T, U):")
    criteria = program.criteria
    stop_at_no = program.eligible_fn is None
    eligible = unsure = None
    if not stop_at_no:
        office = {i for i, c in enumerate(criteria) if c.checked_by_office}
        tree = ast.parse(program.eligible_when)
        eligible, unsure = _kleene(tree, criteria_scope, office)
        # With eligible_when every criterion is worked out: all their questions must be answered.
        read = set(compile_node(tree, criteria_scope).facts)
        for criterion in criteria:
            read.update(criterion.facts)
        out.guard(read)
    office = False
    for index, criterion in enumerate(criteria):
        if criterion.checked_by_office:  # only the office knows: never decided here
            office = True
            continue
        if stop_at_no:
            out.guard(criterion.facts)
        if criterion.code[0] == "compare":
            _, op, left, right = criterion.code
            out.needs(left + " " + right)
            out.lines += [f"    l{index} = {left}", f"    r{index} = {right}", f"    k{index} = l{index} {op} r{index}"]
        else:
            out.needs(criterion.code[1])
            out.lines.append(f"    k{index} = {criterion.code[1]}")
        if stop_at_no:
            out.lines.append(f"    if not k{index}: return {_outcomes(program, index + 1)}, False, None")
    outcomes = _outcomes(program, len(criteria))
    if stop_at_no:
        decided = "None" if office else "True"  # every other criterion met: "maybe" when the office has the last word
    else:
        out.needs(eligible)
        if "K[" in eligible:  # a criterion read other than through and/or/not
            statuses = ", ".join("None" if c.checked_by_office else f"k{i}" for i, c in enumerate(criteria))
            out.lines.append(f"    K = [{statuses}]")
        if unsure:
            out.lines += [f"    e = {eligible}", f"    if e is False: return {outcomes}, False, None"]
            decided = "e"
        else:
            out.lines.append(f"    if not ({eligible}): return {outcomes}, False, None")
            decided = "True"
    if program.amount:
        out.guard(program.amount.facts)
        out.needs(program.amount.code)
        out.lines.append(f"    return {outcomes}, {decided}, {program.amount.code}")
    else:
        out.lines.append(f"    return {outcomes}, {decided}, None")
    return "\n".join(out.lines) + "\n", out.constants


def parts_source(program, definitions) -> str:
    """Functions for one criterion (``c<i>``) or the amount (``amount``) each, ``(F, G, P, S, T)``:
    the general path works out with these the parts whose every question is answered."""
    lines = []
    for index, criterion in enumerate(program.criteria):
        if criterion.checked_by_office:
            continue
        out = _Emitter(definitions)
        out.lines.append(f"def c{index}(F, G, P, S, T):")
        if criterion.code[0] == "compare":
            _, op, left, right = criterion.code
            out.needs(left + " " + right)
            out.lines += [f"    l = {left}", f"    r = {right}", f"    return (l {op} r, l, r)"]
        else:
            out.needs(criterion.code[1])
            out.lines.append(f"    return {criterion.code[1]}")
        lines += out.lines
    if program.amount:
        out = _Emitter(definitions)
        out.lines.append("def amount(F, G, P, S, T):")
        out.needs(program.amount.code)
        out.lines.append(f"    return {program.amount.code}")
        lines += out.lines
    return "\n".join(lines) + "\n"


def build(program, definitions, criteria_scope=None) -> object:
    """Compile a program's exact-path function: run(F, G, P, S, T, U) -> (outcomes, eligible, amount) or None.

    ``eligible`` is None (maybe) only for a program with a rule the office checks. None instead of
    the tuple: some question the function would read is unknown (in ``U``). Returns None when
    ``eligible_when`` reads a rule the office checks in a way only the general path can follow.

    The function also carries the parts, for the general path: ``run.criteria`` holds, for each
    criterion, (its function or None for a rule the office checks, the questions it reads), and
    ``run.amount`` the same for the amount, or None."""
    try:
        text, constants = source(program, definitions, criteria_scope)
    except NotExact:
        return None
    namespace = dict(HELPERS)
    namespace.update(constants)
    exec(compile(text + parts_source(program, definitions), f"<rules: {program.id}>", "exec"), namespace)  # noqa: S102
    run = namespace["run"]
    run.criteria = tuple((namespace.get(f"c{index}"), frozenset(criterion.facts))
                         for index, criterion in enumerate(program.criteria))
    run.amount = (namespace["amount"], frozenset(program.amount.facts)) if program.amount else None
    return run
