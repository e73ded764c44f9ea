/*
 * Evaluation forms (no inline scripts under the CSP). Enhancements only: pages work without it.
 *   form[data-round-form]        shows the legacy-district field only for district-level rounds.
 *   form[data-application-form]  shows the previous-application field only for upgrades and
 *                                re-evaluations.
 */
(function () {
  "use strict";

  function toggle(form, selectName, wrapperSelector, show) {
    var select = form.querySelector('[name="' + selectName + '"]');
    var wrapper = form.querySelector(wrapperSelector);
    if (!select || !wrapper) {
      return;
    }
    function update() {
      wrapper.hidden = !show(select.value);
    }
    select.addEventListener("change", update);
    update();
  }

  function init() {
    document.querySelectorAll("form[data-round-form]").forEach(function (form) {
      toggle(form, "level", "[data-district-only]", function (v) { return v === "district"; });
    });
    document.querySelectorAll("form[data-application-form]").forEach(function (form) {
      toggle(form, "kind", "[data-previous-only]", function (v) { return v !== "first"; });
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
