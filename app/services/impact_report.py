"""An impact (``app.services.impact``) laid out for policy staff: a terminal table, and a
self-contained HTML page with a chart and examples of households whose results change.

In English, like the other command-line reports. Money and numbers come from the one formatter.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from jinja2 import Environment, FileSystemLoader, select_autoescape

from app.engine import ELIGIBLE, INELIGIBLE, MAYBE
from app.paths import TEMPLATES_DIR

from .formatting import Formatter
from .impact import NOT_SCREENED

STATUS = {ELIGIBLE: "eligible", MAYBE: "may be", INELIGIBLE: "not eligible", NOT_SCREENED: "not screened"}
COLUMNS = ("Program", "Gain", "Lose", "Paid more", "Paid less", "Now may be", "No longer may be",
           "Money a year", "One-time money")

_fmt = Formatter("en_CA")


@dataclass
class Setting:
    """What was compared, for the report's heading."""

    baseline: str  # "main", "rules-2026-07" (a git ref) or a folder
    households: str  # "reference households (rules/households)" or "synthetic Alberta population ..."
    approximate_note: str = ""  # for the synthetic population: what it is and is not
    counts_are: str = "households"  # "households" or "Alberta households (weighted)"


def count(value: float) -> str:
    return _fmt.number(round(value)) if value else "0"


def outcome_text(outcome) -> str:
    words = STATUS[outcome.status]
    if outcome.status != ELIGIBLE:
        return words
    money = []
    if outcome.yearly:
        money.append(f"{_fmt.whole_dollars(outcome.yearly)} a year")
    if outcome.once:
        money.append(f"{_fmt.whole_dollars(outcome.once)} once")
    return f"{words}, {' and '.join(money)}" if money else words


def rows(impact) -> list[tuple]:
    """One row per program whose results change, with the figures as text."""
    return [
        (p.name, count(p.gained), count(p.lost), count(p.paid_more), count(p.paid_less),
         count(p.now_maybe), count(p.no_longer_maybe), _fmt.signed_dollars(p.yearly_change),
         _fmt.signed_dollars(p.once_change))
        for p in impact.changed
    ]


def totals(impact) -> dict:
    changed = impact.changed
    return {
        "yearly": sum(p.yearly_change for p in changed),
        "once": sum(p.once_change for p in changed),
        "gained": sum(p.gained for p in changed),
        "lost": sum(p.lost for p in changed),
    }


def summary_lines(impact, setting: Setting) -> list[str]:
    scope = f"{count(impact.households)} {setting.households}"
    if round(impact.weight) != impact.households:
        scope += f", standing for {count(impact.weight)} households"
    on = f"on {impact.date.isoformat()}" if impact.date else "each on its own date"
    lines = [f"Current rules against {setting.baseline}: {scope}, screened {on}."]
    total = totals(impact)
    lines.append(f"{len(impact.changed)} program(s) change for some household; "
                 f"{impact.unchanged} program(s) have the same rules in both and were not screened again"
                 + (f"; {len(impact.programs) - len(impact.changed)} changed program(s) give the same results"
                    if len(impact.programs) > len(impact.changed) else "") + ".")
    if impact.any_change:
        lines.append(f"Money a year: {_fmt.signed_dollars(total['yearly'])}; one-time money: "
                     f"{_fmt.signed_dollars(total['once'])} ({setting.counts_are}).")
    if impact.skipped:
        lines.append(f"{len(impact.skipped)} household(s) could not be read by both versions of the rules.")
    if setting.approximate_note:
        lines.append(setting.approximate_note)
    return lines


def table(impact, setting: Setting) -> str:
    lines = summary_lines(impact, setting)
    found = rows(impact)
    if not found:
        lines.append("No household's result changes.")
        return "\n".join(lines)
    grid = [COLUMNS, *found]
    widths = [max(len(row[i]) for row in grid) for i in range(len(COLUMNS))]
    lines.append("")
    for index, row in enumerate(grid):
        cells = [row[0].ljust(widths[0])] + [cell.rjust(widths[i]) for i, cell in enumerate(row) if i]
        lines.append("  ".join(cells).rstrip())
        if index == 0:
            lines.append("  ".join("-" * w for w in widths))
    for program in impact.changed:
        lines.append("")
        lines.append(f"{program.name}: for example")
        for change in program.examples:
            lines.append(f"  {change.case.name}: {outcome_text(change.before)} -> {outcome_text(change.after)}"
                         + (f"  ({change.case.description})" if change.case.description else ""))
    for name, why in impact.skipped[:10]:
        lines.append(f"skipped {name}: {why}")
    return "\n".join(lines)


# -- HTML ---------------------------------------------------------------------------------------

CHART_WIDTH, LABEL_WIDTH, VALUE_WIDTH, BAR_HEIGHT = 860, 300, 130, 26


def chart(impact) -> dict:
    """Bars of the yearly money change per program from a zero line, the program's name on the left
    and the figure in a column on the right (SVG coordinates)."""
    changed = impact.changed
    biggest = max((abs(p.yearly_change) for p in changed), default=0) or 1
    area = CHART_WIDTH - LABEL_WIDTH - VALUE_WIDTH
    half = area / 2 - 10
    zero = LABEL_WIDTH + area / 2
    bars = []
    for index, program in enumerate(changed):
        length = abs(program.yearly_change) / biggest * half
        x = zero if program.yearly_change >= 0 else zero - length
        bars.append({"name": program.name, "y": 10 + index * BAR_HEIGHT, "x": round(x, 1),
                     "width": round(max(length, 1), 1), "up": program.yearly_change >= 0,
                     "label": _fmt.signed_dollars(program.yearly_change)})
    return {"width": CHART_WIDTH, "height": 20 + len(changed) * BAR_HEIGHT, "zero": zero, "bars": bars,
            "label_width": LABEL_WIDTH, "value_x": CHART_WIDTH - 4}


def html(impact, setting: Setting, generated: dt.datetime | None = None) -> str:
    environment = Environment(loader=FileSystemLoader(str(TEMPLATES_DIR)), autoescape=select_autoescape(["html"]))
    template = environment.get_template("impact/report.html")
    return template.render(
        impact=impact, setting=setting, summary=summary_lines(impact, setting), columns=COLUMNS,
        rows=rows(impact), chart=chart(impact), outcome_text=outcome_text,
        generated=(generated or dt.datetime.now()).strftime("%Y-%m-%d %H:%M"),
    )
