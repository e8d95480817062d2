// Record a spoken question in the browser. Without this file (or without a microphone) the page
// still has its file box: people can send a sound file, or type.
// The recording is put into the file box itself, so the form sends it like any chosen file.
(function () {
  "use strict";
  document.addEventListener("DOMContentLoaded", function () {
    var box = document.querySelector("[data-recorder]");
    if (!box || !window.MediaRecorder || !navigator.mediaDevices || !window.DataTransfer) { return; }
    var controls = box.querySelector("[data-recorder-controls]");
    var start = box.querySelector("[data-record-start]");
    var stop = box.querySelector("[data-record-stop]");
    var status = box.querySelector("[data-record-status]");
    var preview = box.querySelector("[data-record-preview]");
    var input = box.querySelector("input[type=file]");
    var recorder = null;
    var chunks = [];
    controls.hidden = false;

    function say(key) { status.textContent = status.getAttribute("data-" + key); }

    function extensionFor(type) {
      if (type.indexOf("webm") >= 0) { return "webm"; }
      if (type.indexOf("ogg") >= 0) { return "ogg"; }
      if (type.indexOf("mp4") >= 0 || type.indexOf("aac") >= 0) { return "m4a"; }
      return "audio";
    }

    start.addEventListener("click", function () {
      navigator.mediaDevices.getUserMedia({ audio: true }).then(function (stream) {
        chunks = [];
        recorder = new MediaRecorder(stream);
        recorder.addEventListener("dataavailable", function (event) {
          if (event.data && event.data.size) { chunks.push(event.data); }
        });
        recorder.addEventListener("stop", function () {
          stream.getTracks().forEach(function (track) { track.stop(); });
          var type = recorder.mimeType || "audio/webm";
          var blob = new Blob(chunks, { type: type });
          var file = new File([blob], "my-question." + extensionFor(type), { type: type });
          var transfer = new DataTransfer();
          transfer.items.add(file);
          input.files = transfer.files;
          preview.src = URL.createObjectURL(blob);
          preview.hidden = false;
          start.hidden = false;
          stop.hidden = true;
          say("recorded");
          start.focus();
        });
        recorder.start();
        start.hidden = true;
        stop.hidden = false;
        stop.focus();
        say("recording");
      }).catch(function () { say("no-microphone"); });
    });

    stop.addEventListener("click", function () {
      if (recorder && recorder.state !== "inactive") { recorder.stop(); }
    });
  });
})();
