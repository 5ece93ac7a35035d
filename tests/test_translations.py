"""The catalogues match the sources, and French is complete."""

import subprocess
import sys
from pathlib import Path

from app import catalogs

ROOT = Path(__file__).resolve().parents[1]


def test_catalogues_are_up_to_date_and_complete():
    problems = catalogs.problems()
    assert not problems, "\n".join(problems[:30]) + f"\n({len(problems)} in all; run `make translations`)"


def test_french_placeholders_match_the_english():
    french = {m.id: m.string for m in catalogs.catalogue("fr") if m.id}
    import re

    for english, translated in french.items():
        for pattern in (r"%\(\w+\)s", r"\{\w+\}"):
            assert sorted(re.findall(pattern, english)) == sorted(re.findall(pattern, translated)), english


def test_catalogues_compile():
    completed = subprocess.run([sys.executable, "-m", "babel.messages.frontend", "compile", "-d",
                                str(ROOT / "translations"), "--statistics"], capture_output=True, text=True)
    assert completed.returncode == 0, completed.stderr
