"""The public rules explorer: every program and every question, as anyone can read them.

Nothing here is about a person, so pages are plain GETs, cached by browsers and kept in
memory once rendered (per language, program and day).
"""

from flask import Blueprint

bp = Blueprint("explorer", __name__)

from . import views  # noqa: E402,F401  (registers the routes on bp)
