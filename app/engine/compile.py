"""Type-check expression trees and compile them into fast Python closures.

Every name is resolved at load time against the vocabulary, the parameters
and the definitions, so a misspelt fact or parameter is a load error, not a
wrong answer. The closures take one argument, an :class:`Env`, and return
exact values, :class:`~app.engine.values.Interval` ranges, or ``None`` for an
unknown truth value or choice.
"""

from __future__ import annotations

import datetime as dt
import difflib
import math
from dataclasses import dataclass

from . import expr as ast
from . import values as V

NUMBER = "number"
BOOL = "bool"
TEXT = "text"
DATE = "date"
GROUP = "group"
TABLE = "table"

COMPARISONS = {"<": V.lt, "<=": V.le, ">": V.gt, ">=": V.ge}
ARITHMETIC = {"+": V.add, "-": V.sub, "*": V.mul, "/": V.div}
FUNCTIONS = ("min", "max", "if", "lookup", "count", "sum", "any", "all", "round", "floor", "years_since")


class CompileError(Exception):
    def __init__(self, message: str, position: int = 0):
        super().__init__(message)
        self.message = message
        self.position = position


class Env:
    """What one evaluation reads: the household's facts, the parameters in force."""

    __slots__ = ("answers", "facts", "unknown", "groups", "params", "defs", "shared", "exact_shared", "member",
                 "touched", "date", "criteria")

    def __init__(self, answers, date: dt.date):
        self.answers = answers
        self.facts = answers.facts
        self.unknown = answers.unknown
        self.groups = answers.groups
        self.date = date
        self.params = None
        self.defs = {}
        self.shared = {}
        self.exact_shared = {}
        self.member = None
        self.touched = []
        self.criteria = None


@dataclass(frozen=True)
class Compiled:
    fn: object  # Env -> value
    type: object  # NUMBER, BOOL, TEXT, DATE, GROUP, TABLE or ("choice", Fact)
    params: frozenset = frozenset()  # parameter names used, through definitions too
    facts: frozenset = frozenset()  # question ids read, through definitions too
    group: object = None  # for GROUP: the Group
    code: str = ""  # the same expression as Python source for households with nothing unknown


@dataclass
class ParamInfo:
    name: str
    kind: str  # "number" or "table"


@dataclass
class Definition:
    name: str
    compiled: Compiled
    shared: bool
    number: int = 0  # names its local variable in the generated exact-path code
    unit: str = "number"  # money, rate or number: how its value is shown
    text: str = ""  # the expression as written in the file


class Scope:
    """The names an expression may use."""

    def __init__(self, vocabulary, params: dict, defs: dict, criteria: dict | None = None, member_group=None):
        self.vocabulary = vocabulary
        self.params = params  # name -> ParamInfo
        self.defs = defs  # name -> Definition
        self.criteria = criteria  # name -> index, only where criteria may be named
        self.member_group = member_group

    def inside(self, group) -> Scope:
        return Scope(self.vocabulary, self.params, self.defs, self.criteria, group)

    def known_names(self) -> list[str]:
        names = list(self.params) + list(self.defs) + list(self.vocabulary.facts) + list(self.vocabulary.groups)
        if self.criteria:
            names += list(self.criteria)
        if self.member_group is not None:
            names += list(self.member_group.facts)
        return names


def _describe(t) -> str:
    if isinstance(t, tuple):
        return "a choice"
    return {NUMBER: "a number", BOOL: "a yes/no value", TEXT: "text", DATE: "a date",
            GROUP: "a group of people", TABLE: "a table"}[t]


def compile_expression(source: str, scope: Scope, want=None) -> Compiled:
    """Parse, check and compile rule text. Raises ExprSyntaxError or CompileError."""
    tree = ast.parse(source)
    compiled = compile_node(tree, scope)
    if want is not None and compiled.type != want:
        raise CompileError(f"this should give {_describe(want)}, but it gives {_describe(compiled.type)}")
    return compiled


