// The live vote page: ask the server every few seconds and reload when voting opens or closes.
// Without JavaScript the page has a "Check again" link instead.
(function () {
  "use strict";
  document.addEventListener("DOMContentLoaded", function () {
    var box = document.querySelector("[data-live-status]");
    if (!box || !window.fetch) { return; }
    var note = box.querySelector("[data-live-note]");
    if (note) { note.hidden = false; }
    var url = box.getAttribute("data-live-status");
    var state = box.getAttribute("data-state");
    function check() {
      fetch(url, { credentials: "same-origin", headers: { "Accept": "application/json" } })
        .then(function (response) { return response.ok ? response.json() : null; })
        .then(function (data) {
          if (data && data.state !== state) { window.location.reload(); }
        })
        .catch(function () { /* try again next time */ });
    }
    window.setInterval(check, 4000);
  });
})();
