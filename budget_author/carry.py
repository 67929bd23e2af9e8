"""Next year's workbook from this year's (`budget-author init --from LAST.xlsx`).

The source is read, parsed and checked with the ordinary pipeline and its report computed; this module
turns that Budget and Report into the data dict of next year's workbook, which the same template writer
as `init` lays out (workbook/template.py). What happens to each part of the workbook:

- carried as it was: 单位信息 (the year advanced; 落款日期 cleared), every 文本段落 except this year's
  reasons, 名词解释补充, 自定义科目, 文档选项, 政府购买服务目录, 国有资产 (without its 统计截止日期),
  资产明细 (without 当年购置), 人员情况 (this year's counts become 上年; this year's kept to review),
  the performance texts and indicators (绩效目标表 without its money, 填报日期 and 综合评定等级;
  绩效指标; 整体绩效目标表 without its money; 整体绩效指标), 重点项目;
- projects carried for confirmation: code, name, category, 级次, 功能科目, 公开绩效目标表; no amounts;
  本年继续 = 待确认 (check reports PROJECT_UNCONFIRMED until the clerk chooses 是 or 否);
- last year's prior-year figures: every comparison with last year the profile makes. A figure the narrative
  compares (a `change`, compute/narrative.Compared) is carried as the exact current value it was compared
  with; the per-项, per-income-line and per-item 上年预算 datasets are this year's facts of the same name
  (compute/facts: a comparison dataset has this year's dimensions). Then every comparison is re-evaluated
  over the carried figures: one that would not read 持平 with the same figures typed again is listed for
  review. 上年执行数 (actuals) cannot be known from a budget: listed to fill in;
- cleared: every amount of this year (收入, 支出, 基本支出经济分类, 三公经费, 机关运行经费, 项目经济分类,
  收入科目, project and form money), 变动原因 (and the reasons typed in 文本段落 or 上年其他), 政府采购,
  整体绩效's count and amount, and the dates (统计截止日期, 落款日期, 填报日期).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

from budget_author import vocabulary as V
from budget_author.compute.facts import Fact, comparison_datasets, datasets_of
from budget_author.compute.narrative import Compared
from budget_author.compute.report import Report
from budget_author.issues import Issue, Severity, issue
from budget_author.model import Budget, Comparison, ComparisonExpenditure, ComparisonIncome
from budget_author.profiles import Profile
from budget_author.workbook import schema as S
from budget_author.workbook.parse import PRIOR_ITEM_KEYS, ParseResult

ZERO = Decimal(0)
# 文本段落 栏目 that hold this year's reasons for a change, or what this year's carry-over is for: cleared.
CLEARED_SECTIONS = frozenset({
    "收入变动原因", "支出变动原因", "项变动原因", "三公变动原因", "机关运行经费变动原因", "结转结余项目用途",
})
# The sheets whose every row is this year's money: not carried.
CLEARED_SHEETS = ("income", "expenditure", "basic_economic", "three_public", "admin_running", "income_items",
                  "project_economic", "reasons", "procurement")
_DATASET = re.compile(rf"^({'|'.join(V.COMPARISONS)})\.(\w+)$")
_TOTALS_ITEM = {key: item for item, key in PRIOR_ITEM_KEYS.items()}  # totals key → 上年其他's 项目


class CarryRefused(Exception):
    """The source workbook cannot be carried forward: `problems` lists why (the last one is the refusal)."""

    def __init__(self, problems: list[Issue], exit_code: int) -> None:
        super().__init__(problems[-1].message)
        self.problems = problems
        self.exit_code = exit_code


@dataclass
class Carried:
    """Next year's workbook as data (template.write_template's format) and what was done to get it."""

    data: dict[str, Any]
    profile: str
    year: int
    source_year: int
    carried: list[str] = field(default_factory=list)  # what was carried, one line each
    cleared: list[str] = field(default_factory=list)  # what was cleared
    review: list[str] = field(default_factory=list)  # what the clerk must review or fill in
    prior: Comparison = field(default_factory=Comparison)  # the 上年预算 carried (what the workbook states)


# ---------------------------------------------------------------- prior-year figures
def compared_datasets(profile: Profile) -> set[tuple[str, str]]:
    """Every (comparison, dataset) the profile's document reads: 上年预算.expenditure, 上年执行数.three_public …"""
    found: set[tuple[str, str]] = set()

    def walk(value: Any) -> None:
        if isinstance(value, str):
            match = _DATASET.match(value)
            if match:
                found.add((match.group(1), match.group(2)))
        elif isinstance(value, dict):
            for item in value.values():
                walk(item)
        elif isinstance(value, (list, tuple)):
            for item in value:
                walk(item)

    walk(profile.settings.get("parts", []))
    walk(list(profile.tables))
    for item in profile.get("rules", {}).get("prior_items", []):  # the per-项 上年数 a rule asks for
        if item.get("comparison") in V.COMPARISONS:
            found.add((item["comparison"], "expenditure"))
    return found


