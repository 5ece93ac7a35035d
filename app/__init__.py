"""Benefits Finder.

``app.engine`` is the rules engine and never imports Flask; this package
imports Flask only when the web application is built, so the engine, the
command line and the benchmarks stay light.
"""


def create_app(config: dict | None = None):
    """Build the Flask application (see ``app.factory``)."""
    from app.factory import create_app as build

    return build(config)
