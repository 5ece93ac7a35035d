"""The web app: one factory, shared web pieces, and one blueprint package per front door.

The rules are loaded, checked and compiled once here, and every language's texts
are prepared once. If any rule file is broken the app refuses to start, so it
never serves wrong answers.
"""

from __future__ import annotations

import datetime as dt
import sys

from flask import Flask

from app.engine import RulesInvalid, load_ruleset
from app.paths import RULES_DIR, STATIC_DIR, TEMPLATES_DIR, TRANSLATIONS_DIR
from app.services.explain import Explainer
from app.services.explorer import Explorer
from app.services.interview import Interview
from app.services.language import load_languages

from . import assets, errors, languages
from .security import HostCheck, SecurityHeaders


def create_app(config: dict | None = None) -> Flask:
    app = Flask(__name__, template_folder=str(TEMPLATES_DIR), static_folder=str(STATIC_DIR))
    app.config.update(
        RULES_DIR=str(RULES_DIR),
        TRANSLATIONS_DIR=str(TRANSLATIONS_DIR),
        MAX_CONTENT_LENGTH=64 * 1024,  # answers are small; anything bigger is refused
        MAX_FORM_PARTS=200,
        SCREENING_DATE=None,  # a fixed date (YYYY-MM-DD) for tests; otherwise today
        API_CORS_ORIGINS=(),  # origins allowed to call /api/v1 from a browser; none unless configured
    )
    if config:
        app.config.update(config)
    try:
        ruleset = load_ruleset(app.config["RULES_DIR"])
    except RulesInvalid as invalid:
        for error in invalid.errors:
            print(str(error), file=sys.stderr)
        raise SystemExit(f"Benefits Finder will not start: {len(invalid.errors)} problem(s) in the rules.") from None
    ruleset.compile_everything()  # before gunicorn forks its workers (preload_app), so they share it
    fixed = app.config["SCREENING_DATE"]
    fixed = dt.date.fromisoformat(fixed) if fixed else None
    app.config["TODAY"] = (lambda: fixed) if fixed else dt.date.today

    loaded = load_languages(app.config["TRANSLATIONS_DIR"])
    app.extensions["ruleset"] = ruleset
    app.extensions["interview"] = Interview(ruleset.vocabulary)
    app.extensions["explainers"] = {code: Explainer(ruleset, language) for code, language in loaded.items()}
    languages.install(app, loaded)

    app.extensions["explorers"] = {code: Explorer(ruleset, explainer)
                                   for code, explainer in app.extensions["explainers"].items()}
    from .api import bp as api
    from .caseworker import bp as caseworker
    from .caseworker.whatif import scenario_memos
    from .explorer import bp as explorer
    from .questionnaire import bp as questionnaire
    from .questionnaire.cards import card_memos
    from .questionnaire.fields import field_memos

    app.register_blueprint(questionnaire)
    app.register_blueprint(explorer)
    app.register_blueprint(api)
    app.register_blueprint(caseworker)
    app.extensions["cards"] = card_memos(app)
    app.extensions["fields"] = field_memos(app)
    app.extensions["whatif"] = scenario_memos(app)
    errors.install(app)
    assets.install(app)
    app.wsgi_app = SecurityHeaders(HostCheck(assets.serve_static(app.wsgi_app)))
    return app
