"""The JSON API's schemas and OpenAPI 3.1 document, generated from the vocabulary.

One source for both: the same JSON Schemas (2020-12, which OpenAPI 3.1 uses as they are) check
each request (with ``jsonschema``) and are published in ``/api/v1/openapi.json``. The answers
schema follows ``rules/questions.yaml``: a new question appears in the API without a line here.
The answers are the household file format of ``flask rules explain`` (README, "Household files").
"""

from __future__ import annotations

from jsonschema import Draft202012Validator

from app.engine import DONT_KNOW

VERSION = "1.0.0"
MAX_BODY = 64 * 1024  # bytes; a household is a few hundred


def _fact_schema(fact) -> dict:
    if fact.type == "yesno":
        schema = {"type": "boolean"}
    elif fact.type in ("number", "money"):
        schema = {"type": "integer" if fact.integer else "number"}
        if fact.minimum is not None:
            schema["minimum"] = fact.minimum
        if fact.maximum is not None:
            schema["maximum"] = fact.maximum
    elif fact.type == "choice":
        schema = {"type": "string", "enum": list(fact.choice_values())}
    else:  # date
        schema = {"type": "string", "format": "date"}
    schema["description"] = " ".join(fact.label.split())
    if fact.dont_know:
        return {"description": schema.pop("description"),
                "anyOf": [schema, {"const": DONT_KNOW, "description": "The person does not know."}]}
    return schema


def answers_schema(vocabulary) -> dict:
    """The answers object: each household question, and each group's people with their facts."""
    properties = {fid: _fact_schema(fact) for fid, fact in vocabulary.facts.items()}
    for group in vocabulary.groups.values():
        if group.kind == "union":
            continue
        person = {"type": "object", "additionalProperties": False,
                  "properties": {name: _fact_schema(fact) for name, fact in group.facts.items()}}
        if group.kind == "list":
            people = {"type": "array", "items": person, "maxItems": group.maximum,
                      "description": f"One entry per person ({group.id})."}
            properties[group.id] = {"anyOf": [people, {"const": DONT_KNOW}]} if group.dont_know else people
        else:
            properties[group.id] = person
    return {"type": "object", "additionalProperties": False, "properties": properties,
            "description": "Answers in the household file format. Leave out what is not known yet, "
                           "or answer \"dont_know\" where a question allows it."}


def request_schemas(vocabulary) -> dict:
    answers = {"$ref": "#/components/schemas/Answers"}
    return {
        "Answers": answers_schema(vocabulary),
        "ScreenRequest": {
            "type": "object", "additionalProperties": False, "required": ["answers"],
            "properties": {
                "answers": answers,
                "date": {"type": "string", "format": "date",
                         "description": "Screen as of this date (YYYY-MM-DD); default today."},
                "reasons": {"type": "boolean", "default": False,
                            "description": "Include each criterion's structured reason and sentence."},
            },
        },
        "NextRequest": {
            "type": "object", "additionalProperties": False, "required": ["answers"],
            "properties": {"answers": answers, "date": {"type": "string", "format": "date"}},
        },
    }


