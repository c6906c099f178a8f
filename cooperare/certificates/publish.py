"""The public verification site: a static folder (page, style, script) and an encrypted registry file.

:func:`publish_verification_site` reads the certificate registry from the store and writes, into one folder that any
static web host can serve at ``certificates.verify_url``: ``index.html``, ``verify.css`` and ``verify.js`` (no CDN,
no web fonts, nothing fetched from elsewhere) and ``registry.json`` (with ``registry.js``, the same data as a script,
for a copy opened from disk, where browsers refuse ``fetch``). Each certificate's record is stored under a lookup id
and encrypted with a key that both come from its serial (HKDF-SHA256 with a fresh random salt per publication and
two distinct ``info`` labels), with AES-256-GCM whose associated data binds the ciphertext to its lookup id. Every
plaintext is padded to one size, decoy entries indistinguishable from real ones round the count up, and entries are
sorted by lookup id: without a serial (80 random bits) the file yields no name, no serial, no status and no exact
count. Above :data:`SHARD_ABOVE` entries the records move out of ``registry.json`` into shards named by the first
hex digits of the lookup id (``registry-<id>/<prefix>.json`` and ``.js``, at most about 256 entries each), so a
phone opening one certificate of 30,000 loads about 400 KiB instead of 40 MiB; each publication writes a new shard
folder and removes the old ones only after the index pointing at the new one is in place. The page derives the
same lookup id and key with WebCrypto, so the registry stays the single source of truth and the site is only a
view of it. :func:`open_record` is the Python twin of the page (tests, checks). This
module must not call Moodle, print, change the registry, or write anything outside the folder it is given.
"""

from __future__ import annotations

import base64
import hashlib
import html
import json
import os
import secrets
import shutil
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from importlib import resources
from pathlib import Path
from typing import Any

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from cooperare.certificates.serials import grouped, parse_serial
from cooperare.config.certificates import DEFAULT_ISSUER
from cooperare.errors import CertificateError
from cooperare.store import Store
from cooperare.store.certificates import CertificateRecord, CertificateRegistry

FORMAT = "cooperare-verify/1"
"""Names the derivation, the cipher and the record layout; the page refuses any other."""
LOOKUP_INFO = f"{FORMAT} lookup".encode("ascii")
KEY_INFO = f"{FORMAT} key".encode("ascii")
SALT_BYTES = 16
LOOKUP_BYTES = 16
NONCE_BYTES = 12
TAG_BYTES = 16
RECORD_BLOCK = 512
"""Every record's plaintext is padded with spaces to the same multiple of this many bytes (at least two blocks)."""
ENTRY_BLOCK = 64
"""The number of entries is rounded up to a multiple of this with decoys."""
SHARD_ABOVE = 1024
"""Entries beyond which the records are split into shards by lookup-id prefix."""
SHARD_TARGET = 256
"""Entries a shard should hold at most, on average (the prefix length is chosen for it)."""
SITE_FILES = ("index.html", "verify.css", "verify.js")
REGISTRY_FILE = "registry.json"
REGISTRY_SCRIPT = "registry.js"


@dataclass(frozen=True)
class PublishedSite:
    """What :func:`publish_verification_site` wrote."""

    folder: Path
    registry: Path
    certificates: int
    """Real records (every certificate in the registry, whatever its status)."""
    entries: int
    """Entries in the file, decoys included."""
    record_size: int
    """Plaintext bytes of every record, after padding."""
    shard_digits: int = 0
    """Hex digits of the lookup id that name a shard (0: every record is in the registry file itself)."""


