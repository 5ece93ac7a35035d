"""Which questions go on the next page: the planner's questions, grouped by topic.

The engine's planner lists the questions whose answers could still change a result.
A page asks, together, those of them that share a section of ``rules/questions.yaml``
(one topic: who lives with you, money, "which of these apply to you?"), taking the
sections in the order that file lists them. Any door that asks questions page by page
(the family's questionnaire, an API client) uses this.
"""

from __future__ import annotations


def section_of(vocabulary, qid: str) -> str:
    """The section (page topic) a question belongs to."""
    question = vocabulary.question(qid)
    return getattr(question, "section", "") or ""


def can_ask(vocabulary, answers, qid: str) -> bool:
    """A fact about each person can only be asked once someone is known to be in the group."""
    typed = vocabulary.qid(qid)
    if typed is None:
        return False
    if typed.is_member_fact:
        return bool(answers.groups[typed.group][0])
    return True


class Interview:
    """Page planning for one vocabulary: section order is worked out once."""

    def __init__(self, vocabulary):
        self.vocabulary = vocabulary
        self.section_order = {section.id: index for index, section in enumerate(vocabulary.sections)}
        self.sections = {section.id: section for section in vocabulary.sections}
        self.question_order = {qid: index for index, qid in enumerate(vocabulary.questions())}
        self._section = {qid: section_of(vocabulary, qid) for qid in vocabulary.questions()}

    def section(self, qid: str):
        return self.sections.get(self._section.get(qid, ""))

    def _rank(self, qid: str) -> int:
        return self.section_order.get(self._section.get(qid, ""), len(self.section_order))

    def order_key(self, qid: str) -> tuple:
        """Where a question comes in the questionnaire: its section's place, then its own."""
        return self._rank(qid), self.question_order.get(qid, 0)

    def askable(self, answers, following) -> list[str]:
        return [qid for qid in following if qid in self.question_order and can_ask(self.vocabulary, answers, qid)]

    def next_page(self, answers, following) -> list[str]:
        """The questions of the next page, in questionnaire order; empty when nothing is left to ask."""
        askable = self.askable(answers, following)
        if not askable:
            return []
        first = min(self._rank(qid) for qid in askable)
        return sorted((qid for qid in askable if self._rank(qid) == first), key=self.question_order.__getitem__)

    def pages_left(self, answers, following, shown=()) -> int:
        """How many pages the questions open now would take, not counting the one on screen.

        An estimate: an answer can open a question on a page already passed (a health question
        that matters only once the disability tax credit is known), so more pages may come."""
        shown = set(shown)
        return len({self._rank(qid) for qid in self.askable(answers, following) if qid not in shown})

    def progress(self, answers, following, shown=(), before: int | None = None) -> int:
        """The "about N more pages" to show: the estimate, but never more than one fewer than the page
        before showed, so the count never goes up. 0 reads "almost done"."""
        estimate = self.pages_left(answers, following, shown)
        return estimate if before is None else min(estimate, max(before - 1, 0))