@dataclass
class _Prior:
    comparison: Comparison
    determined: dict[tuple[str, str], Decimal]  # (dataset, key) fixed by a comparison the narrative made
    unresolved: list[str]


def carried_prior(budget: Budget, report: Report, referenced: set[tuple[str, str]]) -> _Prior:
    """Last year's 上年预算 as this year's figures: the datasets the profile reads, from this year's facts of the
    same name, and every single figure a comparison of the narrative fixed, as its exact current value."""
    this = datasets_of(budget)
    wanted = {dataset for comparison, dataset in referenced if comparison == V.PRIOR_BUDGET}
    expenditure: dict[tuple, Decimal] = {}
    if "expenditure" in wanted:
        for fact in this["expenditure"]:
            d = fact.dims
            key = (d["code"], d["source"], d["kind"], d["period"], d["level"])
            expenditure[key] = expenditure.get(key, ZERO) + fact.amount
    income: dict[tuple, Decimal] = {}
    if "income" in wanted:
        for fact in this["income"]:
            d = fact.dims
            key = (d["source"], d["level"], d["period"])
            income[key] = income.get(key, ZERO) + fact.amount
    three_public: dict[str, Decimal] = {}
    if "three_public" in wanted:
        for fact in this["three_public"]:
            item = fact.dims["item"]
            three_public[item] = three_public.get(item, ZERO) + fact.amount
    admin_running = sum((f.amount for f in this["admin_running"]), ZERO) if "admin_running" in wanted else None
    totals: dict[str, Decimal] = {}

    determined: dict[tuple[str, str], Decimal] = {}
    conflicts: list[str] = []
    compared = [c for c in report.compared if c.dataset.startswith(V.PRIOR_BUDGET + ".")]
    candidates = {
        "totals": [(key, Fact({"figure": key}, ZERO)) for key in V.COMPARISON_TOTALS],
        "three_public": [(item, Fact({"item": item}, ZERO)) for item in V.THREE_PUBLIC_ITEMS],
        "admin_running": [("", Fact({}, ZERO))],
    }
    for c in compared:
        dataset = c.dataset.split(".", 1)[1]
        matched = [key for key, fact in candidates.get(dataset, ()) if c.selects(fact)]
        if len(matched) != 1:
            continue  # a sum over several figures (or a many-dimensional dataset): checked below
        slot = (dataset, matched[0])
        if slot in determined and determined[slot] != c.current:
            conflicts.append(_label(report, c))
            continue
        determined[slot] = c.current
    for (dataset, key), amount in determined.items():
        if dataset == "totals":
            totals[key] = amount
        elif dataset == "three_public":
            three_public[key] = amount
        else:
            admin_running = amount
    comparison = Comparison(
        expenditure=tuple(ComparisonExpenditure(code=k[0], source=k[1], kind=k[2], period=k[3], level=k[4], amount=a)
                          for k, a in expenditure.items()),
        three_public=three_public,
        admin_running=admin_running,
        income=tuple(ComparisonIncome(source=k[0], level=k[1], period=k[2], amount=a) for k, a in income.items()),
        totals=totals,
    )
    return _Prior(comparison, determined, conflicts)


