"""A Babel extractor for the rule files, so that rule text lands in the same
gettext catalogue as the templates.

Referenced from ``babel.cfg``. It yields the English source text a person
sees: question labels, hints and choices; program names, summaries, criterion
explanations, amount explanations, parameter labels, how to apply, documents; and
for the rules explorer, each example's name, each change in the log and the notes
on parameter values. (Source titles are the titles of the official pages, kept as
published.)
"""

from __future__ import annotations

from app.engine.yamlsource import LineDict, LineList, load_yaml_text

QUESTION_KEYS = ("label", "hint", "dont_know_label", "label_couple", "statement", "statement_couple")
PROGRAM_KEYS = ("name", "summary", "administered_by")
CRITERION_KEYS = ("met", "not_met", "unknown")


def extract_rules(fileobj, keywords, comment_tags, options):
    text = fileobj.read().decode("utf-8")
    document = load_yaml_text(text, getattr(fileobj, "name", "rules"))
    if not isinstance(document, LineDict):
        return
    if "questions" in document:
        yield from _questions(document)
    elif "criteria" in document:
        yield from _program(document)
    elif "definitions" in document:
        for name, parameter in (document.get("parameters") or {}).items():
            yield from _item(parameter, "label", f"parameter {name}")
            yield from _value_notes(parameter, name)


def _value_notes(parameter, name):
    for entry in (parameter.get("values") or []) if isinstance(parameter, LineDict) else []:
        yield from _item(entry, "note", f"note on a value of {name}")


def _item(mapping, key, context=""):
    value = mapping.get(key) if isinstance(mapping, LineDict) else None
    if isinstance(value, str) and value.strip():
        yield mapping.line_of(key), None, value, [context] if context else []


def _questions(document):
    for section in document.get("sections", []):
        yield from _item(section, "label", "section")
        yield from _item(section, "hint", "section")
    for question in document.get("questions", LineList()):
        yield from _question(question)
        for fact in question.get("facts", []):
            yield from _question(fact)


def _question(question):
    for key in QUESTION_KEYS:
        yield from _item(question, key, f"question {question.get('id', '')}")
    unlock = question.get("unlock")
    if isinstance(unlock, LineDict):
        yield from _item(unlock, "text", f"unlock of {question.get('id', '')}")
    for choice in question.get("choices", []):
        yield from _item(choice, "label", f"choice of {question.get('id', '')}")


def _program(document):
    pid = document.get("id", "")
    for key in PROGRAM_KEYS:
        yield from _item(document, key, f"program {pid}")
    for name, parameter in (document.get("parameters") or {}).items():
        yield from _item(parameter, "label", f"parameter {pid}.{name}")
        yield from _value_notes(parameter, f"{pid}.{name}")
    for change in document.get("changes", []):
        yield from _item(change, "change", f"change log of {pid}")
    for example in document.get("examples", []):
        yield from _item(example, "name", f"example of {pid}")
    for criterion in document.get("criteria", []):
        for key in CRITERION_KEYS:
            yield from _item(criterion, key, f"criterion {pid}.{criterion.get('id', '')} ({key})")
    amount = document.get("amount")
    if isinstance(amount, LineDict):
        yield from _item(amount, "explain", f"amount of {pid}")
    apply = document.get("how_to_apply")
    if isinstance(apply, LineDict):
        yield from _item(apply, "summary", f"how to apply for {pid}")
        for way in apply.get("ways", []):
            yield from _item(way, "text", f"a way to apply for {pid}")
    documents = document.get("documents", [])
    for index, text in enumerate(documents):
        if isinstance(text, str):
            yield documents.line_of(index), None, text, [f"document for {pid}"]
