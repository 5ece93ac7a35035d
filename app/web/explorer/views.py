"""The explorer's routes: the list of programs (search and filters), a page per program, the questions."""

from __future__ import annotations

from flask import abort, current_app, g, render_template, request

from app.services.explorer import CATEGORIES, LEVELS
from app.web import languages

from . import bp

KEPT = 2_000  # rendered pages kept in memory before starting afresh
MAX_WORDS = 100  # characters of search text read


def ruleset():
    return current_app.extensions["ruleset"]


def explorer():
    return current_app.extensions["explorers"][g.lang]


def today():
    return current_app.config["TODAY"]()


languages.in_addresses(bp)


def _kept(key, render):
    """A page rendered once and kept; the same for everyone who asks for it."""
    pages = current_app.extensions.setdefault("explorer_pages", {})
    key = (g.lang, request.script_root, today(), *key)
    page = pages.get(key)
    if page is None:
        if len(pages) > KEPT:
            pages.clear()
        page = pages[key] = render()
    return _public(page)


def _public(page: str):
    response = current_app.make_response(page)
    response.headers["Cache-Control"] = "public, max-age=3600"
    return response


@bp.get("/<lang>/programs")
def programs():
    """Every program, or those a search and filters keep. Works with a plain GET form."""
    words = request.args.get("q", "")[:MAX_WORDS].strip()
    category = request.args.get("for", "")
    level = request.args.get("level", "")
    place = request.args.get("place", "")
    category = category if category in CATEGORIES else ""
    level = level if level in LEVELS else ""
    places = explorer().places()
    place = place if place in dict(places) else ""

    def render():
        found = explorer().matching(words, category, level, place)
        return render_template("explorer/list.html", page_kind="explorer", found=found, words=words,
                               category=category, level=level, place=place, places=places,
                               categories=CATEGORIES, levels=LEVELS, total=len(ruleset().programs),
                               texts=current_app.extensions["explainers"][g.lang].programs)

    if words:  # searches are many and rarely repeated: rendered, not kept
        return _public(render())
    return _kept(("list", category, level, place), render)


@bp.get("/<lang>/programs/<program_id>")
def program(program_id):
    """A program's page: who can get it, in plain words and as written; its figures by date with sources."""
    found = ruleset().by_id.get(program_id)
    if found is None:
        abort(404)
    return _kept(("program", program_id), lambda: render_template(
        "explorer/program.html", page_kind="explorer", sheet=explorer().sheet(found, today())))


@bp.get("/<lang>/questions")
def questions():
    """Every question, why it is asked, and which programs read it."""
    return _kept(("questions",), lambda: render_template("explorer/questions.html", page_kind="explorer",
                                                         rows=explorer().questions()))
