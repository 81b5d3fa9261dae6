/* Vidé-Grenier Kamer: photos that wait. A card's photo written inside <noscript data-photo> is put in the
   page when its box comes within MARGIN of the screen (the browser's own lazy loading would fetch every
   photo one or two screens below); without JavaScript the browser shows it as usual. A photo waiting to be
   asked for (a.ph-later: its description and "show the photo") becomes the photo when tapped; in a product
   gallery (data-gallery) the arrows, a swipe or the arrow keys move between photos, each loaded when it
   comes into view. Without this file each waiting photo is a plain link to it. */
(function () {
  "use strict";
  function show(link) {
    if (!link || !link.parentNode) return;
    var img = document.createElement("img");
    img.alt = link.dataset.alt || "";
    if (link.dataset.w) { img.width = +link.dataset.w; img.height = +link.dataset.h; }
    img.decoding = "async";
    if (link.dataset.srcset) { img.srcset = link.dataset.srcset; img.sizes = link.dataset.sizes || "100vw"; }
    img.src = link.dataset.src;
    link.parentNode.replaceChild(img, link);
  }
  document.addEventListener("click", function (e) {
    var link = e.target.closest && e.target.closest("a.ph-later");
    if (!link) return;
    e.preventDefault();
    var slides = link.closest(".slides");
    show(link);
    if (slides) slides.focus();
  });
  function gallery(box) {
    var strip = box.querySelector(".slides"), nav = box.querySelector(".gal-nav");
    var slides = strip.querySelectorAll(".slide"), count = box.querySelector(".gal-count");
    var buttons = nav.querySelectorAll("button[data-gal]"), current = 0;
    nav.hidden = false;
    function at() { return Math.max(0, Math.min(slides.length - 1, Math.round(strip.scrollLeft / (slides[0].offsetWidth || 1)))); }
    function settle(i) {
      current = i;
      show(slides[i].querySelector("a.ph-later"));
      count.textContent = (i + 1) + " / " + slides.length;
      buttons[0].disabled = i === 0;
      buttons[1].disabled = i === slides.length - 1;
      buttons[0].setAttribute("aria-controls", slides[Math.max(0, i - 1)].id);
      buttons[1].setAttribute("aria-controls", slides[Math.min(slides.length - 1, i + 1)].id);
    }
    function go(i) {
      i = Math.max(0, Math.min(slides.length - 1, i));
      settle(i);
      strip.scrollTo({ left: slides[i].offsetLeft - strip.offsetLeft, behavior: "smooth" });
    }
    buttons.forEach(function (b) { b.addEventListener("click", function () { go(current + (+b.dataset.gal)); }); });
    strip.addEventListener("keydown", function (e) {
      if (e.key === "ArrowRight" || e.key === "ArrowLeft") { e.preventDefault(); go(current + (e.key === "ArrowRight" ? 1 : -1)); }
    });
    var timer;
    strip.addEventListener("scroll", function () {
      clearTimeout(timer);
      timer = setTimeout(function () { if (at() !== current) settle(at()); }, 80);
    }, { passive: true });
    settle(0);
  }
  // --- card photos near the screen --------------------------------------------------------------
  var MARGIN = "100px 0px";
  function reveal(box) {
    var wait = box.querySelector("noscript[data-photo]");
    if (!wait) return;
    var parsed = document.createElement("template");
    parsed.innerHTML = wait.innerHTML; // its markup, whether the parser kept it as text or as elements
    box.replaceChild(parsed.content, wait);
  }
  var near = "IntersectionObserver" in window && new IntersectionObserver(function (entries) {
    entries.forEach(function (entry) {
      if (entry.isIntersecting) { near.unobserve(entry.target); reveal(entry.target); }
    });
  }, { rootMargin: MARGIN });
  function watch(root) {
    (root.querySelectorAll ? root : document).querySelectorAll("noscript[data-photo]").forEach(function (wait) {
      if (near) near.observe(wait.parentNode); else reveal(wait.parentNode);
    });
  }
  document.addEventListener("htmx:load", function (e) { watch(e.target); }); // cards swapped in by htmx

  function start() {
    watch(document);
    document.querySelectorAll("[data-gallery]").forEach(gallery);
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start); else start();
})();
