/* Vidé-Grenier Kamer: when an htmx request gets no answer (no network, timeout), says so in base.html's
   polite live region #live. What a swap did is written there by the server (the `announce` macro). */
(function () {
  "use strict";
  function unreachable() {
    var live = document.getElementById("live");
    if (!live || !live.dataset.unreachable) return;
    live.textContent = "";  // the same words twice in a row are read out again
    setTimeout(function () { live.textContent = live.dataset.unreachable; }, 100);
  }
  document.addEventListener("htmx:sendError", unreachable);
  document.addEventListener("htmx:timeout", unreachable);
})();
