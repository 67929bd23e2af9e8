"""build: check → compute → render → write. Refuses to render a workbook with errors."""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from pathlib import Path

from budget_author.check import CheckResult, check_workbook
from budget_author.compute.report import Report, compute_report
from budget_author.fileio import atomic_write
from budget_author.manifest import Change, build_manifest, compare, manifest_path, read_manifest, write_manifest
from budget_author.paths import resource_dir
from budget_author.render.html import STYLESHEET, render_html


@dataclass
class BuildResult:
    check: CheckResult
    pdf: Path | None = None
    html: Path | None = None
    pages: int = 0
    seconds: float = 0.0
    warnings: list[str] = field(default_factory=list)
    report: Report | None = None
    manifest: Path | None = None
    changes: list[Change] | None = None  # None: no earlier build to compare with


def default_output(workbook: Path) -> Path:
    return Path(workbook).with_suffix(".pdf")


def build_document(workbook: Path, output: Path | None = None, *, draft: bool = False,
                   html: bool = False) -> BuildResult:
    """Build the PDF (and, with html=True, a self-contained HTML beside it)."""
    from budget_author.render.pdf import check_fonts
    from budget_author.render.worker import default_worker

    started = time.perf_counter()
    checked = check_workbook(workbook)
    result = BuildResult(check=checked)
    if not checked.ok:
        return result
    check_fonts()
    report = compute_report(checked.parsed.budget)
    result.report = report
    output = Path(output) if output else default_output(workbook)
    document = render_html(report, draft=draft)
    written = default_worker().render(document, output, title=f"{report.unit_name}{report.title}",
                                      author=report.unit_name)
    result.pdf, result.pages, result.warnings = written.path, written.pages, list(written.warnings)
    manifest = build_manifest(report, workbook, written.pages)
    previous = read_manifest(manifest_path(output))
    if previous is not None:
        result.changes = compare(previous["figures"], manifest["figures"])
    result.manifest = write_manifest(manifest_path(output), manifest)
    if html:
        css = (resource_dir("styles") / STYLESHEET).read_text(encoding="utf-8")
        page = render_html(report, draft=draft, inline_css=css)
        result.html = atomic_write(output.with_suffix(".html"),
                                   lambda tmp: Path(tmp).write_text(page, encoding="utf-8"))
    result.seconds = time.perf_counter() - started
    return result
