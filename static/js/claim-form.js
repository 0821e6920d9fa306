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

  // A file over the limit (or too many files) is caught before sending. The server refuses a body over its
  // request limit whole (413), before reading it, and everything typed would be lost; each
  // file input carries its limits and the server's own wording (claims/forms.py).
  // The text fields and the multipart headers travel beside the files: leave room for them.
  var OTHER_FIELDS_BYTES = 64 * 1024;
  var fileInputs = Array.prototype.slice.call(
    form.querySelectorAll("input[type=file][data-max-bytes]")
  );

  function chosenFiles(input) {
    return Array.prototype.slice.call(input.files || []);
  }

  function sizeErrorId(input) {
    return input.id + "_size_error";
  }

  function setDescribedBy(input, id, present) {
    var ids = (input.getAttribute("aria-describedby") || "").split(/\s+/).filter(function (x) {
      return x && x !== id;
    });
    if (present) ids.push(id);
    if (ids.length) input.setAttribute("aria-describedby", ids.join(" "));
    else input.removeAttribute("aria-describedby");
  }

  // The message goes where the server renders a field's errors (templates/claims/_field.html:
  // a ul.errorlist under the help text), inside a live region that is already in the page
  // when it fills, so screen readers announce it.
  function sizeSlot(input) {
    var field = input.closest(".field") || input.parentNode;
    var slot = field.querySelector("[data-size-error]");
    if (!slot) {
      slot = document.createElement("div");
      slot.setAttribute("data-size-error", "");
      slot.setAttribute("role", "alert");
      var errors = field.querySelector(".errorlist");
      var help = field.querySelector(".helptext");
      var anchor = errors || help;
      if (anchor) anchor.parentNode.insertBefore(slot, anchor.nextSibling);
      else input.parentNode.insertBefore(slot, input);
    }
    return slot;
  }

  function showSizeError(input, message) {
    var slot = sizeSlot(input);
    var field = input.closest(".field");
    var item = slot.querySelector("li");
    if (!item) {
      var list = document.createElement("ul");
      list.className = "errorlist";
      list.id = sizeErrorId(input);
      item = document.createElement("li");
      list.appendChild(item);
      slot.appendChild(list);
    }
    if (item.textContent !== message) item.textContent = message;
    input.setAttribute("aria-invalid", "true");
    setDescribedBy(input, sizeErrorId(input), true);
    if (field) field.classList.add("field-invalid");
  }

  function clearSizeError(input) {
    var slot = sizeSlot(input);
    var field = input.closest(".field");
    slot.textContent = "";
    setDescribedBy(input, sizeErrorId(input), false);
    // An error the server rendered for this field still stands until the form is sent again.
    if (!field || !field.querySelector(".errorlist")) {
      input.removeAttribute("aria-invalid");
      if (field) field.classList.remove("field-invalid");
    }
  }

  // What is wrong with an input's files, in the server's words, or "" when nothing is:
  // too many for the field, one too large, or all so far too large together.
  function sizeProblem(input, files, total, requestMax) {
    var maxFiles = Number(input.getAttribute("data-max-files"));
    if (maxFiles && files.length > maxFiles) return input.getAttribute("data-too-many-message");
    var limit = Number(input.getAttribute("data-max-bytes"));
    if (files.some(function (file) { return file.size > limit; })) {
      return input.getAttribute("data-too-large-message");
    }
    if (files.length && total > requestMax) {
      return input.getAttribute("data-total-too-large-message") ||
        input.getAttribute("data-too-large-message");
    }
    return "";
  }

  // Marks every input whose files are too many or too large, alone or together; returns them.
  function checkSizes() {
    var requestMax = Infinity;
    fileInputs.forEach(function (input) {
      var limit = Number(input.getAttribute("data-request-max-bytes"));
      if (limit) requestMax = Math.min(requestMax, limit - OTHER_FIELDS_BYTES);
    });
    var total = 0;
    return fileInputs.filter(function (input) {
      var files = chosenFiles(input);
      files.forEach(function (file) { total += file.size; });
      var problem = sizeProblem(input, files, total, requestMax);
      if (problem) {
        showSizeError(input, problem);
        return true;
      }
      clearSizeError(input);
      return false;
    });
  }

  fileInputs.forEach(function (input) {
    sizeSlot(input);
    input.addEventListener("change", checkSizes);
  });

  form.addEventListener("submit", function (event) {
    var refused = checkSizes();
    if (refused.length) {
      event.preventDefault();
      var field = refused[0].closest(".field") || refused[0];
      refused[0].focus({ preventScroll: true });
      field.scrollIntoView({ block: "nearest" });
      return;
    }
    // One click, one claim: the server refuses duplicates too, this just saves a round trip.
    var button = form.querySelector("[data-submit]");
    if (button) {
      window.setTimeout(function () { button.disabled = true; }, 0);
    }
  });

  // Coming back with the browser's Back button must find the button usable again. The
  // browser also puts back what was ticked and chosen, after this script first ran (a page
  // loaded anew) or without running it again (a page from the back-forward cache): the
  // fields that follow a tick or a choice follow what is restored.
  window.addEventListener("pageshow", function () {
    var button = form.querySelector("[data-submit]");
    if (button) button.disabled = false;
    syncModel();
    syncWhatsapp();
  });

  var problems = document.getElementById("form-problems");
  if (problems) problems.focus();
})();