def publish_verification_site(store: Store, out_dir: Path, *, issuer: str = DEFAULT_ISSUER,
                              now: datetime | None = None, shard_above: int = SHARD_ABOVE) -> PublishedSite:
    """Write the verification site for every certificate in ``store`` into ``out_dir`` (created; only the site's
    own files are replaced, each atomically, the registry last so a visitor never sees a half-written one)."""
    records = CertificateRegistry(store.engine).all()
    published_at = (now or datetime.now(UTC)).astimezone(UTC).replace(second=0, microsecond=0)
    registry = build_registry(records, published_at=published_at)
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise CertificateError(f"cannot create the folder {out_dir}: {exc.strerror}") from None
    for name in SITE_FILES:
        text = resources.files("cooperare.certificates").joinpath("site", name).read_text(encoding="utf-8")
        if name == "index.html":
            text = text.replace("{{issuer}}", html.escape(issuer))
        _write(out_dir / name, text)
    entries: dict[str, str] = registry["entries"]
    digits = shard_digits(len(entries), above=shard_above)
    index = dict(registry)
    if digits:
        folder_name = "registry-" + hashlib.sha256(registry["salt"].encode("ascii")).hexdigest()[:12]
        shards = out_dir / folder_name
        try:
            shards.mkdir(exist_ok=True)
        except OSError as exc:
            raise CertificateError(f"cannot create the folder {shards}: {exc.strerror}") from None
        for prefix, part in split_entries(entries, digits).items():
            text = json.dumps({"format": FORMAT, "prefix": prefix, "entries": part}, separators=(",", ":"),
                              sort_keys=True)
            _write(shards / f"{prefix}.json", text + "\n")
            _write(shards / f"{prefix}.js", f"(window.COOPERARE_SHARDS=window.COOPERARE_SHARDS||{{}})"
                                            f"[{json.dumps(folder_name + '/' + prefix)}]={text};\n")
        index = {**{k: v for k, v in registry.items() if k != "entries"}, "shard_digits": digits,
                 "shard_folder": folder_name}
    data = json.dumps(index, separators=(",", ":"), sort_keys=True)
    _write(out_dir / REGISTRY_SCRIPT, f"window.COOPERARE_REGISTRY={data};\n")
    _write(out_dir / REGISTRY_FILE, data + "\n")
    keep = index.get("shard_folder")
    for old in out_dir.glob("registry-*"):  # shards of earlier publications, now that the index points elsewhere
        if old.is_dir() and old.name != keep:
            shutil.rmtree(old, ignore_errors=True)
    return PublishedSite(folder=out_dir, registry=out_dir / REGISTRY_FILE, certificates=len(records),
                         entries=len(entries), record_size=registry["record_size"], shard_digits=digits)


def shard_digits(entries: int, *, above: int = SHARD_ABOVE) -> int:
    """How many hex digits of the lookup id name a shard: 0 up to ``above`` entries, else the fewest that bring the
    average shard to :data:`SHARD_TARGET` entries or fewer."""
    if entries <= above:
        return 0
    digits = 1
    while entries / 16 ** digits > SHARD_TARGET:
        digits += 1
    return digits


def split_entries(entries: Mapping[str, str], digits: int) -> dict[str, dict[str, str]]:
    """The entries grouped by the first ``digits`` hex digits of their lookup id; every prefix is present (an empty
    shard too), so the set of files says nothing about where the records fall."""
    shards: dict[str, dict[str, str]] = {f"{n:0{digits}x}": {} for n in range(16 ** digits)}
    for lookup, sealed in entries.items():
        shards[lookup[:digits]][lookup] = sealed
    return shards


def read_published(folder: Path, serial: str) -> dict[str, Any] | None:
    """The record of ``serial`` as a visitor of the site in ``folder`` would read it (index, then its shard)."""
    try:
        index = json.loads((folder / REGISTRY_FILE).read_text(encoding="utf-8"))
        if not index.get("shard_digits"):
            return open_record(index, serial)
        lookup, _ = derive(parse_serial(serial), base64.b64decode(index["salt"], validate=True))
        shard_file = folder / str(index["shard_folder"]) / f"{lookup[:int(index['shard_digits'])]}.json"
        shard = json.loads(shard_file.read_text(encoding="utf-8"))
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise CertificateError(f"cannot read the published registry in {folder}: {exc}") from None
    return open_record({**index, "entries": shard.get("entries", {})}, serial)


