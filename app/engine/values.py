"""Values with honest uncertainty.

A known number is a plain ``int`` or ``float``. An unknown number is an
:class:`Interval` of every value it could still take, so arithmetic on it gives
the range of possible results and a comparison is true, false or unknown.
A truth value is ``True``, ``False`` or ``None`` (unknown): Kleene's three-valued
logic. A choice is its text, or ``None`` when unknown.
"""

from __future__ import annotations

import math

INF = math.inf


class Interval:
    """Every number from ``lo`` to ``hi`` (inclusive) is still possible."""

    __slots__ = ("lo", "hi")

    def __init__(self, lo: float, hi: float):
        self.lo = lo
        self.hi = hi

    def __repr__(self) -> str:
        return f"Interval({self.lo}, {self.hi})"

    def __eq__(self, other) -> bool:
        return isinstance(other, Interval) and self.lo == other.lo and self.hi == other.hi

    def __hash__(self) -> int:
        return hash((self.lo, self.hi))


ANY_NUMBER = Interval(-INF, INF)


def bounds(x) -> tuple[float, float]:
    if type(x) is Interval:
        return x.lo, x.hi
    return x, x


def make(lo: float, hi: float):
    """An exact number when the range is a single point, else an Interval."""
    if lo == hi:
        return lo
    if lo != lo or hi != hi:  # NaN
        return ANY_NUMBER
    return Interval(lo, hi)


def _safe_mul(a: float, b: float) -> float:
    # 0 × ∞ is 0 here: an unbounded factor times an exact zero is zero.
    if a == 0 or b == 0:
        return 0.0
    return a * b


def add(a, b):
    if type(a) is Interval:
        if type(b) is Interval:
            return make(a.lo + b.lo, a.hi + b.hi)
        return make(a.lo + b, a.hi + b)
    if type(b) is Interval:
        return make(a + b.lo, a + b.hi)
    return a + b


def sub(a, b):
    if type(a) is Interval:
        if type(b) is Interval:
            return make(a.lo - b.hi, a.hi - b.lo)
        return make(a.lo - b, a.hi - b)
    if type(b) is Interval:
        return make(a - b.hi, a - b.lo)
    return a - b


def mul(a, b):
    if type(a) is not Interval and type(b) is not Interval:
        return a * b
    alo, ahi = bounds(a)
    blo, bhi = bounds(b)
    products = (_safe_mul(alo, blo), _safe_mul(alo, bhi), _safe_mul(ahi, blo), _safe_mul(ahi, bhi))
    return make(min(products), max(products))


def div(a, b):
    """a / b, where dividing by zero gives 0 (so plain evaluation never fails). A range that
    may be zero, divided into anything but 0, can give any number: screening reports such an
    amount as one it cannot work out."""
    if type(b) is not Interval:
        if b == 0:
            return 0.0  # division by zero is defined as 0 so evaluation never fails
        if type(a) is not Interval:
            return a / b
    elif type(a) is not Interval and a == 0:
        return 0.0  # nothing divided is nothing, whatever the divisor
    blo, bhi = bounds(b)
    if blo <= 0 <= bhi:
        return ANY_NUMBER
    alo, ahi = bounds(a)
    quotients = (alo / blo, alo / bhi, ahi / blo, ahi / bhi)
    return make(min(quotients), max(quotients))


def neg(a):
    if type(a) is not Interval:
        return -a
    return make(-a.hi, -a.lo)


def vmin(a, b):
    if type(a) is not Interval and type(b) is not Interval:
        return a if a <= b else b
    alo, ahi = bounds(a)
    blo, bhi = bounds(b)
    return make(min(alo, blo), min(ahi, bhi))


def vmax(a, b):
    if type(a) is not Interval and type(b) is not Interval:
        return a if a >= b else b
    alo, ahi = bounds(a)
    blo, bhi = bounds(b)
    return make(max(alo, blo), max(ahi, bhi))


def hull(a, b):
    """The smallest range holding both values."""
    alo, ahi = bounds(a)
    blo, bhi = bounds(b)
    return make(min(alo, blo), max(ahi, bhi))


def floor_(a):
    if type(a) is not Interval:
        return math.floor(a)
    return make(math.floor(a.lo) if a.lo != -INF else -INF, math.floor(a.hi) if a.hi != INF else INF)


# Comparisons return True, False or None (unknown).

def lt(a, b):
    if type(a) is Interval:
        alo, ahi = a.lo, a.hi
    elif type(b) is not Interval:
        return a < b
    else:
        alo = ahi = a
    blo, bhi = (b.lo, b.hi) if type(b) is Interval else (b, b)
    if ahi < blo:
        return True
    if alo >= bhi:
        return False
    return None


def le(a, b):
    if type(a) is Interval:
        alo, ahi = a.lo, a.hi
    elif type(b) is not Interval:
        return a <= b
    else:
        alo = ahi = a
    blo, bhi = (b.lo, b.hi) if type(b) is Interval else (b, b)
    if ahi <= blo:
        return True
    if alo > bhi:
        return False
    return None


def gt(a, b):
    return lt(b, a)


def ge(a, b):
    return le(b, a)


def eq(a, b):
    if type(a) is not Interval and type(b) is not Interval:
        if a is None or b is None:  # an unknown choice
            return None
        return a == b
    alo, ahi = bounds(a)
    blo, bhi = bounds(b)
    if ahi < blo or bhi < alo:
        return False
    return None


def ne(a, b):
    result = eq(a, b)
    return None if result is None else not result


def is_exact(x) -> bool:
    return type(x) is not Interval


# Kleene logic on True / False / None.

def k_not(a):
    return None if a is None else not a
