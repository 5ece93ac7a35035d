"""Array screening: many households with every answer known, through every program at once.

The exact path (``exact.py``) writes each checked expression tree as a plain Python expression
over one household. This module rewrites those same expressions for numpy arrays, one element
per household, so a million households cost a few hundred array operations instead of a
million Python calls. The rewrite reads the generated expression (a Python ``ast``), never
rule text: what it can hold is a closed list (dictionary reads keyed by checked names, numbers
and quoted choices written by ``repr``, ``and``/``or``/``not``, arithmetic, comparisons, ``in``,
``if``, ``min``/``max`` and the exact path's helpers), and anything else is refused when the
rules load, so such a program is screened on the scalar path instead.

Households are given as columns (:class:`Households`): each household fact as an array, each
group's facts as 2-D arrays (household, person) with a mask of who is there. A program's result
is worked out here only for households that answered every question it reads; the others, and
any household for which the array code meets something plain Python would refuse (a value that
is not finite where the exact path would raise, an amount that is not finite), are marked
unsettled for that program, and the caller screens them on the scalar path
(``evaluate.screen_only``), which stays the reference. Tests check that both paths give the same
statuses and amounts.

Statuses are small integers (``CODES``): -1 for a program not in effect on the date.
"""

from __future__ import annotations

import ast as pyast
import datetime as dt
import re
from dataclasses import dataclass, field

import numpy as np

from . import expr as ast
from .compile import compile_node

NOT_SCREENED, INELIGIBLE_CODE, MAYBE_CODE, ELIGIBLE_CODE = -1, 0, 1, 2
CODES = {INELIGIBLE_CODE: "ineligible", MAYBE_CODE: "maybe", ELIGIBLE_CODE: "eligible"}
_DEFINITION = re.compile(r"_v(\d+)_")


class Unsupported(Exception):
    """An expression the array rewrite does not handle: the program stays on the scalar path."""


@dataclass
class Households:
    """``n`` households as columns. ``facts``: household fact id -> array (float64 for numbers and
    money, bool for yes/no, for choices each answer's place in its list: see ``choice_codes``).
    ``members``: group id -> fact name -> 2-D array (household, person); ``present``: group id ->
    2-D bool array, True where that person is there. ``answered``: question id ("monthly_rent",
    "children.age", "children") -> bool array, True where the household answered it (for every
    person there); a question not in it is answered by all. Union groups are built from their parts
    (:meth:`complete`)."""

    n: int
    facts: dict
    members: dict
    present: dict
    answered: dict = field(default_factory=dict)

    @classmethod
    def from_answers(cls, answers: list, vocabulary, reads=frozenset()) -> Households:
        """Columns from checked answers (``vocabulary.parse_answers``). A value not answered is
        filled with a stand-in, and ``answered`` says so for the questions in ``reads``."""
        n = len(answers)
        answered = {}
        for question in reads:
            mask = np.array([question not in a.unknown_questions for a in answers], dtype=bool)
            if not mask.all():
                answered[question] = mask
        facts = {fid: _array([a.values.get(fid) for a in answers], fact) for fid, fact in vocabulary.facts.items()}
        members, present = {}, {}
        for group in vocabulary.person_groups:
            people = [a.member_values[group.id] for a in answers]
            width = max([len(p) for p in people] + [1])
            present[group.id] = np.array([[j < len(p) for j in range(width)] for p in people], dtype=bool)
            members[group.id] = {
                name: _array([[p[j].get(name) if j < len(p) else None for j in range(width)] for p in people], fact)
                for name, fact in group.facts.items()}
        return cls(n, facts, members, present, answered)

    def rows(self, chosen) -> Households:
        """These households only (indices)."""
        return Households(len(chosen), {f: v[chosen] for f, v in self.facts.items()},
                          {g: {name: v[chosen] for name, v in m.items()} for g, m in self.members.items()},
                          {g: v[chosen] for g, v in self.present.items()},
                          {q: v[chosen] for q, v in self.answered.items()})

    def complete(self, vocabulary) -> Households:
        for group in vocabulary.union_groups:
            parts = group.members_of
            self.present[group.id] = np.concatenate([self.present[p] for p in parts], axis=1)
            self.members[group.id] = {name: np.concatenate([self.members[p][name] for p in parts], axis=1)
                                      for name in group.facts}
        return self


