/* The order page. Everything works without this file; it only lightens the status poll:
   the status block (#order-status) polls with the version it shows, and the server answers
   304 Not Modified, with no body, while nothing changed: that answer keeps the block as it is
   (htmx would otherwise swap the empty body in). */
(function () {
  "use strict";
  document.addEventListener("htmx:beforeSwap", function (e) {
    if (e.detail.xhr && e.detail.xhr.status === 304) e.detail.shouldSwap = false;
  });
})();
