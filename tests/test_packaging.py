"""Everything the pack reads at run time is shipped in the wheel (an installed pack runs `cooperare demo`)."""

from __future__ import annotations

import configparser
import fnmatch
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
