"""Headers every response carries: pages, errors and static files alike."""

from __future__ import annotations

from urllib.parse import urlsplit

CSP = (
    "default-src 'none'; style-src 'self'; script-src 'self'; img-src 'self'; font-src 'self'; connect-src 'self'; "
    "form-action 'self'; frame-ancestors 'none'; base-uri 'none'"
)
# Only features a browser still knows; each one turned off.
PERMISSIONS_POLICY = "camera=(), microphone=(), geolocation=(), payment=(), usb=()"
HEADERS = {
    "Content-Security-Policy": CSP,
    "Referrer-Policy": "no-referrer",
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Permissions-Policy": PERMISSIONS_POLICY,
    "Cross-Origin-Opener-Policy": "same-origin",
}


_FIXED = [(name, value) for name, value in HEADERS.items()]
_HSTS = ("Strict-Transport-Security", "max-age=63072000; includeSubDomains")
_REPLACED = {name.lower() for name in HEADERS} | {"set-cookie", _HSTS[0].lower()}


class SecurityHeaders:
    """WSGI middleware, outermost, so that no response can leave without these headers
    (error pages and files served before Flask included), and none sets a cookie."""

    def __init__(self, app):
        self.app = app

    def __call__(self, environ, start_response):
        secure = environ.get("wsgi.url_scheme") == "https"

        def start(status, headers, exc_info=None):
            headers = [(k, _relative(v) if k.lower() == "location" else v)
                       for k, v in headers if k.lower() not in _REPLACED] + _FIXED
            if secure:
                headers.append(_HSTS)
            return start_response(status, headers, exc_info)

        return self.app(environ, start)


def no_store(response):
    """For pages that carry answers: never kept by a browser or a proxy."""
    response.headers["Cache-Control"] = "no-store"
    response.headers["Pragma"] = "no-cache"
    return response


def _relative(location: str) -> str:
    """Every redirect stays on this site, so its target is a path: the Host header a request
    came with never becomes a Location (Werkzeug's /en -> /en/ redirect names the host)."""
    if not location.startswith(("http://", "https://", "//")):
        return location
    target = urlsplit(location)
    return (target.path or "/") + (f"?{target.query}" if target.query else "")


class HostCheck:
    """WSGI middleware: a Host header no URL can be built for gets a plain 400 here,
    before Flask, whose error pages need to build URLs."""

    BODY = b"Bad request: the Host header is not a valid host name.\n"

    def __init__(self, app):
        self.app = app

    def __call__(self, environ, start_response):
        if not _valid_host(environ.get("HTTP_HOST") or environ.get("SERVER_NAME") or ""):
            start_response("400 Bad Request", [("Content-Type", "text/plain; charset=utf-8"),
                                               ("Content-Length", str(len(self.BODY)))])
            return [self.BODY]
        return self.app(environ, start_response)


def _valid_host(host: str) -> bool:
    if host.startswith("["):  # an IPv6 literal, checked by whoever routes it
        return "]" in host
    name = host.rsplit(":", 1)[0] if host.count(":") == 1 else host
    if not name or len(name) > 253:
        return False
    try:
        name.encode("idna")
    except UnicodeError:
        return False
    return True
