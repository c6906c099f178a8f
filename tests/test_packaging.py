"""Everything the pack reads at run time is shipped in the wheel (an installed pack runs `cooperare demo`)."""

from __future__ import annotations

import ast
import configparser
import fnmatch
import importlib.metadata
import re
import sys
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[1] / "cooperare"


def test_every_data_file_of_the_package_is_declared_as_package_data() -> None:
    parser = configparser.ConfigParser()
    parser.read(PACKAGE.parent / "setup.cfg")
    declared = {package: [p.strip() for p in patterns.split("\n") if p.strip()]
                for package, patterns in parser["options.package_data"].items()}
    missing = []
    for path in PACKAGE.rglob("*"):
        if not path.is_file() or path.suffix in (".py", ".pyc") or "__pycache__" in path.parts:
            continue
        if "plugin_src" in path.relative_to(PACKAGE).parts:
            continue  # shipped through the plugin_src/**/* pattern
        owner = path.parent
        while not (owner / "__init__.py").is_file():
            owner = owner.parent
        package = ".".join(owner.relative_to(PACKAGE.parent).parts)
        relative = path.relative_to(owner).as_posix()
        if not any(fnmatch.fnmatch(relative, pattern) for pattern in declared.get(package, [])):
            missing.append(f"{package}: {relative}")
    assert not missing, f"not shipped in the wheel: {missing}"


def _normalised(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def _imported_distributions() -> dict[str, set[str]]:
    """Distribution (normalised name) → the third-party top-level modules the package imports from it."""
    modules: set[str] = set()
    for path in PACKAGE.rglob("*.py"):
        if "plugin_src" in path.parts:
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                modules.add(node.module.split(".")[0])
            elif isinstance(node, ast.Import):
                modules.update(alias.name.split(".")[0] for alias in node.names)
    owners = importlib.metadata.packages_distributions()
    found: dict[str, set[str]] = {}
    for module in modules - set(sys.stdlib_module_names) - {"cooperare"}:
        for distribution in owners.get(module, [module]):
            found.setdefault(_normalised(distribution), set()).add(module)
    return found


def test_the_declared_dependencies_are_exactly_what_the_package_imports() -> None:
    """No unused dependency (issue 14 §4), and nothing imported only because another dependency happens to pull it
    in (pyHanko's certificate validator, asn1crypto, cryptography are imported directly, so they are declared)."""
    parser = configparser.ConfigParser()
    parser.read(PACKAGE.parent / "setup.cfg")
    declared = {_normalised(re.split(r"[\[<>=!~; ]", line.strip(), maxsplit=1)[0])
                for line in parser["options"]["install_requires"].splitlines() if line.strip()}
    imported = _imported_distributions()
    assert sorted(set(imported) - declared) == [], "imported but not declared"
    assert sorted(declared - set(imported)) == [], "declared but never imported"
