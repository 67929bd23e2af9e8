"""Golden test: examples/hejing-2024.xlsx (Xinjiang profile) reproduces its reference document.

The transcript tests/golden/hejing-2024.json (see hejing-2024.md) is the ground truth: every table
row cell by cell (header, title and meta line too), every sentence of 第一部分 and 第三部分 with its
figures in order, the 单位整体绩效目标表, the 名词解释 and the 落款. The document is computed once
from the example workbook (the Report holds every table cell and rendered sentence the PDF prints).
Every difference must be listed in tests/golden/expected_differences_hejing-2024.json with a kind and
a reason; a new difference fails, and so does a listed one that no longer occurs. The document's own
slips are listed there, never reproduced by special cases in the code.
"""

from __future__ import annotations

import difflib
import json
import re
from pathlib import Path

import pytest

from conftest import EXAMPLES
from golden_align import squeeze

NAME = "hejing-2024"
GOLDEN = Path(__file__).resolve().parent / "golden"
EXPECTED = GOLDEN / f"expected_differences_{NAME}.json"
KINDS = {"slip", "wording", "name", "format", "layout", "total"}
NUMBER = re.compile(r"\d[\d,]*(?:\.\d+)?%?")
SECTION = re.compile(r"^([一二三四五六七八九十]+)、")
SUBSECTION = re.compile(r"^（([一二三四五六七八九十]+)）")


def transcript() -> dict:
    return json.loads((GOLDEN / f"{NAME}.json").read_text(encoding="utf-8"))


