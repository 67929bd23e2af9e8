"""Golden test: the examples, built to PDF, reproduce the reference documents figure for figure.

The transcripts in tests/golden/ are the ground truth (typed from the reference
texts; see tests/golden/README.md). Every difference between a transcript and
our document must be listed, with a reason, in tests/golden/expected_differences.json;
a new difference fails, and so does a listed one that no longer occurs.
"""

from __future__ import annotations

import json
import re
import subprocess
from pathlib import Path

import pytest

from conftest import ROOT
from golden_align import align_figures, squeeze

GOLDEN = Path(__file__).resolve().parent / "golden"
NAMES = ["datong-2024", "fenyang-2025"]
NUMBER = re.compile(r"\d[\d,]*(?:\.\d+)?%?")


def transcript(name: str) -> dict:
    return json.loads((GOLDEN / f"{name}.json").read_text(encoding="utf-8"))


def expected_differences() -> list[dict]:
    return json.loads((GOLDEN / "expected_differences.json").read_text(encoding="utf-8"))


def is_figure(text: str) -> bool:
    return bool(text) and NUMBER.fullmatch(text) is not None


# ---------------------------------------------------------------- our side
def pdf_text(path: Path, *args: str) -> str:
    return subprocess.run(["pdftotext", *args, str(path), "-"], check=True, capture_output=True, text=True).stdout


def our_sections(report, text: str) -> dict[str, str]:
    """第三部分's text per section 一…十二, from the PDF (running heads and folios removed)."""
    text = squeeze(re.sub(r"-\d+-", "", text.replace(report.running_head, "")))
    start = text.index(squeeze(report.part_titles["narrative"]), text.index("第三部分") + 10)
    end = text.index(squeeze(report.part_titles["glossary"]), start)
    body = text[start:end]
    sections = report.profile.part("narrative")["sections"]
    out = {}
    for index, section in enumerate(sections):
        begin = body.index(squeeze(section["title"]))
        finish = body.index(squeeze(sections[index + 1]["title"])) if index + 1 < len(sections) else len(body)
        out[section["key"]] = body[begin + len(squeeze(section["title"])):finish]
    return out


def figures_in(text: str) -> list[str]:
    """The figures of a sentence: numbers, except years, dates and the 50/100万元（原值） thresholds."""
    out = []
    for match in NUMBER.finditer(text):
        following = text[match.end():match.end() + 6]
        if following[:1] in ("年", "月", "日", "、") or following.startswith("万元（原值）"):
            continue
        if text[max(0, match.start() - 1):match.start()] in ("（", "(") and following[:1] in ("）", ")"):
            continue
        out.append(match.group())
    return out


# ---------------------------------------------------------------- comparison
def compare_tables(name: str, ref: dict, report) -> list[dict]:
    diffs = []
    for table in report.tables:
        want = ref["tables"][str(table.number)]
        ours = [[c.text for c in row] for row in table.body]
        columns = want["columns"]
        for index in range(max(len(ours), len(want["rows"]))):
            mine = ours[index] if index < len(ours) else None
            theirs = want["rows"][index] if index < len(want["rows"]) else None
            label = (theirs or mine)[0] or (theirs or mine)[1]
            if mine is None or theirs is None:
                diffs.append({"where": f"表{table.number} 第{index + 1}行 {label}", "reference": theirs,
                              "ours": mine})
                continue
            for column, a, b in zip(columns, theirs, mine):
                if a != b:
                    diffs.append({"where": f"表{table.number} {label} {column}", "reference": a, "ours": b})
        if (want["note"] != "") != table.empty:
            diffs.append({"where": f"表{table.number} 注", "reference": want["note"],
                          "ours": table.empty_note if table.empty else ""})
    return diffs


def compare_narrative(name: str, ref: dict, report, text: str) -> list[dict]:
    """Each reference figure, in order within its section, against ours: same text, same number, or missing."""
    diffs = []
    sections = our_sections(report, text)
    by_section: dict[str, list[tuple[str, str]]] = {}
    for sentence in ref["narrative"]:
        for figure in sentence["figures"]:
            by_section.setdefault(sentence["section"], []).append((figure["figure"], sentence["sentence"]))
    for section, theirs in by_section.items():
        matched = align_figures([f for f, _ in theirs], figures_in(sections[section]))
        for index, (figure, sentence) in enumerate(theirs):
            ours = matched.get(index)
            if ours != figure:
                diffs.append({"where": f"第三部分{section} {sentence[:40]}", "reference": figure, "ours": ours})
    return diffs


