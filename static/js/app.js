// Small behaviours htmx does not cover. No inline script anywhere: the CSP forbids it.
(function () {
  "use strict";

  function toast(text, kind) {
    var box = document.getElementById("toasts");
    if (!box) return;
    var el = document.createElement("div");
    el.className = "toast toast-" + (kind || "info");
    el.setAttribute("role", "status");
    el.textContent = text;
    box.appendChild(el);
    dismissLater(el);
  }

  function dismissLater(el) {
    setTimeout(function () { el.classList.add("fade"); }, 4500);
    setTimeout(function () { el.remove(); }, 5000);
  }

  function dismissFlashes(root) {
    root.querySelectorAll(".toast:not(.fade)").forEach(dismissLater);
  }

  // A <dialog> instead of window.confirm for hx-confirm.
  document.addEventListener("htmx:confirm", function (evt) {
    var question = evt.detail.question;
    if (!question) return;
    evt.preventDefault();
    var dialog = document.getElementById("confirm-dialog");
    document.getElementById("confirm-text").textContent = question;
    dialog.addEventListener("close", function onClose() {
      dialog.removeEventListener("close", onClose);
      if (dialog.returnValue === "ok") evt.detail.issueRequest(true);
    });
    dialog.showModal();
  });

  document.addEventListener("htmx:responseError", function (evt) {
    var status = evt.detail.xhr.status;
    toast(document.body.dataset.msgFailed + " (" + status + ")", "error");
  });
  document.addEventListener("htmx:sendError", function () {
    toast(document.body.dataset.msgOffline, "error");
  });

  // Server events: HX-Trigger {"toast": {"text": "...", "kind": "success"}}.
  document.addEventListener("toast", function (evt) {
    toast(evt.detail.text, evt.detail.kind);
  });

  // Close an open <details> menu when clicking elsewhere or pressing Escape.
  document.addEventListener("click", function (evt) {
    document.querySelectorAll("details.menu[open], details.nav-toggle[open]").forEach(function (d) {
      if (!d.contains(evt.target)) d.removeAttribute("open");
    });
  });
  document.addEventListener("keydown", function (evt) {
    if (evt.key !== "Escape") return;
    document.querySelectorAll("details[open]").forEach(function (d) { d.removeAttribute("open"); });
  });

  // One click, one submission: a form's submit buttons are disabled while its request is in
  // flight (the server also de-duplicates by the form's one-time key).
  function setBusy(form, busy) {
    form.querySelectorAll("button:not([type]), button[type=submit], input[type=submit]")
      .forEach(function (button) { button.disabled = busy; });
    form.toggleAttribute("aria-busy", busy);
  }
  function sendingForm(evt) {
    var config = evt.detail.requestConfig;
    var form = evt.detail.elt.closest && evt.detail.elt.closest("form");
    return form && config && config.verb !== "get" ? form : null;
  }
  document.addEventListener("htmx:beforeRequest", function (evt) {
    var form = sendingForm(evt);
    if (form) setBusy(form, true);
  });
  document.addEventListener("htmx:afterRequest", function (evt) {
    var form = sendingForm(evt);
    if (form) setBusy(form, false);
  });
  // A form htmx leaves alone posts and leaves the page; disable after the browser has read the
  // clicked button, and enable again when the page comes back from the history cache.
  document.addEventListener("submit", function (evt) {
    var form = evt.target;
    if (evt.defaultPrevented || form.method !== "post") return;
    setTimeout(function () { setBusy(form, true); }, 0);
  });
  window.addEventListener("pageshow", function () {
    document.querySelectorAll("form[aria-busy]").forEach(function (form) { setBusy(form, false); });
  });

  document.addEventListener("DOMContentLoaded", function () { dismissFlashes(document); });
  document.addEventListener("htmx:afterSettle", function (evt) { dismissFlashes(evt.detail.elt); });
})();
