"""Regenerate the example workbooks from their data files.

    python tools/make_examples.py

examples/data/<name>.json holds each reference unit's leaf facts and texts
(entered from ../shared/reference-documents; see examples/data/NOTES.md);
this writes examples/<name>.xlsx with the same writer as `budget-author init`.
"""

from __future__ import annotations

import json
from pathlib import Path

from budget_author.workbook.template import write_template

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"


def main() -> None:
    for source in sorted((EXAMPLES / "data").glob("*.json")):
        if source.name.endswith(".leaves.json"):
            continue  # dataset-level leaves of the new standards, verified by tools/verify_*_leaves.py
        data = json.loads(source.read_text(encoding="utf-8"))
        target = EXAMPLES / f"{source.stem}.xlsx"
        write_template(target, data, overwrite=True, profile=data.get("profile"))  # "profile": the standard
        print(f"wrote {target.relative_to(EXAMPLES.parent)}")


if __name__ == "__main__":
    main()
