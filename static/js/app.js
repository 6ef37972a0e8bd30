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
  // After an inline action (intranet/core/live.py): the server names, in HX-Trigger-After-Settle,
  // the control to focus next and the sentence for the polite live region (#live-status in
  // base.html). Without it the swapped-out button took the focus with it, to <body>.
  function focusable(el) {
    if (!el.matches("a[href], button, input, select, textarea, [tabindex]")) {
      el.setAttribute("tabindex", "-1");
    }
    return el;
  }
  function focusTarget(d) {
    var found = null;
    if (d.focus) {
      var all = Array.prototype.slice.call(document.querySelectorAll(d.focus));
      var mark = d.after ? document.querySelector(d.after) : null;
      if (mark) {
        var follows = Node.DOCUMENT_POSITION_FOLLOWING;
        var later = all.filter(function (el) {
          return !mark.contains(el) && (mark.compareDocumentPosition(el) & follows);
        });
        var earlier = all.filter(function (el) {
          return !mark.contains(el) && !(mark.compareDocumentPosition(el) & follows);
        });
        found = later[0] || earlier[earlier.length - 1] || null;
      } else {
        found = all[0] || null;
      }
    }
    if (!found && d.fallback) found = document.querySelector(d.fallback);
    return found;
  }
  function announce(message) {
    var region = document.getElementById("live-status");
    if (!region || !message) return;
    // emptied first, so that the same sentence twice in a row is announced twice
    region.textContent = "";
    window.setTimeout(function () { region.textContent = message; }, 50);
  }
  document.addEventListener("intranet:after-swap", function (evt) {
    var d = evt.detail || {};
    var target = focusTarget(d);
    if (target) focusable(target).focus();
    announce(d.message);
  });
  // Boosted navigation keeps <body>: after a swap, refresh the CSRF header from the new page's
  // hidden inputs, in case the token changed.
  document.addEventListener("htmx:afterSettle", function () {
    var input = document.querySelector("input[name=csrf_token]");
    if (input && input.value) {
      document.body.setAttribute("hx-headers", JSON.stringify({"X-CSRFToken": input.value}));
    }
  });
  // A table box that scrolls sideways (a wide table on a phone) must be reachable by keyboard
  // (WCAG 2.1.1, axe's scrollable-region-focusable): it takes the focus, as a region named by
  // the table's caption or the heading above it. A box that fits gives the focus back. Boxes
  // with their own tabindex in the template are left alone.
  var headingId = 0;
  function labelFor(box) {
    var caption = box.querySelector("caption");
    if (caption) return caption;
    for (var el = box; el && el.id !== "main"; el = el.parentElement) {
      for (var prev = el.previousElementSibling; prev; prev = prev.previousElementSibling) {
        if (/^H[1-6]$/.test(prev.tagName)) return prev;
        var inner = prev.querySelectorAll("h1, h2, h3, h4, h5, h6");
        if (inner.length) return inner[inner.length - 1];
      }
    }
    return null;
  }
  function scrollBoxes(root) {
    (root || document).querySelectorAll(".table-responsive").forEach(function (box) {
      var managed = box.getAttribute("data-scroll-focus") === "auto";
      if (box.hasAttribute("tabindex") && !managed) return;
      var scrolls = box.scrollWidth > box.clientWidth + 1;
      if (scrolls && !managed) {
        box.setAttribute("tabindex", "0");
        box.setAttribute("data-scroll-focus", "auto");
        var label = labelFor(box);
        if (label) {
          if (!label.id) label.id = "scroll-label-" + (++headingId);
          box.setAttribute("role", "region");
          box.setAttribute("aria-labelledby", label.id);
        }
      } else if (!scrolls && managed) {
        ["tabindex", "data-scroll-focus", "role", "aria-labelledby"].forEach(function (a) {
          box.removeAttribute(a);
        });
      }
    });
  }
  document.addEventListener("htmx:load", function (evt) { scrollBoxes(evt.detail.elt); });
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", function () { scrollBoxes(); });
  } else {
    scrollBoxes();
  }
  var resizing = null;
  window.addEventListener("resize", function () {
    window.clearTimeout(resizing);
    resizing = window.setTimeout(function () { scrollBoxes(); }, 150);
  });
})();
