// The deal board: drag cards between stages (SortableJS), Undo toasts, the signing dialog and
// Esc to cancel an inline edit. The select on each card is the keyboard way to move.
(function () {
  "use strict";

  function boardUrl() {
    var board = document.getElementById("board");
    return board ? board.dataset.boardUrl : null;
  }

  function reloadBoard() {
    var url = boardUrl();
    if (url) htmx.ajax("GET", url, { target: "#board", swap: "outerHTML" });
  }

  function moveCard(evt) {
    if (evt.from === evt.to) return;
    var card = evt.item;
    htmx.ajax("POST", card.dataset.moveUrl, {
      source: card, target: card, swap: "outerHTML",
      values: { stage_id: evt.to.dataset.stageId }
    });
  }

  function initBoard(root) {
    if (typeof Sortable === "undefined") return;
    root.querySelectorAll(".board-cards").forEach(function (list) {
      if (list.dataset.sortable) return;
      list.dataset.sortable = "1";
      Sortable.create(list, {
        group: "deals", animation: 120, draggable: ".deal-card",
        filter: "input, select, button, .inline-edit", preventOnFilter: false,
        onEnd: moveCard
      });
    });
  }

  document.addEventListener("DOMContentLoaded", function () { initBoard(document); });
  document.addEventListener("htmx:load", function (evt) { initBoard(evt.detail.elt.parentNode || document); });

  // Server event after a move: a toast that says what happened, with Undo.
  document.addEventListener("deal-moved", function (evt) {
    var box = document.getElementById("toasts");
    if (!box) return;
    var detail = evt.detail, el = document.createElement("div");
    el.className = "toast toast-success";
    el.setAttribute("role", "status");
    el.appendChild(document.createTextNode(detail.text + " "));
    var undo = document.createElement("button");
    undo.type = "button";
    undo.className = "link toast-action";
    undo.textContent = detail.undoLabel;
    undo.addEventListener("click", function () {
      el.remove();
      htmx.ajax("POST", detail.undoUrl, {
        source: "#board", target: "#board", swap: "outerHTML",
        values: { stage_id: detail.undoStage }
      });
    });
    el.appendChild(undo);
    box.appendChild(el);
    setTimeout(function () { el.classList.add("fade"); }, 7500);
    setTimeout(function () { el.remove(); }, 8000);
  });

  // Moving to the won stage: the server sends the signing form into the dialog.
  document.addEventListener("sign-requested", function () {
    var dialog = document.getElementById("sign-dialog");
    if (dialog && !dialog.open) dialog.showModal();
  });
  document.addEventListener("click", function (evt) {
    if (!evt.target.closest(".dialog-cancel")) return;
    var dialog = evt.target.closest("dialog");
    if (dialog) dialog.close();
  });
  document.addEventListener("close", function (evt) {
    if (evt.target.id === "sign-dialog") reloadBoard();  // not signed: the card goes back
  }, true);

  // Inline edit: Esc puts the value back without saving.
  document.addEventListener("keydown", function (evt) {
    if (evt.key !== "Escape") return;
    var form = evt.target.closest && evt.target.closest(".inline-edit");
    if (!form) return;
    evt.preventDefault();
    htmx.ajax("GET", form.dataset.cancelUrl, { source: form, target: form, swap: "outerHTML" });
  });
})();
