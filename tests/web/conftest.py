"""Fixtures for the web doors: the app (screening as of a fixed day) and a client that checks every page."""

import pytest

from app import create_app

from ..pages import CheckedClient


@pytest.fixture(scope="session")
def app():
    return create_app({"TESTING": True, "SCREENING_DATE": "2026-11-25"})


@pytest.fixture
def client(app):
    return CheckedClient(app.test_client())


@pytest.fixture(scope="session")
def vocabulary(app):
    return app.extensions["ruleset"].vocabulary
