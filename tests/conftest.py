"""Shared fixtures: small workbooks built in code from plain data."""

from __future__ import annotations

import copy
import json
from pathlib import Path

import pytest

from budget_author.workbook.template import write_template

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples"

# A small unit whose figures all agree: the base every rule test mutates.
MINI = {
    "unit": {
        "name": "测试市测试中心", "year": 2025, "region": "测试市", "level": "市级", "dept_code": "101",
        "dept_name": "测试市人力资源和社会保障局", "unit_type": "行政单位",
    },
    "income": [{"source": "一般公共预算", "period": "当年预算", "amount": "1000000.00"}],
    "expenditure": [
        {"code": "2080109", "source": "一般公共预算", "kind": "基本支出", "period": "当年预算", "amount": "600000.00"},
        {"code": "2080109", "source": "一般公共预算", "kind": "项目支出", "period": "当年预算", "amount": "300000.00"},
        {"code": "2210201", "source": "一般公共预算", "kind": "基本支出", "period": "当年预算", "amount": "100000.00"},
    ],
    "basic_economic": [
        {"code": "30101", "amount": "400000.00"},
        {"code": "30113", "amount": "100000.00"},
        {"code": "30201", "amount": "150000.00"},
        {"code": "30217", "amount": "20000.00", "gov_code": "50206"},
        {"code": "30231", "amount": "30000.00", "gov_code": "50208"},
    ],
    "custom_codes": [
        {"scheme": "政府经济分类", "code": "50206", "name": "公务接待费"},
        {"scheme": "政府经济分类", "code": "50208", "name": "公务用车运行维护费"},
    ],
    "three_public": [
        {"item": "公务接待费", "source": "一般公共预算", "kind": "基本支出", "amount": "20000.00"},
        {"item": "公务用车运行维护费", "source": "一般公共预算", "kind": "基本支出", "amount": "30000.00"},
    ],
    "admin_running": {"gpb": "200000.00"},
    "projects": [
        {"seq": 1, "name": "信息系统运维", "category": "其他运转类", "cur_gpb": "200000.00", "published": "是"},
        {"seq": 2, "name": "专项补助", "category": "特定目标类", "cur_gpb": "100000.00", "published": "否"},
    ],
    "paragraphs": [
        {"section": "本单位职责", "text": "负责全市社会保险经办工作。"},
        {"section": "机构设置", "text": "内设办公室、财务科。"},
    ],
    "reasons": {"income_total": "业务量增加。", "expenditure_total": "业务量增加。"},
    "prior": {
        "income_total": "900000.00", "expenditure_total": "900000.00", "gpb_current_expenditure": "900000.00",
        "three_public_total": "50000.00", "abroad": "0.00", "reception": "20000.00", "vehicle_purchase": "0.00",
        "vehicle_running": "30000.00", "admin_running": "200000.00",
    },
    "procurement": {"goods": "0.00", "works": "0.00", "services": "0.00"},
    "assets": {"as_of": "2024-12-31", "vehicle_quota": 2, "vehicles_other": 1, "floor_area": "1000"},
    "overall_perf": {"count": 2, "amount": "300000.00"},
    "perf_forms": [
        {
            "project": "1", "attribute": "经常性项目（长期开展）", "term": "1年",
            "impl_local": "200000.00", "year_local": "200000.00",
            "overview": "运维。", "basis": "文件。", "necessity": "必要。", "measures": "制度。", "plan": "按月。",
            "goal_impl": "系统稳定。", "goal_year": "系统稳定。",
        }
    ],
    "perf_indicators": [
        {"project": "1", "period": "实施期", "level2": "数量指标", "level3": "运维系统数", "value": "3个"},
        {"project": "1", "period": "年度", "level2": "数量指标", "level3": "运维系统数", "value": "3个"},
    ],
}


@pytest.fixture
def mini() -> dict:
    return copy.deepcopy(MINI)


@pytest.fixture
def make_workbook(tmp_path):
    """Write `data` as a workbook and return its path."""
    counter = iter(range(10_000))

    def make(data: dict, name: str | None = None) -> Path:
        path = tmp_path / (name or f"wb{next(counter)}.xlsx")
        return write_template(path, data)

    return make


@pytest.fixture(scope="session")
def built(tmp_path_factory):
    """Both examples built once per test session: (normal with --html and --xlsx, --draft) per example."""
    from budget_author.build import build_document

    out = {}
    for name in ("datong-2024", "fenyang-2025"):
        folder = tmp_path_factory.mktemp(name)
        normal = build_document(EXAMPLES / f"{name}.xlsx", folder / f"{name}.pdf", html=True, xlsx=True)
        draft = build_document(EXAMPLES / f"{name}.xlsx", folder / f"{name}-draft.pdf", draft=True)
        out[name] = (normal, draft)
    return out


def example_data(name: str) -> dict:
    return json.loads((EXAMPLES / "data" / f"{name}.json").read_text(encoding="utf-8"))
