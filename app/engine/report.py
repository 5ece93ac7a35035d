"""Plain-text reports of screening results, for the command line."""

from __future__ import annotations

from .evaluate import ELIGIBLE, INELIGIBLE, MAYBE, describe_parameter_value, format_money, format_value

STATUS_TEXT = {ELIGIBLE: "eligible", MAYBE: "may be eligible", INELIGIBLE: "not eligible"}
MARK = {"met": "+", "not_met": "-", "unknown": "?"}


def amount_text(result) -> str:
    if not result.pays_money:
        return "-"
    if result.amount_once is not None:
        return f"{format_money(result.amount_once)} once"
    if result.amount_yearly is not None:
        return f"{format_money(result.amount_yearly)}/yr ({format_money(result.amount_monthly)}/mo)"
    if result.amount_range:
        lo, hi = result.amount_range
        return f"{format_money(lo)} to {format_money(hi)}/yr"
    return "unknown"


def results_table(results) -> str:
    rows = [("Program", "Result", "Amount")]
    for r in results:
        rows.append((r.program.name, STATUS_TEXT[r.status], amount_text(r)))
    widths = [max(len(row[i]) for row in rows) for i in range(3)]
    lines = []
    for index, row in enumerate(rows):
        lines.append("  ".join(cell.ljust(widths[i]) for i, cell in enumerate(row)).rstrip())
        if index == 0:
            lines.append("  ".join("-" * w for w in widths))
    return "\n".join(lines)


def result_details(result, vocabulary=None) -> str:
    program = result.program
    lines = [f"{program.name} ({program.id}): {STATUS_TEXT[result.status]}, {amount_text(result)}"]
    for row in result.trace():
        line = f"  [{MARK[row['status']]}] {row['explanation']}"
        if "value" in row and row.get("limit") is not None:
            unit = row["unit"]
            line += f"  (yours: {format_value(row['value'], unit)}; limit: {format_value(row['limit'], unit)}"
            if row.get("gap"):  # at the limit of a strict test there is no distance to show
                line += f"; off by {format_value(row['gap'], unit)}"
            line += ")"
        lines.append(line)
        for parameter in row["parameters"]:
            lines.append(f"        {parameter['label']}: {_param(parameter)}")
    amount = result.amount_trace()
    if amount and result.status != "ineligible":
        lines.append(f"  Amount: {amount['explanation'].strip()}")
        for qid, value in amount["facts"].items():
            lines.append(f"        {qid}: {value}")
        for parameter in amount["parameters"]:
            lines.append(f"        {parameter['label']}: {_param(parameter)}")
    if result.deciding:
        names = []
        for qid in result.deciding:
            question = vocabulary.question(qid) if vocabulary else None
            names.append(question.label if question is not None and question.label else qid)
        lines.append("  Would be decided by: " + "; ".join(names))
    p = result.provenance()
    stale = f"; based on {p['figures_from']} figures (the newest confirmed)" if p["figures_stale"] else ""
    lines.append(f"  Rules {p['program']} v{p['rule_version']} applied as of {p['as_of']}{stale}")
    return "\n".join(lines)


def _param(parameter: dict) -> str:
    source = parameter["source"]
    where = f" - {source['title']} <{source['url']}>" if source else ""
    flag = " (unconfirmed)" if parameter["unconfirmed"] else ""
    return f"{describe_parameter_value(parameter)} from {parameter['from']}{flag}{where}"
