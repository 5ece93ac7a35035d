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
        if isinstance(english, tuple):  # a plural: every form keeps the plural's placeholders
            pairs = [(english[1], form) for form in translated]
        else:
            pairs = [(english, translated)]
        for source, target in pairs:
            for pattern in (r"%\(\w+\)s", r"\{\w+\}"):
                assert sorted(set(re.findall(pattern, source))) == sorted(set(re.findall(pattern, target))), source


def test_catalogues_compile():
    completed = subprocess.run([sys.executable, "-m", "babel.messages.frontend", "compile", "-d",
                                str(ROOT / "translations"), "--statistics"], capture_output=True, text=True)
    assert completed.returncode == 0, completed.stderr
