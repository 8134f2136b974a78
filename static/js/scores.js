// The dealer scoring table (flow 3): keyboard navigation between rows (↑/↓ or j/k), Enter
// opens the row's inline adjustment, Esc cancels it, and focus returns to the row after a save.
(function () {
  "use strict";

  function rows() {
    return Array.prototype.slice.call(document.querySelectorAll("#scores-table tr.score-row"));
  }

  document.addEventListener("keydown", function (evt) {
    var form = evt.target.closest && evt.target.closest("form.score-adjust");
    if (form && evt.key === "Escape") {
      evt.preventDefault();
      var row = form.closest("tr");
      htmx.ajax("GET", form.dataset.cancelUrl, { target: "#" + row.id, swap: "outerHTML" });
      return;
    }
    var current = evt.target.classList && evt.target.classList.contains("score-row") ? evt.target : null;
    if (!current) return;
    var all = rows(), index = all.indexOf(current), next = null;
    if (evt.key === "ArrowDown" || evt.key === "j") next = all[index + 1];
    else if (evt.key === "ArrowUp" || evt.key === "k") next = all[index - 1];
    else if (evt.key === "Enter") {
      evt.preventDefault();
      var button = current.querySelector("button[data-adjust]");
      if (button) button.click();
      return;
    } else return;
    evt.preventDefault();
    if (next) next.focus();
  });

  // The Adjust button of a row opens its inline editor (one delegated handler for all rows).
  document.addEventListener("click", function (evt) {
    var button = evt.target.closest && evt.target.closest("button[data-adjust]");
    if (!button) return;
    var table = document.getElementById("scores-table");
    var url = table.dataset.adjustUrl.replace("/0/", "/" + button.dataset.adjust + "/");
    htmx.ajax("GET", url, { target: "#score-" + button.dataset.adjust, swap: "outerHTML" });
  });

  // After the editor closes (saved or cancelled), the keyboard stays on the same row: the
  // row htmx has just put back is focused.
  document.addEventListener("htmx:load", function (evt) {
    var el = evt.detail.elt;
    if (el.classList && el.classList.contains("score-row") && !el.classList.contains("editing")) {
      el.focus();
    }
  });
})();
