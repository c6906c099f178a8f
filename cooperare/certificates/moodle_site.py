"""The verification site published into Moodle: local_cooperare serves it without login at
``<site>/local/cooperare/verify.php/``, so a project with only a Moodle site needs no web host of its own.

:func:`publish_to_moodle` uploads the files :func:`~cooperare.certificates.publish.publish_verification_site` wrote
(page, script, style, registry and its shards) into one draft area and has the plugin make its site equal to it,
all or nothing (files no longer published are removed). :func:`moodle_verify_url` is the address the QR codes should
then carry. This module must not build the site or change the registry.
"""

from __future__ import annotations

from pathlib import Path

from cooperare.certificates.publish import REGISTRY_FILE, REGISTRY_SCRIPT, SITE_FILES
from cooperare.errors import CertificateError
from cooperare.moodle.client import MoodleClient

VERIFY_PATH = "/local/cooperare/verify.php/"
PUBLISH_FUNCTION = "local_cooperare_publish_site"


def moodle_verify_url(site_url: str) -> str:
    """Where local_cooperare serves the verification page of the Moodle site at ``site_url``."""
    return site_url.rstrip("/") + VERIFY_PATH


def site_files(folder: Path) -> list[tuple[str, str, bytes]]:
    """``(filepath, filename, content)`` of every file of the published site in ``folder`` (shards included)."""
    names = [*SITE_FILES, REGISTRY_SCRIPT, REGISTRY_FILE]
    missing = [name for name in names if not (folder / name).is_file()]
    if missing:
        raise CertificateError(f"{folder} is not a published verification site (missing {', '.join(missing)})",
                               hint="run `cooperare certificates publish` first")
    files = [("/", name, (folder / name).read_bytes()) for name in names]
    for shard_folder in sorted(folder.glob("registry-*")):
        if shard_folder.is_dir():
            files += [(f"/{shard_folder.name}/", shard.name, shard.read_bytes())
                      for shard in sorted(shard_folder.iterdir()) if shard.suffix in (".json", ".js")]
    return files


def publish_to_moodle(client: MoodleClient, folder: Path) -> dict[str, object]:
    """Publish the site in ``folder`` into Moodle; returns the plugin's answer (counts, files, url)."""
    if PUBLISH_FUNCTION not in client.site.functions:
        raise CertificateError(f"the site's web service lacks {PUBLISH_FUNCTION}",
                               hint="install or upgrade local_cooperare to 0.4.0+ (it adds the function to its "
                                    "service `cooperare`)")
    draft = client.files.upload_folder(site_files(folder))
    return client.files.publish_site("verify", draft)
