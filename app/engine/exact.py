"""A fast path: plain Python for whatever the answers already settle.

Most screenings have every relevant answer. For those, a program needs no
ranges and no three-valued logic, so the programs are also compiled into plain
Python. The source is generated from the checked expression tree (the way
Jinja2 compiles templates): it holds only fixed helper names, dictionary reads
keyed by the checked names, local variables named by number, and numbers
written by ``repr``. Rule text never reaches ``eval`` or ``exec``.

Three kinds of generated function:

* per program, ``run(F, G, P, S, T, U)``: household facts, plain member values
  by group, parameter values, shared definitions already worked out, the date,
  and the questions still unknown. It returns ``(outcomes, eligible, amount)``,
  or None as soon as it would read a question in ``U`` before the program is
  settled (a criterion it can answer that says no settles it). Used to screen
  one program (``screen_program``);
* per criterion and for the amount (:class:`Exact`: ``criteria``, ``amount``):
  the general path works out with these the parts whose every question is
  answered, and ``kleene``, ``eligible_when`` over the criteria's statuses.
  These two kinds are compiled for a program when first needed;
* for a whole ruleset, ``screen_all`` (:func:`whole_source`): every program in
  one function, with no call per program, each definition worked out once as a
  local, the results built in place, and a criterion that reads an unanswered
  question handed to its general closure, so a program goes to the general path
  only when the answers do not settle it.

Each criterion's status is a local ``k<i>`` and its numbers ``l<i>``/``r<i>``;
the outcome list is only built when a program is settled. A definition is
worked out just before the first criterion (or the amount) that needs it, so a
program that fails its first criterion does no more work.

A rule only the office can check is never known here (its status is None).
With ``eligible_when``, those rules are written as the constant ``None`` and
every ``and``/``or``/``not`` that reads them uses Kleene's three-valued logic,
as the general path does, so the program's result is True, False or None.

The general closures in ``compile.py`` stay the reference: tests check that
both paths give the same results, with every question answered or not.
"""

from __future__ import annotations

import itertools
import math
import re
from functools import cached_property

from . import expr as ast
from .compile import _full_years, compile_node

_DEFINITION = re.compile(r"_v(\d+)_")
_INF = math.inf
_temporaries = itertools.count(1)  # names for values the Kleene logic reads twice


def _div(a, b):
    return a / b if b else 0.0


def _xlookup(table, key):
    """``compile._lookup`` for a known key: the nearest row past either end."""
    first, rows = table
    index = int(key) - first
    if index <= 0:
        return rows[0]
    return rows[index] if index < len(rows) else rows[-1]


def _xround(x, digits: int):
    """``compile._round`` for a known number."""
    if x == _INF or x == -_INF:
        return x
    scale = 10 ** digits
    return math.floor(x * scale + 0.5 + 1e-9) / scale


# Kleene's logic on True / False / None, where a criterion may be unknown (a rule the office checks,
# or one that reads an unanswered question).

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


# What a program's own functions may raise for some household (a formula dividing by zero in
# plain Python, a number too big for a table key, ...). Screening never stops for it.
FAILURES = (ArithmeticError, ValueError, TypeError)

HELPERS = {
    "FAILURES": FAILURES,
    "_INF": math.inf,
    "_div": _div,
    "_lookup": _xlookup,
    "_round": _xround,
    "_floor": math.floor,
    "_full_years": _full_years,
    "_kand": _kand,
    "_kor": _kor,
    "_knot": _knot,
}


class NotExact(Exception):
    """An ``eligible_when`` reads a rule the office checks other than through and/or/not."""


