/* Vidé-Grenier Kamer service worker (served at /sw.js, scope "/", by vgk.web.pwa).
   - /static/ files with a hashed name (/static/css/app.<hash>.css): cache-first, kept across versions (a
     hashed URL never changes content); other /static/ URLs: network first, the cached copy offline.
   - /media/: cache-first (file names are content-unique; at most MAX_MEDIA files kept).
   - page navigations: network-first; public pages are kept so visited pages open offline (never a
     response marked no-store or private, never a page under PRIVATE_PREFIXES), otherwise the offline
     page (/hors-ligne) is shown. The page that registered this worker is kept too: static/js/app.js
     sends its address and pictures once the worker is active (it was loaded before the worker existed).
   - everything else (htmx fragments, POSTs, private areas, other origins): network only.
   SHELL_URLS, ICON and VERSION are filled in by the server: the shell's hashed URLs, so a new version of
   one of them installs a new worker. The shell is taken as the page just loaded it (the HTTP cache keeps
   hashed files for a year): installing costs no second download. RULES is bumped by hand when what may
   be cached changes, so pages kept under the old rules are dropped on activation. */
"use strict";

const VERSION = "__STATIC_VERSION__";
const RULES = 4; // 2: sign-in, sign-up, codes, password reset and email verification pages are never kept
// 3: conversations (/messages) are never kept; 4: nor guest reviews, unsubscribe links, "Pour vous"
const SHELL = "vgk-shell-" + VERSION; // the offline page of this version
const STATIC = "vgk-static-1"; // hashed static files, whatever their version (pages kept may name old ones)
const PAGES = "vgk-pages-" + RULES;
const MEDIA = "vgk-media-1"; // file names are content-unique: survives shell updates
const MAX_MEDIA = 200;
const MAX_PAGES = 40;
const MAX_STATIC = 60;
const OFFLINE_URL = "/hors-ligne";
const SHELL_URLS = "__SHELL_URLS__";
const ICON = "__ICON_URL__";
const HASHED = /\.[0-9a-f]{10}\.[A-Za-z0-9]+$/;
// Never cached, never answered from a cache: personal or live data (a guest's cart, checkout, orders,
// tracking, payments, review and unsubscribe links included), and every sign-in page: a password reset
// form carries its token, the code steps a pending sign-in (the server also sends all of them with
// Cache-Control: no-store).
const PRIVATE_PREFIXES = [
  "/mobile/api/", "/compte", "/messages", "/staff", "/admin",
  "/panier", "/commande", "/suivi", "/simulateur", "/paiements", "/avis/", "/desabonnement", "/n/",
  "/pour-vous", "/visiteur", "/langue", "/hooks", "/dev/",
  "/connexion", "/inscription", "/verification", "/deconnexion", "/mot-de-passe", "/email/",
];

function isPrivate(url) {
  return PRIVATE_PREFIXES.some((prefix) => url.pathname.startsWith(prefix));
}

self.addEventListener("install", (event) => {
  event.waitUntil(
    Promise.all([
      // Default cache mode: the hashed files the page has just loaded come from the HTTP cache.
      caches.open(STATIC).then((cache) => cache.addAll(SHELL_URLS)),
      // Anonymous: the offline page must hold nothing personal.
      caches.open(SHELL).then((cache) => cache.add(new Request(OFFLINE_URL, { credentials: "omit" }))),
    ]).then(() => self.skipWaiting())
  );
});

self.addEventListener("activate", (event) => {
  const keep = [SHELL, STATIC, PAGES, MEDIA];
  event.waitUntil(
    caches
      .keys()
      .then((names) => Promise.all(names.filter((n) => !keep.includes(n)).map((n) => caches.delete(n))))
      .then(() => self.clients.claim())
  );
});

self.addEventListener("fetch", (event) => {
  const request = event.request;
  const url = new URL(request.url);
  if (url.origin !== self.location.origin) return;
  if (request.method !== "GET") {
    // A form sent while the network is down: the offline page rather than the browser's error.
    if (request.mode === "navigate") event.respondWith(fetch(request).catch(() => offlinePage()));
    return;
  }
  if (isPrivate(url)) return;
  if (request.headers.has("HX-Request")) return; // htmx fragments: network only
  if (url.pathname.startsWith("/static/")) {
    event.respondWith(HASHED.test(url.pathname) ? cacheFirst(event, STATIC, MAX_STATIC) : networkFirst(event, STATIC));
  } else if (url.pathname.startsWith("/media/")) {
    event.respondWith(cacheFirst(event, MEDIA, MAX_MEDIA));
  } else if (request.mode === "navigate") {
    event.respondWith(networkFirst(event, PAGES, MAX_PAGES, true));
  }
});

// The page that registered the worker, and its pictures: { keep: url, media: [urls] } from app.js, which
// is told (on the port it sends) once they are kept.
self.addEventListener("message", (event) => {
  const data = event.data || {};
  const done = () => event.ports[0] && event.ports[0].postMessage("kept");
  if (typeof data.keep !== "string") return;
  const page = new URL(data.keep, self.location.origin);
  if (page.origin !== self.location.origin || isPrivate(page)) return done();
  const pictures = (Array.isArray(data.media) ? data.media : [])
    .map((raw) => new URL(raw, self.location.origin))
    .filter((url) => url.origin === self.location.origin && url.pathname.startsWith("/media/"));
  event.waitUntil(
    Promise.all([
      fetch(page.href, { credentials: "same-origin" }).then((response) => {
        if (storable(response)) return keep(PAGES, new Request(page.href), response, MAX_PAGES);
      }),
      ...pictures.map((url) =>
        caches.match(url.href, { cacheName: MEDIA }).then((found) =>
          found ? null : fetch(url.href).then((response) => storable(response) && keep(MEDIA, url.href, response, MAX_MEDIA))
        )
      ),
    ]).catch(() => {}).then(done)
  );
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

async function offlinePage() {
  return (await caches.match(OFFLINE_URL, { cacheName: SHELL, ignoreVary: true })) || Response.error();
}

async function networkFirst(event, cacheName, limit, page) {
  const request = event.request;
  try {
    const response = await fetch(request);
    if (page && storable(response)) event.waitUntil(keep(cacheName, request, response.clone(), limit));
    return response;
  } catch (err) {
    const cached = await caches.match(request, { cacheName, ignoreVary: true });
    if (cached) return cached;
    return page ? offlinePage() : Response.error();
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
  const options = { body: data.body || "", icon: ICON, data: { url: data.url || "/" } };
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
