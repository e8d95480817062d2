"""The README's layout tree is true: it names every module and package at the top of coprod/, and
nothing that is not there."""

from __future__ import annotations

import re

from coprod.paths import PROJECT_ROOT


def test_the_readme_tree_lists_what_is_in_the_package():
    readme = (PROJECT_ROOT / "README.md").read_text(encoding="utf-8")
    tree = re.search(r"```\ncoprod/ .*?```", readme, re.S).group(0)
    listed = set(re.findall(r"^  (\S+?/?)\s", tree, re.M))
    package = PROJECT_ROOT / "coprod"
    present = {p.name for p in package.glob("*.py")} | {
        p.name + "/" for p in package.iterdir() if p.is_dir() and (p / "__init__.py").exists() or p.name == "migrations"}
    assert listed == present, f"add to the README: {sorted(present - listed)}; gone: {sorted(listed - present)}"
