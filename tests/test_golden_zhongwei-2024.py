"""Golden test: the Ningxia example (examples/zhongwei-2024.xlsx) reproduces its reference document.

The transcript tests/golden/zhongwei-2024.json records what zhongwei-2024-ningxia prints. The example is
built once per session (to PDF: it must render) and its report is compared with the transcript: every
table row cell by cell, every narrative and 单位概况 figure per section in order, every heading, every project form
(fields, funds, goals, indicators, 综合评定等级) and every glossary entry. Every difference is listed in tests/golden/expected_differences_zhongwei-2024.json with a kind and
a reason; a new difference fails, and so does a listed one that no longer occurs. The document's own
slips (study §3.4) belong in that list, never in the code.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from conftest import EXAMPLES
from golden_align import align_figures, squeeze

NAME = "zhongwei-2024"
GOLDEN = Path(__file__).resolve().parent / "golden"
LISTED = GOLDEN / f"expected_differences_{NAME}.json"
NUMERALS = "一二三四五六七八"
NUMBER = re.compile(r"\d+(?:\.\d+)?%?")
TICK = "\uf052"  # the reference text's tick (Wingdings, private use area)
KINDS = {"name", "written two ways", "total", "wording", "format", "code"}


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    from budget_author.build import build_document

    folder = tmp_path_factory.mktemp(NAME)
    result = build_document(EXAMPLES / f"{NAME}.xlsx", folder / f"{NAME}.pdf")
    assert result.report is not None, [str(i) for i in result.check.issues]
    assert (folder / f"{NAME}.pdf").stat().st_size > 10_000
    return result


@pytest.fixture(scope="module")
def ref():
    return json.loads((GOLDEN / f"{NAME}.json").read_text(encoding="utf-8"))


# ---------------------------------------------------------------- our text, split like the transcript
def figures_in(text: str) -> list[str]:
    """The figures of a text: numbers, except years and dates, ordinals and the 项 codes opening a paragraph
    (the transcript's rule N3)."""
    out = []
    for match in NUMBER.finditer(text):
        following = text[match.end():match.end() + 1]
        if following in ("年", "月", "日", ".") or len(match.group()) == 7 and "." not in match.group():
            continue
        if text[max(0, match.start() - 1):match.start()] in ("（", "(") and following in ("）", ")"):
            continue
        out.append(match.group())
    return out


def part_text(report, key: str) -> str:
    part = next(p for p in report.parts if p.key == key)
    return "".join(squeeze(b.title) + "".join(squeeze(str(p)) for p in b.paragraphs) for b in part.blocks)


def sections_of(text: str, headings: list[dict]) -> dict[str, str]:
    """Our text cut at the transcript's headings of one part, in order: section key → its text."""
    out, position = {}, 0
    found = []
    for h in headings:
        if not h["section"]:
            continue
        at = text.find(squeeze(h["text"]), position)
        found.append((h["section"], at, len(squeeze(h["text"]))))
        if at >= 0:
            position = at
    for index, (section, at, length) in enumerate(found):
        if at < 0:
            out[section] = ""
            continue
        following = [a for _, a, _ in found[index + 1:] if a >= 0]
        out[section] = text[at + length:following[0] if following else len(text)]
    return out


# ---------------------------------------------------------------- comparisons
def compare_tables(ref: dict, report) -> list[dict]:
    diffs = []
    for table in report.tables:
        number = NUMERALS[int(table.number) - 1]
        want = ref["tables"][number]
        where = f"表{number}"
        if table.measure != want["meta"]:
            diffs.append({"where": f"{where} 单位", "reference": want["meta"], "ours": table.measure})
        header = [[(squeeze(c.text), c.colspan, c.rowspan) for c in row] for row in table.header]
        theirs_header = [[(squeeze(c["text"]), c["colspan"], c["rowspan"]) for c in row] for row in want["header"]]
        if header != theirs_header:
            diffs.append({"where": f"{where} 表头", "reference": str(theirs_header), "ours": str(header)})
        ours = [[squeeze(c.text) for c in row] for row in table.body]
        for index in range(max(len(ours), len(want["rows"]))):
            mine = ours[index] if index < len(ours) else None
            theirs = want["rows"][index] if index < len(want["rows"]) else None
            label = (theirs or mine)[0] or (theirs or mine)[min(1, len(theirs or mine) - 1)]
            if mine is None or theirs is None or len(mine) != len(theirs):
                diffs.append({"where": f"{where} 第{index + 1}行 {label}", "reference": theirs, "ours": mine})
                continue
            for col, (column, a, b) in enumerate(zip(want["columns"], theirs, mine), start=1):
                if a != b:
                    diffs.append({"where": f"{where} 第{index + 1}行 {label} 第{col}列{column}", "reference": a,
                                  "ours": b})
        ours_note = table.empty_note if table.empty else ""
        if want["note"] != ours_note:
            diffs.append({"where": f"{where} 注", "reference": want["note"], "ours": ours_note})
    if len(report.tables) != len(ref["tables"]):
        diffs.append({"where": "表 张数", "reference": len(ref["tables"]), "ours": len(report.tables)})
    return diffs


def compare_figures(part: str, sentences: list[dict], sections: dict[str, str]) -> list[dict]:
    """Each transcript figure, in order within its section, against ours (difflib on the values)."""
    diffs = []
    by_section: dict[str, list[tuple[str, str]]] = {}
    for sentence in sentences:
        by_section.setdefault(sentence["section"], [])
        for figure in sentence["figures"]:
            by_section[sentence["section"]].append((figure["figure"], sentence["sentence"]))
    for section, theirs in by_section.items():
        matched = align_figures([f for f, _ in theirs], figures_in(sections.get(section, "")))
        for index, (figure, sentence) in enumerate(theirs):
            if matched.get(index) != figure:
                diffs.append({"where": f"{part}{section} {sentence[:30]}", "reference": figure,
                              "ours": matched.get(index)})
    return diffs


def compare_sentences(part: str, sentences: list[dict], sections: dict[str, str]) -> list[dict]:
    """Each transcript sentence occurs, whole, in its section of our text."""
    return [{"where": f"{part}{s['section']} 句子", "reference": s["sentence"], "ours": None}
            for s in sentences if squeeze(s["sentence"]) not in sections.get(s["section"], "")]


def compare_headings(ref: dict, report) -> list[dict]:
    ours = {squeeze(p.title) for p in report.parts}
    ours |= {squeeze(b.title) for p in report.parts for b in p.blocks}
    ours |= {squeeze(str(para)) for p in report.parts for b in p.blocks for para in b.paragraphs}
    ours |= {squeeze(t.label) for t in report.tables}
    ours |= {squeeze(f.heading) for f in report.forms if f.heading}
    return [{"where": f"标题 {h['part']}{h['section']}", "reference": h["text"], "ours": None}
            for h in ref["headings"] if squeeze(h["text"]) not in ours]


def form_as_printed(view) -> dict:
    """Our form in the transcript's shape. The ticked 综合评定等级 option is followed by ☑ in our PDF; the
    reference text has U+F052 there (a Wingdings tick, as extracted); an unticked one by □ in both."""
    funds = {"年度资金总额": f"{view.year_total}万元" if view.year_total else ""}
    for prefix, label, _, year in view.funds:
        funds[f"{prefix}{label}"] = f"{year}万元" if year else ""
    rows, level1, level2 = [], "", ""
    for row in view.indicators:
        level1 = row.level1 or level1
        level2 = row.level2 or level2
        rows.append([level1, level2, *row.year])
    return {
        "title": view.title, "subtitle": view.year_line, "meta": view.meta,
        "fields": {"项目名称": view.project, "主管部门及代码": [view.dept, view.dept_code], "实施单位": view.unit,
                   "项目属性": view.attribute, "项目期": view.term},
        "funds": funds, "texts": {"年度总体目标": view.goal_year}, "indicators": rows,
        "footer": {"综合评定等级": [f"{option}{TICK if ticked else '□'}" for option, ticked in view.rating]},
    }


def compare_forms(ref: dict, report) -> list[dict]:
    diffs = []
    for theirs, view in zip(ref["forms"], report.forms):
        mine = form_as_printed(view)
        where = f"绩效目标表{theirs['order']}"
        for key in ("title", "subtitle", "meta"):
            if mine[key] != theirs[key]:
                diffs.append({"where": f"{where} {key}", "reference": theirs[key], "ours": mine[key]})
        for group in ("fields", "funds", "texts", "footer"):
            for label in sorted(set(theirs[group]) | set(mine[group])):
                a, b = theirs[group].get(label), mine[group].get(label)
                if a != b:
                    diffs.append({"where": f"{where} {label}", "reference": a, "ours": b})
        for index in range(max(len(theirs["indicators"]), len(mine["indicators"]))):
            a = theirs["indicators"][index] if index < len(theirs["indicators"]) else None
            b = mine["indicators"][index] if index < len(mine["indicators"]) else None
            if a != b:
                diffs.append({"where": f"{where} 指标{index + 1}", "reference": a, "ours": b})
    if len(ref["forms"]) != len(report.forms):
        diffs.append({"where": "绩效目标表 张数", "reference": len(ref["forms"]), "ours": len(report.forms)})
    return diffs


def compare_glossary(ref: dict, report) -> list[dict]:
    diffs = []
    ours = [(label.rstrip("."), term, text) for label, term, text in report.glossary]
    for index in range(max(len(ours), len(ref["glossary"]))):
        mine = ours[index] if index < len(ours) else None
        g = ref["glossary"][index] if index < len(ref["glossary"]) else None
        theirs = (g["number"], g["term"], g["text"]) if g else None
        if mine != theirs:
            diffs.append({"where": f"名词解释 {index + 1}", "reference": list(theirs) if theirs else None,
                          "ours": list(mine) if mine else None})
    return diffs


def differences(ref: dict, report) -> list[dict]:
    overview = sections_of(part_text(report, "overview"), [h for h in ref["headings"] if h["part"] == "单位概况"])
    narrative = sections_of(part_text(report, "narrative"),
                            [h for h in ref["headings"] if h["part"] == "部门预算情况说明"])
    return (compare_tables(ref, report)
            + compare_figures("单位概况", ref["overview"], overview)
            + compare_figures("情况说明", ref["narrative"], narrative)
            + compare_sentences("单位概况", ref["overview"], overview)
            + compare_sentences("情况说明", ref["narrative"], narrative)
            + compare_headings(ref, report)
            + compare_forms(ref, report)
            + compare_glossary(ref, report))


def _key(d: dict) -> tuple:
    return d["where"], json.dumps(d["reference"], ensure_ascii=False), json.dumps(d["ours"], ensure_ascii=False)


def test_example_reproduces_its_reference(built, ref):
    found = {_key(d) for d in differences(ref, built.report)}
    listed = {_key(d) for d in json.loads(LISTED.read_text(encoding="utf-8"))}
    unexpected = sorted(found - listed)
    resolved = sorted(listed - found)
    assert unexpected == [], f"differences not in {LISTED.name}:\n" + "\n".join(map(str, unexpected))
    assert resolved == [], "listed differences that no longer occur:\n" + "\n".join(map(str, resolved))


def test_every_expected_difference_has_a_kind_and_a_reason():
    for d in json.loads(LISTED.read_text(encoding="utf-8")):
        assert d.get("kind") in KINDS and len(d.get("reason", "")) > 10, d


def test_the_comparison_can_fail(built, ref):
    """A changed cell, figure or glossary entry in the transcript shows up as a difference."""
    import copy

    changed = copy.deepcopy(ref)
    changed["tables"]["二"]["rows"][0][3] = "37355.54"
    changed["narrative"][0]["figures"][0]["figure"] = "37355.54"
    changed["glossary"][0]["text"] = "指。"
    changed["forms"][0]["indicators"][0][3] = "1945人"
    found = {d["where"] for d in differences(changed, built.report)} - {d["where"] for d in differences(ref, built.report)}
    assert any(w.startswith("表二 第1行") for w in found)
    assert any(w.startswith("情况说明一") for w in found)
    assert "名词解释 1" in found
    assert "绩效目标表1 指标1" in found


def count_figures(ref: dict) -> int:
    """The transcript's figures, as its checker counts them (tests/golden/zhongwei-2024.md): amount cells of
    the tables (not codes), 单位概况 and 情况说明 figures, form fund values and digit-bearing 指标值."""
    tables = sum(1 for t in ref["tables"].values() for row in t["rows"]
                 for column, cell in zip(t["columns"], row)
                 if column != "科目编码" and re.fullmatch(r"\d+(?:\.\d+)?%?", cell))
    narrative = sum(len(s["figures"]) for s in ref["overview"] + ref["narrative"])
    forms = sum(1 for f in ref["forms"] for v in f["funds"].values() if v)
    forms += sum(1 for f in ref["forms"] for r in f["indicators"] for piece in r[3].split("\n")
                 if re.search(r"\d", piece))
    return tables + narrative + forms


def test_the_share_of_figures_reproduced(ref):
    """747 figures; the listed differences touch 7 of them, all the document's own inconsistencies."""
    listed = json.loads(LISTED.read_text(encoding="utf-8"))
    differing = [d for d in listed if d["kind"] != "code" and re.fullmatch(r"\d+(?:\.\d+)?%?", str(d["reference"]))]
    assert count_figures(ref) == 747
    assert len(differing) == 7
