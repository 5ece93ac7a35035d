"""The expression language: parsing, type checks, and three-valued evaluation."""

import datetime as dt

import pytest

from app.engine import expr as ast
from app.engine import values as V
from app.engine.compile import BOOL, NUMBER, CompileError, Env, ParamInfo, Scope, compile_expression
from app.engine.expr import ExprSyntaxError, parse


def test_precedence_and_literals():
    tree = parse("$1,234.50 + 2 * 13.5% > 10 and not yes or no")
    assert isinstance(tree, ast.Binary) and tree.op == "or"
    conj = tree.left
    assert conj.op == "and"
    comparison = conj.left
    assert comparison.op == ">"
    total = comparison.left
    assert total.op == "+"
    assert total.left == ast.Num(1234.5, "money")
    assert total.right.op == "*"
    assert total.right.right == ast.Num(0.135, "percent")
    assert conj.right == ast.Unary("not", ast.Truth(True))


@pytest.mark.parametrize("text, position, words", [
    ("age >", 5, "ends too early"),
    ("(age > 3", 8, "expected ')'"),
    ("age > 3 > 2", 8, "join two comparisons"),
    ("age # 3", 4, "not allowed"),
    ("", 0, "empty"),
    ("age 3", 4, "did not expect"),
    ("you.", 4, "name after"),
])
def test_syntax_errors_say_where(text, position, words):
    with pytest.raises(ExprSyntaxError) as caught:
        parse(text)
    assert caught.value.position == position
    assert words in caught.value.message


class FakeAnswers:
    def __init__(self, facts, unknown=(), groups=None):
        self.facts = facts
        self.unknown = set(unknown)
        self.groups = groups or {}


@pytest.fixture(scope="module")
def scope(ruleset):
    params = {"limit": ParamInfo("limit", "number"), "rates": ParamInfo("rates", "table")}
    return Scope(ruleset.vocabulary, params, dict(ruleset.shared.definitions))


def run(text, scope, facts, unknown=(), params=None, groups=None, want=None):
    compiled = compile_expression(text, scope, want)
    answers = FakeAnswers(facts, unknown, groups)
    env = Env(answers, dt.date(2025, 9, 1))
    env.params = params or {"limit": 100.0, "rates": (1, [0.1, 0.2, 0.3])}
    return compiled.fn(env), env


def test_unknown_is_never_zero(scope, ruleset):
    unknown_income = ruleset.vocabulary.facts["family_net_income"].unknown_value()
    facts = {"family_net_income": unknown_income, "has_partner": None}
    value, env = run("family_net_income <= limit", scope, facts, unknown={"family_net_income"})
    assert value is None
    assert env.touched == ["family_net_income"]
    value, _ = run("family_net_income * 0", scope, facts, unknown={"family_net_income"})
    assert value == 0


def test_kleene_logic(scope):
    facts = {"has_partner": None, "filed_taxes": False}
    assert run("has_partner and filed_taxes", scope, facts)[0] is False
    assert run("has_partner or not filed_taxes", scope, facts)[0] is True
    assert run("has_partner or filed_taxes", scope, facts)[0] is None
    assert run("not has_partner", scope, facts)[0] is None


def test_intervals_propagate_through_arithmetic(scope):
    facts = {"family_net_income": V.Interval(0, 1000)}
    value, _ = run("max(0, limit - family_net_income / 10)", scope, facts, unknown={"family_net_income"})
    assert value == V.Interval(0, 100)
    value, _ = run("min(family_net_income, 50) + 1", scope, facts, unknown={"family_net_income"})
    assert value == V.Interval(1, 51)


def test_if_narrows_the_unknown_value_in_each_branch(scope):
    # Without narrowing the second branch would be evaluated over 0..1000 and go negative.
    facts = {"family_net_income": V.Interval(0, 1000)}
    value, _ = run("if(family_net_income <= 100, 0, family_net_income - 100)", scope, facts,
                   unknown={"family_net_income"})
    assert value == V.Interval(0, 900)


def test_lookup_rows_past_the_end_use_the_last_row(scope):
    assert run("lookup(rates, 1)", scope, {})[0] == 0.1
    assert run("lookup(rates, 7)", scope, {})[0] == 0.3
    facts = {"family_net_income": V.Interval(2, 9)}
    assert run("lookup(rates, family_net_income)", scope, facts)[0] == V.Interval(0.2, 0.3)


def test_round_half_up_to_cents(scope):
    assert run("round(2.345, 2)", scope, {})[0] == 2.35
    assert run("round(3061.45)", scope, {})[0] == 3061
    assert run("round(2980.5)", scope, {})[0] == 2981


@pytest.mark.parametrize("text, words", [
    ("region + 1", "'+' needs a number"),
    ("filed_taxes + 1", "'+' needs a number"),
    ("region == 'vancouver'", "not one of the choices"),
    ("family_net_incme > 3", "did you mean 'family_net_income'"),
    ("lookup(limit, 1)", "table parameter"),
    ("count(region)", "group of people"),
    ("partner.age > 3", "may have no one or many"),
    ("you.height > 3", "has no fact 'height'"),
    ("maximum(1, 2)", "did you mean 'max'"),
    ("if(yes, 1, no)", "both results of 'if'"),
    ("years_since(region)", "needs a date"),
])
def test_type_errors_are_caught_at_load_time(scope, text, words):
    with pytest.raises(CompileError) as caught:
        compile_expression(text, scope)
    assert words in caught.value.message


def test_wanted_type_is_checked(scope):
    with pytest.raises(CompileError, match="should give a yes/no value"):
        compile_expression("family_net_income + 1", scope, BOOL)
    assert compile_expression("family_net_income + 1", scope, NUMBER).type == NUMBER


def test_counts_over_members_and_unknown_group_size(ruleset, scope):
    answers = ruleset.vocabulary.parse_answers({"children": [{"age": 3}, {"age": 7, "dtc": True}, {}]})
    env = Env(answers, dt.date(2025, 9, 1))
    env.params = {}
    assert compile_expression("count(children, age < 6)", scope).fn(env) == V.Interval(1, 2)
    assert env.touched == ["children.age"]
    assert compile_expression("any(children, dtc)", scope).fn(env) is True
    nobody = ruleset.vocabulary.parse_answers({})
    env = Env(nobody, dt.date(2025, 9, 1))
    env.params = {}
    assert compile_expression("count(children)", scope).fn(env) == V.Interval(0, 12)
    assert env.touched == ["children"]  # the size question, never a question about a child who may not exist