_MONEY = {"type": ["number", "null"]}
RESPONSE_SCHEMAS = {
    "Program": {
        "type": "object", "required": ["id", "name", "summary", "jurisdiction", "category", "url"],
        "properties": {"id": {"type": "string"}, "name": {"type": "string"}, "summary": {"type": "string"},
                       "jurisdiction": {"type": "string"}, "category": {"type": "string"},
                       "administered_by": {"type": "string"}, "url": {"type": "string"},
                       "apply": {"type": "string"}},
    },
    "Result": {
        "type": "object",
        "required": ["id", "name", "status", "amount_yearly", "amount_monthly", "amount_once", "amount_range",
                     "deciding", "provenance"],
        "properties": {
            "id": {"type": "string"}, "name": {"type": "string"},
            "status": {"enum": ["eligible", "maybe", "ineligible"]},
            "amount_yearly": _MONEY, "amount_monthly": _MONEY, "amount_once": _MONEY,
            "amount_range": {"anyOf": [{"type": "null"},
                                       {"type": "array", "items": {"type": "number"}, "minItems": 2, "maxItems": 2}]},
            "paid_through_tax_return": {"type": "boolean"},
            "deciding": {"type": "array", "items": {"type": "string"},
                         "description": "Questions whose answers could still change this result."},
            "why": {"type": "string", "description": "The main reason, in the requested language."},
            "reasons": {"type": "array", "items": {"type": "object"},
                        "description": "Each criterion: status, value, limit, gap, unit, sources and its sentence."},
            "provenance": {"type": "object", "required": ["rule_version", "as_of"],
                           "properties": {"rule_version": {"type": "string"}, "as_of": {"type": "string"},
                                          "figures_stale": {"type": "boolean"},
                                          "unconfirmed": {"type": "array", "items": {"type": "string"}}}},
            "error": {"type": ["string", "null"]},
        },
    },
    "ScreenResponse": {
        "type": "object", "required": ["date", "language", "results", "not_screened", "totals"],
        "properties": {
            "date": {"type": "string", "format": "date"}, "language": {"type": "string"},
            "results": {"type": "array", "items": {"$ref": "#/components/schemas/Result"}},
            "not_screened": {"type": "array", "items": {"type": "string"}},
            "totals": {"type": "object", "required": ["yearly", "once"],
                       "properties": {"yearly": {"type": "number"}, "once": {"type": "number"}}},
        },
    },
    "Question": {
        "type": "object", "required": ["id", "type", "label"],
        "properties": {"id": {"type": "string"}, "type": {"type": "string"}, "label": {"type": "string"},
                       "hint": {"type": "string"}, "section": {"type": "string"},
                       "choices": {"type": "array", "items": {"type": "object"}},
                       "dont_know": {"type": "boolean"}, "minimum": {"type": ["number", "null"]},
                       "maximum": {"type": ["number", "null"]},
                       "programs": {"type": "array", "items": {"type": "string"}}},
    },
    "NextResponse": {
        "type": "object", "required": ["questions", "done"],
        "properties": {"questions": {"type": "array", "items": {"$ref": "#/components/schemas/Question"}},
                       "done": {"type": "boolean"}},
    },
    "Problem": {
        "type": "object", "required": ["type", "title", "status"],
        "description": "RFC 9457 problem details.",
        "properties": {"type": {"type": "string"}, "title": {"type": "string"}, "status": {"type": "integer"},
                       "detail": {"type": "string"},
                       "errors": {"type": "array", "items": {
                           "type": "object", "required": ["field", "message"],
                           "properties": {"field": {"type": "string", "description": "A JSON Pointer into the body."},
                                          "message": {"type": "string"}}}}},
    },
}


def _json(schema: str) -> dict:
    return {"application/json": {"schema": {"$ref": f"#/components/schemas/{schema}"}}}


def _problems(*codes) -> dict:
    words = {400: "The body is not JSON or does not fit the schema, or lang is not one we speak",
             404: "No such program",
             413: "The body is too big", 415: "The body must be application/json",
             422: "The answers do not fit the questions"}
    return {str(code): {"description": words[code],
                        "content": {"application/problem+json": {"schema": {"$ref": "#/components/schemas/Problem"}}}}
            for code in codes}


# Answered by the server (gunicorn's request-line limit) before the app sees the request.
SERVER_LIMITS = {"414": {"description": "The address is too long (answered by the server before the app)"}}

LANG_PARAMETER = {"name": "lang", "in": "query", "required": False, "schema": {"type": "string"},
                  "description": "The language of names and sentences (en, fr, es, ...); default English."}


