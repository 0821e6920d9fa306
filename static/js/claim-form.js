// Small progressive enhancement for the claim form; the form works fully without it.
(function () {
  "use strict";
  var form = document.querySelector("[data-claim-form]");
  if (!form) return;

  // Show the free-text model field only when "other" is chosen.
  var model = form.querySelector("#id_product_model");
  var other = form.querySelector("[data-product-other]");
  function syncModel() {
    if (model && other) other.hidden = model.value !== "other" && !other.querySelector(".errorlist");
  }
  if (model) model.addEventListener("change", syncModel);
  syncModel();

  // Hide the WhatsApp number when it is the same as the phone.
  var same = form.querySelector("#id_whatsapp_same_as_phone");
  var whatsapp = form.querySelector("[data-whatsapp]");
  function syncWhatsapp() {
    if (same && whatsapp) whatsapp.hidden = same.checked;
  }
  if (same) same.addEventListener("change", syncWhatsapp);
  syncWhatsapp();

  // One click, one claim: the server refuses duplicates too, this just saves a round trip.
  form.addEventListener("submit", function () {
    var button = form.querySelector("[data-submit]");
    if (button) {
      window.setTimeout(function () { button.disabled = true; }, 0);
    }
  });

  // Coming back with the browser's Back button must find the button usable again.
  window.addEventListener("pageshow", function () {
    var button = form.querySelector("[data-submit]");
    if (button) button.disabled = false;
  });

  var problems = document.getElementById("form-problems");
  if (problems) problems.focus();
})();
