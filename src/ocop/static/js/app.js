/*
 * Behaviours for every page, attached by data attributes (the CSP forbids inline handlers).
 * Everything here is an enhancement: pages work without JavaScript.
 *
 *   htmx requests carry the CSRF token (X-CSRFToken header) from <meta name="csrf-token">.
 *   <form data-confirm="Xóa?"> / <button data-confirm="…">  ask before submitting.
 *   <button data-dismiss="alert">  closes the enclosing .alert (shown only when JS runs).
 *   <select data-autosubmit> / <input data-autosubmit>  submit their form on change.
 *   details.user-menu  closes on Escape or a click outside.
 */
(function () {
  "use strict";

  function csrfToken() {
    var meta = document.querySelector('meta[name="csrf-token"]');
    if (meta && meta.content) {
      return meta.content;
    }
    var match = document.cookie.match(/(?:^|;\s*)csrftoken=([^;]+)/);
    return match ? decodeURIComponent(match[1]) : "";
  }

  document.addEventListener("htmx:configRequest", function (event) {
    var method = (event.detail.verb || "get").toUpperCase();
    if (method !== "GET" && method !== "HEAD") {
      event.detail.headers["X-CSRFToken"] = csrfToken();
    }
  });

  document.addEventListener("submit", function (event) {
    var form = event.target;
    var submitter = event.submitter;
    var message = (submitter && submitter.getAttribute("data-confirm")) ||
      form.getAttribute("data-confirm");
    if (message && !window.confirm(message)) {
      event.preventDefault();
    }
  }, true);

  document.addEventListener("click", function (event) {
    var close = event.target.closest("[data-dismiss='alert']");
    if (close) {
      var alert = close.closest(".alert");
      if (alert) {
        alert.remove();
      }
    }
    document.querySelectorAll("details.user-menu[open]").forEach(function (menu) {
      if (!menu.contains(event.target)) {
        menu.removeAttribute("open");
      }
    });
  });

  document.addEventListener("change", function (event) {
    var el = event.target;
    if (el.matches && el.matches("[data-autosubmit]") && el.form) {
      el.form.requestSubmit();
    }
  });

  document.addEventListener("keydown", function (event) {
    if (event.key !== "Escape") {
      return;
    }
    document.querySelectorAll("details.user-menu[open]").forEach(function (menu) {
      menu.removeAttribute("open");
      var summary = menu.querySelector("summary");
      if (summary) {
        summary.focus();
      }
    });
  });

  function enhance(root) {
    root.querySelectorAll("[data-dismiss='alert'][hidden]").forEach(function (btn) {
      btn.hidden = false;
    });
    var toggle = document.getElementById("nav-toggle");
    if (toggle && !toggle.dataset.enhanced) {
      toggle.dataset.enhanced = "1";
      toggle.setAttribute("aria-expanded", toggle.checked ? "true" : "false");
      toggle.addEventListener("change", function () {
        toggle.setAttribute("aria-expanded", toggle.checked ? "true" : "false");
      });
    }
  }

  document.addEventListener("DOMContentLoaded", function () {
    enhance(document);
  });
  document.addEventListener("htmx:load", function (event) {
    enhance(event.target);
  });
})();
