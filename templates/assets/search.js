/* Evidence Journal search over the sharded index described in journal/search_index.py:
   classic scripts loaded on demand (so it works from file://); in an encrypted publish, two
   sealed objects opened in memory. On every other page it only makes "/" focus the box.
   Loaded once per document: inside the page shell of an encrypted publish, which keeps one
   document for every page, journalSearchPage() sets up each search page it shows. */
(function () {
  "use strict";
  if (window.journalSearchPage) { window.journalSearchPage(); return; }  /* loaded again */

  document.addEventListener("keydown", function (event) {
    if (event.key !== "/" || event.ctrlKey || event.metaKey || event.altKey) return;
    var t = event.target;
    if (t && (t.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(t.tagName))) return;
    var box = document.getElementById("search-q") || document.getElementById("site-search-q");
    if (box) { event.preventDefault(); box.focus(); box.select(); }
  });

  /* Copy buttons (a setback's "apply this lesson" command): the text of the element named
     by data-copy, to the clipboard; the button says so. One listener for the whole document. */
  document.addEventListener("click", function (event) {
    var button = event.target.closest && event.target.closest("button[data-copy]");
    if (!button) return;
    var source = document.getElementById(button.getAttribute("data-copy"));
    if (!source) return;
    var text = source.textContent;
    function done(ok) {
      button.textContent = ok ? "Copied" : "Select and copy it";
      setTimeout(function () { button.textContent = "Copy"; }, 2000);
    }
    if (navigator.clipboard && navigator.clipboard.writeText) {
      navigator.clipboard.writeText(text).then(function () { done(true); }, function () {
        done(false);
      });
    } else {
      var range = document.createRange(); range.selectNodeContents(source);
      var selection = getSelection(); selection.removeAllRanges(); selection.addRange(range);
      done(false);
    }
  });

  var PAGE = 20, WORD = /[\p{L}\p{N}\p{M}_]+/gu, MAIN = "search-index.js";
  var R = { link: 0, title: 1, date: 2, kind: 3, domain: 4, tags: 5, lesson: 6, next: 7, text: 8 };
  var store = window.__journalSearch = window.__journalSearch || {};

  /* One data file: a classic script (file:// has no fetch) that stores its JSON under its
     name, loaded when a query needs it. */
  function base(path) { return path.split("/").pop(); }
  var loading = {}, bust = "";
  function load(name, path) {
    if (name in store) return Promise.resolve(store[name]);
    if (sealed()) return fromTexts(name);
    if (!loading[name]) {
      loading[name] = new Promise(function (resolve, reject) {
        var s = document.createElement("script");
        s.src = path + bust;
        s.onload = function () {
          if (name in store) resolve(store[name]); else reject(new Error("missing " + name));
        };
        s.onerror = function () { reject(new Error("cannot load " + path)); };
        document.head.appendChild(s);
      });
    }
    return loading[name];
  }

  /* In an encrypted publish (the page shell sets window.__journalSealed and
     journalOpenSealed) the search files are two sealed objects: the index (the main file
     and every word shard: enough to rank a query and draw its results), then the texts
     (every text chunk, for the snippets), named in the index. Both are opened whole, the
     texts as soon as the index is in, whatever the query (none, or one matching nothing,
     too): the host sees the same two requests, in the same order, for every search. No
     other search file is ever requested. */
  function sealed() { return window.__journalSealed && window.journalOpenSealed ? window.__journalSealed : null; }
  var opened = {}, texts = null;  /* this document's: the shell keeps one for every page */
  function openSealed(key) {
    if (!opened[key]) {
      opened[key] = window.journalOpenSealed(key).then(function (text) {
        var data = JSON.parse(text);
        for (var f in data.files) store[f] = data.files[f];
        return data;
      });
      opened[key].catch(function () { delete opened[key]; });
    }
    return opened[key];
  }
  function openIndex(key) {
    return openSealed(key).then(function (data) {
      if (data.texts) {
        var next = key.replace(/[^\/]*$/, data.texts);
        sealed()[next] = true;
        if (!texts) {
          texts = openSealed(next);
          texts.catch(function () { texts = null; });
        }
      }
      if (!(MAIN in store)) throw new Error("missing " + MAIN);
      return store[MAIN];
    });
  }
  function fromTexts(name) {
    if (!texts) return Promise.reject(new Error("missing " + name));
    return texts.then(function () {
      if (name in store) return store[name];
      throw new Error("missing " + name);
    });
  }
  function loadMain() {
    var el = document.querySelector("script[data-search-index]");
    var path = el ? el.getAttribute("src") : MAIN;
    var keys = sealed() ? Object.keys(sealed()).filter(function (k) { return base(k) === base(path); }) : [];
    if (keys.length) return openIndex(keys[0]);
    return load(MAIN, path);
  }

  function terms(query) { return (query.toLowerCase().match(WORD) || []); }

  /* word prefix -> {entry number: best score}, from the shards that can hold it */
  function lookup(index, term) {
    var k = index.keyLength, keys = Object.keys(index.shards).filter(function (key) {
      return term.length >= k ? key === term.slice(0, k) : key.slice(0, term.length) === term;
    });
    return Promise.all(keys.map(function (key) {
      return load(base(index.shards[key]), index.shards[key]);
    })).then(function (shards) {
      var found = {};
      shards.forEach(function (shard) {
        for (var word in shard) {
          if (word.lastIndexOf(term, 0) !== 0) continue;
          var p = shard[word];
          for (var i = 0; i < p.length; i += 2) {
            if (!(found[p[i]] >= p[i + 1])) found[p[i]] = p[i + 1];
          }
        }
      });
      return found;
    });
  }

  /* Every term must match the start of a word; title and lesson matches rank first, then
     the most recent (entries are numbered oldest first). */
  function search(index, query, kind, domain) {
    var words = terms(query);
    if (!words.length) return Promise.resolve({ words: [], hits: [] });
    var dom = domain ? index.domainList.indexOf(domain) : -1;
    return Promise.all(words.map(function (w) { return lookup(index, w); })).then(function (maps) {
      var hits = [];
      for (var n in maps[0]) {
        var num = +n, score = 0, ok = true;
        if (kind && index.kinds[num] !== (kind === "win" ? "w" : "s")) continue;
        if (domain && index.domainOf[num] !== dom) continue;
        for (var m = 0; m < maps.length && ok; m++) {
          if (maps[m][n] === undefined) ok = false; else score += maps[m][n];
        }
        if (ok) hits.push([num, score]);
      }
      hits.sort(function (a, b) { return b[1] - a[1] || b[0] - a[0]; });
      return { words: words, hits: hits };
    });
  }

  function rows(index, numbers) {
    var chunks = {};
    numbers.forEach(function (n) { chunks[Math.floor(n / index.chunk)] = true; });
    return Promise.all(Object.keys(chunks).map(function (c) {
      return load(base(index.docs[c]), index.docs[c]).then(function (list) { return [+c, list]; });
    })).then(function (loaded) {
      var byChunk = {};
      loaded.forEach(function (pair) { byChunk[pair[0]] = pair[1]; });
      return numbers.map(function (n) { return byChunk[Math.floor(n / index.chunk)][n % index.chunk]; });
    });
  }

  /* A stretch of text around the first match, with every term marked. */
  function snippet(row, words) {
    var source = row[R.text];
    [row[R.lesson], row[R.next]].forEach(function (field) {
      var low = field.toLowerCase();
      words.forEach(function (w) {
        if (low.indexOf(w) >= 0 && source.toLowerCase().indexOf(w) < 0) source = field;
      });
    });
    var lower = source.toLowerCase(), at = -1;
    words.forEach(function (w) { var p = lower.indexOf(w); if (p >= 0 && (at < 0 || p < at)) at = p; });
    var start = Math.max(0, at - 60), end = Math.min(source.length, Math.max(at, 0) + 160);
    return mark((start > 0 ? "…" : "") + source.slice(start, end) + (end < source.length ? "…" : ""), words);
  }

  function mark(text, words, into) {
    var out = into || document.createDocumentFragment(), lower = text.toLowerCase(), i = 0;
    while (i < text.length) {
      var best = -1, len = 0;
      for (var w = 0; w < words.length; w++) {
        var p = lower.indexOf(words[w], i);
        if (p >= 0 && (best < 0 || p < best || (p === best && words[w].length > len))) { best = p; len = words[w].length; }
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

  /* Sets up the search page in the document, once per page. */
  window.journalSearchPage = function () {
    var form = document.getElementById("search-form");
    if (!form || form.hasAttribute("data-search-ready")) return;
    form.setAttribute("data-search-ready", "");
    var q = document.getElementById("search-q");
    var kindBox = document.getElementById("search-kind");
    var domainBox = document.getElementById("search-domain");
    var status = document.getElementById("search-status");
    var list = document.getElementById("search-results");
    var more = document.getElementById("search-more");
    var params = new URLSearchParams(location.search);
    q.value = params.get("q") || "";
    kindBox.value = params.get("kind") || "";
    domainBox.value = params.get("domain") || "";
    var index = null, current = null, shown = 0, generation = 0;

    /* 2026-11-12 -> 12 Nov 2026, the site's default date format */
    var MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];
    function shortDate(iso) {
      var m = /^(\d{4})-(\d{2})-(\d{2})/.exec(iso || "");
      return m ? +m[3] + " " + MONTHS[+m[2] - 1] + " " + m[1] : iso;
    }

    /* A result's line comes from the main index at once; its snippet when its text arrives. */
    function item(n, words) {
      var li = document.createElement("li"), a = document.createElement("a");
      var kind = index.kinds[n] === "w" ? "win" : "setback", slug = index.domainList[index.domainOf[n]];
      li.className = kind;
      a.href = index.links[n];
      mark(index.titles[n], words, a);
      var badge = document.createElement("span");
      badge.className = "badge " + kind;
      badge.textContent = kind === "win" ? "Win" : "Setback";
      var meta = document.createElement("span");
      meta.className = "meta";
      meta.textContent = " " + shortDate(index.dates[n]) + " · " + (index.domains[slug] || slug);
      var p = document.createElement("p");
      p.className = "snippet";
      li.appendChild(badge); li.appendChild(document.createTextNode(" "));
      li.appendChild(a); li.appendChild(meta); li.appendChild(p);
      return li;
    }

    function showMore() {
      var mine = generation, result = current, page = result.hits.slice(shown, shown + PAGE);
      var numbers = page.map(function (h) { return h[0]; });
      var items = numbers.map(function (n) { return list.appendChild(item(n, result.words)); });
      shown += numbers.length;
      more.hidden = shown >= result.hits.length;
      return rows(index, numbers).then(function (found) {
        if (mine !== generation) return;
        found.forEach(function (row, i) { items[i].lastChild.appendChild(snippet(row, result.words)); });
      });
    }

    function show() {
      if (!index) return Promise.resolve();
      var mine = ++generation, query = q.value.trim();
      if (!query) {
        list.textContent = ""; more.hidden = true;
        status.textContent = "Type a word to search " + index.count + " entries.";
        return Promise.resolve();
      }
      return search(index, query, kindBox.value, domainBox.value).then(function (result) {
        if (mine !== generation) return;
        current = result; shown = 0; list.textContent = "";
        var n = result.hits.length;
        status.textContent = n === 0 ? "No entries match." : n + (n === 1 ? " entry matches." : " entries match.");
        var snippets = showMore();
        window.__journalAnswered = performance.now(); /* ranked results on screen */
        return snippets;
      });
    }

    function update() {
      var next = new URLSearchParams();
      if (q.value) next.set("q", q.value);
      if (kindBox.value) next.set("kind", kindBox.value);
      if (domainBox.value) next.set("domain", domainBox.value);
      var query = next.toString();
      try { history.replaceState(null, "", query ? "?" + query : location.pathname); } catch (e) { /* file:// */ }
      return show();
    }

    form.addEventListener("submit", function (event) { event.preventDefault(); update(); });
    q.addEventListener("input", update);
    kindBox.addEventListener("change", update);
    domainBox.addEventListener("change", update);
    more.addEventListener("click", function () { showMore(); });
    status.textContent = "Loading the index…";
    loadMain().then(function (main) {
      index = main;
      return show();
    }).then(function () {
      window.__journalSearchReady = performance.now(); /* ms since navigation: snippets too */
    }, function () {
      status.textContent = "The search index could not be loaded.";
    });
    /* For tests and the benchmark: [title, kind, domain] of the hits (all, or the first
       `limit`), best first, from the main file and the shards (no snippets); after
       journalSearchReset() every file is read from disk again. */
    window.journalSearch = function (query, kind, domain, limit) {
      return (index ? Promise.resolve(index) : loadMain()).then(function (main) {
        index = main;
        return search(index, query, kind || "", domain || "");
      }).then(function (result) {
        return (limit ? result.hits.slice(0, limit) : result.hits).map(function (h) {
          var n = h[0];
          return [index.titles[n], index.kinds[n] === "w" ? "win" : "setback", index.domainList[index.domainOf[n]]];
        });
      });
    };
    window.journalSearchReset = function () {
      if (sealed()) return;  /* the sealed objects are opened once per document */
      for (var k in store) delete store[k];
      loading = {}; index = null; bust = "?reload=" + Date.now();
    };
  };
  window.journalSearchPage();
})();
