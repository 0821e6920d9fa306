// Every workbench page: small enhancements; each page works without them.
(function () {
  "use strict";

  // Print buttons (the browser's own print works without them, so they start hidden).
  document.querySelectorAll("[data-print]").forEach(function (button) {
    button.hidden = false;
    button.addEventListener("click", function () { window.print(); });
  });

  // The search box selects its text on focus: the next scan replaces the last number.
  // Autofocus may come before this deferred script (on a slow machine it does): then the
  // box already has the focus and no focus event is left to catch.
  document.querySelectorAll("[data-select-on-focus]").forEach(function (input) {
    input.addEventListener("focus", function () { input.select(); });
    if (document.activeElement === input) { input.select(); }
  });
})();
