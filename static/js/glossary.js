// "What does this mean?": a jargon word opens its explanation in place, with its picture and a
// Listen button. Without this file the word is a plain link to its page in the jargon buster.
(function () {
  "use strict";
  document.addEventListener("DOMContentLoaded", function () {
    var main = document.querySelector("main");
    if (!main || !window.fetch || !window.DOMParser) { return; }
    main.addEventListener("click", function (event) {
      var link = event.target.closest("a.jargon");
      if (!link) { return; }
      event.preventDefault();
      var open = document.getElementById("jargon-" + link.dataset.jargon);
      if (open) { open.remove(); link.setAttribute("aria-expanded", "false"); return; }
      fetch(link.href, { credentials: "same-origin" }).then(function (response) {
        if (!response.ok) { throw new Error(response.status); }
        return response.text();
      }).then(function (html) {
        var page = new DOMParser().parseFromString(html, "text/html");
        var card = page.querySelector("[data-term-card]");
        if (!card) { window.location = link.href; return; }
        var box = document.createElement("div");
        box.className = "jargon-box";
        box.id = "jargon-" + link.dataset.jargon;
        box.setAttribute("role", "region");
        box.setAttribute("aria-label", link.textContent);
        box.tabIndex = -1;
        box.appendChild(document.importNode(card, true));
        var audio = page.querySelector("[data-listen-audio]");
        var src = audio && audio.getAttribute("data-normal-src");
        var buttons = document.createElement("div");
        buttons.className = "jargon-box__buttons";
        if (src) {
          var listen = document.createElement("button");
          listen.type = "button";
          listen.className = "button button--secondary";
          listen.textContent = main.dataset.listenWord || "Listen";
          var sound = new Audio(src);
          listen.addEventListener("click", function () { sound.currentTime = 0; sound.play(); });
          buttons.appendChild(listen);
        }
        var more = document.createElement("a");
        more.href = link.href;
        more.className = "jargon-box__more";
        more.textContent = main.dataset.readMore || link.textContent;
        buttons.appendChild(more);
        var close = document.createElement("button");
        close.type = "button";
        close.className = "button button--secondary";
        close.textContent = main.dataset.closeWord || "Close";
        close.addEventListener("click", function () {
          box.remove();
          link.setAttribute("aria-expanded", "false");
          link.focus();
        });
        buttons.appendChild(close);
        box.appendChild(buttons);
        var block = link.closest("p, li, blockquote") || link;
        block.insertAdjacentElement("afterend", box);
        link.setAttribute("aria-expanded", "true");
        box.focus();
      }).catch(function () { window.location = link.href; });
    });
  });
})();
