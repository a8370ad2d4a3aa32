// Small enhancements; every page works without them (forms post, the replay slider submits a GET form).
"use strict";
(function () {
  // Replay slider: show the chosen event number while dragging, go there when it is let go.
  function replay(form) {
    var input = form.querySelector("input[type=range]");
    var output = form.querySelector("output");
    var button = form.querySelector("[data-no-js]");
    if (!input) { return; }
    if (button) { button.hidden = true; }
    input.addEventListener("input", function () {
      var text = input.value + " / " + input.max;
      if (output) { output.textContent = text; }
      input.setAttribute("aria-valuetext", text);
    });
    input.addEventListener("change", function () { form.submit(); });
    // Came here by moving the slider: give it the focus back once the browser has scrolled to #replay.
    if (window.location.hash === "#replay") {
      window.addEventListener("load", function () { window.setTimeout(function () { input.focus(); }, 0); });
    }
  }

  // Repeatable rows of an object_list field: add from the <template>, remove, keep the numbering.
  function rows(box) {
    var list = box.querySelector("[data-row-list]");
    var template = box.querySelector("template[data-row-template]");
    var add = box.querySelector("[data-add-row]");
    if (!list || !template || !add) { return; }
    var next = parseInt(box.getAttribute("data-next") || "0", 10);
    function renumber() {
      var all = list.querySelectorAll("[data-row]");
      all.forEach(function (row, i) {
        var legend = row.querySelector("legend");
        if (legend && legend.dataset.pattern) { legend.textContent = legend.dataset.pattern.replace("__n__", String(i + 1)); }
        var remove = row.querySelector("[data-remove-row]");
        if (remove) { remove.hidden = all.length <= 1; }
      });
    }
    function wire(row) {
      var remove = row.querySelector("[data-remove-row]");
      if (remove) {
        remove.addEventListener("click", function () { row.remove(); renumber(); add.focus(); });
      }
    }
    var pattern = template.content.querySelector("legend");
    var patternText = pattern ? pattern.textContent : "";
    list.querySelectorAll("[data-row]").forEach(function (row) {
      var legend = row.querySelector("legend");
      if (legend) { legend.dataset.pattern = patternText; }
      wire(row);
    });
    add.addEventListener("click", function (event) {
      event.preventDefault();
      var html = template.innerHTML.split("__i__").join(String(next));
      next += 1;
      var holder = document.createElement("div");
      holder.innerHTML = html;
      var row = holder.querySelector("[data-row]");
      var legend = row.querySelector("legend");
      if (legend) { legend.dataset.pattern = patternText; }
      list.appendChild(row);
      wire(row);
      renumber();
      var first = row.querySelector("input, select, textarea");
      if (first) { first.focus(); }
    });
    renumber();
  }

  document.addEventListener("DOMContentLoaded", function () {
    document.documentElement.classList.add("js");
    document.querySelectorAll("form[data-replay]").forEach(replay);
    document.querySelectorAll("[data-rows]").forEach(rows);
    var refusal = document.getElementById("refusal");
    if (refusal) { refusal.focus(); }
  });
})();
