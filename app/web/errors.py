"""Error pages in the language of the address, and nothing about the request in the log."""

from __future__ import annotations

import logging

from flask import Flask, g, render_template, request
from werkzeug.exceptions import HTTPException

from . import languages

log = logging.getLogger("benefits_finder")


def http_error(error: HTTPException):
    if not g.get("lang"):
        # No route matched, so the language was not read yet: take it from the address.
        languages.use(languages.language_of_path(request.path))
    return render_template("error.html", page_kind="error", code=error.code), error.code


def unexpected_error(error: Exception):
    # Logged without the request body, the query or the headers: answers never reach a log.
    log.error("unexpected error on %r: %s", request.path[:200], type(error).__name__)
    if not g.get("lang"):
        languages.use(languages.language_of_path(request.path))
    return render_template("error.html", page_kind="error", code=500), 500


def install(app: Flask) -> None:
    app.register_error_handler(HTTPException, http_error)
    app.register_error_handler(Exception, unexpected_error)
    logging.getLogger("werkzeug").addFilter(_PathOnly())


class _PathOnly(logging.Filter):
    """Keep query strings out of the development server's access log."""

    def filter(self, record: logging.LogRecord) -> bool:
        if record.args and isinstance(record.args, tuple) and isinstance(record.args[0], str):
            first = record.args[0].split("?", 1)[0]
            record.args = (first,) + record.args[1:]
        return True
