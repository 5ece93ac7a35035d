"""JSON Schema checks of rule files, with errors in plain words and with lines.

The schemas live in ``rules/schema/`` so that editors can use them too (a
rule file may start with ``# yaml-language-server: $schema=...``).
"""

from __future__ import annotations

import difflib
import json
from functools import cache
from pathlib import Path

import jsonschema

from .errors import RuleError
from .yamlsource import line_at

SCHEMA_DIR = Path(__file__).resolve().parents[2] / "rules" / "schema"
SCHEMA_FILES = {
    "program": "program.schema.json",
    "questions": "questions.schema.json",
    "definitions": "definitions.schema.json",
}

_TYPE_WORDS = {
    "string": "text",
    "number": "a number",
    "integer": "a whole number",
    "boolean": "yes or no",
    "object": "a group of keys",
    "array": "a list",
    "null": "empty",
}


@cache
def load_schema(kind: str) -> dict:
    return json.loads((SCHEMA_DIR / SCHEMA_FILES[kind]).read_text(encoding="utf-8"))


@cache
def _validator(kind: str):
    schema = load_schema(kind)
    cls = jsonschema.validators.validator_for(schema)
    return cls(schema, format_checker=cls.FORMAT_CHECKER)


def _where(path) -> str:
    words = [str(p) if not isinstance(p, int) else f"#{p + 1}" for p in path]
    return " > ".join(words) if words else "the top of the file"


def _plain(error: jsonschema.ValidationError) -> tuple[list, str]:
    """Turn one schema error into (path for the line, plain message)."""
    path = list(error.absolute_path)
    where = _where(path)
    validator = error.validator
    if validator == "additionalProperties":
        allowed = list(error.schema.get("properties", {}))
        extra = [k for k in error.instance if k not in allowed]
        key = extra[0] if extra else "?"
        hint = difflib.get_close_matches(str(key), allowed, n=1)
        suggestion = f" (did you mean '{hint[0]}'?)" if hint else ""
        return path + [key], f"unknown key '{key}' in {where}{suggestion}"
    if validator == "required":
        missing = error.message.split("'")[1] if "'" in error.message else error.message
        return path, f"the key '{missing}' is missing in {where}"
    if validator == "type":
        expected = error.validator_value
        expected = expected if isinstance(expected, list) else [expected]
        wanted = " or ".join(_TYPE_WORDS.get(t, t) for t in expected)
        got = _TYPE_WORDS.get(_json_type(error.instance), "something else")
        extra = ""
        if isinstance(error.instance, bool) and "string" in expected:
            extra = " (YAML reads yes/no/on/off as yes-or-no: put the text in quotes)"
        return path, f"{where} should be {wanted}, not {got}{extra}"
    if validator == "enum":
        options = ", ".join(repr(v) for v in error.validator_value)
        return path, f"{where} must be one of {options}"
    if validator == "const":
        return path, f"{where} must be {error.validator_value!r}"
    if validator == "pattern":
        if "\\d{4}" in str(error.validator_value):
            return path, f"{where} should be a date written YYYY-MM-DD, not {error.instance!r}"
        return path, f"{where} is not written the expected way: {error.instance!r}"
    if validator in ("minimum", "exclusiveMinimum", "maximum", "exclusiveMaximum"):
        return path, f"{where} is out of range: {error.message}"
    if validator in ("minItems", "minLength"):
        return path, f"{where} must not be empty"
    if validator in ("oneOf", "anyOf"):
        return path, f"{where} does not have the expected shape"
    return path, f"{where}: {error.message}"


def _json_type(value) -> str:
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int):
        return "integer"
    if isinstance(value, float):
        return "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, list):
        return "array"
    if isinstance(value, dict):
        return "object"
    return "null"


def schema_errors(document, kind: str, file: str, program: str | None) -> list[RuleError]:
    """Every schema problem in a document, each with its line."""
    errors = []
    validator = _validator(kind)
    for error in sorted(validator.iter_errors(document), key=lambda e: list(map(str, e.absolute_path))):
        # For a failed oneOf/anyOf the most specific sub-error is the most useful.
        best = jsonschema.exceptions.best_match([error]) if error.context else error
        path, message = _plain(best)
        errors.append(RuleError(file, line_at(document, path), message, program))
    return errors
