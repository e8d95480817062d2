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
  });
})();
