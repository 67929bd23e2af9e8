#!/usr/bin/env python3
"""Check the example data files against the reference documents.

For each unit in examples/data/ this script
1. checks the JSON against the workbook schema (sheet, column and row keys, choice values,
   amount strings with exactly two decimals, codes known to the bundled classification tables);
2. checks the 元-level identities the tool enforces exactly (to the 分);
3. recomputes, from the 元 leaf facts, every figure the reference document displays in
   tables 1–6, 10, 11, 12 and 13 and in narrative sections 一 to 十 (amounts in 万元 rounded
   once, ROUND_HALF_UP; shares and year-over-year percentages rounded half-up to 2 decimals),
   and compares each with the value transcribed below from the reference text
   (/work/shared/reference-documents/*.txt).

Standard library only; all arithmetic in Decimal. Prints one line per mismatch and exits 1 if
there is any; prints nothing and exits 0 when everything matches.

    python tools/verify_example_data.py [--verbose]   # --verbose: a summary line per unit
"""

from __future__ import annotations

import csv
import importlib.util
import json
import re
import sys
from collections import defaultdict
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "examples" / "data"
CLASSIFICATION = ROOT / "budget_author" / "classification" / "data"

ZERO = Decimal("0")
CENT = Decimal("0.01")
WAN = Decimal("10000")
HUNDRED = Decimal("100")