def compile_node(node, scope: Scope) -> Compiled:
    if isinstance(node, ast.Num):
        value = node.value
        return Compiled(lambda env: value, NUMBER, code=repr(float(value)))
    if isinstance(node, ast.Truth):
        value = node.value
        return Compiled(lambda env: value, BOOL, code=repr(bool(value)))
    if isinstance(node, ast.Text):
        value = node.value
        return Compiled(lambda env: value, TEXT, code=repr(str(value)))
    if isinstance(node, ast.Name):
        return _compile_name(node, scope)
    if isinstance(node, ast.Unary):
        return _compile_unary(node, scope)
    if isinstance(node, ast.Binary):
        return _compile_binary(node, scope)
    if isinstance(node, ast.InSet):
        return _compile_in(node, scope)
    if isinstance(node, ast.Call):
        return _compile_call(node, scope)
    raise CompileError("this expression cannot be used")  # pragma: no cover


def _merge(*parts: Compiled) -> dict:
    params = frozenset().union(*(p.params for p in parts))
    facts = frozenset().union(*(p.facts for p in parts))
    return {"params": params, "facts": facts}


def _unknown_name(name: str, scope: Scope, position: int) -> CompileError:
    close = difflib.get_close_matches(name, scope.known_names(), n=1)
    hint = f" (did you mean '{close[0]}'?)" if close else ""
    return CompileError(f"'{name}' is not a known fact, parameter or definition{hint}", position)


def _read_fact(fid: str):
    def read(env):
        if fid in env.unknown:
            env.touched.append(fid)
        return env.facts[fid]
    return read


def _read_member(name: str):
    def read(env):
        member = env.member
        if name in member.unknown and not member.phantom:
            env.touched.append(member.group + "." + name)
        return member.values[name]
    return read


def _read_only_member(gid: str, name: str):
    def read(env):
        member = env.groups[gid][0][0]
        if name in member.unknown:
            env.touched.append(member.group + "." + name)
        return member.values[name]
    return read


def _read_param(name: str):
    def read(env):
        return env.params[name]
    return read


def _read_definition(name: str, fn, across_programs: bool):
    """Work a definition out once and reuse it. A shared definition that uses no
    parameter gives the same value for every program, so it is kept for the
    whole screening; others are kept for one program."""
    missing = object()

    def read(env):
        cache = env.shared if across_programs else env.defs
        cached = cache.get(name, missing)
        if cached is missing:
            start = len(env.touched)
            value = fn(env)
            cache[name] = (value, env.touched[start:])
            return value
        value, touched = cached
        if touched:
            env.touched.extend(touched)
        return value
    return read


def _read_criterion(index: int):
    def read(env):
        return env.criteria[index]
    return read


def _fact_type(fact):
    if fact.type in ("number", "money"):
        return NUMBER
    if fact.type == "yesno":
        return BOOL
    if fact.type == "choice":
        return ("choice", fact)
    return DATE


def _compile_name(node: ast.Name, scope: Scope) -> Compiled:
    vocabulary = scope.vocabulary
    if len(node.parts) == 2:
        gid, name = node.parts
        group = vocabulary.groups.get(gid)
        if group is None:
            raise _unknown_name(node.dotted, scope, node.position)
        if group.kind != "one":
            raise CompileError(
                f"'{gid}' may have no one or many people: use count, sum, any or all over '{gid}'",
                node.position,
            )
        fact = group.facts.get(name)
        if fact is None:
            raise CompileError(f"'{gid}' has no fact '{name}'", node.position)
        return Compiled(_read_only_member(gid, name), _fact_type(fact), facts=frozenset([fact.id]),
                        code=f"G[{gid!r}][0][{name!r}]")
    if len(node.parts) > 2:
        raise CompileError(f"'{node.dotted}' has too many parts", node.position)
    name = node.parts[0]
    if scope.criteria is not None and name in scope.criteria:
        # In eligible_when a criterion's id means that criterion, even where a fact has the same name.
        index = scope.criteria[name]
        return Compiled(_read_criterion(index), BOOL, code=f"K[{index}]")
    member_group = scope.member_group
    if member_group is not None and name in member_group.facts:
        fact = member_group.facts[name]
        ids = _member_fact_ids(vocabulary, member_group, name)
        return Compiled(_read_member(name), _fact_type(fact), facts=ids, code=f"m[{name!r}]")
    if name in scope.defs:
        definition = scope.defs[name]
        c = definition.compiled
        across = definition.shared and not c.params
        return Compiled(_read_definition(name, c.fn, across), c.type, c.params, c.facts,
                        code=f"_v{definition.number}_")
    if name in scope.params:
        info = scope.params[name]
        return Compiled(_read_param(name), TABLE if info.kind == "table" else NUMBER, frozenset([name]),
                        code=f"P[{name!r}]")
    if name in vocabulary.facts:
        fact = vocabulary.facts[name]
        return Compiled(_read_fact(name), _fact_type(fact), facts=frozenset([name]), code=f"F[{name!r}]")
    if name in vocabulary.groups:
        group = vocabulary.groups[name]
        return Compiled(None, GROUP, group=group)
    raise _unknown_name(name, scope, node.position)


