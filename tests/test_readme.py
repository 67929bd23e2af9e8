"""The README stays true: every problem code is documented, and the two commands exist."""

from budget_author.catalogue import CATALOGUE
from conftest import ROOT

README = (ROOT / "README.md").read_text(encoding="utf-8")


def test_every_code_is_in_the_readme():
    missing = [code for code in CATALOGUE if f"`{code}`" not in README]
    assert missing == []


def test_readme_names_the_two_commands_and_ci_runs_the_test_one():
    assert "bash tasks.sh example" in README and "bash tasks.sh test" in README
    assert "tasks.sh test" in (ROOT / ".ci" / "run").read_text()
