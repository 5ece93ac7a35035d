"""The API's routes: read the body, call the services, answer JSON."""

from __future__ import annotations

import datetime as dt
import json

from flask import current_app, g, render_template, request, url_for
from werkzeug.exceptions import RequestEntityTooLarge

from app.engine import ELIGIBLE, INELIGIBLE, AnswerError, plan, screen
from app.services import api_schema
from app.services.explain import ProgramView
from app.services.report import result_json
from app.services.whatif import yearly
from app.web import languages

from . import bp
from .problems import problem

RESULT_KEYS = ("id", "name", "status", "amount_yearly", "amount_monthly", "amount_once", "amount_range",
               "paid_through_tax_return", "deciding", "provenance", "error")


def ruleset():
    return current_app.extensions["ruleset"]


def document() -> dict:
    found = current_app.extensions.get("openapi")
    if found is None:
        found = current_app.extensions["openapi"] = api_schema.openapi(
            ruleset().vocabulary, list(languages.languages()), [p.id for p in ruleset().programs])
        current_app.extensions["api_check"] = api_schema.RequestCheck(found)
    return found


def _json(payload, status: int = 200):
    response = current_app.response_class(json.dumps(payload, ensure_ascii=False), status=status,
                                          mimetype="application/json")
    response.headers["Cache-Control"] = "no-store" if request.method == "POST" else "public, max-age=3600"
    return response


@bp.before_request
def pick_language():
    lang = request.args.get("lang", "en")
    if lang not in languages.languages():
        return problem(400, f"lang must be one of: {', '.join(languages.languages())}",
                       [{"field": "lang", "message": "is not a language we speak"}])
    languages.use(lang)
    return None


@bp.after_request
def cors(response):
    allowed = current_app.config.get("API_CORS_ORIGINS") or ()
    origin = request.headers.get("Origin")
    if origin and origin in allowed:
        response.headers["Access-Control-Allow-Origin"] = origin
        response.headers["Access-Control-Allow-Headers"] = "Content-Type"
        response.headers["Access-Control-Allow-Methods"] = "GET, POST"
        response.headers.add("Vary", "Origin")
    return response


def _body(schema: str):
    """The request body if it is JSON fitting ``schema``; else (None, a problem response)."""
    if request.mimetype != "application/json":
        return None, problem(415, "Send the body as application/json.")
    try:
        raw = request.get_data(cache=False)
    except RequestEntityTooLarge:
        return None, problem(413, f"The body may be at most {api_schema.MAX_BODY} bytes.")
    try:
        body = json.loads(raw)
    except (ValueError, RecursionError):
        return None, problem(400, "The body is not valid JSON.")
    document()
    errors = current_app.extensions["api_check"].errors(schema, body)
    if errors:
        return None, problem(400, "The body does not fit the schema (see /api/v1/openapi.json).", errors)
    return body, None


def _household(schema: str):
    """(body, the engine's answers, None) for a body that fits ``schema`` and the vocabulary; else
    (None, None, a problem response): 4xx for the body, 422 naming each answer that does not fit."""
    body, failed = _body(schema)
    if failed:
        return None, None, failed
    try:
        return body, ruleset().vocabulary.parse_answers(body["answers"]), None
    except AnswerError as invalid:
        errors = [{"field": _pointer(question), "message": message} for question, message in invalid.problems]
        return None, None, problem(422, "Some answers do not fit the questions.", errors)


def _pointer(question) -> str:
    parts = ["answers", question.group or question.fact]
    if question.group is not None:
        if question.member is not None:
            parts.append(str(question.member))
        if question.fact is not None:
            parts.append(question.fact)
    return "/" + "/".join(str(p) for p in parts if p is not None)


def _date(body) -> dt.date:
    return dt.date.fromisoformat(body["date"]) if body.get("date") else current_app.config["TODAY"]()


@bp.post("/screen")
def screen_household():
    body, answers, failed = _household("ScreenRequest")
    if failed:
        return failed
    date = _date(body)
    explainer = current_app.extensions["explainers"][g.lang]
    results = []
    totals = {"yearly": 0.0, "once": 0.0}
    for result in screen(ruleset(), answers, date):
        full = result_json(result, explainer)
        item = {key: full.get(key) for key in RESULT_KEYS}
        item["name"] = explainer.programs[result.program.id].name
        item["why"] = _why(result, explainer)
        if body.get("reasons"):
            item["reasons"] = full["trace"]
        totals["yearly"] += yearly(result)
        if result.status == ELIGIBLE:
            totals["once"] += result.amount_once or 0.0
        results.append(item)
    return _json({"date": date.isoformat(), "language": g.lang, "results": results,
                  "not_screened": explainer.not_screened(ruleset(), date),
                  "totals": {k: round(v, 2) for k, v in totals.items()}})


