"""The published verification page in a real browser (headless Chromium driven by selenium).

The site is built from a registry holding a valid, a revoked and a replaced certificate and served by a local
``http.server`` on 127.0.0.1 (a secure context, so WebCrypto works). Each test opens the page as a QR code does, or
gives it a PDF through its file input, and asserts what the visitor sees; a screenshot of each state goes into the
test's temporary folder. Without chromium and chromedriver (or selenium) these tests are skipped, except when
``COOPERARE_REQUIRE_BROWSER=1`` (CI), where they fail: CI must never pass by silently skipping the browser.
"""

from __future__ import annotations

import base64
import functools
import http.server
import json
import os
import shutil
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from cooperare.certificates.issue import reissue
from cooperare.certificates.keygen import DemoKeys
from cooperare.certificates.publish import derive, publish_verification_site
from cooperare.certificates.render import verification_link
from cooperare.certificates.serials import grouped, new_serial
from cooperare.courses.catalogue import Catalogue
from cooperare.store import Store
from cooperare.store.certificates import CertificateRecord, CertificateRegistry

from .conftest import issue_two, make_config, make_issuing, trainee

REQUIRE_BROWSER_ENV = "COOPERARE_REQUIRE_BROWSER"
PLAIN_HOST = "verificare.test"
"""A name the browser maps to 127.0.0.1: plain HTTP to it is not a secure context (unlike 127.0.0.1 itself)."""
WAIT_SECONDS = 20
"""Upper bound for the page to settle (a condition wait, not a measurement)."""


def _missing_browser() -> str | None:
    try:
        import selenium  # noqa: F401
    except ImportError:
        return "selenium is not installed (pip install -e '.[test]')"
    for tool, package in (("chromium", "chromium"), ("chromedriver", "chromium-driver")):
        if shutil.which(tool) is None:
            return f"{tool} is not installed (apt-get install {package})"
    return None


@dataclass(frozen=True)
class Published:
    root: Path
    """Served folder: the site under site/, a tampered copy under tampered/."""
    certificates: Path
    valid: CertificateRecord
    revoked: CertificateRecord
    replaced: CertificateRecord


@pytest.fixture(scope="module")
def published(tmp_path_factory: pytest.TempPathFactory, catalogue: Catalogue, demo_keys: DemoKeys) -> Published:
    root = tmp_path_factory.mktemp("verify-page")
    config = make_config(demo_keys, root)
    issuing = make_issuing(catalogue, config, demo_keys)
    with Store.open(root / "store.sqlite") as store:
        registry = CertificateRegistry(store.engine)
        issued = issue_two(catalogue, registry, issuing)
        revoked = registry.revoke(issued[1].serial, reason="Rezultat anulat după contestație")
        valid = reissue(issued[0].serial, reason="Nume corectat", registry=registry, issuing=issuing,
                        trainee=trainee(1, firstname="Ștefan-Andrei", lastname="Țăranu"))
        replaced = registry.get(issued[0].serial)
        publish_verification_site(store, root / "site", issuer="Asociația Comunelor din România")
        publish_verification_site(store, root / "sharded", issuer="Asociația Comunelor din România", shard_above=10)
    shutil.copytree(root / "site", root / "tampered")
    _tamper(root / "tampered", valid.serial)
    assert replaced is not None
    return Published(root, config.output, valid, revoked, replaced)


def _tamper(folder: Path, serial: str) -> None:
    """Flip one ciphertext bit of ``serial``'s record in both registry files."""
    data = json.loads((folder / "registry.json").read_text(encoding="utf-8"))
    lookup, _ = derive(serial, base64.b64decode(data["salt"]))
    raw = bytearray(base64.b64decode(data["entries"][lookup]))
    raw[100] ^= 0x01
    data["entries"][lookup] = base64.b64encode(bytes(raw)).decode("ascii")
    text = json.dumps(data, separators=(",", ":"), sort_keys=True)
    (folder / "registry.json").write_text(text, encoding="utf-8")
    (folder / "registry.js").write_text(f"window.COOPERARE_REGISTRY={text};\n", encoding="utf-8")


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002
        pass