def verify_prior(prior: Comparison, budget: Budget, report: Report) -> list[str]:
    """The comparisons of last year's document that would not read 持平 over the carried figures, with this year's
    figures typed again (the label of each); [] when every one would."""
    nature = budget.unit.nature if budget.unit is not None else V.default_nature("")
    data = comparison_datasets(V.PRIOR_BUDGET, prior, nature)
    out = []
    for c in report.compared:
        if not c.dataset.startswith(V.PRIOR_BUDGET + "."):
            continue
        total = sum((f.amount for f in data.get(c.dataset, ()) if c.selects(f)), ZERO)
        if total != c.current:
            out.append(_label(report, c))
    return out


def _label(report: Report, c: Compared) -> str:
    figure = report.figures.by_key.get(c.key)
    if figure is None:
        return c.key
    return "".join(part for part in (figure.group, " ", figure.subject) if part).strip()


def _prior_rows(prior: Comparison, referenced: set[tuple[str, str]], layout: S.Layout) -> dict[str, Any]:
    """The carried 上年预算 as the workbook's sheets state it: 上年数 (the default workbook) or 上年支出 and 上年其他."""
    out: dict[str, Any] = {}
    wanted = {dataset for comparison, dataset in referenced if comparison == V.PRIOR_BUDGET}
    if layout.has("prior"):
        values: dict[str, Decimal] = {}
        for row in S.PRIOR_ROWS:
            if row.key in prior.totals:
                values[row.key] = prior.totals[row.key]
            elif row.key in S.THREE_PUBLIC_KEYS and S.THREE_PUBLIC_KEYS[row.key] in prior.three_public:
                values[row.key] = prior.three_public[S.THREE_PUBLIC_KEYS[row.key]]
            elif row.key == "admin_running" and prior.admin_running is not None:
                values[row.key] = prior.admin_running
        out["prior"] = values
    if layout.has("prior_expenditure") and "expenditure" in wanted:
        out["prior_expenditure"] = [
            {"dataset": V.PRIOR_BUDGET, "code": f.code, "source": f.source, "kind": f.kind,
             "period": f.period, "level": f.level, "amount": f.amount}
            for f in sorted(prior.expenditure, key=lambda f: (f.code, f.source, f.kind, f.period, f.level))]
    if layout.has("prior_other"):
        offered = set(layout.lists.get("上年项目", S.PRIOR_ITEMS))
        rows: list[dict[str, Any]] = []
        if "income" in wanted:
            for line in prior.income:
                rows.append({"dataset": V.PRIOR_BUDGET, "item": "收入", "source": line.source, "level": line.level,
                             "period": line.period, "amount": line.amount})
        items: dict[str, Decimal] = {}
        for key, amount in prior.totals.items():
            items[_TOTALS_ITEM[key]] = amount
        for item, amount in prior.three_public.items():
            items.setdefault(item, amount)  # a 三公 item's row states both (parse: totals and three_public)
        if prior.admin_running is not None:
            items.setdefault("机关运行经费", prior.admin_running)
        for item in S.PRIOR_ITEMS:
            if item in items and item in offered:
                rows.append({"dataset": V.PRIOR_BUDGET, "item": item, "amount": items[item]})
        out["prior_other"] = rows
    return out


# ---------------------------------------------------------------- the rest of the workbook
def _yes_no(flag: bool | None) -> str | None:
    return None if flag is None else ("是" if flag else "否")


def _seq(seq: str) -> Any:
    return int(seq) if seq.isdigit() else seq


def _projects(budget: Budget) -> list[dict[str, Any]]:
    return [{"seq": _seq(p.seq), "code": p.code, "name": p.name, "category": p.category,
             "published": _yes_no(p.published), "level": p.level, "function": p.function,
             "continued": S.CONTINUE_PENDING} for p in budget.projects]


def _unit(budget: Budget, year: int) -> dict[str, Any]:
    unit = budget.unit
    values = unit.model_dump(exclude={"closing_date"})
    values["year"] = year
    return values


