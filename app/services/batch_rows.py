"""The rows a batch writes: their columns, and one household's results as a row (the scalar path's
way; the array path builds the same columns a block at a time, ``batch_arrays.Block``)."""

from __future__ import annotations

from app.engine import ELIGIBLE

from .whatif import yearly as money_a_year


def output_columns(ruleset) -> list[str]:
    columns = ["row", "id"]
    for program in ruleset.programs:
        columns += [f"{program.id}.status", f"{program.id}.amount"]
    return columns + ["total_yearly", "total_once"]


def result_row(number: int, identifier, results) -> dict:
    out = {"row": number, "id": "" if identifier is None else str(identifier)}
    yearly = once = 0.0
    for result in results:
        pid = result.program.id
        out[f"{pid}.status"] = result.status
        amount = result.amount_once if result.period == "once" else result.amount_yearly
        out[f"{pid}.amount"] = amount
        yearly += money_a_year(result)
        if result.status == ELIGIBLE:
            once += result.amount_once or 0.0
    out["total_yearly"] = round(yearly, 2)
    out["total_once"] = round(once, 2)
    return out
