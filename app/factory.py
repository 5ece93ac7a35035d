"""The Flask application factory.

The rules are loaded, checked and compiled once here. If any rule file is
broken the app refuses to start, so it never serves wrong answers.
"""

from __future__ import annotations

import sys

from flask import Flask

from app.engine import RULES_DIR, RulesInvalid, load_ruleset


def create_app(config: dict | None = None) -> Flask:
    app = Flask(__name__, template_folder="../templates", static_folder="../static")
    app.config.update(RULES_DIR=str(RULES_DIR))
    if config:
        app.config.update(config)
    try:
        app.extensions["ruleset"] = load_ruleset(app.config["RULES_DIR"])
    except RulesInvalid as invalid:
        for error in invalid.errors:
            print(str(error), file=sys.stderr)
        raise SystemExit(f"Benefits Finder will not start: {len(invalid.errors)} problem(s) in the rules.") from None

    from app.web import bp

    app.register_blueprint(bp)
    return app
