"""A fast path for households where nothing a program reads is unknown.

Most screenings have every relevant answer. For those, a program needs no
ranges and no three-valued logic, so each program is also compiled into one
plain Python function. The source of that function is generated from the
checked expression tree (the way Jinja2 compiles templates): it holds only
fixed helper names, dictionary reads keyed by the checked names, local
variables named by number, and numbers written by ``repr``. Rule text never
reaches ``eval`` or ``exec``.

Each definition becomes a local variable, worked out just before the first
criterion (or the amount) that needs it, so a program that fails its first
criterion does no more work. Shared definitions that use no parameter are kept
in ``S`` for the other programs of the same screening.

The general closures in ``compile.py`` stay the reference: a test checks that
both paths give the same results for fully answered households.
"""

from __future__ import annotations

import math
import re

from .compile import _full_years, _lookup, _round

_DEFINITION = re.compile(r"_v(\d+)_")


def _div(a, b):
    return a / b if b else 0.0


HELPERS = {
    "_div": _div,
    "_lookup": _lookup,
    "_round": _round,
    "_floor": math.floor,
    "_full_years": _full_years,
}


class _Emitter:
    def __init__(self, definitions):
        self.definitions = {d.number: d for d in definitions}
        self.done: set = set()
        self.lines: list = []

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


def source(program, definitions) -> str:
    out = _Emitter(definitions)
    out.lines += ["def run(F, G, P, S, T):", "    o = []"]
    stop_at_no = program.eligible_fn is None
    office = False
    for criterion in program.criteria:
        if criterion.checked_by_office:  # only the office knows: never decided here
            out.lines.append("    o.append(None)")
            office = True
            continue
        if criterion.code[0] == "compare":
            _, op, left, right = criterion.code
            out.needs(left + " " + right)
            out.lines += [f"    l = {left}", f"    r = {right}", f"    x = l {op} r", "    o.append((x, l, r))"]
        else:
            out.needs(criterion.code[1])
            out.lines += [f"    x = {criterion.code[1]}", "    o.append(x)"]
        if stop_at_no:
            out.lines.append("    if not x: return o, False, None")
    if not stop_at_no:
        out.needs(program.eligible_code)
        out.lines += ["    K = [c[0] if type(c) is tuple else c for c in o]",
                      f"    if not ({program.eligible_code}): return o, False, None"]
    decided = "None" if office else "True"  # every other criterion met: "maybe" when the office has the last word
    if program.amount:
        out.needs(program.amount.code)
        out.lines.append(f"    return o, {decided}, {program.amount.code}")
    else:
        out.lines.append(f"    return o, {decided}, None")
    return "\n".join(out.lines) + "\n"


def build(program, definitions) -> object:
    """Compile a program's exact-path function: run(F, G, P, S, T) -> (outcomes, eligible, amount).

    ``eligible`` is None (maybe) only for a program with a rule the office checks."""
    namespace = dict(HELPERS)
    exec(compile(source(program, definitions), f"<rules: {program.id}>", "exec"), namespace)  # noqa: S102
    return namespace["run"]