class _Emitter:
    """Lines of generated source. In a per-program function a shared definition that uses no
    parameter is kept in the dictionary ``S``. In the whole screening (``local``) every
    definition is a local variable, None until first worked out: one that uses no parameter
    once for the screening (and once for all written alike), the others once per program."""

    def __init__(self, definitions, indent: str = "    ", local: bool = False, canonical=None, constants=None,
                 give_up: str = "return None"):
        self.definitions = definitions if isinstance(definitions, dict) else {d.number: d for d in definitions}
        self.indent = indent
        self.local = local
        self.done: set = set()
        self.lines: list = []
        self.constants = {} if constants is None else constants  # names of the question sets the guards read
        self.give_up = give_up  # the statement that hands a program to the general path
        self.lazy: set = set()  # numbers of the definitions kept as locals for the whole screening
        self.block_lazy: set = set()  # ... and for one program's block
        self.canonical = {} if canonical is None else canonical  # code -> the number of the first written so

    def add(self, *lines: str) -> None:
        self.lines += [self.indent + line for line in lines]

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
            if self.local and not definition.compiled.params:
                # The same for every program: worked out once, and once for all definitions written alike.
                same = self.canonical.setdefault(code, number)
                self.lazy.add(same)
                self.add(f"if _v{same}_ is None: _v{same}_ = {code}")
                if same != number:
                    self.add(f"_v{number}_ = _v{same}_")
            elif self.local:  # this program's parameters: worked out once in its block
                self.block_lazy.add(number)
                self.add(f"if _v{number}_ is None: _v{number}_ = {code}")
            elif definition.shared and not definition.compiled.params:
                self.add(f"_v{number}_ = S.get({number})",
                         f"if _v{number}_ is None: _v{number}_ = S[{number}] = {code}")
            else:
                self.add(f"_v{number}_ = {code}")
            self.done.add(number)

    def guard(self, questions) -> None:
        """Give up (to the general path) when one of these questions is not answered."""
        if not questions:
            return
        self.add(f"if U and not {self.constant(frozenset(questions))}.isdisjoint(U): {self.give_up}")

    def constant(self, value) -> str:
        name = f"_Q{len(self.constants)}"
        self.constants[name] = value
        return name


def _kleene(node, scope, unsure: dict, leaves: bool = True) -> tuple[str, bool]:
    """Source for ``eligible_when`` with Kleene's logic where a criterion may be unknown: (code, may
    be None). ``unsure`` maps the index of each such criterion to its code (``None`` for a rule the
    office checks); the others are the plain locals ``k<i>``. Without ``leaves``, anything but
    criteria, ``and``, ``or`` and ``not`` cannot be written (NotExact)."""
    if isinstance(node, ast.Name) and len(node.parts) == 1 and node.parts[0] in scope.criteria:
        index = scope.criteria[node.parts[0]]
        return (unsure[index], True) if index in unsure else (f"k{index}", False)
    if isinstance(node, ast.Unary) and node.op == "not":
        code, maybe = _kleene(node.operand, scope, unsure, leaves)
        return (f"_knot({code})", True) if maybe else (f"(not {code})", False)
    if isinstance(node, ast.Binary) and node.op in ("and", "or"):
        left, left_unsure = _kleene(node.left, scope, unsure, leaves)
        right, right_unsure = _kleene(node.right, scope, unsure, leaves)
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
    names = {name for name, index in scope.criteria.items() if index in unsure}
    if not leaves or _mentions(node, names):
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


def _criterion_statuses(criteria) -> str:
    """The generated list of each criterion's status: ``k<i>``, or None for a rule the office checks."""
    return ", ".join("None" if c.checked_by_office else f"k{i}" for i, c in enumerate(criteria))


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


def _body(program, out: _Emitter, criteria_scope, guards: bool, no, done) -> None:
    """The statements that screen one program, ending in ``no(outcomes)`` when it is not
    eligible and ``done(outcomes, eligible, amount)`` otherwise (source text, each)."""
    criteria = program.criteria
    stop_at_no = program.eligible_fn is None
    eligible = unsure = None
    if not stop_at_no:
        office = {i: "None" for i, c in enumerate(criteria) if c.checked_by_office}
        tree = ast.parse(program.eligible_when)
        eligible, unsure = _kleene(tree, criteria_scope, office)
        if guards:  # with eligible_when every criterion is worked out: all their questions must be answered
            read = set(compile_node(tree, criteria_scope).facts)
            for criterion in criteria:
                read.update(criterion.facts)
            out.guard(read)
    office = False
    for index, criterion in enumerate(criteria):
        if criterion.checked_by_office:  # only the office knows: never decided here
            office = True
            continue
        if stop_at_no and guards:
            out.guard(criterion.facts)
        if criterion.code[0] == "compare":
            _, op, left, right = criterion.code
            out.needs(left + " " + right)
            out.add(f"l{index} = {left}", f"r{index} = {right}", f"k{index} = l{index} {op} r{index}")
        else:
            out.needs(criterion.code[1])
            out.add(f"k{index} = {criterion.code[1]}")
        if stop_at_no:
            out.add(f"if not k{index}: {no(_outcomes(program, index + 1))}")
    outcomes = _outcomes(program, len(criteria))
    if stop_at_no:
        decided = "None" if office else "True"  # every other criterion met: "maybe" when the office has the last word
    else:
        out.needs(eligible)
        if "K[" in eligible:  # a criterion read other than through and/or/not
            statuses = _criterion_statuses(criteria)
            out.add(f"K = [{statuses}]")
        if unsure:
            out.add(f"e = {eligible}", f"if e is False: {no(outcomes)}")
            decided = "e"
        else:
            out.add(f"if not ({eligible}): {no(outcomes)}")
            decided = "True"
    amount = None
    if program.amount:
        if guards:
            out.guard(program.amount.facts)
        out.needs(program.amount.code)
        amount = program.amount.code
    out.add(*done(outcomes, decided, amount))


