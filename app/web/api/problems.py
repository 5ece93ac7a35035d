"""RFC 9457 problem details: the one shape every API error takes."""

from __future__ import annotations

import json

from flask import Response

TITLES = {400: "Bad request", 404: "Not found", 405: "Method not allowed", 413: "Body too big",
          415: "Unsupported media type", 422: "The answers do not fit the questions", 500: "Server error"}


def problem(status: int, detail: str = "", errors: list | None = None) -> Response:
    body = {"type": "about:blank", "title": TITLES.get(status, "Error"), "status": status}
    if detail:
        body["detail"] = detail
    if errors:
        body["errors"] = errors
    return Response(json.dumps(body, ensure_ascii=False), status=status, mimetype="application/problem+json")
