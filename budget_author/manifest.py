"""The build manifest and the redline of changed figures.

Every build writes <name>.manifest.json beside the PDF: the input's hash, the
tool version and every figure the document shows, by stable key. A rebuild and
`budget-author diff` compare two sets of figures, so the redline cannot
disagree with the PDF.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterable

from budget_author import __version__
from budget_author.compute.report import Report
from budget_author.outputs import display, manifest_path  # noqa: F401 - manifest_path: where callers look for it

MANIFEST_FORMAT = 2  # 2: "outputs" records the SHA-256 of the PDF (and HTML, XLSX) the manifest belongs to
READABLE_FORMATS = (1, 2)


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 16), b""):
            digest.update(block)
    return digest.hexdigest()


def _display_unit(key: str, unit: str) -> str:
    """The unit a figure is written in, when it did not say (money: 万元, the Shanxi forms' 元)."""
    if unit == "元":
        return "元" if key.startswith("form.") else "万元"
    return "" if unit == "%" else unit


def figures_of(report: Report) -> dict[str, dict[str, Any]]:
    return {
        key: {
            "value": None if f.value is None else str(f.value),
            "text": f.text,
            "unit": f.shown_unit or _display_unit(key, f.unit),
            "group": f.group,
            "subject": f.subject,
            "measure": f.measure,
        }
        for key, f in report.figures.by_key.items()
    }


def build_manifest(report: Report, workbook: Path, workbook_sha256: str, pages: int,
                   outputs: dict[str, Path]) -> dict[str, Any]:
    """`workbook_sha256`: of the bytes that were checked. `outputs`: the files this manifest belongs to by
    role ("pdf", "html", "xlsx"), already written (temporary names are fine: only their content is recorded)."""
    return {
        "format": MANIFEST_FORMAT,
        "tool": f"budget-author {__version__}",
        "profile": report.profile.name,
        "built_at": dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds"),
        "input": {"name": display(Path(workbook).name), "sha256": workbook_sha256},
        "unit": report.unit_name,
        "year": report.year,
        "pages": pages,
        "outputs": {role: {"sha256": file_sha256(path)} for role, path in outputs.items()},
        "figures": figures_of(report),
    }


def write_manifest(path: Path, manifest: dict[str, Any]) -> Path:
    Path(path).write_text(json.dumps(manifest, ensure_ascii=False, indent=1), encoding="utf-8")
    return Path(path)


def matches_files(manifest: dict[str, Any], files: dict[str, Path]) -> bool:
    """Whether the files on disk are the ones the manifest was written with. False means a build was
    killed between renaming the PDF (or HTML, XLSX) and the manifest. A missing file, or a format-1 manifest
    that recorded none, is not a mismatch."""
    recorded = manifest.get("outputs") or {}
    for role, path in files.items():
        entry = recorded.get(role)
        if not isinstance(entry, dict) or not Path(path).is_file():
            continue
        try:
            if file_sha256(path) != entry.get("sha256"):
                return False
        except OSError:
            return False
    return True


def read_manifest(path: Path) -> dict[str, Any] | None:
    """The previous manifest, or None when there is none we can read (never an error)."""
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(data, dict) or data.get("format") not in READABLE_FORMATS or not isinstance(data.get("figures"), dict):
        return None
    return data


@dataclass(frozen=True)
class Change:
    key: str
    group: str
    subject: str
    measure: str
    old: str
    new: str
    unit: str


def compare(old: dict[str, dict[str, Any]], new: dict[str, dict[str, Any]]) -> list[Change]:
    """Figures whose shown text changed, appeared or disappeared, in the new document's order."""
    changes = []
    for key, figure in new.items():
        before = old.get(key)
        if before is None or before.get("text") != figure["text"]:
            changes.append(Change(key, figure["group"], figure["subject"], figure["measure"],
                                  before.get("text", "") if before else "", figure["text"], figure["unit"]))
    for key, figure in old.items():
        if key not in new:
            changes.append(Change(key, figure.get("group", ""), figure.get("subject", ""), figure.get("measure", ""),
                                  figure.get("text", ""), "", figure.get("unit", "")))
    return changes


def _shown(text: str) -> str:
    return text if text != "" else "（空）"


def redline_lines(changes: Iterable[Change]) -> list[str]:
    """One line per thing that moved, in the document's words:
    `三、支出预算情况说明 基本支出 2,005.48 → 2,015.48 万元；占比 78.60% → 78.71%`."""
    lines: dict[tuple[str, str], list[str]] = {}
    for change in changes:
        unit = f" {change.unit}" if change.unit else ""
        part = f"{_shown(change.old)} → {_shown(change.new)}{unit}"
        lines.setdefault((change.group, change.subject), []).append(
            f"{change.measure} {part}" if change.measure else part)
    return [f"{group} {subject} {'；'.join(parts)}".replace("  ", " ") for (group, subject), parts in lines.items()]
