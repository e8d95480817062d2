// Choosing a picture: typing in a picture search box shows only the cards whose words start with
// what was typed (the chosen card always stays). Enter or "Find pictures" still asks the server,
// which looks in the whole library. Without this file the button does the same, nothing is lost.
(function () {
  "use strict";
  function words(text) {
    return (text || "").toLocaleLowerCase().split(/[^\p{L}\p{N}]+/u).filter(Boolean);
  }
  // As the server does: a typed word starts one of the picture's own words, or matches a word of
  // its Unicode name (whole, or plural; the start is enough from 4 letters on).
  function matches(wanted, own, names) {
    return wanted.every(function (w) {
      return own.some(function (c) { return c.indexOf(w) === 0; }) ||
        names.some(function (c) { return c === w || c === w + "s" || (w.length >= 4 && c.indexOf(w) === 0); });
    });
  }
  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("[data-picture-picker]").forEach(function (picker) {
      var box = picker.querySelector("[data-picture-find]");
      var button = picker.querySelector("[data-find-pictures]");
      var none = picker.querySelector("[data-picture-none]");
      var cards = Array.prototype.slice.call(picker.querySelectorAll("[data-words]"));
      if (!box) { return; }
      var own = cards.map(function (card) { return words(card.getAttribute("data-words")); });
      var names = cards.map(function (card) { return words(card.getAttribute("data-names")); });
      box.addEventListener("input", function () {
        var wanted = words(box.value);
        var shown = 0;
        cards.forEach(function (card, i) {
          var chosen = card.querySelector("input:checked");
          var show = !wanted.length || !!chosen || matches(wanted, own[i], names[i]);
          card.hidden = !show;
          if (show && !chosen) { shown += 1; }
        });
        if (none) { none.hidden = !(wanted.length && shown === 0); }
      });
      // Enter in the search box finds pictures; it never sends the whole form to be saved.
      box.addEventListener("keydown", function (event) {
        if (event.key === "Enter") {
          event.preventDefault();
          if (button) { button.click(); }
        }
      });
    });
  });
})();
