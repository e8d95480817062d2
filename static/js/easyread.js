// The easy-read check as you write: a moment after typing stops, the words go to the server's own
// check (the same one that runs on saving) and its findings show in the form's check panel.
// Screen readers hear the new count, politely, once; focus never moves. Without this file the
// check runs when the form is saved.
(function () {
  "use strict";
  var WAIT = 600;  // milliseconds after the last key

  document.addEventListener("DOMContentLoaded", function () {
    if (!window.fetch || !window.FormData || !window.DOMParser) { return; }
    document.querySelectorAll("[data-easy-read-live]").forEach(watch);
  });

  function watch(box) {
    var form = box.closest("form");
    if (!form) { return; }
    var url = box.getAttribute("data-easy-read-live");
    var fields = box.getAttribute("data-easy-read-fields").split(" ").map(function (name) {
      return form.elements[name];
    }).filter(Boolean);
    var panel = box.querySelector("[data-easy-read-panel]");
    var findings = box.querySelector("[data-easy-read-findings]");
    var status = box.querySelector("[data-easy-read-status]");
    var token = form.elements.csrf_token;
    var timer = null;
    var busy = false;
    var again = false;
    var sent = words();  // what the page already shows was checked when it was sent
    var shown = findings.textContent;

    function words() {
      return fields.map(function (field) { return field.value; }).join("\n");
    }

    function check() {
      var text = words();
      if (text === sent) { return; }
      if (busy) { again = true; return; }  // one question at a time; the newest words go next
      busy = true;
      sent = text;
      var body = new FormData();
      body.append("csrf_token", token ? token.value : "");
      body.append("text", text);
      fetch(url, { method: "POST", body: body, credentials: "same-origin", headers: { "Accept": "text/html" } })
        .then(function (response) { return response.text(); })
        .then(show)
        .catch(function () { sent = null; })  // not checked: try again after the next key
        .then(function () {
          busy = false;
          if (again) { again = false; check(); }
        });
    }

    function show(html) {
      var result = new DOMParser().parseFromString(html, "text/html").querySelector("[data-easy-read-result]");
      if (!result) { sent = null; return; }  // signed out, or the page is too old: the check on saving stays
      var nodes = Array.prototype.map.call(result.childNodes, function (node) { return document.importNode(node, true); });
      findings.replaceChildren.apply(findings, nodes);
      panel.hidden = false;
      if (findings.textContent !== shown) {
        shown = findings.textContent;
        // The same words twice are not read again by some screen readers: make each one new.
        var summary = result.getAttribute("data-summary");
        status.textContent = status.textContent === summary ? summary + "\u00a0" : summary;
      }
    }

    fields.forEach(function (field) {
      field.addEventListener("input", function () {
        window.clearTimeout(timer);
        timer = window.setTimeout(check, WAIT);
      });
    });
  }
})();
