"""Fixtures every test shares: the rules and the languages, loaded once per run."""

import pytest

from app.engine import load_ruleset
from app.paths import RULES_DIR, TRANSLATIONS_DIR
from app.services.language import load_languages


@pytest.fixture(scope="session")
def ruleset():
    return load_ruleset(RULES_DIR)


@pytest.fixture(scope="session")
def languages():
    return load_languages(TRANSLATIONS_DIR)
