"""The workspace's route: read every posted field, keep what fits, screen, render it all again."""

from __future__ import annotations

from flask import current_app, g, render_template, request

from app.engine import plan, screen
from app.services.answers_file import DAMAGED, AnswersFileProblem, read_answers_file
from app.services.cliff import cliff
from app.services.household import current_answer, keep_what_fits
from app.services.whatif import unlocks
from app.web import languages
from app.web.questionnaire.carried import MAX_FIELD, Carried, read_carried
from app.web.questionnaire.forms import PostedFields, build_page, read_answers
from app.web.questionnaire.saved import answers_file_download, uploaded_file
from app.web.security import no_store

from . import bp, whatif
from .chart import geometry

languages.in_addresses(bp)


def ruleset():
    return current_app.extensions["ruleset"]


@bp.route("/<lang>/caseworker", methods=["GET", "POST"])
def workspace():
    """GET: an empty workspace. POST ("Update results", or another language): the fields as posted."""
    if request.method == "GET":
        return _render(_empty(), None, {})
    state, posted, errors = _posted_state()
    if errors:  # show what was typed, with the messages, and results from the answers that fit
        return _render(state, posted, errors)
    return _render(state, None, {})


def _empty() -> Carried:
    return Carried(keep_what_fits({}, ruleset().vocabulary, owned=True), [])


def _posted_state():
    """The answers as the page was rendered (carried), with every posted field applied: (state, (page,
    form) as posted, errors). A field with a message keeps its earlier answer. A post without the
    page's fields (``fields=1`` marks them) keeps the carried answers as they are: an empty field
    takes an answer away only when the page was really posted."""
    vocabulary = ruleset().vocabulary
    state = read_carried(request.form, vocabulary)
    page = _page(state, shown=request.form.get("shown", "").split())
    if page is None or request.form.get("fields") != "1":  # only the answers (back from the printout)
        return state, None, {}
    form = PostedFields(page, request.form)
    answers, errors = read_answers(form, page, blank_ok=True)
    wrong = _errors_of(errors)
    state = state.answered(vocabulary, page.key, {q: v for q, v in answers.items() if q not in wrong})
    return state, (page, form), errors


@bp.post("/<lang>/caseworker/save")
def save():
    """The client's answers as a file to keep (the same file the family's pages save); nothing on the server."""
    state, _posted, _errors = _posted_state()
    return answers_file_download(state.raw, current_app.config["TODAY"]())


@bp.post("/<lang>/caseworker/load")
def load():
    """A saved answers file brought back: the workspace with those answers, or a message by the upload."""
    try:
        household = read_answers_file(uploaded_file(), ruleset().vocabulary)
        state = Carried(household, [])
        if len(state.encode_answers()) > MAX_FIELD:
            raise AnswersFileProblem(DAMAGED)
    except AnswersFileProblem as problem:
        return _render(_empty(), None, {}, load_error=languages.gettext(problem.message), status=400)
    return _render(state, None, {})


@bp.post("/<lang>/caseworker/print")
def printout():
    """The client's printout: the page's language beside a second one, from the answers as posted."""
    state, _posted, _errors = _posted_state()  # what fits; a typing slip keeps the earlier answer
    day = current_app.config["TODAY"]()
    all_languages = languages.languages()
    wanted = request.form.get("second", "")
    second = wanted if wanted in all_languages and wanted != g.lang else ("fr" if g.lang == "en" else "en")
    screened = screen(ruleset(), state.answers, day)
    explainers = current_app.extensions["explainers"]
    view = explainers[g.lang].results(screened, state.answers)
    second_view = explainers[second].results(screened, state.answers)
    html = render_template("caseworker/print.html", page_kind="print", state=state, view=view,
                           second=all_languages[second], second_view=second_view, day=day,
                           rows=explainers[g.lang].answer_rows(state.household),
                           screening_date=languages.current().formatter.date(day))
    return no_store(current_app.make_response(html))


def _errors_of(errors: dict) -> set:
    """The question ids of fields with a message ("family_net_income-0" is family_net_income)."""
    return {name.rsplit("-", 1)[0] for name in errors}


def _page(state, results=None, shown=()):
    """Every question worth showing: those answered, and those that could still change a result.

    ``shown``: the question ids the page as posted listed (its ``shown`` field), so reading a post
    needs no planning. Any known question may be listed; it is only read."""
    vocabulary = ruleset().vocabulary
    interview = current_app.extensions["interview"]
    if shown:
        known = set(vocabulary.questions())
        return build_page(vocabulary, interview, state.answers, sorted(set(shown) & known, key=interview.order_key),
                          languages.current(), sections=False)
    following = plan(ruleset(), state.answers, current_app.config["TODAY"](), results)
    shown = set(interview.askable(state.answers, following))
    for qid in vocabulary.questions():
        answer = current_answer(state.raw, vocabulary, qid)
        if answer is not None and answer != [] and not (isinstance(answer, list) and all(a is None for a in answer)):
            shown.add(qid)
    qids = sorted(shown, key=interview.order_key)
    return build_page(vocabulary, interview, state.answers, qids, languages.current(), sections=False)


def _render(state, posted, errors, load_error: str = "", status: int = 200):
    """``posted``: the page and form as posted, shown as typed (with ``errors``). Otherwise the fields
    show the answers as kept (reading them is cheap: no form is built)."""
    day = current_app.config["TODAY"]()
    language = languages.current()
    vocabulary = ruleset().vocabulary
    screened = screen(ruleset(), state.answers, day)
    page, form = posted if posted else (_page(state, screened), None)
    if page is not None and form is None:
        form = PostedFields.showing(page, state.raw, vocabulary)
    interview = current_app.extensions["interview"]
    sections = []
    for q in page.questions if page else []:
        section = interview.section(q.qid)
        if not sections or sections[-1][0] is not section:
            sections.append((section, []))
        sections[-1][1].append(q)
    explainer = current_app.extensions["explainers"][g.lang]
    view = explainer.results(screened, state.answers, unlocks(ruleset(), state.household, day, screened))
    # The chart costs one screening per point (201 points, about 75 ms): drawn when asked for, then kept.
    wanted = request.method == "POST" and request.form.get("chart") == "1"
    income_known = isinstance(state.raw.get("family_net_income"), (int, float))
    curve = cliff(ruleset(), state.raw, day) if wanted and income_known else None
    chart = geometry(curve, language.formatter, lambda pid: explainer.programs[pid].name) if curve else None
    scenarios = whatif.read_scenarios(state, request.form if request.method == "POST" and not load_error else None,
                                      vocabulary, language)
    whatif_errors = {name: message for s in scenarios for name, message in s["errors"].items()}
    html = render_template("caseworker/workspace.html", page_kind="caseworker", state=state, page=page, form=form,
                           fields=current_app.extensions["fields"][g.lang], sections=sections, errors=errors,
                           view=view, chart=chart, scenarios=scenarios,
                           whatif=current_app.extensions["whatif"][g.lang], whatif_errors=whatif_errors,
                           compared=whatif.compared(ruleset(), state, scenarios, explainer, language, day),
                           boxes=whatif.boxes(state, vocabulary, explainer, language), load_error=load_error,
                           chart_wanted=wanted, income_known=income_known,
                           screening_date=language.formatter.date(day))
    return no_store(current_app.make_response((html, status)))
