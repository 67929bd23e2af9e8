"""The structure chart: a well-formed, self-contained, deterministic SVG pie with a legend."""

from __future__ import annotations

import io
import logging
import re
import unicodedata
import xml.etree.ElementTree as ET
from decimal import Decimal as D

import pytest

from budget_author.render.chart import PALETTE, Slice, structure_chart_svg

NS = {"svg": "http://www.w3.org/2000/svg"}
SVG = "{http://www.w3.org/2000/svg}"
TITLE = "一般公共预算当年拨款结构图"

TOTAL = D("2551.35")
THREE = [
    Slice("社会保障和就业支出", "2,300.45", "90.17%", D("2300.45") / TOTAL),
    Slice("卫生健康支出", "79.96", "3.13%", D("79.96") / TOTAL),
    Slice("住房保障支出", "170.94", "6.70%", D("170.94") / TOTAL),
]
SIX = [  # a tiny slice (< 1%) and a zero one
    Slice("一般公共服务支出", "1,234.56", "29.18%", D("0.2918")),
    Slice("教育支出", "512.30", "12.11%", D("0.1211")),
    Slice("卫生健康支出", "6.20", "0.15%", D("0.0015")),
    Slice("节能环保支出", "0.00", "0.00%", D("0")),
    Slice("城乡社区支出", "2,066.00", "48.84%", D("0.4884")),
    Slice("灾害防治及应急管理支出", "411.60", "9.72%", D("0.0972")),
]
LONG = [  # 16-character label, a big amount, a slice of 99.9%
    Slice("一二三四五六七八九十一二三四五六", "123,456.78", "99.90%", D("0.999")),
    Slice("其他支出", "123.57", "0.10%", D("0.001")),
]
MANY = [Slice(f"第{i}类支出", f"{i}0.00", f"{i / 1.2:.2f}%", D(i) / 120) for i in range(1, 16)]


def parse(svg: str) -> ET.Element:
    root = ET.fromstring(svg)  # must be well-formed
    assert root.tag == SVG + "svg"
    return root


def view_box(root: ET.Element) -> tuple[float, float, float, float]:
    x, y, w, h = (float(v) for v in root.get("viewBox").split())
    return x, y, w, h


def sectors(root: ET.Element) -> list[ET.Element]:
    return root.findall(".//svg:path", NS) + root.findall(".//svg:circle", NS)


def texts(root: ET.Element) -> list[str]:
    return ["".join(t.itertext()) for t in root.iter(SVG + "text")]


def em(text: str) -> float:
    """Width in em from Noto Sans CJK SC's advances (digits .555, ',' '.' .278, '%' .921), ASCII else ≤ .7."""
    widths = {",": 0.278, ".": 0.278, "%": 0.921}
    total = 0.0
    for ch in text:
        if unicodedata.east_asian_width(ch) in ("W", "F"):
            total += 1.0
        elif ch.isdigit():
            total += 0.555
        else:
            total += widths.get(ch, 0.7)
    return total


def numbers(d: str) -> list[float]:
    return [float(v) for v in re.findall(r"-?\d+(?:\.\d+)?", d)]


# ---------------------------------------------------------------- structure


def test_well_formed_with_a_view_box_and_a_title_not_drawn():
    svg = structure_chart_svg(THREE, title=TITLE)
    root = parse(svg)
    x, y, w, h = view_box(root)
    assert (x, y) == (0, 0) and 150 <= w <= 170 and 60 <= h <= 95
    assert root.get("width") == f"{w:g}mm" and root.get("height") == f"{h:g}mm"
    assert root.find("svg:title", NS).text == TITLE
    assert TITLE not in texts(root)
    assert "Noto Sans CJK SC" in root.get("font-family")


def test_one_sector_per_non_zero_slice():
    root = parse(structure_chart_svg(SIX, title=TITLE))
    assert len(root.findall(".//svg:path", NS)) == 5  # the zero slice is not drawn
    assert root.findall(".//svg:circle", NS) == []
    assert len(root.findall(".//svg:rect", NS)) == 6  # ... but it has a legend line
    fills = [p.get("fill") for p in root.findall(".//svg:path", NS)]
    assert fills == [PALETTE[i] for i in (0, 1, 2, 4, 5)]  # colours keep to the legend's order


@pytest.mark.parametrize("slices", [
    [Slice("社会保障和就业支出", "2,300.45", "100.00%", D(1))],
    [Slice("社会保障和就业支出", "2,300.45", "100.00%", D(1)), Slice("住房保障支出", "0.00", "0.00%", D(0))],
    [Slice("社会保障和就业支出", "2,300.45", "100.00%", D("0.9999"))],  # normalised to 1
])
def test_a_single_slice_is_a_full_circle(slices):
    root = parse(structure_chart_svg(slices, title=TITLE))
    assert root.findall(".//svg:path", NS) == []
    (circle,) = root.findall(".//svg:circle", NS)
    assert float(circle.get("r")) > 15
    assert len(root.findall(".//svg:rect", NS)) == len(slices)