def source(program, definitions, criteria_scope=None) -> tuple[str, dict]:
    """The exact-path function's source, and the question sets its guards read.

    ``criteria_scope`` names the criteria, for a program with ``eligible_when``."""
    out = _Emitter(definitions)
    out.lines.append("def run(F, G, P, S, T, U):")
    _body(program, out, criteria_scope, True, lambda outcomes: f"return {outcomes}, False, None",
          lambda outcomes, decided, amount: [f"return {outcomes}, {decided}, {amount}"])
    return "\n".join(out.lines) + "\n", out.constants


def _statuses(decided: str) -> str:
    return {"True": "'eligible'", "None": "'maybe'", "e": "('eligible' if e else 'maybe')"}[decided]


def _mixed_body(program, out: _Emitter, criteria_scope) -> None:
    """One program's block in the whole screening. A criterion that reads an unanswered question
    is worked out by its general closure, ``CRIT(program, parameters, index)``, where the others
    run as plain Python; the program is settled here when that is enough to say no (the general
    path would give the same result), else its outcomes go on to the general path (``DONE``)."""
    criteria = program.criteria
    stop_at_no = program.eligible_fn is None
    kleene = program.exact.kleene_code if not stop_at_no else None

    def outcomes(upto: int) -> str:
        return "[" + ", ".join("None" if c.checked_by_office else f"o{i}" for i, c in enumerate(criteria[:upto])) + "]"

    def no(upto: int) -> str:
        return f"A(R(p, ANS, T, D, 'ineligible', {outcomes(upto)}, None, None, False, ())); break"

    eligible = unsure = None
    if not stop_at_no:
        office = {i: "None" for i, c in enumerate(criteria) if c.checked_by_office}
        tree = ast.parse(program.eligible_when)
        eligible, unsure = _kleene(tree, criteria_scope, office)
        read = set(compile_node(tree, criteria_scope).facts)
        if kleene is None:  # only the general path can combine unknown criteria here
            for criterion in criteria:
                read.update(criterion.facts)
        out.guard(read)
    mixed = False
    office = False
    for index, criterion in enumerate(criteria):
        if criterion.checked_by_office:  # only the office knows: never decided here
            office = True
            continue
        guarded = bool(criterion.facts) and (stop_at_no or kleene is not None)
        if guarded:
            mixed = True
            out.add(f"if U and not {out.constant(frozenset(criterion.facts))}.isdisjoint(U):",
                    f"    o{index} = CRIT(p, P, {index})",
                    f"    k{index} = o{index}[0] if type(o{index}) is tuple else o{index}")
            if stop_at_no:
                out.add(f"    if k{index} is None: z = True", f"    elif not k{index}: {no(index + 1)}")
            else:
                out.add("    z = True")
            out.add("else:")
            out.indent += "    "
        out.done.clear()  # every definition is a local checked before use: the other branch may not have it
        if criterion.code[0] == "compare":
            _, op, left, right = criterion.code
            out.needs(left + " " + right)
            out.add(f"l{index} = {left}", f"r{index} = {right}", f"k{index} = l{index} {op} r{index}",
                    f"o{index} = (k{index}, l{index}, r{index})")
        else:
            out.needs(criterion.code[1])
            out.add(f"o{index} = k{index} = {criterion.code[1]}")
        if stop_at_no:
            out.add(f"if not k{index}: {no(index + 1)}")
        if guarded:
            out.indent = out.indent[:-4]
    out.done.clear()
    if stop_at_no:
        if mixed:  # some criterion is unknown: the general path says what could decide it
            out.add(f"if z: A(DONE(p, D, P, {outcomes(len(criteria))})); break")
        decided = "None" if office else "True"  # every other criterion met: "maybe" when the office has the last word
    else:
        if mixed:
            statuses = _criterion_statuses(criteria)
            out.add("if z:", f"    K = [{statuses}]", f"    if ({kleene}) is False: {no(len(criteria))}",
                    f"    A(DONE(p, D, P, {outcomes(len(criteria))})); break")
        out.needs(eligible)
        if "K[" in eligible:  # a criterion read other than through and/or/not
            statuses = _criterion_statuses(criteria)
            out.add(f"K = [{statuses}]")
        if unsure:
            out.add(f"e = {eligible}", f"if e is False: {no(len(criteria))}")
            decided = "e"
        else:
            out.add(f"if not ({eligible}): {no(len(criteria))}")
            decided = "True"
    status = _statuses(decided)
    result = outcomes(len(criteria))
    if program.amount is None:
        out.add(f"A(R(p, ANS, T, D, {status}, {result}, None, None, False, ())); break")
    else:
        if program.amount.facts:  # an amount that reads an unanswered question: a range, on the general path
            out.add(f"if U and not {out.constant(frozenset(program.amount.facts))}.isdisjoint(U): "
                    f"A(DONE(p, D, P, {result})); break")
        out.needs(program.amount.code)
        out.add(f"v = {program.amount.code}",
                "if not -_INF < v < _INF: A(FAIL(p, D, P, None)); break",
                "if v < 0: v = 0.0",
                f"if v < 0.005: A(R(p, ANS, T, D, 'ineligible', {result}, v, v, True, ())); break",
                f"A(R(p, ANS, T, D, {status}, {result}, v, v, False, ())); break")
    if mixed:
        out.lines.insert(0, out.indent + "z = False")


