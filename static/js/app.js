// Small glue for htmx; no inline scripts anywhere (the CSP forbids them).
(function () {
  "use strict";
  function flash(message) {
    var area = document.getElementById("flash-area");
    if (!area) return;
    var div = document.createElement("div");
    div.className = "alert alert-danger";
    div.setAttribute("role", "alert");
    div.textContent = message;
    area.appendChild(div);
  }
  document.addEventListener("htmx:sendError", function () {
    flash(document.body.dataset.errorNetwork || "Network error");
  });
  // htmx 2 swaps only <body> on boosted navigation: scripts and styles that a page adds in its
  // <head> (a feature's own JS/CSS, Leaflet) would never load. When the new page needs head assets
  // this document lacks, load it as a full page instead (GET only; a POST is never repeated).
  document.addEventListener("htmx:beforeSwap", function (evt) {
    var d = evt.detail;
    if (!d.boosted || !d.shouldSwap || !d.xhr || d.isError) return;
    var verb = (d.requestConfig && d.requestConfig.verb || "get").toLowerCase();
    if (verb !== "get" || typeof d.serverResponse !== "string") return;
    var head = new DOMParser().parseFromString(d.serverResponse, "text/html").head;
    if (!head) return;
    var missing = Array.prototype.some.call(
      head.querySelectorAll("script[src], link[rel=stylesheet][href]"),
      function (el) {
        var attr = el.tagName === "SCRIPT" ? "src" : "href";
        var url = el.getAttribute(attr);
        return !document.head.querySelector(el.tagName.toLowerCase() + "[" + attr + '="' + url + '"]');
      }
    );
    if (missing) {
      d.shouldSwap = false;
      window.location.assign(d.xhr.responseURL || d.pathInfo.requestPath);
    }
  });
  // Boosted navigation keeps <body>: after a swap, refresh the CSRF header from the new page's
  // hidden inputs, in case the token changed.
  document.addEventListener("htmx:afterSettle", function () {
    var input = document.querySelector("input[name=csrf_token]");
    if (input && input.value) {
      document.body.setAttribute("hx-headers", JSON.stringify({"X-CSRFToken": input.value}));
    }
  });
})();
