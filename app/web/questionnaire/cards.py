"""Program cards for the results page, built from parts that are rendered once and kept.

A results page shows every program. Most of a card is the same on every page in a
language: the program's name, who runs it, its summary and how to apply (rendered at
start-up), and, for a given day, the figures behind its amount, the note on how current
they are and the provenance line (rendered the first time they are needed). A reason
with the same numbers, or the same list of deciding questions, reads the same for every
household. Only what is truly the household's own (status, amount) is written per page.
All of it comes from the macros in ``templates/questionnaire/_program.html``.

A part rendered on first use is rendered in the language of the request that needed it,
so each language has its own :class:`CardMemo`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from flask import Flask
from markupsafe import Markup

from app.engine import ELIGIBLE, INELIGIBLE
from app.web import languages

KEPT = 50_000  # parts kept per kind and language before starting afresh
_INDENT = re.compile(r"\s*\n\s*")


def squeeze(html: str) -> Markup:
    """Template indentation and blank lines out (a results page carries dozens of parts); no <pre> here."""
    return Markup(_INDENT.sub("\n", str(html)).strip())


@dataclass(frozen=True)
class CardParts:
    top: Markup  # name and who runs it
    summary: Markup  # for programs the person cannot get
    summary_can_get: Markup  # with the tax-return note where that applies
    apply: Markup  # every way to apply, documents, contact (the program's page)
    plan: Markup  # the first step and the documents (the results page)


class CardMemo:
    """One language's card parts: fixed ones made at start-up, the others on first use."""

    def __init__(self, macros, explainer):
        self.macros = macros
        self.fixed = {
            program_id: CardParts(squeeze(macros.top(program_id, texts)), squeeze(macros.summary(texts, False)),
                                  squeeze(macros.summary(texts, True)), squeeze(macros.apply(texts)),
                                  squeeze(macros.plan(texts)))
            for program_id, texts in explainer.programs.items()
        }
        self.made: dict = {}

    def __getitem__(self, program_id: str) -> CardParts:
        return self.fixed[program_id]

    def _part(self, key, render) -> Markup:
        html = self.made.get(key)
        if html is None:
            if len(self.made) > KEPT:
                self.made.clear()
            html = self.made[key] = squeeze(render())
        return html

    # A card is: head, "Why" and its reasons, tail (see templates/questionnaire/results.html).
    # Every part is Markup already, so plain str.join (Markup.join would escape each part again).

    def head(self, p) -> Markup:
        """Name and who runs it, the amount, how current the figures are, the summary."""
        fixed = self.fixed[p.id]
        summary = fixed.summary_can_get if p.status != INELIGIBLE else fixed.summary
        return Markup("".join((fixed.top, self.amount(p), self.freshness(p), summary)))

    def reasons(self, p) -> Markup:
        """The reasons shown: all of them for a program one can get, only those not met otherwise."""
        can_get = p.status != INELIGIBLE
        return Markup("".join([self.reason(r) for r in p.reasons if can_get or r.status == "not_met"]))

    def tail(self, p) -> Markup:
        """How the amount was worked out, what to do (for a program one can likely get), the provenance line."""
        plan = self.fixed[p.id].plan if p.status == ELIGIBLE else Markup()
        return Markup("".join((self.figures(p), plan, self.provenance(p))))

    def amount(self, p) -> Markup:
        if not (p.amount_yearly or p.amount_once or p.amount_range):
            return Markup()
        key = ("amount", p.amount_yearly, p.amount_monthly, p.amount_once, p.amount_range)
        return self._part(key, lambda: self.macros.amount(p))

    def reason(self, reason) -> Markup:
        return self._part(("reason", reason), lambda: self.macros.reason(reason))

    def deciding(self, p) -> Markup:
        if not p.result.deciding:
            return Markup()
        return self._part(("deciding", p.result.deciding), lambda: self.macros.deciding(p.deciding))

    def freshness(self, p) -> Markup:
        """Which year's figures were used, when the newest confirmed ones are older than the day."""
        return self._part(("freshness", p.id, p.result.date), lambda: self.macros.freshness(p))

    def figures(self, p) -> Markup:
        """How the amount was worked out: the same for everyone who can get the program that day."""
        if p.status == INELIGIBLE or p.error or not p.texts.amount_explain:
            return Markup()
        return self._part(("figures", p.id, p.result.rules_date), lambda: self.macros.figures(p))

    def provenance(self, p) -> Markup:
        return self._part(("provenance", p.id, p.result.date), lambda: self.macros.provenance(p))


def card_memos(app: Flask) -> dict:
    """language code -> CardMemo."""
    macros = app.jinja_env.get_template("questionnaire/_program.html")
    return languages.per_language(app, lambda code: CardMemo(macros.module, app.extensions["explainers"][code]))
