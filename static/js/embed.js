/* petitions embed loader: <script src="BASE/embed.js" data-petition="SLUG" data-partner="CODE" async></script>
 * Optional: data-lang="be", data-accent="#8a1538", data-widget="counter" (default "form").
 * No dependencies; inserts an iframe served by the petitions site and sizes it to its content. */
(function () {
  "use strict";
  var script = document.currentScript;
  if (!script) return;
  var base = new URL(script.src);
  var slug = script.getAttribute("data-petition");
  var partner = script.getAttribute("data-partner");
  if (!slug || !partner) return;
  var widget = script.getAttribute("data-widget") === "counter" ? "/counter" : "";
  var src = new URL("/embed/" + encodeURIComponent(slug) + widget, base.origin);
  src.searchParams.set("partner", partner);
  src.searchParams.set("origin", window.location.origin);
  src.searchParams.set("page", window.location.href.split("#")[0]);
  var lang = script.getAttribute("data-lang");
  if (lang) src.searchParams.set("lang", lang);
  var accent = (script.getAttribute("data-accent") || "").replace(/^#/, "");
  if (/^[0-9a-fA-F]{6}$/.test(accent)) src.searchParams.set("accent", accent);

  var frame = document.createElement("iframe");
  frame.src = src.toString();
  frame.title = widget ? "Petition counter" : "Sign the petition";
  frame.style.width = "100%";
  frame.style.border = "0";
  frame.style.height = widget ? "110px" : "900px";
  frame.setAttribute("loading", "lazy");
  script.parentNode.insertBefore(frame, script.nextSibling);

  window.addEventListener("message", function (event) {
    // Only our own frame, from our own origin, may resize it.
    if (event.origin !== base.origin || event.source !== frame.contentWindow) return;
    var data = event.data;
    if (!data || data.type !== "petitions:resize" || typeof data.height !== "number") return;
    frame.style.height = Math.max(60, Math.min(data.height, 5000)) + "px";
    if (typeof data.title === "string" && data.title) frame.title = data.title.slice(0, 300);
  });
})();
