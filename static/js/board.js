// The deal board: drag cards between stages (SortableJS) or move a focused card with ← →
// and its menu, Undo toasts, the signing and new-deal dialogs, and the inline edit (the
// value selected on open, Esc cancels). Focus stays on what the user acted on.
(function () {
  "use strict";

  var TOAST_MS = 8000;

  function column(stageId) {
    return document.querySelector('.board-cards[data-stage-id="' + stageId + '"]');
  }

  function stageOf(card) {
    return card.closest(".board-cards").dataset.stageId;
  }

  // Put the card at the top of a column at once, then tell the server. The answer is the card
  // (focused) with the column totals; for the signed stage it is the signing form instead.
  var pendingSign = null;  // {card id, stage it came from} while the signing dialog is open

  function moveCard(card, stageId, fromStageId) {
    var target = column(stageId);
    if (!target || !card.dataset.moveUrl) return;
    if (target !== card.parentNode) target.insertBefore(card, target.querySelector(".deal-card"));
    pendingSign = { card: card.id, from: fromStageId };
    htmx.ajax("POST", card.dataset.moveUrl, {
      source: card, target: card, swap: "outerHTML", values: { stage_id: stageId }
    });
  }

  function initBoard(root) {
    if (typeof Sortable === "undefined") return;
    root.querySelectorAll(".board-cards").forEach(function (list) {
      if (list.dataset.sortable) return;
      list.dataset.sortable = "1";
      Sortable.create(list, {
        group: "deals", animation: 120, draggable: ".deal-card.movable",
        filter: "input, select, button, summary, .menu-panel, .inline-edit",
        preventOnFilter: false,
        onEnd: function (evt) {
          if (evt.from !== evt.to) moveCard(evt.item, evt.to.dataset.stageId, evt.from.dataset.stageId);
        }
      });
    });
  }

  // SortableJS leaves a style attribute on the dropped card; htmx copies the old element's
  // attributes onto its replacement, and a copied style attribute breaks the CSP.
  document.addEventListener("htmx:beforeSwap", function (evt) {
    var target = evt.detail.target;
    if (target.classList && target.classList.contains("deal-card")) target.removeAttribute("style");
  });

  document.addEventListener("DOMContentLoaded", function () { initBoard(document); });
  document.addEventListener("htmx:load", function (evt) { initBoard(evt.detail.elt.parentNode || document); });

  // The server says where a card belongs (a refused move puts it back).
  document.addEventListener("deal-placed", function (evt) {
    var card = document.getElementById(evt.detail.card), target = column(evt.detail.stage);
    if (card && target && card.parentNode !== target) target.insertBefore(card, target.querySelector(".deal-card"));
  });

  // Keys on a focused card: ← → move it, ↑ ↓ walk the column, Enter opens, Space the menu.
  function neighbourColumn(card, step) {
    var lists = Array.prototype.slice.call(document.querySelectorAll(".board-cards"));
    return lists[lists.indexOf(card.parentNode) + step];
  }

  function onCardKey(evt, card) {
    var key = evt.key;
    if (key === "ArrowRight" || key === "ArrowLeft") {
      var next = neighbourColumn(card, key === "ArrowRight" ? 1 : -1);
      if (next && card.classList.contains("movable")) moveCard(card, next.dataset.stageId, stageOf(card));
    } else if (key === "ArrowDown" || key === "ArrowUp") {
      var sibling = key === "ArrowDown" ? card.nextElementSibling : card.previousElementSibling;
      if (sibling && sibling.classList.contains("deal-card")) sibling.focus();
    } else if (key === "Enter") {
      card.querySelector(".deal-title").click();
    } else if (key === " ") {
      var menu = card.querySelector(".card-menu");
      if (!menu) return;
      menu.open = true;
      menu.querySelector(".menu-panel button").focus();
    } else {
      return;
    }
    evt.preventDefault();
  }

  document.addEventListener("keydown", function (evt) {
    if (evt.target.classList && evt.target.classList.contains("deal-card")) onCardKey(evt, evt.target);
    var menu = evt.key === "Escape" && evt.target.closest && evt.target.closest(".card-menu");
    if (menu) menu.closest(".deal-card").focus();  // the menu closes, the focus stays on the card
  });

  // The card's menu: a form that works without JavaScript; with it, the same move as a drag.
  document.addEventListener("submit", function (evt) {
    var menu = evt.target.closest(".card-menu");
    if (!menu || !evt.submitter) return;
    evt.preventDefault();
    evt.stopPropagation();
    var card = menu.closest(".deal-card");
    menu.open = false;
    moveCard(card, evt.submitter.value, stageOf(card));
  }, true);

  // Toasts stay while the pointer or the focus is on them.
  function dismissWhenIdle(el) {
    setTimeout(function retry() {
      if (el.matches(":hover, :focus-within")) { setTimeout(retry, 1000); return; }
      el.classList.add("fade");
      setTimeout(function () { el.remove(); }, 500);
    }, TOAST_MS);
  }

  function showToast(text, action) {
    var box = document.getElementById("toasts");
    if (!box) return;
    box.querySelectorAll(".board-toast").forEach(function (old) { old.remove(); });  // the latest only
    var el = document.createElement("div");
    el.className = "toast toast-success board-toast";
    el.setAttribute("role", "status");
    el.appendChild(document.createTextNode(text + " "));
    if (action) {
      action.classList.add("link", "toast-action");
      el.appendChild(action);
    }
    box.appendChild(el);
    dismissWhenIdle(el);
    return el;
  }

  document.addEventListener("deal-moved", function (evt) {
    var detail = evt.detail, undo = document.createElement("button");
    undo.type = "button";
    undo.textContent = detail.undoLabel;
    var el = showToast(detail.text, undo);
    undo.addEventListener("click", function () {
      el.remove();
      var card = document.getElementById(detail.card);
      if (card) moveCard(card, detail.undoStage, stageOf(card));
    });
  });

  // Signed or created in a dialog: close it, say so with a link; the card has the focus.
  function done(evt) {
    var link = document.createElement("a");
    link.href = evt.detail.href;
    link.textContent = evt.detail.linkLabel;
    document.querySelectorAll("dialog[open]").forEach(function (d) { d.close("done"); });
    showToast(evt.detail.text, link);
  }
  document.addEventListener("deal-signed", done);
  document.addEventListener("deal-created", done);

  // A dialog opens when a form is swapped into its body (the dialog's only child), and gives
  // the focus back when it closes. A swap further inside does not open it: a late answer for a
  // field of a dialog already saved and closed (a customer's contacts) would bring it back.
  var opener = null;
  document.addEventListener("htmx:afterSwap", function (evt) {
    var dialog = evt.detail.target.parentElement;
    if (!dialog || dialog.tagName !== "DIALOG" || dialog.open) return;
    opener = evt.detail.requestConfig && evt.detail.requestConfig.elt;
    dialog.returnValue = "";
    dialog.showModal();
  });
  document.addEventListener("click", function (evt) {
    if (!evt.target.closest(".dialog-cancel")) return;
    var dialog = evt.target.closest("dialog");
    if (dialog) dialog.close();
  });
  document.addEventListener("close", function (evt) {
    if (evt.target.tagName !== "DIALOG" || evt.target.id === "confirm-dialog") return;
    var signing = evt.target.id === "sign-dialog" && pendingSign;
    if (signing && evt.target.returnValue !== "done") {  // not signed: the card goes back
      var card = document.getElementById(pendingSign.card), from = column(pendingSign.from);
      if (card && from) from.insertBefore(card, from.querySelector(".deal-card"));
      opener = card;
    }
    if (evt.target.returnValue !== "done" && opener && opener.isConnected) opener.focus();
    opener = null;
  }, true);

  // Inline edit: the value is selected on open (typing replaces it); Esc puts it back.
  document.addEventListener("htmx:load", function (evt) {
    var input = evt.detail.elt.matches && evt.detail.elt.matches(".inline-edit") &&
      evt.detail.elt.querySelector("input[name=value]");
    if (input && document.activeElement === input && input.type !== "date") input.select();
  });
  document.addEventListener("keydown", function (evt) {
    if (evt.key !== "Escape") return;
    var form = evt.target.closest && evt.target.closest(".inline-edit");
    if (!form) return;
    evt.preventDefault();
    htmx.ajax("GET", form.dataset.cancelUrl, { source: form, target: form, swap: "outerHTML" });
  });
})();
