"""The bare Flask app for `make bench-web`: our pages without our code.

It answers the same POST paths with the exact HTML bytes our app returned (saved by
benchmarks/web.py as Jinja templates in a temporary directory, with a `bare.json`
saying which path renders which template and with which headers). It parses the
posted form, as any handler of these POSTs must, but runs no rules engine, no
planner and no real template logic. If our app compresses with Flask-Compress,
this app does too, with the same COMPRESS_* settings.

Served by gunicorn with the shipped gunicorn.conf.py:
    gunicorn -c gunicorn.conf.py --pythonpath benchmarks "bare_app:create_app('/tmp/dir')"
"""

from __future__ import annotations

import json
from pathlib import Path

from flask import Flask, render_template, request


def create_app(directory: str) -> Flask:
    spec = json.loads((Path(directory) / "bare.json").read_text())
    app = Flask(__name__, template_folder=directory)
    pages = spec["pages"]  # path -> {"template": ..., "headers": [[name, value], ...]}

    for path, page in pages.items():
        def view(template=page["template"]):
            request.form  # noqa: B018 - parse the body, as our app does
            return render_template(template)

        app.add_url_rule(path, page["template"], view, methods=["POST"])

    @app.after_request
    def set_headers(response):
        page = pages.get(request.path)
        for name, value in page["headers"] if page else ():
            response.headers[name] = value
        return response

    if spec.get("compress") is not None:
        from flask_compress import Compress

        app.config.update(spec["compress"])
        Compress(app)
    return app
