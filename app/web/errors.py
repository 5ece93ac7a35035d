"""Error pages in the language of the address, and nothing about the request in the log."""

from __future__ import annotations

import logging

from flask import Flask, g, render_template, request
from werkzeug.exceptions import BadRequest, HTTPException

from . import languages

log = logging.getLogger("benefits_finder")


def http_error(error: HTTPException):
    if request.path.startswith("/api/"):
        from .api.problems import problem

        response = problem(error.code or 500, error.description or "")
        allowed = getattr(error, "valid_methods", None)
        if allowed:  # a 405 says what is allowed (RFC 9110)
            response.headers["Allow"] = ", ".join(allowed)
        return response
    if not g.get("lang"):
        # No route matched, so the language was not read yet: take it from the address.
        languages.use(languages.language_of_path(request.path))
    return render_template("error.html", page_kind="error", code=error.code), error.code


def unreadable_body(error: Exception):
    """A request body the server could not parse (a broken chunked encoding) is the client's error."""
    return http_error(BadRequest())


def unexpected_error(error: Exception):
    # Logged without the request body, the query or the headers: answers never reach a log.
    log.error("unexpected error on %r: %s", request.path[:200], type(error).__name__)
    if request.path.startswith("/api/"):
        from .api.problems import problem

        return problem(500)
    if not g.get("lang"):
        languages.use(languages.language_of_path(request.path))
    return render_template("error.html", page_kind="error", code=500), 500


def install(app: Flask) -> None:
    app.register_error_handler(HTTPException, http_error)
    app.register_error_handler(Exception, unexpected_error)
    try:  # gunicorn raises its own errors while the app reads a body it cannot parse
        from gunicorn.http.errors import ParseException
    except ImportError:  # the development server
        pass
    else:
        app.register_error_handler(ParseException, unreadable_body)
    logging.getLogger("werkzeug").addFilter(_PathOnly())


class _PathOnly(logging.Filter):
    """Keep query strings out of the development server's access log."""

    def filter(self, record: logging.LogRecord) -> bool:
        if record.args and isinstance(record.args, tuple) and isinstance(record.args[0], str):
            first = record.args[0].split("?", 1)[0]
            record.args = (first,) + record.args[1:]
        return True