def _member_fact_ids(vocabulary, group, name: str) -> frozenset:
    if group.kind == "union":
        return frozenset(f"{part}.{name}" for part in group.members_of)
    return frozenset([f"{group.id}.{name}"])


def _compile_unary(node: ast.Unary, scope: Scope) -> Compiled:
    operand = compile_node(node.operand, scope)
    fn = operand.fn
    if node.op == "not":
        _require(operand, BOOL, "'not'")
        return Compiled(lambda env: V.k_not(fn(env)), BOOL, **_merge(operand), code=f"(not {operand.code})")
    _require(operand, NUMBER, "'-'")
    return Compiled(lambda env: V.neg(fn(env)), NUMBER, **_merge(operand), code=f"(-{operand.code})")


def _require(c: Compiled, want, what: str) -> None:
    if c.type != want:
        raise CompileError(f"{what} needs {_describe(want)}, but got {_describe(c.type)}")


def _compile_binary(node: ast.Binary, scope: Scope) -> Compiled:
    left = compile_node(node.left, scope)
    right = compile_node(node.right, scope)
    lf, rf = left.fn, right.fn
    op = node.op
    merged = _merge(left, right)
    if op == "and":
        _require(left, BOOL, "'and'")
        _require(right, BOOL, "'and'")

        def conjunction(env):
            a = lf(env)
            if a is False:
                return False
            b = rf(env)
            if b is False:
                return False
            return True if (a is True and b is True) else None
        return Compiled(conjunction, BOOL, **merged, code=f"({left.code} and {right.code})")
    if op == "or":
        _require(left, BOOL, "'or'")
        _require(right, BOOL, "'or'")

        def disjunction(env):
            a = lf(env)
            if a is True:
                return True
            b = rf(env)
            if b is True:
                return True
            return False if (a is False and b is False) else None
        return Compiled(disjunction, BOOL, **merged, code=f"({left.code} or {right.code})")
    if op in ARITHMETIC:
        _require(left, NUMBER, f"'{op}'")
        _require(right, NUMBER, f"'{op}'")
        f = ARITHMETIC[op]
        code = f"_div({left.code}, {right.code})" if op == "/" else f"({left.code} {op} {right.code})"
        return Compiled(lambda env: f(lf(env), rf(env)), NUMBER, **merged, code=code)
    if op in COMPARISONS:
        _require(left, NUMBER, f"'{op}'")
        _require(right, NUMBER, f"'{op}'")
        f = COMPARISONS[op]
        return Compiled(lambda env: f(lf(env), rf(env)), BOOL, **merged, code=f"({left.code} {op} {right.code})")
    if op in ("==", "!="):
        _check_same(left, right, node)
        f = V.eq if op == "==" else V.ne
        return Compiled(lambda env: f(lf(env), rf(env)), BOOL, **merged, code=f"({left.code} {op} {right.code})")
    raise CompileError(f"'{op}' cannot be used here")  # pragma: no cover


def _check_same(left: Compiled, right: Compiled, node) -> None:
    lt, rt = left.type, right.type
    if isinstance(lt, tuple) and rt == TEXT:
        _check_choice(lt[1], node.right)
        return
    if isinstance(rt, tuple) and lt == TEXT:
        _check_choice(rt[1], node.left)
        return
    if isinstance(lt, tuple) and isinstance(rt, tuple):
        if lt[1].choices == rt[1].choices:
            return
    elif lt == rt and lt in (NUMBER, BOOL, TEXT):
        return
    raise CompileError(f"cannot compare {_describe(lt)} with {_describe(rt)}")


def _check_choice(fact, text_node) -> None:
    if isinstance(text_node, ast.Text) and text_node.value not in fact.choice_values():
        options = ", ".join(repr(v) for v in fact.choice_values())
        raise CompileError(f"'{text_node.value}' is not one of the choices of '{fact.id}': {options}")


