// Small progressive enhancements. Every page works without this file.
(function () {
  "use strict";
  document.addEventListener("DOMContentLoaded", function () {
    // Move focus to the error summary so screen reader users hear what went wrong.
    var summary = document.querySelector("[data-error-summary]");
    if (summary) { summary.focus(); }
    // Print buttons only appear when JavaScript can print.
    document.querySelectorAll("[data-print]").forEach(function (button) {
      button.hidden = false;
      button.addEventListener("click", function () { window.print(); });
    });
    // WCAG 2.4.11: while Listen plays, its bar sticks to the top of the screen. The page keeps the
    // bar's height free at the top when it scrolls to a focused element (scroll-padding in the CSS).
    var slot = document.querySelector("[data-listen-slot]");
    if (slot && window.ResizeObserver) {
      new window.ResizeObserver(function () {
        document.documentElement.style.setProperty("--listen-bar-height", slot.offsetHeight + "px");
      }).observe(slot);
    }
  });
})();
