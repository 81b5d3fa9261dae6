/* Checkout and paying again. Everything works without this file (the server checks every rule):
   - the pickup point or the delivery fields are shown for the chosen way of receiving the order
     (blocks marked data-fulfilment="PICKUP" / "DELIVERY");
   - the hints marked data-method="..." follow the chosen payment method;
   - in a form with data-operators (each Mobile Money method's number prefixes, from the server), the
     operator follows the number as it is typed, unless cash is chosen.
   Listeners sit on the document, so the order page's status block swapped in by htmx works too. */
(function () {
  "use strict";

  function checked(form, name) {
    var input = form.querySelector('input[name="' + name + '"]:checked');
    return input ? input.value : "";
  }

  function showFulfilment(form) {
    var chosen = checked(form, "fulfilment");
    if (!chosen) return;
    form.querySelectorAll("[data-fulfilment]").forEach(function (block) {
      block.hidden = block.getAttribute("data-fulfilment") !== chosen;
    });
  }

  function showMethodHints(form) {
    var chosen = checked(form, "payment_method");
    form.querySelectorAll("[data-method]").forEach(function (hint) {
      hint.hidden = !!chosen && hint.getAttribute("data-method").split(" ").indexOf(chosen) < 0;
    });
  }

  function operatorOf(operators, phone) {
    var digits = phone.replace(/\D/g, "").replace(/^(00)?237(?=\d{9})/, "");
    if (digits.length < 3) return "";
    for (var method in operators) {
      if (operators[method].some(function (prefix) { return digits.indexOf(prefix) === 0; })) return method;
    }
    return "";
  }

  function followNumber(form, phone) {
    var current = checked(form, "payment_method"), operators;
    if (current === "CASH") return;
    try { operators = JSON.parse(form.getAttribute("data-operators")); } catch (e) { return; }
    var method = operatorOf(operators, phone);
    var radio = method && form.querySelector('input[name="payment_method"][value="' + method + '"]');
    if (radio && !radio.checked) {
      radio.checked = true;
      showMethodHints(form);
    }
  }

  function refresh(form) {
    showFulfilment(form);
    showMethodHints(form);
  }

  document.addEventListener("change", function (e) {
    var form = e.target.form;
    if (form && (e.target.name === "fulfilment" || e.target.name === "payment_method")) refresh(form);
  });
  document.addEventListener("input", function (e) {
    var form = e.target.form;
    if (form && e.target.name === "phone" && form.hasAttribute("data-operators")) followNumber(form, e.target.value);
  });

  function start() {
    document.querySelectorAll("form[data-operators]").forEach(function (form) {
      var phone = form.querySelector('input[name="phone"]');
      refresh(form);
      if (phone && phone.value && !checked(form, "payment_method")) followNumber(form, phone.value);
    });
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
