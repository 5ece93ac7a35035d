"""Benefits Finder.

``app.engine`` is the rules engine and ``app.services`` what every door shares; neither
imports Flask. This package imports Flask only when the web application is built, so the
engine, the command line and the benchmarks stay light.
"""


def create_app(config: dict | None = None):
    """Build the Flask application (see ``app.web``)."""
    from app.web import create_app as build

    return build(config)
