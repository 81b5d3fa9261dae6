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
      window.location.replace(lockUrl);
    }
  }

  ["pointerdown", "pointermove", "keydown", "touchstart", "wheel", "input"].forEach(function (type) {
    document.addEventListener(type, touch, { capture: true, passive: true });
  });
  document.addEventListener("visibilitychange", function () { if (!document.hidden) check(); });
  window.addEventListener("pageshow", function (e) { if (e.persisted) check(); });
  window.setInterval(check, 1000);
})();
