"""The JSON API door, ``/api/v1``: screen a household, the next questions, programs and questions.

Same vocabulary and household format as ``flask rules explain``; schemas and the OpenAPI 3.1
document come from ``app.services.api_schema``. Errors are ``application/problem+json``
(RFC 9457) naming the field. No cookies, nothing about a request logged, CORS only for the
origins ``API_CORS_ORIGINS`` lists.
"""

from flask import Blueprint

bp = Blueprint("api", __name__, url_prefix="/api/v1")

from . import views  # noqa: E402,F401  (routes register on bp)
