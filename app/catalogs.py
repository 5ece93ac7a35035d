"""Keep the translation catalogues in step with the sources.

    python -m app.catalogs update   # extract, update en and fr, fill English
    python -m app.catalogs check    # non-zero exit when a catalogue is out of date or incomplete

English is the source language, so its catalogue repeats each message. The
French catalogue is written by people; ``update`` never invents a translation.
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
from pathlib import Path

from babel.messages.pofile import read_po, write_po

from app.services.language import LANGUAGES as LANGUAGE_LIST

ROOT = Path(__file__).resolve().parents[1]
TRANSLATIONS = ROOT / "translations"
LANGUAGES = tuple(LANGUAGE_LIST)  # every language the app speaks (app/services/language.py)
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
    return found


def main(argv: list[str]) -> int:
    if argv[:1] == ["update"]:
        update()
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
