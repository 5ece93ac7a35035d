"""The Flask application factory.

The rules are loaded, checked and compiled once here. If any rule file is
broken the app refuses to start, so it never serves wrong answers.
"""

from __future__ import annotations

import logging
import sys
from pathlib import Path

from flask import Flask, g, render_template, request
from flask_babel import Babel, format_date
from werkzeug.exceptions import HTTPException

from app.engine import RULES_DIR, RulesInvalid, load_ruleset
from app.i18n import LANGUAGES, best_language, other_language, select_locale

ROOT = Path(__file__).resolve().parents[1]

CSP = (
    "default-src 'none'; style-src 'self'; script-src 'self'; img-src 'self'; font-src 'self'; "
    "form-action 'self'; frame-ancestors 'none'; base-uri 'none'"
)


def create_app(config: dict | None = None) -> Flask:
    app = Flask(__name__, template_folder=str(ROOT / "templates"), static_folder=str(ROOT / "static"))
    app.config.update(
        RULES_DIR=str(RULES_DIR),
        MAX_CONTENT_LENGTH=64 * 1024,  # answers are small; anything bigger is refused
        MAX_FORM_PARTS=200,
        BABEL_TRANSLATION_DIRECTORIES=str(ROOT / "translations"),
        BABEL_DEFAULT_LOCALE="en",
        SCREENING_DATE=None,  # a fixed date (YYYY-MM-DD) for tests; otherwise today
    )
    if config:
        app.config.update(config)
    try:
        app.extensions["ruleset"] = load_ruleset(app.config["RULES_DIR"])
    except RulesInvalid as invalid:
        for error in invalid.errors:
            print(str(error), file=sys.stderr)
        raise SystemExit(f"Benefits Finder will not start: {len(invalid.errors)} problem(s) in the rules.") from None

    Babel(app, locale_selector=select_locale)
    from app.views import bp

    app.register_blueprint(bp)
    app.after_request(security_headers)
    app.register_error_handler(HTTPException, http_error)
    app.register_error_handler(Exception, unexpected_error)
    app.jinja_env.globals.update(LANGUAGES=LANGUAGES, other_language=other_language, format_date=format_date)
    logging.getLogger("werkzeug").addFilter(_PathOnly())
    return app


def security_headers(response):
    response.headers["Content-Security-Policy"] = CSP
    response.headers["Referrer-Policy"] = "no-referrer"
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["X-Frame-Options"] = "DENY"
    response.headers["Permissions-Policy"] = "camera=(), microphone=(), geolocation=(), interest-cohort=()"
    if request.is_secure:
        response.headers["Strict-Transport-Security"] = "max-age=63072000; includeSubDomains"
    response.headers.pop("Set-Cookie", None)
    return response


def http_error(error: HTTPException):
    if not getattr(g, "lang", None):
        # No route matched, so the language was not read yet: take it from the address.
        first = request.path.strip("/").split("/", 1)[0]
        g.lang = first if first in LANGUAGES else best_language()
    return render_template("error.html", page_kind="error", code=error.code), error.code


def unexpected_error(error: Exception):
    # Logged without the request body: answers never reach a log.
    logging.getLogger("benefits_finder").error("unexpected error on %s: %s", request.path, type(error).__name__)
    return render_template("error.html", page_kind="error", code=500), 500


class _PathOnly(logging.Filter):
    """Keep query strings out of the development server's access log."""

    def filter(self, record: logging.LogRecord) -> bool:
        if record.args and isinstance(record.args, tuple) and isinstance(record.args[0], str):
            first = record.args[0].split("?", 1)[0]
            record.args = (first,) + record.args[1:]
        return True