@dataclass
class Screened:
    """Per program in the ruleset's order: ``status`` (int8 codes), ``amount`` (the amount in the
    program's own period, before rounding; None for a program that pays no money) and
    ``unsettled`` (None, or True for the households whose result for it must come from the
    scalar path: a question it reads is not answered, or the arrays met what plain Python would
    refuse)."""

    status: list = field(default_factory=list)
    amount: list = field(default_factory=list)
    unsettled: list = field(default_factory=list)


def _array(values: list, fact) -> np.ndarray:
    """Answers of one fact as an array of its type; anything not answered (None, a range) as a
    stand-in: 0, no, or empty text."""
    if fact.type == "yesno":
        return np.array(_filled(values, bool, False), dtype=bool)
    if fact.type in ("number", "money"):
        return np.array(_filled(values, (int, float), 0.0), dtype=float)
    if values and isinstance(values[0], list):
        return np.array([choice_codes(fact, row) for row in values], dtype=np.int16)
    return choice_codes(fact, values)


def _filled(values: list, kind, stand_in):
    return [(_filled(v, kind, stand_in) if isinstance(v, list) else v if isinstance(v, kind) else stand_in)
            for v in values]


# -- the rewrite --------------------------------------------------------------------------------


def _key(node) -> str:
    if isinstance(node, pyast.Constant) and isinstance(node.value, str | int):
        return repr(node.value)
    raise Unsupported(pyast.dump(node))


def _group_of(node) -> str:
    """``G['children']`` -> 'children'."""
    if isinstance(node, pyast.Subscript) and isinstance(node.value, pyast.Name) and node.value.id == "G":
        return node.slice.value
    raise Unsupported(pyast.dump(node))


def _over_group(node):
    """(group id, element, condition or None) of ``[e for m in G[g] if c]`` / ``(e for m in G[g])``."""
    if not isinstance(node, pyast.ListComp | pyast.GeneratorExp) or len(node.generators) != 1:
        raise Unsupported(pyast.dump(node))
    generator = node.generators[0]
    if not (isinstance(generator.target, pyast.Name) and generator.target.id == "m") or len(generator.ifs) > 1:
        raise Unsupported(pyast.dump(node))
    return _group_of(generator.iter), node.elt, (generator.ifs[0] if generator.ifs else None)


_OPERATORS = {pyast.Add: "+", pyast.Sub: "-", pyast.Mult: "*"}
_COMPARE = {pyast.Lt: "<", pyast.LtE: "<=", pyast.Gt: ">", pyast.GtE: ">=", pyast.Eq: "==", pyast.NotEq: "!="}
_HELPERS = {"_div": "_vdiv", "_lookup": "_vlookup", "_round": "_vround", "_floor": "_vfloor"}