def compare_forms(name: str, ref: dict, report) -> list[dict]:
    diffs = []
    fund_keys = {"中央财政资金": 0, "省级财政资金": 1, "市县(区)财政资金": 2, "单位自筹": 3, "其他资金": 4}
    for theirs, mine in zip(ref["forms"], report.forms):
        where = f"绩效目标表{theirs['order']} {theirs['project']}"
        ours_funds = {"实施期": {"资金总额": mine.impl_total}, "年度": {"资金总额": mine.year_total}}
        for label, index in fund_keys.items():
            ours_funds["实施期"][label] = mine.funds[index][2]
            ours_funds["年度"][label] = mine.funds[index][3]
        for period, values in theirs["funds"].items():
            for label, value in values.items():
                if ours_funds[period][label] != value:
                    diffs.append({"where": f"{where} {period}{label}", "reference": value,
                                  "ours": ours_funds[period][label]})
        for period, side in (("实施期", "impl"), ("年度", "year")):
            ours_rows = [[r.level2 or "", *getattr(r, side)] for r in mine.indicators]
            last = ""
            for row in ours_rows:  # carry the 二级 label down, as the transcript does
                row[0] = last = row[0] or last
            mine_rows = [(level2.removesuffix("指标"), l3, value) for level2, l3, value in ours_rows]
            ref_rows = [(level2.removesuffix("指标"), l3, value) for _, level2, l3, value in theirs["indicators"][period]]
            if sorted(mine_rows) != sorted(ref_rows) or len(mine_rows) != len(ref_rows):
                for row in sorted(set(ref_rows) - set(mine_rows)):
                    ours = next((m for m in mine_rows if m[0] == row[0] and m[2] == row[2]), None)
                    diffs.append({"where": f"{where} {period} {row[0]}", "reference": " | ".join(row[1:]),
                                  "ours": " | ".join(ours[1:]) if ours else None})
    if len(ref["forms"]) != len(report.forms):
        diffs.append({"where": "绩效目标表 张数", "reference": len(ref["forms"]), "ours": len(report.forms)})
    return diffs


def count_figures(ref: dict) -> int:
    tables = sum(1 for t in ref["tables"].values() for row in t["rows"] for cell in row if is_figure(cell))
    narrative = sum(len(s["figures"]) for s in ref["narrative"])
    forms = sum(1 for f in ref["forms"] for period in f["funds"].values() for v in period.values() if v)
    forms += sum(1 for f in ref["forms"] for rows in f["indicators"].values() for r in rows
                 if r[3] and re.search(r"\d", r[3]))
    return tables + narrative + forms


def differences(name: str, built) -> list[dict]:
    normal, _ = built[name]
    ref = transcript(name)
    text = pdf_text(normal.pdf)
    found = (compare_tables(name, ref, normal.report) + compare_narrative(name, ref, normal.report, text)
             + compare_forms(name, ref, normal.report))
    return [{"document": name, **d} for d in found]


def _key(d: dict) -> tuple:
    return d["document"], d["where"], json.dumps(d["reference"], ensure_ascii=False), \
        json.dumps(d["ours"], ensure_ascii=False)


@pytest.mark.parametrize("name", NAMES)
def test_example_reproduces_its_reference(name, built):
    found = {_key(d) for d in differences(name, built)}
    listed = {_key(d) for d in expected_differences() if d["document"] == name}
    unexpected = sorted(found - listed)
    resolved = sorted(listed - found)
    assert unexpected == [], "differences not in expected_differences.json:\n" + "\n".join(map(str, unexpected))
    assert resolved == [], "listed differences that no longer occur:\n" + "\n".join(map(str, resolved))


def test_every_expected_difference_has_a_kind_and_a_reason():
    kinds = {"name", "written two ways", "total", "truncated", "wording"}
    for d in expected_differences():
        assert d.get("kind") in kinds and len(d.get("reason", "")) > 10, d


def test_readme_states_the_result():
    listed = expected_differences()
    total = sum(count_figures(transcript(n)) for n in NAMES)
    differing = sum(1 for d in listed if is_figure(str(d["reference"])))
    line = (f"reproduces {total - differing} of {total} figures of the two reference documents; "
            f"the other {differing} are inconsistencies in the references themselves "
            f"(listed in tests/golden/expected_differences.json)")
    assert line in (ROOT / "README.md").read_text(encoding="utf-8")


def test_transcripts_are_well_formed_and_every_figure_occurs_in_its_source():
    import sys

    result = subprocess.run([sys.executable, str(GOLDEN / "check_transcripts.py"), "--quiet"],
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stdout + result.stderr
