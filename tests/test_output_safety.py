"""The output side never loses a file (issue 12, items 1–4; the --xlsx tables workbook of issue 15 with the
others), each on a workbook made from the template.

1. The input is never overwritten, and outputs are regular files.
2. A build's outputs (PDF, HTML, XLSX, manifest) change together or not at all: killed builds, concurrent
   builds, a kill between two renames, temporary files on every failure path.
3. Exit codes and messages say what happened: a full disk, memory, Ctrl-C, a killed worker, JSON.
4. Batch builds never lose a unit: collisions, skipped files, the summary file, --html, --xlsx.
"""

from __future__ import annotations

import csv
import errno
import json
import os
import shutil
import signal
import stat
import subprocess
import sys
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from budget_author.build import build_document
from budget_author.cli import cli
from budget_author.manifest import file_sha256, manifest_path, read_manifest
from budget_author.outputs import OutputError, output_lock
from budget_author.paths import resource_dir
from conftest import EXAMPLES, ROOT, example_data


def _snapshot(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir()) if p.is_file() and not p.is_symlink()}


def _temps(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name.startswith(".~"))


def _cli(*args: str, **kwargs) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "budget_author", *args], capture_output=True, text=True,
                          timeout=240, cwd=ROOT, **kwargs)


def _start(*args: str, **kwargs) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "budget_author", *args], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, cwd=ROOT, **kwargs)


def _children(pid: int) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            cmdline = (entry / "cmdline").read_bytes()
        except OSError:
            continue
        if int(fields[1]) == pid and b"budget_author.render.worker" in cmdline:
            found.append(int(entry.name))
    return found


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


def _wait_for(condition, seconds: float = 60, step: float = 0.02) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(step)
    return False


@pytest.fixture
def unit(tmp_path, make_workbook, mini) -> Path:
    """A small unit's workbook in a folder of its own, built once: the folder holds old outputs."""
    folder = tmp_path / "unit"
    folder.mkdir()
    path = make_workbook(mini, "unit/单位.xlsx")
    return path


@pytest.fixture(scope="module")
def slow_unit(tmp_path_factory) -> Path:
    """fenyang-2025 (about 2.5 s of layout) with old outputs beside it: long enough to be caught mid-render."""
    folder = tmp_path_factory.mktemp("slow")
    path = folder / "汾阳.xlsx"
    shutil.copy(EXAMPLES / "fenyang-2025.xlsx", path)
    return path


def _with_old_outputs(path: Path) -> dict[str, bytes]:
    done = _cli("build", str(path))
    assert done.returncode == 0, done.stderr
    return _snapshot(path.parent)


# ---------------------------------------------------------------- 1. the input is never overwritten


@pytest.mark.parametrize("case", ["-o input", "input named .pdf", "input named .html", "input named .manifest.json",
                                  "--xlsx input named like the tables workbook", "--xlsx -o hard link to input",
                                  "-o link to input", "-o hard link to input", "-o a tool file", "watch -o input"])
def test_an_output_that_is_the_input_is_refused(unit, case):
    folder = unit.parent
    args: list[str]
    if case == "-o input":
        args = ["build", str(unit), "-o", str(unit)]
    elif case == "input named .pdf":
        unit = unit.rename(folder / "表.pdf")
        args = ["build", str(unit)]
    elif case == "input named .html":
        unit = unit.rename(folder / "表.html")
        args = ["build", str(unit), "--html"]
    elif case == "input named .manifest.json":
        unit = unit.rename(folder / "表.manifest.json")
        args = ["build", str(unit), "-o", str(folder / "表.pdf")]
    elif case == "--xlsx input named like the tables workbook":  # -o 公开.pdf → 公开-公开表.xlsx: the input
        unit = unit.rename(folder / "公开-公开表.xlsx")
        args = ["build", str(unit), "-o", str(folder / "公开.pdf"), "--xlsx", "--html"]
    elif case == "--xlsx -o hard link to input":
        os.link(unit, folder / "公开-公开表.xlsx")
        args = ["build", str(unit), "-o", str(folder / "公开.pdf"), "--xlsx"]
    elif case == "-o link to input":
        (folder / "link.pdf").symlink_to(unit.name)
        args = ["build", str(unit), "-o", str(folder / "link.pdf")]
    elif case == "-o hard link to input":
        os.link(unit, folder / "hard.pdf")
        args = ["build", str(unit), "-o", str(folder / "hard.pdf")]
    elif case == "-o a tool file":
        args = ["build", str(unit), "-o", str(resource_dir("styles") / "print.pdf")]
    else:
        args = ["watch", str(unit), "-o", str(unit)]
    before = _snapshot(folder)
    result = CliRunner().invoke(cli, args)
    assert result.exit_code == 3, result.output
    assert "[OUTPUT_IS_INPUT]" in result.output
    assert _snapshot(folder) == before and _temps(folder) == []
    assert not (resource_dir("styles") / "print.pdf").exists()


