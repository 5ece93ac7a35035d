"""The family's door: start page, one question per page, check answers, results.

Every step is a POST carrying the answers in hidden fields, so answers are never in
a URL, a cookie or the server. The engine's planner picks the next question.
"""

from flask import Blueprint

bp = Blueprint("questionnaire", __name__)

from . import saved, views  # noqa: E402,F401  (register the routes on bp; saved: save and continue from a file)
