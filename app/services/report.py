"""Plain-text reports of screening results for the command line, in English.

The sentences come from :mod:`app.services.explain` (the same ones the pages show);
this module only lays them out for a terminal, with the sources policy staff want.
"""

from __future__ import annotations

from app.engine import ELIGIBLE, INELIGIBLE, MAYBE

STATUS_TEXT = {ELIGIBLE: "eligible", MAYBE: "may be eligible", INELIGIBLE: "not eligible"}
MARK = {"met": "+", "not_met": "-", "unknown": "?"}


def amount_text(result, explainer) -> str:
    money = explainer.fmt.money
    if not result.pays_money:
        return "-"
    if getattr(result, "error", None):
        return "could not be worked out"
    if result.amount_once is not None:
        return f"{money(result.amount_once)} once"
    if result.amount_yearly is not None:
        return f"{money(result.amount_yearly)}/yr ({money(result.amount_monthly)}/mo)"
    if result.amount_range:
        lo, hi = result.amount_range
        return f"{money(lo)} to {money(hi)}/yr"
    return "unknown"


def results_table(results, explainer) -> str:
    rows = [("Program", "Result", "Amount")]
    for r in results:
        rows.append((explainer.programs[r.program.id].name, STATUS_TEXT[r.status], amount_text(r, explainer)))
    widths = [max(len(row[i]) for row in rows) for i in range(3)]
    lines = []
    for index, row in enumerate(rows):
        lines.append("  ".join(cell.ljust(widths[i]) for i, cell in enumerate(row)).rstrip())
        if index == 0:
            lines.append("  ".join("-" * w for w in widths))
    return "\n".join(lines)


def result_details(result, explainer) -> str:
    program = result.program
    value = explainer.value
    lines = [f"{explainer.programs[program.id].name} ({program.id}): {STATUS_TEXT[result.status]}, "
             f"{amount_text(result, explainer)}"]
    if getattr(result, "error", None):
        lines.append(f"  [!] could not be worked out: {result.error}")
    for row, reason in zip(result.trace(), explainer.reasons(result)):
        line = f"  [{MARK[row['status']]}] {reason.text}"
        if "value" in row and row.get("limit") is not None:
            unit = row["unit"]
            line += f"  (yours: {value(row['value'], unit)}; limit: {value(row['limit'], unit)}"
            if row.get("gap"):  # at the limit of a strict test there is no distance to show
                line += f"; off by {value(row['gap'], unit)}"
            line += ")"
        lines.append(line)
        for parameter in row["parameters"]:
            lines.append(f"        {parameter['label']}: {_parameter(parameter, explainer)}")
    amount = result.amount_trace()
    if amount and result.status != INELIGIBLE:
        lines.append(f"  Amount: {explainer.programs[program.id].amount_explain.strip()}")
        for qid, fact_value in amount["facts"].items():
            lines.append(f"        {qid}: {fact_value}")
        for parameter in amount["parameters"]:
            lines.append(f"        {parameter['label']}: {_parameter(parameter, explainer)}")
    if result.deciding:
        names = [explainer.question(qid) or str(qid) for qid in result.deciding]
        lines.append("  Would be decided by: " + "; ".join(names))
    p = result.provenance()
    stale = f"; based on {p['figures_from']} figures (the newest confirmed)" if p["figures_stale"] else ""
    unconfirmed = f"; the amount uses unconfirmed values: {', '.join(p['unconfirmed'])}" if p["unconfirmed"] else ""
    lines.append(f"  Rules {p['program']} v{p['rule_version']} applied as of {p['as_of']}{stale}{unconfirmed}")
    return "\n".join(lines)


def result_json(result, explainer) -> dict:
    """A result as JSON, each reason with its English sentence beside the structured fields."""
    payload = result.to_dict()
    for row, reason in zip(payload["trace"], explainer.reasons(result)):
        row["explanation"] = reason.text
    if payload["amount"] is not None:
        payload["amount"]["explanation"] = explainer.programs[result.program.id].amount_explain
    payload["error"] = getattr(result, "error", None)
    return payload


def _parameter(parameter: dict, explainer) -> str:
    source = parameter["source"]
    where = f" - {source['title']} <{source['url']}>" if source else ""
    flag = " (unconfirmed)" if parameter["unconfirmed"] else ""
    return f"{explainer.parameter_value(parameter)} from {parameter['from']}{flag}{where}"
