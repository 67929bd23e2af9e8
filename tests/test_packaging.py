"""`pip install .` (not only editable) ships the data files, templates and styles."""

from __future__ import annotations

import subprocess
import sys
import zipfile

import pytest

from conftest import ROOT


@pytest.fixture(scope="module")
def wheel(tmp_path_factory):
    out = tmp_path_factory.mktemp("wheel")
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(out), str(ROOT)],
                   check=True, capture_output=True, timeout=300)
    (path,) = out.glob("budget_author-*.whl")
    return path


def test_wheel_contains_data_templates_and_styles(wheel):
    names = set(zipfile.ZipFile(wheel).namelist())
    for required in (
        "budget_author/classification/data/functional_classification.csv",
        "budget_author/classification/data/economic_dept_to_gov.csv",
        "budget_author/classification/data/PROVENANCE.md",
        "budget_author/templates/document.html",
        "budget_author/templates/partials/table.html",
        "budget_author/profiles/shanxi/profile.toml",
        "budget_author/profiles/shanxi/tables.toml",
        "budget_author/styles/print.css",
        "budget_author/cli.py",
        "budget_author/web/templates/version.html",  # `serve`: templates, script, styles and migrations
        "budget_author/web/static/app.js",
        "budget_author/web/static/style.css",
        "budget_author/web/migrations/env.py",
        "budget_author/web/migrations/versions/0001_initial_schema.py",
    ):
        assert required in names, required
    entry_points = next(n for n in names if n.endswith("entry_points.txt"))
    assert "budget-author = budget_author.cli:main" in zipfile.ZipFile(wheel).read(entry_points).decode()
