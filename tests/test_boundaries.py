"""Seams between the feature packages: a view never imports another feature's views, and app-wide
template filters and globals are registered in one place (coprod/templating.py), not by blueprints."""

from __future__ import annotations

import re

from coprod.paths import PROJECT_ROOT

PACKAGE = PROJECT_ROOT / "coprod"
VIEW_IMPORT = re.compile(r"^\s*from coprod\.(\w+)\.views import|^\s*from coprod\.(\w+) import [^\n]*\bviews\b", re.M)
APP_WIDE = re.compile(r"app_template_(filter|global|test)|add_app_template|jinja_env\.(globals|filters)")


def _modules():
    return [path for path in PACKAGE.rglob("*.py") if "migrations" not in path.parts]


def test_no_view_imports_another_features_views():
    crossings = []
    for path in _modules():
        if path.name != "views.py":
            continue
        feature = path.parent.name
        for match in VIEW_IMPORT.finditer(path.read_text(encoding="utf-8")):
            if (match.group(1) or match.group(2)) != feature:
                crossings.append(f"{path.relative_to(PROJECT_ROOT)}: {match.group(0).strip()}")
    assert crossings == [], "move the shared part into a service or queries module"


def test_app_wide_template_helpers_are_registered_in_one_place():
    elsewhere = [str(path.relative_to(PROJECT_ROOT)) for path in _modules()
                 if path.name != "templating.py" and APP_WIDE.search(path.read_text(encoding="utf-8"))]
    assert elsewhere == [], "register app-wide filters and globals in coprod/templating.py"
