// The intake form: small enhancements; it works without them.
(function () {
  "use strict";

  var form = document.querySelector("[data-intake-form]");
  if (!form) return;

  // Warn as soon as the typed serial number differs from the claim's; the server insists
  // on the confirmation either way.
  var serialBox = form.querySelector("[data-claim-serial]");
  var warning = form.querySelector("[data-serial-warning]");
  function canonical(value) { return (value || "").replace(/[\s-]/g, "").toUpperCase(); }
  if (serialBox && warning) {
    var input = serialBox.querySelector("input");
    var claimSerial = serialBox.getAttribute("data-claim-serial");
    var sync = function () {
      var typed = canonical(input.value);
      warning.hidden = !typed || typed === canonical(claimSerial);
    };
    input.addEventListener("input", sync);
    sync();
  }

  // The camera gives one photo per pick: keep adding picks to the same field, up to 8.
  var photos = form.querySelector("input[type=file][name=photos]");
  var list = form.querySelector("[data-photo-list]");
  var clear = form.querySelector("[data-photo-clear]");
  var MAX = 8;
  if (photos && list && clear && window.DataTransfer) {
    var kept = new DataTransfer();
    var show = function () {
      var names = Array.prototype.map.call(kept.files, function (file) { return file.name; });
      list.textContent = names.length ? names.length + " / " + MAX + ": " + names.join(", ") : "";
      clear.hidden = !names.length;
    };
    photos.addEventListener("change", function () {
      Array.prototype.forEach.call(photos.files, function (file) {
        if (kept.items.length < MAX) kept.items.add(file);
      });
      photos.files = kept.files;
      show();
    });
    clear.addEventListener("click", function () {
      kept = new DataTransfer();
      photos.value = "";
      show();
    });
  }

  // One click, one act: the server refuses a second one too, this saves a round trip.
  form.addEventListener("submit", function () {
    var button = form.querySelector("[data-submit]");
    if (button) window.setTimeout(function () { button.disabled = true; }, 0);
  });
  window.addEventListener("pageshow", function () {
    var button = form.querySelector("[data-submit]");
    if (button) button.disabled = false;
  });

  var problems = document.getElementById("form-problems");
  if (problems) problems.focus();
})();
