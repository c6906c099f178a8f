"""The published verification site: the registry file decrypts back to each certificate's state with its serial,
reveals no name, serial or exact count without one, detects tampering, and the CLI writes the folder."""

from __future__ import annotations

import base64
import json
import re
from datetime import UTC, datetime
from pathlib import Path

import pytest
from click.testing import CliRunner

from cooperare.certificates.issue import Issuing, reissue
from cooperare.certificates.publish import (
    ENTRY_BLOCK,
    FORMAT,
    build_registry,
    open_record,
    publish_verification_site,
    read_published,
    shard_digits,
)
from cooperare.certificates.serials import grouped, new_serial
from cooperare.cli.main import cli
from cooperare.errors import CertificateError
from cooperare.store import Store
from cooperare.store.certificates import CertificateRecord, CertificateRegistry

from .conftest import trainee

NOW = datetime(2027, 10, 2, 9, 30, tzinfo=UTC)


@pytest.fixture
def states(store: Store, registry: CertificateRegistry, issued: list[CertificateRecord],
           issuing: Issuing) -> dict[str, CertificateRecord]:
    """One certificate of each state: valid (the reissue), revoked, replaced."""
    revoked = registry.revoke(issued[1].serial, reason="Rezultat anulat după contestație")
    new = reissue(issued[0].serial, reason="Nume corectat", registry=registry, issuing=issuing,
                  trainee=trainee(1, firstname="Ștefan-Andrei", lastname="Țăranu"))
    return {"valid": new, "revoked": revoked, "replaced": registry.get(issued[0].serial)}  # type: ignore[dict-item]


def test_each_record_decrypts_with_its_serial_only(store: Store, tmp_path: Path,
                                                   states: dict[str, CertificateRecord]) -> None:
    site = publish_verification_site(store, tmp_path / "site", now=NOW)
    data = json.loads(site.registry.read_text(encoding="utf-8"))
    assert site.certificates == 3 and site.entries == len(data["entries"]) == ENTRY_BLOCK
    assert data["format"] == FORMAT and data["published_at"] == "2027-10-02T09:30:00Z"

    valid = open_record(data, grouped(states["valid"].serial).lower())  # typed forms are accepted
    assert valid is not None
    assert valid["status"] == "valid" and valid["holder"] == "Ștefan-Andrei Țăranu"
    assert valid["sha256"] == states["valid"].sha256
    assert valid["hours"] > 0 and valid["programme"] and valid["track"] and valid["issued_on"] == "2027-10-01"
    assert valid["reason"] is None and valid["replaced_by"] is None

    revoked = open_record(data, states["revoked"].serial)
    assert revoked is not None and revoked["status"] == "revoked"
    assert revoked["reason"] == "Rezultat anulat după contestație" and revoked["changed_on"]
    assert revoked["holder"] == "Ioana Mândrescu"

    replaced = open_record(data, states["replaced"].serial)
    assert replaced is not None and replaced["status"] == "replaced"
    assert replaced["replaced_by"] == grouped(states["valid"].serial) and replaced["reason"] == "Nume corectat"
    for record in (valid, revoked, replaced):
        assert set(record) >= {"holder", "track", "programme", "hours", "start", "end", "issued_on", "issuer"}
        assert "email" not in record and "person_key" not in record

    assert open_record(data, new_serial()) is None


def test_the_file_holds_no_name_no_serial_and_equal_sized_entries(store: Store, tmp_path: Path,
                                                                  states: dict[str, CertificateRecord]) -> None:
    site = publish_verification_site(store, tmp_path / "site", now=NOW)
    for name in ("registry.json", "registry.js"):
        raw = (site.folder / name).read_bytes()
        text = raw.decode("utf-8")
        for record in CertificateRegistry(store.engine).all():
            for word in [record.name, *record.name.split(), record.email or "@", record.person_key]:
                assert word.encode("utf-8") not in raw, word
                assert json.dumps(word)[1:-1] not in text, word  # nor JSON-escaped
            assert record.serial not in text and grouped(record.serial) not in text
            assert record.sha256 not in text
        assert "Rezultat" not in text and "contestație" not in text
    data = json.loads(site.registry.read_text(encoding="utf-8"))
    lengths = {len(value) for value in data["entries"].values()}
    assert lengths == {len(base64.b64encode(bytes(12 + data["record_size"] + 16)))}
    assert all(re.fullmatch(r"[0-9a-f]{32}", key) for key in data["entries"])
    assert list(data["entries"]) == sorted(data["entries"])


