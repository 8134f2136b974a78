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
    var shown = el.classList.contains("toast-undo") ? 10000 : 5000;  // time to reach Undo
    setTimeout(function () { el.classList.add("fade"); }, shown - 500);
    setTimeout(function () { el.remove(); }, shown);
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

  // A <dialog> opens from a link that leads to a page without JavaScript; Cancel closes it.
  document.addEventListener("click", function (evt) {
    var opener = evt.target.closest && evt.target.closest("[data-opens-dialog]");
    var dialog = opener && document.getElementById(opener.dataset.opensDialog);
    if (dialog) {
      evt.preventDefault();
      dialog.showModal();
    } else if (evt.target.closest && evt.target.closest("dialog .dialog-cancel")) {
      evt.target.closest("dialog").close();
    }
  });

  // CSRF: the token travels in a header on every htmx request, read from the page's meta tag;
  // a full page answered to htmx (a boosted link or form) brings the session's current token.
  var CSRF_META = /<meta name="csrf-token" content="([^"]+)"/;
  function csrfMeta() { return document.querySelector('meta[name="csrf-token"]'); }
  document.addEventListener("htmx:configRequest", function (evt) {
    var meta = csrfMeta();
    if (meta) evt.detail.headers["X-CSRFToken"] = meta.content;
  });
  document.addEventListener("htmx:afterRequest", function (evt) {
    var found = CSRF_META.exec(evt.detail.xhr.responseText || "");
    var meta = csrfMeta();
    if (found && meta) meta.content = found[1];
  });

  // History: navigation pushes an entry; a request that changes data (POST) only replaces the
  // URL, so Back leaves the page instead of showing it again.
  document.addEventListener("htmx:beforeHistoryUpdate", function (evt) {
    if (evt.detail.requestConfig && evt.detail.requestConfig.verb !== "get") {
      evt.detail.history.type = "replace";
    }
  });

  // The CSP forbids eval: markup that would need it must show up in the console (and fail the
  // browser tests) instead of being skipped silently.
  ["htmx:evalDisallowedError", "htmx:syntax:error"].forEach(function (name) {
    document.addEventListener(name, function (evt) {
      console.error(name, evt.target, evt.detail);
    });
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

  // Lists: the search box takes the focus where there is room for a keyboard (not on phones);
  // on phones the filter dropdowns open from a button that counts the filters in use.
  var WIDE = window.matchMedia("(min-width: 721px)");
  document.documentElement.classList.add("js");
  function countFilters(form) {
    var used = Array.prototype.filter.call(form.querySelectorAll("select"), function (s) {
      return s.selectedIndex > 0;
    }).length + Array.prototype.filter.call(
      form.querySelectorAll("[data-picker-value]"), function (p) { return p.value; }).length;
    var count = form.querySelector(".filter-count");
    if (count) count.textContent = used ? " · " + used : "";
  }
  function initLists(root) {
    var search = root.querySelector("[data-autofocus-wide]");
    if (search && WIDE.matches) search.focus();
    root.querySelectorAll("form.filters").forEach(countFilters);
  }
  document.addEventListener("click", function (evt) {
    var toggle = evt.target.closest && evt.target.closest(".filter-toggle");
    if (!toggle) return;
    var open = toggle.form.classList.toggle("open");
    toggle.setAttribute("aria-expanded", String(open));
  });
  document.addEventListener("change", function (evt) {
    var form = evt.target.closest && evt.target.closest("form.filters");
    if (form) countFilters(form);
  });
  // Search as you type replaces the list's history entry instead of pushing one per pause,
  // so Back leaves the list; a filter, a chip or a sort link still pushes its own.
  document.addEventListener("htmx:beforeHistoryUpdate", function (evt) {
    var trigger = evt.detail.requestConfig && evt.detail.requestConfig.triggeringEvent;
    var source = trigger && trigger.target;
    if (evt.detail.history.type === "push" && source && source.matches &&
        source.matches("form.filters input[type=search]")) {
      evt.detail.history.type = "replace";
    }
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
  document.addEventListener("htmx:load", function (evt) { initLists(evt.detail.elt); });
})();