def _why(result, explainer) -> str:
    """The line the results page shows: why yes, why not, or what is still open."""
    view = ProgramView(explainer, result)
    return {ELIGIBLE: view.why, INELIGIBLE: view.main_reason}.get(result.status) or view.open_reason


@bp.post("/next")
def next_questions():
    body, answers, failed = _household("NextRequest")
    if failed:
        return failed
    following = plan(ruleset(), answers, _date(body))
    page = current_app.extensions["interview"].next_page(answers, following)
    return _json({"questions": [_question(qid) for qid in page], "done": not page})


def _question(qid: str, programs: list | None = None) -> dict:
    vocabulary = ruleset().vocabulary
    explainer = current_app.extensions["explainers"][g.lang]
    question = vocabulary.question(qid)
    language = languages.current()
    item = {"id": str(qid), "type": getattr(question, "type", "count"),
            "label": explainer.question(qid) or language.translate(getattr(question, "label", "")),
            "hint": language.translate(getattr(question, "hint", "")),
            "section": getattr(question, "section", "") or ""}
    choices = getattr(question, "choices", ())
    if choices:
        item["choices"] = [{"value": value, "label": language.translate(label)} for value, label in choices]
    item["dont_know"] = bool(getattr(question, "dont_know", False))
    item["minimum"] = getattr(question, "minimum", None)
    item["maximum"] = getattr(question, "maximum", None)
    if programs is not None:
        item["programs"] = programs
    return item


@bp.get("/programs")
def programs():
    return _json([_program(p) for p in ruleset().programs])


@bp.get("/programs/<program_id>")
def program(program_id: str):
    found = next((p for p in ruleset().programs if p.id == program_id), None)
    if found is None:
        return problem(404, f"No program is called {program_id[:80]!r}.")
    return _json(_program(found))


def _program(program) -> dict:
    texts = current_app.extensions["explainers"][g.lang].programs[program.id]
    return {"id": program.id, "name": texts.name, "summary": texts.summary, "jurisdiction": program.jurisdiction,
            "category": program.category, "administered_by": texts.administered_by,
            "url": url_for("explorer.program", lang=g.lang, program_id=program.id, _external=False),
            "apply": texts.apply_summary}


@bp.get("/questions")
def questions():
    users: dict = {}
    for program in ruleset().programs:
        for qid in program.question_ids:
            users.setdefault(str(qid), []).append(program.id)
    return _json([_question(qid, users.get(str(qid), [])) for qid in ruleset().vocabulary.questions()])


@bp.get("/openapi.json")
def openapi_document():
    return _json(document())


@bp.get("/")
def reference():
    """The API's reference for people, made from the same document (nothing fetched from elsewhere)."""
    page = current_app.extensions.get("api_reference")
    if page is None:
        doc = document()
        schemas = {name: json.dumps(schema, indent=2, ensure_ascii=False)
                   for name, schema in doc["components"]["schemas"].items() if name != "Answers"}
        page = current_app.extensions["api_reference"] = render_template(
            "api/reference.html", doc=doc, schemas=schemas, answers=_answer_rows(doc),
            languages=list(languages.languages()))
    response = current_app.response_class(page, mimetype="text/html")
    response.headers["Cache-Control"] = "public, max-age=3600"
    return response


def _answer_rows(doc: dict) -> list[dict]:
    rows = []

    def takes(schema: dict) -> str:
        if "anyOf" in schema:
            return " or ".join(takes(option) for option in schema["anyOf"])
        if "const" in schema:
            return f'"{schema["const"]}"'
        if "enum" in schema:
            return "one of " + ", ".join(f'"{v}"' for v in schema["enum"])
        words = {"boolean": "true or false", "integer": "a whole number", "number": "a number",
                 "string": "a date (YYYY-MM-DD)" if schema.get("format") == "date" else "text",
                 "object": "an object", "array": "a list"}.get(schema.get("type"), "")
        low, high = schema.get("minimum"), schema.get("maximum")
        if low is not None and high is not None:
            words += f" from {low:g} to {high:g}"
        return words

    for name, schema in doc["components"]["schemas"]["Answers"]["properties"].items():
        inner = schema.get("items") or next((o.get("items") for o in schema.get("anyOf", []) if "items" in o), None)
        person = inner or (schema if schema.get("type") == "object" else None)
        if person:
            rows.append({"name": name, "takes": "a list of people (at most "
                         f"{schema.get('maxItems', '')})" if inner else "an object", "question": ""})
            for fact, fact_schema in person["properties"].items():
                rows.append({"name": f"{name}[].{fact}" if inner else f"{name}.{fact}", "takes": takes(fact_schema),
                             "question": fact_schema.get("description", "")})
            continue
        rows.append({"name": name, "takes": takes(schema), "question": schema.get("description", "")})
    return rows
