/*
 * Score sheet and assignment grid behaviours (the CSP forbids inline handlers).
 * The running totals come from the server (htmx posts the form to the totals endpoint on every
 * change); this file only marks answered criteria, warns before leaving unsaved changes, and lets
 * the assignment grid tick a whole row.
 *
 *   form[data-sheet-form]        the member's sheet
 *   input[data-check-row="n"]    ticks every free box of row n (input[data-row="n"])
 */
(function () {
  "use strict";

  var dirty = false;

  document.addEventListener("change", function (event) {
    var el = event.target;
    var form = el.form;
    if (form && form.hasAttribute("data-sheet-form")) {
      dirty = true;
      var fieldset = el.closest("fieldset.criterion");
      if (fieldset && el.type === "radio") {
        fieldset.classList.add("is-answered");
      }
    }
    var row = el.getAttribute && el.getAttribute("data-check-row");
    if (row) {
      document.querySelectorAll('input[data-row="' + row + '"]').forEach(function (box) {
        box.checked = el.checked;
      });
    }
  });

  document.addEventListener("submit", function (event) {
    if (event.target.hasAttribute && event.target.hasAttribute("data-sheet-form")) {
      dirty = false;
    }
  });

  window.addEventListener("beforeunload", function (event) {
    if (dirty) {
      event.preventDefault();
      event.returnValue = "";
    }
  });
})();
