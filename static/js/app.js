/* Vidé-Grenier Kamer. Everything works without this file; it only lightens pages.
   Needs htmx 2.0.11 (static/js/htmx.min.js, loaded before this file).
   - htmx requests carry the page's CSRF token (a visitor without a session has none: the public forms'
     endpoints then check the request's origin, see vgk.web.forms).
   - Offline: the bar #offline (base.html, in the page's language) says so while the browser is offline;
     a form sent or an htmx action tried offline is not sent and the bar says so, instead of failing
     silently.
   - The service worker is registered; the first page, loaded before it existed, is then handed to it.
   - A new visitor asks for their visitor id (vgk.web.visitors) once per browsing session, unless the
     browser sends Global Privacy Control or Do Not Track. */
(function () {
  "use strict";
  function token() {
    var meta = document.querySelector('meta[name="csrf-token"]');
    if (meta && meta.content) return meta.content;
    var field = document.querySelector('input[name="csrf_token"][value]:not([value=""])');
    return field ? field.value : "";
  }
  document.addEventListener("htmx:configRequest", function (e) {
    var d = e.detail, t = token();
    if (t) d.headers["X-CSRFToken"] = t;
    // Keep GET URLs (pushed into the address bar, shared on WhatsApp) free of empty fields.
    if (d.verb === "get" && d.formData) {
      Array.from(d.formData.keys()).forEach(function (k) {
        if (d.formData.getAll(k).every(function (v) { return v === ""; })) d.formData.delete(k);
      });
    }
  });

  // --- offline ------------------------------------------------------------------------------------
  var bar = document.getElementById("offline");
  var said = bar ? bar.textContent : "";
  function offline(refused) {
    if (!bar) return;
    bar.textContent = refused ? bar.getAttribute("data-refused") : said;
    bar.setAttribute("role", refused ? "alert" : "status");
    bar.hidden = false;
  }
  window.addEventListener("offline", function () { offline(false); });
  window.addEventListener("online", function () { if (bar) bar.hidden = true; });
  if (!navigator.onLine) offline(false);
  // A form sent offline (htmx or not) is kept on the page, with what was typed, and the bar says why.
  document.addEventListener("submit", function (e) {
    var method = (e.target.getAttribute("method") || e.target.getAttribute("hx-post") && "post" || "get");
    if (navigator.onLine || method.toLowerCase() !== "post") return;
    e.preventDefault();
    e.stopImmediatePropagation();
    offline(true);
  }, true);
  // htmx: an action (POST...) is refused with the message; a part of a page that could not load, quietly.
  function sending(e) {
    var config = e.detail && e.detail.requestConfig;
    return !!config && String(config.verb || "get").toLowerCase() !== "get";
  }
  document.addEventListener("htmx:beforeRequest", function (e) {
    if (!navigator.onLine) { e.preventDefault(); offline(sending(e)); }
  });
  document.addEventListener("htmx:sendError", function (e) { offline(sending(e)); });

  // --- service worker and visitor id -------------------------------------------------------------
  function keepThisPage(registration, then) {
    var worker = registration.active;
    if (!worker) return then();
    // Only the pictures already shown: the worker takes them from the HTTP cache, nothing more is loaded.
    var media = Array.from(document.images)
      .filter(function (img) { return img.complete && img.naturalWidth > 0; })
      .map(function (img) { return img.currentSrc || img.src; })
      .filter(function (src) { return src.indexOf(location.origin + "/media/") === 0; });
    // The worker answers once the page is kept: the visitor id is asked after (it changes the page).
    var channel = new MessageChannel();
    channel.port1.onmessage = then;
    worker.postMessage({ keep: location.href, media: media }, [channel.port2]);
  }
  function askVisitorId() {
    if (navigator.globalPrivacyControl || navigator.doNotTrack === "1") return;
    try {
      if (sessionStorage.getItem("vgk-visitor")) return;
      sessionStorage.setItem("vgk-visitor", "1");
    } catch (err) {
      return; // no storage: do not ask at every page
    }
    fetch("/visiteur", { method: "POST", credentials: "same-origin" }).catch(function () {});
  }
  window.addEventListener("load", function () {
    var then = function () { if (navigator.onLine) askVisitorId(); };
    if (!("serviceWorker" in navigator)) return then();
    if (navigator.serviceWorker.controller) then();
    else navigator.serviceWorker.ready.then(function (registration) { keepThisPage(registration, then); }, then);
    navigator.serviceWorker.register("/sw.js", { scope: "/" }).catch(then);
  });
})();