def _compile_in(node: ast.InSet, scope: Scope) -> Compiled:
    subject = compile_node(node.subject, scope)
    options = [compile_node(o, scope) for o in node.options]
    for option_node, option in zip(node.options, options):
        if isinstance(subject.type, tuple):
            if option.type != TEXT or not isinstance(option_node, ast.Text):
                raise CompileError("the choices after 'in' must be quoted text")
            _check_choice(subject.type[1], option_node)
        elif subject.type == NUMBER:
            _require(option, NUMBER, "'in'")
        else:
            raise CompileError(f"'in' needs a choice or a number, but got {_describe(subject.type)}")
    sf = subject.fn
    option_fns = [o.fn for o in options]

    def member_of(env):
        value = sf(env)
        result = False
        for of in option_fns:
            match = V.eq(value, of(env))
            if match is True:
                return True
            if match is None:
                result = None
        return result
    code = f"({subject.code} in ({', '.join(o.code for o in options)},))"
    return Compiled(member_of, BOOL, **_merge(subject, *options), code=code)


def _compile_call(node: ast.Call, scope: Scope) -> Compiled:
    name = node.function
    args = node.args
    if name not in FUNCTIONS:
        close = difflib.get_close_matches(name, FUNCTIONS, n=1)
        hint = f" (did you mean '{close[0]}'?)" if close else ""
        raise CompileError(f"'{name}' is not a known function{hint}", node.position)
    if name in ("count", "sum", "any", "all"):
        return _compile_aggregate(node, scope)
    compiled = [compile_node(a, scope) for a in args]
    merged = _merge(*compiled) if compiled else {}
    if name in ("min", "max"):
        if len(compiled) < 2:
            raise CompileError(f"'{name}' needs at least two values", node.position)
        for c in compiled:
            _require(c, NUMBER, f"'{name}'")
        fns = [c.fn for c in compiled]
        f = V.vmin if name == "min" else V.vmax
        first, rest = fns[0], fns[1:]

        def extreme(env):
            result = first(env)
            for g in rest:
                result = f(result, g(env))
            return result
        return Compiled(extreme, NUMBER, **merged, code=f"{name}({', '.join(c.code for c in compiled)})")
    if name == "if":
        _arity(node, 3)
        cond, yes, no = compiled
        _require(cond, BOOL, "the first value of 'if'")
        if yes.type != no.type or yes.type not in (NUMBER, BOOL):
            raise CompileError("both results of 'if' must be numbers, or both yes/no", node.position)
        cf, yf, nf = cond.fn, yes.fn, no.fn
        numeric = yes.type == NUMBER
        narrow = _narrowing(args[0], scope)

        def choose(env):
            c = cf(env)
            if c is True:
                return yf(env)
            if c is False:
                return nf(env)
            if narrow is not None:
                a, b = narrow(env, yf, nf)
            else:
                a, b = yf(env), nf(env)
            if numeric:
                return V.hull(a, b)
            return a if a == b else None
        return Compiled(choose, yes.type, **merged, code=f"({yes.code} if {cond.code} else {no.code})")
    if name == "lookup":
        _arity(node, 2)
        table, key = compiled
        if table.type != TABLE:
            raise CompileError("the first value of 'lookup' must be a table parameter", node.position)
        _require(key, NUMBER, "the key of 'lookup'")
        tf, kf = table.fn, key.fn
        return Compiled(lambda env: _lookup(tf(env), kf(env)), NUMBER, **merged,
                        code=f"_lookup({table.code}, {key.code})")
    if name in ("round", "floor"):
        if name == "floor":
            _arity(node, 1)
        elif len(args) not in (1, 2):
            raise CompileError("'round' takes a number and, if wanted, the digits to keep", node.position)
        for c in compiled:
            _require(c, NUMBER, f"'{name}'")
        if len(args) == 2 and not isinstance(args[1], ast.Num):
            raise CompileError("the digits of 'round' must be written as a number", node.position)
        xf = compiled[0].fn
        if name == "floor":
            return Compiled(lambda env: V.floor_(xf(env)), NUMBER, **merged, code=f"_floor({compiled[0].code})")
        digits = int(args[1].value) if len(args) == 2 else 0
        return Compiled(lambda env: _round(xf(env), digits), NUMBER, **merged,
                        code=f"_round({compiled[0].code}, {digits})")
    if name == "years_since":
        _arity(node, 1)
        (when,) = compiled
        if when.type != DATE:
            raise CompileError("'years_since' needs a date fact", node.position)
        wf = when.fn

        def years(env):
            d = wf(env)
            if d is None:
                return V.Interval(0, 150)
            return _full_years(d, env.date)
        return Compiled(years, NUMBER, **merged, code=f"_full_years({when.code}, T)")
    raise CompileError(f"'{name}' cannot be used here", node.position)  # pragma: no cover