def _assets(budget: Budget) -> dict[str, Any] | None:
    assets = budget.assets
    if assets is None:
        return None
    values: dict[str, Any] = {"vehicle_quota": assets.vehicle_quota, "floor_area": assets.floor_area,
                              "equipment_50": assets.equipment_50, "equipment_100": assets.equipment_100}
    for key, label in S.VEHICLE_KINDS:
        values[f"vehicles_{key}"] = assets.vehicles.get(label, 0)
    return values


_FORM_TEXTS = ("dept", "attribute", "term", "overview", "basis", "necessity", "measures", "plan", "goal_impl",
               "goal_year", "signer", "handler", "phone")


def _data(budget: Budget, year: int) -> dict[str, Any]:
    b = budget
    data: dict[str, Any] = {
        "unit": _unit(b, year),
        "projects": _projects(b),
        "paragraphs": [{"section": p.section, "text": p.text, "subject": p.subject}
                       for p in b.paragraphs if p.section not in CLEARED_SECTIONS],
        "glossary": [{"term": g.term, "text": g.text} for g in b.glossary],
        "custom_codes": [{"scheme": c.scheme, "code": c.code, "name": c.name, "gov_code": c.gov_code}
                         for c in b.custom_codes],
        "options": {k: v for k, v in b.options.model_dump().items() if v},
        "purchase_catalogue": [r.model_dump(exclude={"row"}) for r in b.purchase_catalogue],
        "perf_forms": [{"project": f.project, **{k: getattr(f, k) for k in _FORM_TEXTS}} for f in b.perf_forms],
        "perf_indicators": [{"project": i.project, "period": i.period, "level2": i.level2, "level3": i.level3,
                             "value": i.value} for i in b.indicators],
        "key_projects": [{"project": k.project, "heading": k.heading, "text": k.text} for k in b.key_projects],
        "asset_items": [a.model_dump(exclude={"row"}) for a in b.asset_items if a.asset_class != "当年购置"],
    }
    assets = _assets(b)
    if assets is not None:
        data["assets"] = assets
    if b.overall_performance is not None and b.overall_performance.compiled is not None:
        data["overall_perf"] = {"compiled": _yes_no(b.overall_performance.compiled)}
    if b.staffing is not None:
        staffing = b.staffing.model_dump()
        for kind in ("quota", "active", "retired", "veteran"):
            staffing[f"{kind}_prior"] = staffing[kind]  # this year's counts are next year's 上年
        data["staffing"] = staffing
    form = b.unit_perf_form
    if form is not None:
        data["unit_perf_form"] = {"contact": form.contact, "phone": form.phone, "goals": form.goals}
        data["unit_perf_indicators"] = [i.model_dump(exclude={"row"}) for i in form.indicators]
    return data


def _fit(data: dict[str, Any], layout: S.Layout) -> dict[str, Any]:
    """The data the workbook of `layout` has room for: its sheets, rows and columns; no blank values."""
    out: dict[str, Any] = {}
    for key, value in data.items():
        if not layout.has(key) or not value:
            continue
        spec = layout.sheet(key)
        if spec.is_fixed:
            rows = {r.key for r in spec.fixed_rows}
            kept = {k: v for k, v in value.items() if k in rows and v not in (None, "")}
        else:
            columns = {c.key for c in spec.columns if c.is_input or c.kind == "seq"}
            kept = [{k: v for k, v in record.items() if k in columns and v not in (None, "")} for record in value]
        if kept:
            out[key] = kept
    return out


# ---------------------------------------------------------------- the whole carry
def carry_forward(parsed: ParseResult, report: Report, profile: Profile, layout: S.Layout,
                  year: int | None = None) -> Carried:
    """Next year's workbook (data for write_template with `layout`) from a parsed, clean workbook and its report."""
    budget = parsed.budget
    source_year = budget.unit.year
    year = year or source_year + 1
    referenced = compared_datasets(profile)
    found = carried_prior(budget, report, referenced)
    unresolved = found.unresolved + verify_prior(found.comparison, budget, report)
    data = _fit({**_data(budget, year), **_prior_rows(found.comparison, referenced, layout)},
                layout)
    result = Carried(data, profile.name, year, source_year, prior=found.comparison)
    _describe(result, budget, data, layout, referenced, unresolved)
    return result


