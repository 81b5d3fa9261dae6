/* Notifications on this phone (Web Push). The section (templates/account/_push.html) stays hidden unless
   the browser can receive push messages; turning them on subscribes with the site's VAPID public key and
   hands the subscription to the server (JSON, with the page's CSRF token); turning them off does the
   reverse. A browser already subscribed hands its subscription over again, so the person signed in on
   this phone is the one who gets its notifications. */
(function () {
  "use strict";
  var box = document.getElementById("push");
  if (!box || !("serviceWorker" in navigator) || !("PushManager" in window) || !("Notification" in window)) return;
  var on = box.querySelector("[data-push-on]"), off = box.querySelector("[data-push-off]");
  var state = box.querySelector("[data-push-state]");

  function key(text) {
    var b64 = (text + "===".slice((text.length + 3) % 4)).replace(/-/g, "+").replace(/_/g, "/");
    var raw = atob(b64), out = new Uint8Array(raw.length);
    for (var i = 0; i < raw.length; i++) out[i] = raw.charCodeAt(i);
    return out;
  }

  function send(url, body) {
    var meta = document.querySelector('meta[name="csrf-token"]');
    return fetch(url, {
      method: "POST", credentials: "same-origin", body: JSON.stringify(body),
      headers: { "Content-Type": "application/json", Accept: "application/json",
                 "X-CSRFToken": meta ? meta.content : "" },
    }).then(function (response) { if (!response.ok) throw new Error(String(response.status)); });
  }

  function show(name) {
    var subscribed = name === "on";
    state.textContent = state.getAttribute("data-" + name);
    on.hidden = subscribed || name === "denied";
    off.hidden = !subscribed;
    box.hidden = false;
  }

  function busy(flag) { on.disabled = off.disabled = flag; }

  navigator.serviceWorker.ready.then(function (registration) {
    var manager = registration.pushManager;
    on.addEventListener("click", function () {
      busy(true);
      manager.subscribe({ userVisibleOnly: true, applicationServerKey: key(box.dataset.key) })
        .then(function (subscription) { return send(box.dataset.subscribe, subscription.toJSON()); })
        .then(function () { show("on"); })
        .catch(function () { show(Notification.permission === "denied" ? "denied" : "failed"); })
        .then(function () { busy(false); });
    });
    off.addEventListener("click", function () {
      busy(true);
      manager.getSubscription()
        .then(function (subscription) {
          if (!subscription) return null;
          var endpoint = subscription.endpoint;
          return subscription.unsubscribe().then(function () {
            return send(box.dataset.unsubscribe, { endpoint: endpoint });
          });
        })
        .then(function () { show("off"); })
        .catch(function () { show("failed"); })
        .then(function () { busy(false); });
    });
    return manager.getSubscription().then(function (subscription) {
      if (Notification.permission === "denied") return show("denied");
      if (!subscription) return show("off");
      show("on");
      return send(box.dataset.subscribe, subscription.toJSON()).catch(function () {});
    });
  }).catch(function () {});
})();
