"""Compressed pages, and static files under content-hashed names cached for a year.

* Pages: Flask-Compress (brotli where the browser takes it, else gzip). A results page
  shrinks from about 120 KB to 23 KB; brotli at quality 4 and gzip at level 4 cost about
  a millisecond each, where higher levels cost two to three times that for 5 % less.
* Static files: ``flask digest compile`` (Flask-Static-Digest, run by ``make``) writes
  ``style-<md5>.css`` and gzipped copies next to each file, with a manifest the templates
  read through ``static_url_for``; WhiteNoise serves them before Flask, with the compressed
  copy when the browser accepts it, and marks hashed names immutable for a year.
  Without a compiled manifest (a bare checkout) the plain names are served, cached briefly.
"""

from __future__ import annotations

import re

from flask import Flask, request
from flask_compress import Compress
from flask_static_digest import FlaskStaticDigest
from whitenoise import WhiteNoise

from app.paths import STATIC_DIR

HASHED = re.compile(r"-[0-9a-f]{32}\.\w+$")  # style-<md5>.css, as Flask-Static-Digest names them
YEAR = 365 * 24 * 3600


def install(app: Flask) -> None:
    app.config.setdefault("COMPRESS_ALGORITHM", ["br", "gzip"])
    app.config.setdefault("COMPRESS_BR_LEVEL", 4)
    app.config.setdefault("COMPRESS_LEVEL", 4)
    app.config.setdefault("COMPRESS_MIMETYPES", ["text/html", "text/css", "application/javascript",
                                                  "application/json", "image/svg+xml"])
    app.config.setdefault("FLASK_STATIC_DIGEST_COMPRESSION", ["gzip"])
    Compress(app)
    digest = FlaskStaticDigest(app)
    app.jinja_env.globals["static_url_for"] = _kept(digest.static_url_for)


def _kept(static_url_for):
    """A static file's address depends only on its name and the site's prefix: work each out once."""
    made: dict = {}

    def url(endpoint: str, **values) -> str:
        key = (endpoint, request.script_root, *sorted(values.items()))
        found = made.get(key)
        if found is None:
            found = made[key] = static_url_for(endpoint, **values)
        return found
    return url


def serve_static(wsgi_app):
    """WSGI middleware serving /static/ with long-lived caching for hashed names."""
    return WhiteNoise(wsgi_app, root=str(STATIC_DIR), prefix="static/", max_age=3600,
                      immutable_file_test=lambda path, url: bool(HASHED.search(url)))
