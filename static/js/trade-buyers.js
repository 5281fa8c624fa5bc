/* Buyer profile page: an HS code picked from the suggestions (exporters.js copies it into
   the [data-hs-input] search field and fires "change") is added to the [data-hs-list] field
   of codes, once, and the search field is cleared for the next one. Without JavaScript the
   buyer types the codes into the list; the server checks them either way. */
(function () {
  "use strict";

  document.addEventListener("change", function (event) {
    var input = event.target;
    if (!input.matches || !input.matches("[data-hs-input]")) return;
    var form = input.closest("form");
    var list = form && form.querySelector("[data-hs-list]");
    var code = (input.value || "").replace(/[\s.]/g, "");
    if (!list || !/^\d{6}$/.test(code)) return;
    var codes = list.value.split(/[\s,;]+/).filter(Boolean);
    if (codes.indexOf(code) === -1) codes.push(code);
    list.value = codes.join(", ");
    input.value = "";
  });
})();
