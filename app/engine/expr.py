"""The rule expression language: tokens and a parser into a small tree.

The language is closed. It has numbers (``7997``, ``$1,234.50``, ``13.5%``),
quoted text (``'calgary'``), ``yes``/``no``, names (``family_net_income``,
``you.age``), arithmetic (``+ - * /``), comparisons (``< <= > >= == !=``),
``x in ('a', 'b')``, ``and`` / ``or`` / ``not``, brackets and a fixed set of
functions (see ``FUNCTIONS`` in ``compile.py``). Nothing here ever reaches
Python's ``eval``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass


class ExprSyntaxError(Exception):
    def __init__(self, message: str, position: int):
        super().__init__(message)
        self.message = message
        self.position = position


@dataclass(frozen=True, slots=True)
class Num:
    value: float
    unit: str  # "number", "money" or "percent"


@dataclass(frozen=True, slots=True)
class Text:
    value: str


@dataclass(frozen=True, slots=True)
class Truth:
    value: bool


@dataclass(frozen=True, slots=True)
class Name:
    parts: tuple[str, ...]
    position: int

    @property
    def dotted(self) -> str:
        return ".".join(self.parts)


@dataclass(frozen=True, slots=True)
class Unary:
    op: str
    operand: object


@dataclass(frozen=True, slots=True)
class Binary:
    op: str
    left: object
    right: object


@dataclass(frozen=True, slots=True)
class InSet:
    subject: object
    options: tuple


@dataclass(frozen=True, slots=True)
class Call:
    function: str
    args: tuple
    position: int


_TOKEN = re.compile(
    r"""
    (?P<space>\s+)
  | (?P<money>\$\s?\d[\d,]*(?:\.\d+)?)
  | (?P<percent>\d+(?:\.\d+)?%)
  | (?P<number>\d[\d_]*(?:\.\d+)?)
  | (?P<text>'[^']*'|"[^"]*")
  | (?P<name>[A-Za-z_][A-Za-z0-9_]*)
  | (?P<op><=|>=|==|!=|<|>|\+|-|\*|/|\(|\)|,|\.)
    """,
    re.VERBOSE,
)

_WORDS = {"and", "or", "not", "in", "yes", "no", "true", "false"}


def tokenize(source: str) -> list[tuple[str, str, int]]:
    tokens = []
    position = 0
    while position < len(source):
        match = _TOKEN.match(source, position)
        if not match:
            raise ExprSyntaxError(f"'{source[position]}' is not allowed here", position)
        kind = match.lastgroup
        text = match.group()
        if kind != "space":
            if kind == "name" and text in _WORDS:
                kind = text
            elif text == "=":
                kind = "op"
            tokens.append((kind, text, position))
        position = match.end()
    tokens.append(("end", "", len(source)))
    return tokens


class _Parser:
    def __init__(self, source: str):
        self.source = source
        self.tokens = tokenize(source)
        self.index = 0

    def peek(self) -> tuple[str, str, int]:
        return self.tokens[self.index]

    def take(self) -> tuple[str, str, int]:
        token = self.tokens[self.index]
        self.index += 1
        return token

    def expect(self, text: str) -> None:
        kind, value, position = self.take()
        if value != text:
            found = "the end" if kind == "end" else f"'{value}'"
            raise ExprSyntaxError(f"expected '{text}' but found {found}", position)

    def parse(self):
        if self.peek()[0] == "end":
            raise ExprSyntaxError("the expression is empty", 0)
        node = self.disjunction()
        kind, value, position = self.peek()
        if kind != "end":
            raise ExprSyntaxError(f"did not expect '{value}' here", position)
        return node

    def disjunction(self):
        node = self.conjunction()
        while self.peek()[0] == "or":
            self.take()
            node = Binary("or", node, self.conjunction())
        return node

    def conjunction(self):
        node = self.negation()
        while self.peek()[0] == "and":
            self.take()
            node = Binary("and", node, self.negation())
        return node

    def negation(self):
        if self.peek()[0] == "not":
            self.take()
            return Unary("not", self.negation())
        return self.comparison()

    def comparison(self):
        node = self.additive()
        kind, value, _ = self.peek()
        if value in ("<", "<=", ">", ">=", "==", "!="):
            self.take()
            node = Binary(value, node, self.additive())
            kind, value, position = self.peek()
            if value in ("<", "<=", ">", ">=", "==", "!="):
                raise ExprSyntaxError("join two comparisons with 'and'", position)
        elif kind == "in":
            self.take()
            self.expect("(")
            options = [self.additive()]
            while self.peek()[1] == ",":
                self.take()
                options.append(self.additive())
            self.expect(")")
            node = InSet(node, tuple(options))
        return node

    def additive(self):
        node = self.multiplicative()
        while self.peek()[1] in ("+", "-"):
            op = self.take()[1]
            node = Binary(op, node, self.multiplicative())
        return node

    def multiplicative(self):
        node = self.unary()
        while self.peek()[1] in ("*", "/"):
            op = self.take()[1]
            node = Binary(op, node, self.unary())
        return node

    def unary(self):
        if self.peek()[1] == "-":
            self.take()
            return Unary("-", self.unary())
        return self.atom()

    def atom(self):
        kind, value, position = self.take()
        if kind == "number":
            return Num(float(value.replace("_", "")), "number")
        if kind == "money":
            return Num(float(value[1:].replace(",", "").strip()), "money")
        if kind == "percent":
            return Num(float(value[:-1]) / 100, "percent")
        if kind == "text":
            return Text(value[1:-1])
        if kind in ("yes", "true"):
            return Truth(True)
        if kind in ("no", "false"):
            return Truth(False)
        if value == "(":
            node = self.disjunction()
            self.expect(")")
            return node
        if kind == "name":
            if self.peek()[1] == "(":
                self.take()
                args = []
                if self.peek()[1] != ")":
                    args.append(self.disjunction())
                    while self.peek()[1] == ",":
                        self.take()
                        args.append(self.disjunction())
                self.expect(")")
                return Call(value, tuple(args), position)
            parts = [value]
            while self.peek()[1] == ".":
                self.take()
                k, v, p = self.take()
                if k != "name":
                    raise ExprSyntaxError("expected a name after '.'", p)
                parts.append(v)
            return Name(tuple(parts), position)
        if kind == "end":
            raise ExprSyntaxError("the expression ends too early", position)
        raise ExprSyntaxError(f"did not expect '{value}' here", position)


def parse(source: str):
    """Parse rule text into a tree. Raises ExprSyntaxError with a position."""
    if not isinstance(source, str):
        raise ExprSyntaxError("an expression must be text", 0)
    return _Parser(source).parse()
