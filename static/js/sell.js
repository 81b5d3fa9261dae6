/* Listing form, progressive enhancement: photos resized in the browser (max 1600 px, JPEG)
   before upload, and an upload progress bar. Without JavaScript the plain multipart form works. */
(function () {
  "use strict";
  var MAX = 1600;

  function resize(file) {
    return new Promise(function (resolve) {
      if (!/^image\//.test(file.type) || !window.createImageBitmap || !HTMLCanvasElement.prototype.toBlob) {
        return resolve(file);
      }
      createImageBitmap(file).then(function (bitmap) {
        var scale = Math.min(1, MAX / Math.max(bitmap.width, bitmap.height));
        if (scale === 1 && file.type === "image/jpeg") { return resolve(file); }
        var canvas = document.createElement("canvas");
        canvas.width = Math.round(bitmap.width * scale);
        canvas.height = Math.round(bitmap.height * scale);
        canvas.getContext("2d").drawImage(bitmap, 0, 0, canvas.width, canvas.height);
        canvas.toBlob(function (blob) {
          resolve(blob ? new File([blob], file.name.replace(/\.\w+$/, "") + ".jpg", { type: "image/jpeg" }) : file);
        }, "image/jpeg", 0.85);
      }, function () { resolve(file); });
    });
  }

  function enhance(form) {
    if (!window.FormData || !window.XMLHttpRequest || !window.Promise) { return; }
    var box = form.querySelector(".sell-progress");
    var bar = box && box.querySelector("progress");
    var label = box && box.querySelector("span");
    var clicked = null;
    // While photos are processed and sent: say so, and no second submit.
    function busy(on, text) {
      Array.prototype.forEach.call(form.querySelectorAll('button[type="submit"]'), function (b) { b.disabled = on; });
      form.setAttribute("aria-busy", on ? "true" : "false");
      if (!box) { return; }
      box.hidden = !on;
      if (text) { label.textContent = text; }
    }
    form.addEventListener("click", function (e) {
      if (e.target.name === "action") { clicked = e.target; }
    });
    form.addEventListener("submit", function (event) {
      var input = form.querySelector('input[type="file"]');
      if (!input || !input.files || !input.files.length) { return; }  // nothing to upload: plain submit
      event.preventDefault();
      var data = new FormData(form);
      if (clicked) { data.set("action", clicked.value); }
      data.delete("photos");
      busy(true, box && box.getAttribute("data-processing"));
      Promise.all(Array.prototype.map.call(input.files, resize)).then(function (files) {
        files.forEach(function (f) { data.append("photos", f, f.name); });
        var xhr = new XMLHttpRequest();
        // getAttribute: form.action would be shadowed by the submit buttons named "action".
        xhr.open("POST", form.getAttribute("action") || window.location.href);
        busy(true, box && box.getAttribute("data-sending"));
        xhr.upload.onprogress = function (e) {
          if (e.lengthComputable && bar) {
            bar.value = Math.round(100 * e.loaded / e.total);
            label.textContent = box.getAttribute("data-sending") + " " + bar.value + " %";
          }
        };
        xhr.onload = function () {
          // Show the page the server answered with (it carries the one-time confirmation message),
          // at the address it was redirected to.
          if (xhr.responseURL && xhr.status < 400 && window.history.replaceState) {
            window.history.replaceState(null, "", xhr.responseURL);
          }
          document.open(); document.write(xhr.responseText); document.close();
        };
        xhr.onerror = function () { busy(false); form.submit(); };
        xhr.send(data);
      });
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    Array.prototype.forEach.call(document.querySelectorAll("form[data-sell-upload]"), enhance);
  });
})();

/* "Améliorer l'annonce": using the proposal fills the title and description in the page (nothing is saved
   until the seller submits the form); ignoring it removes it. Without JavaScript both buttons post the form. */
(function () {
  "use strict";
  document.addEventListener("click", function (event) {
    var button = event.target.closest && event.target.closest("[data-use-proposal], [data-ignore-proposal]");
    var box = button && button.closest("[data-proposal]");
    var form = button && button.form;
    if (!box || !form) { return; }
    event.preventDefault();
    var holder = box.parentNode;
    if (button.hasAttribute("data-use-proposal")) {
      var title = form.querySelector("#title"), description = form.querySelector("#description");
      title.value = box.querySelector('input[name="proposal_title"]').value;
      description.value = box.querySelector('input[name="proposal_description"]').value;
      var note = document.createElement("p");
      note.className = "hint";
      note.setAttribute("role", "status");
      note.textContent = box.getAttribute("data-used");
      holder.replaceChildren(note);
      title.focus();
    } else {
      holder.replaceChildren();
    }
  });
})();