@pytest.mark.parametrize("kind", ["folder", "device", "fifo"])
def test_an_output_that_is_not_a_regular_file_is_refused(unit, kind):
    folder = unit.parent
    if kind == "folder":
        target = folder / "公开文件.pdf"
        target.mkdir()
    elif kind == "device":
        target = Path("/dev/null")
    else:
        target = folder / "管道.pdf"
        os.mkfifo(target)
    result = CliRunner().invoke(cli, ["build", str(unit), "-o", str(target)])
    assert result.exit_code == 3, result.output
    assert "[OUTPUT_NOT_A_FILE]" in result.output
    mode = os.stat(target).st_mode
    assert {"folder": stat.S_ISDIR, "device": stat.S_ISCHR, "fifo": stat.S_ISFIFO}[kind](mode)
    assert _temps(folder) == []


def test_an_output_not_named_pdf_is_refused(unit):
    result = CliRunner().invoke(cli, ["build", str(unit), "-o", str(unit.parent / "公开文件.html"), "--html"])
    assert result.exit_code == 3 and "[OUTPUT_NOT_PDF]" in result.output
    assert not (unit.parent / "公开文件.html").exists()


# ---------------------------------------------------------------- 2. outputs change together or not at all


def test_outputs_are_recorded_together_and_a_kill_between_renames_is_repaired(unit, monkeypatch):
    first = build_document(unit, html=True)
    manifest = read_manifest(first.manifest)
    assert manifest["outputs"]["pdf"]["sha256"] == file_sha256(first.pdf)
    assert manifest["outputs"]["html"]["sha256"] == file_sha256(first.html)
    old_manifest = first.manifest.read_bytes()

    # Killed after the PDF was renamed into place, before the manifest was.
    real_replace = os.replace

    def killed_before_the_manifest(src, dst, *args, **kwargs):
        if Path(dst) == first.manifest:
            raise KeyboardInterrupt
        return real_replace(src, dst, *args, **kwargs)

    monkeypatch.setattr(os, "replace", killed_before_the_manifest)
    with pytest.raises(KeyboardInterrupt):
        build_document(unit, html=True, draft=True)
    monkeypatch.setattr(os, "replace", real_replace)
    assert first.manifest.read_bytes() == old_manifest  # stale: it names the previous PDF
    assert _temps(unit.parent) == []

    result = CliRunner().invoke(cli, ["build", str(unit), "--html"])
    assert result.exit_code == 0, result.output
    assert "[OUTPUT_REPAIRED]" in result.output and "以下" not in result.output
    manifest = read_manifest(first.manifest)
    assert manifest["outputs"]["pdf"]["sha256"] == file_sha256(first.pdf)
    assert manifest["outputs"]["html"]["sha256"] == file_sha256(first.html)
    again = CliRunner().invoke(cli, ["build", str(unit), "--html"])
    assert "[OUTPUT_REPAIRED]" not in again.output and "没有数字发生变化" in again.output


