// The subsidy application form: recompute the expected subsidy while the plan is typed.
// The server does the arithmetic (subsidy.calculations); this only asks and shows the answer.
// Without JavaScript the figures are shown after saving, so nothing depends on this file.
(function () {
  "use strict";
  var form = document.querySelector("form[data-calculate-url]");
  if (!form || !window.fetch) { return; }
  var text = document.querySelector("[data-figures-text]");
  var warning = document.querySelector("[data-figures-warning]");
  var timer = null;
  var latest = 0;

  function figuresShow(answer) {
    if (text) { text.textContent = answer.text || ""; }
    if (warning) { warning.textContent = answer.warning || ""; }
    if (!answer.ok) { return; }
    ["months", "estimate_total", "eligible_cost", "subsidy"].forEach(function (name) {
      var cell = document.querySelector('[data-figure="' + name + '"]');
      if (cell) { cell.textContent = Number(answer[name]).toLocaleString("ja-JP"); }
    });
  }

  function recalculate() {
    var params = new URLSearchParams(new FormData(form));
    params.delete("csrfmiddlewaretoken");
    var ticket = ++latest;
    fetch(form.dataset.calculateUrl + "?" + params.toString(), {
      credentials: "same-origin",
      headers: { "Accept": "application/json" }
    })
      .then(function (response) { return response.ok ? response.json() : null; })
      .then(function (answer) {
        if (answer && ticket === latest) { figuresShow(answer); }
      })
      .catch(function () { /* the saved figures stay on the page */ });
  }

  function soon() {
    window.clearTimeout(timer);
    timer = window.setTimeout(recalculate, 300);
  }

  form.addEventListener("input", soon);
  form.addEventListener("change", soon);
})();
