"""The Benefits Finder rules engine. Pure Python: it imports nothing from Flask.

Typical use::

    from app.engine import load_ruleset, screen, plan
    rules = load_ruleset("rules")
    answers = rules.vocabulary.parse_answers({"region": "calgary", ...})
    for result in screen(rules, answers):
        print(result.program.name, result.status, result.amount_yearly)
    next_questions = plan(rules, answers)
"""

from .errors import AnswerError, RuleError, RulesInvalid
from .evaluate import ELIGIBLE, INELIGIBLE, MAYBE, ZERO_AMOUNT, ProgramResult, Reason, screen
from .loader import Ruleset, load_ruleset
from .planner import plan
from .qid import QuestionId
from .vocabulary import DONT_KNOW

__all__ = [
    "AnswerError",
    "DONT_KNOW",
    "ELIGIBLE",
    "INELIGIBLE",
    "MAYBE",
    "ProgramResult",
    "Reason",
    "QuestionId",
    "RuleError",
    "Ruleset",
    "RulesInvalid",
    "ZERO_AMOUNT",
    "load_ruleset",
    "plan",
    "screen",
]
