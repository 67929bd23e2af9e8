"""Compare two benchmark results: python benchmarks/compare.py OLD.json NEW.json

Prints every timing and memory figure that both files have, old → new and the
change, and the targets' verdicts side by side.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

SKIP = {"runs", "machine", "contention", "targets", "timestamp", "revision", "schema", "warnings", "message"}


def flatten(value: object, prefix: str = "") -> dict[str, float]:
    out: dict[str, float] = {}
    if isinstance(value, dict):
        for key, item in value.items():
            if key in SKIP:
                continue
            out.update(flatten(item, f"{prefix}.{key}" if prefix else key))
    elif isinstance(value, (int, float)) and not isinstance(value, bool):
        out[prefix] = float(value)
    return out


def main(argv: list[str]) -> int:
    if len(argv) != 2:
        print(__doc__.strip().splitlines()[0], file=sys.stderr)
        return 2
    old, new = (json.loads(Path(p).read_text(encoding="utf-8")) for p in argv)
    print(f"old: {old.get('timestamp')} rev {old.get('revision')}   new: {new.get('timestamp')} rev {new.get('revision')}")
    a, b = flatten(old), flatten(new)
    width = max((len(k) for k in a.keys() & b.keys()), default=10)
    for key in sorted(a.keys() & b.keys()):
        change = f"{b[key] / a[key] - 1:+.1%}" if a[key] else ""
        print(f"{key:<{width}}  {a[key]:>10.3f} → {b[key]:>10.3f}  {change}")
    verdicts = {t["name"]: t for t in old.get("targets", [])}
    print("\ntargets (old → new):")
    for target in new.get("targets", []):
        before = verdicts.get(target["name"], {})
        print(f"  {target['name']:<28} {before.get('measured')} → {target['measured']}   "
              f"{before.get('holds')} → {target['holds']}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