def test_the_xlsx_is_recorded_identical_when_rebuilt_and_a_kill_before_it_is_repaired(unit, monkeypatch, make_workbook,
                                                                                       mini):
    target = unit.parent / "公开.pdf"
    first = build_document(unit, target, xlsx=True)
    assert first.xlsx == unit.parent / "公开-公开表.xlsx"
    manifest = read_manifest(first.manifest)
    assert set(manifest["outputs"]) == {"pdf", "xlsx"}
    assert manifest["outputs"]["xlsx"]["sha256"] == file_sha256(first.xlsx)
    workbook_bytes, old_xlsx = unit.read_bytes(), first.xlsx.read_bytes()
    again = build_document(unit, target, xlsx=True)
    assert again.xlsx.read_bytes() == old_xlsx and again.changes == []  # the same report, the same bytes

    # Killed after the PDF was renamed into place, before the XLSX (and the manifest) were.
    real_replace = os.replace

    def killed_before_the_xlsx(src, dst, *args, **kwargs):
        if Path(dst) == first.xlsx:
            raise KeyboardInterrupt
        return real_replace(src, dst, *args, **kwargs)

    other = make_workbook(dict(mini, unit=dict(mini["unit"], name="测试市另一中心")), "unit/其他.xlsx")
    monkeypatch.setattr(os, "replace", killed_before_the_xlsx)
    with pytest.raises(KeyboardInterrupt):
        build_document(other, target, xlsx=True)
    monkeypatch.setattr(os, "replace", real_replace)
    assert first.xlsx.read_bytes() == old_xlsx and _temps(unit.parent) == []
    assert file_sha256(target) != read_manifest(first.manifest)["outputs"]["pdf"]["sha256"]

    result = CliRunner().invoke(cli, ["build", str(other), "-o", str(target), "--xlsx"])
    assert result.exit_code == 0, result.output
    assert "[OUTPUT_REPAIRED]" in result.output and f"已生成：{first.xlsx}" in result.output
    manifest = read_manifest(first.manifest)
    assert manifest["outputs"]["xlsx"]["sha256"] == file_sha256(first.xlsx)
    assert first.xlsx.read_bytes() != old_xlsx and unit.read_bytes() == workbook_bytes


def test_a_failed_xlsx_leaves_the_old_outputs_and_no_temporary_file(unit, monkeypatch):
    target = unit.parent / "公开.pdf"
    build_document(unit, target, xlsx=True)
    before = _snapshot(unit.parent)
    import budget_author.render.xlsx as writer

    def half_written(report, path):
        Path(path).write_bytes(b"PK\x03\x04 half")
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(writer, "write_xlsx", half_written)
    with pytest.raises(OutputError) as info:
        build_document(unit, target, draft=True, xlsx=True)
    assert info.value.code == "OUTPUT_DISK_FULL"
    assert _snapshot(unit.parent) == before and _temps(unit.parent) == []


def test_a_render_timeout_with_xlsx_writes_no_xlsx(unit):
    done = _cli("build", str(unit), "-o", str(unit.parent / "公开.pdf"), "--xlsx",
                env=dict(os.environ, BUDGET_AUTHOR_RENDER_TIMEOUT="0.05"))
    assert done.returncode == 4 and "[RENDER_TIMEOUT]" in done.stderr
    assert sorted(p.name for p in unit.parent.iterdir()) == [unit.name]


def test_a_second_build_of_the_same_output_waits_or_refuses(unit):
    first = build_document(unit)
    before = _snapshot(unit.parent)
    with output_lock(first.pdf):
        waited = []
        with pytest.raises(OutputError) as info:
            build_document(unit, lock_timeout=0.3, on_wait=lambda: waited.append(True))
    assert info.value.code == "OUTPUT_BUSY" and waited == [True]
    assert _snapshot(unit.parent) == before
    assert build_document(unit).pdf == first.pdf  # the lock is gone with its holder


