/* Evidence Journal: the page shell of an encrypted publish, with WebCrypto.
   The byte formats are documented in journal/publish/crypto.py; this file mirrors them.
   The key lives only in this script's memory (unless "Remember on this device" is ticked):
   the shell opens every other page itself, from sealed objects loaded as classic scripts
   (p/<id>.js, so file:// works too), checked against the publish's sealed manifest.
   Over http(s) it registers the service worker (sw.js) that keeps the sealed publish on this
   device for reading offline, and says what the worker did (issue 26); never from file://. */
(function () {
  "use strict";
  var WRAP = "evidence-journal/keyring/v1\u0000";
  var OBJECT = "evidence-journal/object/v2\u0000";
  var MANIFEST = "evidence-journal/manifest/v2\u0000";
  var CONTENT = "evidence-journal/content/v1";
  var DB = "evidence-journal", STORE = "keys", PREFIX = "evidence-journal:";
  var NEWEST = "evidence-journal:newest-publish:";
  var enc = new TextEncoder();
  var base = location.href.replace(/[?#].*$/, "").replace(/[^/]*$/, "");
  var folder = location.pathname.replace(/[^/]*$/, "");
  var session = null;  /* {key, build, manifest}: this tab's memory only */
  var delivered = {}, opening = {}, current = null, currentQuery = "", routing = 0;
  var fileUrls = {};  /* attachment id -> object URL of its decrypted bytes, this tab only */
  var notice = "", searchScript = null, chartsScript = null, wired = false;
  var device = null;  /* what the service worker said it served this document: numbers only */
  var deviceText = "", deviceAlert = false, deviceOnPage = false, deviceReady = Promise.resolve();
  var notOnDevice = {};  /* object ids the worker has no copy of, with no network */
  var realReplace = history.replaceState.bind(history);

  function unb64(text) {
    if (Uint8Array.fromBase64) return Uint8Array.fromBase64(text);  /* native, ~3x faster */
    var bin = atob(text), out = new Uint8Array(bin.length);
    for (var i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
    return out;
  }
  function b64url(bytes) {
    var bin = "";
    for (var i = 0; i < bytes.length; i++) bin += String.fromCharCode(bytes[i]);
    return btoa(bin).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
  }
  function concat() {
    var size = 0, i;
    for (i = 0; i < arguments.length; i++) size += arguments[i].length;
    var out = new Uint8Array(size), at = 0;
    for (i = 0; i < arguments.length; i++) { out.set(arguments[i], at); at += arguments[i].length; }
    return out;
  }
  function inflate(bytes) {
    var stream = new Blob([bytes]).stream().pipeThrough(new DecompressionStream("deflate"));
    return new Response(stream).text();
  }
  function inflateBytes(bytes) {
    var stream = new Blob([bytes]).stream().pipeThrough(new DecompressionStream("deflate"));
    return new Response(stream).arrayBuffer();
  }
  function refused(text) { var e = new Error(text); e.refused = true; return e; }

  /* --- keys ------------------------------------------------------------------------------ */

  /* passphrase -> PBKDF2 -> unwrap the master -> HKDF -> content key (null if wrong) */
  async function contentKey(ring, passphrase) {
    var subtle = crypto.subtle;
    var base_ = await subtle.importKey("raw", enc.encode(passphrase.normalize("NFC")), "PBKDF2", false, ["deriveBits"]);
    var bits = await subtle.deriveBits(
      { name: "PBKDF2", salt: unb64(ring.salt), iterations: ring.iterations, hash: "SHA-256" }, base_, 256);
    var wrapKey = await subtle.importKey("raw", bits, "AES-GCM", false, ["decrypt"]);
    var wrapped = unb64(ring.wrapped), build = unb64(ring.build), master;
    try {
      master = await subtle.decrypt(
        { name: "AES-GCM", iv: wrapped.slice(0, 12), additionalData: concat(enc.encode(WRAP), build) },
        wrapKey, wrapped.slice(12));
    } catch (e) { return null; }
    var hkdf = await subtle.importKey("raw", master, "HKDF", false, ["deriveBits"]);
    var raw = new Uint8Array(await subtle.deriveBits(
      { name: "HKDF", hash: "SHA-256", salt: build, info: enc.encode(CONTENT) }, hkdf, 256));
    new Uint8Array(master).fill(0);
    var key = await subtle.importKey("raw", raw, "AES-GCM", false, ["decrypt"]);  /* not extractable */
    raw.fill(0);
    return key;
  }

  async function openManifest(key, build, blob) {
    if (blob[0] !== 2) throw new Error("unknown manifest version");
    var body = await crypto.subtle.decrypt(
      { name: "AES-GCM", iv: blob.slice(1, 13), additionalData: concat(enc.encode(MANIFEST), build) },
      key, blob.slice(13));
    return JSON.parse(await inflate(new Uint8Array(body)));
  }

  /* "Remember on this device": the non-extractable key in IndexedDB, nothing else. The
     database is only opened when it exists, so an unticked box leaves no trace at all. */
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
  async function rememberedKey(build) {
    try {
      if (!indexedDB.databases) return null;
      var dbs = await indexedDB.databases();
      if (!dbs.some(function (d) { return d.name === DB; })) return null;
    } catch (e) { return null; }
    return idb("readonly", function (store) { return store.get(PREFIX + build); });
  }
  function forgetDevice() {
    return new Promise(function (resolve) {
      try {
        var req = indexedDB.deleteDatabase(DB);
        req.onsuccess = req.onerror = req.onblocked = function () { resolve(); };
      } catch (e) { resolve(); }
    });
  }

  /* --- sealed objects -------------------------------------------------------------------- */

  window.journalSealedObject = function (id, payload) {
    if (typeof id === "string" && typeof payload === "string") delivered[id] = payload;
  };
  window.journalNotOnDevice = function (id) {
    if (typeof id === "string") notOnDevice[id] = true;
  };

  function loadScript(src) {
    return new Promise(function (resolve, reject) {
      var s = document.createElement("script");
      s.src = src;
      s.onload = function () { s.remove(); resolve(); };
      s.onerror = function () { s.remove(); reject(new Error("cannot load " + src)); };
      document.head.appendChild(s);
    });
  }

  /* Open one object of this publish: its blob must hash to the manifest's value. */
  async function fetchObject(id) {
    var want = session.manifest.objects[id];
    if (!want) throw refused("This page is not part of this publish of the journal.");
    delete delivered[id];
    delete notOnDevice[id];
    try { await loadScript(base + "p/" + id + ".js?v=" + want); } catch (e) {
      throw refused("This page is missing from the published copy of the journal.");
    }
    var payload = delivered[id];
    delete delivered[id];
    if (notOnDevice[id] && !payload) {
      delete notOnDevice[id];
      throw refused("This is not kept on this device for reading offline: it is larger than " +
        "the space the journal keeps here ahead of time, and was not opened here with a " +
        "network before (or no longer fits). Open it once with a network to keep it.");
    }
    if (!payload) throw refused("This page's file does not hold this page: the published copy was altered.");
    var blob = unb64(payload.trim());
    var hash = b64url(new Uint8Array(await crypto.subtle.digest("SHA-256", blob)).slice(0, 16));
    if (hash !== want) {
      throw refused("This page was refused: the file served is not the version this publish " +
        "of the journal holds (an older version, or a page of another publish). It was not " +
        "shown. If you have just published, wait a few minutes and reload; otherwise the " +
        "host may be serving an altered copy.");
    }
    if (blob[0] !== 2) throw refused("This page is in an unknown format.");
    var padded;
    try {
      padded = new Uint8Array(await crypto.subtle.decrypt(
        { name: "AES-GCM", iv: blob.slice(1, 13),
          additionalData: concat(enc.encode(OBJECT), enc.encode(id), new Uint8Array([0]), session.build) },
        session.key, blob.slice(13)));
    } catch (e) { throw refused("This page could not be decrypted: it was altered."); }
    var n = new DataView(padded.buffer).getUint32(0);
    return padded.slice(4, 4 + n);
  }
  function openObject(id) {
    if (!opening[id]) {
      opening[id] = fetchObject(id).then(inflate);
      opening[id].catch(function () { delete opening[id]; });
    }
    return opening[id];
  }

  /* An attachment (a photo, a document): sealed like a page, listed in the manifest's
     "files" with its media type, shown from an object URL of its decrypted bytes. */
  function isFile(id) { return !!(session.manifest.files && session.manifest.files[id]); }
  function fileUrl(id) {
    if (!fileUrls[id]) {
      fileUrls[id] = fetchObject(id).then(inflateBytes).then(function (bytes) {
        return URL.createObjectURL(new Blob([bytes], { type: session.manifest.files[id] }));
      });
      fileUrls[id].catch(function () { delete fileUrls[id]; });
    }
    return fileUrls[id];
  }
  function fileId(url) {
    if (url.indexOf(base) !== 0) return null;
    var m = /^p\/([0-9a-f]{24})\.[^\/?#]*$/.exec(url.slice(base.length).split(/[?#]/)[0]);
    return m && isFile(m[1]) ? m[1] : null;
  }
  /* A URL resolved against the page's own address, or null where it cannot be parsed (an
     entry's hostile link must not stop its page from showing). */
  function absolute(raw, here) {
    try { return new URL(raw, here); } catch (e) { return null; }
  }
  /* Before the page is shown: its links to attachments lose their (missing) address... */
  function holdFiles(doc, here) {
    doc.querySelectorAll("[src], a[href]").forEach(function (el) {
      var attr = el.tagName === "A" ? "href" : "src", raw = el.getAttribute(attr);
      if (!raw || raw.charAt(0) === "#") return;
      var u = absolute(raw, here), id = u && fileId(u.href);
      if (!id) return;
      el.setAttribute("data-journal-file", id + "|" + attr + "|" + u.hash);
      el.removeAttribute(attr);
    });
  }
  /* ...and get their decrypted bytes once shown; a refused file is left blank, with a title. */
  function showFiles() {
    document.querySelectorAll("[data-journal-file]").forEach(function (el) {
      var parts = el.getAttribute("data-journal-file").split("|");
      el.removeAttribute("data-journal-file");
      fileUrl(parts[0]).then(function (url) {
        el.setAttribute(parts[1], url + (parts[1] === "href" ? parts[2] : ""));
        if (parts[1] === "href") { el.setAttribute("target", "_blank"); el.setAttribute("rel", "noopener"); }
      }, function (e) {
        el.setAttribute("title", e && e.refused ? e.message : "This file could not be opened.");
      });
    });
  }

  /* --- pages inside the shell ------------------------------------------------------------ */

  function home() { return session.manifest.home; }
  function virtualUrl(id) { return base + (id === home() ? "index.html" : "p/" + id + ".html"); }

  /* A link, resolved against the page it is on -> "#/<id>?query#fragment", or null when it
     leads outside the journal's pages (an asset, another site). */
  function route(raw, here) {
    var u;
    try { u = new URL(raw, here); } catch (e) { return null; }
    if (u.href.indexOf(base) !== 0) return null;
    var path = u.href.slice(base.length).split(/[?#]/)[0];
    var m = /^p\/([0-9a-f]{24})\.html$/.exec(path);
    var id = m ? m[1] : (path === "" || path === "index.html") ? home() : null;
    if (!id) return null;
    return "#/" + (id === home() ? "" : id) + u.search + u.hash;
  }
  function parseHash() {
    var rest = location.hash, frag = "", query = "", i;
    if (rest.indexOf("#/") !== 0) return { id: home(), query: "", frag: rest.slice(1) };
    rest = rest.slice(2);
    i = rest.indexOf("#");
    if (i >= 0) { frag = rest.slice(i + 1); rest = rest.slice(0, i); }
    i = rest.indexOf("?");
    if (i >= 0) { query = rest.slice(i + 1); rest = rest.slice(0, i); }
    return { id: rest || home(), query: query, frag: frag };
  }

  function scrollToId(id) {
    var el = id && document.getElementById(decodeURIComponent(id));
    if (!el) return false;
    el.scrollIntoView();
    if (!el.hasAttribute("tabindex")) el.setAttribute("tabindex", "-1");
    el.focus({ preventScroll: true });
    return true;
  }

  function showNotice() {
    if (!notice) return;
    var main = document.getElementById("main");
    var p = document.createElement("p");
    p.id = "journal-notice";
    p.className = "unlock-problem";
    p.setAttribute("role", "alert");
    p.textContent = notice;
    if (main) main.insertBefore(p, main.firstChild);
  }

  /* The service worker's message: in the unlock form, then on the pages. An alert (an older
     publish refused, a newer one not yet here) stays on every page; news (updated, kept for
     offline use, offline) is shown on the first page after unlocking, then goes. */
  function showDevice() {
    var old = document.getElementById("journal-device");
    if (old) old.remove();
    if (!deviceText) return;
    deviceOnPage = current !== null;
    var main = document.getElementById("main");
    var p = document.createElement("p");
    p.id = "journal-device";
    p.className = deviceAlert ? "unlock-problem" : "meta";
    p.setAttribute("role", deviceAlert ? "alert" : "status");
    p.textContent = deviceText;
    /* under the unlock form's title; on a page, at the top, after the rollback notice */
    var after = document.getElementById("journal-notice") ||
      (current === null && main && main.querySelector(":scope > h1"));
    if (main) main.insertBefore(p, after ? after.nextSibling : main.firstChild);
  }
  function say(text, alert) {
    deviceText = text;
    deviceAlert = !!alert;
    showDevice();
  }

  function showRefusal(text) {
    var main = document.getElementById("main") || document.body;
    var h1 = document.createElement("h1"), p = document.createElement("p");
    h1.textContent = "Page not shown";
    p.id = "journal-refused";
    p.className = "unlock-problem";
    p.setAttribute("role", "alert");
    p.textContent = text;
    main.replaceChildren(h1, p);
    document.title = "Private journal";
    current = null;
    showNotice();
    showDevice();
  }

  /* Defence in depth, not a sanitiser: what guarantees that no script from an entry runs
     here is this shell's Content-Security-Policy (locked.html) and the build's sanitising
     of entry bodies (journal/sanitise.py, nh3). Before a decrypted page is adopted, this
     drops what could run script or change how the shell loads: frames, plugins, <base>,
     <meta http-equiv>, SVG animations (they can set an href), every on* attribute and
     every javascript:/vbscript: URL. Only the
     page's body is ever adopted: its <head> (its own meta, base or policy) never is. */
  var DROP = "iframe, frame, frameset, object, embed, applet, portal, fencedframe, base, " +
    "meta[http-equiv], animate, set";
  var URL_ATTR = /^(href|src|action|formaction|data|poster|background|codebase|cite|xlink:href)$/;
  function runsScript(value, here) {
    try { return /^(javascript|vbscript):$/.test(new URL(value, here).protocol); } catch (e) { return false; }
  }
  function defuse(doc, here) {
    doc.querySelectorAll(DROP).forEach(function (el) { el.remove(); });
    doc.querySelectorAll("*").forEach(function (el) {
      for (var i = el.attributes.length - 1; i >= 0; i--) {
        var name = el.attributes[i].name.toLowerCase(), value = el.attributes[i].value;
        if (name.slice(0, 2) === "on" || name === "srcdoc" ||
            (URL_ATTR.test(name) && runsScript(value, here))) {
          el.removeAttribute(el.attributes[i].name);
        }
      }
    });
  }

  function render(r, html, first) {
    if (deviceOnPage && !deviceAlert) deviceText = "";  /* news: said on one page, then gone */
    var doc = new DOMParser().parseFromString(html, "text/html");
    var here = virtualUrl(r.id), searchSrc = null;
    defuse(doc, here);
    holdFiles(doc, here);
    doc.querySelectorAll("script").forEach(function (s) {
      if (s.hasAttribute("data-search-index")) {
        searchSrc = new URL(s.getAttribute("src"), here).href;
        s.setAttribute("src", searchSrc);
        s.type = "text/plain";  /* inert: search.js only reads its name */
      } else {
        s.remove();  /* unlock.js and search.js are run by the shell */
      }
    });
    doc.querySelectorAll("a[href]").forEach(function (a) {
      var raw = a.getAttribute("href");
      if (raw.charAt(0) === "#") return;  /* in-page: handled on click */
      var to = route(raw, here) || absolute(raw, here);
      if (to) a.setAttribute("href", to.href || to); else a.removeAttribute("href");
    });
    doc.querySelectorAll("[src]").forEach(function (el) {
      if (el.tagName === "SCRIPT") return;
      var u = absolute(el.getAttribute("src"), here);
      if (u) el.setAttribute("src", u.href); else el.removeAttribute("src");
    });
    document.title = doc.title;
    document.body.className = doc.body.className;
    document.body.replaceChildren.apply(document.body, Array.prototype.map.call(
      doc.body.childNodes, function (n) { return document.importNode(n, true); }));
    current = r.id;
    currentQuery = r.query;
    showFiles();
    showNotice();
    showDevice();
    var lock = document.getElementById("journal-lock");
    if (lock) lock.addEventListener("click", lockNow);
    if (document.getElementById("search-form")) runSearch(r, searchSrc);
    else searchJs().catch(function () {});
    startCharts();
    if (!(r.frag && scrollToId(r.frag))) {
      window.scrollTo(0, 0);
      var main = document.getElementById("main");
      if (main && !first) { main.setAttribute("tabindex", "-1"); main.focus({ preventScroll: true }); }
    }
  }

  /* search.js, loaded once for this document (its "/" key and copy buttons work on every
     page); it sets up each search page through journalSearchPage(). */
  function searchJs() {
    if (!searchScript) {
      searchScript = loadScript(base + "assets/search.js");
      searchScript.catch(function () { searchScript = null; });
    }
    return searchScript;
  }

  /* charts.js, loaded once for this document: each page shown opens its charts at their
     latest end, as the page's own charts.js would (style.css does so without it, too). */
  function startCharts() {
    if (!chartsScript) {
      chartsScript = loadScript(base + "assets/charts.js");
      chartsScript.catch(function () { chartsScript = null; });
    }
    chartsScript.then(function () {
      if (window.journalChartsStart) window.journalChartsStart(document);
    }, function () {});
  }

  /* The search page: search.js opens the sealed search objects (the index, named by the
     page's script, then the texts, named in the index) through journalOpenSealed, which
     only opens this publish's own objects, with the manifest check. search.js keeps what
     they hold for this document, so their text is not kept here as well. */
  function runSearch(r, src) {
    var m = src && /([0-9a-f]{24})\.js$/.exec(src), form = document.getElementById("search-form");
    window.__journalSealed = {};
    if (m) window.__journalSealed["p/" + m[1] + ".js"] = true;
    window.journalOpenSealed = function (name) {
      var found = /([0-9a-f]{24})\.js$/.exec(name);
      return found ? fetchObject(found[1]).then(inflate) : Promise.reject(new Error("not sealed: " + name));
    };
    searchJs().then(function () {
      if (document.getElementById("search-form") !== form) return;  /* left meanwhile */
      if (window.journalSearchPage) window.journalSearchPage();
      var params = new URLSearchParams(r.query), q = document.getElementById("search-q");
      var boxes = { "search-kind": "kind", "search-domain": "domain" };
      for (var id in boxes) {
        var box = document.getElementById(id);
        if (box && params.get(boxes[id])) box.value = params.get(boxes[id]);
      }
      if (q && params.get("q")) { q.value = params.get("q"); q.dispatchEvent(new Event("input")); }
    }, function () {});
  }

  async function go(first) {
    var r = parseHash(), mine = ++routing;
    if (!first && r.id === current && r.query === currentQuery) { scrollToId(r.frag); return; }
    var html;
    try { html = await openObject(r.id); } catch (e) {
      if (mine === routing) showRefusal(e.refused ? e.message : "This page could not be opened.");
      return;
    }
    if (mine === routing) render(r, html, first);
  }

  /* search.js keeps its query in the address: inside the shell that is the route's query. */
  history.replaceState = function (state, title, url) {
    if (session && current && typeof url === "string" &&
        (url.charAt(0) === "?" || url === location.pathname)) {
      currentQuery = url.charAt(0) === "?" ? url.slice(1) : "";
      url = "#/" + (current === home() ? "" : current) + (currentQuery ? "?" + currentQuery : "");
    }
    return realReplace(state, title, url);
  };

  function wire() {
    if (wired) return;
    wired = true;
    window.addEventListener("hashchange", function () { go(false); });
    document.addEventListener("click", function (event) {
      if (!session || event.defaultPrevented || event.button !== 0) return;
      if (event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
      var a = event.target.closest && event.target.closest("a[href]");
      if (!a) return;
      var raw = a.getAttribute("href");
      if (raw.charAt(0) === "#" && raw.charAt(1) !== "/") {
        event.preventDefault();
        scrollToId(raw.slice(1));
        return;
      }
      if (raw.indexOf("#/") === 0) return;  /* already a route */
      var to = current && route(raw, virtualUrl(current));
      if (to) { event.preventDefault(); location.hash = to; }
    });
    document.addEventListener("submit", function (event) {
      var form = event.target;
      if (!session || event.defaultPrevented || form.id === "journal-unlock") return;
      var to = current && route(form.getAttribute("action") || "", virtualUrl(current));
      if (!to) return;
      event.preventDefault();
      var query = new URLSearchParams(new FormData(form)).toString();
      location.hash = "#/" + to.slice(2).split(/[?#]/)[0] + (query ? "?" + query : "");
    });
  }

  function lockNow() {
    session = null;
    for (var id in fileUrls) fileUrls[id].then(URL.revokeObjectURL, function () {});
    fileUrls = {};
    forgetDevice().then(function () {
      realReplace(null, "", location.pathname);
      location.reload();
    });
  }

  /* --- unlocking ------------------------------------------------------------------------- */

  // A publish time to the minute; to the second when `other` falls in the same minute, and
  // to the millisecond in the same second (a publish after one edit can take under one), so
  // two publishes compared in one sentence never read as the same time.
  function when(ms, other) {
    var a = new Date(ms).toISOString(), b = other == null ? "" : new Date(other).toISOString();
    var cut = 16;
    while (b && cut < 23 && a.slice(0, cut) === b.slice(0, cut)) cut = cut === 16 ? 19 : 23;
    return a.slice(0, cut).replace("T", " ") + " UTC";
  }

  /* The newest publish this browser has opened here: a number, not a secret. */
  function checkNewest(n) {
    var k = NEWEST + folder, seen = 0;
    try { seen = parseInt(localStorage.getItem(k) || "0", 10) || 0; } catch (e) { /* disabled */ }
    if (typeof n !== "number") return;
    if (device && device.publish && device.publish !== n) {
      notice = "Warning: this copy's offline list does not match its sealed contents (publish " +
        device.publish + " listed, " + n + " sealed): the published copy was altered.";
    } else if (n < seen && device && device.mode === "device") {
      notice = "Warning: this is the copy kept on this device (published " + when(n, seen) + "), " +
        "older than one this browser has opened here before (published " + when(seen, n) + "), " +
        "which was not kept here in full. Open the journal with a network to bring it here.";
      if (device.state === "pending") deviceText = "";  /* the same news, said once */
    } else if (n < seen) {
      notice = "Warning: this is an older copy of the journal (published " + when(n, seen) + ") than " +
        "one this browser has opened here before (published " + when(seen, n) + "). The host may " +
        "be serving an old version; what you read may be out of date.";
    } else {
      try { localStorage.setItem(k, String(n)); } catch (e) { /* disabled */ }
    }
  }

  function rememberWarning() {
    var el = document.getElementById("journal-remember-warning"), text = "";
    if (location.protocol === "file:") {
      text = "Warning: this journal was opened from a file. A remembered key would be " +
        "readable by every file this browser opens from this computer.";
    } else if (folder !== "/") {
      text = "Warning: this journal sits at " + folder + " on " + location.host + ", not at the " +
        "root of an address of its own. Every other page served from " + location.host +
        " (other projects of the same account, for example) shares this browser's storage " +
        "and could use a remembered key. Leave this unticked, or move the journal to a " +
        "domain of its own.";
    }
    if (el && text) { el.textContent = text; el.hidden = false; }
  }

  async function begin(key, ring, sealed) {
    var build = unb64(ring.build), manifest;
    try { manifest = await openManifest(key, build, sealed); } catch (e) { return false; }
    session = { key: key, build: build, manifest: manifest };
    await deviceReady;
    checkNewest(manifest.publish);
    wire();
    await go(true);
    return true;
  }

  /* --- on a phone: the service worker (issue 26) ---------------------------------------- */

  function deviceStatus(status) {
    device = status && status.mode !== "unknown" ? status : null;
    if (!device) return;
    if (device.state === "refused") {
      say("Refused an older copy of the journal: the host is serving the publish of " +
        when(device.network, device.publish) + ", older than the one this device holds (published " +
        when(device.publish, device.network) + "). This device's copy is shown instead; if you did not go " +
        "back to an older copy yourself, the host may be serving an old or altered one.", true);
    } else if (device.state === "pending") {
      say("Offline: this is the copy kept on this device (published " + when(device.publish) +
        "). A newer publish (" + when(device.newer) + ") was seen here but has not all " +
        "arrived yet; it comes here on the next visit with a network.", true);
    } else if (device.state === "unlisted" && device.mode === "device") {
      say("This is the copy kept on this device (published " + when(device.publish) + "): the " +
        "host's copy could not be checked, its offline.json missing or from another publish " +
        "(for a few minutes after a publish, a host's cache can do this).");
    } else if (device.state === "offline") {
      say("Offline: this is the copy kept on this device, published " + when(device.publish) + ".");
    } else if (device.state === "updated") {
      workerNews({ to: device.publish, from: device.previous });
    }
  }
  function workerNews(data) {
    if (typeof data.to !== "number") return;
    var showing = device ? device.publish : 0;
    if (device && device.mode === "device" && showing !== data.to) {
      say("A newer publish of the journal (" + when(data.to) + ") is now on this device: " +
        "reload to read it.");
    } else if (data.from) {
      say("Updated: this device now holds the journal as published " + when(data.to, data.from) +
        " (it held the publish of " + when(data.from, data.to) + "), for reading offline too.");
    } else {
      say("Kept on this device: the journal (published " + when(data.to) + ") now opens " +
        "here with no network too.");
    }
  }

  /* Registered over http(s) only: from file:// nothing changes. The worker answers "hello"
     with what it served this document; begin() waits a moment for it. */
  function offlineApp() {
    if (!/^https?:$/.test(location.protocol) || !window.isSecureContext ||
        !("serviceWorker" in navigator)) return Promise.resolve();
    var sw = navigator.serviceWorker, arrived;
    var asked = new Promise(function (resolve) { arrived = resolve; setTimeout(resolve, 500); });
    sw.addEventListener("message", function (event) {
      var data = event.data || {};
      if (data.type === "status") { deviceStatus(data.status); arrived(); }
      else if (data.type === "updated") workerNews(data);
    });
    sw.startMessages();
    var controlled = !!sw.controller;
    sw.addEventListener("controllerchange", function () {  /* a newer worker took over */
      if (controlled && sw.controller) sw.controller.postMessage({ type: "hello" });
      controlled = true;
    });
    sw.register("sw.js", { scope: "./", updateViaCache: "none" }).catch(function () {});
    sw.ready.then(function (registration) {
      if (registration.active) registration.active.postMessage({ type: "hello" });
      if (navigator.storage && navigator.storage.persist &&
          matchMedia("(display-mode: standalone)").matches) navigator.storage.persist();
    });
    return sw.controller ? asked : Promise.resolve();
  }

  async function start() {
    var ringEl = document.getElementById("journal-keyring");
    var manifestEl = document.getElementById("journal-manifest");
    if (!ringEl || !manifestEl) return;
    deviceReady = offlineApp();
    if (!window.isSecureContext || !window.crypto || !crypto.subtle) {
      document.getElementById("journal-insecure").hidden = false;
      return;
    }
    var ring = JSON.parse(ringEl.textContent), sealed = unb64(manifestEl.textContent.trim());
    var form = document.getElementById("journal-unlock");
    var message = document.getElementById("journal-message");
    var remembered = await rememberedKey(ring.build);
    if (remembered && await begin(remembered, ring, sealed)) return;
    rememberWarning();
    form.hidden = false;
    var input = document.getElementById("journal-passphrase");
    input.focus();
    form.addEventListener("submit", async function (event) {
      event.preventDefault();
      var button = form.querySelector("button");
      button.disabled = true;
      message.textContent = "Unlocking…";
      var key = await contentKey(ring, input.value);
      button.disabled = false;
      if (!key) {
        message.textContent = "Wrong passphrase. Nothing was stored; try again.";
        input.select();
        return;
      }
      var remember = document.getElementById("journal-remember").checked;
      if (!(await begin(key, ring, sealed))) {
        message.textContent = "The passphrase opened the keyring, but this copy of the journal " +
          "could not be opened with it: its contents do not belong to this keyring (altered, " +
          "or mixed from different publishes). Nothing was shown or stored.";
        return;
      }
      if (remember) await idb("readwrite", function (store) { return store.put(key, PREFIX + ring.build); });
    });
  }

  start();
})();
