"""The caseworker's door, ``/<lang>/caseworker``: every question that can still change a result on
one dense page, the results beside it, and the language switch keeping every answer."""

from flask import Blueprint

bp = Blueprint("caseworker", __name__)

from . import views  # noqa: E402,F401  (routes register on bp)
