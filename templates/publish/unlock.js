/* Evidence Journal: open an encrypted page in the browser with WebCrypto.
   The byte formats are documented in journal/crypto.py; this file mirrors them.
   A classic script (no modules, no fetch), so the site works from file:// too. */
(function () {
  "use strict";
  var WRAP = "evidence-journal/keyring/v1\u0000";
  var OBJECT = "evidence-journal/object/v1\u0000";
  var CONTENT = "evidence-journal/content/v1";
  var PREFIX = "evidence-journal:";
  var DB = "evidence-journal", STORE = "keys";
  var enc = new TextEncoder();

  function unb64(text) {
    var bin = atob(text), out = new Uint8Array(bin.length);
    for (var i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
    return out;
  }
  function b64(bytes) {
    var bin = "";
    for (var i = 0; i < bytes.length; i++) bin += String.fromCharCode(bytes[i]);
    return btoa(bin);
  }
  function concat() {
    var size = 0, i;
    for (i = 0; i < arguments.length; i++) size += arguments[i].length;
    var out = new Uint8Array(size), at = 0;
    for (i = 0; i < arguments.length; i++) { out.set(arguments[i], at); at += arguments[i].length; }
    return out;
  }

  /* Where this page is in the published folder: the id its blob is bound to. */
  function objectId() {
    var m = location.pathname.match(/(p\/[0-9a-f]{24}\.html)$/);
    return m ? m[1] : "index.html";
  }

  function idb(mode, action) {
    return new Promise(function (resolve) {
      try {
        var open = indexedDB.open(DB, 1);
        open.onupgradeneeded = function () { open.result.createObjectStore(STORE); };
        open.onerror = function () { resolve(null); };
        open.onsuccess = function () {
          try {
            var tx = open.result.transaction(STORE, mode), req = action(tx.objectStore(STORE));
            tx.oncomplete = function () { open.result.close(); resolve(req ? req.result : null); };
            tx.onerror = tx.onabort = function () { open.result.close(); resolve(null); };
          } catch (e) { resolve(null); }
        };
      } catch (e) { resolve(null); }
    });
  }

  /* passphrase -> PBKDF2 -> unwrap the master -> HKDF -> raw content key (null if wrong) */
  async function contentKeyBytes(ring, passphrase) {
    var subtle = crypto.subtle;
    var base = await subtle.importKey("raw", enc.encode(passphrase.normalize("NFC")), "PBKDF2", false, ["deriveBits"]);
    var bits = await subtle.deriveBits(
      { name: "PBKDF2", salt: unb64(ring.salt), iterations: ring.iterations, hash: "SHA-256" }, base, 256);
    var wrapKey = await subtle.importKey("raw", bits, "AES-GCM", false, ["decrypt"]);
    var wrapped = unb64(ring.wrapped), build = unb64(ring.build), master;
    try {
      master = await subtle.decrypt(
        { name: "AES-GCM", iv: wrapped.slice(0, 12), additionalData: concat(enc.encode(WRAP), build) },
        wrapKey, wrapped.slice(12));
    } catch (e) { return null; }
    var hkdf = await subtle.importKey("raw", master, "HKDF", false, ["deriveBits"]);
    return new Uint8Array(await subtle.deriveBits(
      { name: "HKDF", hash: "SHA-256", salt: build, info: enc.encode(CONTENT) }, hkdf, 256));
  }

  function importKey(raw) {
    return crypto.subtle.importKey("raw", raw, "AES-GCM", false, ["decrypt"]);
  }

  async function openObject(state, id, payload) {
    var blob = unb64(payload.trim());
    if (blob[0] !== 1) throw new Error("unknown object version");
    var padded = new Uint8Array(await crypto.subtle.decrypt(
      { name: "AES-GCM", iv: blob.slice(1, 13),
        additionalData: concat(enc.encode(OBJECT), enc.encode(id), new Uint8Array([0]), unb64(state.build)) },
      state.key, blob.slice(13)));
    var n = new DataView(padded.buffer).getUint32(0);
    var stream = new Blob([padded.slice(4, 4 + n)]).stream().pipeThrough(new DecompressionStream("deflate"));
    return new Response(stream).text();
  }

  async function storedKey(build) {
    var raw = null;
    try { raw = sessionStorage.getItem(PREFIX + build); } catch (e) { /* storage disabled */ }
    if (raw) return importKey(unb64(raw));
    return idb("readonly", function (store) { return store.get(PREFIX + build); });
  }

  function forget() {
    try {
      for (var i = sessionStorage.length - 1; i >= 0; i--) {
        var k = sessionStorage.key(i);
        if (k && k.indexOf(PREFIX) === 0) sessionStorage.removeItem(k);
      }
    } catch (e) { /* storage disabled */ }
    return idb("readwrite", function (store) { return store.clear(); });
  }

  function show(state, html) {
    window.__journal = state; /* for the search index and the Lock control of this page */
    document.open();
    document.write(html);
    document.close();
  }

  /* Sealed data scripts (the search index): decrypted with the key of this session. */
  window.journalOpenSealed = function (id) {
    var state = window.__journal, sealed = window.__journalSealed || {};
    if (!state || !(id in sealed)) return Promise.reject(new Error("locked or missing: " + id));
    return openObject(state, id, sealed[id]);
  };

  function wireLock() {
    var button = document.getElementById("journal-lock");
    if (!button) return;
    button.addEventListener("click", function () {
      window.__journal = null;
      forget().then(function () { location.reload(); });
    });
  }

  async function start() {
    var payloadEl = document.getElementById("journal-payload");
    if (!payloadEl) { wireLock(); return; }  /* an opened page */
    var ring = JSON.parse(document.getElementById("journal-keyring").textContent);
    var form = document.getElementById("journal-unlock");
    var message = document.getElementById("journal-message");
    if (!window.isSecureContext || !window.crypto || !crypto.subtle) {
      document.getElementById("journal-insecure").hidden = false;
      return;
    }
    var id = objectId(), payload = payloadEl.textContent;
    function damaged() {
      form.hidden = true;
      var p = document.getElementById("journal-insecure");
      p.textContent = "This page could not be decrypted: it was altered, moved, or belongs " +
        "to another publish of the journal.";
      p.hidden = false;
    }
    var key = await storedKey(ring.build);
    if (key) {
      var state = { key: key, build: ring.build }, html;
      try { html = await openObject(state, id, payload); } catch (e) { damaged(); return; }
      show(state, html);
      return;
    }
    form.hidden = false;
    var input = document.getElementById("journal-passphrase");
    input.focus();
    form.addEventListener("submit", async function (event) {
      event.preventDefault();
      var button = form.querySelector("button");
      button.disabled = true;
      message.textContent = "Unlocking…";
      var raw = await contentKeyBytes(ring, input.value);
      button.disabled = false;
      if (!raw) {
        message.textContent = "Wrong passphrase. Nothing was stored; try again.";
        input.select();
        return;
      }
      var state = { key: await importKey(raw), build: ring.build }, html;
      try { html = await openObject(state, id, payload); } catch (e) { damaged(); return; }
      try { sessionStorage.setItem(PREFIX + ring.build, b64(raw)); } catch (e) { /* disabled */ }
      if (document.getElementById("journal-remember").checked) {
        await idb("readwrite", function (store) { return store.put(state.key, PREFIX + ring.build); });
      }
      show(state, html);
    });
  }

  start();
})();
