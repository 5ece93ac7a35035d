"""The workspace's route: read every posted field, keep what fits, screen, render it all again."""

from __future__ import annotations

from flask import current_app, g, render_template, request

from app.engine import plan, screen
from app.services.cliff import cliff
from app.services.household import current_answer, keep_what_fits
from app.services.whatif import unlocks
from app.web import languages
from app.web.questionnaire.carried import Carried, read_carried
from app.web.questionnaire.forms import build_form, build_page, read_answers
from app.web.security import no_store

from . import bp
from .chart import geometry

languages.in_addresses(bp)


def ruleset():
    return current_app.extensions["ruleset"]


@bp.route("/<lang>/caseworker", methods=["GET", "POST"])
def workspace():
    """GET: an empty workspace. POST ("Update results", or another language): the fields as posted."""
    vocabulary = ruleset().vocabulary
    if request.method == "GET":
        state = Carried(keep_what_fits({}, vocabulary, owned=True), [])
        return _render(state, None, {})
    state = read_carried(request.form, vocabulary)
    page = _page(state)
    errors: dict = {}
    if page is not None:
        form = build_form(page, formdata=request.form)
        answers, errors = read_answers(form, page, blank_ok=True)
        state = state.answered(vocabulary, page.key, {qid: value for qid, value in answers.items()})
        if errors:  # show what was typed, with the messages, and results from the answers that fit
            return _render(state, (page, form), errors)
    return _render(state, None, {})


def _page(state):
    """Every question worth showing: those answered, and those that could still change a result."""
    vocabulary = ruleset().vocabulary
    interview = current_app.extensions["interview"]
    following = plan(ruleset(), state.answers, current_app.config["TODAY"]())
    shown = set(interview.askable(state.answers, following))
    for qid in vocabulary.questions():
        answer = current_answer(state.raw, vocabulary, qid)
        if answer is not None and answer != [] and not (isinstance(answer, list) and all(a is None for a in answer)):
            shown.add(qid)
    order = interview.question_order
    qids = sorted(shown, key=lambda q: (interview._rank(q), order.get(q, 0)))
    return build_page(vocabulary, interview, state.answers, qids, languages.current(), sections=False)


def _render(state, posted, errors):
    day = current_app.config["TODAY"]()
    page, form = posted if posted else (_page(state), None)
    if page is not None and form is None:
        form = build_form(page, raw=state.raw, vocabulary=ruleset().vocabulary)
    interview = current_app.extensions["interview"]
    sections = []
    for q in page.questions if page else []:
        section = interview.section(q.qid)
        if not sections or sections[-1][0] is not section:
            sections.append((section, []))
        sections[-1][1].append(q)
    explainer = current_app.extensions["explainers"][g.lang]
    screened = screen(ruleset(), state.answers, day)
    view = explainer.results(screened, state.answers, unlocks(ruleset(), state.household, day, screened))
    curve = cliff(ruleset(), state.raw, day) if isinstance(state.raw.get("family_net_income"), (int, float)) else None
    chart = geometry(curve, languages.current().formatter, lambda pid: explainer.programs[pid].name) if curve else None
    html = render_template("caseworker/workspace.html", page_kind="caseworker", state=state, page=page, form=form,
                           sections=sections, errors=errors, view=view, chart=chart,
                           screening_date=languages.current().formatter.date(day))
    return no_store(current_app.make_response(html))
