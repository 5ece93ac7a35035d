"""The language-only parts of each program's card, rendered once per language at start-up.

A results page shows every program. What a card says about the household (status,
amount, reasons) changes with each page; its name, who runs it, its summary and how to
apply do not. Those parts are rendered here once per language, from
``templates/questionnaire/_program.html``, and placed into each results page as they are.
"""

from __future__ import annotations

from dataclasses import dataclass

from flask import Flask
from markupsafe import Markup

from app.web import languages


@dataclass(frozen=True)
class CardParts:
    top: Markup  # name and who runs it
    summary: Markup  # for programs the person cannot get
    summary_can_get: Markup  # with the tax-return note where that applies
    apply: Markup  # how to apply, documents, contact


class ReasonHtml:
    """Each reason's list item, rendered the first time it is seen in a language, then kept.
    The same reason with the same numbers comes back on page after page ("You live in Alberta")."""

    KEPT = 50_000

    def __init__(self, macro):
        self.macro = macro
        self.made: dict = {}

    def __call__(self, reason) -> Markup:
        html = self.made.get(reason)
        if html is None:
            if len(self.made) > self.KEPT:
                self.made.clear()
            html = self.made[reason] = Markup(self.macro(reason))
        return html


def render_card_parts(app: Flask) -> dict:
    """language code -> program id -> CardParts, and "reason" -> that language's ReasonHtml.

    A reason's macro renders in the language it was made in: ReasonHtml is only ever called
    for the language it belongs to, and the macro reads the language when it first runs."""
    parts = {}
    for code in app.extensions["languages"]:
        with app.test_request_context(f"/{code}/"):
            languages.use(code)
            macros = app.jinja_env.get_template("questionnaire/_program.html").module
            explainer = app.extensions["explainers"][code]
            parts[code] = {
                program_id: CardParts(Markup(macros.top(program_id, texts)), Markup(macros.summary(texts, False)),
                                      Markup(macros.summary(texts, True)), Markup(macros.apply(texts)))
                for program_id, texts in explainer.programs.items()
            }
            parts[code]["reason"] = ReasonHtml(macros.reason)
    return parts
