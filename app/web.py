"""The start page: what the finder covers. Thin: it asks the engine and renders."""

from __future__ import annotations

from flask import Blueprint, current_app, render_template

bp = Blueprint("web", __name__)


@bp.after_app_request
def security_headers(response):
    response.headers["Content-Security-Policy"] = (
        "default-src 'self'; style-src 'self'; script-src 'self'; img-src 'self'; "
        "form-action 'self'; frame-ancestors 'none'; base-uri 'none'"
    )
    response.headers["Referrer-Policy"] = "no-referrer"
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response


@bp.get("/")
def index():
    ruleset = current_app.extensions["ruleset"]
    return render_template("index.html", programs=ruleset.programs)
