/* Labour pages: "add a row" for formsets (the cost table, certificates, experience).
   Without JavaScript the blank rows the server renders are enough; with it, each
   [data-formset] gets a button that copies its <template data-formset-empty> row, numbering
   it in place of __prefix__ and counting it in the management form's TOTAL_FORMS. */
(function () {
  "use strict";

  function setUp(formset) {
    var prefix = formset.getAttribute("data-formset");
    var button = formset.querySelector("[data-formset-add]");
    var template = formset.querySelector("template[data-formset-empty]");
    var rows = formset.querySelector("[data-formset-rows]");
    var total = formset.querySelector('input[name="' + prefix + '-TOTAL_FORMS"]');
    var max = formset.querySelector('input[name="' + prefix + '-MAX_NUM_FORMS"]');
    if (!button || !template || !rows || !total) return;
    button.hidden = false;
    button.addEventListener("click", function () {
      var index = parseInt(total.value, 10) || 0;
      if (max && index >= (parseInt(max.value, 10) || Infinity)) return;
      var html = template.innerHTML.replace(/__prefix__/g, String(index));
      rows.insertAdjacentHTML("beforeend", html);
      total.value = String(index + 1);
      var first = rows.lastElementChild && rows.lastElementChild.querySelector("input, select, textarea");
      if (first) first.focus();
    });
  }

  function init() {
    Array.prototype.forEach.call(document.querySelectorAll("[data-formset]"), setUp);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
