/* Readiness knowledge base: the print button (no inline scripts: CSP).
   The button sits inside the htmx-swapped results, so the listener is delegated. */
(function () {
  "use strict";

  document.addEventListener("click", function (event) {
    var button = event.target.closest && event.target.closest("[data-print]");
    if (!button) return;
    window.print();
  });
})();