def _narrowing(condition, scope: Scope):
    """For ``if(x <= limit, a, b)`` with x unknown: work out ``a`` knowing x is at
    most the limit, and ``b`` knowing it is above. Without this, each branch would
    be worked out over every possible x, and amount ranges would be far too wide.

    Only a plain fact or definition compared with a known number is narrowed.
    Returns None when the condition has another shape.
    """
    if not (isinstance(condition, ast.Binary) and condition.op in COMPARISONS):
        return None
    subject = condition.left
    if not (isinstance(subject, ast.Name) and len(subject.parts) == 1):
        return None
    name = subject.parts[0]
    if scope.member_group is not None and name in scope.member_group.facts:
        return None
    if name in scope.defs:
        kind = "definition"
    elif name in scope.vocabulary.facts and scope.vocabulary.facts[name].type in ("number", "money"):
        kind = "fact"
    else:
        return None
    subject_fn = compile_node(subject, scope).fn
    limit_fn = compile_node(condition.right, scope).fn
    at_most = condition.op in ("<", "<=")

    def split(env, yes_fn, no_fn):
        value = subject_fn(env)
        limit = limit_fn(env)
        if type(value) is not V.Interval or type(limit) is V.Interval:
            return yes_fn(env), no_fn(env)
        low = V.make(value.lo, min(value.hi, limit))
        high = V.make(max(value.lo, limit), value.hi)
        results = []
        if kind == "definition":
            touched = (env.defs.get(name) or env.shared.get(name))[1]
            subject = frozenset(touched)  # the unknown questions it was worked out from
        else:
            subject = frozenset([name])
        for part in ((low, high) if at_most else (high, low)):
            saved_defs, saved_shared, saved_facts = env.defs, env.shared, env.facts
            # Within a branch every definition that may read the narrowed value is worked out afresh
            # from it. One worked out already from none of the same unknown questions is kept.
            if subject:
                env.defs = {k: v for k, v in saved_defs.items() if subject.isdisjoint(v[1])}
                env.shared = {k: v for k, v in saved_shared.items() if subject.isdisjoint(v[1])}
            else:
                env.defs, env.shared = {}, {}
            if kind == "definition":
                env.defs[name] = env.shared[name] = (part, touched)
            else:
                env.facts = dict(saved_facts)
                env.facts[name] = part
            try:
                results.append((yes_fn if len(results) == 0 else no_fn)(env))
            finally:
                env.defs, env.shared, env.facts = saved_defs, saved_shared, saved_facts
        return results[0], results[1]
    return split


def _arity(node: ast.Call, n: int) -> None:
    if len(node.args) != n:
        raise CompileError(f"'{node.function}' takes {n} values, not {len(node.args)}", node.position)


def _round(x, digits: int):
    scale = 10 ** digits

    def half_up(v):
        if v in (V.INF, -V.INF):
            return v
        return math.floor(v * scale + 0.5 + 1e-9) / scale
    if type(x) is V.Interval:
        return V.make(half_up(x.lo), half_up(x.hi))
    return half_up(x)


def _full_years(start: dt.date, end: dt.date) -> int:
    years = end.year - start.year - ((end.month, end.day) < (start.month, start.day))
    return max(years, 0)


def _lookup(table, key):
    """Read a table by a whole-number key. Keys past the ends use the nearest row."""
    first, rows = table
    last = first + len(rows) - 1
    if type(key) is not V.Interval:
        k = min(max(int(key), first), last)
        return rows[k - first]
    lo = first if key.lo == -V.INF else min(max(math.ceil(key.lo), first), last)
    hi = last if key.hi == V.INF else min(max(math.floor(key.hi), first), last)
    if hi < lo:
        hi = lo
    window = rows[lo - first:hi - first + 1]
    return V.make(min(window), max(window))


