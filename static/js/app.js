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
  // Boosted navigation swaps only <body>, so a page's own stylesheets and scripts (its
  // {% block head %}) would never load when it is reached by a boosted link: add the missing
  // ones to <head>, once, in document order (async=false keeps scripts in order).
  document.addEventListener("htmx:beforeSwap", function (evt) {
    var text = evt.detail.serverResponse;
    if (!evt.detail.boosted || typeof text !== "string" || text.indexOf("<head") === -1) return;
    var head = new DOMParser().parseFromString(text, "text/html").head;
    head.querySelectorAll('link[rel="stylesheet"][href], script[src]').forEach(function (el) {
      var isLink = el.tagName === "LINK";
      var url = el.getAttribute(isLink ? "href" : "src");
      var selector = isLink ? 'link[rel="stylesheet"][href="' + CSS.escape(url) + '"]'
                            : 'script[src="' + CSS.escape(url) + '"]';
      if (document.head.querySelector(selector)) return;
      var copy = document.createElement(isLink ? "link" : "script");
      if (isLink) { copy.rel = "stylesheet"; copy.href = url; }
      else { copy.src = url; copy.async = false; }
      document.head.appendChild(copy);
    });
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
