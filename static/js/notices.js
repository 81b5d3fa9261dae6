/* Vidé-Grenier Kamer, live badge of unread notices (loaded only for signed-in people, after chat.js, whose
   socket it shares). A "notification" event (a new notice, see vgk.services.notifications.inapp) carries the
   person's new unread count: #notices-badge in the header shows it at once. Without JS or a socket the next
   page shows the count. */
(function () {
  "use strict";
  var badge = document.getElementById("notices-badge");
  if (!badge || typeof window.io !== "function") return;
  var socket;
  try {
    socket = window.vgkSocket || (window.vgkSocket = window.io({ reconnectionDelayMax: 30000, transports: ["websocket"] }));
  } catch (e) {
    return;
  }
  socket.on("notification", function (data) {
    if (!data || typeof data.unread !== "number") return;
    badge.textContent = String(data.unread);
    badge.hidden = data.unread === 0;
  });
})();
