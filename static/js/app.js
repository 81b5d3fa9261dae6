/* Vidé-Grenier Kamer. Everything works without this file; it only lightens pages.
   Needs htmx 2.0.11 (static/js/htmx.min.js, loaded before this file). */
(function () {
  "use strict";
  document.addEventListener("htmx:configRequest", function (e) {
    var d = e.detail, meta = document.querySelector('meta[name="csrf-token"]');
    if (meta) d.headers["X-CSRFToken"] = meta.content;
    // Keep GET URLs (pushed into the address bar, shared on WhatsApp) free of empty fields.
    if (d.verb === "get" && d.formData) {
      Array.from(d.formData.keys()).forEach(function (k) {
        if (d.formData.getAll(k).every(function (v) { return v === ""; })) d.formData.delete(k);
      });
    }
  });
  if ("serviceWorker" in navigator) {
    window.addEventListener("load", function () {
      navigator.serviceWorker.register("/sw.js", { scope: "/" }).catch(function () {});
    });
  }
})();