def test_a_long_record_grows_every_record_and_names_do_not_change_sizes(tmp_path: Path,
                                                                        issued: list[CertificateRecord]) -> None:
    from dataclasses import replace

    short = build_registry(issued, published_at=NOW)
    longer = build_registry([replace(issued[0], name="A" * 2000), issued[1]], published_at=NOW)
    assert short["record_size"] == 1024
    assert longer["record_size"] == 2560
    assert len({len(v) for v in longer["entries"].values()}) == 1
    assert len(short["entries"]) == len(longer["entries"]) == ENTRY_BLOCK


def test_the_entry_count_is_rounded_up_with_decoys() -> None:
    assert len(build_registry([], published_at=NOW)["entries"]) == ENTRY_BLOCK


def test_a_fresh_salt_every_publication_so_two_files_cannot_be_compared(issued: list[CertificateRecord]) -> None:
    first, second = (build_registry(issued, published_at=NOW) for _ in range(2))
    assert first["salt"] != second["salt"]
    assert not set(first["entries"]) & set(second["entries"])
    for data in (first, second):
        assert open_record(data, issued[0].serial)["serial"] == grouped(issued[0].serial)  # type: ignore[index]


def test_tampering_is_detected(issued: list[CertificateRecord]) -> None:
    data = build_registry(issued, published_at=NOW)
    serial = issued[0].serial
    from cooperare.certificates.publish import derive

    lookup, _ = derive(serial, base64.b64decode(data["salt"]))
    raw = bytearray(base64.b64decode(data["entries"][lookup]))
    raw[40] ^= 0x01
    changed = dict(data, entries=dict(data["entries"], **{lookup: base64.b64encode(bytes(raw)).decode()}))
    with pytest.raises(CertificateError, match="altered"):
        open_record(changed, serial)

    other, _ = derive(issued[1].serial, base64.b64decode(data["salt"]))
    swapped = dict(data, entries=dict(data["entries"], **{lookup: data["entries"][other]}))
    with pytest.raises(CertificateError, match="altered"):
        open_record(swapped, serial)  # another record moved under this serial's id

    with pytest.raises(CertificateError, match="registry file"):
        open_record(dict(data, format="other/1"), serial)


def test_the_site_is_self_contained(store: Store, tmp_path: Path, issued: list[CertificateRecord]) -> None:
    site = publish_verification_site(store, tmp_path / "site", issuer="Asociația <Comunelor>", now=NOW)
    names = sorted(p.name for p in site.folder.iterdir())
    assert names == ["index.html", "registry.js", "registry.json", "verify.css", "verify.js"]
    page = (site.folder / "index.html").read_text(encoding="utf-8")
    assert "Asociația &lt;Comunelor&gt;" in page and "{{" not in page
    for name in ("index.html", "verify.css", "verify.js"):
        text = (site.folder / name).read_text(encoding="utf-8")
        assert not re.search(r"(src|href)=\"(https?:)?//", text), name
        assert "@import" not in text and "@font-face" not in text and "url(" not in text, name
        assert "ş" not in text and "ţ" not in text, name  # comma-below diacritics only


def test_publish_command_writes_the_folder(tmp_path: Path, store: Store, issued: list[CertificateRecord],
                                           monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "cooperare.yaml").write_text(
        "store:\n  url: sqlite:///store.sqlite\ncertificates:\n  verify_url: https://cooperare.example.ro/verificare/\n",
        encoding="utf-8")
    result = CliRunner().invoke(cli, ["certificates", "publish", "--out", "public"])
    assert result.exit_code == 0, result.output
    data = json.loads((tmp_path / "public" / "registry.json").read_text(encoding="utf-8"))
    assert open_record(data, issued[0].serial)["holder"] == issued[0].name  # type: ignore[index]
    assert "2 certificates" in result.output and "https://cooperare.example.ro/verificare/" in result.output
    assert "trailing slash" not in result.output
    run = store.runs.get(1)  # journaled like every command that writes (the first run of this fresh store)
    assert run.command == "certificates publish" and run.outcome == "ok" and run.detail["certificates"] == 2


