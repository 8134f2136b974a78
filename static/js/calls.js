// The call dialog: the key C (or the header button) opens it from any page; Enter saves
// from any field; saved, it closes, a toast links to the customer, and the customer's timeline
// on the screen is refreshed.
(function () {
  "use strict";

  function typing(target) {
    return target.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(target.tagName);
  }

  function openCallDialog() {
    var button = document.getElementById("call-button");
    if (button) button.click();
  }

  document.addEventListener("keydown", function (evt) {
    if (evt.key !== "c" || evt.ctrlKey || evt.metaKey || evt.altKey || evt.defaultPrevented) return;
    if (typing(evt.target) || document.querySelector("dialog[open]")) return;
    evt.preventDefault();
    openCallDialog();
  });

  document.addEventListener("click", function (evt) {
    var opener = evt.target.closest && evt.target.closest("[data-opens-call]");
    if (!opener || !document.getElementById("call-button")) return;
    evt.preventDefault();
    openCallDialog();
  });

  // Enter saves from any field of the call form (not from a button, nor Shift+Enter in the
  // notes, nor while the customer picker's list is open: that Enter chooses).
  document.addEventListener("keydown", function (evt) {
    var form = evt.target.closest && evt.target.closest("form[data-call-form]");
    if (!form || evt.key !== "Enter" || evt.defaultPrevented || evt.isComposing) return;
    if (evt.target.tagName === "BUTTON" || evt.target.tagName === "A") return;
    if (evt.target.tagName === "TEXTAREA" && evt.shiftKey) return;
    evt.preventDefault();
    form.requestSubmit();
  });

  // The form came back with an error: the field in error takes the focus.
  document.addEventListener("htmx:afterSwap", function (evt) {
    if (evt.detail.target.id !== "call-dialog-body") return;
    var first = evt.detail.target.querySelector("[aria-invalid=true], [autofocus]");
    if (first) first.focus();
  });

  function toastLink(href, label) {
    var link = document.createElement("a");
    link.href = href;
    link.className = "toast-action";
    link.textContent = label;
    return link;
  }

  // The saved call's toast: a link to the customer and, for who handles complaints, one that
  // records a complaint from the call.
  function toastWithLinks(detail) {
    var box = document.getElementById("toasts");
    if (!box) return;
    var el = document.createElement("div");
    el.className = "toast toast-success";
    el.setAttribute("role", "status");
    el.appendChild(document.createTextNode(detail.text + " "));
    el.appendChild(toastLink(detail.href, detail.linkLabel));
    if (detail.complaintHref) {
      el.appendChild(document.createTextNode(" · "));
      el.appendChild(toastLink(detail.complaintHref, detail.complaintLabel));
    }
    box.appendChild(el);
    setTimeout(function () { el.classList.add("fade"); }, 9500);
    setTimeout(function () { el.remove(); }, 10000);
  }

  document.addEventListener("call-logged", function (evt) {
    var detail = evt.detail, dialog = document.getElementById("call-dialog");
    if (dialog && dialog.open) dialog.close("done");
    toastWithLinks(detail);
    var timeline = document.getElementById("customer-timeline");
    if (timeline && timeline.dataset.customerId === String(detail.customerId)) {
      htmx.ajax("GET", window.location.href, {target: "#customer-timeline", select: "#customer-timeline", swap: "outerHTML"});
    }
  });
})();