def build_registry(records: Sequence[CertificateRecord], *, published_at: datetime,
                   salt: bytes | None = None) -> dict[str, Any]:
    """The registry file's content: every record encrypted under its serial, padded, with decoys."""
    salt = salt if salt is not None else secrets.token_bytes(SALT_BYTES)
    plaintexts = {record.serial: json.dumps(public_record(record), ensure_ascii=False,
                                            separators=(",", ":")).encode("utf-8") for record in records}
    longest = max((len(p) for p in plaintexts.values()), default=0)
    size = max(2 * RECORD_BLOCK, -(-longest // RECORD_BLOCK) * RECORD_BLOCK)
    entries: dict[str, str] = {}
    for serial, plaintext in plaintexts.items():
        lookup, key = derive(serial, salt)
        nonce = secrets.token_bytes(NONCE_BYTES)
        sealed = AESGCM(key).encrypt(nonce, plaintext.ljust(size, b" "), _associated(lookup))
        entries[lookup] = _b64(nonce + sealed)
    total = max(ENTRY_BLOCK, -(-len(entries) // ENTRY_BLOCK) * ENTRY_BLOCK)
    while len(entries) < total:
        entries.setdefault(secrets.token_hex(LOOKUP_BYTES), _b64(secrets.token_bytes(NONCE_BYTES + size + TAG_BYTES)))
    return {"format": FORMAT, "kdf": "HKDF-SHA256", "cipher": "AES-256-GCM", "salt": _b64(salt),
            "record_size": size, "published_at": published_at.isoformat().replace("+00:00", "Z"),
            "entries": dict(sorted(entries.items()))}


def public_record(record: CertificateRecord) -> dict[str, Any]:
    """What the page shows about one certificate (no e-mail, person key, county, commune or grade)."""
    details: Mapping[str, Any] = record.details if isinstance(record.details, Mapping) else {}
    return {
        "serial": grouped(record.serial),
        "status": record.status,
        "holder": record.name,
        "track": details.get("track_name", record.track),
        "programme": details.get("programme"),
        "course": details.get("course"),
        "hours": details.get("hours"),
        "start": _iso(details.get("start")),
        "end": _iso(details.get("end")),
        "issued_on": _iso(details.get("issued_on", record.issued_at.date())),
        "issuer": details.get("issuer"),
        "sha256": record.sha256,
        "changed_on": _day(record.changed_at) if record.status != "valid" else None,
        "reason": record.reason if record.status != "valid" else None,
        "replaced_by": grouped(record.replaced_by) if record.replaced_by else None,
    }


def derive(serial: str, salt: bytes) -> tuple[str, bytes]:
    """The lookup id (hex) and the AES-256 key of the canonical ``serial``."""
    ikm = serial.encode("ascii")
    lookup = HKDF(algorithm=hashes.SHA256(), length=LOOKUP_BYTES, salt=salt, info=LOOKUP_INFO).derive(ikm)
    key = HKDF(algorithm=hashes.SHA256(), length=32, salt=salt, info=KEY_INFO).derive(ikm)
    return lookup.hex(), key


def open_record(registry: Mapping[str, Any], serial: str) -> dict[str, Any] | None:
    """The record of ``serial`` (any typed form) in a registry file's content, or None when it holds none.

    Raises :class:`CertificateError` when the file is not this format or the record was altered."""
    if registry.get("format") != FORMAT:
        raise CertificateError(f"not a {FORMAT} registry file")
    try:
        salt = base64.b64decode(registry["salt"], validate=True)
        entries = registry["entries"]
    except (KeyError, ValueError, TypeError):
        raise CertificateError("the registry file is damaged (salt or entries)") from None
    lookup, key = derive(parse_serial(serial), salt)
    sealed = entries.get(lookup)
    if sealed is None:
        return None
    try:
        raw = base64.b64decode(sealed, validate=True)
        plaintext = AESGCM(key).decrypt(raw[:NONCE_BYTES], raw[NONCE_BYTES:], _associated(lookup))
    except (InvalidTag, ValueError):
        raise CertificateError(f"the record of {grouped(parse_serial(serial))} in the registry file was altered "
                               "(authentication failed)") from None
    record: dict[str, Any] = json.loads(plaintext.decode("utf-8"))
    return record


def _associated(lookup: str) -> bytes:
    return f"{FORMAT}|{lookup}".encode("ascii")


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def _day(value: datetime | None) -> str | None:
    return value.date().isoformat() if value is not None else None


def _iso(value: Any) -> str | None:
    """A date as ISO text (details read back from the store already are text; fresh ones hold dates)."""
    return value.isoformat() if isinstance(value, date) else value


def _write(path: Path, text: str) -> None:
    temporary = path.with_name(f".{path.name}.part")
    try:
        temporary.write_text(text, encoding="utf-8")
        os.replace(temporary, path)
    except OSError as exc:
        raise CertificateError(f"cannot write {path}: {exc.strerror}") from None

