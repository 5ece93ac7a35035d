import pytest

from app.engine import load_ruleset


@pytest.fixture(scope="session")
def ruleset():
    return load_ruleset()