def _load_schema():
    """budget_author/workbook/schema.py, loaded by path (it imports the standard library, and
    budget_author.vocabulary and the profile registry, which import nothing heavier)."""
    if str(ROOT) not in sys.path:
        sys.path.insert(0, str(ROOT))
    path = ROOT / "budget_author" / "workbook" / "schema.py"
    spec = importlib.util.spec_from_file_location("_budget_schema", path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses needs the module registered
    spec.loader.exec_module(module)
    return module


S = _load_schema()


def _csv(name: str) -> list[dict[str, str]]:
    with open(CLASSIFICATION / name, encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


FUNCTIONAL = {r["code"]: r["name"] for r in _csv("functional_classification.csv")}
ECON_DEPT = {r["code"]: r["name"] for r in _csv("economic_classification_dept.csv")}
ECON_GOV = {r["code"]: r["name"] for r in _csv("economic_classification_gov.csv")}
DEPT_TO_GOV_PI = {r["dept_code"]: r["gov_code_for_public_institutions"] for r in _csv("economic_dept_to_gov.csv")}

# 类 of 表一/表四 in the order the tables print them (the 30 expenditure 类).
CLASS_ROWS = (
    "201", "202", "203", "204", "205", "206", "207", "208", "209", "210", "211", "212", "213", "214",
    "215", "216", "217", "219", "220", "221", "222", "223", "224", "227", "229", "230", "231", "232",
    "233", "234",
)

# ============================================================================ reference figures
# Transcribed from the reference text. Amounts in 万元 as printed; "" = blank cell (zero).
# Percentages as printed (compared numerically, so "11.1" equals 11.10).

DATONG = {
    "file": "datong-2024.json",
    "unit": "大同市社会保险中心",
    # 表一 2024年预算收支总表
    "t1_income": {"一般公共预算": "2551.34", "政府性基金预算": "", "国有资本经营预算": "",
                  "财政专户管理资金": "", "单位资金": ""},
    "t1_income_total": "2551.34", "t1_carryover_in": "", "t1_income_grand": "2551.34",
    # 类 → (2024年合计, 当年预算安排, 上年结转安排); 类 not listed are blank
    "t1_classes": {"208": ("2300.45", "2300.45", ""), "210": ("79.96", "79.96", ""),
                   "221": ("170.94", "170.94", "")},
    "t1_exp_total": ("2551.34", "2551.34", ""), "t1_exp_grand": ("2551.34", "2551.34", ""),
    # 表二 2024年预算收入总表: code → (name, 合计, 一般公共预算); other source columns and 上年结转 blank
    "t2": [
        ("", "合计", "2551.34", "2551.34"),
        ("208", "社会保障和就业支出", "2300.45", "2300.45"),
        ("20801", "人力资源和社会保障管理事务", "1625.58", "1625.58"),
        ("2080109", "社会保险经办机构", "1625.58", "1625.58"),
        ("20805", "行政事业单位养老支出", "604.86", "604.86"),
        ("2080502", "事业单位离退休", "448.48", "448.48"),
        ("2080505", "机关事业单位基本养老保险缴费支出", "156.38", "156.38"),
        ("20899", "其他社会保障和就业支出", "70.00", "70.00"),
        ("2089999", "其他社会保障和就业支出", "70.00", "70.00"),
        ("210", "卫生健康支出", "79.96", "79.96"),
        ("21007", "计划生育事务", "1.80", "1.80"),
        ("2100799", "其他计划生育事务支出", "1.80", "1.80"),
        ("21011", "行政事业单位医疗", "78.16", "78.16"),
        ("2101101", "行政单位医疗", "34.09", "34.09"),
        ("2101102", "事业单位医疗", "34.32", "34.32"),
        ("2101103", "公务员医疗补助", "9.74", "9.74"),
        ("221", "住房保障支出", "170.94", "170.94"),
        ("22102", "住房改革支出", "170.94", "170.94"),
        ("2210201", "住房公积金", "155.52", "155.52"),
        ("2210202", "提租补贴", "15.41", "15.41"),
    ],
    # 表三 2024年预算支出总表 and 表五 一般公共预算支出预算表: code → (name, 合计, 基本支出, 项目支出)
    "t3": [
        ("", "合计", "2551.34", "2005.48", "545.86"),
        ("208", "社会保障和就业支出", "2300.45", "1754.59", "545.86"),
        ("20801", "人力资源和社会保障管理事务", "1625.58", "1152.77", "472.81"),
        ("2080109", "社会保险经办机构", "1625.58", "1152.77", "472.81"),
        ("20805", "行政事业单位养老支出", "604.86", "601.81", "3.05"),
        ("2080502", "事业单位离退休", "448.48", "445.43", "3.05"),
        ("2080505", "机关事业单位基本养老保险缴费支出", "156.38", "156.38", ""),
        ("20899", "其他社会保障和就业支出", "70.00", "", "70.00"),
        ("2089999", "其他社会保障和就业支出", "70.00", "", "70.00"),
        ("210", "卫生健康支出", "79.96", "79.96", ""),
        ("21007", "计划生育事务", "1.80", "1.80", ""),
        ("2100799", "其他计划生育事务支出", "1.80", "1.80", ""),
        ("21011", "行政事业单位医疗", "78.16", "78.16", ""),
        ("2101101", "行政单位医疗", "34.09", "34.09", ""),
        ("2101102", "事业单位医疗", "34.32", "34.32", ""),
        ("2101103", "公务员医疗补助", "9.74", "9.74", ""),
        ("221", "住房保障支出", "170.94", "170.94", ""),
        ("22102", "住房改革支出", "170.94", "170.94", ""),
        ("2210201", "住房公积金", "155.52", "155.52", ""),
        ("2210202", "租房补贴", "15.41", "15.41", ""),  # 表三 prints 租房补贴 (表二/表五: 提租补贴)
    ],
    "t3_known_name_errors": {"2210202"},  # 表三 only; the official name is 提租补贴
    "t5_names": {"2210202": "提租补贴"},  # 表五 prints the names of 表三 except here
    # 表四 财政拨款收支总表
    "t4_income": {"一般公共预算": "2551.34", "政府性基金预算": "", "国有资本经营预算": ""},
    "t4_classes": {"208": ("2300.45", "2300.45", "", ""), "210": ("79.96", "79.96", "", ""),
                   "221": ("170.94", "170.94", "", "")},
    "t4_exp_total": ("2551.34", "2551.34", "", ""), "t4_grand": ("2551.34", "2551.34", "2551.34"),
    # 表六: (部门经济科目名称, 政府经济科目名称, 合计, 人员经费, 公用经费); class rows have no 政府 name
    "t6_total": ("2005.48", "1878.61", "126.87"),
    "t6": [
        ("工资福利支出", None, "1439.11", "1439.11", ""),
        ("基本工资", "工资福利支出", "501.78", "501.78", ""),
        ("津贴补贴", "工资福利支出", "208.99", "208.99", ""),
        ("奖金", "工资福利支出", "95.71", "95.71", ""),
        ("绩效工资", "工资福利支出", "236.19", "236.19", ""),
        ("机关事业单位基本养老保险缴费", "工资福利支出", "156.38", "156.38", ""),
        ("职工基本医疗保险缴费", "工资福利支出", "68.42", "68.42", ""),
        ("公务员医疗补助缴费", "工资福利支出", "9.74", "9.74", ""),
        ("其他社会保障缴费", "工资福利支出", "6.37", "6.37", ""),
        ("住房公积金", "工资福利支出", "155.52", "155.52", ""),
        ("商品和服务支出", None, "126.87", "", "126.87"),
        ("办公费", "商品和服务支出", "20.90", "", "20.90"),
        ("手续费", "商品和服务支出", "0.50", "", "0.50"),
        ("邮电费", "商品和服务支出", "3.00", "", "3.00"),
        ("差旅费", "商品和服务支出", "8.00", "", "8.00"),
        ("培训费", "商品和服务支出", "2.00", "", "2.00"),
        ("工会经费", "商品和服务支出", "8.38", "", "8.38"),
        ("福利费", "商品和服务支出", "29.34", "", "29.34"),
        ("公务用车运行维护费", "公务用车运行维护费", "4.80", "", "4.80"),
        ("其他交通费用", "商品和服务支出", "42.22", "", "42.22"),
        ("其他商品和服务支出", "商品和服务支出", "7.73", "", "7.73"),
        ("对个人和家庭的补助", None, "439.50", "439.50", ""),
        ("离休费", "离退休费", "41.35", "41.35", ""),
        ("退休费", "离退休费", "396.35", "396.35", ""),
        ("奖励金", "社会福利和救助", "1.80", "1.80", ""),
    ],
    # 表十 “三公”经费: item → (合计, 一般公共预算)
    "t10": {"因公出国（境）费": ("", ""), "公务接待费": ("", ""), "公务用车购置及运行费": ("4.80", "4.80"),
            "①公务用车购置费": ("", ""), "②公务用车运行维护费": ("4.80", "4.80"), "合计": ("4.80", "4.80")},
    "t11_total": "",  # 表十一 机关运行经费: 本表无数据
    # 表十二 (本年预算): unit row and projects (name, 合计, 一般公共预算); 表十三 empty
    "t12_unit": ("545.86", "545.86"),
    "t12": [
        ("国有企业职教幼教退休教师待遇补助资金", "70.00", "70.00"),
        ("J社会保险管理经费", "190.00", "190.00"),
        ("J离退休干部3个党支部活动经费", "2.40", "2.40"),
        ("J残疾人就业保障金", "8.81", "8.81"),
        ("XM行政事业单位遗属补助经费", "0.65", "0.65"),
        ("J驻村帮扶工作人员经费", "14.00", "14.00"),
        ("J社会保险管理经费", "260.00", "260.00"),
    ],
    "t13_total": "",
    # 一、收支变动: (总计, 本年, 上年结转, 变动额, 方向, 百分比)
    "s1_income": ("2551.34", "2551.34", "0", "254.88", "+", "11.10"),
    "s1_expenditure": ("2551.34", "2551.34", "0", "254.88", "+", "11.10"),
    # 二、收入: total; per source (amount, share %)
    "s2_total": "2551.34",
    "s2": {"一般公共预算": ("2551.34", "100.00"), "政府性基金预算": ("0", "0"), "国有资本经营预算": ("0", "0"),
           "财政专户管理资金": ("0", "0"), "单位资金": ("0", "0"), "上年结转": ("0", "0")},
    # 三、支出: total; (基本 amount, share), (项目 amount, share)
    "s3": ("2551.34", ("2005.48", "78.60"), ("545.86", "21.40")),
    # 四、财政拨款: total, gpb, gf, soe, 当年, 结转, {类: amount}
    "s4": ("2551.34", "2551.34", "0", "0", "2551.34", "0",
           {"208": "2300.45", "210": "79.96", "221": "170.94"}),
    # 五、一般公共预算当年支出: total, change, direction, pct ("11.1" as printed); 类 (amount, share)
    "s5": ("2551.34", "254.88", "+", "11.1"),
    "s5_classes": {"208": ("2300.45", "90.17"), "210": ("79.96", "3.13"), "221": ("170.94", "6.70")},
    # 六、基本支出: total, 人员经费 (+ item names listed), 公用经费 (+ item names listed)
    "s6": ("2005.48", "1878.61", "126.87"),
    "s6_personnel_items": "离休费、其他社会保障缴费、公务员医疗补助缴费、绩效工资、基本工资、住房公积金、退休费、奖金、机关事业单位基本养老保险缴费、奖励金、职工基本医疗保险缴费、津贴补贴",
    "s6_public_items": "办公费、邮电费、公务用车运行维护费、福利费、其他交通费用、其他商品和服务支出、培训费、工会经费、差旅费、手续费",
    # 七、“三公”: key → (current, change, direction) ("0" change = 与上年相同)
    "s7": {"three_public_total": ("4.80", "1.60", "+"), "abroad": ("0", "0", "="), "reception": ("0", "0", "="),
           "vehicle_running": ("4.80", "1.60", "+"), "vehicle_purchase": ("0", "0", "=")},
    # 八、机关运行经费: current, same as last year
    "s8": ("0", "="),
    # 九、政府采购: total, goods, works, services
    "s9": ("40.85", "40.85", "0", "0"),
    # 十、绩效: 整体 (count, amount); 项目 count, amount; by category (count, amount);
    # published count, amount, share %; published by category
    "s10_overall": (7, "545.86"),
    "s10": (7, "545.86", {"其他运转类": (6, "475.86"), "特定目标类": (1, "70.00")},
            5, "475.21", "87.06", {"其他运转类": (5, "475.21"), "特定目标类": (0, "0")}),
    # 十一、国有资产
    "s11": {"as_of": "2023-12-31", "vehicle_quota": 3, "vehicles_leader": 0, "vehicles_confidential": 0,
            "vehicles_emergency": 0, "vehicles_law_enforcement": 0, "vehicles_special": 0,
            "vehicles_institution_business": 3, "vehicles_other": 0, "floor_area": "4216.3",
            "equipment_50": 0, "equipment_100": 0},
    # 绩效目标表, in order: (项目名称 as printed, 实施期资金总额 元, 年度资金总额 元)
    "forms": [
        ("J残疾人就业保障金", "88,100", "88,100"),
        ("J离退休干部3个党支部活动经费", "24,000", "24,000"),
        ("J社会保险管理经费", "2,600,000", "2,600,000"),
        ("J驻村帮扶工作人员经费", "140,000", "140,000"),
        ("J社会保险管理经费", "1,900,000", "1,900,000"),
    ],
    "form_name_disagreements": {},
    # (project 序号, 三级指标) whose 实施期 and 年度 指标值 genuinely differ as printed
    "indicator_value_differences": {("6", "驻村人数")},  # 驻村: 3人 (实施期) vs 4人 (年度)
}

FENYANG = {
    "file": "fenyang-2025.json",
    "unit": "汾阳市社会保险中心",
    "t1_income": {"一般公共预算": "2911.06", "政府性基金预算": "", "国有资本经营预算": "",
                  "财政专户管理资金": "", "单位资金": ""},
    "t1_income_total": "2911.06", "t1_carryover_in": "", "t1_income_grand": "2911.06",
    "t1_classes": {"208": ("2858.26", "2858.26", ""), "210": ("17.11", "17.11", ""),
                   "221": ("35.69", "35.69", "")},
    "t1_exp_total": ("2911.06", "2911.06", ""), "t1_exp_grand": ("2911.06", "2911.06", ""),
    "t2": [
        ("", "合计", "2911.06", "2911.06"),
        ("208", "社会保障和就业支出", "2858.26", "2858.26"),
        ("20801", "人力资源和社会保障管理事务", "1506.16", "1506.16"),
        ("2080109", "社会保险经办机构", "1506.16", "1506.16"),
        ("20805", "行政事业单位养老支出", "252.37", "252.37"),
        ("2080502", "事业单位离退休", "16.01", "16.01"),
        ("2080505", "机关事业单位基本养老保险缴费支出", "42.12", "42.12"),
        ("2080506", "机关事业单位职业年金缴费支出", "194.23", "194.23"),
        ("20899", "其他社会保障和就业支出", "1099.73", "1099.73"),
        ("2089999", "其他社会保障和就业支出", "1099.73", "1099.73"),
        ("210", "卫生健康支出", "17.11", "17.11"),
        ("21011", "行政事业单位医疗", "17.11", "17.11"),
        ("2101102", "事业单位医疗", "17.11", "17.11"),
        ("221", "住房保障支出", "35.69", "35.69"),
        ("22102", "住房改革支出", "35.69", "35.69"),
        ("2210201", "住房公积金", "35.69", "35.69"),
    ],
    "t3": [
        ("", "合计", "2911.06", "450.96", "2460.09"),
        ("208", "社会保障和就业支出", "2858.26", "398.16", "2460.09"),
        ("20801", "人力资源和社会保障管理事务", "1506.16", "318.97", "1187.20"),
        ("2080109", "社会保险经办机构", "1506.16", "318.97", "1187.20"),
        ("20805", "行政事业单位养老支出", "252.37", "79.20", "173.17"),
        ("2080502", "事业单位离退休", "16.01", "16.01", ""),
        ("2080505", "机关事业单位基本养老保险缴费支出", "42.12", "42.12", ""),
        ("2080506", "机关事业单位职业年金缴费支出", "194.23", "21.06", "173.17"),
        ("20899", "其他社会保障和就业支出", "1099.73", "", "1099.73"),
        ("2089999", "其他社会保障和就业支出", "1099.73", "", "1099.73"),
        ("210", "卫生健康支出", "17.11", "17.11", ""),
        ("21011", "行政事业单位医疗", "17.11", "17.11", ""),
        ("2101102", "事业单位医疗", "17.11", "17.11", ""),
        ("221", "住房保障支出", "35.69", "35.69", ""),
        ("22102", "住房改革支出", "35.69", "35.69", ""),
        ("2210201", "住房公积金", "35.69", "35.69", ""),
    ],
    "t3_known_name_errors": set(),
    "t5_names": {},
    "t4_income": {"一般公共预算": "2911.06", "政府性基金预算": "", "国有资本经营预算": ""},
    "t4_classes": {"208": ("2858.26", "2858.26", "", ""), "210": ("17.11", "17.11", "", ""),
                   "221": ("35.69", "35.69", "", "")},
    "t4_exp_total": ("2911.06", "2911.06", "", ""), "t4_grand": ("2911.06", "2911.06", "2911.06"),
    "t6_total": ("450.96", "427.83", "23.13"),
    "t6": [
        ("工资福利支出", None, "411.82", "411.82", ""),
        ("基本工资", "工资福利支出", "156.29", "156.29", ""),
        ("津贴补贴", "工资福利支出", "17.72", "17.72", ""),
        ("绩效工资", "工资福利支出", "107.07", "107.07", ""),
        ("机关事业单位基本养老保险缴费", "工资福利支出", "42.12", "42.12", ""),
        ("职业年金缴费", "工资福利支出", "21.06", "21.06", ""),
        ("职工基本医疗保险缴费", "工资福利支出", "17.11", "17.11", ""),
        ("其他社会保障缴费", "工资福利支出", "2.65", "2.65", ""),
        ("住房公积金", "工资福利支出", "35.69", "35.69", ""),
        ("其他工资福利支出", "工资福利支出", "12.10", "12.10", ""),
        ("商品和服务支出", None, "23.13", "", "23.13"),
        ("办公费", "商品和服务支出", "3.50", "", "3.50"),
        ("工会经费", "商品和服务支出", "4.95", "", "4.95"),
        ("福利费", "商品和服务支出", "8.66", "", "8.66"),
        ("其他商品和服务支出", "商品和服务支出", "6.02", "", "6.02"),
        ("对个人和家庭的补助", None, "16.01", "16.01", ""),
        ("退休费", "离退休费", "16.01", "16.01", ""),
    ],
    "t10": {"因公出国（境）费": ("", ""), "公务接待费": ("", ""), "公务用车购置及运行费": ("", ""),
            "①公务用车购置费": ("", ""), "②公务用车运行维护费": ("", ""), "合计": ("", "")},
    "t11_total": "",
    "t12_unit": ("2460.09", "2460.09"),
    "t12": [
        ("2022年后新增企业退休人员取暖费(2025年)", "1099.73", "1099.73"),
        ("2025年失业保险业务工作经费", "3.00", "3.00"),
        ("2025年工伤保险业务工作经费", "3.00", "3.00"),
        ("2025年机关养老退休人员活动经费", "16.73", "16.73"),
        ("2025年企业养老工作经费", "6.34", "6.34"),
        ("2025年城乡居民养老保险工作经费", "12.00", "12.00"),
        ("2025年城乡居民基本养老保险代办员补助", "27.34", "27.34"),
        ("单位长期聘用人员经费", "15.48", "15.48"),
        ("在职人员职业年金做实", "173.17", "173.17"),
        ("2025年企业职工取暖费以及缺口责任负担资金", "1100.00", "1100.00"),
        ("2025年企业养老保险工作经费(采购)", "0.16", "0.16"),
        ("2025年新中国成立前老工人生活补助", "3.15", "3.15"),
    ],
    "t13_total": "",
    "s1_income": ("2911.06", "2911.06", "0", "38759.86", "-", "93.01"),
    "s1_expenditure": ("2911.06", "2911.06", "0", "38759.86", "-", "93.01"),
    "s2_total": "2911.06",
    "s2": {"一般公共预算": ("2911.06", "100.00"), "政府性基金预算": ("0", "0"), "国有资本经营预算": ("0", "0"),
           "财政专户管理资金": ("0", "0"), "单位资金": ("0", "0"), "上年结转": ("0", "0")},
    "s3": ("2911.06", ("450.96", "15.49"), ("2460.09", "84.51")),
    "s4": ("2911.06", "2911.06", "0", "0", "2911.06", "0",
           {"208": "2858.26", "210": "17.11", "221": "35.69"}),
    "s5": ("2911.06", "38759.86", "-", "93.01"),
    "s5_classes": {"208": ("2858.26", "98.19"), "210": ("17.11", "0.59"), "221": ("35.69", "1.23")},
    "s6": ("450.96", "427.83", "23.13"),
    "s6_personnel_items": "其他工资福利支出、其他社会保障缴费、绩效工资、基本工资、机关事业单位基本养老保险缴费、退休费、住房公积金、职业年金缴费、津贴补贴、职工基本医疗保险缴费",
    "s6_public_items": "办公费、福利费、其他商品和服务支出、工会经费",
    # 七: 本单位无“三公”经费预算 → all zero, unchanged
    "s7": {"three_public_total": ("0", "0", "="), "abroad": ("0", "0", "="), "reception": ("0", "0", "="),
           "vehicle_running": ("0", "0", "="), "vehicle_purchase": ("0", "0", "=")},
    "s8": ("0", "="),
    "s9": ("2.07", "2.07", "0", "0"),
    # 十: the narrative prints 2,460.10 for the 12 projects and the 12 published ones and
    # 2460.1 for 整体绩效; the tables print 2460.09. We reproduce the TABLE figure (see NOTES.md);
    # 整体绩效's amount is an input entered as printed.
    "s10_overall": (None, "2460.1"),
    "s10": (12, "2460.09", {"其他运转类": (11, "1360.37"), "特定目标类": (1, "1099.73")},
            12, "2460.09", "100", {"其他运转类": (11, "1360.37"), "特定目标类": (1, "1099.73")}),
    "s11": {"as_of": "2024-12-31", "vehicle_quota": 0, "vehicles_leader": 0, "vehicles_confidential": 0,
            "vehicles_emergency": 0, "vehicles_law_enforcement": 0, "vehicles_special": 0,
            "vehicles_institution_business": 0, "vehicles_other": 0, "floor_area": "0",
            "equipment_50": 0, "equipment_100": 0},
    "forms": [
        ("2022年后新增企业退休人员取暖费(2025年)", "11,000,000", "10,997,280"),
        ("2025年新中国成立前老工人生活补助", "31,500", "31,500"),
        ("2025年企业职工取暖费以及缺口责任负担资金", "24,000,000", "11,000,000"),
        ("在职人员职业年金做实", "1,731,707.84", "1,731,707.84"),
        ("2025年企业养老保险工作经费(采购)", "1,600", "1,600"),
        ("2025年企业养老工作经费", "63,400", "63,400"),
        ("2025年机关离退休人员活动经费", "180,000", "167,250"),
        ("2025年城乡居民养老保险工作经费", "120,000", "120,000"),
        ("单位长期聘用人员经费", "154,800", "154,800"),
        ("2025年城乡居民基本养老保险代办员补助", "273,400", "273,400"),
        ("2025年工伤保险业务工作经费", "30,000", "30,000"),
        ("2025年失业保险业务工作经费", "30,000", "30,000"),
    ],
    # form name → table 12 name, where the reference's two spellings disagree
    "form_name_disagreements": {
        "2022年后新增企业退休人员取暖费(2025年)": "2022年后新增企业退休人员取暖费(2025年)",
        "2025年机关离退休人员活动经费": "2025年机关养老退休人员活动经费",
    },
    "indicator_value_differences": set(),
}

UNITS = (DATONG, FENYANG)


# ============================================================================ helpers
def wan(yuan: Decimal) -> Decimal:
    """元 → 万元, rounded once, half up (the tool's display rule)."""
    return (yuan / WAN).quantize(CENT, rounding=ROUND_HALF_UP)


def pct(part: Decimal, whole: Decimal) -> Decimal:
    if whole == 0:
        return ZERO
    return (part / whole * HUNDRED).quantize(CENT, rounding=ROUND_HALF_UP)


def shown(text: str) -> Decimal:
    """A printed figure ("2,551.34", "", "0", "11.1") as a Decimal; blank is zero."""
    text = text.replace(",", "").strip()
    return Decimal(text) if text else ZERO


class Report:
    def __init__(self, unit: str):
        self.unit = unit
        self.problems: list[str] = []
        self.checked = 0

    def fail(self, where: str, message: str) -> None:
        self.problems.append(f"{self.unit}: {where}: {message}")

    def eq(self, where: str, computed, expected) -> None:
        """Compare a computed figure with a printed one (numbers numerically)."""
        self.checked += 1
        if isinstance(expected, str) and isinstance(computed, Decimal):
            ok = computed == shown(expected)
            exp_text = expected if expected != "" else "(blank)"
        else:
            ok = computed == expected
            exp_text = repr(expected)
        if not ok:
            self.fail(where, f"computed {computed}, reference shows {exp_text}")

    def money_change(self, where: str, current: Decimal, prior: Decimal, amount: str, direction: str,
                     percent: str | None = None) -> None:
        change = current - prior
        sign = "+" if change > 0 else "-" if change < 0 else "="
        self.eq(f"{where} direction", sign, direction)
        self.eq(f"{where} change", wan(abs(change)), amount)
        if percent is not None:
            self.eq(f"{where} change %", pct(abs(change), prior), percent)


MONEY_RE = re.compile(r"^\d+\.\d{2}$")
DATE_RE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
NUMBER_RE = re.compile(r"^\d+(\.\d+)?$")


def money(value) -> Decimal:
    return Decimal(value) if value not in (None, "") else ZERO


# ============================================================================ schema check
def check_schema(r: Report, data: dict) -> None:
    custom: dict[str, dict[str, str]] = defaultdict(dict)
    for row in data.get("custom_codes", []):
        custom[row.get("scheme", "")][row.get("code", "")] = row.get("name", "")
    known = {
        "功能分类": {**FUNCTIONAL, **custom["功能分类"]},
        "部门经济分类": {**ECON_DEPT, **custom["部门经济分类"]},
        "政府经济分类": {**ECON_GOV, **custom["政府经济分类"]},
        "收入分类": dict(custom["收入分类"]),
    }

    def check_value(where: str, kind: str, choices: str | None, value, code_scheme: str | None = None):
        if kind == "money":
            if not isinstance(value, str) or not MONEY_RE.match(value):
                r.fail(where, f"amount {value!r} is not a string in 元 with exactly two decimals")
        elif kind == "int":
            if not isinstance(value, int) or isinstance(value, bool):
                r.fail(where, f"{value!r} is not a JSON integer")
        elif kind == "choice":
            if value not in S.LISTS[choices]:
                r.fail(where, f"{value!r} is not in list {choices}")
        elif kind == "date":
            if not isinstance(value, str) or not DATE_RE.match(value):
                r.fail(where, f"date {value!r} is not YYYY-MM-DD")
        elif kind == "number":
            if not isinstance(value, str) or not NUMBER_RE.match(value):
                r.fail(where, f"number {value!r} is not a numeric string")
        elif kind == "code":
            if not isinstance(value, str) or not value.isdigit():
                r.fail(where, f"code {value!r} is not a digit string")
            elif code_scheme and value not in known[code_scheme]:
                r.fail(where, f"code {value} is not in the bundled {code_scheme} table nor in custom_codes")
        elif kind in ("text",):
            if not isinstance(value, str) or value == "" or value != value.strip():
                r.fail(where, f"text {value!r} is empty or has surrounding white space")
            elif "\n" in value or "  " in value:
                r.fail(where, f"text {value[:30]!r}… contains a line break or a double space")

    for key, value in data.items():
        spec = S.SHEETS_BY_KEY.get(key)
        if spec is None:
            r.fail(key, "not a sheet key of the schema")
            continue
        if spec.is_fixed:
            if not isinstance(value, dict):
                r.fail(key, "a fixed-row sheet must be an object keyed by row key")
                continue
            rows = {row.key: row for row in spec.fixed_rows}
            for row_key, row_value in value.items():
                row_spec = rows.get(row_key)
                if row_spec is None:
                    r.fail(f"{key}.{row_key}", "not a row key of this sheet")
                    continue
                kind = "text" if key == "reasons" else row_spec.kind
                check_value(f"{key}.{row_key}", kind, row_spec.choices, row_value)
            for row_spec in spec.fixed_rows:
                if row_spec.required and row_spec.key not in value:
                    r.fail(f"{key}.{row_spec.key}", "required row missing")
        else:
            if not isinstance(value, list):
                r.fail(key, "a table sheet must be a list of row objects")
                continue
            allowed = {c.key: c for c in spec.columns if c.is_input}
            if key == "projects":
                allowed["seq"] = spec.column("seq")
            for index, row in enumerate(value, start=1):
                where = f"{key}[{index}]"
                if not isinstance(row, dict):
                    r.fail(where, "not an object")
                    continue
                for col_key, cell_value in row.items():
                    col = allowed.get(col_key)
                    if col is None:
                        r.fail(f"{where}.{col_key}", "not an input column of this sheet")
                        continue
                    if col_key == "seq":
                        if cell_value != index:
                            r.fail(f"{where}.seq", f"{cell_value!r}, expected {index}")
                        continue
                    if col.kind == "choice" and not col.strict_choices:
                        check_value(f"{where}.{col_key}", "choice", col.choices, cell_value)
                    else:
                        check_value(f"{where}.{col_key}", col.kind, col.choices, cell_value, col.code_scheme)
                for col in spec.columns:
                    if col.required and col.is_input and col.key not in row:
                        r.fail(where, f"required column {col.key} missing")
                if key == "expenditure" and len(row.get("code", "")) != 7:
                    r.fail(f"{where}.code", "expenditure facts are 7-digit 项 codes")
                if key == "basic_economic" and len(row.get("code", "")) != 5:
                    r.fail(f"{where}.code", "basic_economic facts are 5-digit 款 codes")

    # references between sheets
    seqs = {str(p.get("seq")) for p in data.get("projects", [])}
    for sheet_key in ("perf_forms", "perf_indicators"):
        for index, row in enumerate(data.get(sheet_key, []), start=1):
            if row.get("project") not in seqs:
                r.fail(f"{sheet_key}[{index}].project", f"{row.get('project')!r} is not a project 序号")


# ============================================================================ the figures
class Facts:
    """Sums over the JSON's leaf facts, in 元."""

    def __init__(self, data: dict):
        self.data = data
        self.exp = data.get("expenditure", [])
        self.econ = data.get("basic_economic", [])
        self.projects = data.get("projects", [])

    def exp_sum(self, prefix: str = "", *, kind: str | None = None, source: str | None = None,
                period: str | None = None) -> Decimal:
        total = ZERO
        for f in self.exp:
            if not f["code"].startswith(prefix):
                continue
            if kind and f["kind"] != kind or source and f["source"] != source or period and f["period"] != period:
                continue
            total += money(f["amount"])
        return total

    def income(self, source: str | None = None, period: str | None = None) -> Decimal:
        return sum((money(i["amount"]) for i in self.data.get("income", [])
                    if (source is None or i["source"] == source) and (period is None or i["period"] == period)),
                   ZERO)

    def econ_sum(self, prefix: str = "") -> Decimal:
        return sum((money(e["amount"]) for e in self.econ if e["code"].startswith(prefix)), ZERO)

    def three_public(self, item: str | None = None, source: str | None = None, kind: str | None = None) -> Decimal:
        return sum((money(t["amount"]) for t in self.data.get("three_public", [])
                    if (item is None or t["item"] == item) and (source is None or t["source"] == source)
                    and (kind is None or t["kind"] == kind)), ZERO)

    def project_total(self, p: dict, prefix: str = "cur_") -> Decimal:
        keys = ("gpb", "gf", "soe", "special", "unit") if prefix == "cur_" else ("gpb", "gf", "soe")
        return sum((money(p.get(prefix + k)) for k in keys), ZERO)


GPB, CUR, CO = "一般公共预算", "当年预算", "上年结转"
BASIC, PROJECT = "基本支出", "项目支出"


def check_identities(r: Report, x: Facts) -> None:
    """The 元-level identities the tool enforces exactly."""
    for source in S.SOURCES:
        for period in S.PERIODS:
            inc, exp = x.income(source, period), x.exp_sum(source=source, period=period)
            if inc != exp:
                r.fail("income = expenditure", f"{source}/{period}: income {inc} ≠ expenditure {exp}")
    cols = {("cur_", CUR): ("gpb", "gf", "soe", "special", "unit"), ("co_", CO): ("gpb", "gf", "soe")}
    for (prefix, period), keys in cols.items():
        for key, source in zip(keys, S.SOURCES):
            proj = sum((money(p.get(prefix + key)) for p in x.projects), ZERO)
            exp = x.exp_sum(kind=PROJECT, source=source, period=period)
            if proj != exp:
                r.fail("projects = 项目支出", f"{source}/{period}: projects {proj} ≠ 项目支出 facts {exp}")
    basic = x.exp_sum(kind=BASIC, source=GPB, period=CUR)
    if x.econ_sum() != basic:
        r.fail("表六 = 基本支出", f"basic_economic {x.econ_sum()} ≠ 一般公共预算当年基本支出 {basic}")
    vehicle = x.three_public("公务用车运行维护费", kind=BASIC)
    if vehicle != x.econ_sum("30231"):
        r.fail("三公 = 30231", f"公务用车运行维护费 (基本) {vehicle} ≠ basic_economic 30231 {x.econ_sum('30231')}")
    # a published project with a form: the form's 年度资金总额 is the project's amount, exactly
    by_seq = {str(p["seq"]): p for p in x.projects}
    for index, form in enumerate(x.data.get("perf_forms", []), start=1):
        p = by_seq.get(form.get("project"))
        if p is None:
            continue
        year_total = sum((money(form.get(k)) for k in ("year_central", "year_provincial", "year_local",
                                                         "year_self", "year_other")), ZERO)
        if year_total != x.project_total(p):
            r.fail(f"perf_forms[{index}]", f"年度资金总额 {year_total} ≠ project {p['seq']} amount {x.project_total(p)}")
        if p.get("published") != "是":
            r.fail(f"perf_forms[{index}]", f"project {p['seq']} has a form but published is not 是")


def check_tables(r: Report, ref: dict, x: Facts) -> None:
    data = x.data
    # ---- 表一
    for source, printed in ref["t1_income"].items():
        r.eq(f"表一 收入 {source}", wan(x.income(source, CUR)), printed)
    r.eq("表一 本年收入合计", wan(x.income(period=CUR)), ref["t1_income_total"])
    r.eq("表一 上年结转", wan(x.income(period=CO)), ref["t1_carryover_in"])
    r.eq("表一 收入总计", wan(x.income()), ref["t1_income_grand"])
    for cls in CLASS_ROWS:
        printed = ref["t1_classes"].get(cls, ("", "", ""))
        computed = (x.exp_sum(cls), x.exp_sum(cls, period=CUR), x.exp_sum(cls, period=CO))
        for label, c, p in zip(("合计", "当年预算安排", "上年结转安排"), computed, printed):
            r.eq(f"表一 {cls} {label}", wan(c), p)
    totals = (x.exp_sum(), x.exp_sum(period=CUR), x.exp_sum(period=CO))
    for label, c, p in zip(("合计", "当年", "结转"), totals, ref["t1_exp_total"]):
        r.eq(f"表一 本年支出合计 {label}", wan(c), p)
    for label, c, p in zip(("合计", "当年", "结转"), totals, ref["t1_exp_grand"]):
        r.eq(f"表一 支出总计 {label}", wan(c), p)

    # ---- 表二 (收入总表 by 功能科目): every code with a fact must be printed, and vice versa
    codes_in_data = {f["code"][:n] for f in x.exp for n in (3, 5, 7)}
    printed_codes = {row[0] for row in ref["t2"] if row[0]}
    if codes_in_data != printed_codes:
        r.fail("表二 rows", f"data codes {sorted(codes_in_data)} ≠ printed {sorted(printed_codes)}")
    names_given = {f["code"]: f["name"] for f in x.exp if f.get("name")}
    for code, name, total, gpb in ref["t2"]:
        r.eq(f"表二 {code or '合计'} 合计", wan(x.exp_sum(code, period=CUR)), total)
        r.eq(f"表二 {code or '合计'} 一般公共预算", wan(x.exp_sum(code, source=GPB, period=CUR)), gpb)
        for source in S.SOURCES[1:]:
            r.eq(f"表二 {code or '合计'} {source}", wan(x.exp_sum(code, source=source, period=CUR)), "")
        r.eq(f"表二 {code or '合计'} 上年结转", wan(x.exp_sum(code, period=CO)), "")
        if code:
            r.eq(f"表二 {code} name", names_given.get(code, FUNCTIONAL.get(code)), name)

    # ---- 表三 and 表五
    for table, period, source in (("表三", None, None), ("表五", CUR, GPB)):
        for code, name, total, basic, project in ref["t3"]:
            where = f"{table} {code or '合计'}"
            r.eq(f"{where} 合计", wan(x.exp_sum(code, period=period, source=source)), total)
            r.eq(f"{where} 基本支出", wan(x.exp_sum(code, kind=BASIC, period=period, source=source)), basic)
            r.eq(f"{where} 项目支出", wan(x.exp_sum(code, kind=PROJECT, period=period, source=source)), project)
            if table == "表五":
                name = ref["t5_names"].get(code, name)
            if code and not (table == "表三" and code in ref["t3_known_name_errors"]):
                r.eq(f"{where} name", names_given.get(code, FUNCTIONAL.get(code)), name)

    # ---- 表四 财政拨款收支总表
    for source, printed in ref["t4_income"].items():
        r.eq(f"表四 收入 {source}", wan(x.income(source, CUR)), printed)
    fiscal = S.FISCAL_SOURCES
    for cls in CLASS_ROWS:
        printed = ref["t4_classes"].get(cls, ("", "", "", ""))
        subtotal = sum((x.exp_sum(cls, source=s, period=CUR) for s in fiscal), ZERO)
        computed = (subtotal, *(x.exp_sum(cls, source=s, period=CUR) for s in fiscal))
        for label, c, p in zip(("小计", *fiscal), computed, printed):
            r.eq(f"表四 {cls} {label}", wan(c), p)
    fiscal_total = sum((x.exp_sum(source=s, period=CUR) for s in fiscal), ZERO)
    computed = (fiscal_total, *(x.exp_sum(source=s, period=CUR) for s in fiscal))
    for label, c, p in zip(("小计", *fiscal), computed, ref["t4_exp_total"]):
        r.eq(f"表四 本年支出合计 {label}", wan(c), p)
    fiscal_income = sum((x.income(s) for s in fiscal), ZERO)
    fiscal_exp_all = sum((x.exp_sum(source=s) for s in fiscal), ZERO)
    r.eq("表四 收入总计", wan(fiscal_income), ref["t4_grand"][0])
    r.eq("表四 支出总计 小计", wan(fiscal_exp_all), ref["t4_grand"][1])
    r.eq("表四 支出总计 一般公共预算", wan(x.exp_sum(source=GPB)), ref["t4_grand"][2])

    # ---- 表六
    econ_codes = {e["code"] for e in x.econ}
    econ_names = {ECON_DEPT.get(c): c for c in econ_codes}
    custom_gov = {row["code"]: row["name"] for row in data.get("custom_codes", []) if row["scheme"] == "政府经济分类"}
    gov_names = {**ECON_GOV, **custom_gov}
    printed_items = [row for row in ref["t6"] if row[1] is not None]
    if sorted(econ_names) != sorted(row[0] for row in printed_items):
        r.fail("表六 rows", f"data items {sorted(econ_names)} ≠ printed {sorted(row[0] for row in printed_items)}")
    class_names = {"工资福利支出": "301", "商品和服务支出": "302", "对个人和家庭的补助": "303", "资本性支出": "310"}
    personnel = lambda code: code[:3] in ("301", "303")  # noqa: E731  人员经费 = 301 + 303
    for name, gov_name, total, pers, public in ref["t6"]:
        if gov_name is None:
            code = class_names[name]
            amount = x.econ_sum(code)
        else:
            code = econ_names.get(name)
            if code is None:
                continue
            amount = x.econ_sum(code)
            row = next(e for e in x.econ if e["code"] == code)
            gov_code = row.get("gov_code") or DEPT_TO_GOV_PI.get(code, "")
            r.eq(f"表六 {name} 政府经济科目", gov_names.get(gov_code), gov_name)
        r.eq(f"表六 {name} 合计", wan(amount), total)
        r.eq(f"表六 {name} 人员经费", wan(amount if personnel(code) else ZERO), pers)
        r.eq(f"表六 {name} 公用经费", wan(ZERO if personnel(code) else amount), public)
    pers_total = sum((money(e["amount"]) for e in x.econ if personnel(e["code"])), ZERO)
    r.eq("表六 合计", wan(x.econ_sum()), ref["t6_total"][0])
    r.eq("表六 合计 人员经费", wan(pers_total), ref["t6_total"][1])
    r.eq("表六 合计 公用经费", wan(x.econ_sum() - pers_total), ref["t6_total"][2])

    # ---- 表七/八/九: no data in either unit (no 政府性基金/国有资本经营 figures)
    for source in S.SOURCES[1:3]:
        r.eq(f"表七/八/九 {source}", wan(x.exp_sum(source=source) + x.income(source)), "")
    r.eq("收入科目 (表七/九)", len(data.get("income_items", [])), 0)

    # ---- 表十 “三公”
    t10 = {
        "因公出国（境）费": lambda s: x.three_public("因公出国（境）费", s),
        "公务接待费": lambda s: x.three_public("公务接待费", s),
        "公务用车购置及运行费": lambda s: x.three_public("公务用车购置费", s) + x.three_public("公务用车运行维护费", s),
        "①公务用车购置费": lambda s: x.three_public("公务用车购置费", s),
        "②公务用车运行维护费": lambda s: x.three_public("公务用车运行维护费", s),
        "合计": lambda s: x.three_public(None, s),
    }
    for label, (total, gpb) in ref["t10"].items():
        r.eq(f"表十 {label} 合计", wan(sum((t10[label](s) for s in fiscal), ZERO)), total)
        r.eq(f"表十 {label} 一般公共预算", wan(t10[label](GPB)), gpb)
        for s in fiscal[1:]:
            r.eq(f"表十 {label} {s}", wan(t10[label](s)), "")

    # ---- 表十一 机关运行经费
    admin = sum((money(v) for v in data.get("admin_running", {}).values()), ZERO)
    r.eq("表十一 部门合计", wan(admin), ref["t11_total"])

    # ---- 表十二 / 表十三
    cur_total = sum((x.project_total(p) for p in x.projects), ZERO)
    r.eq("表十二 单位 合计", wan(cur_total), ref["t12_unit"][0])
    r.eq("表十二 单位 一般公共预算", wan(sum((money(p.get("cur_gpb")) for p in x.projects), ZERO)), ref["t12_unit"][1])
    if len(x.projects) != len(ref["t12"]):
        r.fail("表十二", f"{len(x.projects)} projects, reference prints {len(ref['t12'])}")
    for index, (p, (name, total, gpb)) in enumerate(zip(x.projects, ref["t12"]), start=1):
        r.eq(f"表十二 [{index}] name", p["name"], name)
        r.eq(f"表十二 [{index}] {name} 合计", wan(x.project_total(p)), total)
        r.eq(f"表十二 [{index}] {name} 一般公共预算", wan(money(p.get("cur_gpb"))), gpb)
    co_total = sum((x.project_total(p, "co_") for p in x.projects), ZERO)
    r.eq("表十三 合计", wan(co_total), ref["t13_total"])


def check_narrative(r: Report, ref: dict, x: Facts) -> None:
    data = x.data
    prior = {k: money(v) for k, v in data.get("prior", {}).items()}
    total_in, total_out = x.income(), x.exp_sum()
    # ---- 一
    for key, current, label in (("income_total", total_in, "s1_income"), ("expenditure_total", total_out, "s1_expenditure")):
        grand, this_year, carry, change, direction, percent = ref[label]
        r.eq(f"一 {key} 总计", wan(current), grand)
        r.eq(f"一 {key} 本年", wan(x.income(period=CUR) if key == "income_total" else x.exp_sum(period=CUR)), this_year)
        r.eq(f"一 {key} 上年结转", wan(x.income(period=CO) if key == "income_total" else x.exp_sum(period=CO)), carry)
        r.money_change(f"一 {key}", current, prior[key], change, direction, percent)
    # ---- 二
    r.eq("二 预算收入", wan(total_in), ref["s2_total"])
    for source, (amount, share) in ref["s2"].items():
        value = x.income(period=CO) if source == "上年结转" else x.income(source, CUR)
        r.eq(f"二 {source}", wan(value), amount)
        r.eq(f"二 {source} 占比", pct(value, total_in), share)
    # ---- 三
    total, (basic_amt, basic_share), (proj_amt, proj_share) = ref["s3"]
    basic, project = x.exp_sum(kind=BASIC), x.exp_sum(kind=PROJECT)
    r.eq("三 支出预算", wan(total_out), total)
    r.eq("三 基本支出", wan(basic), basic_amt)
    r.eq("三 基本支出 占比", pct(basic, total_out), basic_share)
    r.eq("三 项目支出", wan(project), proj_amt)
    r.eq("三 项目支出 占比", pct(project, total_out), proj_share)
    # ---- 四
    total, gpb, gf, soe, cur, co, classes = ref["s4"]
    fiscal = S.FISCAL_SOURCES
    r.eq("四 财政拨款收支总预算", wan(sum((x.income(s) for s in fiscal), ZERO)), total)
    for s, printed in zip(fiscal, (gpb, gf, soe)):
        r.eq(f"四 {s}", wan(x.income(s)), printed)
    r.eq("四 当年拨款收入", wan(sum((x.income(s, CUR) for s in fiscal), ZERO)), cur)
    r.eq("四 上年结转收入", wan(sum((x.income(s, CO) for s in fiscal), ZERO)), co)
    for cls, printed in classes.items():
        r.eq(f"四 {cls}", wan(sum((x.exp_sum(cls, source=s) for s in fiscal), ZERO)), printed)
    # ---- 五
    gpb_cur = x.exp_sum(source=GPB, period=CUR)
    total, change, direction, percent = ref["s5"]
    r.eq("五(一) 一般公共预算当年支出", wan(gpb_cur), total)
    r.money_change("五(一)", gpb_cur, prior["gpb_current_expenditure"], change, direction, percent)
    for cls, (amount, share) in ref["s5_classes"].items():
        part = x.exp_sum(cls, source=GPB, period=CUR)
        r.eq(f"五(二) {cls}", wan(part), amount)
        r.eq(f"五(二) {cls} 占比", pct(part, gpb_cur), share)
    # ---- 六
    total, pers, public = ref["s6"]
    pers_total = sum((money(e["amount"]) for e in x.econ if e["code"][:3] in ("301", "303")), ZERO)
    r.eq("六 基本支出", wan(x.econ_sum()), total)
    r.eq("六 人员经费", wan(pers_total), pers)
    r.eq("六 公用经费", wan(x.econ_sum() - pers_total), public)
    pers_names = {ECON_DEPT[e["code"]] for e in x.econ if e["code"][:3] in ("301", "303")}
    public_names = {ECON_DEPT[e["code"]] for e in x.econ if e["code"][:3] not in ("301", "303")}
    r.eq("六 人员经费 items", pers_names, set(ref["s6_personnel_items"].split("、")))
    r.eq("六 公用经费 items", public_names, set(ref["s6_public_items"].split("、")))
    # ---- 七
    current = {"three_public_total": x.three_public()}
    for key, item in S.THREE_PUBLIC_KEYS.items():
        current[key] = x.three_public(item)
    for key, (amount, change, direction) in ref["s7"].items():
        r.eq(f"七 {key}", wan(current[key]), amount)
        r.money_change(f"七 {key}", current[key], prior[key], change, direction)
    # ---- 八
    admin = sum((money(v) for v in data.get("admin_running", {}).values()), ZERO)
    amount, direction = ref["s8"]
    r.eq("八 机关运行经费", wan(admin), amount)
    r.money_change("八 机关运行经费", admin, prior["admin_running"], "0", direction)
    # ---- 九
    proc = {k: money(v) for k, v in data.get("procurement", {}).items()}
    total, goods, works, services = ref["s9"]
    r.eq("九 政府采购合计", wan(sum(proc.values(), ZERO)), total)
    r.eq("九 货物", wan(proc.get("goods", ZERO)), goods)
    r.eq("九 工程", wan(proc.get("works", ZERO)), works)
    r.eq("九 服务", wan(proc.get("services", ZERO)), services)
    # ---- 十
    overall = data.get("overall_perf", {})
    count, amount = ref["s10_overall"]
    r.eq("十 整体绩效 个数", overall.get("count"), count)
    r.eq("十 整体绩效 资金", wan(money(overall.get("amount"))), amount)
    n, amount, by_cat, n_pub, amount_pub, share_pub, by_cat_pub = ref["s10"]
    all_amount = sum((x.project_total(p) for p in x.projects), ZERO)
    published = [p for p in x.projects if p.get("published") == "是"]
    pub_amount = sum((x.project_total(p) for p in published), ZERO)
    r.eq("十 项目 个数", len(x.projects), n)
    r.eq("十 项目 金额", wan(all_amount), amount)
    for cat in S.PROJECT_CATEGORIES:
        in_cat = [p for p in x.projects if p["category"] == cat]
        r.eq(f"十 {cat} 个数", len(in_cat), by_cat[cat][0])
        r.eq(f"十 {cat} 金额", wan(sum((x.project_total(p) for p in in_cat), ZERO)), by_cat[cat][1])
        pub_cat = [p for p in published if p["category"] == cat]
        r.eq(f"十 公开 {cat} 个数", len(pub_cat), by_cat_pub[cat][0])
        r.eq(f"十 公开 {cat} 金额", wan(sum((x.project_total(p) for p in pub_cat), ZERO)), by_cat_pub[cat][1])
    r.eq("十 公开 个数", len(published), n_pub)
    r.eq("十 公开 金额", wan(pub_amount), amount_pub)
    r.eq("十 公开 占项目支出 %", pct(pub_amount, x.exp_sum(kind=PROJECT)), share_pub)
    r.eq("十 公开 = 绩效目标表 个数", len(data.get("perf_forms", [])), n_pub)
    # ---- 十一
    assets = data.get("assets", {})
    for key, value in ref["s11"].items():
        r.eq(f"十一 {key}", assets.get(key), value)
    # ---- 绩效目标表: printed totals and project names
    forms = data.get("perf_forms", [])
    by_seq = {str(p["seq"]): p for p in x.projects}
    if len(forms) != len(ref["forms"]):
        r.fail("绩效目标表", f"{len(forms)} forms, reference prints {len(ref['forms'])}")
    for index, (form, (name, impl, year)) in enumerate(zip(forms, ref["forms"]), start=1):
        impl_total = sum((money(form.get(k)) for k in ("impl_central", "impl_provincial", "impl_local",
                                                         "impl_self", "impl_other")), ZERO)
        year_total = sum((money(form.get(k)) for k in ("year_central", "year_provincial", "year_local",
                                                         "year_self", "year_other")), ZERO)
        r.eq(f"绩效目标表[{index}] 实施期资金总额", impl_total, shown(impl))
        r.eq(f"绩效目标表[{index}] 年度资金总额", year_total, shown(year))
        project = by_seq.get(form.get("project"), {})
        r.eq(f"绩效目标表[{index}] 项目名称", project.get("name"), ref["form_name_disagreements"].get(name, name))
    # indicators: every form has both periods, same count and 二级 sequence on both sides
    for form in forms:
        seq = form.get("project")
        rows = [i for i in data.get("perf_indicators", []) if i.get("project") == seq]
        impl = [i for i in rows if i["period"] == "实施期"]
        year = [i for i in rows if i["period"] == "年度"]
        if not impl or len(impl) != len(year):
            r.fail(f"绩效指标 project {seq}", f"{len(impl)} 实施期 rows vs {len(year)} 年度 rows")
        # the two halves of a form, row by row: same 二级/三级 (truncated 年度 names were completed),
        # same 指标值 except where the reference prints different values
        for a, b in zip(impl, year):
            if (a["level2"], a["level3"]) != (b["level2"], b["level3"]):
                r.fail(f"绩效指标 project {seq}", f"实施期 {a['level2']}/{a['level3']} vs 年度 {b['level2']}/{b['level3']}")
            elif a["value"] != b["value"] and (seq, a["level3"]) not in ref["indicator_value_differences"]:
                r.fail(f"绩效指标 project {seq}", f"{a['level3']}: 实施期 {a['value']} vs 年度 {b['value']}")
        order = list(S.INDICATOR_LEVELS)
        positions = [order.index(i["level2"]) for i in impl if i["level2"] in order]
        if positions != sorted(positions):
            r.fail(f"绩效指标 project {seq}", "二级指标 not in the form's order")
    # unit name
    r.eq("单位名称", data.get("unit", {}).get("name"), ref["unit"])


def main(argv: list[str]) -> int:
    verbose = "--verbose" in argv
    problems: list[str] = []
    for ref in UNITS:
        path = DATA / ref["file"]
        report = Report(path.stem)
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:
            problems.append(f"{path.stem}: cannot read {path}: {exc}")
            continue
        try:
            check_schema(report, data)
            facts = Facts(data)
            check_identities(report, facts)
            check_tables(report, ref, facts)
            check_narrative(report, ref, facts)
        except Exception as exc:  # malformed data: report it as a problem, do not hide the others
            report.fail("checks stopped", f"{type(exc).__name__}: {exc}")
        problems.extend(report.problems)
        if verbose and not report.problems:
            print(f"{path.stem}: OK ({report.checked} displayed figures compared)")
    for line in problems:
        print(line)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