def whole_source(programs) -> tuple[str, dict]:
    """One function that screens a household through every program, and the constants it reads:

    ``screen_all(F, G, T, U, ANS, ARGS, A, R, FAIL, SLOW, CRIT, DONE)`` appends to ``A`` a result
    ``R(program, ANS, T, rules date, status, outcomes, lo, hi, zero_amount, ())`` for each entry of
    ``ARGS`` (program, rules date, parameters) that is not None, in order. A program whose rules
    raise one of ``FAILURES`` or give an amount that is not finite gets ``FAIL(program, rules date,
    parameters, exception or None)``; one that needs the general path to be settled (see
    :func:`_mixed_body`) ``DONE(program, rules date, parameters, outcomes)`` or, when it has no
    fast path or reads an unknown question elsewhere, ``SLOW(program, rules date, parameters)``.
    There is no call per program, and a definition is worked out once, as a local."""
    lines = ["def screen_all(F, G, T, U, ANS, ARGS, A, R, FAIL, SLOW, CRIT, DONE):"]
    if programs:
        lines.append("    " + ", ".join(f"a{i}" for i in range(len(programs))) + ", = ARGS")
    lazy: set = set()
    canonical: dict = {}
    constants: dict = {}
    blocks = []
    for i, program in enumerate(programs):
        run = program.exact
        blocks.append(f"    if a{i} is not None:")
        if run is None:
            blocks.append(f"        A(SLOW(*a{i}))")
            continue
        out = _Emitter(run.definitions, indent="            ", local=True, canonical=canonical, constants=constants,
                       give_up="A(SLOW(p, D, P)); break")
        _mixed_body(program, out, run.criteria_scope)
        lazy |= out.lazy
        reset = [" = ".join(f"_v{n}_" for n in sorted(out.block_lazy)) + " = None"] if out.block_lazy else []
        blocks += [f"        p, D, P = a{i}", *(f"        {line}" for line in reset), "        try:",
                   "          while True:", *out.lines,
                   "        except FAILURES as exc:", "            A(FAIL(p, D, P, exc))"]
    if lazy:
        lines.append("    " + " = ".join(f"_v{n}_" for n in sorted(lazy)) + " = None")
    return "\n".join(lines + blocks) + "\n", constants


