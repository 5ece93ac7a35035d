"""Keep the translation catalogues in step with the sources.

    python -m app.catalogs update   # extract, update every language's catalogue, fill English
    python -m app.catalogs check    # non-zero exit when a catalogue is out of date or incomplete
    python -m app.catalogs fill LANG FILE.json...  # fill empty entries from {English: translation} files
    python -m app.catalogs compile LANG            # write LANG's messages.mo

Compiling is ours rather than ``pybabel compile``, whose python-format check reads "20% limit" in rule
text as a placeholder ("% l") though rule text is never %-formatted; ``check`` compares the
placeholders the app really fills (``%(name)s``, ``{name}``) in every language.

English is the source language, so its catalogue repeats each message. The other
catalogues are translations (drafted with machine help unless translations/status.yaml
names a person's review); ``update`` never invents a translation.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
import tempfile
from pathlib import Path

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po, write_po

from app.services.language import LANGUAGES as LANGUAGE_LIST
from app.services.language import catalogue_name

ROOT = Path(__file__).resolve().parents[1]
TRANSLATIONS = ROOT / "translations"
LANGUAGES = tuple(catalogue_name(code) for code in LANGUAGE_LIST)  # each catalogue's folder (zh_Hans)
KEYWORDS = ["-k", "lazy_gettext", "-k", "N_"]


def extract(target: Path) -> None:
    """Extract from the project root with relative paths, so locations do not depend on the checkout."""
    subprocess.run(
        [sys.executable, "-m", "babel.messages.frontend", "extract", "-F", "babel.cfg", *KEYWORDS,
         "-c", "TRANSLATORS:", "--sort-by-file", "--omit-header", "-o", str(target), "."],
        check=True, cwd=ROOT, capture_output=True,
    )


def catalogue(lang: str):
    path = TRANSLATIONS / lang / "LC_MESSAGES" / "messages.po"
    with path.open("rb") as handle:
        return read_po(handle, locale=lang)


def update() -> None:
    template = TRANSLATIONS / "messages.pot"
    extract(template)
    for lang in LANGUAGES:
        po = TRANSLATIONS / lang / "LC_MESSAGES" / "messages.po"
        command = "update" if po.exists() else "init"
        args = ["-i", str(template), "-d", str(TRANSLATIONS), "-l", lang]
        if command == "update":
            args += ["--no-fuzzy-matching", "--ignore-obsolete"]
        subprocess.run([sys.executable, "-m", "babel.messages.frontend", command, *args], check=True,
                       capture_output=True)
    english = catalogue("en")
    for message in english:
        if message.id:
            message.string = message.id
    with (TRANSLATIONS / "en" / "LC_MESSAGES" / "messages.po").open("wb") as handle:
        write_po(handle, english, width=100)


PLACEHOLDER = re.compile(r"%\(\w+\)[sd]|\{\w+\}")


def placeholder_problem(english, translated) -> str:
    """Why a translation does not keep the English placeholders (empty when it does). A plural's
    forms may leave the number out (Arabic's "one" form), but none may add a placeholder, and the
    last form keeps them all."""
    if isinstance(english, tuple):
        wanted = set(PLACEHOLDER.findall(english[1]))
        forms = translated if isinstance(translated, (tuple, list)) else (translated,)
        if any(not set(PLACEHOLDER.findall(form)) <= wanted for form in forms if form):
            return "a plural form adds a placeholder"
        return "" if not forms[-1] or set(PLACEHOLDER.findall(forms[-1])) == wanted else "placeholders differ"
    if not translated:
        return ""
    return "" if sorted(PLACEHOLDER.findall(english)) == sorted(PLACEHOLDER.findall(translated)) else \
        "placeholders differ"


def fill(lang: str, paths: list[str], overwrite: bool = False) -> list[str]:
    """Fill a catalogue from JSON files mapping each English message to its translation (a list of
    forms for a plural), as drafted with machine help. Keeps the English's trailing newline; refuses
    a translation whose placeholders differ. Returns what it refused or could not place."""
    given = {}
    for path in paths:
        with open(path, encoding="utf-8") as handle:
            given.update(json.load(handle))
    catalog = catalogue(lang)
    refused = []
    for message in catalog:
        if not message.id:
            continue
        key = message.id[0] if isinstance(message.id, tuple) else message.id
        if key not in given:
            continue
        current = message.string if isinstance(message.string, tuple) else (message.string,)
        if all(current) and not overwrite:
            continue
        text = given[key]
        end = "\n" if key.endswith("\n") else ""
        if isinstance(message.id, tuple):
            text = tuple(form.rstrip("\n") + end for form in (text if isinstance(text, list) else [text]))
            if len(text) != catalog.num_plurals:
                refused.append(f"{lang}: {key!r}: {len(text)} plural forms, the language has {catalog.num_plurals}")
                continue
        else:
            text = text.rstrip("\n") + end if isinstance(text, str) else ""
        why = placeholder_problem(message.id, text)
        if why or not text:
            refused.append(f"{lang}: {key!r}: {why or 'empty'}")
            continue
        message.string = text
        message.flags.discard("fuzzy")
    with (TRANSLATIONS / lang / "LC_MESSAGES" / "messages.po").open("wb") as handle:
        write_po(handle, catalog, width=76)
    return refused


def problems() -> list[str]:
    """What is wrong with the catalogues, in plain words (empty when all is well)."""
    found = []
    with tempfile.TemporaryDirectory() as tmp:
        template_path = Path(tmp) / "messages.pot"
        extract(template_path)
        with template_path.open("rb") as handle:
            wanted = {m.id for m in read_po(handle) if m.id}
    for lang in LANGUAGES:
        messages = {m.id: m for m in catalogue(lang) if m.id}
        for missing in sorted(wanted - set(messages)):
            found.append(f"{lang}: not in the catalogue (run `python -m app.catalogs update`): {missing!r}")
        for extra in sorted(set(messages) - wanted):
            found.append(f"{lang}: no longer in the sources: {extra!r}")
        for mid, message in messages.items():
            if mid not in wanted:
                continue
            if message.fuzzy:
                found.append(f"{lang}: fuzzy: {mid!r}")
            strings = message.string if isinstance(message.string, tuple) else (message.string,)
            if not all(strings):  # a plural needs every form
                found.append(f"{lang}: not translated: {mid!r}")
            elif lang != "en" and (why := placeholder_problem(mid, message.string)):
                found.append(f"{lang}: {why}: {mid!r}")
    return found


def compile_catalogue(lang: str) -> Path:
    """messages.mo from messages.po, fuzzy entries left out (as gettext does)."""
    target = TRANSLATIONS / lang / "LC_MESSAGES" / "messages.mo"
    with target.open("wb") as handle:
        write_mo(handle, catalogue(lang))
    return target


def main(argv: list[str]) -> int:
    if argv[:1] == ["update"]:
        update()
        return 0
    if argv[:1] == ["fill"] and len(argv) >= 3:
        overwrite = "--overwrite" in argv
        refused = fill(argv[1], [a for a in argv[2:] if a != "--overwrite"], overwrite)
        for line in refused:
            print(line)
        return 1 if refused else 0
    if argv[:1] == ["compile"] and len(argv) == 2:
        compile_catalogue(argv[1])
        return 0
    if argv[:1] == ["check"]:
        issues = problems()
        for line in issues:
            print(line)
        return 1 if issues else 0
    print(__doc__)
    return 2


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
