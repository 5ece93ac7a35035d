"""The change-impact preview: which programs can differ, what changes, and the report."""

import datetime as dt
import shutil
from pathlib import Path

import pytest

from app.engine import load_ruleset
from app.paths import RULES_DIR
from app.services import impact, impact_report, population, reference

DAY = dt.date(2026, 11, 1)


@pytest.fixture(scope="module")
def households(ruleset):
    found, problems = reference.read_folder(RULES_DIR, ruleset.vocabulary)
    assert not problems
    return [h.case() for h in found]


def edited_rules(tmp_path: Path, path: str, old: str, new: str):
    """The repository's rules with one text replaced in one file, loaded."""
    copy = tmp_path / "rules"
    shutil.copytree(RULES_DIR, copy)
    target = copy / path
    text = target.read_text(encoding="utf-8")
    assert old in text
    target.write_text(text.replace(old, new, 1), encoding="utf-8")
    return load_ruleset(copy, checks=False)


def test_the_same_rules_change_nothing_and_screen_nothing_twice(ruleset, households):
    again = load_ruleset(RULES_DIR)
    found = impact.compare(again, ruleset, households)
    assert found.programs == [] and found.unchanged == len(ruleset.programs)
    assert not found.any_change and found.households == len(households)


def test_wording_is_not_a_change_but_a_parameter_is(ruleset, tmp_path):
    reworded = edited_rules(tmp_path / "a", "programs/alberta/acfb.yaml",
                            "label: Family income where the base amount starts to go down",
                            "label: Family income where the base amount begins to fall")
    assert impact.programs_to_compare(reworded, ruleset)[0] == []
    changed = edited_rules(tmp_path / "b", "programs/alberta/acfb.yaml",
                           "value: 28116, source: alberta-2026", "value: 26000, source: alberta-2026")
    assert impact.programs_to_compare(changed, ruleset)[0] == ["acfb"]


def test_a_lower_threshold_loses_money_and_the_shortcut_agrees_with_screening_everything(ruleset, households,
                                                                                        tmp_path):
    lower = edited_rules(tmp_path, "programs/alberta/acfb.yaml",
                         "value: 28116, source: alberta-2026", "value: 20000, source: alberta-2026")
    quick = impact.compare(lower, ruleset, households, DAY)
    full = impact.compare(lower, ruleset, households, DAY, every_program=True)
    assert [p.program_id for p in quick.changed] == ["acfb"]
    assert [(p.program_id, p.gained, p.lost, p.paid_less, round(p.yearly_change, 2)) for p in full.changed] == \
        [(p.program_id, p.gained, p.lost, p.paid_less, round(p.yearly_change, 2)) for p in quick.changed]
    acfb = quick.changed[0]
    assert acfb.yearly_change < 0 and acfb.paid_less + acfb.lost >= 1 and acfb.gained == 0
    for change in acfb.examples:  # every example really is a household whose result went down
        assert change.after.yearly < change.before.yearly


def test_a_program_that_is_new_counts_as_gained(ruleset, households, tmp_path):
    copy = tmp_path / "rules"
    shutil.copytree(RULES_DIR, copy)
    (copy / "programs" / "federal" / "free_tax_clinics.yaml").unlink()
    without = load_ruleset(copy, checks=False)
    found = impact.compare(ruleset, without, households, DAY)
    clinics = next(p for p in found.programs if p.program_id == "free_tax_clinics")
    eligible_now = sum(1 for case in households
                       if any(r.program.id == "free_tax_clinics" and r.status == "eligible"
                              for r in _screen(ruleset, case)))
    assert clinics.gained == eligible_now > 0 and clinics.lost == 0


def _screen(ruleset, case):
    from app.engine import screen
    return screen(ruleset, ruleset.vocabulary.parse_answers(case.raw), DAY)


def test_the_report_has_a_chart_a_table_and_examples(ruleset, households, tmp_path):
    lower = edited_rules(tmp_path, "programs/alberta/acfb.yaml",
                         "value: 28116, source: alberta-2026", "value: 20000, source: alberta-2026")
    found = impact.compare(lower, ruleset, households, DAY)
    setting = impact_report.Setting("main", "reference households")
    text = impact_report.table(found, setting)
    assert "Alberta Child and Family Benefit" in text and "\u2212$" in text
    page = impact_report.html(found, setting)
    assert "<svg" in page and "<table>" in page and "<title id=\"chart-title\">" in page
    assert found.changed[0].examples[0].case.name in page
    assert "http" not in page.split("<body>")[1]  # self-contained: nothing fetched


def test_the_synthetic_population_is_seeded_and_weighted():
    first = population.households(2_000, 7, DAY)
    again = population.households(2_000, 7, DAY)
    other = population.households(2_000, 8, DAY)
    assert [c.raw for c in first] == [c.raw for c in again] != [c.raw for c in other]
    total = population.figures()["households"]["value"]
    assert sum(c.weight for c in first) == pytest.approx(total)


def test_the_synthetic_population_follows_its_figures(ruleset):
    cases = population.households(20_000, 1, DAY)
    for case in cases[:2_000]:
        ruleset.vocabulary.parse_answers(case.raw)  # every household is one the app accepts
    data = population.figures()
    kinds = data["household_type"]
    everyone = sum(kinds[k] for k in ("couple_with_children", "couple_no_children", "lone_parent",
                                      "one_person", "other"))
    lone_parents = sum(1 for c in cases if not c.raw["has_partner"] and c.raw["children"]) / len(cases)
    assert lone_parents == pytest.approx(kinds["lone_parent"] / everyone, abs=0.01)
    renters = sum(1 for c in cases if c.raw["housing"] == "rent") / len(cases)
    assert renters == pytest.approx(data["tenure"]["rent"], abs=0.01)
    calgary = sum(1 for c in cases if c.raw["region"] == "calgary") / len(cases)
    assert calgary == pytest.approx(data["municipality"]["calgary"]["households"] / data["households"]["value"],
                                    abs=0.01)


def summary(found):
    return ([(p.program_id, p.gained, p.lost, p.now_maybe, p.no_longer_maybe, p.paid_more, p.paid_less, p.changed,
              [(c.case.name, c.before, c.after) for c in p.examples]) for p in found.programs],
            [round(p.yearly_before, 2) for p in found.programs], [round(p.once_after, 2) for p in found.programs],
            found.households, round(found.weight, 6), found.skipped)


@pytest.mark.parametrize("every_program, day", [(False, DAY), (True, None)])  # None: each household's own date
def test_the_array_path_counts_what_the_scalar_path_counts(ruleset, households, tmp_path, every_program, day):
    lower = edited_rules(tmp_path, "programs/alberta/acfb.yaml",
                         "value: 28116, source: alberta-2026", "value: 20000, source: alberta-2026")
    cases = households + population.households(3_000, 4, DAY)
    cases.append(impact.Case("unreadable", {"region": "mars"}, DAY))
    arrays = impact.compare(lower, ruleset, cases, day, every_program=every_program)
    scalar = impact.compare(lower, ruleset, cases, day, every_program=every_program, arrays=False)
    assert summary(arrays) == summary(scalar)
    assert arrays.skipped == [("unreadable", arrays.skipped[0][1])]
    assert any(p.changed for p in arrays.programs)