def build_whole(programs):
    """Compile :func:`whole_source` for these programs (a ruleset's, in order)."""
    text, constants = whole_source(programs)
    namespace = dict(HELPERS)
    namespace.update(constants)
    exec(compile(text, "<rules: every program>", "exec"), namespace)  # noqa: S102
    return namespace["screen_all"]


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
            out.add("l = " + left, "r = " + right, f"return (l {op} r, l, r)")
        else:
            out.needs(criterion.code[1])
            out.add(f"return {criterion.code[1]}")
        lines += out.lines
    if program.amount:
        out = _Emitter(definitions)
        out.lines.append("def amount(F, G, P, S, T):")
        out.needs(program.amount.code)
        out.add(f"return {program.amount.code}")
        lines += out.lines
    return "\n".join(lines) + "\n"


class Exact:
    """A program's generated code, compiled when first needed (most of it is only needed for
    screening one program, or on the general path, so start-up does not pay for it).

    Called as ``run(F, G, P, S, T, U)`` -> (outcomes, eligible, amount), or None when some
    question it would read before the program is settled is unknown (in ``U``). ``eligible``
    is None (maybe) only for a program with a rule the office checks.

    ``criteria`` holds, for each criterion, (its function ``(F, G, P, S, T)`` or None for a rule
    the office checks, the questions it reads); ``amount`` the same for the amount, or None;
    ``kleene`` is ``eligible_when`` as a function of the criteria's statuses (True, False or
    None) when it reads nothing but criteria, ``and``, ``or`` and ``not``, else None, and
    ``kleene_code`` its source over a list ``K``."""

    def __init__(self, program, definitions, criteria_scope=None):
        self.program = program
        self.definitions = {d.number: d for d in definitions}
        self.criteria_scope = criteria_scope  # names the criteria, for a program with eligible_when
        self.kleene_code = _kleene_code(program, criteria_scope) if criteria_scope is not None else None

    @cached_property
    def _namespace(self) -> dict:
        program = self.program
        text, constants = source(program, self.definitions, self.criteria_scope)
        text += parts_source(program, self.definitions)
        if self.kleene_code:
            text += f"def kleene(K):\n    return {self.kleene_code}\n"
        namespace = dict(HELPERS)
        namespace.update(constants)
        exec(compile(text, f"<rules: {program.id}>", "exec"), namespace)  # noqa: S102
        return namespace

    @cached_property
    def run(self):
        return self._namespace["run"]

    def __call__(self, F, G, P, S, T, U):
        return self.run(F, G, P, S, T, U)

    @cached_property
    def criteria(self) -> tuple:
        namespace = self._namespace
        return tuple((namespace.get(f"c{index}"), frozenset(criterion.facts))
                     for index, criterion in enumerate(self.program.criteria))

    @cached_property
    def amount(self):
        amount = self.program.amount
        return (self._namespace["amount"], frozenset(amount.facts)) if amount else None

    @cached_property
    def kleene(self):
        return self._namespace.get("kleene")


def build(program, definitions, criteria_scope=None) -> Exact | None:
    """A program's exact path (see :class:`Exact`), or None when ``eligible_when`` reads a rule
    the office checks in a way only the general path can follow."""
    if criteria_scope is not None:
        office = {i: "None" for i, c in enumerate(program.criteria) if c.checked_by_office}
        try:
            _kleene(ast.parse(program.eligible_when), criteria_scope, office)
        except NotExact:
            return None
    return Exact(program, definitions, criteria_scope)


def _kleene_code(program, criteria_scope) -> str | None:
    """eligible_when over a list ``K`` of the criteria's statuses (True, False or None), or None
    when it reads anything but criteria, ``and``, ``or`` and ``not``."""
    tree = ast.parse(program.eligible_when)
    try:
        code, _ = _kleene(tree, criteria_scope, {i: f"K[{i}]" for i in range(len(program.criteria))}, leaves=False)
    except NotExact:
        return None
    return code