def test_publish_warns_about_a_verify_url_without_a_trailing_slash(tmp_path: Path, store: Store,
                                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "cooperare.yaml").write_text(
        "store:\n  url: sqlite:///store.sqlite\ncertificates:\n  verify_url: https://x.example.ro/verificare\n",
        encoding="utf-8")
    result = CliRunner().invoke(cli, ["certificates", "publish"])
    assert result.exit_code == 0, result.output
    assert "trailing slash" in result.output and (tmp_path / "verify" / "index.html").is_file()


def test_an_unwritable_folder_is_a_clear_error(store: Store, tmp_path: Path) -> None:
    (tmp_path / "file").write_text("not a folder", encoding="utf-8")
    with pytest.raises(CertificateError, match="cannot create the folder"):
        publish_verification_site(store, tmp_path / "file" / "site")


def test_a_large_registry_is_split_into_shards_that_read_the_same(store: Store, tmp_path: Path,
                                                                  issued: list[CertificateRecord]) -> None:
    folder = tmp_path / "public"
    flat = publish_verification_site(store, tmp_path / "flat")
    site = publish_verification_site(store, folder, shard_above=10)
    assert flat.shard_digits == 0 and site.shard_digits == 1
    index = json.loads((folder / "registry.json").read_text(encoding="utf-8"))
    assert "entries" not in index and index["shard_digits"] == 1
    shard_folder = folder / index["shard_folder"]
    assert sorted(p.name for p in shard_folder.glob("*.json")) == [f"{n:x}.json" for n in range(16)]
    assert sum(len(json.loads(p.read_text(encoding="utf-8"))["entries"]) for p in shard_folder.glob("*.json")) == \
        site.entries
    for record in issued:
        assert read_published(folder, record.serial)["holder"] == record.name  # type: ignore[index]
        assert read_published(tmp_path / "flat", record.serial)["holder"] == record.name  # type: ignore[index]
    assert read_published(folder, new_serial()) is None
    for path in folder.rglob("*"):
        if path.is_file() and path.suffix in (".json", ".js"):
            text = path.read_text(encoding="utf-8")
            assert not any(record.name in text or record.serial in text for record in issued), path
    again = publish_verification_site(store, folder, shard_above=10)  # a new salt: a new shard folder
    assert [p.name for p in folder.glob("registry-*")] == [json.loads(again.registry.read_text())["shard_folder"]]
    assert read_published(folder, issued[0].serial) is not None
    publish_verification_site(store, folder)  # back to one file: no shard folder left
    assert not list(folder.glob("registry-*"))


def test_shard_digits_keep_shards_small() -> None:
    assert shard_digits(1024) == 0 and shard_digits(1025) == 1 and shard_digits(30_016) == 2
    assert shard_digits(16 * 256) == 1 and shard_digits(16 * 256 + 64) == 2


def test_revoke_publishes_the_site_again_when_publish_dir_is_set(tmp_path: Path, store: Store,
                                                                issued: list[CertificateRecord],
                                                                monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "cooperare.yaml").write_text(
        "store:\n  url: sqlite:///store.sqlite\ncertificates:\n  verify_url: https://cooperare.example.ro/verificare/\n"
        "  publish_dir: public\n", encoding="utf-8")
    first = CliRunner().invoke(cli, ["certificates", "publish"])  # default folder: certificates.publish_dir
    assert first.exit_code == 0, first.output
    assert read_published(tmp_path / "public", issued[0].serial)["status"] == "valid"  # type: ignore[index]
    revoked = CliRunner().invoke(cli, ["certificates", "revoke", issued[0].serial, "--reason", "eroare de evaluare"])
    assert revoked.exit_code == 0, revoked.output
    assert "published again" in revoked.output
    record = read_published(tmp_path / "public", issued[0].serial)
    assert record is not None and record["status"] == "revoked" and record["reason"] == "eroare de evaluare"


def test_without_publish_dir_revoke_says_the_page_must_be_published(tmp_path: Path, store: Store,
                                                                     issued: list[CertificateRecord],
                                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "cooperare.yaml").write_text("store:\n  url: sqlite:///store.sqlite\n", encoding="utf-8")
    result = CliRunner().invoke(cli, ["certificates", "revoke", issued[1].serial, "--reason", "anulat"])
    assert result.exit_code == 0, result.output
    assert "certificates publish" in result.output and not (tmp_path / "verify").exists()