def _emit(node, member: str | None) -> str:
    """Array source for one node of an exact-path expression; ``member`` names the group a
    ``for m in G[...]`` is going over, where household values become columns (n, 1)."""
    def column(text: str) -> str:
        return f"_col({text})" if member else text

    if isinstance(node, pyast.Constant) and isinstance(node.value, bool | int | float | str):
        return repr(node.value)
    if isinstance(node, pyast.Name):
        if _DEFINITION.fullmatch(node.id):
            return column(node.id)
        raise Unsupported(node.id)
    if isinstance(node, pyast.Subscript):
        inner = node.value
        if isinstance(inner, pyast.Name) and inner.id in ("F", "P", "K"):
            text = f"{inner.id}[{_key(node.slice)}]"
            return column(text) if inner.id == "F" else text
        if isinstance(inner, pyast.Name) and inner.id == "m":
            if member is None:
                raise Unsupported("a person's fact outside count, sum, any or all")
            return f"M[{member!r}][{_key(node.slice)}]"
        if (isinstance(inner, pyast.Subscript) and isinstance(inner.slice, pyast.Constant)
                and inner.slice.value == 0):  # G['you'][0]['age']: the one person of a group
            return column(f"M[{_group_of(inner.value)!r}][{_key(node.slice)}][:, 0]")
        raise Unsupported(pyast.dump(node))
    if isinstance(node, pyast.BoolOp):
        function = "np.logical_and" if isinstance(node.op, pyast.And) else "np.logical_or"
        text = _emit(node.values[0], member)
        for value in node.values[1:]:
            text = f"{function}({text}, {_emit(value, member)})"
        return text
    if isinstance(node, pyast.UnaryOp):
        if isinstance(node.op, pyast.Not):
            return f"np.logical_not({_emit(node.operand, member)})"
        if isinstance(node.op, pyast.USub):
            return f"(-{_emit(node.operand, member)})"
        raise Unsupported(pyast.dump(node))
    if isinstance(node, pyast.BinOp) and type(node.op) in _OPERATORS:
        return f"({_emit(node.left, member)} {_OPERATORS[type(node.op)]} {_emit(node.right, member)})"
    if isinstance(node, pyast.Compare) and len(node.ops) == 1:
        left, (op,), (right,) = _emit(node.left, member), node.ops, node.comparators
        if isinstance(op, pyast.In) and isinstance(right, pyast.Tuple):
            return f"_isin({left}, ({', '.join(_emit(e, member) for e in right.elts)},))"
        if type(op) in _COMPARE:
            return f"({left} {_COMPARE[type(op)]} {_emit(right, member)})"
        raise Unsupported(pyast.dump(node))
    if isinstance(node, pyast.IfExp):
        return (f"np.where({_emit(node.test, member)}, {_emit(node.body, member)}, "
                f"{_emit(node.orelse, member)})")
    if isinstance(node, pyast.Call) and isinstance(node.func, pyast.Name) and not node.keywords:
        return _emit_call(node.func.id, node.args, member)
    raise Unsupported(pyast.dump(node))


def _emit_call(name: str, args: list, member: str | None) -> str:
    if name in ("min", "max"):
        return f"_v{name}(B, {', '.join(_emit(a, member) for a in args)})"
    if name in _HELPERS:
        return f"{_HELPERS[name]}(B, {', '.join(_emit(a, member) for a in args)})"
    if member is not None and name in ("len", "sum", "any", "all"):
        raise Unsupported("a group inside a group")
    if name == "len" and len(args) == 1:
        (arg,) = args
        if isinstance(arg, pyast.Subscript):
            return f"N[{_group_of(arg)!r}]"
        group, element, condition = _over_group(arg)
        if condition is None:
            return f"N[{group!r}]"
        return f"_count(S[{group!r}], {_emit(condition, group)})"
    if name in ("sum", "any", "all") and len(args) == 1:
        group, element, condition = _over_group(args[0])
        if condition is not None:
            raise Unsupported("a condition in sum, any or all")
        return f"_{name}(S[{group!r}], {_emit(element, group)})"
    raise Unsupported(name)


def rewrite(code: str, vocabulary=None) -> str:
    """An exact-path expression as array source (raises Unsupported). With the vocabulary, choices
    are compared as numbers: each choice's place in its question's list (see ``choice_codes``)."""
    tree = pyast.parse(code, mode="eval")
    if vocabulary is not None:
        tree = _ChoicesAsCodes(vocabulary).visit(tree)
    return _emit(tree.body, None)


def choice_codes(fact, values) -> np.ndarray:
    """Answers to a choice question as their place in its list of choices (-1: none)."""
    index = {value: n for n, value in enumerate(fact.choice_values())}
    return np.array([index.get(v, -1) if isinstance(v, str) else -1 for v in values], dtype=np.int16)


