/* Serumpun: the little JavaScript the pages need. Everything works without it; inline
   scripts are forbidden by the CSP, so behaviour hangs off data- attributes.

   data-confirm="Question?"  on a <form>, or on a <button>/<a> inside one: ask before going on.
                             (htmx requests use hx-confirm, which htmx handles itself.) */
(function () {
  "use strict";

  function confirmed(element) {
    var question = element && element.getAttribute("data-confirm");
    return !question || window.confirm(question);
  }

  document.addEventListener("submit", function (event) {
    var form = event.target;
    var submitter = event.submitter;
    if (submitter && submitter.hasAttribute("data-confirm")) {
      if (!confirmed(submitter)) event.preventDefault();
      return;
    }
    if (form.hasAttribute && form.hasAttribute("data-confirm") && !confirmed(form)) {
      event.preventDefault();
    }
  });

  document.addEventListener("click", function (event) {
    var link = event.target.closest && event.target.closest("a[data-confirm]");
    if (link && !confirmed(link)) event.preventDefault();
  });

  /* After an htmx swap, move focus to a swapped region that asks for it (data-focus), so
     keyboard and screen-reader users land on the new content. */
  document.addEventListener("htmx:afterSwap", function (event) {
    var target = event.detail && event.detail.target;
    if (target && target.hasAttribute && target.hasAttribute("data-focus")) {
      if (!target.hasAttribute("tabindex")) target.setAttribute("tabindex", "-1");
      target.focus();
    }
  });
})();
