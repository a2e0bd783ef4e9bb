// Recounts "In prison for N days" on a case page in the reader's time zone. The server rendered
// the count for today in UTC, with the sentences for one day less and one day more
// (data-days-sentences, from our catalogs: the plural stays right without translating here).
// Where the reader's calendar day differs from UTC's, the count differs by one: this picks that
// sentence. Any other difference (a page left open for days) is left as rendered.
(function () {
  "use strict";

  function daysSince(isoDay) {
    var parts = isoDay.split("-");
    var start = Date.UTC(+parts[0], +parts[1] - 1, +parts[2]);
    var now = new Date();
    // The reader's calendar day, taken as a UTC midnight so both days are counted alike.
    var today = Date.UTC(now.getFullYear(), now.getMonth(), now.getDate());
    return Math.round((today - start) / 86400000);
  }

  var counts = document.querySelectorAll("[data-days-since]");
  for (var i = 0; i < counts.length; i++) {
    var element = counts[i];
    var sentences;
    try {
      sentences = JSON.parse(element.getAttribute("data-days-sentences") || "{}");
    } catch (error) {
      continue;
    }
    var rendered = parseInt(element.getAttribute("data-days"), 10);
    var shift = daysSince(element.getAttribute("data-days-since")) - rendered;
    var sentence = sentences[String(shift)];
    if (shift !== 0 && typeof sentence === "string") element.textContent = sentence;
  }
})();
