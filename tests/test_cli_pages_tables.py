"""Issue 13 item 7: one 公开表 per page, as the published documents and the budget platform print them."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest

NAMES = ["datong-2024", "fenyang-2025"]
LABEL = re.compile(r"预算公开表(\d+)")


def pages_text(path: Path) -> list[str]:
    text = subprocess.run(["pdftotext", "-layout", str(path), "-"], check=True, capture_output=True, text=True).stdout
    return text.split("\f")[:-1]


def table_pages(path: Path) -> dict[int, list[int]]:
    """Table number → the pages (0-based) it occupies: from its label to the page before the next one starts."""
    pages = pages_text(path)
    starts = {}
    for index, page in enumerate(pages):
        for number in LABEL.findall(page):
            starts.setdefault(int(number), []).append(index)
    assert sorted(starts) == list(range(1, 14))
    first = {number: where[0] for number, where in starts.items()}
    narrative = next(i for i, page in enumerate(pages) if "第三部分" in page and i > first[13])
    ends = [first[n + 1] if n < 13 else narrative for n in range(1, 14)]
    return {n: list(range(first[n], ends[n - 1])) for n in range(1, 14)}, starts


@pytest.mark.parametrize("name", NAMES)
def test_every_table_starts_on_its_own_page(built, name):
    normal, _ = built[name]
    spans, starts = table_pages(normal.pdf)
    for number, where in starts.items():
        assert len(where) == 1, (number, where)  # each label printed once
    labels_per_page = {}
    for number, where in starts.items():
        labels_per_page.setdefault(where[0], []).append(number)
    assert all(len(numbers) == 1 for numbers in labels_per_page.values()), labels_per_page
    pages = pages_text(normal.pdf)
    for number, span in spans.items():  # no other table's label on any page a table occupies
        for index in span:
            assert set(map(int, LABEL.findall(pages[index]))) <= {number}, (number, index)


@pytest.mark.parametrize("name", NAMES)
def test_tables_one_and_four_still_span_two_pages(built, name):
    normal, _ = built[name]
    spans, _ = table_pages(normal.pdf)
    assert len(spans[1]) == 2 and len(spans[4]) == 2
    assert all(len(spans[n]) == 1 for n in range(1, 14) if n not in (1, 4))


def test_page_counts_of_the_examples(built):
    assert built["datong-2024"][0].pages == 31
    assert built["fenyang-2025"][0].pages == 36


def test_the_part_title_stays_with_table_one(built):
    normal, _ = built["datong-2024"]
    pages = pages_text(normal.pdf)
    title = next(i for i, page in enumerate(pages) if "第二部分" in page and "预算公开表1" in page)
    assert "预算公开表1" in pages[title]