def _describe(result: Carried, b: Budget, data: dict[str, Any], layout: S.Layout,
              referenced: set[tuple[str, str]], unresolved: list[str]) -> None:
    """The lines init --from prints: carried, cleared, to review."""
    def n(key: str) -> int:
        return len(data.get(key) or ())

    def title(key: str) -> str:
        return layout.sheet(key).title

    carried = result.carried
    carried.append(f"单位信息：{b.unit.name}，预算年度改为 {result.year} 年")
    texts = n("paragraphs")
    carried.append(f"文本段落 {texts} 段（职责、机构设置、政府购买服务等，与上年相同）")
    for key, unit in (("glossary", "条"), ("custom_codes", "个"), ("purchase_catalogue", "条"), ("key_projects", "个")):
        if layout.has(key) and n(key):
            carried.append(f"{title(key)} {n(key)} {unit}")
    if data.get("options"):
        carried.append(f"文档选项 {len(data['options'])} 项")
    projects = n("projects")
    if projects:
        carried.append(f"项目 {projects} 个（编码、名称、类别和是否公开绩效目标表；金额留空，“本年继续”为“待确认”）")
    if n("perf_forms") or n("perf_indicators"):
        carried.append(f"绩效目标表 {n('perf_forms')} 张的文字、绩效指标 {n('perf_indicators')} 个（资金留空）")
    if data.get("unit_perf_form") or n("unit_perf_indicators"):
        carried.append(f"整体绩效目标表的联系人和年度目标、整体绩效指标 {n('unit_perf_indicators')} 个（资金留空）")
    if data.get("assets"):
        carried.append("国有资产：公务用车、办公用房面积和大型设备（统计截止日期留空）")
    if n("asset_items"):
        carried.append(f"资产明细 {n('asset_items')} 行（“当年购置”的行不带入）")
    if data.get("staffing"):
        carried.append("人员情况：上年的人数填入“上年”各行，本年各行暂按上年的人数填写")
    prior_count = len(data.get("prior") or {}) + n("prior_other") + n("prior_expenditure")
    if prior_count:
        where = "”“".join(title(k) for k in ("prior", "prior_expenditure", "prior_other") if data.get(k))
        carried.append(f"上年数 {prior_count} 项（填在“{where}”表中）：{result.source_year}年公开文件中比较用的本年数，"
                       "由上年填报表计算，以元为单位，不四舍五入")

    cleared = result.cleared
    gone = [title(key) for key in CLEARED_SHEETS if layout.has(key)]
    cleared.append("、".join(gone) + "：本年重新填写")
    if projects:
        cleared.append("项目的金额" + ("、绩效目标表的资金和填报日期" if layout.has("perf_forms") else ""))
    if any(p.section in CLEARED_SECTIONS for p in b.paragraphs):
        cleared.append("文本段落中的变动原因（" + "、".join(sorted({p.section for p in b.paragraphs
                                                             if p.section in CLEARED_SECTIONS})) + "）")
    if layout.has("prior_other"):
        cleared.append("上年其他中的原因说明")
    if layout.has("overall_perf"):
        cleared.append("整体绩效目标的个数和涉及资金")
    if data.get("unit_perf_form"):
        cleared.append("整体绩效目标表的资金")
    if layout.has("assets"):
        cleared.append("国有资产的统计截止日期")
    if b.unit.closing_date is not None:
        cleared.append("落款日期")

    review = result.review
    if projects:
        review.append(f"项目：{projects} 个项目的“本年继续”为“待确认”。本年继续的选“是”并填写本年金额，不再继续的选“否”"
                      "（不列入本年的公开文件）；check 会逐个列出尚未确认的项目（PROJECT_UNCONFIRMED）")
    if layout.has("assets"):
        review.append("国有资产：填写统计截止日期（如 " f"{result.year - 1}-12-31），并核对车辆、面积和设备")
    if n("asset_items"):
        review.append("资产明细：按上年年底的资产核对面积、数量和价值；本年购置的填“当年购置”")
    if b.unit.closing_date is not None:
        review.append("单位信息：填写落款日期")
    if data.get("staffing"):
        review.append("人员情况：按本年的编制和实有人数改写本年各行")
    if b.unit.staff_quota is not None or b.unit.staff_actual is not None:
        review.append("单位信息：核对编制人数和实有人数")
    if n("perf_forms"):
        review.append("绩效目标表：填写本年的资金和填报日期，核对项目概况、目标和绩效指标")
    actuals = sorted(dataset for comparison, dataset in referenced if comparison == V.PRIOR_ACTUAL)
    if actuals:
        review.append(f"上年执行数（决算数）：预算填报表中没有上年的执行数，无法带入；请在"
                      f"{'、'.join(title(k) for k in ('prior_expenditure', 'prior_other') if layout.has(k))}"
                      f"中按{result.source_year}年决算填写数据集为“上年执行数”的行")
    if layout.has("prior"):
        missing = [row.label for row in S.PRIOR_ROWS if row.key not in (data.get("prior") or {})]
        if missing:
            review.append(f"上年数：{'、'.join(missing)} 没有可带入的数，请按上年预算填写")
    if any(c == V.PRIOR_BUDGET for c, _ in referenced) and not prior_count:
        review.append("上年数：上年填报表中没有可带入的上年预算数，请按上年预算填写")
    for label in dict.fromkeys(unresolved):
        review.append(f"上年数：{label} 无法从上年的数字唯一确定，请核对")
    if result.year != result.source_year + 1:
        review.append(f"年度：新填报表为 {result.year} 年，上年填报表为 {result.source_year} 年，两者不相邻；"
                      f"带入的上年数是 {result.source_year} 年的预算数，请核对")