def test_concurrent_builds_to_one_output_leave_a_matching_pair(tmp_path, make_workbook):
    datong = make_workbook(example_data("datong-2024"), "datong.xlsx")
    fenyang = make_workbook(example_data("fenyang-2025"), "fenyang.xlsx")
    target = tmp_path / "out" / "公开文件.pdf"
    runs = [_start("build", str(path), "-o", str(target)) for path in (datong, fenyang, datong)]
    outputs = [run.communicate(timeout=240) for run in runs]
    assert [run.returncode for run in runs] == [0, 0, 0], outputs
    assert any("等待它完成" in err for _, err in outputs)
    manifest = read_manifest(manifest_path(target))
    assert manifest["outputs"]["pdf"]["sha256"] == file_sha256(target)
    from pypdf import PdfReader

    assert PdfReader(target).metadata.title.startswith(manifest["unit"])
    assert _temps(target.parent) == []


def test_a_killed_build_leaves_the_old_outputs_and_its_worker_dies_with_it(slow_unit):
    folder = slow_unit.parent
    before = _with_old_outputs(slow_unit)
    run = _start("build", str(slow_unit), "--draft")
    assert _wait_for(lambda: _temps(folder) != [] and _children(run.pid)), "the render never started"
    workers = _children(run.pid)
    run.kill()
    run.communicate(timeout=30)
    assert _wait_for(lambda: not any(_alive(pid) for pid in workers), 5), "the render worker outlived its build"
    assert {k: v for k, v in _snapshot(folder).items() if not k.startswith(".~")} == before
    rebuilt = _cli("build", str(slow_unit))  # the next build clears what the killed one left
    assert rebuilt.returncode == 0, rebuilt.stderr
    assert _temps(folder) == []
    assert read_manifest(manifest_path(slow_unit.with_suffix(".pdf")))["outputs"]["pdf"]["sha256"] == \
        file_sha256(slow_unit.with_suffix(".pdf"))


def test_ctrl_c_exits_130_with_one_line_and_keeps_the_old_outputs(slow_unit):
    folder = slow_unit.parent
    before = _with_old_outputs(slow_unit)
    run = _start("build", str(slow_unit), "--draft", start_new_session=True)
    assert _wait_for(lambda: _temps(folder) != [] and _children(run.pid)), "the render never started"
    workers = _children(run.pid)
    os.killpg(run.pid, signal.SIGINT)  # as the terminal does: the whole process group
    out, err = run.communicate(timeout=60)
    assert run.returncode == 130, out + err
    assert err == "已中断，原有文件保持不变。\n" and out == ""
    assert _snapshot(folder) == before and _temps(folder) == []
    assert not any(_alive(pid) for pid in workers)


def test_a_killed_render_worker_is_a_render_failure_without_a_trace(slow_unit):
    folder = slow_unit.parent
    before = _with_old_outputs(slow_unit)
    run = _start("build", str(slow_unit), "--draft")
    assert _wait_for(lambda: _temps(folder) != [] and _children(run.pid)), "the render never started"
    for pid in _children(run.pid):
        os.kill(pid, signal.SIGKILL)
    out, err = run.communicate(timeout=60)
    assert run.returncode == 4, out + err
    assert "[RENDER_FAILED]" in err and "SIGKILL" in err and "Traceback" not in err
    assert _snapshot(folder) == before and _temps(folder) == []


@pytest.mark.parametrize("limit", ["100", "150", "230"])  # each fails differently; ~300 may fit
def test_running_out_of_memory_is_render_memory(unit, limit):
    before = _snapshot(unit.parent)
    done = _cli("build", str(unit), env=dict(os.environ, BUDGET_AUTHOR_RENDER_MEMORY_MB=limit))
    assert done.returncode == 4, done.stdout + done.stderr
    assert "[RENDER_MEMORY]" in done.stderr
    assert "Traceback" not in done.stderr and "Fontconfig" not in done.stderr and "GLib" not in done.stderr
    assert _snapshot(unit.parent) == before and _temps(unit.parent) == []