def test_slices_run_clockwise_from_twelve_o_clock():
    quarters = [Slice(n, "1.00", "25.00%", D("0.25")) for n in "甲乙丙丁"]
    root = parse(structure_chart_svg(quarters, title=TITLE))
    paths = root.findall(".//svg:path", NS)
    cx, cy, x0, y0, r, _, _, _, _, x1, y1 = numbers(paths[0].get("d"))
    assert (x0, y0) == pytest.approx((cx, cy - r), abs=0.01)  # 12 o'clock
    assert (x1, y1) == pytest.approx((cx + r, cy), abs=0.01)  # 3 o'clock: clockwise on screen
    *_, xe, ye = numbers(paths[-1].get("d"))
    assert (xe, ye) == pytest.approx((cx, cy - r), abs=0.01)  # and round to 12 again


def test_fractions_slightly_off_one_are_normalised():
    off = [Slice("甲", "1", "50.00%", D("0.4999")), Slice("乙", "1", "50.00%", D("0.4999"))]
    root = parse(structure_chart_svg(off, title=TITLE))
    first, second = root.findall(".//svg:path", NS)
    cx, cy, _, _, r, *_, x1, y1 = numbers(first.get("d"))
    assert (x1, y1) == pytest.approx((cx, cy + r), abs=0.01)  # exactly half way: 6 o'clock
    *_, xe, ye = numbers(second.get("d"))
    assert (xe, ye) == pytest.approx((cx, cy - r), abs=0.01)


@pytest.mark.parametrize("fractions", [[D("-0.1"), D("1.1")], [D("0.5"), D("0.3")], [D("NaN"), D(1)]])
def test_bad_fractions_are_refused(fractions):
    with pytest.raises(ValueError):
        structure_chart_svg([Slice(str(i), "1", "1%", f) for i, f in enumerate(fractions)], title=TITLE)


def test_a_slice_of_almost_everything_is_still_drawn():
    root = parse(structure_chart_svg(LONG, title=TITLE))
    big = root.findall(".//svg:path", NS)[0].get("d")
    assert big.count("A") == 2  # more than half a turn: two arcs, so its ends never coincide


def test_palette_is_large_distinct_and_cycled():
    assert len(PALETTE) >= 10 and len(set(PALETTE)) == len(PALETTE)
    assert all(re.fullmatch(r"#[0-9A-F]{6}", c) for c in PALETTE)
    root = parse(structure_chart_svg(MANY, title=TITLE))
    fills = [r.get("fill") for r in root.findall(".//svg:rect", NS)]
    assert fills == [PALETTE[i % len(PALETTE)] for i in range(len(MANY))]
    separators = root.find(".//svg:g[@stroke]", NS)
    assert separators.get("stroke") == "#FFFFFF" and 0 < float(separators.get("stroke-width")) <= 1


# ---------------------------------------------------------------- legend and text


@pytest.mark.parametrize("slices", [THREE, SIX, LONG])
def test_legend_has_label_amount_and_share_for_every_slice(slices):
    found = texts(parse(structure_chart_svg(slices, title=TITLE)))
    for s in slices:
        assert s.label in found
        assert f"{s.amount}万元" in found
        assert s.share in found


def test_unit_is_configurable():
    found = texts(parse(structure_chart_svg(THREE, title=TITLE, unit="元")))
    assert "2,300.45元" in found and not any("万元" in t for t in found)


def test_labels_and_title_are_escaped():
    nasty = "<b>&'\""
    slices = [Slice(nasty, "1,000.00", "60.00%", D("0.6")),
              Slice("<script>alert(1)</script>", "666.67", "40.00%", D("0.4"))]
    svg = structure_chart_svg(slices, title="标题<i>&")
    assert "&lt;b&gt;&amp;" in svg and "<b>" not in svg and "<script" not in svg and "<i>" not in svg
    root = parse(svg)
    assert root.find(".//b") is None and not any(e.tag.endswith("}b") for e in root.iter())
    assert nasty in texts(root) and "<script>alert(1)</script>" in texts(root)
    assert root.find("svg:title", NS).text == "标题<i>&"


def test_nothing_external_is_referenced():
    for slices in (THREE, SIX, LONG, MANY, []):
        svg = structure_chart_svg(slices, title=TITLE)
        for bad in ("href", "<image", "url(", "http://www.w3.org/1999/xlink", "@import", "<style", "<script"):
            assert bad not in svg
        assert re.findall(r"https?://[^\"]*", svg) == ["http://www.w3.org/2000/svg"]


