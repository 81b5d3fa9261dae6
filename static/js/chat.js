/* Vidé-Grenier Kamer, live layer of the conversations (loaded only for signed-in people, after
   static/js/vendor/socket.io.min.js and htmx). Everything works without it: the conversation page polls
   /messages/<id>/nouveaux every 5 s. With a socket:
   - "unread" updates #unread-badge on every page;
   - on a conversation page (#chat): join its room; a "message" for it asks the poller to fetch at once
     (the server renders); "typing" shows "… écrit" in #chat-typing for 3 s; typing in the form emits
     "typing" (at most every 2 s); "read"/"delivered" refresh the receipts; shown messages are marked read.
   If the socket cannot connect, polling simply goes on. */
(function () {
  "use strict";
  if (typeof window.io !== "function") return;
  var badge = document.getElementById("unread-badge");
  var chat = document.getElementById("chat");
  var room = chat ? chat.getAttribute("data-conversation") : null;
  var socket;
  try {
    socket = window.vgkSocket || (window.vgkSocket = window.io({ reconnectionDelayMax: 30000, transports: ["websocket"] }));  // one per page
  } catch (e) {
    return;
  }

  function refresh() {
    if (window.htmx) window.htmx.trigger(document.body, "chat-refresh");
  }

  function newest() {
    var poller = document.getElementById("chat-poll");
    return poller ? parseInt(poller.getAttribute("data-newest") || "0", 10) : 0;
  }

  socket.on("unread", function (data) {
    if (!badge || !data || typeof data.total !== "number") return;
    badge.textContent = String(data.total);
    badge.hidden = data.total === 0;
  });

  if (!room) return;

  function join() {
    // Once the server has put this page in the conversation's room, #chat says so (data-live="joined").
    socket.emit("join", { conversation: room }, function (answer) {
      if (answer && answer.ok) chat.setAttribute("data-live", "joined");
    });
  }
  socket.on("disconnect", function () { chat.removeAttribute("data-live"); });
  socket.on("connect", join);

  socket.on("message", function (data) {
    if (data && typeof data.unread === "number" && badge) {
      badge.textContent = String(data.unread);
      badge.hidden = data.unread === 0;
    }
    if (data && data.conversation === room) refresh();
  });

  var typingTimer = null;
  socket.on("typing", function (data) {
    var box = document.getElementById("chat-typing");
    if (!box || !data || data.conversation !== room) return;
    box.textContent = (data.name || "") + " " + (box.getAttribute("data-writing") || "…");
    clearTimeout(typingTimer);
    typingTimer = setTimeout(function () { box.textContent = ""; }, 3000);
  });

  socket.on("read", function (data) { if (data && data.conversation === room) refresh(); });
  socket.on("delivered", function (data) { if (data && data.conversation === room) refresh(); });

  var lastTyping = 0;
  document.addEventListener("input", function (e) {
    if (!e.target || e.target.id !== "body" || !socket.connected) return;
    var now = Date.now();
    if (now - lastTyping < 2000) return;
    lastTyping = now;
    socket.emit("typing", { conversation: room });
  });

  // New messages were put on the page (by the poller): the reader has seen them.
  document.body.addEventListener("htmx:afterSettle", function () {
    if (socket.connected && newest()) socket.emit("read", { conversation: room, up_to: newest() });
  });
})();
