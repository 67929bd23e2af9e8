"""build: check → compute → render → write. Refuses to render a workbook with errors.

The outputs (PDF, manifest, the HTML with html=True and the tables workbook with xlsx=True) are one unit: checked before the
workbook is read, written under a per-output lock to temporary files, and renamed into place
together (budget_author.outputs). The workbook is only ever read.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterable

from budget_author.check import CheckResult, check_workbook
from budget_author.compute.report import Report, compute_report
from budget_author.manifest import (Change, build_manifest, compare, file_sha256, matches_files, read_manifest,
                                    write_manifest)
from budget_author.outputs import (OutputSet, check_outputs, default_output, os_error, output_lock, plan_outputs,
                                   staged)
from budget_author.paths import resource_dir
from budget_author.render.html import STYLESHEET, render_html

__all__ = ["BuildResult", "build_document", "default_output", "plan_outputs"]


@dataclass
class BuildResult:
    check: CheckResult
    pdf: Path | None = None
    html: Path | None = None
    xlsx: Path | None = None
    pages: int = 0
    seconds: float = 0.0
    warnings: list[str] = field(default_factory=list)
    report: Report | None = None
    manifest: Path | None = None
    changes: list[Change] | None = None  # None: no earlier build to compare with
    repaired: bool = False  # the previous build had been killed between renames; this one put things right
    pdf_sha256: str = ""


def build_document(workbook: Path, output: Path | None = None, *, draft: bool = False, html: bool = False,
                   xlsx: bool = False, also_reads: Iterable[Path] = (), lock_timeout: float | None = None,
                   on_wait: Callable[[], None] | None = None) -> BuildResult:
    """Build the PDF (and, with html=True, a self-contained HTML beside it; with xlsx=True, the published
    tables as an Excel workbook beside it, NAME.xlsx).

    Raises outputs.OutputError (exit 3) when an output would overwrite the workbook or anything in
    `also_reads`, is not a regular file, is locked by another build for longer than `lock_timeout`,
    or cannot be written (a full disk); read.InputError (exit 2) for an unusable workbook;
    RenderError (exit 4) when rendering fails. In every case the earlier outputs stay as they were.
    """
    from budget_author.render.pdf import check_fonts

    started = time.perf_counter()
    workbook = Path(workbook)
    outputs = plan_outputs(workbook, output, html=html, xlsx=xlsx)
    check_outputs(outputs, [workbook, *also_reads])
    workbook_sha256 = _input_sha256(workbook)
    checked = check_workbook(workbook)
    result = BuildResult(check=checked)
    if not checked.ok:
        return result
    check_fonts()
    report = compute_report(checked.parsed.budget, checked.parsed.load_profile())
    result.report = report
    document = render_html(report, draft=draft)
    web_page = None
    if html:
        css = (resource_dir("styles") / STYLESHEET).read_text(encoding="utf-8")
        web_page = render_html(report, draft=draft, inline_css=css)
    try:
        outputs.pdf.parent.mkdir(parents=True, exist_ok=True)
        with output_lock(outputs.pdf, timeout=lock_timeout, on_wait=on_wait), staged(outputs) as staging:
            _write(staging, outputs, report, workbook, workbook_sha256, document, web_page, result)
    except OSError as exc:
        raise os_error(exc, outputs.pdf) from None
    result.seconds = time.perf_counter() - started
    return result


def _input_sha256(workbook: Path) -> str:
    """The workbook's hash, taken before it is read (an unreadable workbook is an input error, exit 2)."""
    from budget_author.workbook.read import read_workbook

    try:
        return file_sha256(workbook)
    except OSError:
        read_workbook(workbook)  # raises the InputError that says why (not found, no permission, a folder …)
        raise


def _write(staging, outputs: OutputSet, report: Report, workbook: Path, workbook_sha256: str, document: str,
           web_page: str | None, result: BuildResult) -> None:
    """Write every output to a temporary file, then rename them all into place (manifest last)."""
    from budget_author.render.worker import default_worker

    previous = read_manifest(outputs.manifest)
    if previous is not None and not matches_files(previous, outputs.roles()):
        previous, result.repaired = None, True
    pdf_tmp = staging.temp(outputs.pdf)
    written = default_worker().render(document, pdf_tmp, title=f"{report.unit_name}{report.title}",
                                      author=report.unit_name)
    temps = {"pdf": pdf_tmp}
    if outputs.html is not None:
        temps["html"] = staging.temp(outputs.html)
        temps["html"].write_text(web_page, encoding="utf-8")
    if outputs.xlsx is not None:
        from budget_author.render.xlsx import write_xlsx  # imports openpyxl: only when asked for

        temps["xlsx"] = write_xlsx(report, staging.temp(outputs.xlsx))
    manifest = build_manifest(report, workbook, workbook_sha256, written.pages, temps)
    write_manifest(staging.temp(outputs.manifest), manifest)
    staging.commit()
    result.pdf, result.pages, result.warnings = outputs.pdf, written.pages, list(written.warnings)
    result.html, result.xlsx, result.manifest = outputs.html, outputs.xlsx, outputs.manifest
    result.pdf_sha256 = manifest["outputs"]["pdf"]["sha256"]
    if previous is not None:
        result.changes = compare(previous["figures"], manifest["figures"])
