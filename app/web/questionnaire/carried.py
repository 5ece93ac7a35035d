"""The answers a person has given so far, carried only inside the form they post.

Nothing is kept on the server: each page holds the answers in a hidden field and
posts them back. Whatever comes back is untrusted: it is read with size limits and
checked by the household service, which drops anything that does not fit rather
than letting it break the page.
"""

from __future__ import annotations

import json

from app.services.household import Household, keep_what_fits, with_answers

MAX_FIELD = 20_000  # characters in the hidden answers field
MAX_HISTORY = 200
MAX_PAGE_KEY = 1_000  # characters naming the questions of one page


class Carried:
    """The household's answers and the pages asked, in order (each page as its question ids, comma-joined)."""

    __slots__ = ("household", "history")

    def __init__(self, household: Household, history: list[str]):
        self.household = household
        self.history = history

    @property
    def raw(self) -> dict:
        return self.household.raw

    @property
    def answers(self):
        """The engine's checked answers."""
        return self.household.answers

    def encode_answers(self) -> str:
        return json.dumps(self.household.raw, separators=(",", ":"), ensure_ascii=False)

    def encode_history(self) -> str:
        return json.dumps(self.history, separators=(",", ":"))

    def answered(self, vocabulary, page: str, answers: dict) -> Carried:
        """The state after answering a page: its answers replaced, and the page last in the history."""
        household = with_answers(self.household, vocabulary, answers)
        return Carried(household, [p for p in self.history if p != page] + [page])


def _load_json(text: str | None, kind):
    if not text or len(text) > MAX_FIELD:
        return kind()
    try:
        value = json.loads(text)
    except (ValueError, RecursionError):
        return kind()
    return value if isinstance(value, kind) else kind()


def read_carried(form, vocabulary) -> Carried:
    """Read the carried answers from a posted form, dropping anything that does not fit."""
    household = keep_what_fits(_load_json(form.get("answers"), dict), vocabulary, owned=True)
    history = [p for p in _load_json(form.get("history"), list) if isinstance(p, str)]
    history = [p for p in history if page_questions(p, vocabulary)][-MAX_HISTORY:]
    return Carried(household, history)


def page_questions(key, vocabulary) -> list[str]:
    """The question ids of a page as the form carries it ("has_partner,children"); [] if any is not ours."""
    if not isinstance(key, str) or len(key) > MAX_PAGE_KEY:
        return []
    qids = key.split(",")
    return qids if all(vocabulary.qid(q) is not None for q in qids) else []
