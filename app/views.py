"""The questionnaire: start page, one question per page, check answers, results.

Every step is a POST carrying the answers in hidden fields, so answers are never
in a URL, a cookie or the server. The engine's planner picks the next question.
"""

from __future__ import annotations

import datetime as dt

from flask import Blueprint, abort, current_app, g, redirect, render_template, request, url_for
from flask_babel import gettext as _

from app.engine import plan, screen
from app.forms import build_form, page_for, read_answers
from app.i18n import LANGUAGES, best_language, t
from app.present import answer_rows, current_answer, results_view
from app.state import read_state, set_answer

bp = Blueprint("finder", __name__)


def ruleset():
    return current_app.extensions["ruleset"]


def today() -> dt.date:
    fixed = current_app.config.get("SCREENING_DATE")
    return dt.date.fromisoformat(fixed) if fixed else dt.date.today()


@bp.url_value_preprocessor
def pick_language(endpoint, values):
    if values is not None and "lang" in values:
        lang = values.pop("lang")
        if lang not in LANGUAGES:
            abort(404)
        g.lang = lang


@bp.url_defaults
def keep_language(endpoint, values):
    if "lang" not in values and current_app.url_map.is_endpoint_expecting(endpoint, "lang"):
        values["lang"] = getattr(g, "lang", "en")


@bp.get("/")
def root():
    return redirect(url_for("finder.start", lang=best_language()))


@bp.get("/<lang>/")
def start():
    names = [t(p.name) for p in ruleset().programs]
    return render_template("start.html", page_kind="start", programs=names)


@bp.route("/<lang>/question", methods=["GET", "POST"])
def question():
    """Show a question: the first one, a change from the check page, or the same one in another language."""
    if request.method == "GET":
        return redirect(url_for("finder.start"))
    state = read_state(request.form, ruleset().vocabulary)
    qid = request.form.get("q", "")
    if request.form.get("start"):
        state.history = []
    page = page_for(ruleset().vocabulary, state.answers, qid) if qid else None
    if page is None:
        return _next_page(state)
    return _show_question(state, page, return_to=request.form.get("return", ""))


@bp.post("/<lang>/answer")
def answer():
    vocabulary = ruleset().vocabulary
    state = read_state(request.form, vocabulary)
    qid = request.form.get("q", "")
    page = page_for(vocabulary, state.answers, qid)
    if page is None:
        return _next_page(state)
    form = build_form(page, request.form)
    value, errors = read_answers(form, page)
    return_to = request.form.get("return", "")
    if errors:
        return _show_question(state, page, form=form, errors=errors, return_to=return_to)
    state = set_answer(state, vocabulary, qid, value)
    if return_to == "check":
        # A changed answer may open new questions (another child, say): ask those, then come back.
        following = _plan(state)
        for qid in following:
            next_page = page_for(vocabulary, state.answers, qid)
            if next_page is not None:
                return _show_question(state, next_page, return_to="check", following=following)
        return _check_page(state)
    return _next_page(state)


@bp.post("/<lang>/back")
def back():
    """Go to the question before the one on screen (or the start page)."""
    vocabulary = ruleset().vocabulary
    state = read_state(request.form, vocabulary)
    current = request.form.get("q", "")
    earlier = [q for q in state.history if q != current]
    while earlier:
        previous = earlier.pop()
        page = page_for(vocabulary, state.answers, previous)
        if page is not None:
            state.history = earlier
            return _show_question(state, page)
    return redirect(url_for("finder.start"))


@bp.route("/<lang>/check", methods=["GET", "POST"])
def check():
    if request.method == "GET":
        return redirect(url_for("finder.start"))
    return _check_page(read_state(request.form, ruleset().vocabulary))


@bp.route("/<lang>/results", methods=["GET", "POST"])
def results():
    if request.method == "GET":
        return redirect(url_for("finder.start"))
    state = read_state(request.form, ruleset().vocabulary)
    outcome = screen(ruleset(), state.answers, today())
    view = results_view(outcome, ruleset().vocabulary)
    return _no_store(render_template("results.html", page_kind="results", state=state, view=view,
                                     screening_date=today()))


def _plan(state) -> list[str]:
    return plan(ruleset(), state.answers, today())


def _next_page(state):
    following = _plan(state)
    vocabulary = ruleset().vocabulary
    for qid in following:
        page = page_for(vocabulary, state.answers, qid)
        if page is not None:
            return _show_question(state, page, following=following)
    return _check_page(state)


def _show_question(state, page, form=None, errors=None, return_to="", following=None):
    vocabulary = ruleset().vocabulary
    if form is None:
        form = build_form(page, current=current_answer(state.raw, vocabulary, page.qid))
    if following is None:
        following = _plan(state)
    remaining = len([q for q in following if q != page.qid])
    asked = len([q for q in state.history if q != page.qid]) + 1
    response = render_template(
        "question.html", page_kind="question", state=state, page=page, form=form, errors=errors or {},
        return_to=return_to, asked=asked, remaining=remaining,
    )
    return _no_store(response)


def _check_page(state):
    rows = answer_rows(state, ruleset().vocabulary)
    return _no_store(render_template("check.html", page_kind="check", state=state, rows=rows))


def _no_store(body: str):
    response = current_app.make_response(body)
    response.headers["Cache-Control"] = "no-store"
    response.headers["Pragma"] = "no-cache"
    return response


@bp.app_template_global()
def error_title(errors) -> str:
    return _("Error: ") if errors else ""
