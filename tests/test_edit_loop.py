"""The edit loop: manifest and redline, `diff`, `watch`, and batch builds."""

from __future__ import annotations

import os
import queue
import shutil
import threading
from pathlib import Path

import pytest
from click.testing import CliRunner
from openpyxl import load_workbook

from budget_author.batch import CRASH_HOOK, build_many, collect_workbooks
from budget_author.check import check_workbook
from budget_author.cli import cli
from budget_author.compute.report import compute_report
from budget_author.manifest import compare, figures_of, manifest_path, read_manifest, redline_lines
from budget_author.watch import watch_workbook
from conftest import EXAMPLES, example_data


def _figures(path):
    return figures_of(compute_report(check_workbook(path).parsed.budget))


def _save_like_excel(source: Path, target: Path) -> None:
    """Excel and WPS write a temporary file, then rename it over the workbook."""
    temp = target.with_name(f"~${target.stem}.tmp")
    shutil.copy(source, temp)
    os.replace(temp, target)


def test_diff_lists_exactly_the_figures_that_depend_on_one_leaf(make_workbook):
    old = example_data("datong-2024")
    new = example_data("datong-2024")
    new["prior"]["income_total"] = "20000000.00"  # one leaf: last year's 收入总计
    changes = compare(_figures(make_workbook(old)), _figures(make_workbook(new)))
    assert [c.key for c in changes] == ["narrative.一.income.change", "narrative.一.income.change_percent"]
    assert redline_lines(changes) == [
        "一、单位预算收支数据变动情况及原因 预算收入 增减额 254.88 → 551.34 万元；增减幅度 11.10% → 27.57%"
    ]


def test_diff_of_a_basic_expenditure_change_follows_it_everywhere(make_workbook):
    old = example_data("fenyang-2025")
    new = example_data("fenyang-2025")
    # 办公费 +10,000 元: the 基本支出 fact, its economic twin and the income that funds it move together.
    new["basic_economic"] = [dict(f, amount=f"{float(f['amount']) + 10000:.2f}") if f["code"] == "30201" else f
                             for f in new["basic_economic"]]
    fact = next(f for f in new["expenditure"] if f["code"] == "2080109" and f["kind"] == "基本支出")
    fact["amount"] = f"{float(fact['amount']) + 10000:.2f}"
    new["income"][0]["amount"] = f"{float(new['income'][0]['amount']) + 10000:.2f}"
    changes = compare(_figures(make_workbook(old)), _figures(make_workbook(new)))
    keys = {c.key for c in changes}
    assert "table.6.30201.public_use" in keys and "table.3.2080109.basic" in keys
    assert "narrative.三.basic.amount" in keys and "narrative.六.public_use" in keys
    assert not any(k.startswith(("table.12.", "table.10.", "form.", "narrative.十.")) for k in keys)
    lines = redline_lines(changes)
    assert "三、支出预算情况说明 基本支出 450.96 → 451.96 万元；占比 15.49% → 15.52%" in lines


def test_diff_command(tmp_path, make_workbook):
    new = example_data("datong-2024")
    new["procurement"]["goods"] = "418500.00"
    result = CliRunner().invoke(cli, ["diff", str(EXAMPLES / "datong-2024.xlsx"), str(make_workbook(new))])
    assert result.exit_code == 0, result.output
    assert "文件中共 2 处数字有变化" in result.output  # issue 13: the changed cell first, its figures under it
    assert ("  政府采购!B2（政府采购货物预算）：408500 → 418500\n      九、政府采购情况 总计 40.85 → 41.85 万元\n"
            "      九、政府采购情况 政府采购货物 40.85 → 41.85 万元") in result.output
    same = CliRunner().invoke(cli, ["diff", str(EXAMPLES / "datong-2024.xlsx"), str(EXAMPLES / "datong-2024.xlsx")])
    assert "填写的内容和文件中的数字都没有变化" in same.output


def test_rebuild_reports_what_moved(tmp_path, make_workbook):
    source = tmp_path / "unit.xlsx"
    shutil.copy(EXAMPLES / "fenyang-2025.xlsx", source)
    first = CliRunner().invoke(cli, ["build", str(source)])
    assert first.exit_code == 0 and "变化" not in first.output
    manifest = read_manifest(manifest_path(source.with_suffix(".pdf")))
    assert manifest["input"]["sha256"] and manifest["figures"]["table.3.total.total"]["text"] == "2911.06"
    changed = example_data("fenyang-2025")
    changed["procurement"]["goods"] = "30700.00"
    _save_like_excel(make_workbook(changed), source)
    second = CliRunner().invoke(cli, ["build", str(source)])
    assert "九、政府采购情况 政府采购货物 2.07 → 3.07 万元" in second.output