def test_a_render_timeout_leaves_no_temporary_file(unit):
    before = _snapshot(unit.parent)
    done = _cli("build", str(unit), env=dict(os.environ, BUDGET_AUTHOR_RENDER_TIMEOUT="0.05"))
    assert done.returncode == 4 and "[RENDER_TIMEOUT]" in done.stderr
    assert _snapshot(unit.parent) == before and _temps(unit.parent) == []


# ---------------------------------------------------------------- 3. a full disk, and a file name in JSON


@pytest.fixture
def small_disk(tmp_path):
    """A real file system of a given size: tmpfs, mounted for the test (needs root, as in CI)."""
    mounted: list[Path] = []

    def mount(size_kib: int) -> Path:
        folder = tmp_path / f"disk{len(mounted)}"
        folder.mkdir()
        done = subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size_kib}k", "tmpfs", str(folder)],
                              capture_output=True, text=True)
        if done.returncode != 0:
            pytest.skip(f"cannot mount a tmpfs here (needs root): {done.stderr.strip()}")
        mounted.append(folder)
        return folder

    yield mount
    for folder in mounted:
        subprocess.run(["umount", "-l", str(folder)], check=False)


@pytest.mark.parametrize("room", ["not even the PDF", "the PDF but not the manifest"])
def test_a_full_disk_is_an_output_error_that_names_the_folder(unit, small_disk, room):
    reference = build_document(unit, unit.parent / "ref.pdf")
    pdf_kib = reference.pdf.stat().st_size // 1024
    disk = small_disk(max(8, pdf_kib // 2) if room == "not even the PDF" else pdf_kib + 8)
    target = disk / "公开文件.pdf"
    result = CliRunner().invoke(cli, ["build", str(unit), "-o", str(target)])
    assert result.exit_code == 3, result.output
    assert "[OUTPUT_DISK_FULL]" in result.output and str(disk) in result.output
    assert "RENDER_FAILED" not in result.output
    assert os.listdir(disk) == []  # nothing replaced, nothing half-written, no temporary file


def test_a_reader_that_goes_away_ends_the_command_quietly(tmp_path, make_workbook, mini):
    mini["expenditure"][0]["code"] = "2O80109"
    path = make_workbook(mini)
    reader, writer = os.pipe()
    os.close(reader)  # nobody reads: the first write fails with EPIPE
    done = subprocess.run([sys.executable, "-m", "budget_author", "check", str(path)], stdout=writer,
                          stderr=subprocess.PIPE, text=True, timeout=120, cwd=ROOT)
    os.close(writer)
    assert done.returncode == 141 and done.stderr == ""


def test_check_json_is_valid_utf8_with_an_undecodable_file_name(tmp_path, make_workbook, mini):
    path = make_workbook(mini)
    odd = os.path.join(os.fsencode(tmp_path), b"\xff\xfe-\xe5\x8d.xlsx")
    os.rename(path, odd)
    done = subprocess.run([sys.executable, "-m", "budget_author", "check", odd, "--format", "json"],
                          capture_output=True, timeout=120, cwd=ROOT)
    assert done.returncode == 0, done.stderr
    payload = json.loads(done.stdout.decode("utf-8"))
    assert payload["file"].endswith("\\xff\\xfe-\\xe5\\x8d.xlsx") and payload["errors"] == 0


# ---------------------------------------------------------------- 4. batch builds never lose a unit


def test_batch_refuses_collisions_lists_skipped_files_writes_its_record_and_html(tmp_path, make_workbook, mini):
    a, b = tmp_path / "a", tmp_path / "b"
    make_workbook(mini, "a/单位.xlsx")
    make_workbook(mini, "b/单位.xlsx")
    other = dict(mini, unit=dict(mini["unit"], name="测试市另一中心"))
    make_workbook(other, "a/其他.xlsx")
    (a / "说明.txt").write_text("不是填报表", encoding="utf-8")
    (a / "旧表.xls").write_bytes(b"\xd0\xcf\x11\xe0")
    (a / "~$其他.xlsx").write_bytes(b"lock")
    out = tmp_path / "out"
    done = _cli("build", str(a), str(b), "-o", str(out), "--html", "--jobs", "2")
    assert done.returncode == 3, done.stdout + done.stderr
    assert "成功 1 个，失败 2 个，跳过 3 个文件" in done.stdout
    assert sorted(p.name for p in out.iterdir() if not p.name.startswith("生成结果-")) == [
        "其他.html", "其他.manifest.json", "其他.pdf"]
    (record,) = out.glob("生成结果-*.csv")
    rows = list(csv.DictReader(record.read_text(encoding="utf-8-sig").splitlines()))
    by_file = {Path(r["填报表"]).relative_to(tmp_path).as_posix(): r for r in rows}
    assert set(by_file) == {"a/单位.xlsx", "b/单位.xlsx", "a/其他.xlsx", "a/说明.txt", "a/旧表.xls", "a/~$其他.xlsx"}
    for name, other_name in (("a/单位.xlsx", "b/单位.xlsx"), ("b/单位.xlsx", "a/单位.xlsx")):
        row = by_file[name]
        assert (row["状态"], row["代码"]) == ("无法写入", "OUTPUT_COLLISION")
        assert str(tmp_path / other_name) in row["说明"]
    built = by_file["a/其他.xlsx"]
    assert (built["状态"], built["单位"]) == ("成功", "测试市另一中心")
    assert built["PDF 的 SHA-256"] == file_sha256(out / "其他.pdf")
    assert {by_file[n]["状态"] for n in ("a/说明.txt", "a/旧表.xls", "a/~$其他.xlsx")} == {"已跳过"}
    assert "另存为 .xlsx" in by_file["a/旧表.xls"]["说明"]
    assert "锁文件" in by_file["a/~$其他.xlsx"]["说明"]


def test_batch_writes_the_xlsx_of_each_unit_beside_the_workbooks_or_in_the_output_folder(tmp_path, make_workbook,
                                                                                       mini):
    make_workbook(mini, "units/单位.xlsx")
    make_workbook(dict(mini, unit=dict(mini["unit"], name="测试市另一中心")), "units/其他.xlsx")
    folder, out = tmp_path / "units", tmp_path / "out"
    workbooks = {name: (folder / name).read_bytes() for name in ("单位.xlsx", "其他.xlsx")}
    beside = _cli("build", str(folder), "--xlsx", "--jobs", "1")  # NAME-公开表.xlsx beside NAME.xlsx
    assert beside.returncode == 0, beside.stdout + beside.stderr
    assert {name: (folder / name).read_bytes() for name in workbooks} == workbooks
    assert (folder / "单位-公开表.xlsx").is_file() and (folder / "其他-公开表.xlsx").is_file()
    again = _cli("build", str(folder), "--jobs", "1")  # the tables workbooks are outputs, not units to build
    assert again.returncode == 0 and "单位-公开表" not in again.stdout, again.stdout + again.stderr
    done = _cli("build", str(folder), "-o", str(out), "--xlsx", "--jobs", "1")
    assert done.returncode == 0, done.stdout + done.stderr
    assert sorted(p.name for p in out.iterdir() if not p.name.startswith("生成结果-")) == [
        "其他-公开表.xlsx", "其他.manifest.json", "其他.pdf", "单位-公开表.xlsx", "单位.manifest.json", "单位.pdf"]
    for name in ("单位", "其他"):
        assert read_manifest(out / f"{name}.manifest.json")["outputs"]["xlsx"]["sha256"] == file_sha256(
            out / f"{name}-公开表.xlsx")


def test_batch_refuses_an_output_that_is_another_units_workbook(tmp_path, make_workbook, mini):
    first = make_workbook(mini, "报表.xlsx")
    # A workbook named as the first one's manifest: its own outputs (报表.manifest.pdf …) collide with nothing.
    second = make_workbook(mini, "second.xlsx").rename(tmp_path / "报表.manifest.json")
    before = second.read_bytes()
    done = _cli("build", str(first), str(second), "--jobs", "1")
    assert done.returncode == 3, done.stdout + done.stderr
    assert second.read_bytes() == before and not (tmp_path / "报表.pdf").exists()
    (record,) = tmp_path.glob("生成结果-*.csv")
    rows = {Path(r["填报表"]).name: r for r in csv.DictReader(record.read_text(encoding="utf-8-sig").splitlines())}
    assert (rows["报表.xlsx"]["状态"], rows["报表.xlsx"]["代码"]) == ("无法写入", "OUTPUT_IS_INPUT")
    assert "同一命令读取的另一个填报表" in rows["报表.xlsx"]["说明"]
    assert rows["报表.manifest.json"]["状态"] == "成功"  # built: its outputs overwrite nothing
    assert (tmp_path / "报表.manifest.pdf").exists()


def _batch_folder(tmp_path: Path, count: int) -> Path:
    folder = tmp_path / "units"
    folder.mkdir()
    for i in range(count):
        shutil.copy(EXAMPLES / "fenyang-2025.xlsx", folder / f"u{i}.xlsx")
    return folder


def _built(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if not p.name.startswith("生成结果-"))


def test_batch_ctrl_c_unwinds_the_units_in_progress_and_starts_no_other(tmp_path):
    units, out = _batch_folder(tmp_path, 4), tmp_path / "out"
    run = _start("build", str(units), "-o", str(out), "--jobs", "2", start_new_session=True)
    assert _wait_for(lambda: out.is_dir() and len(_temps(out)) >= 2), "the renders never started"
    os.killpg(run.pid, signal.SIGINT)
    stdout, err = run.communicate(timeout=60)
    assert run.returncode == 130, stdout + err
    assert err == "已中断，原有文件保持不变。\n" and "Traceback" not in stdout
    time.sleep(3)  # longer than a render: nothing queued starts after the interruption
    assert _built(out) == [] and _temps(out) == []
    (record,) = out.glob("生成结果-*.csv")  # the record of the run is kept, even if nothing finished
    assert record.read_text(encoding="utf-8-sig").splitlines()[0].startswith("填报表,单位,状态")


def test_a_killed_batch_builds_nothing_after_its_death(tmp_path):
    units, out = _batch_folder(tmp_path, 4), tmp_path / "out"
    run = _start("build", str(units), "-o", str(out), "--jobs", "2")
    assert _wait_for(lambda: out.is_dir() and len(_temps(out)) >= 2), "the renders never started"
    run.kill()
    run.communicate(timeout=30)
    time.sleep(4)  # longer than a render: the pool workers were told to stop when their parent died
    assert _built(out) == []
    assert _wait_for(lambda: _temps(out) == [], 10), _temps(out)


def test_batch_with_undecodable_file_names_keeps_its_record(tmp_path, make_workbook, mini):
    folder = tmp_path / "units"
    make_workbook(mini, "units/单位.xlsx")
    os.rename(make_workbook(mini, "units/x.xlsx"), os.path.join(os.fsencode(folder), b"\xb5\xa5\xce\xbb.xlsx"))
    Path(os.fsdecode(os.path.join(os.fsencode(folder), b"\xc3\xfb\xb5\xa5.txt"))).write_text("GBK 文件名")
    done = subprocess.run([sys.executable, "-m", "budget_author", "build", str(folder), "--jobs", "1"],
                          capture_output=True, timeout=240, cwd=ROOT)
    assert done.returncode == 0, done.stderr.decode("utf-8", "replace")
    (record,) = folder.glob("生成结果-*.csv")
    rows = list(csv.DictReader(record.read_text(encoding="utf-8-sig").splitlines()))
    assert sorted(r["状态"] for r in rows) == ["已跳过", "成功", "成功"]
    assert any(r["填报表"].endswith("\\xb5\\xa5λ.xlsx") for r in rows)  # \xce\xbb is UTF-8 for λ
