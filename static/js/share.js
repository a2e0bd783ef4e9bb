// The share buttons of the thank-you page that need a script: copy the link, and the system's
// share sheet where the browser has one (navigator.share). Both are hidden until this script
// finds what they need, so a page without scripts shows only the plain links, which load
// nothing from any other site until clicked.
(function () {
  "use strict";

  var box = document.querySelector("[data-share-url]");
  if (!box) return;
  var url = box.getAttribute("data-share-url");
  var text = box.getAttribute("data-share-text") || "";
  var copy = box.querySelector("[data-share-copy]");
  var sheet = box.querySelector("[data-share-sheet]");
  var said = box.querySelector("[data-share-said]");

  if (copy && navigator.clipboard && window.isSecureContext) {
    copy.hidden = false;
    copy.addEventListener("click", function () {
      navigator.clipboard.writeText(url).then(function () {
        if (said) said.textContent = copy.getAttribute("data-share-copied") || "";
      });
    });
  }
  if (sheet && navigator.share) {
    sheet.hidden = false;
    sheet.addEventListener("click", function () {
      navigator.share({ title: document.title, text: text, url: url }).catch(function () {});
    });
  }
})();