class _ChoicesAsCodes(pyast.NodeTransformer):
    """``F['region'] == 'calgary'`` -> ``F['region'] == 0``, and the same for ``in`` and people's
    choices; text compared with anything else is refused."""

    def __init__(self, vocabulary):
        self.vocabulary = vocabulary
        self.group = None

    def _over(self, node):
        saved = self.group
        generator = node.generators[0] if len(node.generators) == 1 else None
        if generator is not None and isinstance(generator.iter, pyast.Subscript):
            self.group = generator.iter.slice.value
        self.generic_visit(node)
        self.group = saved
        return node

    visit_ListComp = visit_GeneratorExp = _over

    def _fact(self, node):
        if not isinstance(node, pyast.Subscript) or not isinstance(node.slice, pyast.Constant):
            return None
        inner, name = node.value, node.slice.value
        if isinstance(inner, pyast.Name) and inner.id == "F":
            return self.vocabulary.facts.get(name)
        if isinstance(inner, pyast.Name) and inner.id == "m" and self.group in self.vocabulary.groups:
            return self.vocabulary.groups[self.group].facts.get(name)
        if isinstance(inner, pyast.Subscript) and isinstance(inner.value, pyast.Subscript):
            group = self.vocabulary.groups.get(inner.value.slice.value)
            return group.facts.get(name) if group else None
        return None

    def visit_Compare(self, node):
        self.generic_visit(node)
        sides = [node.left, *node.comparators]
        fact = next((f for f in map(self._fact, sides) if f is not None and f.type == "choice"), None)

        def code(item):
            if isinstance(item, pyast.Constant) and isinstance(item.value, str):
                if fact is None or item.value not in fact.choice_values():
                    raise Unsupported(f"text {item.value!r} compared with something that is not a choice")
                return pyast.Constant(fact.choice_values().index(item.value))
            if isinstance(item, pyast.Tuple):
                return pyast.Tuple([code(e) for e in item.elts], pyast.Load())
            return item

        node.left = code(node.left)
        node.comparators = [code(c) for c in node.comparators]
        return node


# -- helpers the array source calls (B: a list collecting households that need the scalar path) -


def _col(x):
    return x[:, None] if isinstance(x, np.ndarray) and x.ndim == 1 else x


def _isin(x, options):
    result = x == options[0]
    for option in options[1:]:
        result = np.logical_or(result, x == option)
    return result


def _not_finite(B, x) -> None:
    if isinstance(x, np.ndarray):
        bad = ~np.isfinite(x)
        if bad.any():
            B.append(bad)
    elif not np.isfinite(x):
        B.append(np.True_)


def _vdiv(B, a, b):
    """``a / b``, and 0 where b is 0 (as ``exact._div``)."""
    a, b = np.broadcast_arrays(np.asarray(a, dtype=float), np.asarray(b, dtype=float))
    out = np.zeros(a.shape)
    np.divide(a, b, out=out, where=b != 0)
    return out


def _vlookup(B, table, key):
    """``exact._xlookup``: the row for the whole part of the key, the nearest row past either end."""
    first, rows = table
    _not_finite(B, key)
    rows = np.asarray(rows, dtype=float)
    index = np.trunc(np.nan_to_num(np.asarray(key, dtype=float), nan=0.0, posinf=1e18, neginf=-1e18)) - first
    return rows[np.clip(index, 0, len(rows) - 1).astype(np.int64)]


def _vround(B, x, digits):
    """``exact._xround``: half up, steady against binary fractions; infinities kept."""
    x = np.asarray(x, dtype=float)
    if np.isnan(x).any():
        B.append(np.isnan(x))
    scale = 10 ** digits
    return np.where(np.isinf(x), x, np.floor(x * scale + 0.5 + 1e-9) / scale)


def _vfloor(B, x):
    _not_finite(B, x)  # math.floor refuses infinities and NaN
    return np.floor(x)


def _extreme(B, function, values):
    result = values[0]
    for value in values[1:]:
        result = function(result, value)
    if isinstance(result, np.ndarray) and result.dtype.kind == "f" and np.isnan(result).any():
        B.append(np.isnan(result))  # Python's min and max treat NaN by position, numpy everywhere
    return result


def _vmin(B, *values):
    return _extreme(B, np.minimum, values)


def _vmax(B, *values):
    return _extreme(B, np.maximum, values)


def _count(present, condition):
    return np.logical_and(present, condition).sum(axis=1).astype(float)


def _sum(present, values):
    """Added person by person, in order, as Python's sum does (so totals match to the bit)."""
    values = np.broadcast_to(values, present.shape)
    total = np.zeros(present.shape[0])
    for j in range(present.shape[1]):
        total = total + np.where(present[:, j], values[:, j], 0.0)
    return total


def _any(present, condition):
    return np.logical_and(present, condition).any(axis=1)


def _all(present, condition):
    return np.logical_or(~present, condition).all(axis=1)


