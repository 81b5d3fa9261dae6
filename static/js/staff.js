/* Vidé-Grenier Kamer, staff tablets: lock the screen after the idle time without input.
   Loaded only on signed-in staff pages; the seconds come from <meta name="vgk-idle-seconds">.
   The server applies the same limit on the next request: this only makes the lock visible on time. */
(function () {
  "use strict";
  var meta = document.querySelector('meta[name="vgk-idle-seconds"]');
  var seconds = meta ? parseInt(meta.getAttribute("content"), 10) : 0;
  if (!(seconds > 0)) return;
  var lockUrl = meta.getAttribute("data-lock-url") || "/staff/verrou";
  var last = Date.now();
  var locked = false;

  function touch() { last = Date.now(); }
  function check() {
    // Wall-clock time, not a single long timer: a sleeping tablet pauses timers but not the clock.
    if (!locked && Date.now() - last >= seconds * 1000) {
      locked = true;
      // Locking signs out: a POST with the CSRF token (the bar's form), never a plain GET.
      var form = document.querySelector("form[data-lock-form]");
      if (form) form.submit(); else window.location.replace(lockUrl);
    }
  }

  ["pointerdown", "pointermove", "keydown", "touchstart", "wheel", "input"].forEach(function (type) {
    document.addEventListener(type, touch, { capture: true, passive: true });
  });
  document.addEventListener("visibilitychange", function () { if (!document.hidden) check(); });
  window.addEventListener("pageshow", function (e) { if (e.persisted) check(); });
  window.setInterval(check, 1000);
})();

/* Pickup work: an optional QR scan of the buyer's order (reference and code) with the tablet camera (only where the browser
   offers BarcodeDetector; typing the reference always works), and the report's print button. */
(function () {
  "use strict";
  document.querySelectorAll("[data-print]").forEach(function (button) {
    button.hidden = false;
    button.addEventListener("click", function () { window.print(); });
  });
  var button = document.querySelector(".scan-qr");
  if (!button || !("BarcodeDetector" in window) || !(navigator.mediaDevices && navigator.mediaDevices.getUserMedia)) return;
  var input = document.querySelector(button.getAttribute("data-scan-target"));
  var video = button.parentNode.querySelector(".scan-video");
  var stream = null;
  button.hidden = false;

  function stop() {
    if (stream) stream.getTracks().forEach(function (track) { track.stop(); });
    stream = null;
    video.hidden = true;
  }

  button.addEventListener("click", function () {
    if (stream) { stop(); return; }
    var detector;
    try { detector = new window.BarcodeDetector({ formats: ["qr_code"] }); } catch (e) { button.hidden = true; return; }
    navigator.mediaDevices.getUserMedia({ video: { facingMode: "environment" } }).then(function (s) {
      stream = s;
      video.srcObject = s;
      video.hidden = false;
      return video.play().then(function scan() {
        if (!stream) return;
        detector.detect(video).then(function (codes) {
          // The buyer's QR holds "VGK-XXXXXXX 123456": the reference, then the handover code (older
          // QR codes hold the reference only, and the code is typed).
          var found = codes.map(function (c) {
            return (c.rawValue || "").match(/(VGK-[A-Z0-9]+)(?:\s+(\d{6}))?/i);
          }).filter(Boolean)[0];
          if (found) {
            input.value = found[1].toUpperCase();
            stop();
            var code = document.getElementById("ho-code");
            if (code && found[2]) code.value = found[2];
            var next = code && found[2] ? input.form.querySelector('[name="cash"], button[type="submit"]') : code;
            if (next) next.focus();
          } else {
            window.setTimeout(scan, 250);
          }
        }, function () { window.setTimeout(scan, 500); });
      });
    }).catch(function () { stop(); button.hidden = true; });
  });
})();