# ---------------------------------------------------------------- from a file to a file
def init_from(source: Path, target: Path, *, year: int | None = None, profile: str | None = None) -> Carried:
    """Read and check `source`, carry it forward and write next year's workbook to `target` (never over a file).

    Raises read.InputError for an unusable source, CarryRefused for one that cannot be carried (errors, another
    profile, a newer schema), FileExistsError when `target` exists."""
    from budget_author.check import check_raw
    from budget_author.compute.report import compute_report
    from budget_author.exits import EXIT_PROBLEMS, EXIT_UNUSABLE
    from budget_author.workbook.read import read_workbook
    from budget_author.workbook.template import write_template

    if target.exists() or target.is_symlink():
        raise FileExistsError(str(target))
    raw = read_workbook(source)
    checked = check_raw(raw)
    parsed = checked.parsed
    newer = [i for i in checked.issues if i.code == "WB_SCHEMA_NEWER"]
    if newer:
        raise CarryRefused([*newer, issue("CARRY_SCHEMA_NEWER", found=newer[0].params["found"],
                                          supported=str(S.SCHEMA_VERSION))], EXIT_UNUSABLE)
    if profile and profile != parsed.profile:
        raise CarryRefused([issue("CARRY_PROFILE_MISMATCH", found=parsed.profile, expected=profile)],
                           EXIT_UNUSABLE)
    errors = [i for i in checked.issues if i.severity is Severity.ERROR]
    if errors:
        raise CarryRefused([*checked.issues, issue("CARRY_SOURCE_ERRORS", errors=str(len(errors)))], EXIT_PROBLEMS)
    loaded = parsed.load_profile()
    report = compute_report(parsed.budget, loaded)
    result = carry_forward(parsed, report, loaded, parsed.layout, year)
    version = raw.meta.get("schema_version") if raw.has_meta else None
    if version is not None and str(version) != str(S.SCHEMA_VERSION):
        result.carried.append(f"格式版本：上年填报表为版本 {_plain(version)}，新填报表为版本 {S.SCHEMA_VERSION}"
                              "（增加了项目的“本年继续”一栏）")
    write_template(target, result.data, profile=parsed.profile)
    return result


def _plain(value: Any) -> str:
    return str(int(value)) if isinstance(value, float) and value.is_integer() else str(value)

