"""Warnings for rule authors: things that are allowed but often a mistake.

Errors stop the rules from loading (see loader.py); these only ask for a second look.
"""

from __future__ import annotations

from typing import NamedTuple

JUMP = 3  # a value more than 3 times (or less than a third of) the one before is likely a typo


class RuleWarning(NamedTuple):
    file: str
    line: int
    program: str
    message: str

    def __str__(self) -> str:
        return f"{self.file}:{self.line}: {self.program}: {self.message}"


def _rows(entry) -> dict:
    shown = entry.display()
    return shown if isinstance(shown, dict) else {"": shown}


def parameter_jumps(ruleset) -> list[RuleWarning]:
    """A dated value more than 3 times, or less than a third of, the value before it: 38237 typed 3823."""
    found, seen = [], set()
    for program in ruleset.programs:
        for name, parameter in program.parameters.items():
            key = (parameter.file, parameter.line)
            if key in seen:
                continue  # a shared parameter is listed once
            seen.add(key)
            for before, after in zip(parameter.entries, parameter.entries[1:]):
                old_rows, new_rows = _rows(before), _rows(after)
                for row, new in new_rows.items():
                    old = old_rows.get(row)
                    if not isinstance(old, (int, float)) or not isinstance(new, (int, float)) or old <= 0 or new <= 0:
                        continue
                    if max(old, new) / min(old, new) > JUMP:
                        where = f" (row {row})" if row else ""
                        found.append(RuleWarning(
                            parameter.file, after.line, program.id if parameter.file == program.file else "shared",
                            f"parameter '{name}'{where} goes from {old:g} to {new:g} on {after.start}: "
                            f"more than {JUMP} times apart. Is it a typo?"))
    return found