def _compile_aggregate(node: ast.Call, scope: Scope) -> Compiled:
    name = node.function
    args = node.args
    if not args:
        raise CompileError(f"'{name}' needs a group of people first, like '{name}(children, ...)'", node.position)
    head = args[0]
    if not isinstance(head, ast.Name) or len(head.parts) != 1 or head.parts[0] not in scope.vocabulary.groups:
        groups = ", ".join(scope.vocabulary.groups)
        raise CompileError(f"the first value of '{name}' must be a group of people: {groups}", node.position)
    group = scope.vocabulary.groups[head.parts[0]]
    gid = group.id
    inner_scope = scope.inside(group)
    size_questions = _size_questions(scope.vocabulary, group)
    if name == "count":
        if len(args) > 2:
            raise CompileError("'count' takes a group and, if wanted, a condition", node.position)
        pred = compile_node(args[1], inner_scope) if len(args) == 2 else None
        if pred is not None:
            _require(pred, BOOL, "the condition of 'count'")
        pf = pred.fn if pred else None
        merged = _merge(pred) if pred else {}
        merged["facts"] = merged.get("facts", frozenset()) | size_questions
        code = f"len(G[{gid!r}])" if pred is None else f"len([0 for m in G[{gid!r}] if {pred.code}])"
        return Compiled(_counter(gid, pf, tuple(size_questions)), NUMBER, **merged, code=code)
    _arity(node, 2)
    inner = compile_node(args[1], inner_scope)
    merged = _merge(inner)
    merged["facts"] = merged["facts"] | size_questions
    if name == "sum":
        _require(inner, NUMBER, "the value of 'sum'")
        return Compiled(_summer(gid, inner.fn, tuple(size_questions)), NUMBER, **merged,
                        code=f"sum([{inner.code} for m in G[{gid!r}]])")
    _require(inner, BOOL, f"the condition of '{name}'")
    return Compiled(_quantifier(gid, inner.fn, name == "any", tuple(size_questions)), BOOL, **merged,
                    code=f"{name}({inner.code} for m in G[{gid!r}])")


def _size_questions(vocabulary, group) -> frozenset:
    parts = group.members_of if group.kind == "union" else (group.id,)
    found = set()
    for part in parts:
        q = vocabulary.groups[part].size_question
        if q:
            found.add(q)
    return frozenset(found)


def _counter(gid: str, pf, size_qs: tuple):
    def count(env):
        certain, possible = env.groups[gid]
        if pf is None:
            if not possible:
                return len(certain)
        saved = env.member
        lo = hi = 0
        for member in certain:
            if pf is None:
                v = True
            else:
                env.member = member
                v = pf(env)
            if v is True:
                lo += 1
                hi += 1
            elif v is None:
                hi += 1
        if possible:
            env.touched.extend(size_qs)
            if pf is None:
                hi += len(possible)
            else:
                last = counted = None
                for member in possible:
                    if member is not last:  # an unknown number of people repeats one stand-in: ask it once
                        env.member = last = member
                        counted = pf(env) is not False
                    if counted:
                        hi += 1
        env.member = saved
        return lo if lo == hi else V.Interval(lo, hi)
    return count


def _summer(gid: str, ef, size_qs: tuple):
    def total(env):
        certain, possible = env.groups[gid]
        saved = env.member
        result = 0
        for member in certain:
            env.member = member
            result = V.add(result, ef(env))
        if possible:
            env.touched.extend(size_qs)
            last = part = None
            for member in possible:
                if member is not last:  # an unknown number of people repeats one stand-in: work it out once
                    env.member = last = member
                    part = V.hull(0, ef(env))
                result = V.add(result, part)
        env.member = saved
        return result
    return total


def _quantifier(gid: str, pf, is_any: bool, size_qs: tuple):
    decisive = is_any  # any: one True decides; all: one False decides

    def quantify(env):
        certain, possible = env.groups[gid]
        saved = env.member
        result = not decisive
        try:
            for member in certain:
                env.member = member
                v = pf(env)
                if v is decisive:
                    return decisive
                if v is None:
                    result = None
            if possible:
                env.touched.extend(size_qs)
                last = None
                for member in possible:
                    if member is last:  # an unknown number of people repeats one stand-in: ask it once
                        continue
                    env.member = last = member
                    if pf(env) is not (not decisive):
                        result = None
            return result
        finally:
            env.member = saved
    return quantify
