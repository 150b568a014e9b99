/* Evidence Journal: the service worker of an encrypted publish (issue 26).
   Scoped to the published folder; registered by unlock.js over http(s) only, never from file://.
   It keeps one whole publish on this device, as the host serves it: the page shell, the
   manifest, icons and assets, and the sealed objects (p/<id>.js, still encrypted; no key ever
   reaches this worker), and serves them when the network is gone. What it works from is
   offline.json (journal/publish/pwa.py), which lists what anyone can read off the folder:
   each file's name, size and hash, the publish number and the offline budget.

   - A publish becomes this device's copy only once every file it keeps has arrived and
     matched its hash; until then the previous copy stays whole. No publish is mixed with
     another: objects are asked for by the hash of their bytes (p/<id>.js?v=<hash>).
   - A navigation online compares the host's publish number with this device's: newer, it is
     shown from the network and brought here in the background ("updated" when done); older,
     it is refused and this device's copy is shown, with a message saying so; the host
     unreachable (or slower than WAIT), this device's copy is shown.
   - What is fetched ahead depends only on what the host already knows (sizes and names,
     smallest first), never on what is read or searched: three quarters of the budget at
     most. Larger objects are fetched when first opened online and kept while the whole stays
     within the budget, the least recently opened dropped first.
   The page shell checks everything again after unlocking: every object against the sealed
   manifest, and the publish number against the newest this browser has opened. */
"use strict";

var FORMAT = "evidence-journal/1";  /* of these caches: a worker of another format drops them */
var SCOPE = self.registration.scope;
var PREFIX = FORMAT + " " + SCOPE + " ";
var OBJECTS = PREFIX + "objects", STATE = PREFIX + "state", PUBLISH = PREFIX + "publish ";
var STATE_URL = SCOPE + "?evidence-journal-offline-state";
var SHELL = SCOPE + "index.html", LIST = SCOPE + "offline.json";
var WAIT = 4000;  /* ms the host has to answer a navigation when this device has a copy */
var AHEAD = 3 / 4;  /* of the budget, at most, for what is fetched ahead */
var PARALLEL = 4;
var OBJECT_PATH = /^p\/([0-9a-f]{24})\.js\?v=([A-Za-z0-9_-]{22})$/;
var OBJECT_SCRIPT = /^journalSealedObject\("([0-9a-f]{24})","([A-Za-z0-9+\/=]*)"\);\n$/;

var served = new Map();  /* client id -> what its page shell was (numbers only) */
var syncing = null, queue = Promise.resolve();

self.addEventListener("install", function () { self.skipWaiting(); });

self.addEventListener("activate", function (event) {
  event.waitUntil(dropOtherFormats().then(function () { return self.clients.claim(); }));
});

/* Caches of this folder in another format, left by a worker of another version: dropped on
   taking over, and again after each copy is made (the old worker may still have been writing). */
async function dropOtherFormats() {
  var names = await caches.keys();
  await Promise.all(names.filter(function (name) {
    return name.indexOf(" " + SCOPE + " ") > 0 && name.indexOf(FORMAT + " ") !== 0;
  }).map(function (name) { return caches.delete(name); }));
}

/* --- small helpers ----------------------------------------------------------------------- */

function locked(task) {  /* one change of the state at a time */
  var run = queue.then(task, task);
  queue = run.catch(function () {});
  return run;
}
function b64url(bytes) {
  var bin = "";
  for (var i = 0; i < bytes.length; i++) bin += String.fromCharCode(bytes[i]);
  return btoa(bin).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}
