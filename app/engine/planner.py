"""Which question to ask next.

A question is worth asking only when its answer could still change a result:
it was read while deciding a criterion that is still unknown, or an amount that
is still a range, and it has not been answered (an "I don't know" counts as an
answer: asking again would not help). Questions that matter to more undecided
programs come first; ties keep the questionnaire's order.
"""

from __future__ import annotations

from .evaluate import INELIGIBLE, screen


def plan(ruleset, answers, date=None, results=None) -> list[str]:
    """Question ids worth asking, best first. Empty when nothing is left to ask.

    One kind of question changes no result yet is worth a tick box: "Do you get it now?" (a
    program's ``already_question``) for a program the household can likely or may get. It tells
    new money from money already coming in. It is asked last."""
    if results is None:
        results = screen(ruleset, answers, date)
    votes: dict[str, int] = {}
    already = []
    for result in results:
        for qid in result.deciding:
            votes[qid] = votes.get(qid, 0) + 1
        if result.program.already_question and result.status != INELIGIBLE:
            already.append(result.program.already_question)
    for qid in already:
        votes.setdefault(qid, 0)
    vocabulary = ruleset.vocabulary
    order = {qid: i for i, qid in enumerate(vocabulary.questions())}
    askable = [qid for qid in votes if qid in order and answers.is_askable(qid)]
    return sorted(askable, key=lambda qid: (-votes[qid], order[qid]))
