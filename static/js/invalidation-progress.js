// Keeps the progress bars of invalidations under way current on the organizer's page, by asking
// their progress JSON every few seconds until each is done, cancelled or undone.
//
// Progressive enhancement: the page renders each bar and its words; without this script they
// stay as rendered until the page is loaded again. The words come from the server, already in
// the page's language. Once none is under way any more, the page is loaded again once, so that
// its buttons (cancel becomes undo) and the flash are current.
(function () {
  "use strict";

  var SECONDS = 2;
  // A server in trouble gets no more requests from us after this many failures in a row.
  var MAX_FAILURES = 5;

  if (!window.fetch) return;

  var rows = Array.prototype.slice.call(document.querySelectorAll("[data-progress-url]"));
  if (!rows.length) return;
  var failures = 0;

  function show(row, progress) {
    var bar = row.querySelector("progress");
    var words = row.querySelector("[data-progress-text]");
    if (bar) {
      bar.max = Math.max(progress.matched, progress.taken, 1);
      bar.value = progress.taken;
    }
    if (words && progress.text) words.textContent = progress.text;
  }

  function look() {
    var under = rows.filter(function (row) {
      return row.getAttribute("data-progress-url");
    });
    if (!under.length) {
      window.location.reload();
      return;
    }
    Promise.all(
      under.map(function (row) {
        return fetch(row.getAttribute("data-progress-url"), {
          credentials: "same-origin",
          headers: { Accept: "application/json" },
        })
          .then(function (response) {
            if (!response.ok) throw new Error(String(response.status));
            return response.json();
          })
          .then(function (progress) {
            show(row, progress);
            if (progress.status !== "queued" && progress.status !== "running") {
              row.removeAttribute("data-progress-url");
            }
          });
      })
    )
      .then(function () {
        failures = 0;
        window.setTimeout(look, SECONDS * 1000);
      })
      .catch(function () {
        failures += 1;
        if (failures < MAX_FAILURES) window.setTimeout(look, SECONDS * 1000 * failures);
      });
  }

  window.setTimeout(look, SECONDS * 1000);
})();