@pytest.fixture(scope="module")
def base_url(published: Published) -> Iterator[str]:
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0),
                                             functools.partial(_QuietHandler, directory=str(published.root)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    missing = _missing_browser()
    if missing:
        if os.environ.get(REQUIRE_BROWSER_ENV) == "1":
            pytest.fail(f"{REQUIRE_BROWSER_ENV}=1 but {missing}: the browser tests cannot run")
        pytest.skip(missing)
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = shutil.which("chromium") or ""
    for argument in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu",
                     "--window-size=1100,1300", "--lang=ro", f"--host-resolver-rules=MAP {PLAIN_HOST} 127.0.0.1"):
        options.add_argument(argument)
    driver = webdriver.Chrome(options=options, service=Service(executable_path=shutil.which("chromedriver")))
    try:
        yield driver
    finally:
        driver.quit()


@pytest.fixture
def page(browser: Any) -> Any:
    browser.set_window_size(1100, 1300)
    return browser


# -- helpers -----------------------------------------------------------------------------------------------------


def _settled(driver: Any, region: str, *, not_in: tuple[str, ...] = ("checking", "fileReading")) -> Any:
    from selenium.common.exceptions import StaleElementReferenceException
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait

    def ready(d: Any) -> Any:  # the region is redrawn when the answer arrives: a stale element means "look again"
        found = d.find_elements(By.CSS_SELECTOR, f"#{region} [data-state]")
        return found[0] if found and found[0].get_attribute("data-state") not in not_in else False

    return WebDriverWait(driver, WAIT_SECONDS, ignored_exceptions=(StaleElementReferenceException,)).until(ready)


def _open(driver: Any, url: str) -> Any:
    driver.get(url)
    return _settled(driver, "result")


def _shot(driver: Any, path: Path) -> Path:
    """A screenshot of the whole page (the window made as tall as the page, then put back)."""
    size = driver.get_window_size()
    height = driver.execute_script("return document.documentElement.scrollHeight")
    driver.set_window_size(size["width"], max(size["height"], height + 140))
    driver.save_screenshot(str(path))
    driver.set_window_size(size["width"], size["height"])
    assert path.stat().st_size > 5000
    return path


def _fields(box: Any) -> dict[str, str]:
    from selenium.webdriver.common.by import By

    names = [e.text for e in box.find_elements(By.TAG_NAME, "dt")]
    values = [e.text for e in box.find_elements(By.TAG_NAME, "dd")]
    return dict(zip(names, values, strict=True))


CONTRAST = """
function luminance(rgb) {
  var c = rgb.match(/[\\d.]+/g).slice(0, 3).map(Number).map(function (v) {
    v = v / 255; return v <= 0.03928 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4); });
  return 0.2126 * c[0] + 0.7152 * c[1] + 0.0722 * c[2];
}
function background(node) {
  for (; node && node.nodeType === 1; node = node.parentElement) {
    var bg = getComputedStyle(node).backgroundColor;
    var alpha = bg.match(/[\\d.]+/g);
    if (alpha && (alpha.length < 4 || Number(alpha[3]) > 0)) { return bg; }
  }
  return "rgb(255, 255, 255)";
}
var worst = [];
document.querySelectorAll("body *").forEach(function (node) {
  var own = Array.prototype.some.call(node.childNodes, function (c) { return c.nodeType === 3 && c.textContent.trim(); });
  if (!own || !node.getClientRects().length) { return; }
  var a = luminance(getComputedStyle(node).color), b = luminance(background(node));
  var ratio = (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05);
  if (ratio < 4.5) { worst.push(node.tagName + " " + node.textContent.trim().slice(0, 40) + " " + ratio.toFixed(2)); }
});
return worst;
"""


# -- the tests ---------------------------------------------------------------------------------------------------