def test_watch_rebuilds_keeps_the_last_good_pdf_and_recovers(tmp_path, make_workbook):
    workbook = tmp_path / "单位.xlsx"
    shutil.copy(EXAMPLES / "datong-2024.xlsx", workbook)
    pdf = tmp_path / "单位.pdf"
    rounds: queue.Queue = queue.Queue()
    stop = threading.Event()
    thread = threading.Thread(target=watch_workbook, args=(workbook, pdf),
                              kwargs={"on_round": rounds.put, "stop_event": stop, "debounce_ms": 300}, daemon=True)
    thread.start()
    try:
        first = rounds.get(timeout=60)
        assert first.built and pdf.exists() and first.result.changes is None

        changed = example_data("datong-2024")
        changed["procurement"]["goods"] = "418500.00"
        (tmp_path / ".~lock.单位.xlsx#").write_text("lock")  # LibreOffice's lock file: ignored
        _save_like_excel(make_workbook(changed), workbook)
        second = rounds.get(timeout=60)
        assert second.built
        assert redline_lines(second.result.changes) == ["九、政府采购情况 总计 40.85 → 41.85 万元",
                                                        "九、政府采购情况 政府采购货物 40.85 → 41.85 万元"]

        good_pdf = pdf.read_bytes()
        broken = tmp_path / "broken.xlsx"
        shutil.copy(workbook, broken)
        book = load_workbook(broken)
        book["支出"]["F3"] = "待定"
        book.save(broken)
        _save_like_excel(broken, workbook)
        third = rounds.get(timeout=60)
        assert not third.built
        assert [(i.code, i.cell) for i in third.problems] == [("VAL_AMOUNT_NOT_NUMBER", "F3")]
        assert pdf.read_bytes() == good_pdf  # the last good PDF stays in place

        _save_like_excel(make_workbook(example_data("datong-2024")), workbook)
        fourth = rounds.get(timeout=60)
        assert fourth.built
        assert redline_lines(fourth.result.changes)[1] == "九、政府采购情况 政府采购货物 41.85 → 40.85 万元"
    finally:
        stop.set()
        thread.join(timeout=30)
    assert not thread.is_alive()


def test_watch_waits_for_a_half_written_file(tmp_path):
    from budget_author.watch import build_round

    workbook = tmp_path / "unit.xlsx"
    data = (EXAMPLES / "fenyang-2025.xlsx").read_bytes()
    workbook.write_bytes(data[:1000])  # caught in the middle of a save

    def finish_saving():
        workbook.write_bytes(data)

    timer = threading.Timer(0.6, finish_saving)
    timer.start()
    round_ = build_round(workbook, tmp_path / "unit.pdf", False, 1, retries=6, retry_delay=0.4)
    timer.join()
    assert round_.built


@pytest.fixture(scope="module")
def twenty_units(tmp_path_factory):
    folder = tmp_path_factory.mktemp("units")
    from budget_author.workbook.template import write_template

    for index in range(20):
        name = "datong-2024" if index % 2 else "fenyang-2025"
        data = example_data(name)
        data["unit"]["name"] = f"测试第{index + 1:02d}社会保险中心"
        write_template(folder / f"unit{index + 1:02d}.xlsx", data)
    (folder / "~$unit01.xlsx").write_bytes(b"lock")  # Excel's lock file is not a workbook to build
    return folder


def test_batch_builds_twenty_units(twenty_units, tmp_path):
    result = CliRunner().invoke(cli, ["build", str(twenty_units), "-o", str(tmp_path / "pdf"), "--jobs", "2"])
    assert result.exit_code == 0, result.output
    pdfs = sorted(p.name for p in (tmp_path / "pdf").glob("*.pdf"))
    assert pdfs == [f"unit{i:02d}.pdf" for i in range(1, 21)]
    assert "成功 20 个，失败 0 个" in result.output
    assert "测试第07社会保险中心" in result.output


def test_batch_goes_on_past_a_broken_unit_and_a_crashed_worker(twenty_units, tmp_path, monkeypatch):
    folder = tmp_path / "units"
    folder.mkdir()
    for path in sorted(twenty_units.glob("unit0[1-5].xlsx")):
        shutil.copy(path, folder / path.name)
    book = load_workbook(folder / "unit03.xlsx")
    book["支出"]["A3"] = "2O80109"
    book.save(folder / "unit03.xlsx")
    monkeypatch.setenv(CRASH_HOOK, "unit05.xlsx")
    outcomes = build_many(collect_workbooks([folder]).workbooks, output_dir=tmp_path / "pdf", jobs=2)
    assert [(o.workbook.name, o.status) for o in outcomes] == [
        ("unit01.xlsx", "成功"), ("unit02.xlsx", "成功"), ("unit03.xlsx", "有错误"),
        ("unit04.xlsx", "成功"), ("unit05.xlsx", "进程崩溃"),
    ]
    assert outcomes[2].message == "支出!A3 [CODE_MALFORMED]"
    assert sorted(p.name for p in (tmp_path / "pdf").glob("*.pdf")) == ["unit01.pdf", "unit02.pdf", "unit04.pdf"]
    result = CliRunner().invoke(cli, ["build", str(folder), "-o", str(tmp_path / "pdf2"), "-j", "2"])
    assert result.exit_code != 0 and "失败 2 个" in result.output
