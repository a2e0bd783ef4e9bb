// Keeps a petition's count current without a reload, on the petition page and in the partner's
// counter. On the record day readers reloaded the whole page to watch the count; a look at the
// count here is one request for the public JSON, which caches answer, mostly with 304.
//
// Progressive enhancement: the server renders the count, its words and the bar (progress() in
// templates/_macros.html), and without this script they simply stay as rendered. The script
// reads its settings from the data-live-* attributes that macro writes: the JSON's address, the
// interval, the count's word for each plural category (from the server's catalogs), the digit
// grouping of the page's language and the bar's label with a {percent} slot.
//
// No aria-live region: on a busy petition the count changes at almost every look, and a polite
// announcement every 10 to 30 seconds would talk over someone reading the petition or filling
// in the form (WCAG 2.2.4). The number is updated in place, so a screen reader reads the current
// one whenever its user reaches it.
(function () {
  "use strict";

  // Each wait is the interval ±50 %, so readers who opened the page together (one mailing, one
  // broadcast) do not come back together.
  var JITTER = 0.5;
  // After this many failed looks in a row the script stops: a server in trouble gets no more
  // requests from us, until the reader comes back to the tab (one more try then).
  var MAX_FAILURES = 5;
  // Waits double after each failure, up to this many seconds.
  var MAX_BACKOFF_SECONDS = 15 * 60;

  if (!window.fetch || !window.Intl || !Intl.PluralRules) return;

  function parsed(text) {
    try {
      return JSON.parse(text || "null");
    } catch (error) {
      return null;
    }
  }

  // Groups digits as the server's format_number (Babel) does. By hand because Chromium's Intl
  // lacks some of our languages' number data (Belarusian: "1,234" where the page says "1 234").
  function grouped(count, digits) {
    var text = String(count);
    var primary = digits.sizes[0];
    var secondary = digits.sizes[1] || primary;
    if (!primary || text.length <= primary) return text;
    var tail = text.slice(-primary);
    text = text.slice(0, -primary);
    while (text.length > secondary) {
      tail = text.slice(-secondary) + digits.group + tail;
      text = text.slice(0, -secondary);
    }
    return text + digits.group + tail;
  }

  function retryAfterSeconds(response) {
    var value = parseInt(response.headers.get("Retry-After") || "", 10);
    return value > 0 ? value : 0;
  }

  function follow(box) {
    var url = box.getAttribute("data-live-count");
    var seconds = parseFloat(box.getAttribute("data-live-seconds"));
    if (!url || !(seconds > 0)) return;
    var words = parsed(box.getAttribute("data-live-words")) || {};
    var digits = parsed(box.getAttribute("data-live-digits")) || { group: ",", sizes: [3, 3] };
    var percentLabel = box.getAttribute("data-live-percent") || "";
    var number = box.querySelector(".count-number strong");
    var word = box.querySelector("[data-count-word]");
    var bar = box.querySelector("progress");
    var plural = new Intl.PluralRules(document.documentElement.lang || "en");
    if (!number) return;

    var etag = null;
    var timer = null;
    var busy = false;
    var gone = false;
    var failures = 0;
    var notBefore = 0;
    // The page was rendered with a current count: the first look is one interval away.
    var lastLook = Date.now();

    function hidden() {
      return document.visibilityState === "hidden";
    }

    function nextWait() {
      var wait = Math.min(seconds * Math.pow(2, failures), Math.max(seconds, MAX_BACKOFF_SECONDS));
      return wait * 1000 * (1 - JITTER + 2 * JITTER * Math.random());
    }

    function schedule(milliseconds) {
      clearTimeout(timer);
      timer = null;
      if (gone || failures >= MAX_FAILURES || hidden()) return;
      timer = setTimeout(look, Math.max(milliseconds, notBefore - Date.now(), 0));
    }

    function show(data) {
      var count = data.signature_count;
      var goal = data.goal;
      if (typeof count !== "number" || typeof goal !== "number") throw new Error("no count");
      number.textContent = grouped(count, digits);
      var chosen = words[plural.select(count)];
      if (word && chosen) word.textContent = chosen;
      if (!bar) return;
      bar.max = goal;
      bar.value = Math.min(count, goal);
      // Reckoned by the server (rounded down, capped), as the rendered page was.
      if (typeof data.progress_percent === "number") {
        bar.setAttribute("aria-label", percentLabel.replace("{percent}", data.progress_percent));
        bar.textContent = data.progress_percent + "%";
      }
    }

    function succeeded() {
      failures = 0;
      notBefore = 0;
    }

    function failed(retryAfter) {
      failures += 1;
      notBefore = Date.now() + retryAfter * 1000;
    }

    function answered(response) {
      if (response.status === 304) return succeeded();
      if (response.status === 404 || response.status === 410) {
        gone = true; // the petition is no longer public: nothing more to follow
        return null;
      }
      if (!response.ok) return failed(retryAfterSeconds(response));
      return response.json().then(function (data) {
        show(data);
        etag = response.headers.get("ETag");
        succeeded();
      });
    }

    function look() {
      timer = null;
      if (busy || gone || hidden()) return;
      busy = true;
      lastLook = Date.now();
      // The ETag of the last answer goes back as If-None-Match, so an unchanged count costs a
      // 304 with no body. "no-store": the browser's own cache would answer from its copy for
      // max-age and hide a change the server already has.
      var headers = etag ? { "If-None-Match": etag } : {};
      fetch(url, { headers: headers, cache: "no-store", credentials: "omit" })
        .then(answered)
        .then(null, function () {
          failed(0); // offline, or an answer that is not the count
        })
        .then(function () {
          busy = false;
          schedule(nextWait());
        });
    }

    document.addEventListener("visibilitychange", function () {
      if (hidden()) {
        clearTimeout(timer);
        timer = null;
        return;
      }
      // Back on the tab: one look now (unless the last one was a moment ago), then as before.
      if (failures >= MAX_FAILURES) failures = MAX_FAILURES - 1;
      var soonest = seconds * 1000 * (1 - JITTER);
      schedule(Math.max(0, soonest - (Date.now() - lastLook)));
    });

    schedule(nextWait());
  }

  var boxes = document.querySelectorAll("[data-live-count]");
  for (var i = 0; i < boxes.length; i += 1) follow(boxes[i]);
})();
