"""Configuration does not depend on the domain (issue 14 §4): cooperare/config/ imports only what sits beside or
below it — errors, secrets, collation, the territorial reference data, the Moodle client and the store — never a
domain package (courses, sync, certificates, reports…), the CLI or the sandbox."""

from __future__ import annotations

import ast
from pathlib import Path

import cooperare

PACKAGE = Path(cooperare.__file__).parent
ALLOWED = {"config", "errors", "secrets", "collation", "territory", "moodle", "store"}


def _imports(path: Path) -> set[str]:
    """Every ``cooperare.*`` module ``path`` imports, at the top or inside a function."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module)
        elif isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
    return {name for name in found if name.startswith("cooperare.")}


def test_configuration_imports_no_domain_package() -> None:
    modules = sorted((PACKAGE / "config").glob("*.py"))
    assert len(modules) > 5
    wrong = {f"{path.name}: {name}" for path in modules for name in _imports(path)
             if name.split(".")[1] not in ALLOWED}
    assert wrong == set()


def test_the_check_sees_a_domain_import(tmp_path: Path) -> None:
    sample = tmp_path / "sample.py"
    sample.write_text("from cooperare.sync.text import fold\n\ndef f():\n    import cooperare.courses.catalogue\n")
    assert {name.split(".")[1] for name in _imports(sample)} - ALLOWED == {"sync", "courses"}
