/* cooperare verification page. Reads the serial from ?serie= or the fragment, derives the record's lookup id and
   key from it with WebCrypto (HKDF-SHA256, per-registry salt), fetches the published registry, decrypts the one
   record (AES-256-GCM) and shows its state. A PDF chosen or dropped by the visitor is hashed (SHA-256) in the
   browser and compared with the registered hash; nothing leaves the device. No third-party code. */
(function () {
  "use strict";

  var FORMAT = "cooperare-verify/1";
  var ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";

  var TEXT = {
    ro: {
      pageTitle: "Verificarea certificatelor",
      title: "Verificarea unui certificat",
      intro: "Introduceți seria tipărită pe certificat (sau scanați codul QR) ca să aflați dacă certificatul este valabil, apoi, dacă doriți, verificați chiar fișierul PDF.",
      noCrypto: "Browserul nu permite calculele criptografice pe această adresă. Deschideți pagina prin HTTPS.",
      serialLabel: "Seria certificatului",
      serialHint: "16 litere și cifre, de exemplu",
      check: "Verifică",
      fileTitle: "Este acesta fișierul emis?",
      fileIntro: "Trageți aici certificatul primit (PDF) sau alegeți-l de pe dispozitiv. Fișierul nu este trimis nicăieri: amprenta lui (SHA-256) se calculează în browser și se compară cu cea din registru.",
      dropLabel: "Alegeți fișierul PDF sau trageți-l aici",
      footer: "Registrul publicat nu conține date în clar: o înregistrare se poate citi doar cu seria ei.",
      published: "Registrul a fost publicat la {date}.",
      toggle: "English",
      checking: "Se verifică…",
      valid: "Certificat valabil",
      validText: "Certificatul cu seria {serial} a fost emis și nu a fost revocat sau înlocuit.",
      revoked: "Certificat revocat",
      revokedText: "Certificatul cu seria {serial} a fost revocat la {date} și nu mai este valabil.",
      replaced: "Certificat înlocuit",
      replacedText: "Certificatul cu seria {serial} a fost înlocuit la {date} și nu mai este valabil. L-a înlocuit certificatul cu seria:",
      reason: "Motiv: {reason}",
      unknown: "Certificat necunoscut",
      unknownText: "Nu există niciun certificat cu seria {serial} în registrul publicat. Verificați dacă ați tastat corect seria.",
      badSerial: "Seria nu este corectă",
      badSerialText: "O serie are 16 litere și cifre, de exemplu {serial}.",
      tampered: "Registrul nu poate fi citit",
      tamperedText: "Înregistrarea acestei serii a fost modificată sau registrul este deteriorat. Nu vă bazați pe această pagină; contactați emitentul.",
      loadError: "Registrul nu a putut fi încărcat",
      loadErrorText: "Încercați din nou mai târziu sau contactați emitentul.",
      holder: "Titular",
      programme: "Program",
      track: "Parcurs",
      course: "Curs",
      hours: "Durata",
      hoursValue: "{n} ore",
      period: "Perioada de formare",
      issuedOn: "Data emiterii",
      issuer: "Emitent",
      serial: "Seria",
      fileReading: "Se calculează amprenta fișierului…",
      fileMatch: "Fișierul este cel emis",
      fileMatchText: "Amprenta SHA-256 a fișierului „{name}” este identică cu cea înregistrată pentru certificatul {serial}.",
      fileMatchButInvalid: "Atenție: fișierul este cel emis, dar certificatul nu mai este valabil (vezi mai sus).",
      fileMismatch: "Fișierul NU este cel emis",
      fileMismatchText: "Amprenta fișierului „{name}” diferă de cea înregistrată pentru certificatul {serial}: fișierul a fost modificat sau este alt document.",
      fileOther: "Fișierul pare a fi certificatul cu seria:",
      fileNeedsSerial: "Introduceți mai întâi seria",
      fileNeedsSerialText: "Nu am găsit seria în fișier. Introduceți seria tipărită pe certificat, apoi alegeți din nou fișierul.",
      fileNoRecord: "Fișierul nu poate fi comparat",
      fileNoRecordText: "Seria de mai sus nu are un certificat valid în registru, deci nu există o amprentă cu care să comparăm fișierul.",
      fingerprint: "Amprenta fișierului (SHA-256)",
      fileError: "Fișierul nu a putut fi citit",
      fileErrorText: "Browserul nu a putut citi fișierul ales. Încercați din nou sau alegeți altă copie."
    },
    en: {
      pageTitle: "Certificate verification",
      title: "Verify a certificate",
      intro: "Enter the serial printed on the certificate (or scan its QR code) to find out whether the certificate is valid, then, if you wish, check the PDF file itself.",
      noCrypto: "The browser does not allow cryptography at this address. Open the page over HTTPS.",
      serialLabel: "Certificate serial",
      serialHint: "16 letters and digits, for example",
      check: "Verify",
      fileTitle: "Is this the file that was issued?",
      fileIntro: "Drop the certificate you received (PDF) here or choose it from your device. The file is not sent anywhere: its fingerprint (SHA-256) is computed in the browser and compared with the registry.",
      dropLabel: "Choose the PDF file or drop it here",
      footer: "The published registry holds no readable data: a record can only be read with its serial.",
      published: "The registry was published on {date}.",
      toggle: "Română",
      checking: "Checking…",
      valid: "Valid certificate",
      validText: "The certificate with serial {serial} was issued and has not been revoked or replaced.",
      revoked: "Revoked certificate",
      revokedText: "The certificate with serial {serial} was revoked on {date} and is no longer valid.",
      replaced: "Replaced certificate",
      replacedText: "The certificate with serial {serial} was replaced on {date} and is no longer valid. It was replaced by the certificate with serial:",
      reason: "Reason: {reason}",
      unknown: "Unknown certificate",
      unknownText: "There is no certificate with serial {serial} in the published registry. Check that the serial was typed correctly.",
      badSerial: "This is not a valid serial",
      badSerialText: "A serial has 16 letters and digits, for example {serial}.",
      tampered: "The registry cannot be read",
      tamperedText: "The record of this serial was altered or the registry is damaged. Do not rely on this page; contact the issuer.",
      loadError: "The registry could not be loaded",
      loadErrorText: "Try again later or contact the issuer.",
      holder: "Holder",
      programme: "Programme",
      track: "Track",
      course: "Course",
      hours: "Duration",
      hoursValue: "{n} hours",
      period: "Training period",
      issuedOn: "Issued on",
      issuer: "Issuer",
      serial: "Serial",
      fileReading: "Computing the file's fingerprint…",
      fileMatch: "This is the file that was issued",
      fileMatchText: "The SHA-256 fingerprint of “{name}” is identical to the one registered for certificate {serial}.",
      fileMatchButInvalid: "Note: this is the file that was issued, but the certificate is no longer valid (see above).",
      fileMismatch: "This is NOT the file that was issued",
      fileMismatchText: "The fingerprint of “{name}” differs from the one registered for certificate {serial}: the file was changed or is another document.",
      fileOther: "The file appears to be the certificate with serial:",
      fileNeedsSerial: "Enter the serial first",
      fileNeedsSerialText: "No serial was found in the file. Enter the serial printed on the certificate, then choose the file again.",
      fileNoRecord: "The file cannot be compared",
      fileNoRecordText: "The serial above has no certificate in the registry, so there is no fingerprint to compare the file with.",
      fingerprint: "File fingerprint (SHA-256)",
      fileError: "The file could not be read",
      fileErrorText: "The browser could not read the chosen file. Try again or choose another copy."
    }
  };

  var lang = "ro";
  var registryPromise = null;
  var published = null;
  var current = null;      /* {serial, state, record} of the last serial looked up */
  var lastFile = null;     /* {name, digest, other} of the last file hashed */
  var generation = 0;
  var encoder = new TextEncoder();

  function $(id) { return document.getElementById(id); }

  function t(key, values) {
    var text = TEXT[lang][key];
    Object.keys(values || {}).forEach(function (name) { text = text.split("{" + name + "}").join(values[name]); });
    return text;
  }

  function canonical(text) {
    var cleaned = String(text || "").replace(/[\s-]/g, "").toUpperCase().replace(/O/g, "0").replace(/[IL]/g, "1");
    if (cleaned.length !== 16) { return null; }
    for (var i = 0; i < cleaned.length; i++) {
      if (ALPHABET.indexOf(cleaned[i]) < 0) { return null; }
    }
    return cleaned;
  }

  function grouped(serial) { return serial.match(/.{1,4}/g).join("-"); }

  function formatDate(iso) {
    if (!iso) { return ""; }
    var day = new Date(String(iso).slice(0, 10) + "T00:00:00Z");
    if (isNaN(day.getTime())) { return String(iso); }
    return new Intl.DateTimeFormat(lang === "ro" ? "ro-RO" : "en-GB",
      { day: "numeric", month: "long", year: "numeric", timeZone: "UTC" }).format(day);
  }

  function fromBase64(text) {
    var binary = atob(text);
    var bytes = new Uint8Array(binary.length);
    for (var i = 0; i < binary.length; i++) { bytes[i] = binary.charCodeAt(i); }
    return bytes;
  }

  function toHex(buffer) {
    return Array.prototype.map.call(new Uint8Array(buffer), function (b) {
      return ("0" + b.toString(16)).slice(-2);
    }).join("");
  }

  /* -- the registry ------------------------------------------------------------------------------------------- */

  function loadScript() {
    return new Promise(function (resolve, reject) {
      if (window.COOPERARE_REGISTRY) { resolve(window.COOPERARE_REGISTRY); return; }
      var script = document.createElement("script");
      script.src = "registry.js";
      script.onload = function () {
        if (window.COOPERARE_REGISTRY) { resolve(window.COOPERARE_REGISTRY); } else { reject(new Error("empty")); }
      };
      script.onerror = function () { reject(new Error("registry.js")); };
      document.head.appendChild(script);
    });
  }

  function loadRegistry() {
    if (!registryPromise) {
      /* fetch is refused for pages opened from disk (file://); registry.js carries the same data as a script. */
      registryPromise = fetch("registry.json", { cache: "no-cache" }).then(function (response) {
        if (!response.ok) { throw new Error("HTTP " + response.status); }
        return response.json();
      }).catch(loadScript).then(function (registry) {
        published = registry.published_at || null;
        showPublished();
        return registry;
      });
      registryPromise.catch(function () { registryPromise = null; });
    }
    return registryPromise;
  }

  /* The entries that may hold ``lookup``: the registry's own, or those of its shard (fetched, or loaded as a script
     for a copy opened from disk). */
  function entriesFor(registry, lookup) {
    if (!registry.shard_digits) { return Promise.resolve(registry.entries || {}); }
    var name = registry.shard_folder + "/" + lookup.slice(0, registry.shard_digits);
    if (!/^registry-[0-9a-f]+\/[0-9a-f]+$/.test(name)) { return Promise.reject(new Error("shard name")); }
    function fromScript() {
      return new Promise(function (resolve, reject) {
        var shards = window.COOPERARE_SHARDS || {};
        if (shards[name]) { resolve(shards[name]); return; }
        var script = document.createElement("script");
        script.src = name + ".js";
        script.onload = function () {
          var loaded = (window.COOPERARE_SHARDS || {})[name];
          if (loaded) { resolve(loaded); } else { reject(new Error("empty shard")); }
        };
        script.onerror = function () { reject(new Error(name + ".js")); };
        document.head.appendChild(script);
      });
    }
    return fetch(name + ".json", { cache: "no-cache" }).then(function (response) {
      if (!response.ok) { throw new Error("HTTP " + response.status); }
      return response.json();
    }).catch(fromScript).then(function (shard) {
      if (shard.format !== FORMAT) { throw new Error("shard format"); }
      return shard.entries || {};
    });
  }

  function derive(serial, salt) {
    var subtle = window.crypto.subtle;
    return subtle.importKey("raw", encoder.encode(serial), "HKDF", false, ["deriveBits", "deriveKey"])
      .then(function (ikm) {
        var lookup = subtle.deriveBits({ name: "HKDF", hash: "SHA-256", salt: salt,
          info: encoder.encode(FORMAT + " lookup") }, ikm, 128);
        var key = subtle.deriveKey({ name: "HKDF", hash: "SHA-256", salt: salt,
          info: encoder.encode(FORMAT + " key") }, ikm, { name: "AES-GCM", length: 256 }, false, ["decrypt"]);
        return Promise.all([lookup, key]);
      }).then(function (both) { return { lookup: toHex(both[0]), key: both[1] }; });
  }

  function lookUp(serial) {
    return loadRegistry().then(function (registry) {
      if (registry.format !== FORMAT) { return { state: "tampered" }; }
      return derive(serial, fromBase64(registry.salt)).then(function (derived) {
        return entriesFor(registry, derived.lookup).then(function (entries) {
          return { derived: derived, entries: entries };
        }, function () { return { failed: true }; });
      }).then(function (found) {
        if (found.failed) { return { state: "loadError" }; }
        var derived = found.derived, entries = found.entries;
        if (!Object.prototype.hasOwnProperty.call(entries, derived.lookup)) { return { state: "unknown" }; }
        var sealed;
        try { sealed = fromBase64(entries[derived.lookup]); } catch (error) { return { state: "tampered" }; }
        return window.crypto.subtle.decrypt({ name: "AES-GCM", iv: sealed.slice(0, 12), tagLength: 128,
          additionalData: encoder.encode(FORMAT + "|" + derived.lookup) }, derived.key, sealed.slice(12))
          .then(function (plain) {
            var record = JSON.parse(new TextDecoder().decode(plain));
            if (String(record.serial).replace(/-/g, "") !== serial) { return { state: "tampered" }; }
            if (["valid", "revoked", "replaced"].indexOf(record.status) < 0) { return { state: "tampered" }; }
            return { state: record.status, record: record };
          }, function () { return { state: "tampered" }; });
      });
    }, function () { return { state: "loadError" }; });
  }

  /* -- rendering ---------------------------------------------------------------------------------------------- */

  function element(tag, attributes, children) {
    var node = document.createElement(tag);
    Object.keys(attributes || {}).forEach(function (name) { node.setAttribute(name, attributes[name]); });
    (children || []).forEach(function (child) {
      if (child === null || child === undefined) { return; }
      node.appendChild(typeof child === "string" ? document.createTextNode(child) : child);
    });
    return node;
  }

  var TONE = { valid: "ok", revoked: "bad", replaced: "warn", unknown: "bad", badSerial: "info", tampered: "bad",
    loadError: "info", checking: "info", fileMatch: "ok", fileMismatch: "bad", fileNeedsSerial: "info",
    fileNoRecord: "info", fileReading: "info", fileError: "bad" };
  var MARK = { ok: "✓", bad: "✗", warn: "!", info: "i" };

  /* A paragraph of the text ``key``; serials and dates are kept on one line. */
  function said(key, values) {
    var paragraph = element("p");
    TEXT[lang][key].split(/(\{[a-z]+\})/).forEach(function (part) {
      var slot = /^\{([a-z]+)\}$/.exec(part);
      if (!slot) {
        if (part) { paragraph.appendChild(document.createTextNode(part)); }
        return;
      }
      var value = String((values || {})[slot[1]]);
      paragraph.appendChild(slot[1] === "serial" || slot[1] === "date"
        ? element("span", { "class": "nowrap" }, [value]) : document.createTextNode(value));
    });
    return paragraph;
  }

  function box(state, heading, paragraphs, extra, toneOverride) {
    var tone = toneOverride || TONE[state];
    var title = element(heading, {}, [element("span", { "class": "mark", "aria-hidden": "true" }, [MARK[tone]]),
      element("span", {}, [t(state)])]);
    var body = [title].concat(paragraphs.map(function (p) { return typeof p === "string" ? element("p", {}, [p]) : p; }));
    return element("div", { "class": "status status-" + tone, "data-state": state }, body.concat(extra || []));
  }

  function details(record) {
    var rows = [
      ["holder", record.holder],
      ["programme", record.programme],
      ["track", record.track],
      ["course", record.course],
      ["hours", record.hours ? t("hoursValue", { n: record.hours }) : null],
      ["period", record.start && record.end ? formatDate(record.start) + " – " + formatDate(record.end) : null],
      ["issuedOn", formatDate(record.issued_on)],
      ["issuer", record.issuer],
      ["serial", record.serial]
    ];
    /* Names, programmes and the issuer are Romanian whatever the page's language: screen readers are told so. */
    var romanian = ["holder", "programme", "track", "course", "issuer"];
    var list = element("dl", { "class": "details" });
    rows.forEach(function (row) {
      if (!row[1]) { return; }
      list.appendChild(element("dt", {}, [t(row[0])]));
      var attributes = row[0] === "serial" ? { "class": "mono" } : romanian.indexOf(row[0]) >= 0 ? { lang: "ro" } : {};
      list.appendChild(element("dd", attributes, [String(row[1])]));
    });
    return list;
  }

  function reason(record) {
    if (!record.reason) { return null; }
    var text = TEXT[lang].reason.split("{reason}");
    return element("p", {}, [text[0], element("span", { lang: "ro" }, [record.reason]), text[1]]);
  }

  function renderResult() {
    var region = $("result");
    region.textContent = "";
    if (!current) { return; }
    var state = current.state;
    var record = current.record;
    var shown = current.serial ? grouped(current.serial) : "";
    var node;
    if (state === "valid") {
      node = box(state, "h2", [said("validText", { serial: shown })], [details(record)]);
    } else if (state === "revoked") {
      node = box(state, "h2", [said("revokedText", { serial: shown, date: formatDate(record.changed_on) }),
        reason(record)].filter(Boolean), [details(record)]);
    } else if (state === "replaced") {
      var link = element("a", { href: "?serie=" + encodeURIComponent(record.replaced_by), "class": "mono" },
        [record.replaced_by]);
      var replacedBy = said("replacedText", { serial: shown, date: formatDate(record.changed_on) });
      replacedBy.appendChild(document.createTextNode(" "));
      replacedBy.appendChild(link);
      node = box(state, "h2", [replacedBy, reason(record)].filter(Boolean), [details(record)]);
    } else if (state === "unknown") {
      node = box(state, "h2", [said("unknownText", { serial: shown })]);
    } else {
      node = box(state, "h2", state === "checking" ? [] : [said(state + "Text", { serial: "7K2M-9QXD-4TBW-H0RC" })]);
    }
    region.appendChild(node);
  }

  function renderFile(state) {
    var region = $("file-result");
    region.textContent = "";
    if (!state) { return; }
    var node;
    var serial = current && current.serial ? grouped(current.serial) : "";
    var fingerprint = lastFile ? element("dl", { "class": "details" }, [element("dt", {}, [t("fingerprint")]),
      element("dd", { "class": "mono" }, [lastFile.digest])]) : null;
    if (state === "fileMatch") {
      var valid = current.state === "valid";
      node = box(state, "h3", [said("fileMatchText", { name: lastFile.name, serial: serial }),
        valid ? null : element("p", { "class": "warning" }, [element("strong", {}, [t("fileMatchButInvalid")])])]
        .filter(Boolean), [fingerprint], valid ? null : "warn");
    } else if (state === "fileMismatch") {
      var paragraphs = [said("fileMismatchText", { name: lastFile.name, serial: serial })];
      if (lastFile.other && lastFile.other !== current.serial) {
        paragraphs.push(element("p", {}, [t("fileOther") + " ",
          element("a", { href: "?serie=" + grouped(lastFile.other), "class": "mono" }, [grouped(lastFile.other)])]));
      }
      node = box(state, "h3", paragraphs, [fingerprint]);
    } else if (state === "fileReading") {
      node = box(state, "h3", []);
    } else {
      node = box(state, "h3", [said(state + "Text")]);
    }
    region.appendChild(node);
  }

  function showPublished() {
    $("published").textContent = published ? t("published", { date: formatDate(published) }) : "";
  }

  function applyLanguage() {
    document.documentElement.lang = lang;
    document.title = t("pageTitle") + " – " + document.querySelector(".issuer").textContent;
    Array.prototype.forEach.call(document.querySelectorAll("[data-t]"), function (node) {
      node.textContent = t(node.getAttribute("data-t"));
    });
    var toggle = $("lang");
    toggle.textContent = t("toggle");
    toggle.setAttribute("lang", lang === "ro" ? "en" : "ro");
    showPublished();
    renderResult();
    renderFile(lastFile ? lastFile.state : null);
  }

  /* -- actions ------------------------------------------------------------------------------------------------ */

  function check(text) {
    var serial = canonical(text);
    var mine = ++generation;
    lastFile = null;
    renderFile(null);
    if (!serial) {
      current = { serial: null, state: "badSerial" };
      renderResult();
      return Promise.resolve(current);
    }
    current = { serial: serial, state: "checking" };
    $("serial").value = grouped(serial);
    renderResult();
    return lookUp(serial).then(function (found) {
      if (mine !== generation) { return current; }
      current = { serial: serial, state: found.state, record: found.record };
      renderResult();
      return current;
    });
  }

  function serialInPdf(bytes) {
    /* The issuer writes "serie:SERIAL" into the PDF's Keywords, outside any compressed stream. */
    var text = new TextDecoder("latin1").decode(bytes);
    var match = /serie:([0-9A-Z]{16})/.exec(text);
    return match ? match[1] : null;
  }

  function checkFile(file) {
    if (!file) { return; }
    lastFile = { name: file.name, digest: "", state: "fileReading" };
    renderFile("fileReading");
    file.arrayBuffer().then(function (buffer) {
      var other = serialInPdf(new Uint8Array(buffer));
      return window.crypto.subtle.digest("SHA-256", buffer).then(function (digest) {
        var file_ = { name: file.name, digest: toHex(digest), other: other };
        var ready = current && current.record ? Promise.resolve(current) : null;
        if (!ready && other) {
          $("serial").value = grouped(other);
          ready = check(other);
        }
        return (ready || Promise.resolve(current)).then(function (now) {
          lastFile = file_;
          if (!now || !now.serial) {
            lastFile.state = "fileNeedsSerial";
          } else if (!now.record) {
            lastFile.state = "fileNoRecord";
          } else {
            lastFile.state = now.record.sha256 === file_.digest ? "fileMatch" : "fileMismatch";
          }
          renderFile(lastFile.state);
        });
      });
    }).catch(function () {
      lastFile = { name: file.name, digest: "", state: "fileError" };
      renderFile("fileError");
    });
  }

  function serialFromAddress() {
    var query = new URLSearchParams(window.location.search).get("serie");
    if (query) { return query; }
    var fragment = decodeURIComponent(window.location.hash.replace(/^#/, ""));
    var fromFragment = new URLSearchParams(fragment).get("serie");
    return fromFragment || fragment || "";
  }

  function start() {
    if (new URLSearchParams(window.location.search).get("lang") === "en") { lang = "en"; }
    $("lang").addEventListener("click", function () {
      lang = lang === "ro" ? "en" : "ro";
      applyLanguage();
    });
    if (!window.crypto || !window.crypto.subtle) {
      $("no-crypto").hidden = false;
      $("check").disabled = true;
      $("pdf").disabled = true;
      applyLanguage();
      return;
    }
    $("serial-form").addEventListener("submit", function (event) {
      event.preventDefault();
      check($("serial").value);
    });
    $("pdf").addEventListener("change", function () { checkFile($("pdf").files[0]); });
    var drop = $("drop");
    ["dragenter", "dragover"].forEach(function (name) {
      drop.addEventListener(name, function (event) { event.preventDefault(); drop.classList.add("over"); });
    });
    ["dragleave", "drop"].forEach(function (name) {
      drop.addEventListener(name, function () { drop.classList.remove("over"); });
    });
    drop.addEventListener("drop", function (event) {
      event.preventDefault();
      if (event.dataTransfer && event.dataTransfer.files.length) { checkFile(event.dataTransfer.files[0]); }
    });
    applyLanguage();
    var serial = serialFromAddress();
    if (serial) {
      $("serial").value = serial;
      check(serial);
    } else {
      loadRegistry().catch(function () { return null; });
    }
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
}());