def expected() -> list[dict]:
    return json.loads(EXPECTED.read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def report():
    from budget_author.compute.report import compute_report
    from budget_author.workbook.parse import parse_workbook
    from budget_author.workbook.read import read_workbook

    parsed = parse_workbook(read_workbook(EXAMPLES / f"{NAME}.xlsx"))
    assert [i for i in parsed.issues if i.severity == "error"] == []
    assert parsed.profile == "xinjiang"
    return compute_report(parsed.budget, parsed.load_profile())


# ---------------------------------------------------------------- tables
def compare_tables(ref: dict, report) -> list[dict]:
    diffs = []
    ours_by_label = {squeeze(t.label): t for t in report.tables}
    for label, want in ref["tables"].items():
        table = ours_by_label.get(label)
        if table is None:
            diffs.append({"where": label, "reference": want["title"], "ours": None})
            continue
        meta = " ".join(part for part in (table.unit_line, table.measure) if part)
        for what, theirs, mine in (("标题", want["title"], table.title), ("表头单位行", want["meta"], meta)):
            if squeeze(theirs) != squeeze(mine):
                diffs.append({"where": f"{label} {what}", "reference": theirs, "ours": mine})
        ours_header = [[(squeeze(c.text), c.colspan, c.rowspan) for c in row] for row in table.header]
        theirs_header = [[(squeeze(c["text"]), c["colspan"], c["rowspan"]) for c in row] for row in want["header"]]
        if ours_header != theirs_header:
            diffs.append({"where": f"{label} 表头", "reference": theirs_header, "ours": ours_header})
        # a cell spanning several columns (the 合计 label over the code columns) reads as the transcript
        # writes it: the text in the first, blanks after
        ours = [[text for c in row for text in [squeeze(c.text)] + [""] * (c.colspan - 1)] for row in table.body]
        theirs_rows = [[squeeze(c) for c in row] for row in want["rows"]]
        for index in range(max(len(ours), len(theirs_rows))):
            mine = ours[index] if index < len(ours) else None
            theirs = theirs_rows[index] if index < len(theirs_rows) else None
            row = theirs or mine
            name = next((c for c in row if c and not c.isdigit()), row[0])
            if mine is None or theirs is None:
                diffs.append({"where": f"{label} 第{index + 1}行 {name}", "reference": theirs, "ours": mine})
                continue
            for column, a, b in zip(want["columns"], theirs, mine):
                if a != b:
                    diffs.append({"where": f"{label} 第{index + 1}行 {name} {column}", "reference": a, "ours": b})
        note = table.empty_note if table.empty else ""
        if squeeze(want["note"]) != squeeze(note):
            diffs.append({"where": f"{label} 备注", "reference": want["note"], "ours": note})
    return diffs


# ---------------------------------------------------------------- sentences
def sentences(paragraph: str) -> list[str]:
    """Whitespace-free sentences, split after each 。 (a paragraph without 。 is one sentence)."""
    text = squeeze(paragraph)
    return [s for s in re.split(r"(?<=。)", text) if s]


def our_sections(report, part_key: str) -> dict[str, list[str]]:
    """The sentences of each transcript section (一, 五(一), 七(二) …) of one part, in order."""
    out: dict[str, list[str]] = {}
    part = next(p for p in report.parts if p.key == part_key)
    current = ""
    for block in part.blocks:
        title = squeeze(block.title)
        if block.level == 2:
            current = SECTION.match(title).group(1)
            section = current
        else:
            match = SUBSECTION.match(title)
            section = f"{current}({match.group(1)})" if match else current
        for paragraph in block.paragraphs:
            text = squeeze(paragraph)
            numbered = SUBSECTION.match(text)
            if current == "七" and numbered:  # 七's projects: "（一）项目名称：…" opens 七(一)
                section = f"七({numbered.group(1)})"
                text = text[numbered.end():]
            out.setdefault(section, []).extend(sentences(text))
    return out


def figure_positions(numbers: list[str], figures: list[dict]) -> dict[int, dict]:
    """Which of a reference sentence's numbers are its figures (in order), by index."""
    out, start = {}, 0
    for figure in figures:
        for index in range(start, len(numbers)):
            if numbers[index] == figure["figure"]:
                out[index] = figure
                start = index + 1
                break
    return out


def compare_sentences(part: str, ref_sentences: list[dict], ours: dict[str, list[str]]) -> list[dict]:
    """Per section, in order: each reference sentence against ours. A sentence that differs is
    reported figure by figure where its figures differ, else once as wording."""
    heading = {"overview": "第一部分", "narrative": "第三部分"}[part]
    diffs = []
    by_section: dict[str, list[dict]] = {}
    for s in ref_sentences:
        by_section.setdefault(s["section"], []).append(s)
    for section in sorted(set(by_section) | set(ours)):
        theirs = by_section.get(section, [])
        mine = ours.get(section, [])
        matcher = difflib.SequenceMatcher(a=[squeeze(s["sentence"]) for s in theirs], b=mine, autojunk=False)
        for op, a0, a1, b0, b1 in matcher.get_opcodes():
            if op == "equal":
                continue
            pairs = list(zip(range(a0, a1), range(b0, b1)))
            for i, j in pairs:
                want, got = theirs[i], mine[j]
                where = f"{heading}{section} {squeeze(want['sentence'])[:24]}"
                plain = [m.group() for m in NUMBER.finditer(squeeze(want["sentence"]))]
                found = [m.group() for m in NUMBER.finditer(got)]
                positions = figure_positions(plain, want["figures"])
                differing = [k for k, (x, y) in enumerate(zip(plain, found)) if x != y]
                if len(plain) == len(found) and differing and all(k in positions for k in differing):
                    for k in differing:  # only figures differ: one entry per figure
                        diffs.append({"where": f"{where} {positions[k]['before']}", "reference": plain[k],
                                      "ours": found[k]})
                    without = [NUMBER.sub("#", squeeze(want["sentence"])), NUMBER.sub("#", got)]
                    if without[0] != without[1]:
                        diffs.append({"where": where, "reference": without[0], "ours": without[1]})
                else:
                    diffs.append({"where": where, "reference": squeeze(want["sentence"]), "ours": got})
            for i in range(a0 + len(pairs), a1):
                diffs.append({"where": f"{heading}{section} {squeeze(theirs[i]['sentence'])[:24]}",
                              "reference": squeeze(theirs[i]["sentence"]), "ours": None})
            for j in range(b0 + len(pairs), b1):
                diffs.append({"where": f"{heading}{section} {mine[j][:24]}", "reference": None, "ours": mine[j]})
    return diffs


# ---------------------------------------------------------------- form, glossary, closing
def compare_forms(ref: dict, report) -> list[dict]:
    diffs = []
    ours = [f for f in report.forms if f.kind == "unit"]
    if len(ours) != len(ref["forms"]) or len(report.forms) != len(ref["forms"]):
        return [{"where": "绩效目标表 张数", "reference": len(ref["forms"]), "ours": len(report.forms)}]
    for theirs, mine in zip(ref["forms"], ours):
        where = "单位整体绩效目标表"
        got = {
            "标题": mine.title + mine.year_line,
            "单位名称（盖章）": mine.unit, "单位联系人": mine.contact, "联系电话": mine.phone,
            **{label: amount for label, amount in mine.funds},
            "年度绩效目标": "".join(mine.goals),
        }
        want = {"标题": theirs["title"], **theirs["fields"], **theirs["funds"], **theirs["texts"]}
        for key, value in want.items():
            if squeeze(got.get(key, "")) != squeeze(value):
                diffs.append({"where": f"{where} {key}", "reference": value, "ours": got.get(key)})
        extra = sorted(set(got) - set(want))
        if extra:
            diffs.append({"where": f"{where} 多出的栏目", "reference": [], "ours": extra})
        got_rows = []
        level1 = level2 = ""
        for row in mine.indicators:  # carry the spanned 一级/二级 down, as the transcript writes them
            level1 = row.level1 if row.level1 is not None else level1
            level2 = row.level2 if row.level2 is not None else level2
            got_rows.append([squeeze(c) for c in (level1, level2, row.level3, row.value, row.basis, row.weight)])
        for index in range(max(len(got_rows), len(theirs["indicators"]))):
            want_row = [squeeze(c) for c in theirs["indicators"][index]] if index < len(theirs["indicators"]) else None
            other = got_rows[index] if index < len(got_rows) else None
            if other != want_row:
                diffs.append({"where": f"{where} 指标 第{index + 1}行", "reference": want_row, "ours": other})
    return diffs


def compare_glossary(ref: dict, report) -> list[dict]:
    diffs = []
    ours = [(squeeze(numeral).rstrip("、"), squeeze(term), squeeze(text)) for numeral, term, text in report.glossary]
    theirs = [(g["number"], squeeze(g["term"]), squeeze(g["text"])) for g in ref["glossary"]]
    for index in range(max(len(ours), len(theirs))):
        a = theirs[index] if index < len(theirs) else None
        b = ours[index] if index < len(ours) else None
        if a != b:
            diffs.append({"where": f"名词解释 {(a or b)[0]} {(a or b)[1]}", "reference": a and list(a),
                          "ours": b and list(b)})
    return diffs


def compare_closing(ref: dict, report) -> list[dict]:
    theirs = [ref["closing"]["unit"], ref["closing"]["date"]]
    ours = [squeeze(c) for c in report.closing] if report.closing else None
    return [] if ours == theirs else [{"where": "落款", "reference": theirs, "ours": ours}]


def differences(report) -> list[dict]:
    ref = transcript()
    return (compare_tables(ref, report)
            + compare_sentences("overview", ref["overview"], our_sections(report, "overview"))
            + compare_sentences("narrative", ref["narrative"], our_sections(report, "narrative"))
            + compare_forms(ref, report) + compare_glossary(ref, report) + compare_closing(ref, report))


def _key(d: dict) -> tuple:
    return d["where"], json.dumps(d["reference"], ensure_ascii=False), json.dumps(d["ours"], ensure_ascii=False)


def test_hejing_reproduces_its_reference(report):
    found = {_key(d) for d in differences(report)}
    listed = {_key(d) for d in expected()}
    unexpected = sorted(found - listed)
    resolved = sorted(listed - found)
    assert unexpected == [], "differences not in expected_differences_hejing-2024.json:\n" + "\n".join(
        map(str, unexpected))
    assert resolved == [], "listed differences that no longer occur:\n" + "\n".join(map(str, resolved))


def test_every_expected_difference_has_a_kind_and_a_reason():
    for d in expected():
        assert d.get("kind") in KINDS and len(d.get("reason", "")) > 10, d


def test_the_comparison_sees_a_changed_cell_a_changed_figure_and_a_changed_sentence(report):
    """The comparison can fail: a table cell, a sentence figure, a glossary entry and a form's fund
    changed in the transcript each show up as a difference."""
    ref = transcript()
    ref["tables"]["表3"]["rows"][0][4] = "11.96"
    ref["narrative"][5]["sentence"] = ref["narrative"][5]["sentence"].replace("77.92%", "77.93%")
    ref["narrative"][5]["figures"][1]["figure"] = "77.93%"
    ref["glossary"][0]["text"] += "。"
    ref["forms"][0]["funds"]["本级资金"] = "308.44"
    found = {d["where"]: d for d in compare_tables(ref, report) + compare_glossary(ref, report) + compare_forms(ref, report)
             + compare_sentences("narrative", ref["narrative"], our_sections(report, "narrative"))}
    assert found["表3 第1行 一般公共服务支出 合计"]["ours"] == "11.95"
    assert any(d["reference"] == "77.93%" and d["ours"] == "77.92%" for d in found.values())
    assert any(w.startswith("名词解释 一 财政拨款") for w in found)
    assert found["单位整体绩效目标表 本级资金"]["ours"] == "308.43"


def test_what_the_comparison_covers():
    """Every transcript table, sentence section, form, glossary entry and the closing are compared."""
    ref = transcript()
    assert len(ref["tables"]) == 11 and sum(len(t["rows"]) for t in ref["tables"].values()) == 165
    assert len(ref["narrative"]) == 84 and len(ref["overview"]) == 7
    assert len(ref["glossary"]) == 8 and len(ref["forms"]) == 1 and ref["closing"]
