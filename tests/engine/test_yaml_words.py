"""A YAML mistake is reported at its line, in words someone who is not a programmer can act on."""

import pytest

from app.engine.errors import RuleError
from app.engine.yamlsource import load_yaml_text


@pytest.mark.parametrize("text, line, words", [
    ("name: Sample: the one\nsummary: x\n", 1, "Put text that holds ': ' in quotes"),
    ("a:\n\tb: 1\n", 2, "a tab character. Indent with spaces only"),
    ("a: {b: 1, c: 2\nd: 3\n", 1, "a '{' that is not closed"),
    ("a: [1, 2\nb: 3\n", 1, "a '[' that is not closed"),
    ("a:\n  b: 1\n c: 2\n", 3, "does not line up with the ones around it"),
    ("a:\n  - 1\n  b: 2\n", 3, "a list where a line does not start with '- '"),
    ("a: 'it is\nb: 2\n", 3, "a quote that is opened and never closed"),
])
def test_yaml_mistakes_in_plain_words(text, line, words):
    with pytest.raises(RuleError) as raised:
        load_yaml_text(text, "rules/programs/sample.yaml")
    assert raised.value.line == line
    assert words in raised.value.message
    assert raised.value.message.startswith("this is not valid YAML: ")