def openapi(vocabulary, languages: list[str], program_ids: list[str]) -> dict:
    lang = dict(LANG_PARAMETER, schema={"type": "string", "enum": languages})
    body = {"required": True}
    return {
        "openapi": "3.1.0",
        "jsonSchemaDialect": "https://json-schema.org/draft/2020-12/schema",
        "info": {"title": "Benefits Finder API", "version": VERSION,
                 "description": "Screen a household for Canadian federal, Alberta and municipal benefits. "
                                "Nothing about a request is stored or logged."},
        "servers": [{"url": "/api/v1"}],
        "paths": {
            "/screen": {"post": {
                "operationId": "screen", "summary": "Every program's status and amount for a household",
                "parameters": [lang],
                "requestBody": dict(body, content=_json("ScreenRequest")),
                "responses": {"200": {"description": "Results", "content": _json("ScreenResponse")},
                              **_problems(400, 413, 415, 422), **SERVER_LIMITS}}},
            "/next": {"post": {
                "operationId": "next", "summary": "The next questions to ask, on one page's topic",
                "parameters": [lang],
                "requestBody": dict(body, content=_json("NextRequest")),
                "responses": {"200": {"description": "Questions", "content": _json("NextResponse")},
                              **_problems(400, 413, 415, 422), **SERVER_LIMITS}}},
            "/programs": {"get": {
                "operationId": "programs", "summary": "Every program", "parameters": [lang],
                "responses": {"200": {"description": "Programs", "content": {"application/json": {"schema": {
                    "type": "array", "items": {"$ref": "#/components/schemas/Program"}}}}},
                              **_problems(400), **SERVER_LIMITS}}},
            "/programs/{id}": {"get": {
                "operationId": "program", "summary": "One program",
                "parameters": [lang, {"name": "id", "in": "path", "required": True,
                                       "schema": {"type": "string", "enum": program_ids}}],
                "responses": {"200": {"description": "The program", "content": _json("Program")},
                              **_problems(400, 404), **SERVER_LIMITS}}},
            "/questions": {"get": {
                "operationId": "questions", "summary": "Every question and the programs that read it",
                "parameters": [lang],
                "responses": {"200": {"description": "Questions", "content": {"application/json": {"schema": {
                    "type": "array", "items": {"$ref": "#/components/schemas/Question"}}}}},
                              **_problems(400), **SERVER_LIMITS}}},
        },
        "components": {"schemas": {**request_schemas(vocabulary), **RESPONSE_SCHEMAS}},
    }


class RequestCheck:
    """Validators for request bodies, built once per document."""

    def __init__(self, document: dict):
        schemas = document["components"]["schemas"]
        self._validators = {}
        for name in ("ScreenRequest", "NextRequest"):
            schema = dict(schemas[name], components=document["components"])
            schema = _rebase(schema)
            self._validators[name] = Draft202012Validator(schema, format_checker=Draft202012Validator.FORMAT_CHECKER)

    def errors(self, name: str, body) -> list[dict]:
        """[{field: JSON Pointer, message}] for every way ``body`` does not fit (empty when it does)."""
        found = []
        for error in sorted(self._validators[name].iter_errors(body), key=lambda e: list(e.absolute_path)):
            pointer = "/" + "/".join(str(part) for part in error.absolute_path)
            found.append({"field": pointer if error.absolute_path else "/", "message": _plain_message(error)})
        return found[:50]


def _rebase(schema: dict) -> dict:
    """The request schema with its component references resolvable from its own root."""
    return {"$defs": _refs_to_defs(schema.pop("components")["schemas"]), **_refs_to_defs(schema)}


def _refs_to_defs(node):
    if isinstance(node, dict):
        return {k: (v.replace("#/components/schemas/", "#/$defs/") if k == "$ref" else _refs_to_defs(v))
                for k, v in node.items()}
    if isinstance(node, list):
        return [_refs_to_defs(v) for v in node]
    return node


def _plain_message(error) -> str:
    if error.validator == "additionalProperties":
        return "is not a question we ask (" + error.message.split("(")[-1]
    if error.validator == "enum":
        return "must be one of: " + ", ".join(map(str, error.validator_value))
    if error.validator == "anyOf":
        return "is not an answer this question takes"
    return error.message
