// Check-in on the day: read the square picture (QR code) on a login card with the tablet's camera,
// then send what it says in the check-in form. The server looks the card up and marks its person
// here; it never signs the tablet in as them.
// The QR code is read in the browser by jsQR (static/vendor/jsqr, Apache-2.0): Chromium on Linux has
// no BarcodeDetector. Without JavaScript or a camera the page still has the typed code and the names.
(function () {
  "use strict";
  var ON_KEY = "coprod-check-in-camera";
  var LAST_KEY = "coprod-check-in-last";
  var SAME_CARD_WAIT_MS = 8000;  // the same card still held up after it was checked in: not again yet
  var LOOK_EVERY_MS = 150;
  var WIDEST = 640;

  document.addEventListener("DOMContentLoaded", function () {
    var box = document.querySelector("[data-check-in-scan]");
    if (!box || !window.jsQR || !navigator.mediaDevices || !navigator.mediaDevices.getUserMedia) { return; }
    var form = box.querySelector("[data-scan-form]");
    var input = form.querySelector("input[name=scanned]");
    var start = box.querySelector("[data-scan-start]");
    var stop = box.querySelector("[data-scan-stop]");
    var video = box.querySelector("[data-scan-video]");
    var status = box.querySelector("[data-scan-status]");
    var canvas = document.createElement("canvas");
    var context = canvas.getContext("2d", { willReadFrequently: true });
    var stream = null;
    var timer = null;
    var sent = false;
    box.hidden = false;

    function say(key) { status.textContent = status.getAttribute("data-word-" + key) || ""; }

    function remember(key, value) {
      try { if (value === null) { sessionStorage.removeItem(key); } else { sessionStorage.setItem(key, value); } }
      catch (e) { /* private browsing: nothing is remembered */ }
    }

    function recall(key) {
      try { return sessionStorage.getItem(key); } catch (e) { return null; }
    }

    function justSent(text) {
      var last = recall(LAST_KEY);
      if (!last) { return false; }
      var parts = last.split("\n");
      return parts[1] === text && Date.now() - Number(parts[0]) < SAME_CARD_WAIT_MS;
    }

    function stopCamera(forget) {
      if (timer) { clearTimeout(timer); timer = null; }
      if (stream) { stream.getTracks().forEach(function (track) { track.stop(); }); stream = null; }
      video.hidden = true;
      start.hidden = false;
      stop.hidden = true;
      if (forget) { remember(ON_KEY, null); say("stopped"); }
    }

    function look() {
      timer = null;
      if (!stream || sent) { return; }
      if (video.readyState >= 2 && video.videoWidth) {
        var scale = Math.min(1, WIDEST / video.videoWidth);
        canvas.width = Math.round(video.videoWidth * scale);
        canvas.height = Math.round(video.videoHeight * scale);
        context.drawImage(video, 0, 0, canvas.width, canvas.height);
        var image = context.getImageData(0, 0, canvas.width, canvas.height);
        var found = window.jsQR(image.data, image.width, image.height, { inversionAttempts: "attemptBoth" });
        if (found && found.data && !justSent(found.data)) {
          sent = true;
          remember(LAST_KEY, Date.now() + "\n" + found.data);
          say("read");
          input.value = found.data;
          stopCamera(false);
          form.submit();
          return;
        }
      }
      timer = setTimeout(look, LOOK_EVERY_MS);
    }

    function startCamera() {
      navigator.mediaDevices.getUserMedia({ video: { facingMode: "environment" }, audio: false })
        .then(function (got) {
          stream = got;
          video.srcObject = got;
          video.hidden = false;
          start.hidden = true;
          stop.hidden = false;
          remember(ON_KEY, "1");
          say("looking");
          var playing = video.play();
          if (playing && playing.catch) { playing.catch(function () { /* muted: plays anyway */ }); }
          look();
        })
        .catch(function () {
          stopCamera(false);
          remember(ON_KEY, null);
          say("no-camera");
        });
    }

    start.addEventListener("click", startCamera);
    stop.addEventListener("click", function () { stopCamera(true); });
    window.addEventListener("pagehide", function () { stopCamera(false); });
    // The camera was on before this page loaded (the last card was just checked in): keep scanning,
    // unless the last card was refused (the secretary reads why first, then starts again).
    if (recall(ON_KEY) && !document.querySelector(".check-in-refusal")) { startCamera(); }
  });
}());
