"""The questionnaire's routes: parse the posted form, call the services, render."""

from __future__ import annotations

from flask import abort, current_app, g, redirect, render_template, request, url_for

from app.engine import plan, screen
from app.services.household import current_answer
from app.web import languages
from app.web.security import no_store

from . import bp
from .carried import read_carried
from .forms import build_form, page_for, read_answers


def ruleset():
    return current_app.extensions["ruleset"]


def explainer():
    return current_app.extensions["explainers"][g.lang]


def today():
    return current_app.config["TODAY"]()


@bp.url_value_preprocessor
def pick_language(endpoint, values):
    if values is not None and "lang" in values:
        lang = values.pop("lang")
        if lang not in languages.languages():
            abort(404)
        languages.use(lang)


@bp.url_defaults
def keep_language(endpoint, values):
    if "lang" not in values and current_app.url_map.is_endpoint_expecting(endpoint, "lang"):
        values["lang"] = g.get("lang") or languages.DEFAULT


@bp.get("/")
def root():
    return redirect(url_for("questionnaire.start", lang=languages.best_language()))


@bp.get("/<lang>/")
def start():
    """The same for everyone in a language: rendered once, then served as it is."""
    rendered = current_app.extensions.setdefault("start_pages", {})
    key = (g.lang, request.script_root)
    if key not in rendered:
        rendered[key] = render_template("questionnaire/start.html", page_kind="start",
                                        programs=explainer().program_names)
    return rendered[key]


@bp.route("/<lang>/question", methods=["GET", "POST"])
def question():
    """Show a question: the first one, a change from the check page, or the same one in another language."""
    if request.method == "GET":
        return redirect(url_for("questionnaire.start"))
    state = read_carried(request.form, ruleset().vocabulary)
    qid = request.form.get("q", "")
    if request.form.get("start"):
        state.history = []
    page = _page(state, qid) if qid else None
    if page is None:
        return _next_page(state)
    return _show_question(state, page, return_to=request.form.get("return", ""))


@bp.post("/<lang>/answer")
def answer():
    vocabulary = ruleset().vocabulary
    state = read_carried(request.form, vocabulary)
    qid = request.form.get("q", "")
    page = _page(state, qid)
    if page is None:
        return _next_page(state)
    form = build_form(page, request.form)
    value, errors = read_answers(form, page)
    return_to = request.form.get("return", "")
    if errors:
        return _show_question(state, page, form=form, errors=errors, return_to=return_to)
    state = state.answered(vocabulary, page.qid, value)
    if return_to == "check":
        # A changed answer may open new questions (another child, say): ask those, then come back.
        following = _plan(state)
        for next_qid in following:
            next_page = _page(state, next_qid)
            if next_page is not None:
                return _show_question(state, next_page, return_to="check", following=following)
        return _check_page(state)
    return _next_page(state)


@bp.post("/<lang>/back")
def back():
    """Go to the question before the one on screen (or the start page)."""
    state = read_carried(request.form, ruleset().vocabulary)
    current = request.form.get("q", "")
    earlier = [q for q in state.history if q != current]
    while earlier:
        previous = earlier.pop()
        page = _page(state, previous)
        if page is not None:
            state.history = earlier
            return _show_question(state, page)
    return redirect(url_for("questionnaire.start"))


@bp.route("/<lang>/check", methods=["GET", "POST"])
def check():
    if request.method == "GET":
        return redirect(url_for("questionnaire.start"))
    return _check_page(read_carried(request.form, ruleset().vocabulary))


@bp.route("/<lang>/results", methods=["GET", "POST"])
def results():
    if request.method == "GET":
        return redirect(url_for("questionnaire.start"))
    state = read_carried(request.form, ruleset().vocabulary)
    day = today()
    view = explainer().results(screen(ruleset(), state.answers, day))
    return _private("results.html", state=state, view=view, cards=current_app.extensions["cards"][g.lang],
                    screening_date=languages.current().formatter.date(day))


def _page(state, qid: str):
    return page_for(ruleset().vocabulary, state.answers, qid, languages.current())


def _plan(state) -> list[str]:
    return plan(ruleset(), state.answers, today())


def _next_page(state):
    following = _plan(state)
    for qid in following:
        page = _page(state, qid)
        if page is not None:
            return _show_question(state, page, following=following)
    return _check_page(state)


def _show_question(state, page, form=None, errors=None, return_to="", following=None):
    if form is None:
        form = build_form(page, current=current_answer(state.raw, ruleset().vocabulary, page.qid))
    if following is None:
        following = _plan(state)
    remaining = len([q for q in following if q != page.qid])
    asked = len([q for q in state.history if q != page.qid]) + 1
    return _private("question.html", state=state, page=page, form=form, errors=errors or {}, return_to=return_to,
                    asked=asked, remaining=remaining)


def _check_page(state):
    return _private("check.html", state=state, rows=explainer().answer_rows(state.household))


def _private(template: str, **context):
    """A page that carries the person's answers: rendered, and never kept by a browser or proxy."""
    page_kind = template.removesuffix(".html")
    return no_store(current_app.make_response(render_template(f"questionnaire/{template}", page_kind=page_kind,
                                                               **context)))


@bp.app_template_global()
def error_title(errors) -> str:
    return languages.gettext("Error: ") if errors else ""