async function hashOf(bytes) {  /* as crypto.digest writes it: SHA-256, 16 bytes, base64url */
  return b64url(new Uint8Array(await crypto.subtle.digest("SHA-256", bytes)).slice(0, 16));
}
function unb64(text) {
  var bin = atob(text), out = new Uint8Array(bin.length);
  for (var i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
  return out;
}
function within(promise, ms) {
  return Promise.race([promise, new Promise(function (resolve) { setTimeout(resolve, ms, null); })]);
}
function headersOf(response) {  /* the host's headers, less those of the transfer (and a
                                     Vary: *, which Cache Storage refuses) */
  var headers = new Headers(response.headers);
  ["content-length", "content-encoding", "transfer-encoding", "vary"].forEach(function (h) { headers.delete(h); });
  return headers;
}
function inScope(path) {  /* an address listed in offline.json: inside this folder, or null */
  var url;
  try { url = new URL(path, SCOPE); } catch (e) { return null; }
  if (url.origin !== self.location.origin || url.hash || url.href.indexOf(SCOPE) !== 0) return null;
  return url;
}

function lookUp(url, cacheName) {  /* never makes the cache, as caches.open would */
  return caches.match(url, { cacheName: cacheName });
}
async function readState() {
  var found = await lookUp(STATE_URL, STATE);
  var state = found ? await found.json() : null;
  return state && typeof state.current === "number" ? state : { current: 0, seen: 0, kept: {} };
}
async function writeState(state) {
  var body = JSON.stringify(state);
  await (await caches.open(STATE)).put(STATE_URL, new Response(body, { headers: { "Content-Type": "application/json" } }));
}

/* offline.json, checked whole: anything unexpected and nothing of it is used. */
function parseList(text) {
  var data;
  try { data = JSON.parse(text); } catch (e) { return null; }
  if (!data || data.format !== "evidence-journal-offline" || data.version !== 1) return null;
  if (!Number.isSafeInteger(data.publish) || data.publish <= 0) return null;
  if (!Number.isSafeInteger(data.budget) || data.budget < 0) return null;
  if (!Array.isArray(data.shell) || !Array.isArray(data.objects) || !data.shell.length) return null;
  var list = { publish: data.publish, budget: data.budget, size: text.length, shell: [], objects: [],
    byUrl: new Map() };
  for (var i = 0; i < data.shell.length; i++) {
    var f = data.shell[i];
    if (!Array.isArray(f) || typeof f[0] !== "string" || !Number.isSafeInteger(f[1]) || f[1] < 0 ||
        typeof f[2] !== "string" || !/^[A-Za-z0-9_-]{22}$/.test(f[2])) return null;
    var url = inScope(f[0]);
    if (!url || url.search) return null;
    var rel = url.href.slice(SCOPE.length);
    if (i === 0 ? rel !== "index.html" :
        !(rel === "manifest.webmanifest" || /^icons\/[^\/]+\.png$/.test(rel) || /^assets\/./.test(rel))) return null;
    list.shell.push({ url: url.href, size: f[1], hash: f[2] });
  }
  for (i = 0; i < data.objects.length; i++) {
    var o = data.objects[i], m = Array.isArray(o) && typeof o[0] === "string" && OBJECT_PATH.exec(o[0]);
    if (!m || !Number.isSafeInteger(o[1]) || o[1] < 0) return null;
    var entry = { url: inScope(o[0]).href, id: m[1], hash: m[2], size: o[1] };
    list.objects.push(entry);
    list.byUrl.set(entry.url, entry);
  }
  return list;
}

/* What is fetched ahead: the shell files (and this list), then objects smallest first (sizes
   are public), within three quarters of the budget. null: the budget cannot hold the shell. */
function plan(list) {
  var limit = Math.floor(list.budget * AHEAD), total = list.size, ahead = new Set();
  list.shell.forEach(function (f) { total += f.size; });
  if (total > limit) return null;
  var order = list.objects.slice().sort(function (a, b) {
    return a.size - b.size || (a.url < b.url ? -1 : a.url > b.url ? 1 : 0);
  });
  for (var i = 0; i < order.length && total + order[i].size <= limit; i++) {
    total += order[i].size;
    ahead.add(order[i].url);
  }
  return { ahead: ahead, order: order.slice(0, i), total: total };
}

/* The sealed object's script, checked against its address (the id and the hash of the blob)
   and, when listed, its size: a list cannot make the budget hold more than it says. */
async function objectMatches(text, entry) {
  var m = OBJECT_SCRIPT.exec(text);
  if (!m || m[1] !== entry.id || (entry.size !== undefined && text.length !== entry.size)) return false;
  return (await hashOf(unb64(m[2]))) === entry.hash;
}
function objectResponse(text) {
  return new Response(text, { headers: { "Content-Type": "text/javascript; charset=utf-8" } });
}
/* What the page shell is given for an object this device does not hold, with no network. */
function notOnDevice(id) {
  return new Response('journalNotOnDevice("' + id + '");\n',
    { headers: { "Content-Type": "text/javascript; charset=utf-8" } });
}

/* --- the host's publish ------------------------------------------------------------------ */

/* The host's page shell and offline.json, fetched together. null when unreachable; list null
   when there is none, it is malformed, or it does not describe this very shell. */
async function fromNetwork() {
  var got;
  try {
    got = await Promise.all([
      fetch(SHELL, { cache: "no-store", credentials: "same-origin" }),
      fetch(LIST, { cache: "no-store", credentials: "same-origin" }).catch(function () { return null; }),
    ]);
  } catch (e) { return null; }
  var shell = got[0], listed = got[1];
  if (!shell.ok) return { ok: false, response: shell };
  var bytes = new Uint8Array(await shell.arrayBuffer()), net = { ok: true, bytes: bytes, headers: headersOf(shell), list: null };
  if (listed && listed.ok) {
    net.listText = await listed.text();
    var list = parseList(net.listText);
    if (list && list.shell[0].hash === (await hashOf(bytes)) && list.shell[0].size === bytes.length) net.list = list;
  }
  return net;
}
function networkShell(net) {
  return new Response(net.bytes, { status: 200, headers: net.headers });
}

async function deviceCopy(state) {
  if (!state.current) return null;
  var shell = await lookUp(SHELL, PUBLISH + state.current);
  var listed = await lookUp(LIST, PUBLISH + state.current);
  if (!shell || !listed) return null;
  var list = parseList(await listed.text());
  return list ? { publish: state.current, shell: shell, list: list } : null;
}

/* Bring the host's publish to this device, whole, then make it this device's copy. */
function sync(net) {
  if (!net || !net.list) return Promise.resolve();
  if (syncing) return syncing;
  syncing = locked(function () { return bringHere(net); }).finally(function () { syncing = null; });
  return syncing;
}

async function bringHere(net) {
  var list = net.list, state = await readState(), wanted = plan(list);
  if (state.current && list.publish <= state.current) return;
  if (!wanted) { await forgetAll(); return; }
  if (list.publish > state.seen) { state.seen = list.publish; await writeState(state); }
  var names = await caches.keys();  /* a download left unfinished by an older publish */
  await Promise.all(names.filter(function (name) {
    return name.indexOf(PUBLISH) === 0 && name !== PUBLISH + state.current && name !== PUBLISH + list.publish;
  }).map(function (name) { return caches.delete(name); }));
  var staging = await caches.open(PUBLISH + list.publish);
  await staging.put(SHELL, networkShell(net));
  await staging.put(LIST, new Response(net.listText, { headers: { "Content-Type": "application/json" } }));
  for (var i = 1; i < list.shell.length; i++) {
    var f = list.shell[i];
    if (await staging.match(f.url)) continue;
    var r = await fetch(f.url, { cache: "no-store", credentials: "same-origin" });
    var bytes = r.ok ? await r.arrayBuffer() : null;
    if (!bytes || bytes.byteLength !== f.size || (await hashOf(bytes)) !== f.hash) return;  /* next visit */
    await staging.put(f.url, new Response(bytes, { headers: headersOf(r) }));
  }
  var objects = await caches.open(OBJECTS);
  var have = new Set((await objects.keys()).map(function (request) { return request.url; }));
  var todo = wanted.order.filter(function (entry) { return !have.has(entry.url); });
  var failed = false, next = 0;
  async function worker() {
    while (!failed && next < todo.length) {
      var entry = todo[next++];
      try {
        var response = await fetch(entry.url, { credentials: "same-origin" });
        var text = response.ok ? await response.text() : "";
        if (await objectMatches(text, entry)) await objects.put(entry.url, objectResponse(text));
        else failed = true;
      } catch (e) { failed = true; }
    }
  }
  var workers = [];
  for (i = 0; i < PARALLEL; i++) workers.push(worker());
  await Promise.all(workers);
  if (failed) return;  /* the previous copy stays whole; the next visit goes on from here */
  var previous = state.current, kept = {}, used = wanted.total;
  Object.keys(state.kept || {}).sort(function (a, b) { return state.kept[b] - state.kept[a]; }).forEach(function (url) {
    var entry = list.byUrl.get(url);
    if (entry && !wanted.ahead.has(url) && used + entry.size <= list.budget) { kept[url] = state.kept[url]; used += entry.size; }
  });
  await writeState({ current: list.publish, seen: Math.max(state.seen, list.publish), kept: kept });
  await tidy(list.publish, wanted.ahead, kept);
  served.forEach(function (status) {
    if (status.mode === "network" && status.publish === list.publish) status.state = "updated";
  });
  var clients = await self.clients.matchAll({ type: "window" });
  clients.forEach(function (client) {
    client.postMessage({ type: "updated", from: previous, to: list.publish });
  });
}

/* Only the current copy stays: other publishes' shells, and objects it neither fetches ahead
   nor keeps. */
async function tidy(current, ahead, kept) {
  await dropOtherFormats();
  var names = await caches.keys();
  await Promise.all(names.filter(function (name) {
    return name.indexOf(PUBLISH) === 0 && name !== PUBLISH + current;
  }).map(function (name) { return caches.delete(name); }));
  var objects = await caches.open(OBJECTS), keys = await objects.keys();
  await Promise.all(keys.filter(function (request) {
    return !ahead.has(request.url) && !kept[request.url];
  }).map(function (request) { return objects.delete(request); }));
}

async function forgetAll() {  /* a budget of 0, or too small for the shell: keep nothing */
  var names = await caches.keys();
  await Promise.all(names.filter(function (name) { return name.indexOf(PREFIX) === 0; })
    .map(function (name) { return caches.delete(name); }));
}

/* An object fetched on demand (over the ahead part of the budget): kept while everything
   stays within the budget, the least recently opened dropped first. */
function keep(entry, text) {
  return locked(async function () {
    var state = await readState(), copy = await deviceCopy(state);
    var listed = copy && copy.list.byUrl.get(entry.url), wanted = listed && plan(copy.list);
    if (!wanted || text.length !== listed.size) return;  /* not of this device's copy */
    var objects = await caches.open(OBJECTS);
    if (wanted.ahead.has(entry.url)) { await objects.put(entry.url, objectResponse(text)); return; }
    if (wanted.total + listed.size > copy.list.budget) return;  /* too large to keep at all */
    var kept = state.kept || {}, used = wanted.total, urls = Object.keys(kept);
    urls.forEach(function (url) { var e = copy.list.byUrl.get(url); used += e ? e.size : 0; });
    urls.sort(function (a, b) { return kept[a] - kept[b]; });  /* least recently opened first */
    while (used + listed.size > copy.list.budget && urls.length) {
      var old = urls.shift(), e = copy.list.byUrl.get(old);
      used -= e ? e.size : 0;
      delete kept[old];
      await objects.delete(old);
    }
    if (used + listed.size <= copy.list.budget) {
      await objects.put(entry.url, objectResponse(text));
      kept[entry.url] = latest(kept) + 1;
    }
    state.kept = kept;
    await writeState(state);
  });
}
/* Which kept object was opened last is an order, not a time: the note holds no clock. */
function latest(kept) {
  return Object.keys(kept).reduce(function (most, url) { return Math.max(most, kept[url]); }, 0);
}
function touch(url) {
  return locked(async function () {
    var state = await readState(), kept = state.kept || {};
    if (kept[url] && kept[url] !== latest(kept)) {
      kept[url] = latest(kept) + 1;
      await writeState(state);
    }
  });
}

/* --- requests ---------------------------------------------------------------------------- */

self.addEventListener("fetch", function (event) {
  var request = event.request;
  if (request.method !== "GET" || request.url.indexOf(SCOPE) !== 0) return;
  var url = new URL(request.url), rel = request.url.slice(SCOPE.length);
  if (url.origin !== self.location.origin) return;
  if (request.mode === "navigate") {
    var path = rel.split(/[?#]/)[0];
    if (path === "" || path === "index.html") event.respondWith(navigate(event));
    return;
  }
  var m = OBJECT_PATH.exec(rel);
  if (m) { event.respondWith(object(event, { url: request.url, id: m[1], hash: m[2] })); return; }
  if (!url.search && (rel === "manifest.webmanifest" || /^icons\/[^\/]+\.png$/.test(rel) || /^assets\/./.test(rel))) {
    event.respondWith(shellFile(event));
  }
});

async function navigate(event) {
  var state = await readState(), device = await deviceCopy(state);
  var pending = fromNetwork(), net = device ? await within(pending, WAIT) : await pending;
  var status, response;
  if (net && net.list && device && net.list.publish <= device.publish) {
    status = net.list.publish === device.publish ? { mode: "device", publish: device.publish, state: "current" } :
      { mode: "device", publish: device.publish, state: "refused", network: net.list.publish };
    response = device.shell;
  } else if (net && net.ok && device && !net.list) {
    /* a shell whose publish cannot be told (no offline.json, or one of another shell: an old
       host, or a deploy half done): not risked over this device's copy */
    status = { mode: "device", publish: device.publish, state: "unlisted" };
    response = device.shell;
  } else if (net && net.ok) {
    status = { mode: "network", publish: net.list ? net.list.publish : 0,
      state: !net.list ? "unlisted" : device ? "updating" : "first", previous: device ? device.publish : 0 };
    response = networkShell(net);
  } else if (device) {
    status = { mode: "device", publish: device.publish, state: state.seen > device.publish ? "pending" : "offline",
      newer: state.seen };
    response = device.shell;
  } else {
    return net ? net.response : Response.error();
  }
  status.at = Date.now();
  served.set(event.resultingClientId || "latest", status);  /* older Safari: no client id */
  if (served.size > 100) served.delete(served.keys().next().value);  /* the oldest tab */
  /* slower than WAIT: shown from this device, and the host's publish is still brought here */
  event.waitUntil(pending.then(function (later) {
    return later && later.list && later.list.publish > state.current ? sync(later) : null;
  }).catch(function () {}));
  return response;
}

async function object(event, entry) {
  var hit = await lookUp(entry.url, OBJECTS);
  if (hit) { event.waitUntil(touch(entry.url)); return hit; }
  var response;
  try { response = await fetch(event.request); } catch (e) { return notOnDevice(entry.id); }
  if (!response.ok) return response;
  var text = await response.text();
  if (await objectMatches(text, entry)) event.waitUntil(keep(entry, text).catch(function () {}));
  return objectResponse(text);  /* a mismatch too: the shell refuses it, with its message */
}

/* The manifest, icons and assets: those of the publish this page's shell came from. */
async function shellFile(event) {
  var status = served.get(event.clientId), state = await readState();
  var mine = status && status.mode === "device" ? status.publish : 0;
  var hit = mine && await lookUp(event.request.url, PUBLISH + mine);
  if (hit) return hit;
  try {
    var response = await fetch(event.request);
    if (response.ok || !state.current) return response;
  } catch (e) { if (!state.current) return Response.error(); }
  return (await lookUp(event.request.url, PUBLISH + state.current)) || Response.error();
}

/* The page shell asks what it was given (to say so), and has the host's publish brought here
   when it was not the one that asked the host (its first visit, before this worker ran). */
self.addEventListener("message", function (event) {
  var data = event.data || {}, source = event.source;
  if (data.type !== "hello" || !source) return;
  var latest = served.get("latest");
  var status = served.get(source.id) ||
    (latest && Date.now() - latest.at < 10000 ? latest : { mode: "unknown" });
  source.postMessage({ type: "status", status: status });
  if (status.mode === "unknown") event.waitUntil(fromNetwork().then(sync).catch(function () {}));
});
