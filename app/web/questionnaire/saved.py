"""Save my answers, and continue from a saved file.

The answers are handed to the person as a file (the server keeps nothing), and a file
they bring back is read in memory only: never written to disk, never logged. Any file
that cannot be used brings back the start page with a plain message next to the upload.
"""

from __future__ import annotations

import io

from flask import current_app, redirect, render_template, request, url_for
from werkzeug.exceptions import RequestEntityTooLarge
from werkzeug.formparser import FormDataParser

from app.services.answers_file import (
    DAMAGED,
    MAX_BYTES,
    NO_FILE,
    TOO_BIG,
    AnswersFileProblem,
    read_answers_file,
    write_answers_file,
)
from app.web import languages
from app.web.security import no_store

from . import bp, views
from .carried import MAX_FIELD, Carried, read_carried

FIELD = "answers_file"
CHUNK = 64 * 1024
# A request too big to read is still read (and thrown away) up to this much before the page is sent:
# a browser still sending a photo it was given by mistake could otherwise see "connection reset".
DISCARD_AT_MOST = 8 * 1024 * 1024


@bp.route("/<lang>/save", methods=["GET", "POST"])
def save():
    """The carried answers as a file to download."""
    if request.method == "GET":
        return redirect(url_for("questionnaire.start"))
    state = read_carried(request.form, views.ruleset().vocabulary)
    return answers_file_download(state.raw, views.today())


def answers_file_download(raw: dict, day):
    """The answers as a file the browser saves (the family's pages and the caseworker's)."""
    response = current_app.response_class(write_answers_file(raw, day), mimetype="application/json")
    response.headers["Content-Disposition"] = f'attachment; filename="benefits-answers-{day.isoformat()}.json"'
    return no_store(response)


@bp.route("/<lang>/resume", methods=["GET", "POST"])
def resume():
    """Answers from a saved file: the next question they need, or the check page."""
    if request.method == "GET":
        return redirect(url_for("questionnaire.start"))
    try:
        household = read_answers_file(uploaded_file(), views.ruleset().vocabulary)
        state = Carried(household, [])
        if len(state.encode_answers()) > MAX_FIELD:  # could not be carried to the next page
            raise AnswersFileProblem(DAMAGED)
    except AnswersFileProblem as problem:
        return _start_page_with_error(problem.message)
    return views.resume(state)


def uploaded_file() -> bytes:
    """The uploaded file's first bytes (at most one more than a saved file may have), read in memory."""
    limit = request.max_content_length
    length = request.content_length
    if limit is not None and length is not None and length > limit:
        _discard_body()
        raise AnswersFileProblem(TOO_BIG)
    if request.mimetype != "multipart/form-data":
        raise AnswersFileProblem(NO_FILE)
    # Werkzeug's own parser would spool a file bigger than 500 KB to a temporary file; the request
    # limit keeps uploads far below that, and this parser keeps every part in memory whatever the limit.
    parser = FormDataParser(_in_memory, max_form_memory_size=request.max_form_memory_size,
                            max_content_length=limit, max_form_parts=request.max_form_parts)
    try:
        _, _, files = parser.parse(request.stream, request.mimetype, length, request.mimetype_params)
    except RequestEntityTooLarge:  # a chunked request that grew past the limit, or too many parts
        _discard_body()
        raise AnswersFileProblem(TOO_BIG) from None
    upload = files.get(FIELD)
    if upload is None:
        raise AnswersFileProblem(NO_FILE)
    return upload.stream.read(MAX_BYTES + 1)


def _in_memory(total_content_length, content_type, filename, content_length=None):
    return io.BytesIO()


def _discard_body() -> None:
    """Read what is left of a request that is too big, and keep none of it."""
    stream = request.environ.get("wsgi.input")
    length = request.content_length
    if stream is None or (length is None and not request.environ.get("wsgi.input_terminated")):
        return  # no known end: reading on could wait for ever
    left = min(length if length is not None else DISCARD_AT_MOST, DISCARD_AT_MOST)
    try:
        while left > 0:
            chunk = stream.read(min(left, CHUNK))
            if not chunk:
                break
            left -= len(chunk)
    except Exception:  # noqa: BLE001  the person is shown the page either way
        pass


def _start_page_with_error(message: str):
    """The start page with a message next to the upload; rendered for this request only, never kept."""
    page = render_template("questionnaire/start.html", page_kind="start", programs=views.explainer().program_names,
                           resume_error=languages.gettext(message))
    return no_store(current_app.make_response((page, 400)))
