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

  // The server's own error toast (a 5xx retargeted to #toasts) is shown instead of the generic one.
  document.addEventListener("htmx:beforeSwap", function (evt) {
    var xhr = evt.detail.xhr;
    if (xhr.status >= 500 && xhr.getResponseHeader("HX-Retarget") === "#toasts") {
      evt.detail.shouldSwap = true;
      evt.detail.isError = false;
    }
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

  document.addEventListener("DOMContentLoaded", function () { dismissFlashes(document); });
  document.addEventListener("htmx:afterSettle", function (evt) { dismissFlashes(evt.detail.elt); });
})();
