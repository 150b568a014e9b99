/* Evidence Journal search over the sharded index described in journal/search_index.py:
   classic scripts loaded on demand (so it works from file://); in an encrypted publish, two
   sealed objects opened in memory. On every other page it only makes "/" focus the box.
   Loaded once per document: inside the page shell of an encrypted publish, which keeps one
   document for every page, journalSearchPage() sets up each search page it shows. */
(function () {
  "use strict";
  /* 2,366 as the site's other pages write it (thousands separated by a comma). */
  function count(n) { return String(n).replace(/\B(?=(\d{3})+(?!\d))/g, ","); }
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

  var PAGE = 50, WORD = /[\p{L}\p{N}_]+/gu, WORDCHAR = /[\p{L}\p{N}_]/u, MAIN = "search-index.js";
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

  /* Folding, as journal/pages/search_index.py's fold(): decomposed (NFKD), every combining
     mark dropped, lower-cased, and the letters without a decomposition that people type as
     plain letters replaced (LETTERS there). "Gestoría" -> "gestoria", "STRASSE" and
     "straße" -> "strasse", "Ærø" -> "aero". Folding character by character and joining
     gives the same string. */
  var LETTERS = {
    "\u00df": "ss", "\u03c2": "\u03c3", "\u00e6": "ae", "\u0153": "oe", "\u00f8": "o",
    "\u0142": "l", "\u0111": "d", "\u00f0": "d", "\u00fe": "th", "\u0131": "i", "\u0127": "h",
    "\u0167": "t"
  };
  var MARKS = /\p{M}+/gu, SPECIAL = /[\u00df\u03c2\u00e6\u0153\u00f8\u0142\u0111\u00f0\u00fe\u0131\u0127\u0167]/g;
  function fold(text) {
    return text.normalize("NFKD").replace(MARKS, "").toLowerCase()
      .replace(SPECIAL, function (c) { return LETTERS[c]; });
  }
  /* The search page's query: the address's, or inside the page shell of an encrypted publish
     the route's (#/<page>?query#fragment). */
  function address() {
    var hash = location.hash;
    if (!sealed() || hash.indexOf("#/") !== 0) return new URLSearchParams(location.search);
    var rest = hash.slice(2).split("#")[0], at = rest.indexOf("?");
    return new URLSearchParams(at < 0 ? "" : rest.slice(at + 1));
  }
  function terms(query) { return fold(query).match(WORD) || []; }
  function chars(text) { return Array.from(text); }  /* code points: shard keys count them */
  window.journalSearchFold = fold;  /* for tests: the same as search_index.fold */

  /* word prefix -> {entry number: best score}, from the shards that can hold it */
  function lookup(index, term) {
    var k = index.keyLength, t = chars(term), head = t.slice(0, k).join("");
    var keys = Object.keys(index.shards).filter(function (key) {
      return t.length >= k ? key === head : key.lastIndexOf(term, 0) === 0;
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

  /* Every term must match the start of a word (so the last one, still being typed, finds
     the words it begins, and so does every other); title and lesson matches rank first, then
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

  /* Where the terms match in a text: [start, end, terms] in the original text, at the start
     of a word of the folded text, each marking the whole word it begins ("intervi" marks
     "interview", "gestoria" marks "gestoría"), with the terms that begin it. The text is
     folded one character at a time, keeping where each folded character came from; a mark
     that folding drops stays with the letter before it. */
  function matches(text, words) {
    var folded = "", from = [], i = 0, found = [];
    for (var ch of text) {
      var f = ch < "\u0080" ? ch.toLowerCase() : fold(ch);
      folded += f;
      for (var j = 0; j < f.length; j++) from.push(i);
      i += ch.length;
    }
    from.push(text.length);
    function wordAt(u) {  /* is the character at UTF-16 unit u a word character? */
      if (u < 0 || u >= folded.length) return false;
      var c = folded.charCodeAt(u);
      if (c >= 0xdc00 && c <= 0xdfff && u > 0) u--;
      return WORDCHAR.test(String.fromCodePoint(folded.codePointAt(u)));
    }
    for (var a = 0; a < folded.length; a++) {
      if (!wordAt(a) || wordAt(a - 1)) continue;
      var which = words.filter(function (w) { return folded.startsWith(w, a); });
      if (!which.length) continue;
      var b = a + 1;
      while (wordAt(b)) b++;
      var end = b;  /* past the original character that made folded unit b - 1 */
      while (end < folded.length && from[end] === from[b - 1]) end++;
      found.push([from[a], from[end], which]);
      a = b - 1;
    }
    return found;
  }
  function termsIn(found) {
    var has = {};
    found.forEach(function (m) { m[2].forEach(function (w) { has[w] = true; }); });
    return has;
  }

  /* A stretch of text around the first match, cut at spaces, with every match marked; from
     the lesson or next step when one of them holds a term that the text does not. */
  function snippet(row, words) {
    var source = row[R.text], at = matches(source, words), has = termsIn(at);
    [row[R.lesson], row[R.next]].forEach(function (field) {
      var own = matches(field, words), hers = termsIn(own);
      if (words.some(function (w) { return hers[w] && !has[w]; })) {
        source = field; at = own; has = hers;
      }
    });
    var first = at.length ? at[0][0] : 0, start = Math.max(0, first - 60);
    var end = Math.min(source.length, first + 160);
    if (start > 0) {
      var space = source.indexOf(" ", start);
      if (space >= 0 && space < first) start = space + 1;
      else if (/[\udc00-\udfff]/.test(source.charAt(start))) start++;
    }
    if (end < source.length) {
      var last = source.lastIndexOf(" ", end);
      if (last > first + 40) end = last;
      else if (/[\udc00-\udfff]/.test(source.charAt(end))) end++;
    }
    return mark((start > 0 ? "\u2026" : "") + source.slice(start, end) + (end < source.length ? "\u2026" : ""), words);
  }

  function mark(text, words, into) {
    var out = into || document.createDocumentFragment(), i = 0;
    matches(text, words).forEach(function (m) {
      if (m[0] > i) out.appendChild(document.createTextNode(text.slice(i, m[0])));
      var el = document.createElement("mark");
      el.textContent = text.slice(m[0], m[1]);
      out.appendChild(el);
      i = m[1];
    });
    if (i < text.length) out.appendChild(document.createTextNode(text.slice(i)));
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
    var size = +list.getAttribute("data-page-size") || PAGE;
    var params = address();
    q.value = params.get("q") || "";
    kindBox.value = params.get("kind") || "";
    domainBox.value = params.get("domain") || "";
    /* the page of results shown (from 0), for the query and filters of pageOf */
    var page = Math.max(0, (parseInt(params.get("page"), 10) || 1) - 1), pageOf = asked();
    var index = null, current = null, generation = 0, drawn = 0;

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

    function asked() { return [q.value.trim(), kindBox.value, domainBox.value].join("\u0000"); }

    /* One page of the results: their lines at once, their snippets as their texts arrive. */
    function showPage() {
      var mine = ++drawn, result = current, n = result.hits.length;
      var pages = Math.max(1, Math.ceil(n / size));
      if (page > pages - 1) { page = pages - 1; remember(); }
      var first = page * size, numbers = result.hits.slice(first, first + size).map(function (h) {
        return h[0];
      });
      list.textContent = "";
      list.start = first + 1;
      var items = numbers.map(function (e) { return list.appendChild(item(e, result.words)); });
      status.textContent = n === 0 ? "No entries match." : n === 1 ? "1 entry matches." :
        count(n) + " entries match" + (pages > 1 ? "; " + count(first + 1) + "\u2013" +
          count(first + numbers.length) + " shown." : ".");
      showPager(pages);
      return rows(index, numbers).then(function (found) {
        if (mine !== drawn) return;
        found.forEach(function (row, i) { items[i].lastChild.appendChild(snippet(row, result.words)); });
        shown(result.query);
      });
    }
    /* For tests: the query and page whose results are all drawn, snippets too. */
    function shown(query) { window.__journalSearchShown = { q: query, page: page + 1 }; }
    window.__journalSearchShown = null;

    function show() {
      if (!index) return Promise.resolve();
      var mine = ++generation, query = q.value.trim();
      if (!query) {
        ++drawn; list.textContent = ""; showPager(1);
        status.textContent = "Type a word to search " + index.count + " entries.";
        shown("");
        return Promise.resolve();
      }
      return search(index, query, kindBox.value, domainBox.value).then(function (result) {
        if (mine !== generation) return;
        result.query = query;
        current = result;
        var snippets = showPage();
        window.__journalAnswered = performance.now(); /* ranked results on screen */
        return snippets;
      });
    }

    /* The address keeps the query, the filters and the page (from 1, when not the first),
       so a result list can be bookmarked, and Back from a result returns to its page. */
    function kept(onPage) {
      var keep = new URLSearchParams();
      if (q.value) keep.set("q", q.value);
      if (kindBox.value) keep.set("kind", kindBox.value);
      if (domainBox.value) keep.set("domain", domainBox.value);
      if (onPage > 0) keep.set("page", String(onPage + 1));
      return keep.toString();
    }
    function remember() {
      var query = kept(page);
      try { history.replaceState(null, "", query ? "?" + query : location.pathname); } catch (e) { /* file:// */ }
    }
    /* A page's own address, for a link (opened in a new tab, it shows that page); inside the
       page shell, the route's. */
    function addressOf(onPage) {
      var query = kept(onPage), route = sealed() ? location.hash.split("?")[0].split("#/")[1] : null;
      return (route !== null && route !== undefined ? "#/" + route : "") + "?" + query;
    }

    /* Numbered pages, as the site's other long lists draw them (_macros.html pager_nav):
       previous, the first and the last, two either side of this one, next. Only when the
       results fill more than one page. */
    var pager = document.createElement("nav");
    pager.className = "pager search-pages";
    pager.id = "search-pages";
    pager.setAttribute("aria-label", "Pages of results");
    function pageLink(n, text, rel) {
      var li = document.createElement("li"), a = document.createElement("a");
      a.href = addressOf(n);
      a.setAttribute("data-page", String(n));
      if (rel) a.rel = rel;
      if (text) a.textContent = text;
      else {
        a.textContent = String(n + 1);
        a.setAttribute("aria-label", "Page " + (n + 1));
        if (n === page) a.setAttribute("aria-current", "page");
      }
      li.appendChild(a);
      return li;
    }
    function showPager(pages) {
      if (pages < 2) { pager.remove(); return; }
      var ul = document.createElement("ul"), last = -1;
      if (page > 0) ul.appendChild(pageLink(page - 1, "\u2190 Previous", "prev"));
      for (var n = 0; n < pages; n++) {
        if (n !== 0 && n !== pages - 1 && Math.abs(n - page) > 2) continue;
        if (n - last === 2) ul.appendChild(pageLink(n - 1));
        else if (n - last > 2) {
          var gap = document.createElement("li");
          gap.setAttribute("aria-hidden", "true");
          gap.textContent = "\u2026";
          ul.appendChild(gap);
        }
        ul.appendChild(pageLink(n));
        last = n;
      }
      if (page < pages - 1) ul.appendChild(pageLink(page + 1, "Next \u2192", "next"));
      pager.replaceChildren(ul);
      if (!pager.isConnected) list.after(pager);
    }
    pager.addEventListener("click", function (event) {
      var a = event.target.closest && event.target.closest("a[data-page]");
      if (!a || event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
      event.preventDefault();
      turn(+a.getAttribute("data-page"));
    });

    function update() {
      if (asked() !== pageOf) { pageOf = asked(); page = 0; }
      remember();
      return show();
    }

    function turn(to) {
      if (!current) return;
      page = to;
      remember();
      var drawing = showPage();
      status.scrollIntoView({ block: "start" });
      var top = list.querySelector("a");
      if (top) top.focus({ preventScroll: true });
      return drawing;
    }

    form.addEventListener("submit", function (event) { event.preventDefault(); update(); });
    q.addEventListener("input", update);
    kindBox.addEventListener("change", update);
    domainBox.addEventListener("change", update);
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
