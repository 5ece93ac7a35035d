"""Strict YAML reading that keeps line numbers.

Rule files are read with PyYAML's safe loader, changed in three ways so that
policy staff get precise errors:

* every mapping and list remembers the line of each of its entries;
* a key written twice in one mapping is an error, not a silent overwrite;
* dates stay as text (``2025-07-01``) so that schemas and editors see what the
  file says; the engine parses them itself.
"""

from __future__ import annotations

from pathlib import Path

import yaml

from .errors import RuleError


class LineDict(dict):
    """A mapping that knows the line of itself and of each key."""

    line: int
    key_lines: dict

    def line_of(self, key) -> int:
        return self.key_lines.get(key, self.line)


class LineList(list):
    """A list that knows the line of itself and of each item."""

    line: int
    item_lines: list

    def line_of(self, index: int) -> int:
        if 0 <= index < len(self.item_lines):
            return self.item_lines[index]
        return self.line


class _StrictLoader(getattr(yaml, "CSafeLoader", yaml.SafeLoader)):
    """Safe loader: no arbitrary objects, duplicate keys rejected, lines kept."""


def _construct_mapping(loader: _StrictLoader, node: yaml.MappingNode) -> LineDict:
    # Keys written in this mapping; keys brought in by a YAML merge (<<) may be overridden.
    own = {id(k) for k, _ in node.value if k.tag != "tag:yaml.org,2002:merge"}
    loader.flatten_mapping(node)
    result = LineDict()
    result.line = node.start_mark.line + 1
    result.key_lines = {}
    merged: set = set()
    for key_node, value_node in node.value:
        key = loader.construct_object(key_node, deep=True)
        line = key_node.start_mark.line + 1
        if isinstance(key, bool) or not isinstance(key, (str, int)):
            raise RuleError(loader.source_name, line, "a key must be a plain word or a whole number")
        key = str(key)  # as in JSON, so that schemas can check every key
        is_own = id(key_node) in own
        if key in result:
            if not is_own:
                continue  # a merge never replaces a key already there
            if key not in merged:
                raise RuleError(
                    loader.source_name,
                    line,
                    f"the key '{key}' is written twice here (first on line {result.key_lines[key]})",
                )
            merged.discard(key)
        elif not is_own:
            merged.add(key)
        result[key] = loader.construct_object(value_node, deep=True)
        result.key_lines[key] = line
    return result


def _construct_sequence(loader: _StrictLoader, node: yaml.SequenceNode) -> LineList:
    result = LineList(loader.construct_object(child, deep=True) for child in node.value)
    result.line = node.start_mark.line + 1
    result.item_lines = [child.start_mark.line + 1 for child in node.value]
    return result


def _construct_timestamp_as_text(loader: _StrictLoader, node: yaml.ScalarNode) -> str:
    return loader.construct_scalar(node)


_StrictLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)
_StrictLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_SEQUENCE_TAG, _construct_sequence)
_StrictLoader.add_constructor("tag:yaml.org,2002:timestamp", _construct_timestamp_as_text)


def load_yaml_file(path: Path | str, display_name: str | None = None):
    """Read one YAML file strictly. Raises RuleError with file and line."""
    path = Path(path)
    name = display_name or str(path)
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise RuleError(name, 0, f"cannot read the file ({exc.__class__.__name__})") from None
    return load_yaml_text(text, name)


# What libyaml says, and what it usually means, for someone who is not a programmer.
_PLAIN = (
    ("mapping values are not allowed", "a ':' where it cannot be. Put text that holds ': ' in quotes"),
    ("found character that cannot start any token", "a character that cannot start a value here"),
    ("did not find expected ',' or '}'", "a '{' that is not closed: a ',' or a '}' is missing"),
    ("did not find expected ',' or ']'", "a '[' that is not closed: a ',' or a ']' is missing"),
    ("did not find expected key", "a line that does not line up with the ones around it (check its indent)"),
    ("did not find expected '-' indicator", "a list where a line does not start with '- ' (check its indent)"),
    ("found unexpected end of stream", "a quote that is opened and never closed"),
    ("while scanning a quoted scalar", "a quote that is opened and never closed"),
)


def _plain(problem: str, text: str, mark) -> str:
    lines = text.splitlines()
    if mark is not None and mark.line < len(lines) and "\t" in lines[mark.line]:
        return "a tab character. Indent with spaces only"
    for says, means in _PLAIN:
        if problem.startswith(says) or says in problem:
            return means
    return "the file cannot be read here"


def load_yaml_text(text: str, name: str):
    loader = _StrictLoader(text)
    loader.source_name = name
    try:
        return loader.get_single_data()
    except RuleError:
        raise
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        # An unclosed bracket is clearer at the line where it opens.
        if exc.context and exc.context.startswith("while parsing a flow") and exc.context_mark:
            mark = exc.context_mark
        line = mark.line + 1 if mark else 0
        problem = exc.problem or exc.context or "the YAML cannot be read"
        raise RuleError(name, line, f"this is not valid YAML: {_plain(problem, text, mark)} ({problem})") from None
    except yaml.YAMLError as exc:
        raise RuleError(name, 0, f"this is not valid YAML: {exc}") from None
    finally:
        loader.dispose()


def line_at(document, path) -> int:
    """The line of the entry found by following ``path`` (keys and indexes)."""
    node = document
    line = getattr(document, "line", 0)
    for step in path:
        if isinstance(node, LineDict) and step in node:
            line = node.line_of(step)
            node = node[step]
        elif isinstance(node, LineList) and isinstance(step, int) and 0 <= step < len(node):
            line = node.line_of(step)
            node = node[step]
        else:
            break
    return line
