"""check and compute stay linear in the number of projects, 绩效目标表 and indicators (issue 12, item 7).

Not timed (speed targets live in benchmarks/run.py, whose 300-form row measures them): these tests
count work. Every visit to an element of the budget's projects, forms and indicators is counted
while the rules and compute_report run over workbooks of n and 2n forms (the benchmark's
`forms_data`: n projects, all published, each with a form and 10 indicators). Linear code visits
twice as many elements for twice the input; the per-form linear search for a project by 序号/编码,
inside a per-form scan of every indicator, visited ~8× as many.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from budget_author import model as M
from budget_author.check import check_raw
from budget_author.compute.report import compute_report
from budget_author.rules import RULES, Context
from budget_author.workbook.parse import parse_workbook
from budget_author.workbook.read import read_workbook

ROOT = Path(__file__).resolve().parent.parent


def _forms_workbook(tmp_path: Path, forms: int) -> Path:
    sys.path.insert(0, str(ROOT / "benchmarks"))
    try:
        from scaled import write_forms
    finally:
        sys.path.remove(str(ROOT / "benchmarks"))
    return write_forms(tmp_path / f"forms-{forms}.xlsx", forms)


class CountingTuple(tuple):
    """A tuple that counts every element handed out by iteration (for, comprehensions, any, list())."""

    def __new__(cls, items, counter: list[int]):
        self = super().__new__(cls, items)
        self.counter = counter
        return self

    def __iter__(self):
        counter = self.counter
        for item in tuple.__iter__(self):
            counter[0] += 1
            yield item


def _visits(path: Path) -> tuple[int, int]:
    """(elements visited, projects + forms + indicators) for the rules and compute_report on one workbook."""
    parsed = parse_workbook(read_workbook(path))
    assert not parsed.issues
    b = parsed.budget
    counter = [0]
    parsed.budget = b.model_copy(update={
        "projects": CountingTuple(b.projects, counter),
        "perf_forms": CountingTuple(b.perf_forms, counter),
        "indicators": CountingTuple(b.indicators, counter),
    })
    ctx = Context(parsed)
    issues = [i for rule in RULES if rule.applies(ctx) for i in rule.check(ctx)]
    assert issues == []
    compute_report(parsed.budget)
    return counter[0], len(b.projects) + len(b.perf_forms) + len(b.indicators)


@pytest.fixture(scope="module")
def visits(tmp_path_factory):
    folder = tmp_path_factory.mktemp("linear")
    return {n: _visits(_forms_workbook(folder, n)) for n in (21, 42)}


def test_work_doubles_when_the_forms_double(visits):
    (small, size_small), (large, size_large) = visits[21], visits[42]
    assert size_large == 2 * size_small  # 21 → 42 projects and forms, 210 → 420 indicators
    assert large <= 2.2 * small, f"{small} visits for {size_small} rows, {large} for {size_large}: not linear"


def test_project_index_built_once_per_budget(tmp_path, monkeypatch):
    """check and compute (as `build` runs them, on the one Budget) resolve every reference through one index."""
    built = []
    original = M.ProjectIndex.__init__

    def counting_init(self, *args, **kwargs):
        built.append(1)
        original(self, *args, **kwargs)

    monkeypatch.setattr(M.ProjectIndex, "__init__", counting_init)
    checked = check_raw(read_workbook(_forms_workbook(tmp_path, 14)))
    assert checked.ok
    report = compute_report(checked.parsed.budget)
    assert len(report.forms) == 14
    assert len(built) == 1


def test_find_project_keeps_its_semantics():
    """项目编码 first (a non-empty one), else 序号; the first project in sheet order wins; unknown → None."""
    def project(seq: str, code: str, row: int) -> M.Project:
        return M.Project(seq=seq, code=code, name=f"项目{row}", category="其他运转类", row=row)

    a, b, c, d = project("1", "", 5), project("2", "1", 6), project("3", "X9", 7), project("3", "X9", 8)
    budget = M.Budget(projects=(a, b, c, d), indicators=(
        M.Indicator(project="1", period="年度", level2="数量指标", level3="甲", value="1", row=5),
        M.Indicator(project="3", period="实施期", level2="数量指标", level3="乙", value="2", row=6),
        M.Indicator(project="X9", period="年度", level2="数量指标", level3="丙", value="3", row=7),
        M.Indicator(project="9", period="年度", level2="数量指标", level3="丁", value="4", row=8),
    ))
    assert budget.find_project("1") is b  # b's 项目编码 "1" beats a's 序号 "1"
    assert budget.find_project("2") is b
    assert budget.find_project("3") is c and budget.find_project("X9") is c  # the first of two
    assert budget.find_project("") is None and budget.find_project("9") is None
    assert [i.level3 for i in budget.indicators_of(b)] == ["甲"]
    assert [i.level3 for i in budget.indicators_of(c)] == ["乙", "丙"]
    assert budget.indicators_of(a) == () and budget.indicators_of(d) == ()

    # The index is not part of the model: equality and dumps ignore it; a copy with other projects rebuilds it.
    fresh = M.Budget(projects=(a, b, c, d), indicators=budget.indicators)
    assert budget == fresh and budget.model_dump() == fresh.model_dump()
    moved = budget.model_copy(update={"projects": (a,)})
    assert moved.find_project("1") is a and moved.find_project("3") is None
    assert budget.find_project("1") is b
