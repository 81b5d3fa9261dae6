/* Vidé-Grenier Kamer service worker (served at /sw.js, scope "/").
   - /static/ and /media/: cache-first (media is immutable; at most MAX_MEDIA files kept).
   - page navigations: network-first; public pages are kept so visited pages open offline (never a
     response marked no-store or private, never a page under PRIVATE_PREFIXES), otherwise the offline
     page (/hors-ligne) is shown.
   - everything else (htmx fragments, POSTs, private areas, other origins): network only.
   VERSION is filled in by the server with a digest of /static/ (sw.js itself excepted), so any change
   renews the shell; RULES is bumped by hand when what may be cached changes, so pages kept under the
   old rules are dropped on activation. */
"use strict";

const VERSION = "__STATIC_VERSION__";
const RULES = 3; // 2: sign-in, sign-up, codes, password reset and email verification pages are never kept
// 3: conversations (/messages) are never kept
const SHELL = "vgk-shell-" + RULES + "-" + VERSION;
const PAGES = "vgk-pages-" + RULES + "-" + VERSION;
const MEDIA = "vgk-media-1"; // file names are content-unique: survives shell updates
const MAX_MEDIA = 200;
const MAX_PAGES = 40;
const OFFLINE_URL = "/hors-ligne";
const SHELL_URLS = [
  "/static/css/app.css",
  "/static/js/htmx.min.js",
  "/static/js/app.js",
  "/static/js/live.js",
  "/static/img/favicon.png",
  "/static/img/icon-192.png",
  OFFLINE_URL,
];
// Never cached, never answered from a cache: personal or live data (a guest's cart, checkout, orders,
// tracking and payments included), and every sign-in page: a password reset form carries its token,
// the code steps a pending sign-in (the server also sends all of them with Cache-Control: no-store).
const PRIVATE_PREFIXES = [
  "/mobile/api/", "/compte", "/messages", "/staff", "/admin",
  "/panier", "/commande", "/suivi", "/simulateur", "/paiements",
  "/connexion", "/inscription", "/verification", "/deconnexion", "/mot-de-passe", "/email/",
];

self.addEventListener("install", (event) => {
  event.waitUntil(
    caches
      .open(SHELL)
      .then((cache) =>
        // Anonymous and bypassing the HTTP cache: the shell must be fresh and must hold nothing personal.
        cache.addAll(SHELL_URLS.map((url) => new Request(url, { cache: "reload", credentials: "omit" })))
      )
      .then(() => self.skipWaiting())
  );
});

self.addEventListener("activate", (event) => {
  const keep = [SHELL, PAGES, MEDIA];
  event.waitUntil(
    caches
      .keys()
      .then((names) => Promise.all(names.filter((n) => !keep.includes(n)).map((n) => caches.delete(n))))
      .then(() => self.clients.claim())
  );
});

self.addEventListener("fetch", (event) => {
  const request = event.request;
  if (request.method !== "GET") return;
  const url = new URL(request.url);
  if (url.origin !== self.location.origin) return;
  if (PRIVATE_PREFIXES.some((prefix) => url.pathname.startsWith(prefix))) return;
  if (request.headers.has("HX-Request")) return; // htmx fragments: network only
  if (url.pathname.startsWith("/static/")) {
    event.respondWith(cacheFirst(event, SHELL, 0));
  } else if (url.pathname.startsWith("/media/")) {
    event.respondWith(cacheFirst(event, MEDIA, MAX_MEDIA));
  } else if (request.mode === "navigate") {
    event.respondWith(networkFirst(event));
  }
});

function storable(response) {
  if (!response || response.status !== 200 || response.type !== "basic") return false;
  const cacheControl = (response.headers.get("Cache-Control") || "").toLowerCase();
  return !cacheControl.includes("no-store") && !cacheControl.includes("private");
}

async function keep(cacheName, request, response, limit) {
  try {
    const cache = await caches.open(cacheName);
    await cache.put(request, response);
    if (limit) {
      const keys = await cache.keys(); // oldest first
      for (let i = 0; i < keys.length - limit; i++) await cache.delete(keys[i]);
    }
  } catch (err) {
    // Quota full or an unstorable response: serving the page matters more than keeping it.
  }
}

async function cacheFirst(event, cacheName, limit) {
  const request = event.request;
  const cached = await caches.match(request, { cacheName, ignoreVary: true });
  if (cached) return cached;
  const response = await fetch(request);
  if (storable(response)) event.waitUntil(keep(cacheName, request, response.clone(), limit));
  return response;
}

async function networkFirst(event) {
  const request = event.request;
  try {
    const response = await fetch(request);
    if (storable(response)) event.waitUntil(keep(PAGES, request, response.clone(), MAX_PAGES));
    return response;
  } catch (err) {
    const cached =
      (await caches.match(request, { cacheName: PAGES, ignoreVary: true })) ||
      (await caches.match(OFFLINE_URL, { cacheName: SHELL, ignoreVary: true }));
    return cached || Response.error();
  }
}

// --- notifications (Web Push) ---------------------------------------------------------------------
// The server sends {"title", "body", "url", "tag"} (vgk.integrations.push); a click opens that page of
// this site, in a tab already showing it when there is one. Other origins are never opened.
self.addEventListener("push", (event) => {
  let data = {};
  try {
    data = event.data ? event.data.json() : {};
  } catch (err) {
    data = { body: event.data ? event.data.text() : "" };
  }
  const options = { body: data.body || "", icon: "/static/img/icon-192.png", data: { url: data.url || "/" } };
  if (data.tag) options.tag = data.tag;
  event.waitUntil(self.registration.showNotification(data.title || "Vidé-Grenier Kamer", options));
});

function sameOriginUrl(raw) {
  try {
    const url = new URL(raw || "/", self.location.origin);
    return url.origin === self.location.origin ? url.href : null;
  } catch (err) {
    return null;
  }
}

self.addEventListener("notificationclick", (event) => {
  event.notification.close();
  const target = sameOriginUrl(event.notification.data && event.notification.data.url);
  if (!target) return;
  event.waitUntil(
    self.clients.matchAll({ type: "window", includeUncontrolled: true }).then((windows) => {
      const open = windows.find((client) => client.url === target && "focus" in client);
      return open ? open.focus() : self.clients.openWindow(target);
    })
  );
});
