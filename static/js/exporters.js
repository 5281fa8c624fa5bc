/* Exporters pages: the little behaviour the product form needs (no inline scripts: CSP).

   HS suggestions arrive by htmx as buttons carrying data-hs-code. Tapping one copies the
   code into the HS field (the input marked data-hs-input), clears the list and says what
   was chosen. Without JavaScript the owner types the code; the server checks it either way. */
(function () {
  "use strict";

  document.addEventListener("click", function (event) {
    var button = event.target.closest && event.target.closest("[data-hs-code]");
    if (!button) return;
    var form = button.closest("form") || document;
    var input = form.querySelector("[data-hs-input]");
    if (!input) return;
    input.value = button.getAttribute("data-hs-code");
    input.dispatchEvent(new Event("change", { bubbles: true }));
    var box = button.closest(".hs-suggestions-box");
    if (box) {
      var chosen = document.createElement("p");
      chosen.className = "hs-chosen";
      chosen.textContent = "✓ " + button.getAttribute("data-hs-label");
      box.replaceChildren(chosen);
    }
    input.focus();
  });
})();