def test_qr_links_show_valid_revoked_replaced_and_unknown(page: Any, base_url: str, published: Published,
                                                          tmp_path: Path) -> None:
    site = f"{base_url}/site/"
    valid = _open(page, verification_link(site, published.valid.serial))
    assert valid.get_attribute("data-state") == "valid"
    assert "Certificat valabil" in valid.text
    fields = _fields(valid)
    assert fields["Titular"] == "Ștefan-Andrei Țăranu"
    assert fields["Seria"] == grouped(published.valid.serial)
    assert fields["Durata"].endswith(" ore") and fields["Emitent"] == "Asociația Comunelor din România"
    assert fields["Data emiterii"] == "1 octombrie 2027"
    assert {"Program", "Parcurs", "Perioada de formare"} <= set(fields)
    assert page.execute_script(CONTRAST) == []
    _shot(page, tmp_path / "valid.png")

    revoked = _open(page, verification_link(site, published.revoked.serial))
    assert revoked.get_attribute("data-state") == "revoked"
    assert "Certificat revocat" in revoked.text and "Motiv: Rezultat anulat după contestație" in revoked.text
    assert _fields(revoked)["Titular"] == "Ioana Mândrescu"
    assert page.execute_script(CONTRAST) == []
    _shot(page, tmp_path / "revoked.png")

    replaced = _open(page, verification_link(site, published.replaced.serial))
    assert replaced.get_attribute("data-state") == "replaced"
    assert "Certificat înlocuit" in replaced.text and "Motiv: Nume corectat" in replaced.text
    assert _fields(replaced)["Titular"] == "Ștefan Țăranu"  # the name printed on the replaced certificate
    assert page.execute_script(CONTRAST) == []
    _shot(page, tmp_path / "replaced.png")
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support import expected_conditions
    from selenium.webdriver.support.ui import WebDriverWait

    replaced.find_element(By.LINK_TEXT, grouped(published.valid.serial)).click()
    WebDriverWait(page, WAIT_SECONDS).until(expected_conditions.staleness_of(replaced))
    assert _settled(page, "result").get_attribute("data-state") == "valid"  # the link leads to the new one

    unknown = _open(page, verification_link(site, new_serial()))
    assert unknown.get_attribute("data-state") == "unknown"
    assert "Certificat necunoscut" in unknown.text and not unknown.find_elements(By.TAG_NAME, "dd")
    assert page.execute_script(CONTRAST) == []
    _shot(page, tmp_path / "unknown.png")

    fragment = _open(page, f"{site}#serie={grouped(published.revoked.serial).lower()}")
    assert fragment.get_attribute("data-state") == "revoked"  # serial in the fragment, typed in lower case
    mistyped = _open(page, f"{site}?serie=ABC")
    assert mistyped.get_attribute("data-state") == "badSerial"
    errors = [entry for entry in page.get_log("browser") if entry["level"] == "SEVERE"]
    assert errors == []  # no script error, no failed request (favicon included)


