#!/usr/bin/env python3
"""Copy the recorded Moodle contract (../shared/moodle-contract) into the repository.

- function descriptions -> cooperare/moodle/data/functions-<version>.json.gz (minified, deterministic gzip), which the
  client (read/write classification) and the sandbox (validation) load at run time;
- the ordered function list of core_webservice_get_site_info (name, component version) ->
  cooperare/sandbox/data/site-functions-<version>.json, so the sandbox lists functions in Moodle's own order;
- scenarios -> tests/contract/<version>/ (verbatim), which the conformance tests replay; the plugin's scenarios in
  tests/contract/<version>/plugin/ are recorded by tools/record_plugin_contract.py and left alone here.

Run it again whenever the recordings change; tests/sandbox/test_contract_copy.py fails while the copies differ.
"""

from __future__ import annotations

import gzip
import json
import shutil
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
VERSIONS = {"4.5": "", "5.0": "5.0"}


def minified_functions(src: Path) -> bytes:
    data = json.loads(src.read_text(encoding="utf-8"))
    return json.dumps(data, ensure_ascii=False, separators=(",", ":"), sort_keys=False).encode("utf-8")


def write_gzip(dest: Path, payload: bytes) -> None:
    with open(dest, "wb") as raw, gzip.GzipFile(fileobj=raw, mode="wb", compresslevel=9, mtime=0, filename="") as gz:
        gz.write(payload)


def main(argv: list[str]) -> int:
    contract = Path(argv[1]) if len(argv) > 1 else ROOT.parent / "shared" / "moodle-contract"
    if not (contract / "functions.json").is_file():
        print(f"no contract at {contract}", file=sys.stderr)
        return 1
    for version, sub in VERSIONS.items():
        base = contract / sub if sub else contract
        write_gzip(ROOT / "cooperare/moodle/data" / f"functions-{version}.json.gz",
                   minified_functions(base / "functions.json"))
        site_info = json.loads((base / "scenarios" / "site_info.json").read_text(encoding="utf-8"))
        listed = site_info["steps"][0]["response"]["body"]["functions"]
        (ROOT / "cooperare/sandbox/data" / f"site-functions-{version}.json").write_text(
            json.dumps([[f["name"], f["version"]] for f in listed], separators=(",", ":")) + "\n", encoding="utf-8")
        dest = ROOT / "tests/contract" / version
        dest.mkdir(parents=True, exist_ok=True)
        for old in dest.glob("*.json"):  # plugin/ (tools/record_plugin_contract.py) is this repository's own
            old.unlink()
        for scenario in sorted((base / "scenarios").glob("*.json")):
            shutil.copyfile(scenario, dest / scenario.name)
    shutil.copyfile(contract / "README.md", ROOT / "tests/contract/README.md")
    print("contract copied")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
