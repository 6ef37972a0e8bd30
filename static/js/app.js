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
  // Boosted navigation keeps <body>: after a swap, refresh the CSRF header from the new page's
  // hidden inputs, in case the token changed.
  document.addEventListener("htmx:afterSettle", function () {
    var input = document.querySelector("input[name=csrf_token]");
    if (input && input.value) {
      document.body.setAttribute("hx-headers", JSON.stringify({"X-CSRFToken": input.value}));
    }
  });
})();
