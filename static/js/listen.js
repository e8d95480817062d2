// The Listen control: play and pause, normal or slow speed, and the sentence being read is
// highlighted and kept in view. Without this file the page has a plain audio player and links.
(function () {
  "use strict";

  // The blocks the server reads and what it leaves out, as CSS selectors: one list, kept in
  // coprod/audio/text.py (browser_selectors) and put on <main> by the base template.
  var MAIN = document.querySelector("main") || document.body;
  var BLOCKS = MAIN.getAttribute("data-listen-blocks") || "[data-listen-part]";
  var LEFT_OUT = MAIN.getAttribute("data-listen-left-out") || "[data-no-listen]";

  function parse(text) {
    try { return JSON.parse(text || "[]"); } catch (e) { return []; }
  }

  function squash(text) { return (text || "").replace(/\s+/g, " ").trim(); }

  // For each sentence, the element it is read from: searched in page order, so a sentence that
  // appears twice is matched to the right place.
  function findBlocks(sentences) {
    var candidates = Array.prototype.filter.call(MAIN.querySelectorAll(BLOCKS), function (el) {
      return !el.closest(LEFT_OUT) && !el.querySelector(BLOCKS);
    });
    var texts = candidates.map(function (el) { return squash(el.textContent); });
    var found = [], from = 0;
    sentences.forEach(function (sentence) {
      var wanted = squash(sentence), match = null;
      for (var i = from; i < candidates.length; i++) {
        if (texts[i].indexOf(wanted) !== -1) { match = i; break; }
      }
      found.push(match === null ? null : candidates[match]);
      if (match !== null) { from = match; }
    });
    return found;
  }

  // The exact words of a sentence inside its block, as a Range (for the CSS Highlight API).
  function sentenceRange(element, sentence) {
    var walker = document.createTreeWalker(element, NodeFilter.SHOW_TEXT);
    var flat = "", where = [], space = true;
    for (var node = walker.nextNode(); node; node = walker.nextNode()) {
      for (var i = 0; i < node.data.length; i++) {
        var isSpace = /\s/.test(node.data[i]);
        if (isSpace && space) { continue; }
        flat += isSpace ? " " : node.data[i];
        where.push([node, i]);
        space = isSpace;
      }
    }
    var at = flat.indexOf(squash(sentence));
    if (at === -1) { return null; }
    var end = where[at + squash(sentence).length - 1];
    var range = document.createRange();
    range.setStart(where[at][0], where[at][1]);
    range.setEnd(end[0], end[1] + 1);
    return range;
  }

  var canHighlight = !!(window.CSS && CSS.highlights && window.Highlight);

  function currentSentence(starts, time) {
    var found = -1;
    for (var i = 0; i < starts.length && starts[i] <= time + 0.05; i++) { found = i; }
    return found;
  }

  function player(control) {
    var audio = control.querySelector("[data-listen-audio]");
    var buttons = control.querySelector("[data-listen-buttons]");
    var play = control.querySelector("[data-listen-play]");
    var label = control.querySelector("[data-listen-label]");
    var speeds = control.querySelectorAll("[data-listen-speed]");
    var slot = control.closest("[data-listen-slot]") || control;
    var reduceMotion = window.matchMedia && window.matchMedia("(prefers-reduced-motion: reduce)").matches;
    var sentences = parse(control.getAttribute("data-listen-sentences"));
    var blocks = findBlocks(sentences);
    var spoken = -1;
    var speed = "normal";
    var starts = parse(audio.getAttribute("data-normal-starts"));
    var shown = null;
    var started = false;

    audio.controls = false;
    audio.hidden = true;
    control.querySelectorAll("[data-listen-fallback]").forEach(function (el) { el.hidden = true; });
    buttons.hidden = false;

    function setLabel() {
      var name = audio.paused ? (started ? "data-label-resume" : "data-label-play") : "data-label-pause";
      label.textContent = control.getAttribute(name);
      control.classList.toggle("is-playing", !audio.paused);
      slot.classList.toggle("is-playing", !audio.paused);
    }

    // The block being read gets an outline and is kept in view; the sentence itself is marked
    // with the CSS Highlight API where the browser has it (otherwise the whole block is).
    function highlight(index) {
      if (index === spoken) { return; }
      spoken = index;
      var element = index >= 0 ? blocks[index] || null : null;
      var range = element && canHighlight ? sentenceRange(element, sentences[index]) : null;
      if (canHighlight) {
        if (range) { CSS.highlights.set("listen-sentence", new Highlight(range)); }
        else { CSS.highlights.delete("listen-sentence"); }
      }
      if (element === shown) { return; }
      if (shown) { shown.classList.remove("listen-current", "listen-current--whole"); }
      shown = element;
      if (element) {
        element.classList.add("listen-current");
        if (!range) { element.classList.add("listen-current--whole"); }
        element.scrollIntoView({block: "center", behavior: reduceMotion ? "auto" : "smooth"});
      }
    }

    play.addEventListener("click", function () {
      if (audio.paused) {
        started = true;
        var playing = audio.play();
        if (playing && playing.catch) { playing.catch(function () { setLabel(); }); }
      } else {
        audio.pause();
      }
    });

    speeds.forEach(function (button) {
      button.addEventListener("click", function () {
        var wanted = button.getAttribute("data-listen-speed");
        if (wanted === speed) { return; }
        var index = currentSentence(starts, audio.currentTime);
        var wasPlaying = !audio.paused;
        speed = wanted;
        starts = parse(audio.getAttribute("data-" + speed + "-starts"));
        speeds.forEach(function (b) { b.setAttribute("aria-pressed", String(b === button)); });
        audio.src = audio.getAttribute("data-" + speed + "-src");
        audio.addEventListener("loadedmetadata", function seek() {
          audio.removeEventListener("loadedmetadata", seek);
          if (started && index >= 0 && starts[index] !== undefined) { audio.currentTime = starts[index]; }
          if (wasPlaying) { audio.play(); }
        });
        audio.load();
      });
    });

    audio.addEventListener("play", setLabel);
    audio.addEventListener("pause", setLabel);
    audio.addEventListener("ended", function () { highlight(-1); started = false; setLabel(); });
    audio.addEventListener("timeupdate", function () {
      if (!audio.paused) { highlight(currentSentence(starts, audio.currentTime)); }
    });
  }

  // Ask a clip's status URL every 2 seconds (for 5 minutes at most) until it is ready; `failed`
  // when the audio could not be made, or did not come in that time.
  function waitFor(url, done, failed) {
    var tries = 0;
    function again() { if (++tries < 150) { window.setTimeout(ask, 2000); } else { failed(); } }
    function ask() {
      fetch(url, {credentials: "same-origin", headers: {"Accept": "application/json"}})
        .then(function (response) { return response.ok ? response.json() : null; })
        .then(function (clip) {
          if (clip && clip.ready) { done(clip); } else if (clip && clip.failed) { failed(); } else { again(); }
        })
        .catch(again);
    }
    window.setTimeout(ask, 1000);
  }

  // Say plainly that Listen is not working for this page: the words are there to read.
  function showFailed(control) {
    var text = control.querySelector("[data-listen-waiting-text]");
    if (text) { text.textContent = control.getAttribute("data-label-failed"); }
  }

  // A page whose audio was not ready when it was sent gets its player as soon as the worker
  // has made it, without reloading the page (slow speed may come a little later).
  function enhance(control) {
    var audio = control.querySelector("[data-listen-audio]");
    if (audio.getAttribute("data-normal-src")) { player(control); }
    ["normal", "slow"].forEach(function (speed) {
      var url = control.getAttribute("data-listen-wait-" + speed);
      if (!url || !window.fetch || audio.getAttribute("data-" + speed + "-src")) { return; }
      waitFor(url, function (clip) {
        audio.setAttribute("data-" + speed + "-src", clip.src);
        audio.setAttribute("data-" + speed + "-starts", JSON.stringify(clip.starts));
        if (speed === "slow") {
          control.querySelector("[data-listen-speeds]").hidden = false;
          return;
        }
        audio.src = clip.src;
        var waiting = control.querySelector("[data-listen-waiting]");
        if (waiting) { waiting.parentNode.removeChild(waiting); }
        control.classList.remove("listen--waiting");
        player(control);
      }, function () { if (speed === "normal") { showFailed(control); } });
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("[data-listen]").forEach(enhance);
  });
})();
