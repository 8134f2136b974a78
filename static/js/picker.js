// The customer picker (crm/customers/picker.py): a combobox whose suggestions come from the
// server as you type; arrows move, Enter or a click chooses, Escape closes the list.
(function () {
  "use strict";
  var DELAY = 120;

  function options(list) {
    return Array.prototype.slice.call(list.querySelectorAll("[role=option]:not([aria-disabled])"));
  }

  // The field after the picker, which takes the focus once a customer is chosen.
  function nextField(box) {
    var form = box.closest("form");
    if (!form) return null;
    return Array.prototype.find.call(form.elements, function (el) {
      return !box.contains(el) && !el.disabled && el.type !== "hidden" &&
        (box.compareDocumentPosition(el) & Node.DOCUMENT_POSITION_FOLLOWING);
    });
  }

  function setup(box) {
    if (box.dataset.pickerReady) return;
    box.dataset.pickerReady = "1";
    var text = box.querySelector("[data-picker-text]");
    var value = box.querySelector("[data-picker-value]");
    var list = box.querySelector("[role=listbox]");
    var timer = null, asked = 0, active = -1;

    function close() {
      list.hidden = true;
      text.setAttribute("aria-expanded", "false");
      text.removeAttribute("aria-activedescendant");
      active = -1;
    }
    function activate(index) {
      var found = options(list);
      if (!found.length) return;
      active = (index + found.length) % found.length;
      found.forEach(function (option, i) { option.setAttribute("aria-selected", String(i === active)); });
      text.setAttribute("aria-activedescendant", found[active].id);
      found[active].scrollIntoView({block: "nearest"});
    }
    function choose(option) {
      value.value = option.dataset.id;
      text.value = option.dataset.name;
      close();
      value.dispatchEvent(new Event("change", {bubbles: true}));
      var next = nextField(box);
      if (next) next.focus();
    }
    function show(html, term) {
      if (text.value.trim() !== term) return;  // an answer to what is no longer typed
      list.innerHTML = html;
      list.querySelectorAll("[role=option]").forEach(function (option, i) {
        option.id = list.id + "-" + i;
      });
      list.hidden = false;
      text.setAttribute("aria-expanded", "true");
      activate(0);
    }
    function ask() {
      var term = text.value.trim();
      var mine = ++asked;
      if (!term) { close(); return; }
      fetch(box.dataset.suggestUrl + "?q=" + encodeURIComponent(term),
            {headers: {"HX-Request": "true"}, credentials: "same-origin"})
        .then(function (r) { return r.ok ? r.text() : ""; })
        .then(function (html) { if (mine === asked) show(html, term); });
    }

    text.addEventListener("input", function () {
      if (value.value) { value.value = ""; value.dispatchEvent(new Event("change", {bubbles: true})); }
      clearTimeout(timer);
      timer = setTimeout(ask, DELAY);
    });
    text.addEventListener("keydown", function (evt) {
      var open = !list.hidden;
      if (evt.key === "ArrowDown" || evt.key === "ArrowUp") {
        evt.preventDefault();
        if (open) activate(active + (evt.key === "ArrowDown" ? 1 : -1)); else ask();
      } else if (evt.key === "Enter" && open) {
        evt.preventDefault();
        var found = options(list);
        if (found[active]) choose(found[active]);
      } else if (evt.key === "Escape" && open) {
        evt.preventDefault();
        evt.stopPropagation();
        close();
      }
    });
    list.addEventListener("mousedown", function (evt) { evt.preventDefault(); });
    list.addEventListener("click", function (evt) {
      var option = evt.target.closest("[role=option]:not([aria-disabled])");
      if (option) choose(option);
    });
    text.addEventListener("blur", close);
  }

  function init(root) {
    if (root.matches && root.matches("[data-picker]")) setup(root);
    root.querySelectorAll && root.querySelectorAll("[data-picker]").forEach(setup);
  }
  document.addEventListener("htmx:load", function (evt) { init(evt.detail.elt); });
  document.addEventListener("DOMContentLoaded", function () { init(document); });
})();
