"""A file of a person's answers that they keep, so they can continue later.

Nothing about a person is stored on the server, so "save my answers" hands the answers
to the person as a small JSON file, and "continue from a saved file" reads it back:

    {
      "format": "benefits-finder-answers",
      "version": 1,
      "saved_on": "2026-12-03",
      "answers": {...}
    }

``answers`` is the household file's answers, exactly as ``flask rules explain`` reads
them. A file that comes back is untrusted: it is read with a size limit and checked
strictly (:func:`app.services.household.read_household`), so a damaged or changed file
is refused with a plain message rather than half read.
"""

from __future__ import annotations

import datetime as dt
import json

from .explain import N_
from .household import Household, HouseholdInvalid, read_household

FORMAT = "benefits-finder-answers"
VERSION = 1  # the newest version we write and read; a file with a higher one is from a newer site
MAX_BYTES = 32 * 1024
KEYS = {"format", "version", "saved_on", "answers"}

NO_FILE = N_("Choose a file to upload")
TOO_BIG = N_("The file is too big. Choose the file you saved from this site.")
NOT_OURS = N_("This file is not a saved answers file from this site.")
NEWER = N_("This file was saved by a newer version of this site.")
DAMAGED = N_("Some answers in this file do not fit our questions. The file may be damaged or changed.")
MESSAGES = (NO_FILE, TOO_BIG, NOT_OURS, NEWER, DAMAGED)


class AnswersFileProblem(Exception):
    """A file that cannot be read back. ``message`` is one of :data:`MESSAGES`, in English:
    translate it where it is shown."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


def write_answers_file(raw_answers: dict, saved_on: dt.date) -> bytes:
    """The file to hand to the person: indented JSON in UTF-8, easy to read in any text editor."""
    document = {"format": FORMAT, "version": VERSION, "saved_on": saved_on.isoformat(), "answers": raw_answers}
    return (json.dumps(document, indent=2, ensure_ascii=False) + "\n").encode("utf-8")


def read_answers_file(data: bytes, vocabulary) -> Household:
    """The household in a saved file. Raises :class:`AnswersFileProblem` when it cannot be used."""
    if not data:
        raise AnswersFileProblem(NO_FILE)
    if len(data) > MAX_BYTES:
        raise AnswersFileProblem(TOO_BIG)
    try:
        document = json.loads(data.decode("utf-8-sig"), parse_constant=_no_constant)  # a BOM from Notepad is fine
    except (UnicodeDecodeError, ValueError, RecursionError):
        raise AnswersFileProblem(NOT_OURS) from None
    if not isinstance(document, dict) or document.get("format") != FORMAT or not KEYS.issuperset(document):
        raise AnswersFileProblem(NOT_OURS)
    version = document.get("version")
    if type(version) is not int or version < 1:
        raise AnswersFileProblem(NOT_OURS)
    if version > VERSION:
        raise AnswersFileProblem(NEWER)
    answers = document.get("answers")
    if not isinstance(answers, dict):
        raise AnswersFileProblem(NOT_OURS)
    try:
        # Strict: an answer that does not fit is refused, never quietly dropped.
        return read_household({"answers": answers}, vocabulary)
    except (HouseholdInvalid, RecursionError):
        raise AnswersFileProblem(DAMAGED) from None


def _no_constant(name: str):
    raise ValueError(f"{name} is not a number")  # NaN and Infinity are not JSON
