/* Evidence Journal: every chart box opens at its latest day, week or month, and every box
   that scrolls sideways can be scrolled from the keyboard.
   A chart wider than its box (on a phone) scrolls; its latest end is on the right. style.css
   already makes chart boxes start there without JavaScript (right-to-left boxes); this sets
   it explicitly, here and, through journalChartsStart(), in the encrypted site's shell after
   each page it shows (the shell removes pages' own scripts). A box that scrolls (a chart, a
   table, a long line of code in an entry) is put in the Tab order so that arrow keys can
   scroll it. No listener. */
(function () {
  "use strict";
  function start(root) {
    root = root || document;
    root.querySelectorAll(".chart-scroll").forEach(function (box) {
      /* the right-hand end: the largest scrollLeft left to right, 0 right to left */
      box.scrollLeft = getComputedStyle(box).direction === "rtl" ? 0 : box.scrollWidth;
    });
    root.querySelectorAll(".chart-scroll, .scroll, .body pre, .body table").forEach(function (box) {
      if (box.scrollWidth > box.clientWidth && !box.hasAttribute("tabindex")) {
        box.setAttribute("tabindex", "0");
      }
    });
  }
  window.journalChartsStart = start;
  start(document);
})();
