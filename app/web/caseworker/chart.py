"""The benefit-cliff chart's geometry in SVG units, with its labels in the page's language."""

from __future__ import annotations

WIDTH, HEIGHT = 720, 340
LEFT, RIGHT, TOP, BOTTOM = 78, 16, 16, 46
TICKS = 5


def _nice(top: float) -> float:
    """A round number at or above ``top`` for the axis (10,000s, 50,000s…)."""
    step = 10_000 if top <= 100_000 else 50_000
    return max(step, -(-top // step) * step)


def geometry(curve, formatter, name_of) -> dict:
    x_max = curve.ceiling or 1
    y_max = _nice(curve.highest)
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM

    def x(value):
        return round(LEFT + value / x_max * plot_w, 1)

    def y(value):
        return round(TOP + plot_h - value / y_max * plot_h, 1)

    benefits = " ".join(f"{x(p.income)},{y(p.benefits)}" for p in curve.points)
    total = " ".join(f"{x(p.income)},{y(p.income + p.benefits)}" for p in curve.points)
    steps = [i / TICKS for i in range(TICKS + 1)]
    x_ticks = [{"x": x(x_max * f), "label": formatter.whole_dollars(x_max * f)} for f in steps]
    y_ticks = [{"y": y(y_max * f), "label": formatter.whole_dollars(y_max * f)} for f in steps]
    ends = [{"x": x(income), "number": index + 1, "name": name_of(pid), "income": formatter.whole_dollars(income)}
            for index, (income, pid) in enumerate(curve.ends)]
    step = max(1, (len(curve.points) - 1) // 20)
    rows = [{"income": formatter.whole_dollars(p.income), "benefits": formatter.whole_dollars(p.benefits),
             "total": formatter.whole_dollars(p.income + p.benefits)} for p in curve.points[::step]]
    now = {"x": x(curve.now)} if curve.now is not None and curve.now <= x_max else None
    return {"width": WIDTH, "height": HEIGHT, "left": LEFT, "bottom": HEIGHT - BOTTOM, "top": TOP,
            "right": WIDTH - RIGHT, "benefits": benefits, "total": total, "x_ticks": x_ticks, "y_ticks": y_ticks,
            "ends": ends, "rows": rows, "now": now}
