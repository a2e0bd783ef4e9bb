// Runs inside the embedded form: tells the partner's page how tall we are, and nobody else.
(function () {
  "use strict";
  var parentOrigin = document.body.getAttribute("data-parent-origin");
  if (!parentOrigin || window.parent === window) return;
  var last = 0;
  function report() {
    // The content's own height: scrollHeight never drops below the frame's current height,
    // so after signing the frame could grow but never shrink back.
    var height = Math.ceil(document.documentElement.getBoundingClientRect().height);
    if (height === last) return;
    last = height;
    // The exact origin, never "*": the height goes only to the page that was allowed to frame us.
    // The title too: the frame's <title> is in the frame's language, so the partner's page can
    // name the iframe in it for screen readers (embed.js starts with an English one).
    window.parent.postMessage(
      { type: "petitions:resize", height: height, title: document.title },
      parentOrigin
    );
  }
  if (window.ResizeObserver) new ResizeObserver(report).observe(document.documentElement);
  window.addEventListener("load", report);
  report();
})();
