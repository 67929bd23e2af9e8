"""The Shanxi tables keep their figures: every table figure key, value, text, subject and measure of both
examples as they were before the table spec language (issue 14) replaced the per-kind builders.

The manifests, the redline and `diff` compare figures by key, so a renamed key would read as a figure that
disappeared. tests/golden/table-figures-shanxi.json holds {example: {key: [value 元, text, subject, measure]}},
taken from the manifests built by the previous code.
"""

from __future__ import annotations

import json

import pytest

from budget_author.check import check_workbook
from budget_author.compute.report import compute_report
from conftest import EXAMPLES, ROOT

EXPECTED = json.loads((ROOT / "tests" / "golden" / "table-figures-shanxi.json").read_text(encoding="utf-8"))


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_table_figures_are_those_of_before(name):
    report = compute_report(check_workbook(EXAMPLES / f"{name}.xlsx").parsed.budget)
    ours = {key: [str(f.value), f.text, f.subject, f.measure]
            for key, f in report.figures.by_key.items() if key.startswith("table.")}
    assert list(ours) == list(EXPECTED[name])  # same keys, same order
    assert ours == EXPECTED[name]
    # every figure a table registers is shown in one of its cells
    shown = {c.key for t in report.tables for row in t.body for c in row if c.key}
    assert shown <= set(ours)


def test_an_empty_table_whose_spec_says_omit_leaves_the_document_and_its_contents():
    from dataclasses import replace

    from budget_author.profiles import load_profile
    from budget_author.render.html import render_html

    profile = load_profile()
    tables = tuple({**t, "empty": {"omit": True}} if t["number"] in (1, 9) else t for t in profile.tables)
    budget = check_workbook(EXAMPLES / "datong-2024.xlsx").parsed.budget
    report = compute_report(budget, replace(profile, tables=tables))
    by_number = {t.number: t for t in report.tables}
    assert by_number[9].empty and by_number[9].omit and not by_number[1].omit  # 表一 has figures
    html = render_html(report)
    assert 'id="table-9"' not in html and "国有资本经营预算收支预算表" not in html
    assert html.count('class="table-block') == 12 and html.count('id="part-tables-title"') == 1
    assert 'href="#table-8"' in html and 'href="#table-9"' not in html