def test_the_true_pdf_matches_and_a_one_byte_changed_copy_does_not(page: Any, base_url: str, published: Published,
                                                                    tmp_path: Path) -> None:
    from selenium.webdriver.common.by import By

    true_pdf = published.certificates / (published.valid.file or "")
    changed = tmp_path / "modificat.pdf"
    data = bytearray(true_pdf.read_bytes())
    data[len(data) // 2] ^= 0x01
    changed.write_bytes(bytes(data))

    _open(page, verification_link(f"{base_url}/site/", published.valid.serial))
    page.find_element(By.ID, "pdf").send_keys(str(true_pdf))
    match = _settled(page, "file-result")
    assert match.get_attribute("data-state") == "fileMatch"
    assert "Fișierul este cel emis" in match.text and true_pdf.name in match.text
    assert published.valid.sha256 in match.text
    assert page.execute_script(CONTRAST) == []
    _shot(page, tmp_path / "file-match.png")

    _open(page, verification_link(f"{base_url}/site/", published.valid.serial))
    page.find_element(By.ID, "pdf").send_keys(str(changed))
    mismatch = _settled(page, "file-result")
    assert mismatch.get_attribute("data-state") == "fileMismatch"
    assert "Fișierul NU este cel emis" in mismatch.text and published.valid.sha256 not in mismatch.text
    assert page.execute_script(CONTRAST) == []
    _shot(page, tmp_path / "file-mismatch.png")


def test_a_pdf_dropped_without_a_serial_is_found_by_the_serial_it_carries(page: Any, base_url: str,
                                                                          published: Published) -> None:
    from selenium.webdriver.common.by import By

    pdf = published.certificates / (published.revoked.file or "")
    page.get(f"{base_url}/site/")
    assert page.find_element(By.ID, "result").text == ""
    # A real drop event (what a mouse drop delivers): a DataTransfer holding the file, dispatched on the zone.
    page.execute_script("""
        var bytes = Uint8Array.from(atob(arguments[0]), function (c) { return c.charCodeAt(0); });
        var transfer = new DataTransfer();
        transfer.items.add(new File([bytes], arguments[1], {type: "application/pdf"}));
        document.getElementById("drop").dispatchEvent(new DragEvent("drop", {dataTransfer: transfer, bubbles: true,
                                                                         cancelable: true}));
    """, base64.b64encode(pdf.read_bytes()).decode("ascii"), pdf.name)
    file_box = _settled(page, "file-result")
    assert file_box.get_attribute("data-state") == "fileMatch"
    assert "certificatul nu mai este valabil" in file_box.text  # the exact file, but revoked: a warning, not a tick
    assert "status-warn" in (file_box.get_attribute("class") or "") and not file_box.text.startswith("✓")
    assert _settled(page, "result").get_attribute("data-state") == "revoked"
    assert page.find_element(By.ID, "serial").get_attribute("value") == grouped(published.revoked.serial)


def test_english_toggle(page: Any, base_url: str, published: Published, tmp_path: Path) -> None:
    from selenium.webdriver.common.by import By

    _open(page, verification_link(f"{base_url}/site/", published.revoked.serial))
    toggle = page.find_element(By.ID, "lang")
    assert toggle.text == "English" and toggle.get_attribute("lang") == "en"
    toggle.click()
    result = _settled(page, "result")
    assert page.find_element(By.TAG_NAME, "html").get_attribute("lang") == "en"
    assert "Revoked certificate" in result.text and "Reason: Rezultat anulat după contestație" in result.text
    assert _fields(result)["Holder"] == "Ioana Mândrescu"
    holder = result.find_element(By.XPATH, ".//dt[.='Holder']/following-sibling::dd[1]")
    assert holder.get_attribute("lang") == "ro"  # Romanian content stays marked Romanian for screen readers
    assert page.find_element(By.CSS_SELECTOR, "label[for=serial]").text == "Certificate serial"
    assert toggle.text == "Română"
    _shot(page, tmp_path / "english.png")
    toggle.click()
    assert "Certificat revocat" in _settled(page, "result").text


def test_keyboard_only_on_a_phone_width(page: Any, base_url: str, published: Published, tmp_path: Path) -> None:
    from selenium.webdriver.common.action_chains import ActionChains
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys

    page.set_window_size(360, 800)
    page.get(f"{base_url}/site/")
    labelled = page.execute_script(
        "return Array.from(document.querySelectorAll('input')).map(i => i.labels.length && i.labels[0].textContent)")
    assert all(labelled), labelled
    order = []
    for _ in range(4):
        ActionChains(page).send_keys(Keys.TAB).perform()
        active = page.switch_to.active_element
        order.append(active.get_attribute("id"))
        outline = page.execute_script("var s = getComputedStyle(document.activeElement); "
                                      "return [s.outlineStyle, parseFloat(s.outlineWidth)]", )
        if active.get_attribute("id") != "pdf":  # the hidden file input shows focus on its drop zone
            assert outline[0] != "none" and outline[1] >= 2, (order, outline)
    assert order == ["lang", "serial", "check", "pdf"]
    zone = page.execute_script("return getComputedStyle(document.getElementById('drop')).outlineStyle")
    assert zone != "none"  # :focus-within on the drop zone

    serial_box = page.find_element(By.ID, "serial")
    serial_box.click()
    serial_box.send_keys(grouped(published.valid.serial).lower() + Keys.ENTER)
    result = _settled(page, "result")
    assert result.get_attribute("data-state") == "valid"
    assert page.find_element(By.ID, "result").get_attribute("aria-live") == "polite"
    assert page.find_element(By.ID, "file-result").get_attribute("aria-live") == "polite"
    widths = page.execute_script("return [document.documentElement.scrollWidth, window.innerWidth]")
    assert widths[0] <= widths[1], widths  # nothing scrolls sideways on a phone
    _shot(page, tmp_path / "phone.png")


def test_a_tampered_registry_is_reported_not_trusted(page: Any, base_url: str, published: Published,
                                                     tmp_path: Path) -> None:
    result = _open(page, verification_link(f"{base_url}/tampered/", published.valid.serial))
    assert result.get_attribute("data-state") == "tampered"
    assert "Registrul nu poate fi citit" in result.text and "Ștefan" not in result.text
    _shot(page, tmp_path / "tampered.png")
    other = _open(page, verification_link(f"{base_url}/tampered/", published.revoked.serial))
    assert other.get_attribute("data-state") == "revoked"  # the other records still read


def test_a_copy_opened_from_disk_works(page: Any, published: Published) -> None:
    index = (published.root / "site" / "index.html").as_uri()
    result = _open(page, f"{index}?serie={grouped(published.replaced.serial)}")
    assert result.get_attribute("data-state") == "replaced"


def test_a_sharded_registry_reads_the_same_over_http_and_from_disk(page: Any, base_url: str,
                                                                   published: Published) -> None:
    assert not json.loads((published.root / "sharded" / "registry.json").read_text(encoding="utf-8")).get("entries")
    for site in (f"{base_url}/sharded/", (published.root / "sharded" / "index.html").as_uri()):
        for record in (published.valid, published.revoked, published.replaced):
            result = _open(page, verification_link(site, record.serial))
            assert result.get_attribute("data-state") == record.status, site
        assert _open(page, verification_link(site, new_serial())).get_attribute("data-state") == "unknown"
    errors = [entry for entry in page.get_log("browser") if entry["level"] == "SEVERE" and "file://" not in
              entry.get("message", "")]
    assert errors == []


def test_plain_http_on_a_real_host_name_is_refused_with_an_explanation(page: Any, base_url: str,
                                                                        published: Published) -> None:
    from selenium.webdriver.common.by import By

    _open(page, verification_link(f"{base_url}/site/", published.valid.serial))
    assert page.execute_script("return window.isSecureContext") is True  # 127.0.0.1 is trustworthy
    plain = base_url.replace("127.0.0.1", PLAIN_HOST)
    page.get(verification_link(f"{plain}/site/", published.valid.serial))
    assert page.execute_script("return window.isSecureContext") is False
    notice = page.find_element(By.ID, "no-crypto")
    assert notice.is_displayed() and "HTTPS" in notice.text
    assert page.find_element(By.ID, "check").get_attribute("disabled") is not None
    assert page.find_element(By.ID, "result").text == ""  # nothing claimed without the means to check it


def test_the_decoded_qr_code_of_an_issued_pdf_opens_its_record(page: Any, base_url: str, published: Published,
                                                               tmp_path: Path) -> None:
    import subprocess

    for tool, package in (("pdftoppm", "poppler-utils"), ("zbarimg", "zbar-tools")):
        if shutil.which(tool) is None:
            pytest.skip(f"{tool} ({package}) is not installed")
    pdf = published.certificates / (published.replaced.file or "")
    subprocess.run(["pdftoppm", "-r", "150", "-png", "-singlefile", str(pdf), str(tmp_path / "page")], check=True)
    decoded = subprocess.run(["zbarimg", "-q", "--raw", str(tmp_path / "page.png")], capture_output=True, text=True,
                             check=True).stdout.strip()
    printed = "https://cooperare.example.ro/verificare?serie="  # the configured verify_url, as printed
    assert decoded == printed + grouped(published.replaced.serial)
    result = _open(page, decoded.replace(printed, f"{base_url}/site/?serie="))  # the host serving the folder
    assert result.get_attribute("data-state") == "replaced"
    assert grouped(published.valid.serial) in result.text


def test_a_file_without_a_serial_on_a_page_without_one_asks_for_the_serial(page: Any, base_url: str,
                                                                          tmp_path: Path) -> None:
    from selenium.webdriver.common.by import By

    other = tmp_path / "scrisoare.pdf"
    other.write_bytes(b"%PDF-1.7\n% not a certificate\n%%EOF\n")
    page.get(f"{base_url}/site/")
    page.find_element(By.ID, "pdf").send_keys(str(other))
    answer = _settled(page, "file-result")
    assert answer.get_attribute("data-state") == "fileNeedsSerial"
    assert "Introduceți mai întâi seria" in answer.text
    assert page.find_element(By.ID, "result").text == ""


def test_the_page_published_into_the_sandbox_moodle_verifies(page: Any, published: Published,
                                                              tmp_path: Path) -> None:
    from cooperare.certificates.moodle_site import publish_to_moodle
    from cooperare.moodle.client import MoodleClient
    from cooperare.sandbox import Sandbox

    box = Sandbox(plugin=True)
    answer = publish_to_moodle(MoodleClient(box.transport()), published.root / "sharded")
    assert answer["created"] and not answer["deleted"]
    with box.served(own_wwwroot=False) as url:
        site = f"{url}/local/cooperare/verify.php/"
        for record in (published.valid, published.revoked, published.replaced):
            assert _open(page, verification_link(site, record.serial)).get_attribute("data-state") == record.status
        _shot(page, tmp_path / "moodle-replaced.png")
        assert _open(page, verification_link(site, new_serial())).get_attribute("data-state") == "unknown"
