// The room's big screen (votes/screen.html): every few seconds, ask for the page again and reload
// only when the state or the numbers changed. Never while Listen is playing or someone is typing, so
// nobody loses their place. Without this file the page reloads itself (a meta refresh in <noscript>).
(function () {
  "use strict";
  var EVERY = 5000;

  function busy() {
    var playing = Array.prototype.some.call(document.querySelectorAll("audio"), function (audio) {
      return !audio.paused && !audio.ended;
    });
    var active = document.activeElement;
    return playing || Boolean(active && active.matches && active.matches("input, textarea, select"));
  }

  document.addEventListener("DOMContentLoaded", function () {
    var box = document.querySelector("[data-screen-version]");
    if (!box) { return; }
    var full = box.querySelector("[data-screen-full]");
    if (full && document.documentElement.requestFullscreen) {
      full.hidden = false;
      full.querySelector("button").addEventListener("click", function () {
        document.documentElement.requestFullscreen().catch(function () { /* the browser said no */ });
      });
    }
    if (!window.fetch || !window.DOMParser) { return; }
    var version = box.getAttribute("data-screen-version");
    var changed = false;
    function check() {
      if (changed) {
        if (!busy()) { window.location.reload(); }
        return;
      }
      if (document.hidden) { return; }
      fetch(window.location.href, { credentials: "same-origin", headers: { "Accept": "text/html" } })
        .then(function (response) { return response.ok ? response.text() : null; })
        .then(function (html) {
          if (!html) { return; }
          var fresh = new DOMParser().parseFromString(html, "text/html").querySelector("[data-screen-version]");
          if (fresh && fresh.getAttribute("data-screen-version") !== version) {
            changed = true;
            if (!busy()) { window.location.reload(); }
          }
        })
        .catch(function () { /* try again next time */ });
    }
    window.setInterval(check, EVERY);
  });
})();