NAMESPACE = {"np": np, "_col": _col, "_isin": _isin, "_vdiv": _vdiv, "_vlookup": _vlookup, "_vround": _vround,
             "_vfloor": _vfloor, "_vmin": _vmin, "_vmax": _vmax, "_count": _count, "_sum": _sum, "_any": _any,
             "_all": _all}


# -- one program --------------------------------------------------------------------------------


def _kleene(node, scope, office: set, vocabulary) -> str:
    """``eligible_when`` as array source over the criteria as numbers: 1 met, 0 not met, 0.5 for a
    rule the office checks; and is the least, or the most, not is 1 - x (Kleene's logic)."""
    if isinstance(node, ast.Name) and len(node.parts) == 1 and node.parts[0] in scope.criteria:
        index = scope.criteria[node.parts[0]]
        return "0.5" if index in office else f"k{index}"
    if isinstance(node, ast.Unary) and node.op == "not":
        return f"(1.0 - {_kleene(node.operand, scope, office, vocabulary)})"
    if isinstance(node, ast.Binary) and node.op in ("and", "or"):
        function = "np.minimum" if node.op == "and" else "np.maximum"
        return (f"{function}({_kleene(node.left, scope, office, vocabulary)}, "
                f"{_kleene(node.right, scope, office, vocabulary)})")
    code = compile_node(node, scope).code
    if "K[" in code:
        raise Unsupported("a criterion read other than through and, or and not")
    return f"np.asarray({rewrite(code, vocabulary)}, dtype=float)"


class ArrayProgram:
    """One program's array function: ``run(F, M, S, N, P, C, B)`` -> (criteria, eligible, amount).

    ``criteria`` holds each criterion's array (None for a rule the office checks); ``eligible`` is
    None when every criterion must be met, else ``eligible_when`` in Kleene numbers; ``C`` caches the
    shared definitions that read no parameter, for every program on the same households."""

    def __init__(self, program, vocabulary):
        self.program = program
        run = program.exact
        if run is None:
            raise Unsupported("no exact path")
        definitions = run.definitions
        lines = ["def run(F, M, S, N, P, C, B):"]
        done: set = set()

        def needs(code: str) -> None:
            wanted, stack = set(), [int(n) for n in _DEFINITION.findall(code)]
            while stack:
                number = stack.pop()
                if number not in wanted and number not in done:
                    wanted.add(number)
                    stack.extend(int(n) for n in _DEFINITION.findall(definitions[number].compiled.code))
            for number in sorted(wanted):
                definition = definitions[number]
                source = rewrite(definition.compiled.code, vocabulary)
                if definition.shared and not definition.compiled.params:
                    lines.append(f"    _v{number}_ = C.get({number})")
                    lines.append(f"    if _v{number}_ is None: _v{number}_ = C[{number}] = {source}")
                else:
                    lines.append(f"    _v{number}_ = {source}")
                done.add(number)

        names = []
        for index, criterion in enumerate(program.criteria):
            if criterion.checked_by_office:
                names.append("None")
                continue
            code = criterion.code
            text = f"({code[2]} {code[1]} {code[3]})" if code[0] == "compare" else code[1]
            needs(text)
            lines.append(f"    k{index} = {rewrite(text, vocabulary)}")
            names.append(f"k{index}")
        eligible = "None"
        if program.eligible_fn is not None:
            office = {i for i, c in enumerate(program.criteria) if c.checked_by_office}
            tree = ast.parse(program.eligible_when)
            for index, name in enumerate(names):
                if name != "None":
                    lines.append(f"    k{index} = np.asarray(k{index}, dtype=float)")
            eligible_source = _kleene(tree, run.criteria_scope, office, vocabulary)
            needs(eligible_source)
            lines.append(f"    e = {eligible_source}")
            eligible = "e"
        amount = "None"
        if program.amount is not None:
            needs(program.amount.code)
            lines.append(f"    a = {rewrite(program.amount.code, vocabulary)}")
            amount = "a"
        lines.append(f"    return [{', '.join(names)}], {eligible}, {amount}")
        self.source = "\n".join(lines) + "\n"
        namespace = dict(NAMESPACE)
        exec(compile(self.source, f"<rules as arrays: {program.id}>", "exec"), namespace)  # noqa: S102
        self.run = namespace["run"]
        self.reads = _reads(program)

    def screen(self, households: Households, counts: dict, params: dict, cache: dict):
        """(status codes, amount or None, households for the scalar path) for these households;
        ``counts``: how many people each group has, per household."""
        n = households.n
        B: list = []
        with np.errstate(all="ignore"):
            criteria, eligible, amount = self.run(households.facts, households.members, households.present, counts,
                                                  params, cache, B)
            program = self.program
            if eligible is None:
                met = np.ones(n, dtype=bool)
                for value in criteria:
                    if value is not None:
                        met &= np.broadcast_to(np.asarray(value, dtype=bool), (n,))
                settled = MAYBE_CODE if program.has_office_check else ELIGIBLE_CODE
                status = np.where(met, settled, INELIGIBLE_CODE).astype(np.int8)
            else:
                e = np.broadcast_to(np.asarray(eligible, dtype=float), (n,))
                status = np.where(e == 0.0, INELIGIBLE_CODE, np.where(e == 1.0, ELIGIBLE_CODE, MAYBE_CODE))
                status = status.astype(np.int8)
            scalar = np.zeros(n, dtype=bool)
            for bad in B:
                scalar |= np.broadcast_to(bad, (n,)) if np.ndim(bad) <= 1 else bad.any(axis=1)
            value = None
            if amount is not None:
                value = np.array(np.broadcast_to(np.asarray(amount, dtype=float), (n,)))
                live = status != INELIGIBLE_CODE
                scalar |= live & ~np.isfinite(value)
                value = np.where(value < 0, 0.0, value)
                status = np.where(live & (value < 0.005), INELIGIBLE_CODE, status).astype(np.int8)
        return status, value, scalar


