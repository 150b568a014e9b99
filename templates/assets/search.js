/* Evidence Journal search: an in-memory index (search-index.js, a classic script so it
   works from file://; sealed in an encrypted publish), ranked, filtered, highlighted.
   On every page it only makes "/" focus the search box. */
(function () {
  "use strict";
  var MAX = 50;
  var FIELDS = { link: 0, title: 1, date: 2, kind: 3, domain: 4, tags: 5, lesson: 6, next: 7, text: 8 };

  document.addEventListener("keydown", function (event) {
    if (event.key !== "/" || event.ctrlKey || event.metaKey || event.altKey) return;
    var t = event.target;
    if (t && (t.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(t.tagName))) return;
    var box = document.getElementById("search-q") || document.getElementById("site-search-q");
    if (box) { event.preventDefault(); box.focus(); box.select(); }
  });

  var form = document.getElementById("search-form");
  if (!form) return;

  function loadIndex() {
    if (window.__journalIndex) return Promise.resolve(window.__journalIndex);
    var sealed = window.__journalSealed && Object.keys(window.__journalSealed)[0];
    if (sealed && window.journalOpenSealed) {
      return window.journalOpenSealed(sealed).then(function (text) { return JSON.parse(text); });
    }
    return Promise.reject(new Error("no search index"));
  }

  /* Lower-cased copies of the searchable fields, made once per index. */
  function prepare(index) {
    return index.entries.map(function (row) {
      return {
        row: row,
        title: row[FIELDS.title].toLowerCase(),
        lesson: row[FIELDS.lesson].toLowerCase(),
        next: row[FIELDS.next].toLowerCase(),
        meta: (row[FIELDS.domain] + " " + (index.domains[row[FIELDS.domain]] || "") + " " +
               row[FIELDS.tags].join(" ")).toLowerCase(),
        text: row[FIELDS.text].toLowerCase()
      };
    });
  }

  function terms(query) {
    return query.toLowerCase().split(/\s+/).filter(function (t) { return t.length > 0; });
  }

  /* Every term must occur somewhere; title and lesson matches rank first, then recency
     (the index is newest first and the sort is stable). */
  function search(items, query, kind, domain) {
    var words = terms(query), hits = [];
    for (var i = 0; i < items.length; i++) {
      var it = items[i], row = it.row, score = 0, ok = true;
      if (kind && row[FIELDS.kind] !== kind) continue;
      if (domain && row[FIELDS.domain] !== domain) continue;
      for (var w = 0; w < words.length && ok; w++) {
        var word = words[w], s = 0;
        if (it.title.indexOf(word) >= 0) s += 100;
        if (it.lesson.indexOf(word) >= 0) s += 100;
        if (it.meta.indexOf(word) >= 0) s += 10;
        if (it.next.indexOf(word) >= 0) s += 5;
        if (it.text.indexOf(word) >= 0) s += 1;
        if (s === 0) ok = false;
        score += s;
      }
      if (ok) hits.push({ item: it, score: score });
    }
    hits.sort(function (a, b) { return b.score - a.score; });
    return { words: words, hits: hits };
  }

  /* A stretch of text around the first match, with every term marked. */
  function snippet(it, words) {
    var source = it.row[FIELDS.text], lower = it.text;
    var fields = [[it.lesson, FIELDS.lesson], [it.next, FIELDS.next]];
    for (var f = 0; f < fields.length; f++) {
      for (var w = 0; w < words.length; w++) {
        if (fields[f][0].indexOf(words[w]) >= 0 && lower.indexOf(words[w]) < 0) {
          source = it.row[fields[f][1]]; lower = fields[f][0];
        }
      }
    }
    var at = -1;
    for (var k = 0; k < words.length; k++) {
      var p = lower.indexOf(words[k]);
      if (p >= 0 && (at < 0 || p < at)) at = p;
    }
    var start = Math.max(0, at - 60), end = Math.min(source.length, Math.max(at, 0) + 160);
    var text = (start > 0 ? "…" : "") + source.slice(start, end) + (end < source.length ? "…" : "");
    return mark(text, words);
  }

  function mark(text, words, into) {
    var out = into || document.createDocumentFragment(), lower = text.toLowerCase(), i = 0;
    while (i < text.length) {
      var best = -1, len = 0;
      for (var w = 0; w < words.length; w++) {
        var p = lower.indexOf(words[w], i);
        if (p >= 0 && (best < 0 || p < best || (p === best && words[w].length > len))) {
          best = p; len = words[w].length;
        }
      }
      if (best < 0) { out.appendChild(document.createTextNode(text.slice(i))); break; }
      if (best > i) out.appendChild(document.createTextNode(text.slice(i, best)));
      var m = document.createElement("mark");
      m.textContent = text.slice(best, best + len);
      out.appendChild(m);
      i = best + len;
    }
    return out;
  }

  var q = document.getElementById("search-q");
  var kindBox = document.getElementById("search-kind");
  var domainBox = document.getElementById("search-domain");
  var status = document.getElementById("search-status");
  var list = document.getElementById("search-results");
  var params = new URLSearchParams(location.search);
  q.value = params.get("q") || "";
  kindBox.value = params.get("kind") || "";
  domainBox.value = params.get("domain") || "";
  var items = null, domains = {};

  function show() {
    list.textContent = "";
    if (!items) return;
    var query = q.value.trim();
    if (!query) { status.textContent = "Type a word to search " + items.length + " entries."; return; }
    var result = search(items, query, kindBox.value, domainBox.value), hits = result.hits;
    status.textContent = hits.length === 0 ? "No entries match." :
      hits.length + (hits.length === 1 ? " entry matches" : " entries match") +
      (hits.length > MAX ? "; the first " + MAX + " are shown." : ".");
    for (var i = 0; i < Math.min(hits.length, MAX); i++) {
      var it = hits[i].item, row = it.row, li = document.createElement("li");
      li.className = row[FIELDS.kind];
      var a = document.createElement("a");
      a.href = row[FIELDS.link];
      mark(row[FIELDS.title], result.words, a);
      var meta = document.createElement("span");
      meta.className = "meta";
      meta.textContent = " " + row[FIELDS.date] + " · " + (row[FIELDS.kind] === "win" ? "win" : "setback") +
        " · " + (domains[row[FIELDS.domain]] || row[FIELDS.domain]);
      var p = document.createElement("p");
      p.className = "snippet";
      p.appendChild(snippet(it, result.words));
      li.appendChild(a); li.appendChild(meta); li.appendChild(p);
      list.appendChild(li);
    }
  }

  function update() {
    var next = new URLSearchParams();
    if (q.value) next.set("q", q.value);
    if (kindBox.value) next.set("kind", kindBox.value);
    if (domainBox.value) next.set("domain", domainBox.value);
    var query = next.toString();
    try { history.replaceState(null, "", query ? "?" + query : location.pathname); } catch (e) { /* file:// */ }
    show();
  }

  form.addEventListener("submit", function (event) { event.preventDefault(); update(); });
  q.addEventListener("input", update);
  kindBox.addEventListener("change", update);
  domainBox.addEventListener("change", update);
  status.textContent = "Loading the index…";
  loadIndex().then(function (index) {
    domains = index.domains;
    items = prepare(index);
    show();
    window.__journalSearchReady = performance.now(); /* ms since navigation began */
  }, function () {
    status.textContent = "The search index could not be loaded.";
  });
  window.journalSearch = function (query, kind, domain) {  /* for tests and the benchmark */
    return search(items, query, kind || "", domain || "").hits.map(function (h) { return h.item.row; });
  };
})();
