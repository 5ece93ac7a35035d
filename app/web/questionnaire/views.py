"""The questionnaire's routes: parse the posted form, call the services, render."""

from __future__ import annotations

from flask import current_app, g, redirect, render_template, request, url_for

from app.engine import plan, screen
from app.services.whatif import unlocks
from app.web import languages
from app.web.security import no_store

from . import bp
from .carried import page_questions, read_carried
from .forms import build_form, build_page, read_answers


def ruleset():
    return current_app.extensions["ruleset"]


def explainer():
    return current_app.extensions["explainers"][g.lang]


def today():
    return current_app.config["TODAY"]()


languages.in_addresses(bp)


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


@bp.get("/<lang>/languages", endpoint="languages")
def every_language():
    """Every language in its own script, with who has checked its translation (no JavaScript needed)."""
    rendered = current_app.extensions.setdefault("language_pages", {})
    key = (g.lang, request.script_root)
    if key not in rendered:
        rendered[key] = render_template("languages.html", page_kind="languages")
    return rendered[key]


@bp.route("/<lang>/question", methods=["GET", "POST"])
def question():
    """Show a page: the first one, a change from the check page, or the same one in another language."""
    if request.method == "GET":
        return redirect(url_for("questionnaire.start"))
    state = read_carried(request.form, ruleset().vocabulary)
    return_to = request.form.get("return", "")
    if request.form.get("start"):
        state.history = []
    page = _page(state, request.form.get("q", ""), sections=not return_to)
    if page is None:
        return _next_page(state)
    return _show_question(state, page, return_to=return_to, same_page=True)


@bp.route("/<lang>/answer", methods=["GET", "POST"])
def answer():
    if request.method == "GET":  # a reload of a page shown in place: the answers were only in that page
        return redirect(url_for("questionnaire.start"))
    vocabulary = ruleset().vocabulary
    state = read_carried(request.form, vocabulary)
    return_to = request.form.get("return", "")
    page = _page(state, request.form.get("q", ""), sections=not return_to)
    if page is None:
        return _next_page(state)
    form = build_form(page, request.form)
    given, errors = read_answers(form, page)
    if errors:
        return _show_question(state, page, form=form, errors=errors, return_to=return_to)
    state = state.answered(vocabulary, page.key, given)
    if return_to == "results":  # answered from a "may be" on the results page: straight back there
        return _results_page(state)
    if return_to == "check":
        # A changed answer may open new questions (another child, say): ask those, then come back.
        following = _plan(state)
        next_page = _page(state, ",".join(interview().next_page(state.answers, following)))
        if next_page is not None:
            return _show_question(state, next_page, return_to="check", following=following)
        return _check_page(state)
    return _next_page(state)


@bp.route("/<lang>/back", methods=["GET", "POST"])
def back():
    """Go to the page before the one on screen (or the start page)."""
    if request.method == "GET":
        return redirect(url_for("questionnaire.start"))
    state = read_carried(request.form, ruleset().vocabulary)
    current = request.form.get("q", "")
    earlier = [key for key in state.history if key != current]
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
    return _results_page(read_carried(request.form, ruleset().vocabulary))


def _results_page(state):
    day = today()
    screened = screen(ruleset(), state.answers, day)
    steps = unlocks(ruleset(), state.household, day, screened)
    view = explainer().results(screened, state.answers, steps)
    return _private("results.html", state=state, view=view, cards=current_app.extensions["cards"][g.lang],
                    not_screened=explainer().not_screened(ruleset(), day),
                    rows=explainer().answer_rows(state.household),
                    screening_date=languages.current().formatter.date(day))


def resume(state):
    """The page to show someone whose answers were just loaded: the next question, or the check page."""
    return _next_page(state)


def interview():
    return current_app.extensions["interview"]


def _page(state, key: str, sections: bool = True):
    """The page asking the questions named in ``key`` ("has_partner,children"), or None."""
    qids = page_questions(key, ruleset().vocabulary)
    if not qids:
        return None
    return build_page(ruleset().vocabulary, interview(), state.answers, qids, languages.current(), sections)


def _plan(state) -> list[str]:
    return plan(ruleset(), state.answers, today())


def _next_page(state):
    following = _plan(state)
    page = _page(state, ",".join(interview().next_page(state.answers, following)))
    if page is None:
        return _check_page(state)
    return _show_question(state, page, following=following)


def _show_question(state, page, form=None, errors=None, return_to="", following=None, same_page=False):
    if form is None:
        form = build_form(page, raw=state.raw, vocabulary=ruleset().vocabulary)
    if following is None:
        following = _plan(state)
    before = _count(request.form.get("left"))
    if errors or same_page:  # the same page again (an error, another language): the same count
        remaining = before if before is not None else interview().progress(state.answers, following, page.qids)
    else:
        remaining = interview().progress(state.answers, following, page.qids, before)
    asked = len([key for key in state.history if key != page.key]) + 1
    return _private("question.html", state=state, page=page, form=form, errors=errors or {}, return_to=return_to,
                    asked=asked, remaining=remaining)


def _count(text) -> int | None:
    """The count of pages left that the page before showed, if it is a small whole number."""
    return int(text) if isinstance(text, str) and text.isdigit() and len(text) < 4 else None


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