def _reads(program) -> frozenset:
    """Every question the program reads anywhere (criteria, eligible_when, amount)."""
    read = set()
    for criterion in program.criteria:
        read.update(criterion.facts)
    if program.amount is not None:
        read.update(program.amount.facts)
    if program.eligible_fn is not None and program.exact is not None:
        read.update(compile_node(ast.parse(program.eligible_when), program.exact.criteria_scope).facts)
    return frozenset(read)


# -- every program ------------------------------------------------------------------------------


class ArrayScreening:
    """Every program of a ruleset as array functions, built once (``Ruleset.arrays``)."""

    def __init__(self, ruleset, program_ids=None):
        """``program_ids``: only these programs (the others are not screened), e.g. to compare
        with another engine that models fewer."""
        self.ruleset = ruleset
        self.programs = []  # ArrayProgram, or None where only the scalar path can screen it
        self.unsupported = {}  # program id -> why
        self.only = None if program_ids is None else frozenset(program_ids)
        for program in ruleset.programs:
            if self.only is not None and program.id not in self.only:
                self.programs.append(None)
                continue
            try:
                self.programs.append(ArrayProgram(program, ruleset.vocabulary))
            except Unsupported as why:
                self.programs.append(None)
                self.unsupported[program.id] = str(why)
        reads = set()
        for array in self.programs:
            if array is not None:
                reads |= array.reads
        self.reads = frozenset(reads)  # what a household must have answered to be screened here

    def screen(self, households: Households, date: dt.date) -> Screened:
        """Every program for these households on the date. A program only the scalar path can
        screen leaves every household unsettled."""
        households.complete(self.ruleset.vocabulary)
        in_effect = {id(p): params for p, _, params in self.ruleset.on(date)}
        out = Screened()
        cache: dict = {}
        counts = {gid: present.sum(axis=1).astype(float) for gid, present in households.present.items()}
        for program, array in zip(self.ruleset.programs, self.programs):
            params = in_effect.get(id(program))
            if self.only is not None and program.id not in self.only:
                params = None
            if params is None or array is None:
                out.status.append(np.full(households.n, NOT_SCREENED, dtype=np.int8))
                out.amount.append(None)
                out.unsettled.append(None if params is None else np.ones(households.n, dtype=bool))
                continue
            status, amount, scalar = array.screen(households, counts, params, cache)
            for question in array.reads:
                missing = households.answered.get(question)
                if missing is not None:
                    scalar |= ~missing
            out.status.append(status)
            out.amount.append(amount)
            out.unsettled.append(scalar if scalar.any() else None)
        return out
