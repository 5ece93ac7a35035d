"""Errors the engine reports to people: rule authors and whoever sends answers."""

from __future__ import annotations

from typing import NamedTuple

from .qid import QuestionId


class RuleError(Exception):
    """One problem in a rule file, located by file and line."""

    def __init__(self, file: str, line: int, message: str, program: str | None = None):
        super().__init__(message)
        self.file = file
        self.line = line
        self.message = message
        self.program = program

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}"
        if self.program:
            return f"{where}: {self.program}: {self.message}"
        return f"{where}: {self.message}"


class RulesInvalid(Exception):
    """The rules cannot be used. Holds every problem found, not only the first."""

    def __init__(self, errors: list[RuleError]):
        self.errors = sorted(errors, key=lambda e: (e.file, e.line, e.message))
        super().__init__("\n".join(str(e) for e in self.errors))


class AnswerProblem(NamedTuple):
    """One answer that does not fit: which question (typed, with the member) and why, in plain words."""

    question: QuestionId
    message: str


class AnswerError(Exception):
    """Answers that do not fit the question vocabulary (a wrong type, an unknown fact)."""

    def __init__(self, problems: list[AnswerProblem]):
        self.problems = problems
        super().__init__("; ".join(f"{q}: {m}" for q, m in problems))