def test_deterministic_and_numbers_have_at_most_two_decimals():
    for slices in (THREE, SIX, LONG, MANY):
        svg = structure_chart_svg(slices, title=TITLE)
        assert svg == structure_chart_svg(list(slices), title=TITLE)
        markup = re.sub(r">[^<]*<", "><", svg)  # attributes only: the text shows caller's strings
        assert not re.search(r"\d\.\d{3}", markup)
        assert not re.search(r"\de[-+]?\d", markup) and not re.search(r"-0[ ,\"]", markup)


@pytest.mark.parametrize("slices", [THREE, SIX, LONG, MANY], ids=["three", "six", "long", "many"])
def test_everything_lies_inside_the_view_box(slices):
    root = parse(structure_chart_svg(slices, title=TITLE))
    _, _, width, height = view_box(root)
    size = float(root.get("font-size"))
    assert 3.2 <= size <= 3.6  # mm: ≈ 9–10 pt

    for rect in root.iter(SVG + "rect"):
        x, y, w, h = (float(rect.get(a)) for a in ("x", "y", "width", "height"))
        assert 0 <= x and x + w <= width and 0 <= y and y + h <= height

    lines: dict[float, list[tuple[float, float]]] = {}
    for text in root.iter(SVG + "text"):
        x, y = float(text.get("x")), float(text.get("y"))
        w = em("".join(text.itertext())) * size
        start, end = (x - w, x) if text.get("text-anchor") == "end" else (x, x + w)
        assert 0 <= start and end <= width, text.text
        assert size * 0.9 <= y <= height - size * 0.2, text.text  # ascent above, descent below
        lines.setdefault(y, []).append((start, end))
    for spans in lines.values():  # the legend's columns never run into each other
        spans.sort()
        assert all(a[1] < b[0] for a, b in zip(spans, spans[1:])), spans
    ys = sorted(lines)
    assert all(b - a >= size * 1.3 for a, b in zip(ys, ys[1:]))  # nor its lines

    for shape in sectors(root):
        if shape.tag == SVG + "circle":
            cx, cy, r = (float(shape.get(a)) for a in ("cx", "cy", "r"))
            assert r <= cx <= width - r and r <= cy <= height - r
        else:
            vals = numbers(shape.get("d"))
            cx, cy, r = vals[0], vals[1], vals[4]
            assert r <= cx <= width - r and r <= cy <= height - r  # the whole circle fits
    pie_right = max(numbers(s.get("d"))[0] + numbers(s.get("d"))[4] for s in root.iter(SVG + "path"))
    assert pie_right < min(float(r.get("x")) for r in root.iter(SVG + "rect"))  # pie left of legend


def test_long_labels_widen_the_legend_not_the_page():
    root = parse(structure_chart_svg(LONG, title=TITLE))
    assert view_box(root)[2] == 160


def test_empty_says_no_data():
    root = parse(structure_chart_svg([], title=TITLE))
    assert texts(root) == ["无数据"]
    assert sectors(root) == [] and root.findall(".//svg:rect", NS) == []
    _, _, w, h = view_box(root)
    (text,) = root.iter(SVG + "text")
    assert text.get("text-anchor") == "middle" and float(text.get("x")) == pytest.approx(w / 2)
    assert abs(float(text.get("y")) - h / 2) < 2


def test_all_zero_slices_keep_their_legend():
    zero = [Slice("甲", "0.00", "0.00%", D(0)), Slice("乙", "0.00", "0.00%", D(0))]
    root = parse(structure_chart_svg(zero, title=TITLE))
    assert sectors(root) == []
    assert "无数据" in texts(root) and "甲" in texts(root) and "乙" in texts(root)


# ---------------------------------------------------------------- through WeasyPrint


def test_renders_in_weasyprint_with_extractable_legend(caplog):
    weasyprint = pytest.importorskip("weasyprint")
    pypdf = pytest.importorskip("pypdf")
    figures = "".join(
        f'<figure>{structure_chart_svg(s, title=TITLE)}<figcaption>{TITLE}</figcaption></figure>'
        for s in (THREE, SIX)
    )
    html = (
        "<!DOCTYPE html><html lang='zh-CN'><head><meta charset='utf-8'><style>"
        "@page { size: A4; margin: 20mm } figure svg { width: 150mm; height: auto }"
        f"</style></head><body>{figures}</body></html>"
    )
    with caplog.at_level(logging.WARNING, logger="weasyprint"):
        pdf = weasyprint.HTML(string=html).write_pdf()
    assert [r for r in caplog.records if r.name.startswith("weasyprint")] == []

    text = "".join(page.extract_text() for page in pypdf.PdfReader(io.BytesIO(pdf)).pages)
    compact = re.sub(r"\s+", "", text)
    for needle in ("社会保障和就业支出", "2,300.45万元", "90.17%", "灾害防治及应急管理支出", "0.15%"):
        assert needle in compact, needle
    assert compact.count(TITLE) == 2  # the captions only: the <title> is not drawn
